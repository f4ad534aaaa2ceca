"""Regions a team constraint can name: UN M49 codes ("011") or names ("Western Africa"), resolved to countries.

Sub-regions and continents come from :mod:`matcher.vocab` (one definition of which country lies where); the M49
intermediate regions of Africa and the Americas, which the vocabulary does not split, are listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry

from matcher.vocab import REGION_CONTINENT, continent_of, region_of

#: UN M49 numeric codes of the regions the vocabulary names (sub-regions and continents).
M49_CODES: dict[str, str] = {
    "002": "Africa",
    "019": "Americas",
    "142": "Asia",
    "150": "Europe",
    "009": "Oceania",
    "010": "Antarctica",
    "015": "Northern Africa",
    "202": "Sub-Saharan Africa",
    "419": "Latin America and the Caribbean",
    "021": "Northern America",
    "143": "Central Asia",
    "030": "Eastern Asia",
    "035": "South-eastern Asia",
    "034": "Southern Asia",
    "145": "Western Asia",
    "151": "Eastern Europe",
    "154": "Northern Europe",
    "039": "Southern Europe",
    "155": "Western Europe",
    "011": "Western Africa",
    "014": "Eastern Africa",
    "017": "Middle Africa",
    "018": "Southern Africa",
    "029": "Caribbean",
    "013": "Central America",
    "005": "South America",
}

# M49 intermediate regions (data, not logic).
_INTERMEDIATE: dict[str, str] = {
    "Western Africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "Eastern Africa": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    "Middle Africa": "AO CM CF TD CG CD GQ GA ST",
    "Southern Africa": "BW SZ LS NA ZA",
    "Caribbean": ("AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI"),
    "Central America": "BZ CR SV GT HN MX NI PA",
    "South America": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
}


@dataclass(frozen=True, slots=True)
class Region:
    """A named region and the ISO alpha-2 codes of its countries."""

    code: str | None
    name: str
    countries: frozenset[str]


def known_regions() -> list[str]:
    """Every region name a constraint may use (codes in :data:`M49_CODES`)."""
    return sorted(set(M49_CODES.values()))


@lru_cache(maxsize=64)
def resolve_region(token: str) -> Region | None:
    """The region an M49 code or a name (any case) stands for, or None when unknown."""
    token = token.strip()
    name = M49_CODES.get(token.zfill(3)) if token.isdigit() else None
    if name is None:
        name = next((n for n in M49_CODES.values() if n.lower() == token.lower()), None)
    if name is None:
        return None
    code = next(c for c, n in M49_CODES.items() if n == name)
    if name in _INTERMEDIATE:
        countries = frozenset(_INTERMEDIATE[name].split())
    elif name in REGION_CONTINENT:
        countries = frozenset(c for c in _all_countries() if region_of(c) == name)
    else:
        countries = frozenset(c for c in _all_countries() if continent_of(c) == name)
    return Region(code, name, countries)


@lru_cache(maxsize=1)
def _all_countries() -> tuple[str, ...]:
    return tuple(sorted({c.alpha_2 for c in pycountry.countries} | {"XK"}))
