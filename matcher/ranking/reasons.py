"""Step 5 of the query pipeline: human-readable reasons a partner can act on, built from the evidence behind each
feature. A reason is given only when its feature adds to that suggestion's score (a positive contribution)."""

from __future__ import annotations

import pycountry

from matcher.catalog import Catalog
from matcher.ranking.query import ResolvedQuery
from matcher.results import Reason
from matcher.understand import describe_value, region_members
from matcher.vocab import actor_label, sdg_label, with_article


def country_name(code: str | None) -> str:
    if not code:
        return "an unknown country"
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or getattr(country, "name", code))


def _positive(contributions: dict[str, float], *names: str) -> bool:
    return any(contributions.get(name, 0.0) > 0 for name in names)


def _collaboration_reason(catalog: Catalog, query: ResolvedQuery, partner_id: str) -> Reason | None:
    anchors = ([query.requester_id] if query.requester_id else []) + sorted(query.team - {query.requester_id})
    for anchor in anchors:
        projects = catalog.shared_projects(partner_id, anchor)
        known = anchor in catalog.partner_pos
        # never name a team member that opted out of discovery
        if projects and known and (anchor == query.requester_id or catalog.partner(anchor).discoverable):
            title = catalog.project(projects[0]).title
            more = len(projects) - 1
            extra = f" (and {more} more)" if more else ""
            if anchor == query.requester_id:
                return Reason("worked_with_you", f"worked with you on {title}{extra}", {"project": title, "more": more})
            name = catalog.partner(anchor).name
            return Reason(
                "worked_with_partner",
                f"worked with {name} on {title}{extra}",
                {"partner": name, "project": title, "more": more},
            )
    return None


def as_asked_reasons(catalog: Catalog, query: ResolvedQuery, row: int, contributions: dict[str, float]) -> list[Reason]:
    """``as_asked`` reasons: the candidate is where, what or speaks what the text asked for."""
    understood = query.understood
    if understood is None:
        return []
    partner = catalog.partners[row]
    out: list[Reason] = []
    if contributions.get("asked_place", 0.0) > 0 and partner.country:
        if partner.country in understood.countries:
            label = country_name(partner.country)
            out.append(Reason("as_asked", f"in {label}, as you asked", {"what": "country", "value": partner.country}))
        else:
            region = next((r for r in understood.regions if partner.country in region_members(r)), None)
            if region is not None:
                label = describe_value("region", region)
                out.append(Reason("as_asked", f"in {label}, as you asked", {"what": "region", "value": region}))
    if contributions.get("asked_kind", 0.0) > 0 and partner.type in understood.kinds:
        text = f"{with_article(actor_label(partner.type))}, as you asked"
        out.append(Reason("as_asked", text, {"what": "kind", "value": partner.type}))
    if contributions.get("asked_language", 0.0) > 0:
        spoken = [lang for lang in understood.languages if lang in partner.languages]
        if spoken:
            label = describe_value("language", spoken[0])
            out.append(Reason("as_asked", f"speaks {label}, as you asked", {"what": "language", "value": spoken[0]}))
    return out


def partner_reasons(
    catalog: Catalog,
    query: ResolvedQuery,
    row: int,
    features: dict[str, float],
    contributions: dict[str, float],
    terms: list[str],
) -> list[Reason]:
    """Reasons to suggest partner ``row``; ``terms``: the key terms it shares with the query
    (:meth:`~matcher.lexical.LexicalModel.shared_terms_of_rows`, computed for all shown partners at once).
    ``contributions``: each feature's share of the score; a reason shows only where its feature's is positive."""
    partner = catalog.partners[row]
    reasons: list[Reason] = as_asked_reasons(catalog, query, row, contributions)
    if _positive(contributions, "graph", "walk"):
        worked = _collaboration_reason(catalog, query, partner.id)
        if worked is not None:
            reasons.append(worked)
        elif contributions.get("walk", 0.0) > 0 and features.get("walk", 0.0) >= 0.2:
            reasons.append(Reason("network_proximity", "close to your collaboration network", {}))
    shared = sorted(query.sdgs.intersection(partner.sdgs))[:3]
    if shared and _positive(contributions, "sdg_overlap"):
        reasons.append(Reason("shared_sdgs", "shares " + ", ".join(sdg_label(g) for g in shared), {"sdgs": shared}))
    if terms and _positive(contributions, "lexical"):
        reasons.append(Reason("key_terms", "matching key terms: " + ", ".join(terms), {"terms": list(terms)}))
    dense = round(max(features.get("dense", 0.0), features.get("dense_ml", 0.0)), 2)
    if dense >= 0.3 and _positive(contributions, "dense", "dense_ml"):
        if query.group_id is not None:
            text, code = f"text similarity {dense:.2f} with your group's description", "group_text_similarity"
        else:
            text, code = f"text similarity {dense:.2f} with your description", "text_similarity"
        reasons.append(Reason(code, text, {"value": dense}))
    if (
        (features.get("dense_history", 0.0) >= 0.4 or features.get("project_vote", 0.0) > 0)
        and partner.id in catalog.partner_projects
        and _positive(contributions, "dense_history", "history_max", "project_vote")
    ):
        count = len(catalog.partner_projects[partner.id])
        text = f"has worked on similar projects ({count} project{'s' if count > 1 else ''} in the alliance)"
        reasons.append(Reason("similar_projects", text, {"count": count}))
    requester = catalog.partner(query.requester_id) if query.requester_id in catalog.partner_pos else None
    if (
        requester is not None
        and requester.country
        and requester.country == partner.country
        and _positive(contributions, "same_country", "same_region", "country_affinity")
    ):
        reasons.append(Reason("same_country", f"also in {country_name(partner.country)}", {"country": partner.country}))
    if features.get("type_complement", 0.0) > 0 and partner.type and _positive(contributions, "type_complement"):
        whose = "your group" if query.group_id is not None else "your project"
        text = f"{with_article(actor_label(partner.type))}: {whose} has none yet"
        code = "group_type_complement" if query.group_id is not None else "type_complement"
        reasons.append(Reason(code, text, {"type": partner.type}))
    if not reasons:
        reasons.append(Reason("related_profile", f"related profile (text similarity {dense:.2f})", {"value": dense}))
    return reasons
