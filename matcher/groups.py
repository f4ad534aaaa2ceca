"""Action groups worth joining for a partner: fit of the group's description with the partner's profile, shared
terms, and the past partners already in the group. How much each signal counts is measured on the alliance's own
group memberships (:func:`fit_group_weights`), not fixed by hand."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from matcher.catalog import Catalog
from matcher.results import GroupMatch, Reason

#: The signals, and their weights while there are too few memberships to measure them (dense profile fit, TF-IDF
#: fit, past partners in the group).
GROUP_SIGNALS: tuple[str, ...] = ("dense", "lexical", "graph")
DEFAULT_GROUP_WEIGHTS: dict[str, float] = {"dense": 0.5, "lexical": 0.3, "graph": 0.2}


@dataclass(frozen=True, slots=True)
class GroupWeights:
    """Weights of the group signals and how they were chosen: ``source`` is ``"measured"`` (the best mean reciprocal
    rank of ``memberships`` held-out group memberships, ``mrr`` against ``default_mrr`` for the default weights) or
    ``"default"`` (too few memberships to measure)."""

    weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_GROUP_WEIGHTS.items())
    source: str = "default"
    memberships: int = 0
    mrr: float | None = None
    default_mrr: float | None = None


@dataclass(frozen=True, slots=True)
class GroupRecommender:
    """Ranks the action groups a partner is not in yet."""

    catalog: Catalog
    weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_GROUP_WEIGHTS.items())

    def signals(self, partner_id: str, *, hidden_group: str | None = None) -> dict[str, np.ndarray]:
        """Each signal's value for every group (arrays over ``catalog.groups``). ``hidden_group``: computed as if the
        partner were not in that group (its name left out of the partner's profile), to measure the weights."""
        c = self.catalog
        row = c.partner_pos[partner_id]
        profile = c.partner_vectors[row] + c.history_vectors[row]
        profile = profile / max(float(np.linalg.norm(profile)), 1e-9)
        text = c.profile_text(partner_id)
        if hidden_group is not None:
            text = "\n".join(line for line in text.split("\n") if line != c.group(hidden_group).name)
        terms = c.lexical.transform([text])
        lexical = (c.group_terms @ terms.T).toarray().ravel() if c.groups else np.zeros(0)
        mates = set(c.coworkers(partner_id))
        graph = np.array(
            [1.0 - np.exp(-len(mates & (c.group_members.get(g.id, set()) - {partner_id}))) for g in c.groups],
            dtype=np.float64,
        )
        return {"dense": c.group_vectors @ profile, "lexical": lexical, "graph": graph}

    def for_partner(self, partner_id: str, *, k: int = 10) -> list[GroupMatch]:
        c = self.catalog
        signals = self.signals(partner_id)
        weights = dict(self.weights)
        mates = set(c.coworkers(partner_id))
        joined = c.partner_groups.get(partner_id, set())
        matches: list[GroupMatch] = []
        for i, group in enumerate(c.groups):
            if group.id in joined:
                continue
            breakdown = {name: weights.get(name, 0.0) * float(values[i]) for name, values in signals.items()}
            reasons: list[Reason] = []
            mates_in = sorted(m for m in c.group_members.get(group.id, set()) if m in mates)
            named = [m for m in mates_in if c.partner(m).discoverable]  # never name a partner that opted out
            if named and breakdown["graph"] > 0:
                names = [c.partner(m).name for m in named[:3]]
                text = f"{len(named)} of your past partners are members ({', '.join(names)})"
                reasons.append(Reason("past_partners_in_group", text, {"count": len(named), "partners": names}))
            value = round(float(signals["dense"][i]), 2)
            if breakdown["dense"] > 0 or not reasons:
                reasons.append(
                    Reason("profile_similarity", f"text similarity {value:.2f} with your profile", {"value": value})
                )
            matches.append(
                GroupMatch(
                    group.id,
                    group.name,
                    round(sum(breakdown.values()), 4),
                    {name: round(v, 4) for name, v in breakdown.items()},
                    reasons,
                )
            )
        matches.sort(key=lambda m: -m.score)
        return matches[:k]


def _weight_grid(step: float) -> np.ndarray:
    """Every weight vector over :data:`GROUP_SIGNALS` on the simplex, in steps of ``step`` (rows sum to 1)."""
    n = round(1 / step)
    points = [p for p in itertools.product(range(n + 1), repeat=len(GROUP_SIGNALS)) if sum(p) == n]
    return np.array(points, dtype=np.float64) / n


def fit_group_weights(
    catalog: Catalog, *, max_memberships: int = 300, min_memberships: int = 10, step: float = 0.1, seed: int = 0
) -> GroupWeights:
    """The group-signal weights that best find held-out memberships in ``catalog``.

    Each of up to ``max_memberships`` memberships (a seeded sample) is hidden in turn: the partner's signals are
    computed as if it were not in that group, the groups it is not in are ranked, and the reciprocal rank of the hidden
    one is kept. Every weight vector on a grid over the simplex (steps of ``step``) is scored by the mean reciprocal
    rank; the best wins (the default weights when they do as well; among equals, the one closest to them). With fewer
    than ``min_memberships`` usable memberships (or a single group) the defaults are kept, ``source="default"``.
    """
    recommender = GroupRecommender(catalog)
    pairs = sorted(
        (partner_id, group_id)
        for group_id, members in catalog.group_members.items()
        for partner_id in members
        if partner_id in catalog.partner_pos and group_id in catalog.group_pos
    )
    if len(catalog.groups) < 2 or len(pairs) < min_memberships:
        return GroupWeights(memberships=len(pairs))
    if len(pairs) > max_memberships:
        chosen = np.random.default_rng(seed).choice(len(pairs), max_memberships, replace=False)
        pairs = [pairs[i] for i in sorted(chosen)]
    grid = _weight_grid(step)
    default = np.array([DEFAULT_GROUP_WEIGHTS[s] for s in GROUP_SIGNALS])
    reciprocal = np.zeros((len(pairs), len(grid) + 1))
    for n, (partner_id, group_id) in enumerate(pairs):
        signals = recommender.signals(partner_id, hidden_group=group_id)
        matrix = np.stack([signals[s] for s in GROUP_SIGNALS], axis=1)  # groups x signals
        others = catalog.partner_groups.get(partner_id, set()) - {group_id}
        open_groups = [i for i, g in enumerate(catalog.groups) if g.id not in others]
        target = open_groups.index(catalog.group_pos[group_id])
        scores = matrix[open_groups] @ np.vstack([grid, default]).T  # open groups x weight vectors
        # the hidden group's rank; ties count against it (a weight vector that scores everything 0 finds nothing)
        reciprocal[n] = 1.0 / (scores >= scores[target]).sum(axis=0)
    mrr = reciprocal.mean(axis=0)
    # the best mean reciprocal rank; among equally good weight vectors, the one closest to the defaults
    tied = np.flatnonzero(mrr[:-1] >= mrr[:-1].max() - 1e-9)
    best = int(tied[np.argmin(np.abs(grid[tied] - default).sum(axis=1))])
    if mrr[best] <= mrr[-1] + 1e-12:
        return GroupWeights(memberships=len(pairs), source="measured", mrr=float(mrr[-1]), default_mrr=float(mrr[-1]))
    weights = tuple((s, round(float(w), 4)) for s, w in zip(GROUP_SIGNALS, grid[best], strict=True))
    return GroupWeights(weights, "measured", len(pairs), float(mrr[best]), float(mrr[-1]))
