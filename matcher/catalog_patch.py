"""A new catalog from an old one and what changed: only the changed rows are computed, the rest is gathered or shared.

:func:`patch_catalog` gives the catalog :func:`~matcher.catalog.build_catalog` would build from the same data with
the old catalog's TF-IDF vocabulary and idf (:class:`~matcher.lexical.PatchedLexical`): rows stay in the store's order
(by id), vectors of unchanged texts are reused, new texts are transformed with the fitted vocabulary, the graph's
links are re-weighted and its pair affinities re-counted only for the projects that changed, and arrays that nothing
touched are the old arrays themselves. What requests would build on first use and a change made stale (the
collaboration walk's steps, the members' column-major copy) is built here, by the writer. The old catalog is never
modified (readers keep using it while the new one is built).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, TypeVar, cast

import immutables
import numpy as np
import scipy.sparse as sp

from matcher.affinity import CollaborationWalk, affinity_of_pairs, patched_pair_counts
from matcher.attributes import patch_attributes
from matcher.catalog import Catalog, VectorLookup, country_rows, latest_year, tie_links
from matcher.domain import ActionGroup, Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.lexical import PatchedLexical
from matcher.priority import no_pause
from matcher.rows import VectorRows, moved_rows
from matcher.vocab import region_of

E = TypeVar("E", Partner, Project, ActionGroup)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class CatalogUpdate:
    """What changed, as read from the store: the new record (None: removed) of each changed id, the whole member
    list of each project and group whose members changed (``(partner, role)`` by partner id; empty: none), and all
    accepted ties when they may have changed (None: unchanged)."""

    partners: Mapping[str, Partner | None] = field(default_factory=dict)
    projects: Mapping[str, Project | None] = field(default_factory=dict)
    groups: Mapping[str, ActionGroup | None] = field(default_factory=dict)
    project_members: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    group_members: Mapping[str, frozenset[str]] = field(default_factory=dict)
    ties: Sequence[tuple[str, str]] | None = None


@dataclass(frozen=True, slots=True)
class Rows:
    """One kind's rows after a change: the items by id, ``old_row[i]`` (the old row of item ``i``, -1 for a new one),
    the rows whose record changed, the rows whose embedded text changed (new ones included), and how to move a list
    parallel to the old items: delete ``removed`` (old rows, last first), then insert at ``inserted`` (new rows, in
    order)."""

    items: list[Any]
    pos: dict[str, int]
    old_row: np.ndarray
    changed: list[int]
    text_changed: list[int]
    moved: bool  # rows were added or removed: arrays are gathered, not shared
    removed: list[int]
    inserted: list[int]

    def reorder(self, values: list[Any], fill: Any = None) -> list[Any]:
        """A list parallel to the old items, parallel to the new ones (``fill`` at new rows)."""
        out = list(values)
        for row in self.removed:
            del out[row]
        for row in self.inserted:
            out.insert(row, fill)
        return out


_ID = attrgetter("id")


def _rows(items: list[E], pos: dict[str, int], changes: Mapping[str, E | None]) -> Rows:
    updated = {key: item for key, item in changes.items() if item is not None}
    removed = sorted((pos[key] for key, item in changes.items() if item is None and key in pos), reverse=True)
    fresh = sorted((updated[key] for key in updated if key not in pos), key=_ID)
    out = list(items)
    for key, item in updated.items():
        if key in pos:
            out[pos[key]] = item
    old_row = np.arange(len(items), dtype=np.int64)
    inserted: list[int] = []
    if removed or fresh:
        for row in removed:
            del out[row]
        old_row = np.delete(old_row, removed)
        for item in fresh:
            at = bisect.bisect_left(out, item.id, key=_ID)
            out.insert(at, item)
            inserted.append(at)
            old_row = np.insert(old_row, at, -1)
        new_pos = dict(zip(map(_ID, out), range(len(out)), strict=True))
    else:
        new_pos = pos
    changed = sorted(new_pos[key] for key in updated)
    text_changed = [row for row in changed if old_row[row] < 0 or items[old_row[row]].text != out[row].text]
    moved = bool(removed or fresh)
    return Rows(out, new_pos, old_row, changed, text_changed, moved, removed, inserted)


def _gather(old: np.ndarray, rows: Rows) -> np.ndarray:
    """``old`` in the new row order (new rows hold a copy of row 0: the caller sets them)."""
    if not rows.moved:
        return old.copy()
    if len(old) == 0:
        return np.zeros((len(rows.items), *old.shape[1:]), dtype=old.dtype)
    return old[np.maximum(rows.old_row, 0)]


def _as_array(rows: VectorRows) -> np.ndarray:
    """:class:`~matcher.rows.VectorRows` in a catalog field typed as an array: it reads as one (see its module)."""
    return cast(np.ndarray, rows)


def _vectors(old: np.ndarray, rows: Rows, lookup: VectorLookup) -> np.ndarray:
    """The vectors in the new order, embedding (or reading from the cache) only the changed texts; shares the old
    vectors' buffer (:mod:`matcher.rows`)."""
    if not rows.moved and not rows.text_changed:
        return old
    texts = [rows.items[i].text for i in rows.text_changed]
    vectors = lookup(texts) if texts else np.zeros((0, old.shape[1]), dtype=np.float32)
    return _as_array(moved_rows(old, rows.old_row, dict(zip(rows.text_changed, vectors, strict=True))))


def _new_of_old(rows: Rows, n_old: int) -> np.ndarray:
    out = np.full(n_old, -1, dtype=np.int64)
    kept = rows.old_row >= 0
    out[rows.old_row[kept]] = np.flatnonzero(kept)
    return out


def patch_catalog(
    old: Catalog, update: CatalogUpdate, vectors: VectorLookup, pause: Callable[[], float] = no_pause
) -> Catalog:
    """The catalog after ``update`` (see the module docstring); ``pause`` is called between its steps
    (:meth:`matcher.priority.ReadersFirst.pauses`: the writer lets the reads in progress end first)."""
    partners = _rows(old.partners, old.partner_pos, update.partners)
    projects = _rows(old.projects, old.project_pos, update.projects)
    groups = _rows(old.groups, old.group_pos, update.groups)
    known_partners, known_projects, known_groups = partners.pos, projects.pos, groups.pos

    # -- memberships: the changed projects' and groups' lists replace theirs; removed records take theirs along
    gone_partners = {key for key, item in update.partners.items() if item is None}
    changed_projects = {key: list(members) for key, members in update.project_members.items()}
    for key in [key for key, project in update.projects.items() if project is None]:
        changed_projects[key] = []
    for partner_id in gone_partners:
        for project_id in old.partner_projects.get(partner_id, ()):
            members = changed_projects.get(project_id, old.project_members.get(project_id, []))
            changed_projects[project_id] = [(p, r) for p, r in members if p != partner_id]
    for key, members in changed_projects.items():  # a member or project not in the new catalog is not linked
        ok = key in known_projects
        changed_projects[key] = [(p, r) for p, r in members if ok and p in known_partners]
    changed_groups = {key: set(members) for key, members in update.group_members.items()}
    for key in [key for key, group in update.groups.items() if group is None]:
        changed_groups[key] = set()
    for partner_id in gone_partners:
        for group_id in old.partner_groups.get(partner_id, ()):
            changed_groups[group_id] = set(changed_groups.get(group_id, old.group_members.get(group_id, set())))
            changed_groups[group_id].discard(partner_id)
    for key, in_group in changed_groups.items():
        changed_groups[key] = {p for p in in_group if key in known_groups and p in known_partners}

    project_members, partner_projects, linked = _patch_links(
        old.project_members, old.partner_projects, changed_projects, gone_partners
    )
    group_members, partner_groups, grouped = _patch_groups(
        old.group_members, old.partner_groups, changed_groups, gone_partners
    )

    pause()
    # -- vectors
    partner_vectors = _vectors(old.partner_vectors, partners, vectors)
    project_vectors = _vectors(old.project_vectors, projects, vectors)
    group_vectors = _vectors(old.group_vectors, groups, vectors)
    dated = {projects.items[i].id for i in projects.changed}  # a start date may have changed

    pause()
    # -- per-partner arrays
    activity_ids = set(linked) | {p for j in dated if j in project_members for p, _ in project_members[j]}
    activity_rows = sorted({known_partners[p] for p in activity_ids if p in known_partners} | set(partners.changed))
    popularity = _gather(old.popularity, partners)
    last_active = _gather(old.last_active, partners)
    for row in activity_rows:
        project_ids = partner_projects.get(partners.items[row].id, ())
        popularity[row] = len(project_ids)
        last_active[row] = latest_year([projects.items[known_projects[j]].start_date for j in project_ids])
    discoverable = _gather(old.discoverable, partners)
    for row in partners.changed:
        discoverable[row] = partners.items[row].discoverable
    regions = partners.reorder(old.regions)
    for row in partners.changed:
        regions[row] = region_of(partners.items[row].country)
    attributes = patch_attributes(
        old.attributes, partners.items, partners.old_row, partners.changed, regions, popularity, last_active
    )

    pause()
    # -- graph
    membership = old.membership
    if changed_projects or partners.moved or projects.moved:
        membership = _patch_membership(old, partners, projects, project_members, set(changed_projects))
    ties = old.ties
    tie_pairs = old.tie_pairs if update.ties is None else tuple(update.ties)
    if update.ties is not None or partners.moved:
        ties = tie_links(known_partners, tie_pairs)

    dataset = Dataset(
        partners=partners.items,
        projects=projects.items,
        action_groups=groups.items,
        project_members=_member_list(old.dataset.project_members, changed_projects, project_members),
        group_members=_group_list(old.dataset.group_members, changed_groups),
    )
    catalog = Catalog(
        dataset=dataset,
        partner_vectors=partner_vectors,
        project_vectors=project_vectors,
        group_vectors=group_vectors,
        lexical=old.lexical,
        partner_pos=known_partners,
        project_pos=known_projects,
        group_pos=known_groups,
        project_members=project_members,
        partner_projects=partner_projects,
        group_members=group_members,
        partner_groups=partner_groups,
        membership=membership,
        ties=ties,
        tie_pairs=tie_pairs,
        discoverable=discoverable,
        regions=regions,
        popularity=popularity,
        last_active=last_active,
        attributes=attributes,
        country_affinity=old.country_affinity,
        kind_affinity=old.kind_affinity,
        country_pairs=old.country_pairs,
        kind_pairs=old.kind_pairs,
        walk=old.walk,
        project_terms=old.project_terms,
        group_terms=old.group_terms,
    )
    coded = [
        row
        for row in partners.changed
        if partners.old_row[row] < 0
        or (old.partners[partners.old_row[row]].country, old.partners[partners.old_row[row]].type)
        != (partners.items[row].country, partners.items[row].type)
    ]
    catalog.country_rows = _patch_country_rows(old, catalog, partners, activity_rows)
    if changed_projects or coded:  # who meets whom changed: the changed projects' pairs out, their new ones in
        _patch_affinities(old, catalog, set(changed_projects), {partners.items[row].id for row in coded})
    if membership is not old.membership or ties is not old.ties:
        catalog.walk = CollaborationWalk.of(membership, ties)
    pause()

    # -- text
    profile_ids = set(linked) | set(grouped) | {partners.items[i].id for i in partners.text_changed}
    moved_project_text = {projects.items[i].id for i in projects.text_changed}
    profile_ids |= {p for j in moved_project_text if j in project_members for p, _ in project_members[j]}
    renamed = {groups.items[i].id for i in groups.changed}
    profile_ids |= {p for g in renamed for p in group_members.get(g, ())}
    profile_rows = {known_partners[p] for p in profile_ids if p in known_partners}
    if profile_rows or partners.moved:
        texts = {row: catalog.profile_text(partners.items[row].id) for row in sorted(profile_rows)}
        catalog.lexical = PatchedLexical.of(old.lexical).patch(partners.old_row, texts)
        pause()
    if groups.changed or groups.moved:
        catalog.group_terms = (
            catalog.lexical.transform_documents([g.text for g in groups.items])
            if groups.items
            else sp.csr_matrix((0, 0), dtype=np.float32)
        )
    if projects.changed or projects.moved:
        catalog.project_terms = _patch_terms(old.project_terms, projects, catalog.lexical.transform_documents)
    # column-major copies that the first request would otherwise make again, of the matrices that did not change
    sources = {"project_terms": catalog.project_terms, "membership": catalog.membership, "ties": catalog.ties}
    for name, by_column in list(old.by_column.items()):
        if name in sources and sources[name] is getattr(old, name):
            catalog.by_column[name] = by_column
    pause()
    _build_for_readers(old, catalog, pause)
    return catalog


def _build_for_readers(old: Catalog, new: Catalog, pause: Callable[[], float] = no_pause) -> None:
    """Build now, in the writer's thread, what a free-text request builds on first use and a write made stale: the
    collaboration walk's steps and the members' column-major copy (each catalogue-wide: ~4 ms at 20k partners).
    Left to the first request on the new catalog, they ran in that request's thread, at the readers' priority,
    after nearly every membership write of a burst. ``new`` is not served yet, so nobody else builds them."""
    if new.walk is not old.walk and new.walk is not None:
        new.walk.steps  # noqa: B018 - a property that builds them once
        pause()
    if new.membership is not old.membership:
        new.membership_by_column()


def _patch_affinities(old: Catalog, new: Catalog, changed_projects: set[str], coded: set[str]) -> None:
    """``new``'s pair counts and affinities: ``old``'s, without the pairs of the projects whose members or whose
    members' codes changed (as they were in ``old``), with their pairs now (:func:`~matcher.affinity.pair_counts`
    over the new links gives the same)."""
    projects = set(changed_projects)
    for partner_id in coded:
        projects.update(old.partner_projects.get(partner_id, ()))
        projects.update(new.partner_projects.get(partner_id, ()))
    ordered = sorted(projects)

    def member_rows(catalog: Catalog, project_id: str) -> np.ndarray:
        members = dict.fromkeys(p for p, _ in catalog.project_members.get(project_id, ()))
        return np.asarray([catalog.partner_pos[p] for p in members], dtype=np.int64)

    before = [member_rows(old, j) for j in ordered]
    after = [member_rows(new, j) for j in ordered]
    a, b = old.attributes, new.attributes
    new.country_pairs = patched_pair_counts(
        old.country_pairs, len(b.country_codes), [a.country[r] for r in before], [b.country[r] for r in after]
    )
    new.kind_pairs = patched_pair_counts(
        old.kind_pairs, len(b.kind_codes), [a.kind[r] for r in before], [b.kind[r] for r in after]
    )
    new.country_affinity = affinity_of_pairs(new.country_pairs)
    new.kind_affinity = affinity_of_pairs(new.kind_pairs)


def _patch_country_rows(old: Catalog, new: Catalog, partners: Rows, activity_rows: list[int]) -> dict[str, np.ndarray]:
    """Rows of each country, most active first then by row: the old lists on the new rows (the row map keeps their
    order), the rows whose country or activity changed taken out and put back in their place."""
    affected = sorted(set(activity_rows) | set(partners.changed))
    if not affected and not partners.moved and len(old.partners) == len(new.partners):
        return old.country_rows
    if len(affected) > 1000:  # many at once (a large delta): as a full build does
        return country_rows(new.attributes, new.popularity)
    new_of_old = _new_of_old(partners, len(old.partners))
    is_affected = np.zeros(len(new.partners), dtype=bool)
    is_affected[affected] = True
    out: dict[str, np.ndarray] = {}
    for country, rows in old.country_rows.items():
        moved = new_of_old[rows] if partners.moved else rows
        moved = moved[moved >= 0]
        out[country] = moved[~is_affected[moved]]
    activity = new.popularity.astype(np.int64)
    span = np.int64(len(new.partners) + 1)
    for row in affected:
        place = new.partners[row].country
        if not place:
            continue
        country = place
        rows = out.get(country, np.zeros(0, dtype=np.int64))
        keys = -activity[rows] * span + rows
        at = int(np.searchsorted(keys, -activity[row] * span + row))
        out[country] = np.insert(rows, at, row)
    return {country: rows for country, rows in out.items() if len(rows)}


def _patch_links(
    project_members: Mapping[str, list[tuple[str, str]]],
    partner_projects: Mapping[str, list[str]],
    changed: dict[str, list[tuple[str, str]]],
    gone_partners: set[str],
) -> tuple[Mapping[str, list[tuple[str, str]]], Mapping[str, list[str]], set[str]]:
    """Project members and partners' projects after ``changed``; also the partners whose project list changed."""
    if not changed and not gone_partners:
        return project_members, partner_projects, set()
    members_out, projects_out = _mutable(project_members), _mutable(partner_projects)
    touched: set[str] = set()
    for project_id, members in changed.items():
        before = {p for p, _ in project_members.get(project_id, [])}
        after = {p for p, _ in members}
        touched |= before ^ after
        if members:
            members_out[project_id] = sorted(members)
        else:
            members_out.pop(project_id, None)
    for partner_id in touched:
        mine = [j for j in partner_projects.get(partner_id, []) if j not in changed]
        mine += [j for j, members in changed.items() if any(p == partner_id for p, _ in members)]
        if mine and partner_id not in gone_partners:
            projects_out[partner_id] = sorted(mine)
        else:
            projects_out.pop(partner_id, None)
    for partner_id in gone_partners:
        projects_out.pop(partner_id, None)
    return members_out.finish(), projects_out.finish(), touched - gone_partners


def _mutable(links: Mapping[str, V]) -> immutables.MapMutation[str, V]:
    """A mutation of ``links`` as a persistent map (:class:`Catalog`'s link maps are; a plain mapping is converted
    once): what it changes is new, the rest shared with ``links``."""
    return (links if isinstance(links, immutables.Map) else immutables.Map(links)).mutate()


def _patch_groups(
    group_members: Mapping[str, set[str]],
    partner_groups: Mapping[str, set[str]],
    changed: dict[str, set[str]],
    gone_partners: set[str],
) -> tuple[Mapping[str, set[str]], Mapping[str, set[str]], set[str]]:
    if not changed and not gone_partners:
        return group_members, partner_groups, set()
    members_out, groups_out = _mutable(group_members), _mutable(partner_groups)
    touched: set[str] = set()
    for group_id, members in changed.items():
        touched |= group_members.get(group_id, set()) ^ members
        if members:
            members_out[group_id] = set(members)
        else:
            members_out.pop(group_id, None)
    for partner_id in touched:
        mine = {g for g in partner_groups.get(partner_id, set()) if g not in changed}
        mine |= {g for g, members in changed.items() if partner_id in members}
        if mine and partner_id not in gone_partners:
            groups_out[partner_id] = mine
        else:
            groups_out.pop(partner_id, None)
    for partner_id in gone_partners:
        groups_out.pop(partner_id, None)
    return members_out.finish(), groups_out.finish(), touched - gone_partners


def _patch_membership(
    old: Catalog,
    partners: Rows,
    projects: Rows,
    project_members: Mapping[str, list[tuple[str, str]]],
    changed_projects: set[str],
) -> sp.csr_matrix:
    """Partners x projects link weights: the old links moved to the new rows and columns, those of the changed
    projects recomputed (``min(1, 5 / (size - 1))``, as :func:`matcher.catalog.build_catalog`)."""
    coo = old.membership.tocoo()
    row_map = _new_of_old(partners, old.membership.shape[0])
    col_map = _new_of_old(projects, old.membership.shape[1])
    rows, cols = row_map[coo.row], col_map[coo.col]
    stale = np.zeros(max(old.membership.shape[1], 1), dtype=bool)
    stale[[old.project_pos[j] for j in changed_projects if j in old.project_pos]] = True
    keep = (rows >= 0) & (cols >= 0) & ~stale[coo.col]
    new_rows, new_cols, new_vals = [rows[keep]], [cols[keep]], [coo.data[keep]]
    for project_id in sorted(changed_projects):
        members = project_members.get(project_id, [])
        if not members:
            continue
        weight = min(1.0, 5.0 / max(len(members) - 1, 1))
        new_rows.append(np.asarray([partners.pos[p] for p, _ in members], dtype=np.int64))
        new_cols.append(np.full(len(members), projects.pos[project_id], dtype=np.int64))
        new_vals.append(np.full(len(members), weight, dtype=np.float32))
    shape = (len(partners.items), len(projects.items))
    data = np.concatenate(new_vals).astype(np.float32)
    return sp.csr_matrix((data, (np.concatenate(new_rows), np.concatenate(new_cols))), shape=shape)


def _patch_terms(old: sp.csr_matrix, rows: Rows, transform: Any) -> sp.csr_matrix:
    """Rows of TF-IDF terms in the new order, the changed ones transformed again."""
    if not rows.items:
        return sp.csr_matrix((0, 0), dtype=np.float32)
    fresh = sp.csr_matrix(transform([rows.items[i].text for i in rows.changed])) if rows.changed else None
    width = fresh.shape[1] if fresh is not None else old.shape[1]
    parts = [old if old.shape[1] == width else sp.csr_matrix((old.shape[0], width), dtype=np.float32)]
    if fresh is not None:
        parts.append(fresh)
    stacked = sp.vstack(parts, format="csr")
    source = np.maximum(rows.old_row, 0).copy()
    source[rows.changed] = old.shape[0] + np.arange(len(rows.changed))
    return sp.csr_matrix(stacked[source], dtype=np.float32)


def _member_list(
    old: list[ProjectMember], changed: dict[str, list[tuple[str, str]]], now: Mapping[str, list[tuple[str, str]]]
) -> list[ProjectMember]:
    """The flat member list in the store's order (project, partner), with the changed projects' blocks replaced."""
    if not changed:
        return old
    out = list(old)
    for project_id in sorted(changed):
        lo = bisect.bisect_left(out, project_id, key=lambda m: m.project_id)
        hi = bisect.bisect_right(out, project_id, key=lambda m: m.project_id)
        out[lo:hi] = [ProjectMember(project_id, p, r) for p, r in now.get(project_id, [])]  # type: ignore[arg-type]
    return out


def _group_list(old: list[GroupMember], changed: dict[str, set[str]]) -> list[GroupMember]:
    if not changed:
        return old
    out = list(old)
    for group_id in sorted(changed):
        lo = bisect.bisect_left(out, group_id, key=lambda m: m.group_id)
        hi = bisect.bisect_right(out, group_id, key=lambda m: m.group_id)
        out[lo:hi] = [GroupMember(group_id, p) for p in sorted(changed[group_id])]
    return out
