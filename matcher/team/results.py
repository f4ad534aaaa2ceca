"""What team proposals return: members with what each brings, the team's coverage, binding constraints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from matcher.results import Reason

MemberRole = Literal["requester", "project_member", "included", "proposed"]


@dataclass(frozen=True, slots=True)
class Alternative:
    """A candidate that could take a member's place with every constraint still met."""

    partner_id: str
    name: str
    type: str | None
    country: str | None
    score: float
    objective_change: float  # the team's objective with this swap minus the proposed team's (<= 0 when optimal)


@dataclass(frozen=True, slots=True)
class TeamMember:
    """One member of the proposed team. ``score``: the ranker's score (None for a fixed member it did not rank)."""

    partner_id: str
    name: str
    type: str | None
    country: str | None
    role: MemberRole
    score: float | None
    reasons: list[str] = field(init=False)  # the English wording of ``explanations`` (a field: ``asdict`` keeps it)
    explanations: list[Reason] = field(default_factory=list)
    brings: list[Reason] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reasons", [e.text for e in self.explanations])


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the whole team covers."""

    kinds: dict[str, int]
    countries: list[str]
    regions: list[str]
    languages: list[str]
    sdgs: list[int]


@dataclass(frozen=True, slots=True)
class Binding:
    """A constraint the answer sits on: loosening it could give a better team."""

    constraint: str  # the request field, e.g. "constraints.kinds[0].max"
    text: str
    value: int
    bound: int


@dataclass(frozen=True, slots=True)
class ConsortiumProposal:
    members: list[TeamMember]
    coverage: Coverage
    binding: list[Binding]
    objective: float
    optimal: bool  # False: the time limit stopped the solver and this is the best team it found
    candidates: int  # how many ranked candidates the solver chose from


@dataclass(frozen=True, slots=True)
class Assignment:
    """One partner placed in one group."""

    partner_id: str
    name: str
    type: str | None
    country: str | None
    group_id: str
    group_name: str
    score: float
    preferred: bool
    reasons: list[str] = field(init=False)
    explanations: list[Reason] = field(default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reasons", [e.text for e in self.explanations])


@dataclass(frozen=True, slots=True)
class GroupComposition:
    """A group after the assignment: its existing members and the ones added."""

    group_id: str
    name: str
    existing: int
    added: list[str]
    size: int
    kinds: dict[str, int]
    regions: list[str]


@dataclass(frozen=True, slots=True)
class AssignmentProposal:
    assignments: list[Assignment]
    groups: list[GroupComposition]
    unassigned: list[str]
    binding: list[Binding]
    objective: float
    optimal: bool
    applied: bool = False
