"""Single-record writes, listings and memberships of the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import text

from matcher.domain import ActionGroup, GroupMember, Partner, Project, ProjectMember
from matcher.store import Store
from matcher.store.errors import DuplicateRecordError, RecordNotFoundError, StaleVersionError
from tests.store.support import generated_dataset

OCEAN = Partner("ocean", "Blue Reef School", "Ocean literacy.", type="school", country="FJ", languages=("en",))


def test_migrations_reach_head_and_seed_the_revision(store: Store) -> None:
    store.migrate()  # idempotent
    with store.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar_one() == "0004"
    assert store.revision() == 0


def test_create_update_delete_bump_version_and_revision(store: Store) -> None:
    created = store.create_record("partners", OCEAN)
    assert (created.item, created.version) == (OCEAN, 1)
    assert created.updated_at.tzinfo is not None
    assert store.revision() == 1

    renamed = replace(OCEAN, name="Blue Reef Academy")
    updated = store.update_record("partners", renamed, expected_version=1)
    assert (updated.item.name, updated.version) == ("Blue Reef Academy", 2)
    assert store.get_record("partners", "ocean") == updated
    assert store.revision() == 2

    store.delete_record("partners", "ocean", expected_version=2)
    assert store.get_record("partners", "ocean") is None
    assert store.revision() == 3
    assert store.content_hashes("partners") == {}


def test_duplicate_create_is_refused_and_changes_nothing(store: Store) -> None:
    store.create_record("partners", OCEAN)
    with pytest.raises(DuplicateRecordError) as info:
        store.create_record("partners", Partner("ocean", "Someone else", "Other text."))
    assert str(info.value) == (
        "A partner with id 'ocean' already exists; update it instead (PUT or PATCH), or choose another id."
    )
    stored = store.get_record("partners", "ocean")
    assert stored is not None and stored.item == OCEAN and stored.version == 1
    assert store.revision() == 1


def test_stale_version_is_refused_with_the_current_one(store: Store) -> None:
    store.create_record("projects", Project("kit", "Reef kit", "Kits."))
    store.update_record("projects", Project("kit", "Reef kit 2", "Kits."))  # unconditional: version 2
    with pytest.raises(StaleVersionError) as info:
        store.update_record("projects", Project("kit", "Lost", "Kits."), expected_version=1)
    assert (info.value.expected, info.value.current) == (1, 2)
    with pytest.raises(StaleVersionError):
        store.delete_record("projects", "kit", expected_version=1)
    stored = store.get_record("projects", "kit")
    assert stored is not None and (stored.item.title, stored.version) == ("Reef kit 2", 2)


def test_unknown_ids_are_named(store: Store) -> None:
    with pytest.raises(RecordNotFoundError, match=r"^No action group with id 'nope'\.$"):
        store.update_record("action_groups", ActionGroup("nope", "N", "D"))
    with pytest.raises(RecordNotFoundError, match=r"^No partner with id 'nope'\.$"):
        store.delete_record("partners", "nope")
    assert store.revision() == 0


def test_memberships_and_their_errors(store: Store) -> None:
    store.create_record("partners", OCEAN)
    store.create_record("projects", Project("kit", "Reef kit", "Kits."))
    store.create_record("action_groups", ActionGroup("teachers", "Teachers", "Teachers."))
    store.add_project_member(ProjectMember("kit", "ocean", "lead"))
    store.add_group_member(GroupMember("teachers", "ocean"))
    assert store.project_members("kit") == [ProjectMember("kit", "ocean", "lead")]
    assert store.group_members("teachers") == [GroupMember("teachers", "ocean")]

    with pytest.raises(DuplicateRecordError, match="the partner is a member already"):
        store.add_project_member(ProjectMember("kit", "ocean", "member"))
    with pytest.raises(RecordNotFoundError, match=r"^No partner with id 'ghost'\.$"):
        store.add_group_member(GroupMember("teachers", "ghost"))
    with pytest.raises(RecordNotFoundError, match=r"^No project with id 'ghost'\.$"):
        store.add_project_member(ProjectMember("ghost", "ocean"))

    assert store.set_project_role("kit", "ocean", "member") == ProjectMember("kit", "ocean", "member")
    store.remove_group_member("teachers", "ocean")
    with pytest.raises(RecordNotFoundError, match="The partner 'ocean' is not a member of the action group 'teachers'"):
        store.remove_group_member("teachers", "ocean")
    revision = store.revision()

    store.delete_record("partners", "ocean")  # memberships go with the partner
    assert store.project_members("kit") == []
    assert store.revision() == revision + 1


def test_deleting_a_partner_deletes_its_feedback(store: Store) -> None:
    for pid in ("a", "b", "c"):
        store.create_record("partners", Partner(pid, pid.upper(), "Text."))
    store.add_feedback("a", "b", "dismiss")
    store.add_feedback("b", "c", "accept")
    store.add_feedback("c", "a", "decline")
    store.delete_record("partners", "b")
    assert [(f.requester_id, f.partner_id) for f in store.list_feedback().items] == [("c", "a")]


def test_listings_filter_page_and_hide_partners_that_opted_out(store: Store) -> None:
    dataset = generated_dataset(30)
    dataset.partners[3] = replace(dataset.partners[3], discoverable=False)
    store.replace_dataset(dataset, model="m", vectors={})

    first = store.list_partners(limit=10)
    assert first.total == 29 and [s.item.id for s in first.items] == [f"gen-{i:05d}" for i in (0, 1, 2, *range(4, 11))]
    second = store.list_partners(offset=10, limit=10)
    assert [s.item.id for s in second.items] == [f"gen-{i:05d}" for i in range(11, 21)]
    assert store.list_partners(include_hidden=True).total == 30

    ngos = store.list_partners(type="ngo", limit=100)
    assert ngos.total == 14 and all(s.item.type == "ngo" and s.item.discoverable for s in ngos.items)
    goal_5 = store.list_partners(sdg=5, limit=100)  # sdgs (4, 1 + i % 17): goal 5 is i = 4 and 21
    assert [s.item.id for s in goal_5.items] == ["gen-00004", "gen-00021"]
    assert store.list_partners(sdg=4, limit=100).total == 29  # "4" must not match "14"
    assert [s.item.id for s in store.list_partners(q="PARTNER 2", limit=100).items] == [
        "gen-00002", *[f"gen-{i:05d}" for i in range(20, 30)],
    ]  # fmt: skip
    assert store.list_partners(q="100%", limit=100).total == 0  # LIKE wildcards are escaped

    member_of = {m.project_id for m in dataset.project_members if m.partner_id == "gen-00007"}
    projects = store.list_projects(partner_id="gen-00007", limit=100)
    assert {s.item.id for s in projects.items} == member_of


def test_concurrent_updates_from_two_connections_never_lose_one(store_url: str) -> None:
    """Two stores (two engines, as two processes) update different fields of one partner by compare-and-set."""
    setup = Store(store_url)
    setup.migrate()
    setup.create_record("partners", OCEAN)
    rounds = 15

    def writer(field: str) -> None:
        own = Store(store_url)
        for n in range(rounds):
            while True:
                current = own.get_record("partners", "ocean")
                assert current is not None
                changed = replace(current.item, **{field: f"{field} {n}"})
                try:
                    own.update_record("partners", changed, expected_version=current.version)
                    break
                except StaleVersionError:
                    continue
        own.close()

    threads = [threading.Thread(target=writer, args=(f,)) for f in ("city", "website")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = setup.get_record("partners", "ocean")
    assert final is not None
    assert (final.item.city, final.item.website) == (f"city {rounds - 1}", f"website {rounds - 1}")
    assert final.version == 1 + 2 * rounds
    assert setup.revision() == 1 + 2 * rounds
    setup.close()
