"""Which past projects the learned rankers are trained on, and what each simulated query may know."""

from __future__ import annotations

import random
from datetime import date

import pytest

from matcher.domain import Dataset, Partner, Project, ProjectMember
from matcher.ranking.training import fold_plan, resolved_scheme, usable_projects


def alliance(starts: list[date | None]) -> Dataset:
    """One project per start date (``p00``, ``p01``, ...), each with the same two members."""
    partners = [
        Partner(id="a", name="A", description="x", type="ngo"),
        Partner(id="b", name="B", description="y", type="ngo"),
    ]
    projects = [Project(id=f"p{i:02d}", title=f"P{i}", description="x", start_date=d) for i, d in enumerate(starts)]
    members = [ProjectMember(project_id=p.id, partner_id=m, role="member") for p in projects for m in ("a", "b")]
    return Dataset(partners=partners, projects=projects, action_groups=[], project_members=members, group_members=[])


def plan_of(dataset: Dataset, scheme: str = "auto", folds: int = 4, max_queries: int = 1000):  # type: ignore[no-untyped-def]
    return fold_plan(
        dataset, usable_projects(dataset), folds=folds, max_queries=max_queries, scheme=scheme, rng=random.Random(0)
    ).folds


def test_a_dated_history_is_asked_about_its_recent_half_each_slice_knowing_only_what_came_before() -> None:
    # 40 projects, one a month from January 2015: the latest 20 are asked, in 4 slices of 5
    dataset = alliance([date(2015 + i // 12, i % 12 + 1, 1) for i in range(40)])
    plan = plan_of(dataset, scheme="temporal")

    assert [fold.asked for fold in plan] == [tuple(f"p{i:02d}" for i in range(s, s + 5)) for s in (20, 25, 30, 35)]
    for fold in plan:
        first = int(fold.asked[0][1:])
        # the slice and everything that started with or after it is hidden; everything before is known
        assert fold.hidden == frozenset(f"p{i:02d}" for i in range(first, 40))


def test_projects_starting_on_the_same_day_as_a_slice_are_hidden_from_it() -> None:
    starts = [date(2016, 1, 1)] * 10 + [date(2017, 1, 1)] * 30
    plan = plan_of(alliance(starts), scheme="temporal", folds=2)

    assert all(f"p{i:02d}" in plan[0].hidden for i in range(10, 40))  # same day as the first asked: hidden
    assert not any(f"p{i:02d}" in plan[0].hidden for i in range(10))


def test_a_history_without_dates_is_asked_in_random_folds_each_without_its_own_projects() -> None:
    dataset = alliance([None] * 30)
    plan = plan_of(dataset)

    asked = [p for fold in plan for p in fold.asked]
    assert sorted(asked) == [f"p{i:02d}" for i in range(30)]  # every project once
    assert all(fold.hidden == frozenset(fold.asked) for fold in plan)


def test_auto_asks_as_of_the_time_only_with_enough_dated_history() -> None:
    monthly = [date(1990 + i // 12, i % 12 + 1, 1) for i in range(400)]

    assert resolved_scheme(alliance(monthly), [f"p{i:02d}" for i in range(400)], "auto") == "temporal"
    assert resolved_scheme(alliance(monthly[:399]), [f"p{i:02d}" for i in range(399)], "auto") == "kfold"
    assert resolved_scheme(alliance(monthly[:40]), [f"p{i:02d}" for i in range(40)], "temporal") == "temporal"
    every = alliance(monthly)
    drawn = fold_plan(every, usable_projects(every), folds=4, max_queries=1000, scheme="auto", rng=random.Random(0))
    assert drawn.scheme == "temporal" and sum(len(f.asked) for f in drawn.folds) == 200  # the recent half


def test_auto_falls_back_to_folds_when_too_few_projects_have_a_date() -> None:
    starts: list[date | None] = [date(1990 + i // 12, i % 12 + 1, 1) for i in range(600)] + [None] * 300  # 67 %
    plan = plan_of(alliance(starts))

    assert all(fold.hidden == frozenset(fold.asked) for fold in plan)
    assert sum(len(fold.asked) for fold in plan) == 900


def test_max_queries_keeps_the_most_recent_projects() -> None:
    dataset = alliance([date(2015 + i // 12, i % 12 + 1, 1) for i in range(40)])
    plan = plan_of(dataset, scheme="temporal", max_queries=8)

    assert [p for fold in plan for p in fold.asked] == [f"p{i:02d}" for i in range(32, 40)]


def test_an_unknown_scheme_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="allowed: auto, temporal, kfold"):
        plan_of(alliance([None] * 3), scheme="weekly")


def test_models_are_compared_on_the_latest_queries_when_they_were_drawn_in_time_order() -> None:
    import numpy as np

    from matcher.ranking.selection import held_out_split
    from matcher.ranking.training import TrainingData

    groups = np.repeat(np.arange(8, dtype=np.int32), 2)  # 8 queries of 2 candidates; feature 0 holds the query id
    features = np.zeros((16, 3), np.float32)
    features[:, 0] = groups
    labels = np.tile(np.array([1, 0], np.int8), 8)

    test, train = held_out_split(TrainingData(features, labels, groups, 8, "temporal"), 0.25)
    assert sorted(set(test.features[:, 0])) == [6.0, 7.0]  # the two latest
    assert sorted(set(train.features[:, 0])) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]

    test, train = held_out_split(TrainingData(features, labels, groups, 8, "kfold"), 0.25, seed=3)
    assert test.n_queries == 2 and train.n_queries == 6
    assert set(test.features[:, 0]).isdisjoint(train.features[:, 0])
