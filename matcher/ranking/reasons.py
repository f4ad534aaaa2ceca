"""Human-readable reasons a partner can act on, built from the evidence behind each feature."""

from __future__ import annotations

import pycountry

from matcher.catalog import Catalog
from matcher.ranking.query import ResolvedQuery
from matcher.vocab import actor_label, sdg_label, with_article


def country_name(code: str | None) -> str:
    if not code:
        return "an unknown country"
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or getattr(country, "name", code))


def partner_reasons(
    catalog: Catalog, query: ResolvedQuery, row: int, features: dict[str, float], terms: list[str]
) -> list[str]:
    """Reasons to suggest partner ``row``; ``terms``: the key terms it shares with the query
    (:meth:`~matcher.lexical.LexicalModel.shared_terms_of_rows`, computed for all shown partners at once)."""
    partner = catalog.partners[row]
    reasons: list[str] = []
    anchors = ([query.requester_id] if query.requester_id else []) + sorted(query.team - {query.requester_id})
    for anchor in anchors:
        projects = catalog.shared_projects(partner.id, anchor)
        known = anchor in catalog.partner_pos
        # never name a team member that opted out of discovery
        if projects and known and (anchor == query.requester_id or catalog.partner(anchor).discoverable):
            title = catalog.project(projects[0]).title
            extra = f" (and {len(projects) - 1} more)" if len(projects) > 1 else ""
            who = "you" if anchor == query.requester_id else catalog.partner(anchor).name
            reasons.append(f"worked with {who} on {title}{extra}")
            break
    shared = sorted(query.sdgs.intersection(partner.sdgs))
    if shared:
        reasons.append("shares " + ", ".join(sdg_label(g) for g in shared[:3]))
    if terms:
        reasons.append("matching key terms: " + ", ".join(terms))
    if features.get("dense", 0.0) >= 0.3:
        reasons.append(f"text similarity {features['dense']:.2f} with your description")
    if features.get("dense_history", 0.0) >= 0.4 and partner.id in catalog.partner_projects:
        count = len(catalog.partner_projects[partner.id])
        reasons.append(f"has worked on similar projects ({count} project{'s' if count > 1 else ''} in the alliance)")
    requester = catalog.partner(query.requester_id) if query.requester_id in catalog.partner_pos else None
    if requester is not None and requester.country and requester.country == partner.country:
        reasons.append(f"also in {country_name(partner.country)}")
    if features.get("type_complement", 0.0) > 0:
        reasons.append(f"{with_article(actor_label(partner.type))}: your project has none yet")
    if not reasons:
        reasons.append(f"related profile (text similarity {features.get('dense', 0.0):.2f})")
    return reasons
