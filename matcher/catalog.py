"""An immutable in-memory snapshot of the store, with the arrays the ranker needs.

Built once at start-up (and after each write batch); requests only read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import immutables
import numpy as np
import scipy.sparse as sp

from matcher.affinity import CollaborationWalk, affinity_of_pairs, pair_counts
from matcher.attributes import PartnerAttributes, partner_attributes
from matcher.domain import ActionGroup, Dataset, Partner, Project
from matcher.history import PastProjectVectors
from matcher.lexical import LexicalModel, PatchedLexical, column_scores
from matcher.sparse_rows import spans
from matcher.vocab import region_of

VectorLookup = Callable[[Sequence[str]], np.ndarray]


@dataclass(slots=True)
class Catalog:
    """Partners, projects, groups, their links and vectors, addressable by position."""

    dataset: Dataset
    partner_vectors: np.ndarray
    project_vectors: np.ndarray
    group_vectors: np.ndarray
    lexical: LexicalModel
    partner_pos: dict[str, int] = field(default_factory=dict)
    project_pos: dict[str, int] = field(default_factory=dict)
    group_pos: dict[str, int] = field(default_factory=dict)
    # who is in what, both ways: persistent maps (``immutables.Map``), which a write's delta changes in
    # O(changes * log n) instead of copying them (a 100k-entry dict copy held the GIL 3.7 ms per membership write)
    project_members: Mapping[str, list[tuple[str, str]]] = field(default_factory=immutables.Map)
    partner_projects: Mapping[str, list[str]] = field(default_factory=immutables.Map)
    group_members: Mapping[str, set[str]] = field(default_factory=immutables.Map)
    partner_groups: Mapping[str, set[str]] = field(default_factory=immutables.Map)
    membership: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0), dtype=np.float32))
    ties: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0), dtype=np.float32))
    country_rows: dict[str, np.ndarray] = field(default_factory=dict)
    discoverable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    regions: list[str | None] = field(default_factory=list)
    popularity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    last_active: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    attributes: PartnerAttributes = field(default_factory=PartnerAttributes)
    group_terms: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0), dtype=np.float32))
    by_column: dict[str, sp.csc_matrix] = field(default_factory=dict, repr=False)  # column-major copies (links, terms)
    #: log-lift of partners from country a joining projects with partners from country b (attribute codes)
    country_affinity: np.ndarray = field(default_factory=lambda: np.zeros((1, 1), dtype=np.float32))
    #: the same for actor kinds (who coordinates whom: universities with companies, cities with NGOs, ...)
    kind_affinity: np.ndarray = field(default_factory=lambda: np.zeros((1, 1), dtype=np.float32))
    #: the pair counts behind the two affinities (:func:`~matcher.affinity.pair_counts`), which a write patches
    country_pairs: np.ndarray = field(default_factory=lambda: np.zeros((1, 1)), repr=False)
    kind_pairs: np.ndarray = field(default_factory=lambda: np.zeros((1, 1)), repr=False)
    walk: CollaborationWalk | None = field(default=None, repr=False)
    #: the accepted suggestions (requester, partner) that ``ties`` links
    tie_pairs: tuple[tuple[str, str], ...] = ()
    #: projects x terms, TF-IDF of each project's text in the partners' vocabulary (unit rows)
    project_terms: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0), dtype=np.float32))

    def text_languages(self, rows: np.ndarray) -> np.ndarray:
        """The language each partner's text is written in (ISO 639-1, "" when unclear), as detected when the
        catalogue was built or patched (:attr:`~matcher.attributes.PartnerAttributes.written`)."""
        return self.attributes.written[np.asarray(rows, dtype=np.int64)]

    @property
    def partners(self) -> list[Partner]:
        return self.dataset.partners

    @property
    def history_vectors(self) -> PastProjectVectors:
        """Each partner's past-projects vector (the normalised mean of its projects' vectors; zero without one),
        computed from ``membership`` and ``project_vectors`` when read (:mod:`matcher.history`)."""
        return PastProjectVectors(self.membership, self.project_vectors)

    @property
    def projects(self) -> list[Project]:
        return self.dataset.projects

    @property
    def groups(self) -> list[ActionGroup]:
        return self.dataset.action_groups

    def partner(self, partner_id: str) -> Partner:
        return self.partners[self.partner_pos[partner_id]]

    def project(self, project_id: str) -> Project:
        return self.projects[self.project_pos[project_id]]

    def group(self, group_id: str) -> ActionGroup:
        return self.groups[self.group_pos[group_id]]

    def shared_projects(self, a: str, b: str) -> list[str]:
        """Projects that partners ``a`` and ``b`` both belong to, in the store's order."""
        theirs = set(self.partner_projects.get(b, ()))
        return [p for p in self.partner_projects.get(a, ()) if p in theirs]

    def project_lexical(self, terms: sp.csr_matrix) -> np.ndarray:
        """TF-IDF cosine of a query (its ``terms``) with every past project (only the query's terms are read)."""
        if not len(self.projects):
            return np.zeros(0, dtype=np.float32)
        by_column = self.by_column.get("project_terms")
        if by_column is None:  # what the query's terms read (see column_scores): ~1.6 ms less at 20k projects
            by_column = self.by_column["project_terms"] = sp.csc_matrix(self.project_terms)
            by_column.sort_indices()
        return column_scores(by_column, terms)

    def membership_by_column(self) -> sp.csc_matrix:
        """The column-major copy of :attr:`membership` (who is in a project), made on first use and kept."""
        by_column = self.by_column.get("membership")
        if by_column is None:
            by_column = self.by_column["membership"] = sp.csc_matrix(self.membership)
        return by_column

    def members_of_projects(self, project_cols: np.ndarray) -> np.ndarray:
        """Rows of the partners in the projects at columns ``project_cols`` (sorted, unique)."""
        by_column = self.membership_by_column()
        if not len(project_cols) or by_column.shape[1] == 0:
            return np.zeros(0, dtype=np.int64)
        offsets, _ = spans(by_column.indptr, np.asarray(project_cols, dtype=np.int64))
        return np.unique(by_column.indices[offsets]).astype(np.int64)

    def coworker_weights(self, anchors: Sequence[str]) -> np.ndarray:
        """Collaboration strength of every partner with ``anchors`` (a dense array; see :meth:`coworker_ties`)."""
        out = np.zeros(len(self.partners), dtype=np.float32)
        rows, weights = self.coworker_ties([self.partner_pos[a] for a in anchors if a in self.partner_pos])
        out[rows] = weights
        return out

    def coworker_ties(self, anchor_rows: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Partners tied to the partners at ``anchor_rows``, as (sorted rows, weights); the anchors are left out.

        The weight sums the projects shared with the anchors, each weighted ``min(1, 5 / (size - 1))`` so that a
        300-member network counts less than a six-partner project; accepted suggestions (``ties``) count like
        two-partner projects. Sparse: the cost grows with the anchors' projects and their members, not with the
        catalogue (never a partner-by-partner matrix, never an array over every partner).
        """
        anchors = np.unique(np.asarray(anchor_rows, dtype=np.int64))
        found_rows: list[np.ndarray] = []
        found_weights: list[np.ndarray] = []
        for name, links in (("membership", self.membership), ("ties", self.ties)):
            if not len(anchors) or links.shape[1] == 0:
                continue
            sub = links[anchors]
            if sub.nnz == 0:
                continue
            columns, inverse = np.unique(sub.indices, return_inverse=True)
            column_weight = np.bincount(inverse, weights=sub.data).astype(np.float32)
            by_column = self.by_column.get(name)
            if by_column is None:
                by_column = self.by_column[name] = sp.csc_matrix(links)
            offsets, lengths = spans(by_column.indptr, columns)
            found_rows.append(by_column.indices[offsets].astype(np.int64))
            found_weights.append(by_column.data[offsets] * np.repeat(column_weight, lengths))
        if not found_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows, inverse = np.unique(np.concatenate(found_rows), return_inverse=True)
        weights = np.bincount(inverse, weights=np.concatenate(found_weights)).astype(np.float32)
        keep = ~np.isin(rows, anchors)
        return rows[keep], weights[keep]

    def coworkers(self, partner_id: str) -> list[str]:
        """Partners who shared at least one project with ``partner_id``."""
        rows, weights = self.coworker_ties([self.partner_pos[partner_id]] if partner_id in self.partner_pos else [])
        return [self.partners[i].id for i in rows[weights > 0].tolist()]

    def profile_text(self, partner_id: str) -> str:
        """The partner's own text and the texts of the projects and groups it belongs to."""
        parts = [self.partner(partner_id).text]
        parts += [self.project(p).text for p in self.partner_projects.get(partner_id, [])]
        parts += [self.group(g).name for g in sorted(self.partner_groups.get(partner_id, ()))]
        return "\n".join(parts)


def rows_of(pos: Mapping[str, int], ids: Sequence[str]) -> np.ndarray:
    """Catalogue rows of ``ids`` by the position map ``pos`` (``partner_pos``, ``project_pos``; -1 for an id it does
    not have: an index answering with an id added or removed since)."""
    get = pos.get
    return np.fromiter((get(i, -1) for i in ids), dtype=np.int64, count=len(ids))


def build_catalog(
    dataset: Dataset,
    vectors: VectorLookup,
    dim: int,
    *,
    ties: Sequence[tuple[str, str]] = (),
    lexical: LexicalModel | None = None,
) -> Catalog:
    """Assemble a catalog; ``vectors(texts)`` returns unit vectors for texts (from the cache or the embedder).

    ``ties`` are extra collaboration links (e.g. accepted suggestions from feedback): each counts in the collaboration
    graph like a two-partner project, without being a project. ``lexical``: a fitted model whose vocabulary and idf
    to keep (the profiles are only transformed); by default one is fitted on the profiles.
    """
    partners, projects, groups = dataset.partners, dataset.projects, dataset.action_groups
    partner_vectors = _vectors(vectors, [p.text for p in partners], dim)
    project_vectors = _vectors(vectors, [p.text for p in projects], dim)
    group_vectors = _vectors(vectors, [g.text for g in groups], dim)
    partner_pos = {p.id: i for i, p in enumerate(partners)}
    project_pos = {p.id: i for i, p in enumerate(projects)}
    group_pos = {g.id: i for i, g in enumerate(groups)}

    project_members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    partner_projects: dict[str, list[str]] = defaultdict(list)
    for member in dataset.project_members:
        project_members[member.project_id].append((member.partner_id, member.role))
        partner_projects[member.partner_id].append(member.project_id)
    group_members: dict[str, set[str]] = defaultdict(set)
    partner_groups: dict[str, set[str]] = defaultdict(set)
    for gm in dataset.group_members:
        group_members[gm.group_id].add(gm.partner_id)
        partner_groups[gm.partner_id].add(gm.group_id)
    membership = _membership(partner_pos, project_pos, project_members)
    tie_matrix = tie_links(partner_pos, ties)
    catalog = Catalog(
        dataset=dataset,
        partner_vectors=partner_vectors,
        project_vectors=project_vectors,
        group_vectors=group_vectors,
        lexical=LexicalModel(),
        partner_pos=partner_pos,
        project_pos=project_pos,
        group_pos=group_pos,
        project_members=immutables.Map(project_members),
        partner_projects=immutables.Map(partner_projects),
        group_members=immutables.Map(group_members),
        partner_groups=immutables.Map(partner_groups),
        membership=membership,
        ties=tie_matrix,
        tie_pairs=tuple(ties),
        discoverable=np.array([p.discoverable for p in partners], dtype=bool),
        regions=[region_of(p.country) for p in partners],
        popularity=np.array([len(partner_projects.get(p.id, ())) for p in partners], dtype=np.float32),
        last_active=_last_active(partners, partner_projects, projects, project_pos),
    )
    catalog.attributes = attrs = partner_attributes(partners, catalog.regions, catalog.popularity, catalog.last_active)
    catalog.country_rows = country_rows(attrs, catalog.popularity)
    link_graph(catalog)
    profiles = [catalog.profile_text(p.id) for p in partners]
    if lexical is None:
        catalog.lexical.fit(profiles)
    else:
        catalog.lexical = PatchedLexical.of(lexical).patch(np.full(len(partners), -1), dict(enumerate(profiles)))
    if groups:
        catalog.group_terms = catalog.lexical.transform_documents([g.text for g in groups])
    if projects:
        catalog.project_terms = catalog.lexical.transform_documents([p.text for p in projects])
    return catalog


def link_graph(catalog: Catalog) -> None:
    """What the collaboration graph gives the ranker: pair affinities of countries and kinds, and the walk."""
    attrs, membership = catalog.attributes, catalog.membership
    catalog.country_pairs = pair_counts(attrs.country, membership, len(attrs.country_codes))
    catalog.kind_pairs = pair_counts(attrs.kind, membership, len(attrs.kind_codes))
    catalog.country_affinity = affinity_of_pairs(catalog.country_pairs)
    catalog.kind_affinity = affinity_of_pairs(catalog.kind_pairs)
    catalog.walk = CollaborationWalk.of(membership, catalog.ties)


def tie_links(partner_pos: dict[str, int], ties: Sequence[tuple[str, str]]) -> sp.csr_matrix:
    """Partners x ties: each accepted suggestion between two known partners is a two-member link."""
    known = [(a, b) for a, b in ties if a in partner_pos and b in partner_pos and a != b]
    rows = [partner_pos[p] for pair in known for p in pair]
    cols = [i for i in range(len(known)) for _ in range(2)]
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(partner_pos), len(known)))


def country_rows(attrs: PartnerAttributes, activity: np.ndarray) -> dict[str, np.ndarray]:
    """Rows of the partners of each country, the most active first, then by row (a candidate source for local
    partnerships)."""
    codes = attrs.country
    order = np.lexsort((np.arange(len(codes)), -np.asarray(activity, dtype=np.float64), codes))
    sorted_codes = codes[order]
    starts = np.searchsorted(sorted_codes, np.arange(len(attrs.country_codes) + 2))
    return {
        country: order[starts[code] : starts[code + 1]].astype(np.int64)
        for country, code in attrs.country_codes.items()
        if starts[code + 1] > starts[code]
    }


def _membership(
    partner_pos: dict[str, int], project_pos: dict[str, int], project_members: dict[str, list[tuple[str, str]]]
) -> sp.csr_matrix:
    """Partners x projects, each cell ``min(1, 5 / (size - 1))``: big projects are weaker ties."""
    rows, cols, vals = [], [], []
    for project_id, members in project_members.items():
        weight = min(1.0, 5.0 / max(len(members) - 1, 1))
        for partner_id, _ in members:
            rows.append(partner_pos[partner_id])
            cols.append(project_pos[project_id])
            vals.append(weight)
    shape = (len(partner_pos), len(project_pos))
    return sp.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=shape)


def _last_active(
    partners: list[Partner],
    partner_projects: dict[str, list[str]],
    projects: list[Project],
    project_pos: dict[str, int],
) -> np.ndarray:
    """Fractional year of each partner's latest dated project; NaN when it has none."""
    out = np.full(len(partners), np.nan, dtype=np.float32)
    for i, partner in enumerate(partners):
        out[i] = latest_year([projects[project_pos[p]].start_date for p in partner_projects.get(partner.id, ())])
    return out


def latest_year(dates: Sequence[date | None]) -> float:
    """The fractional year of the latest of ``dates`` (NaN when none is known): a partner's last activity."""
    years = [d.year + (d.timetuple().tm_yday - 1) / 366 for d in dates if d is not None]
    return max(years) if years else float("nan")


def _vectors(lookup: VectorLookup, texts: list[str], dim: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.ascontiguousarray(lookup(texts), dtype=np.float32)
