"""Request and response schemas of the team endpoints: consortium proposals and action-group assignment.

The request shapes are the ones issue 17 promised clients (extend, never rename). Ranges and contradictions are
checked once, by the library's request types (:mod:`matcher.team.constraints`), whose errors name the field.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from service.schemas.fields import Identifier, JsonFloat, JsonInt
from service.schemas.recommendations import FiltersIn, ReasonPublic


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- consortium -------------------------------------------------------------------------------------------------------
class SizeIn(_In):
    min: JsonInt = Field(5, description="Fewest members of the whole team (requester, project members, include count)")
    max: JsonInt = Field(5, description="Most members, at most 50")


class KindBoundIn(_In):
    kind: str = Field(description="An actor kind, e.g. university")
    min: JsonInt = 0
    max: JsonInt | None = None


class RegionBoundIn(_In):
    region: str = Field(description='A UN M49 region code ("011" Western Africa) or its English name')
    min: JsonInt = 1


class ConstraintsIn(_In):
    kinds: list[KindBoundIn] = Field(default_factory=list, max_length=20)
    min_distinct_countries: JsonInt = 0
    max_per_country: JsonInt | None = None
    regions: list[RegionBoundIn] = Field(default_factory=list, max_length=50)
    languages: list[str] = Field(default_factory=list, max_length=50, description="ISO 639-1 codes to cover")
    sdgs: list[JsonInt] = Field(default_factory=list, max_length=17, description="SDGs to cover")


class ConsortiumQuery(_In):
    """A whole team for a project. Give ``text``, ``project_id``, or both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Ocean literacy and climate education in primary schools in West Africa",
                    "requester_id": "p001",
                    "size": {"min": 5, "max": 5},
                    "constraints": {
                        "kinds": [{"kind": "university", "min": 1, "max": 2}],
                        "min_distinct_countries": 4,
                        "max_per_country": 2,
                        "regions": [{"region": "011", "min": 1}],
                        "languages": ["fr", "en"],
                        "sdgs": [4, 13],
                    },
                    "include": [],
                    "exclude": [],
                    "conflicts": [],
                }
            ]
        },
    )

    text: str | None = Field(None, max_length=1_000_000, description="Describe the project")
    project_id: Identifier | None = None
    requester_id: Identifier | None = Field(None, description="Your partner id: in the team, never proposed")
    size: SizeIn = Field(default_factory=SizeIn)
    constraints: ConstraintsIn = Field(default_factory=ConstraintsIn)
    include: list[Identifier] = Field(default_factory=list, max_length=50, description="In the team already")
    exclude: list[Identifier] = Field(default_factory=list, max_length=1000)
    conflicts: list[list[Identifier]] = Field(
        default_factory=list, max_length=1000, description="Pairs of partner ids that cannot be in the same team"
    )
    filters: FiltersIn = Field(default_factory=FiltersIn)
    candidates: JsonInt = Field(100, description="How many of the ranker's top suggestions to choose from (10 to 1000)")
    time_limit: JsonFloat = Field(5.0, description="Seconds the solver may take (at most 60)")


class AlternativePublic(BaseModel):
    partner_id: str
    name: str
    type: str | None
    country: str | None
    score: float
    objective_change: float = Field(description="The team's objective with this swap minus the proposed one's")


class TeamMemberPublic(BaseModel):
    partner_id: str
    name: str
    type: str | None
    country: str | None
    role: str = Field(description="requester, project_member, included or proposed")
    score: float | None = Field(description="The ranker's score (null for a fixed member it did not rank)")
    reasons: list[str]
    explanations: list[ReasonPublic]
    brings: list[ReasonPublic] = Field(
        description="What the member adds to the team: only_kind {type}, covers_language {language}, covers_sdg "
        "{sdgs}, only_in_region {region}"
    )
    alternatives: list[AlternativePublic] = Field(description="Up to 2 candidates that could take this place")


class CoveragePublic(BaseModel):
    kinds: dict[str, int]
    countries: list[str]
    regions: list[str]
    languages: list[str]
    sdgs: list[int]


class BindingPublic(BaseModel):
    constraint: str = Field(description="The request field, e.g. constraints.kinds[0].max")
    text: str
    value: int
    bound: int


class ConsortiumPublic(BaseModel):
    members: list[TeamMemberPublic]
    coverage: CoveragePublic
    binding: list[BindingPublic]
    objective: float
    optimal: bool = Field(description="false: the time limit stopped the solver; this is the best team it found")
    candidates: int


# -- action-group assignment ------------------------------------------------------------------------------------------
class GroupSpecIn(_In):
    group_id: Identifier
    min: JsonInt = Field(0, description="Fewest partners this run adds to the group")
    max: JsonInt | None = Field(None, description="Most partners this run adds to the group")
    kinds: list[KindBoundIn] = Field(default_factory=list, max_length=20, description="Quotas on the whole group")
    min_regions: JsonInt = Field(0, description="Distinct M49 sub-regions in the whole group")


class PairIn(_In):
    partner_id: Identifier
    group_id: Identifier


class AssignmentQuery(_In):
    """Partners to spread over action groups (default: every discoverable partner in no group, every group)."""

    partners: list[Identifier] = Field(default_factory=list, max_length=100_000)
    groups: list[GroupSpecIn] = Field(default_factory=list, max_length=1000)
    default_min: JsonInt = Field(0, description="Bounds of every group when `groups` is empty")
    default_max: JsonInt | None = None
    min_groups_per_partner: JsonInt = 0
    max_groups_per_partner: JsonInt = 1
    preferences: list[PairIn] = Field(default_factory=list, max_length=100_000)
    exclusions: list[PairIn] = Field(default_factory=list, max_length=100_000)
    time_limit: JsonFloat = Field(5.0, description="Seconds the solver may take (at most 60)")
    apply: StrictBool = Field(False, description="Write the memberships (needs an admin API key); false: a dry run")


class AssignmentPublic(BaseModel):
    partner_id: str
    name: str
    type: str | None
    country: str | None
    group_id: str
    group_name: str
    score: float
    preferred: bool
    reasons: list[str]
    explanations: list[ReasonPublic]


class GroupCompositionPublic(BaseModel):
    group_id: str
    name: str
    existing: int
    added: list[str]
    size: int
    kinds: dict[str, int]
    regions: list[str]


class AssignmentsPublic(BaseModel):
    assignments: list[AssignmentPublic]
    groups: list[GroupCompositionPublic]
    unassigned: list[str]
    binding: list[BindingPublic]
    objective: float
    optimal: bool
    applied: bool
