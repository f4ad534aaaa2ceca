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

# UN M49 sub-regions by ISO 3166-1 alpha-2 (continents in REGION_CONTINENT). Compact on purpose: it is data, not logic.
_M49: dict[str, str] = {
    "Northern Africa": "DZ EG LY MA SD TN EH",
    "Sub-Saharan Africa": (
        "AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE LS LR MG MW ML MR MU YT MZ NA NE NG "
        "RE RW SH ST SN SC SL SO ZA SS TZ TG UG ZM ZW IO TF"
    ),
    "Latin America and the Caribbean": (
        "AI AG AR AW BS BB BZ BO BQ BV BR VG KY CL CO CR CU CW DM DO EC SV FK GF GD GP GT GY HT HN JM MQ MX MS NI PA "
        "PY PE PR BL KN LC MF VC SX GS SR TT TC UY VI VE"
    ),
    "Northern America": "BM CA GL PM US UM",
    "Central Asia": "KZ KG TJ TM UZ",
    "Eastern Asia": "CN HK MO KP JP MN KR TW",
    "South-eastern Asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "Southern Asia": "AF BD BT IN IR MV NP PK LK",
    "Western Asia": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "Eastern Europe": "BY BG CZ HU PL MD RO RU SK UA",
    "Northern Europe": "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
    "Southern Europe": "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK",
    "Western Europe": "AT BE FR DE LI LU MC NL CH",
    "Oceania": "AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF",
    "Antarctica": "AQ",
}

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
    return {code: region for region, codes in _M49.items() for code in codes.split()}


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
