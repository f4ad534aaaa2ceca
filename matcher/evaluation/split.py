"""Hold out links: the newest projects (by ``start_date``) or a seeded random share, and some group memberships."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date

from matcher.domain import Dataset, GroupMember, Project, ProjectMember, lead_of


@dataclass(slots=True)
class EvalSplit:
    """``train`` is what the store may know; the test side is what queries must find back."""

    train: Dataset
    test_projects: list[Project]
    test_members: dict[str, list[ProjectMember]]
    test_group_links: list[GroupMember] = field(default_factory=list)
    by_time: bool = False
    #: With a temporal split: train on projects starting before ``split_date``, ask about those starting from it up
    #: to ``test_until`` (inclusive); ``left_out`` projects (undated, or after ``test_until``) are on neither side.
    split_date: date | None = None
    test_until: date | None = None
    left_out: int = 0

    def describe(self, seed: int) -> str:
        if self.split_date is not None:
            until = f" to {self.test_until.isoformat()}" if self.test_until else ""
            return f"train before {self.split_date.isoformat()}, test from {self.split_date.isoformat()}{until}"
        return "by start_date" if self.by_time else f"random (seed {seed})"


def split_links(
    dataset: Dataset,
    *,
    test_fraction: float = 0.2,
    group_fraction: float = 0.2,
    seed: int = 0,
    split_date: date | None = None,
    test_until: date | None = None,
) -> EvalSplit:
    """Split projects into past (train) and future (test).

    With ``split_date``: projects starting before it are the past, those starting from it (up to ``test_until``,
    inclusive, when given) the future; undated and later projects are left out. Without it: the newest
    ``test_fraction`` by start date where most projects have one, else a seeded random share. Only test projects
    with at least two members are kept as queries.
    """
    if split_date is not None:
        return _split_at(dataset, split_date, test_until, group_fraction, seed)
    if test_until is not None:
        raise ValueError("test_until needs split_date: give the date the test period starts from")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    rng = random.Random(seed)
    projects = list(dataset.projects)
    dated = [p for p in projects if p.start_date is not None]
    by_time = len(dated) >= 0.8 * len(projects) and len(dated) >= 5
    if by_time:
        ordered = sorted(dated, key=lambda p: (p.start_date, p.id))
        n_test = max(1, round(test_fraction * len(ordered)))
        test = ordered[-n_test:]
    else:
        shuffled = sorted(projects, key=lambda p: p.id)
        rng.shuffle(shuffled)
        test = shuffled[: max(1, round(test_fraction * len(shuffled)))]
    test_ids = {p.id for p in test}
    train = [p for p in projects if p.id not in test_ids]
    return _make_split(dataset, train, test, group_fraction, rng, by_time=by_time)


def _split_at(
    dataset: Dataset, split_date: date, test_until: date | None, group_fraction: float, seed: int
) -> EvalSplit:
    if test_until is not None and test_until < split_date:
        raise ValueError(f"test_until {test_until} is before split_date {split_date}: the test period would be empty")
    train = [p for p in dataset.projects if p.start_date is not None and p.start_date < split_date]
    test = [
        p
        for p in dataset.projects
        if p.start_date is not None
        and p.start_date >= split_date
        and (test_until is None or p.start_date <= test_until)
    ]
    test.sort(key=lambda p: (p.start_date, p.id))
    split = _make_split(dataset, train, test, group_fraction, random.Random(seed), by_time=True)
    left_out = len(dataset.projects) - len(train) - len(test)
    return dataclasses.replace(split, split_date=split_date, test_until=test_until, left_out=left_out)


def _make_split(
    dataset: Dataset,
    train_projects: list[Project],
    test: list[Project],
    group_fraction: float,
    rng: random.Random,
    *,
    by_time: bool,
) -> EvalSplit:
    members: dict[str, list[ProjectMember]] = {}
    for m in dataset.project_members:
        members.setdefault(m.project_id, []).append(m)
    train_ids = {p.id for p in train_projects}

    def answerable(project_id: str) -> bool:
        return len(members.get(project_id, [])) >= 2

    group_links = sorted(dataset.group_members, key=lambda g: (g.group_id, g.partner_id))
    rng.shuffle(group_links)
    held_groups = group_links[: round(group_fraction * len(group_links))]
    held_set = {(g.group_id, g.partner_id) for g in held_groups}
    train = Dataset(
        partners=dataset.partners,
        projects=train_projects,
        action_groups=dataset.action_groups,
        project_members=[m for m in dataset.project_members if m.project_id in train_ids],
        group_members=[g for g in dataset.group_members if (g.group_id, g.partner_id) not in held_set],
    )
    return EvalSplit(
        train=train,
        test_projects=[p for p in test if answerable(p.id)],
        test_members={p.id: members[p.id] for p in test if answerable(p.id)},
        test_group_links=held_groups,
        by_time=by_time,
    )


@dataclass(frozen=True, slots=True)
class HeldOutProject:
    """A held-out project asked as a collaborators query: by its lead (the requester), about its text; the answer
    is the other members the catalogue knows."""

    project: Project
    lead: str
    relevant: frozenset[str]


def held_out_projects(split: EvalSplit, known: Container[str]) -> list[HeldOutProject]:
    """The test projects of ``split`` as queries, in order: the lead is the member with the lead role (else the
    first member); projects with no other member in ``known`` (the catalogue's partner ids) are left out."""
    out = []
    for project in split.test_projects:
        team = split.test_members[project.id]
        lead = lead_of((m.partner_id, m.role) for m in team) or team[0].partner_id
        relevant = frozenset(m.partner_id for m in team if m.partner_id != lead and m.partner_id in known)
        if relevant:
            out.append(HeldOutProject(project, lead, relevant))
    return out
