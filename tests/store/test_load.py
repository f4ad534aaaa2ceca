"""Reading every record (``Store.load_dataset``, what a snapshot is built from), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from matcher.domain import ActionGroup, Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.store import Store, repository
from tests.store.support import generated_dataset, sorted_dataset

LYON = Partner(
    "a-city",
    "Lyon",
    "A learning city.",
    type="city",
    country="FR",
    city="Lyon",
    languages=("fr", "en"),
    website="https://lyon.example",
    sdgs=(4, 11),
)
EDGE = Dataset(
    partners=[
        Partner("b-quiet", "Quiet Lab", "Hidden.", discoverable=False),  # no type, country, languages, SDGs
        LYON,
        # the city's country, city, languages and SDGs: stored as text in each row, kept once by the read
        replace(LYON, id="c-school", name="Lycée", description="Écoles.", type="school", website=None),
    ],
    projects=[
        Project(
            "p2",
            "Gardens",
            "School gardens.",
            sdgs=(2, 4),
            status="running",
            seeking="a city",
            start_date=date(2024, 9, 1),
        ),
        Project("p1", "Idea", "Only an idea."),
    ],
    action_groups=[ActionGroup("g1", "Teachers for the Planet", "Teachers.")],
    project_members=[
        ProjectMember("p2", "c-school", "lead"),
        ProjectMember("p2", "a-city"),
        ProjectMember("p1", "a-city", "lead"),
    ],
    group_members=[GroupMember("g1", "c-school"), GroupMember("g1", "a-city")],
)


def test_every_field_reads_back_as_written_in_the_stores_order(store: Store) -> None:
    store.replace_dataset(EDGE, model="m", vectors={})
    loaded = store.load_dataset()
    assert loaded == sorted_dataset(EDGE)
    assert [p.id for p in loaded.partners] == ["a-city", "b-quiet", "c-school"]
    assert loaded.partners[1].discoverable is False and loaded.partners[1].languages == ()
    assert loaded.projects[1].start_date == date(2024, 9, 1)


def test_values_records_repeat_are_kept_once(store: Store) -> None:
    store.replace_dataset(EDGE, model="m", vectors={})
    loaded = store.load_dataset()
    city, _, school = loaded.partners
    for field in ("country", "city", "languages", "sdgs"):
        assert getattr(city, field) == getattr(school, field)
        assert getattr(city, field) is getattr(school, field), field
    # the memberships' ids are the records' own id objects
    assert all(m.partner_id is city.id for m in loaded.project_members if m.partner_id == "a-city")
    assert all(m.project_id is loaded.projects[1].id for m in loaded.project_members if m.project_id == "p2")
    assert all(m.group_id is loaded.action_groups[0].id for m in loaded.group_members)


def test_more_records_than_a_batch_are_all_read(store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(repository, "LOAD_BATCH", 7)
    dataset = generated_dataset(40)
    store.replace_dataset(dataset, model="m", vectors={})
    assert store.load_dataset() == sorted_dataset(dataset)
