"""The change log: every write records its delta under its revision; a process catches up by merging them."""

from __future__ import annotations

from sqlalchemy import delete

from matcher.domain import Partner, Project, ProjectMember
from matcher.store import Store
from matcher.store.changes import Changes, Delta
from matcher.store.tables import ChangeRow
from tests.store.support import generated_dataset


def test_each_write_logs_what_it_changed_under_its_revision(store: Store) -> None:
    store.create_record("partners", Partner("a", "A", "Ocean."))
    store.create_record("partners", Partner("b", "B", "Garden."))
    store.create_record("projects", Project("p", "P", "Reef kit."))
    store.add_project_member(ProjectMember("p", "a", "lead"))
    store.set_project_role("p", "a", "member")
    store.update_record("partners", Partner("b", "B", "Gardens."))
    store.add_feedback("a", "b", "dismiss")  # no accepted tie begins or ends: no change
    store.add_feedback("a", "b", "accept")
    store.delete_record("partners", "a")
    assert store.revision() == 8

    one = store.changes_since(0, until=1)
    assert one == store.changes_since(0, until=1) and one.complete and one.revision == 1
    assert one.delta == Delta(partners=Changes(added=frozenset({"a"})))
    members = store.changes_since(3, until=5).delta.project_members
    assert members == Changes(added=frozenset({("p", "a")}))  # added then its role changed: still added
    assert store.changes_since(6, until=7).delta == Delta(ties=True)
    log = store.changes_since(0)
    assert log.complete and log.revision == 8
    assert log.delta.partners == Changes(added=frozenset({"b"}), removed=frozenset({"a"}))  # "a" came and went
    assert log.delta.projects == Changes(added=frozenset({"p"}))
    assert log.delta.ties and not log.delta.everything
    assert store.changes_since(8) == store.changes_since(8, until=100)
    assert not store.changes_since(8).delta and store.changes_since(8).complete


def test_a_gap_or_a_bulk_import_asks_for_a_rebuild(store: Store) -> None:
    store.replace_dataset(generated_dataset(5), model="m", vectors={})
    assert store.changes_since(0).delta.everything
    store.create_record("partners", Partner("a", "A", "Ocean."))
    store.create_record("partners", Partner("b", "B", "Garden."))
    with store.sessions.begin() as s:
        s.execute(delete(ChangeRow).where(ChangeRow.revision == 2))  # pruned
    assert not store.changes_since(1).complete
    assert store.changes_since(2).complete
    assert not store.changes_since(-1).complete  # a process with no snapshot yet


def test_deltas_merge_and_survive_json() -> None:
    first = Delta.of_entity("partners", added=["x"], changed=["y"])
    later = Delta.of_entity("partners", removed=["y"]).then(Delta.of_members("group_members", "g", "x", added=True))
    merged = first.then(later)
    assert merged.partners == Changes(added=frozenset({"x"}), removed=frozenset({"y"}))
    assert merged.group_members.added == frozenset({("g", "x")})
    assert Delta.from_json(merged.to_json()) == merged
    removed_then_added = Delta.of_entity("projects", removed=["p"]).then(Delta.of_entity("projects", added=["p"]))
    assert removed_then_added.projects == Changes(changed=frozenset({"p"}))
