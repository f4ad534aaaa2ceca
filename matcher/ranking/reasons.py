"""Human-readable reasons a partner can act on, built from the evidence behind each feature."""

from __future__ import annotations

import pycountry

from matcher.catalog import Catalog
from matcher.ranking.query import ResolvedQuery
from matcher.results import Reason
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
) -> list[Reason]:
    """Reasons to suggest partner ``row``; ``terms``: the key terms it shares with the query
    (:meth:`~matcher.lexical.LexicalModel.shared_terms_of_rows`, computed for all shown partners at once)."""
    partner = catalog.partners[row]
    reasons: list[Reason] = []
    anchors = ([query.requester_id] if query.requester_id else []) + sorted(query.team - {query.requester_id})
    for anchor in anchors:
        projects = catalog.shared_projects(partner.id, anchor)
        known = anchor in catalog.partner_pos
        # never name a team member that opted out of discovery
        if projects and known and (anchor == query.requester_id or catalog.partner(anchor).discoverable):
            title = catalog.project(projects[0]).title
            more = len(projects) - 1
            extra = f" (and {more} more)" if more else ""
            if anchor == query.requester_id:
                reasons.append(
                    Reason("worked_with_you", f"worked with you on {title}{extra}", {"project": title, "more": more})
                )
            else:
                name = catalog.partner(anchor).name
                reasons.append(
                    Reason(
                        "worked_with_partner",
                        f"worked with {name} on {title}{extra}",
                        {"partner": name, "project": title, "more": more},
                    )
                )
            break
    shared = sorted(query.sdgs.intersection(partner.sdgs))[:3]
    if shared:
        reasons.append(Reason("shared_sdgs", "shares " + ", ".join(sdg_label(g) for g in shared), {"sdgs": shared}))
    if terms:
        reasons.append(Reason("key_terms", "matching key terms: " + ", ".join(terms), {"terms": list(terms)}))
    dense = round(features.get("dense", 0.0), 2)
    if features.get("dense", 0.0) >= 0.3:
        reasons.append(
            Reason("text_similarity", f"text similarity {dense:.2f} with your description", {"value": dense})
        )
    if features.get("dense_history", 0.0) >= 0.4 and partner.id in catalog.partner_projects:
        count = len(catalog.partner_projects[partner.id])
        text = f"has worked on similar projects ({count} project{'s' if count > 1 else ''} in the alliance)"
        reasons.append(Reason("similar_projects", text, {"count": count}))
    requester = catalog.partner(query.requester_id) if query.requester_id in catalog.partner_pos else None
    if requester is not None and requester.country and requester.country == partner.country:
        reasons.append(Reason("same_country", f"also in {country_name(partner.country)}", {"country": partner.country}))
    if features.get("type_complement", 0.0) > 0 and partner.type:
        text = f"{with_article(actor_label(partner.type))}: your project has none yet"
        reasons.append(Reason("type_complement", text, {"type": partner.type}))
    if not reasons:
        reasons.append(Reason("related_profile", f"related profile (text similarity {dense:.2f})", {"value": dense}))
    return reasons
