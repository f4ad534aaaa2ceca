"""UN M49 regions: which region contains which (any level) and which countries each holds.

Source: United Nations Statistics Division, "Standard country or area codes for statistical use (M49)",
https://unstats.un.org/unsd/methodology/m49/ (regions, sub-regions and intermediate regions, with their English names).
Babel (CLDR) ships the localized *names* of these codes but not their membership, nor does pycountry, so the
membership is this one table. Where M49 lists no region, CLDR's containment is used: Taiwan (TW) in Eastern Asia, Kosovo
(XK) in Southern Europe, and CLDR's "003" North America (Northern America, Central America and the Caribbean). The
Channel Islands (830) are folded into Northern Europe. Names are M49's English ones; :func:`region_name` in
:mod:`matcher.understand.regions` gives CLDR's localized names.
"""

from __future__ import annotations

from functools import lru_cache

#: region code -> (English name, the regions it contains directly)
_TREE: dict[str, tuple[str, str]] = {
    "001": ("World", "002 019 142 150 009"),
    "002": ("Africa", "015 202"),
    "202": ("Sub-Saharan Africa", "011 014 017 018"),
    "019": ("Americas", "419 021"),
    "419": ("Latin America and the Caribbean", "029 013 005"),
    "003": ("North America", "021 013 029"),
    "142": ("Asia", "143 030 035 034 145"),
    "150": ("Europe", "151 154 039 155"),
    "009": ("Oceania", "053 054 057 061"),
}

#: lowest-level region code -> (English name, ISO 3166-1 alpha-2 codes of its countries and areas)
_LEAVES: dict[str, tuple[str, str]] = {
    "015": ("Northern Africa", "DZ EG LY MA SD TN EH"),
    "011": ("Western Africa", "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG"),
    "014": ("Eastern Africa", "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW"),
    "017": ("Middle Africa", "AO CM CF TD CG CD GQ GA ST"),
    "018": ("Southern Africa", "BW SZ LS NA ZA"),
    "029": (
        "Caribbean",
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
    ),
    "013": ("Central America", "BZ CR SV GT HN MX NI PA"),
    "005": ("South America", "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE"),
    "021": ("Northern America", "BM CA GL PM US"),
    "143": ("Central Asia", "KZ KG TJ TM UZ"),
    "030": ("Eastern Asia", "CN HK MO KP JP MN KR TW"),
    "035": ("South-eastern Asia", "BN KH ID LA MY MM PH SG TH TL VN"),
    "034": ("Southern Asia", "AF BD BT IN IR MV NP PK LK"),
    "145": ("Western Asia", "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE"),
    "151": ("Eastern Europe", "BY BG CZ HU PL MD RO RU SK UA"),
    "154": ("Northern Europe", "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB"),
    "039": ("Southern Europe", "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK"),
    "155": ("Western Europe", "AT BE FR DE LI LU MC NL CH"),
    "053": ("Australia and New Zealand", "AU CX CC HM NZ NF"),
    "054": ("Melanesia", "FJ NC PG SB VU"),
    "057": ("Micronesia", "GU KI MH FM NR MP PW UM"),
    "061": ("Polynesia", "AS CK PF NU PN WS TK TO TV WF"),
}

#: The level :func:`matcher.vocab.region_of` answers with (M49 sub-regions; Oceania as one, as before).
SUB_REGIONS: tuple[str, ...] = (
    "015", "202", "419", "021", "143", "030", "035", "034", "145", "151", "154", "039", "155", "009",
)  # fmt: skip

#: The continents (M49 regions) of :func:`matcher.vocab.continent_of`.
CONTINENTS: tuple[str, ...] = ("002", "019", "142", "150", "009")


def codes() -> tuple[str, ...]:
    """Every region code of the table."""
    return (*_TREE, *_LEAVES)


def english_name(code: str) -> str | None:
    """M49's English name of a region code, None when unknown."""
    entry = _TREE.get(code) or _LEAVES.get(code)
    return entry[0] if entry else None


@lru_cache(maxsize=1)
def members() -> dict[str, frozenset[str]]:
    """Region code -> the ISO alpha-2 codes it contains at any depth."""
    out: dict[str, frozenset[str]] = {code: frozenset(countries.split()) for code, (_, countries) in _LEAVES.items()}

    def collect(code: str) -> frozenset[str]:
        if code not in out:
            out[code] = frozenset().union(*(collect(child) for child in _TREE[code][1].split()))
        return out[code]

    for code in _TREE:
        collect(code)
    return out


@lru_cache(maxsize=1)
def ancestors() -> dict[str, tuple[str, ...]]:
    """ISO alpha-2 code -> every region containing it, lowest first (e.g. SN: 011, 202, 002, 001)."""
    every = members()
    depth = {code: len(regions) for code, regions in every.items()}
    out: dict[str, tuple[str, ...]] = {}
    for country in every["001"]:
        containing = [code for code, regions in every.items() if country in regions]
        out[country] = tuple(sorted(containing, key=lambda c: (depth[c], c)))
    return out
