"""Hold out links: the newest projects (by ``start_date``) or a seeded random share, and some group memberships."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from matcher.domain import Dataset, GroupMember, Project, ProjectMember


@dataclass(slots=True)
class EvalSplit:
    """``train`` is what the store may know; the test side is what queries must find back."""

    train: Dataset
    test_projects: list[Project]
    test_members: dict[str, list[ProjectMember]]
    test_group_links: list[GroupMember] = field(default_factory=list)
    by_time: bool = False


def split_links(
    dataset: Dataset, *, test_fraction: float = 0.2, group_fraction: float = 0.2, seed: int = 0
) -> EvalSplit:
    """Split projects into past (train) and future (test) by start date where most projects have one, else at
    random (seeded). Only test projects with a lead and at least one other member are kept as queries."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    members: dict[str, list[ProjectMember]] = {}
    for m in dataset.project_members:
        members.setdefault(m.project_id, []).append(m)
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

    def answerable(project_id: str) -> bool:
        team = members.get(project_id, [])
        return len(team) >= 2

    group_links = sorted(dataset.group_members, key=lambda g: (g.group_id, g.partner_id))
    rng.shuffle(group_links)
    held_groups = group_links[: round(group_fraction * len(group_links))]
    held_set = {(g.group_id, g.partner_id) for g in held_groups}
    train = Dataset(
        partners=dataset.partners,
        projects=[p for p in projects if p.id not in test_ids],
        action_groups=dataset.action_groups,
        project_members=[m for m in dataset.project_members if m.project_id not in test_ids],
        group_members=[g for g in dataset.group_members if (g.group_id, g.partner_id) not in held_set],
    )
    return EvalSplit(
        train=train,
        test_projects=[p for p in test if answerable(p.id)],
        test_members={p.id: members[p.id] for p in test if answerable(p.id)},
        test_group_links=held_groups,
        by_time=by_time,
    )
