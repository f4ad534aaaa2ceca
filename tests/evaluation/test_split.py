from datetime import date

import pytest

from matcher.domain import Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.evaluation.split import held_out_projects, split_links


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


def test_split_date_trains_before_it_and_asks_up_to_test_until() -> None:
    dataset = _dataset(dated=True)  # x0..x9 start on 1 January 2010..2019
    split = split_links(dataset, split_date=date(2016, 1, 1), test_until=date(2018, 1, 1))
    assert split.by_time and split.split_date == date(2016, 1, 1) and split.test_until == date(2018, 1, 1)
    assert [p.id for p in split.train.projects] == ["x0", "x1", "x2", "x3", "x4", "x5"]
    assert [p.id for p in split.test_projects] == ["x6", "x7", "x8"]  # 2018-01-01 is included
    assert split.left_out == 1  # x9 starts after the test period
    assert {m.project_id for m in split.train.project_members} == {f"x{i}" for i in range(6)}
    assert split.describe(0) == "train before 2016-01-01, test from 2016-01-01 to 2018-01-01"
    open_ended = split_links(dataset, split_date=date(2016, 1, 1))
    assert [p.id for p in open_ended.test_projects] == ["x6", "x7", "x8", "x9"] and open_ended.left_out == 0


def test_split_date_leaves_undated_projects_out_and_checks_its_dates() -> None:
    split = split_links(_dataset(dated=False), split_date=date(2016, 1, 1))
    assert (split.train.projects, split.test_projects, split.left_out) == ([], [], 10)
    with pytest.raises(ValueError, match="test_until 2015-01-01 is before split_date 2016-01-01"):
        split_links(_dataset(dated=True), split_date=date(2016, 1, 1), test_until=date(2015, 1, 1))
    with pytest.raises(ValueError, match="test_until needs split_date"):
        split_links(_dataset(dated=True), test_until=date(2015, 1, 1))


def test_without_split_date_the_fraction_split_is_unchanged() -> None:
    split = split_links(_dataset(dated=True), test_fraction=0.2)
    assert split.split_date is None and split.left_out == 0 and split.describe(0) == "by start_date"


def test_held_out_projects_are_asked_by_their_lead_about_the_known_other_members() -> None:
    split = split_links(_dataset(dated=True), test_fraction=0.2)  # x8 (p2 leads, p3), x9 (p3 leads, p4)

    everyone = held_out_projects(split, {f"p{i}" for i in range(6)})
    without_p4 = held_out_projects(split, {"p2", "p3"})

    assert [(h.project.id, h.lead, h.relevant) for h in everyone] == [
        ("x8", "p2", frozenset({"p3"})),
        ("x9", "p3", frozenset({"p4"})),
    ]
    assert [h.project.id for h in without_p4] == ["x8"]  # x9's only other member is not in the catalogue
