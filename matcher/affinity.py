"""Who works with whom, learned from the store's history: pair affinities between attribute values (countries,
actor kinds) and the partner-project walk that spreads the requester's ties over several hops.

Both are computed once per catalog from the membership matrix; queries only look them up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Pseudo-count of the smoothing towards "no preference": a pair seen a few times moves the affinity little.
AFFINITY_SMOOTHING = 10.0
#: Affinities are log-lifts clipped to this range (a pair never seen cannot outweigh everything else).
AFFINITY_CLIP = 2.0


def pair_affinity(
    codes: np.ndarray, membership: sp.csr_matrix, n_codes: int, *, smoothing: float = AFFINITY_SMOOTHING
) -> np.ndarray:
    """Smoothed log-lift of values ``a`` and ``b`` meeting in the same project, shape ``(n_codes + 1, n_codes + 1)``.

    ``codes`` holds each partner's value code (0 = unknown). For every project, each pair of distinct members counts
    ``1 / (size - 1)`` (a 300-member network does not drown six-partner projects). With ``N[a, b]`` those counts,
    ``N[a]`` their row sums and ``p[b]`` the share of pair ends with value ``b``::

        affinity[a, b] = log(((N[a, b] + s * p[b]) / (N[a] + s)) / p[b])

    0 means "as often as chance", > 0 more often (cross-border programmes, language areas, who coordinates whom),
    < 0 less often. Row and column 0 (unknown value) stay 0.
    """
    out = np.zeros((n_codes + 1, n_codes + 1), dtype=np.float32)
    if membership.shape[1] == 0 or n_codes == 0:
        return out
    linked = (membership > 0).astype(np.float32).tocsc()
    sizes = np.asarray(linked.sum(axis=0)).ravel()
    weight = np.where(sizes > 1, 1.0 / np.maximum(sizes - 1, 1), 0.0).astype(np.float32)
    onehot = sp.csr_matrix(
        (np.ones(len(codes), dtype=np.float32), (codes.astype(np.int64), np.arange(len(codes)))),
        shape=(n_codes + 1, len(codes)),
    )
    per_project = (onehot @ linked).tocsr()  # value x project: how many members of each value
    weighted = per_project @ sp.diags(weight)
    pairs = np.asarray((weighted @ per_project.T).todense(), dtype=np.float64)
    pairs -= np.diag(np.asarray(weighted.sum(axis=1)).ravel())  # a partner does not pair with itself
    pairs[0, :] = 0.0
    pairs[:, 0] = 0.0
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
    return np.clip(lift, -AFFINITY_CLIP, AFFINITY_CLIP).astype(np.float32)


@dataclass(frozen=True, slots=True)
class CollaborationWalk:
    """Random walk with restart (personalised PageRank) on the bipartite partner-project graph.

    ``to_projects`` (projects x partners) and ``to_partners`` (partners x projects) are the two half-steps, each
    column-stochastic over the partner's projects and the project's members; accepted suggestions (ties) are
    two-member "projects". Sparse: one step costs the number of memberships, not partners squared.
    """

    to_projects: sp.csr_matrix
    to_partners: sp.csr_matrix

    @staticmethod
    def of(links: sp.csr_matrix) -> CollaborationWalk:
        """The walk over ``links`` (partners x projects-or-ties, any positive weight means a link)."""
        binary = (links > 0).astype(np.float32).tocsr()
        partner_degree = np.asarray(binary.sum(axis=1)).ravel()
        project_degree = np.asarray(binary.sum(axis=0)).ravel()
        inv_p = sp.diags(np.where(partner_degree > 0, 1.0 / np.maximum(partner_degree, 1), 0.0).astype(np.float32))
        inv_j = sp.diags(np.where(project_degree > 0, 1.0 / np.maximum(project_degree, 1), 0.0).astype(np.float32))
        return CollaborationWalk(to_projects=(binary.T @ inv_p).tocsr(), to_partners=(binary @ inv_j).tocsr())

    def scores(self, anchor_rows: list[int], *, restart: float = 0.3, steps: int = 4) -> np.ndarray | None:
        """Visit probability of every partner for walks that start at ``anchor_rows`` and restart there with
        probability ``restart`` (``steps`` partner-to-partner hops: 4 reaches partners of partners of partners),
        scaled so that the best non-anchor partner has 1; the anchors themselves get 0. None without anchors or
        links."""
        n = self.to_partners.shape[0]
        if not anchor_rows or n == 0 or self.to_projects.nnz == 0:
            return None
        start = np.zeros(n, dtype=np.float32)
        start[anchor_rows] = 1.0 / len(anchor_rows)
        visit = start.copy()
        total = np.zeros(n, dtype=np.float32)
        for _ in range(steps):
            visit = (1.0 - restart) * (self.to_partners @ (self.to_projects @ visit)) + restart * start
            total += visit
        total[anchor_rows] = 0.0
        top = float(total.max())
        if top <= 0:
            return None
        return (total / top).astype(np.float32)
