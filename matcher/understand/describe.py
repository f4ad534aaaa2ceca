"""Human-readable labels of what was understood, in a locale (CLDR names; English labels of kinds and SDGs)."""

from __future__ import annotations

from functools import lru_cache

from matcher.understand.parse import Understood
from matcher.understand.places import groupings
from matcher.understand.regions import country_name, region_name
from matcher.vocab import ACTOR_TYPES, SDG_NAMES


@lru_cache(maxsize=64)
def _language_names(locale: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(locale).languages)


def describe_value(what: str, value: str | int, locale: str = "en") -> str:
    """The label of one understood value: ("region", "011") -> "Western Africa", ("kind", "research_centre") ->
    "research centre", ("language", "fr") -> "French" ("French-speaking" reads as :func:`describe` gives it),
    ("sdg", 4) -> "SDG 4 — Quality education", ("country", "SN") -> "Senegal", ("group", "sahel") -> "the Sahel"."""
    if what == "region":
        return region_name(str(value), locale)
    if what == "country":
        return country_name(str(value), locale)
    if what == "kind":
        return ACTOR_TYPES.get(str(value), str(value))
    if what == "language":
        name = _language_names(locale).get(str(value), str(value))
        return name[:1].upper() + name[1:] if locale == "en" else name
    if what == "sdg":
        return f"SDG {int(value)} — {SDG_NAMES[int(value)]}"
    if what == "group":
        return next((g.label for g in groupings() if g.key == value), str(value))
    raise ValueError(f"unknown field {what!r}; allowed: region, country, kind, language, sdg, group")


def describe(understood: Understood, locale: str = "en") -> list[str]:
    """Labels of everything ``understood`` asks for, in order: groupings (their countries are not listed again),
    regions, countries, kinds, languages ("French-speaking"), SDGs. Kind and SDG labels are English."""
    by_key = {g.key: g for g in groupings()}
    in_groups = {c for key in understood.groups for c in by_key[key].countries}
    grouped_regions = {r for key in understood.groups for r in by_key[key].regions}
    labels = [describe_value("group", key, locale) for key in understood.groups]
    labels += [describe_value("region", r, locale) for r in understood.regions if r not in grouped_regions]
    labels += [describe_value("country", c, locale) for c in understood.countries if c not in in_groups]
    labels += [describe_value("kind", k, locale) for k in understood.kinds]
    speaking = "{}-speaking" if locale == "en" else "{}"
    labels += [speaking.format(describe_value("language", lang, locale)) for lang in understood.languages]
    labels += [describe_value("sdg", g, locale) for g in understood.sdgs]
    return labels
