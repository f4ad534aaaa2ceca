"""Action groups worth joining for a partner: fit of the group's description with the partner's profile, shared
terms, and the past partners already in the group."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.catalog import Catalog
from matcher.results import GroupMatch, Reason

#: Weights of the three signals (dense profile fit, TF-IDF fit, past partners in the group).
GROUP_WEIGHTS: dict[str, float] = {"dense": 0.5, "lexical": 0.3, "graph": 0.2}


@dataclass(frozen=True, slots=True)
class GroupRecommender:
    """Ranks the action groups a partner is not in yet."""

    catalog: Catalog
    weights: tuple[tuple[str, float], ...] = tuple(GROUP_WEIGHTS.items())

    def signals(self, partner_id: str) -> dict[str, np.ndarray]:
        """Each signal's value for every group (arrays over ``catalog.groups``)."""
        c = self.catalog
        row = c.partner_pos[partner_id]
        profile = c.partner_vectors[row] + c.history_vectors[row]
        profile = profile / max(float(np.linalg.norm(profile)), 1e-9)
        terms = c.lexical.transform([c.profile_text(partner_id)])
        lexical = (c.group_terms @ terms.T).toarray().ravel() if c.groups else np.zeros(0)
        mates = set(c.coworkers(partner_id))
        graph = np.array(
            [1.0 - np.exp(-len(mates & c.group_members.get(g.id, set()))) for g in c.groups], dtype=np.float64
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
            if named:
                names = [c.partner(m).name for m in named[:3]]
                text = f"{len(named)} of your past partners are members ({', '.join(names)})"
                reasons.append(Reason("past_partners_in_group", text, {"count": len(named), "partners": names}))
            value = round(float(signals["dense"][i]), 2)
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
