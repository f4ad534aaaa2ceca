from datetime import date

from matcher.domain import Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.evaluation.split import split_links


def _dataset(dated: bool) -> Dataset:
    partners = [Partner(id=f"p{i}", name=f"P{i}", description="d") for i in range(6)]
    projects = [
        Project(id=f"x{i}", title=f"X{i}", description="d", start_date=date(2010 + i, 1, 1) if dated else None)
        for i in range(10)
    ]
    members = [
        ProjectMember(f"x{i}", f"p{j}", "lead" if j == i % 6 else "member")
        for i in range(10)
        for j in {i % 6, (i + 1) % 6}
    ]
    groups = [GroupMember("g", f"p{i}") for i in range(6)]
    return Dataset(partners=partners, projects=projects, project_members=members, group_members=groups)


def test_dated_projects_split_by_time_newest_held_out() -> None:
    split = split_links(_dataset(dated=True), test_fraction=0.2)
    assert split.by_time
    assert [p.id for p in split.test_projects] == ["x8", "x9"]
    assert {p.id for p in split.train.projects} == {f"x{i}" for i in range(8)}
    assert not any(m.project_id in {"x8", "x9"} for m in split.train.project_members)


def test_undated_projects_split_at_random_reproducibly() -> None:
    first = split_links(_dataset(dated=False), test_fraction=0.3, seed=7)
    again = split_links(_dataset(dated=False), test_fraction=0.3, seed=7)
    other = split_links(_dataset(dated=False), test_fraction=0.3, seed=8)
    assert not first.by_time
    assert [p.id for p in first.test_projects] == [p.id for p in again.test_projects]
    assert len(first.test_projects) == 3
    assert {p.id for p in first.test_projects} != {p.id for p in other.test_projects}


def test_held_out_group_links_leave_the_training_side() -> None:
    split = split_links(_dataset(dated=True), group_fraction=0.5, seed=1)
    held = {(g.group_id, g.partner_id) for g in split.test_group_links}
    kept = {(g.group_id, g.partner_id) for g in split.train.group_members}
    assert len(held) == 3
    assert not held & kept
    assert len(held | kept) == 6
