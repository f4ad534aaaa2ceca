"""Who works with whom, learned from the store's history: pair affinities between attribute values (countries,
actor kinds) and the partner-project walk that spreads the requester's ties over several hops.

Both come from the membership matrix: the affinities' pair counts are computed at a full build and patched per
changed project by a write; the walk is built when a query first needs it. Queries only look them up.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Pseudo-count of the smoothing towards "no preference": a pair seen a few times moves the affinity little.
AFFINITY_SMOOTHING = 10.0
#: Affinities are log-lifts clipped to this range (a pair never seen cannot outweigh everything else).
AFFINITY_CLIP = 2.0
#: Pair counts closer to 0 than this are 0 (a count is a sum of terms of at least 1 / (size - 1) each: what is left
#: near 0 after subtractions is rounding), and so are lifts (float noise of the order of the sums).
ROUNDING = 1e-6


def pair_affinity(
    codes: np.ndarray, membership: sp.csr_matrix, n_codes: int, *, smoothing: float = AFFINITY_SMOOTHING
) -> np.ndarray:
    """Smoothed log-lift of values ``a`` and ``b`` meeting in the same project, shape ``(n_codes + 1, n_codes + 1)``:
    :func:`affinity_of_pairs` of :func:`pair_counts`."""
    return affinity_of_pairs(pair_counts(codes, membership, n_codes), smoothing=smoothing)


def pair_counts(codes: np.ndarray, membership: sp.csr_matrix, n_codes: int) -> np.ndarray:
    """``N[a, b]``: for every project, each pair of distinct members with values ``a`` and ``b`` counts
    ``1 / (size - 1)`` (a 300-member network does not drown six-partner projects). ``codes`` holds each partner's
    value code (0 = unknown, whose row and column stay 0); float64, shape ``(n_codes + 1, n_codes + 1)``."""
    out = np.zeros((n_codes + 1, n_codes + 1), dtype=np.float64)
    if membership.shape[1] == 0 or n_codes == 0:
        return out
    linked = (membership > 0).astype(np.float64).tocsc()
    sizes = np.asarray(linked.sum(axis=0)).ravel()
    weight = np.where(sizes > 1, 1.0 / np.maximum(sizes - 1, 1), 0.0)
    onehot = sp.csr_matrix(
        (np.ones(len(codes), dtype=np.float64), (codes.astype(np.int64), np.arange(len(codes)))),
        shape=(n_codes + 1, len(codes)),
    )
    per_project = (onehot @ linked).tocsr()  # value x project: how many members of each value
    weighted = per_project @ sp.diags(weight)
    out += np.asarray((weighted @ per_project.T).todense(), dtype=np.float64)
    out -= np.diag(np.asarray(weighted.sum(axis=1)).ravel())  # a partner does not pair with itself
    out[0, :] = 0.0
    out[:, 0] = 0.0
    out[np.abs(out) < ROUNDING] = 0.0  # a count of 0 left as rounding by the subtraction
    return out


def patched_pair_counts(
    pairs: np.ndarray, n_codes: int, before: Sequence[np.ndarray], after: Sequence[np.ndarray]
) -> np.ndarray:
    """:func:`pair_counts` after some projects changed, without reading the others: ``pairs`` (the counts before,
    over the codes known then; codes are only ever appended) without the projects whose member codes were ``before``
    and with those whose member codes are ``after`` (one array of codes per project, each partner once). A new
    array: ``pairs`` is not modified."""
    out = np.zeros((n_codes + 1, n_codes + 1), dtype=np.float64)
    out[: len(pairs), : len(pairs)] = pairs
    for sign, projects in ((-1.0, before), (1.0, after)):
        for members in projects:
            if len(members) < 2:
                continue
            values, counts = np.unique(np.asarray(members, dtype=np.int64), return_counts=True)
            counts = counts[values > 0].astype(np.float64)
            values = values[values > 0]
            block = np.outer(counts, counts) - np.diag(counts)
            out[np.ix_(values, values)] += (sign / (len(members) - 1)) * block
    out[np.abs(out) < ROUNDING] = 0.0  # a count now 0, left as rounding by the subtractions
    return out


def affinity_of_pairs(pairs: np.ndarray, *, smoothing: float = AFFINITY_SMOOTHING) -> np.ndarray:
    """Smoothed log-lift from the pair counts ``N`` (:func:`pair_counts`). With ``N[a]`` the row sums of ``N``
    and ``p[b]`` the share of pair ends with value ``b``::

        affinity[a, b] = log(((N[a, b] + s * p[b]) / (N[a] + s)) / p[b])

    0 means "as often as chance", > 0 more often (cross-border programmes, language areas, who coordinates whom),
    < 0 less often. Row and column 0 (unknown value) stay 0; so does a lift within :data:`ROUNDING` of 0; float32.
    """
    out = np.zeros(pairs.shape, dtype=np.float32)
    total = pairs.sum()
    if total <= 0:
        return out
    share = pairs.sum(axis=0) / total
    seen = share > 0
    rows = pairs.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = (pairs + smoothing * share[None, :]) / (rows + smoothing)
        lift = np.where(seen[None, :], np.log(conditional / np.where(seen, share, 1.0)[None, :]), 0.0)
    lift[0, :] = 0.0
    lift[:, 0] = 0.0
    lift[np.abs(lift) < ROUNDING] = 0.0  # "as often as chance" whatever the order of the sums (not 1e-16)
    return np.clip(lift, -AFFINITY_CLIP, AFFINITY_CLIP).astype(np.float32)


@dataclass(frozen=True, slots=True)
class WalkSteps:
    """The two half-steps of :class:`CollaborationWalk`: ``to_projects`` (projects x partners) and ``to_partners``
    (partners x projects), each column-stochastic over the partner's projects and the project's members."""

    to_projects: sp.csr_matrix
    to_partners: sp.csr_matrix

    @staticmethod
    def of(links: sp.csr_matrix) -> WalkSteps:
        """The steps over ``links`` (partners x projects-or-ties, any positive weight means a link)."""
        binary = (links > 0).astype(np.float32).tocsr()
        partner_degree = np.asarray(binary.sum(axis=1)).ravel()
        project_degree = np.asarray(binary.sum(axis=0)).ravel()
        inv_p = sp.diags(np.where(partner_degree > 0, 1.0 / np.maximum(partner_degree, 1), 0.0).astype(np.float32))
        inv_j = sp.diags(np.where(project_degree > 0, 1.0 / np.maximum(project_degree, 1), 0.0).astype(np.float32))
        return WalkSteps(to_projects=(binary.T @ inv_p).tocsr(), to_partners=(binary @ inv_j).tocsr())


class CollaborationWalk:
    """Random walk with restart (personalised PageRank) on the bipartite partner-project graph.

    Accepted suggestions (ties) are two-member "projects". Sparse: one step costs the number of memberships, not
    partners squared. The steps (:class:`WalkSteps`) are built on first use, once, whichever thread asks first:
    a snapshot that never serves a requester never builds them (a membership write makes a new walk).
    """

    __slots__ = ("_links", "_lock", "_steps")

    def __init__(self, links: Sequence[sp.csr_matrix]) -> None:
        self._links = tuple(links)
        self._steps: WalkSteps | None = None
        self._lock = threading.Lock()

    @staticmethod
    def of(*links: sp.csr_matrix) -> CollaborationWalk:
        """The walk over ``links`` side by side (partners x projects-or-ties blocks, any positive weight means a
        link): e.g. ``of(membership, ties)``."""
        return CollaborationWalk(links)

    @property
    def built(self) -> bool:
        return self._steps is not None

    @property
    def steps(self) -> WalkSteps:
        steps = self._steps
        if steps is None:
            with self._lock:
                steps = self._steps
                if steps is None:
                    links = self._links[0] if len(self._links) == 1 else sp.hstack(self._links)
                    steps = self._steps = WalkSteps.of(sp.csr_matrix(links))
        return steps

    @property
    def to_projects(self) -> sp.csr_matrix:
        return self.steps.to_projects

    @property
    def to_partners(self) -> sp.csr_matrix:
        return self.steps.to_partners

    def scores(self, anchor_rows: list[int], *, restart: float = 0.3, steps: int = 4) -> np.ndarray | None:
        """Visit probability of every partner for walks that start at ``anchor_rows`` and restart there with
        probability ``restart`` (``steps`` partner-to-partner hops: 4 reaches partners of partners of partners),
        scaled so that the best non-anchor partner has 1; the anchors themselves get 0. None without anchors or
        links."""
        if not anchor_rows or not self._links or self._links[0].shape[0] == 0:
            return None
        walk = self.steps
        n = walk.to_partners.shape[0]
        if walk.to_projects.nnz == 0:
            return None
        start = np.zeros(n, dtype=np.float32)
        start[anchor_rows] = 1.0 / len(anchor_rows)
        visit = start.copy()
        total = np.zeros(n, dtype=np.float32)
        for _ in range(steps):
            visit = (1.0 - restart) * (walk.to_partners @ (walk.to_projects @ visit)) + restart * start
            total += visit
        total[anchor_rows] = 0.0
        top = float(total.max())
        if top <= 0:
            return None
        return (total / top).astype(np.float32)
