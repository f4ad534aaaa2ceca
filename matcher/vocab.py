"""Controlled vocabularies of the import format: actor kinds, SDGs, regions."""

from __future__ import annotations

from functools import lru_cache

#: Actor kinds accepted in ``partners.type`` (exact tokens) with their human labels.
ACTOR_TYPES: dict[str, str] = {
    "ngo": "NGO",
    "public_actor": "public actor",
    "city": "city or territory",
    "school": "school",
    "university": "university",
    "research_centre": "research centre",
    "social_enterprise": "social enterprise",
    "company": "company",
    "foundation": "foundation",
    "youth_movement": "youth movement",
    "network": "network",
    "international_organisation": "international organisation",
    "media": "media",
    "other": "other",
}

#: The 17 Sustainable Development Goals, short names.
SDG_NAMES: dict[int, str] = {
    1: "No poverty",
    2: "Zero hunger",
    3: "Good health and well-being",
    4: "Quality education",
    5: "Gender equality",
    6: "Clean water and sanitation",
    7: "Affordable and clean energy",
    8: "Decent work and economic growth",
    9: "Industry, innovation and infrastructure",
    10: "Reduced inequalities",
    11: "Sustainable cities and communities",
    12: "Responsible consumption and production",
    13: "Climate action",
    14: "Life below water",
    15: "Life on land",
    16: "Peace, justice and strong institutions",
    17: "Partnerships for the goals",
}

PROJECT_STATUSES: tuple[str, ...] = ("idea", "running", "completed")
MEMBER_ROLES: tuple[str, ...] = ("lead", "member")


def _region_names() -> dict[str, str]:
    from matcher import m49  # the one M49 table

    return {code: m49.english_name(code) or code for code in m49.SUB_REGIONS}


#: M49 sub-region name -> its continent's name ("Western Africa" is under "Sub-Saharan Africa", under "Africa").
REGION_CONTINENT: dict[str, str] = {
    "Northern Africa": "Africa",
    "Sub-Saharan Africa": "Africa",
    "Latin America and the Caribbean": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Oceania": "Oceania",
    "Antarctica": "Antarctica",
}


@lru_cache(maxsize=1)
def _country_region() -> dict[str, str]:
    """ISO alpha-2 -> the name of its M49 sub-region (from :mod:`matcher.m49`, the one table)."""
    from matcher import m49

    names = _region_names()
    out: dict[str, str] = {}
    for country, regions in m49.ancestors().items():
        sub = next((r for r in regions if r in names), None)
        if sub is not None:
            out[country] = names[sub]
    out["AQ"] = "Antarctica"  # in no M49 region
    return out


def region_of(country: str | None) -> str | None:
    """UN M49 sub-region of an ISO alpha-2 country code, or None when unknown."""
    if not country:
        return None
    return _country_region().get(country.upper())


def continent_of(country: str | None) -> str | None:
    region = region_of(country)
    return REGION_CONTINENT.get(region) if region else None


def actor_label(token: str | None) -> str:
    return ACTOR_TYPES.get(token or "", token or "unknown kind")


def with_article(label: str) -> str:
    """'an NGO', 'a school', 'an international organisation'."""
    return ("an " if label[:1].lower() in "aeio" or label.startswith("NGO") else "a ") + label


def sdg_label(goal: int) -> str:
    return f"SDG {goal} — {SDG_NAMES[goal]}"
