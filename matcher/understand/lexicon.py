"""The phrase table: every phrase that names a place, a kind of partner, a language to speak or an SDG, as folded
words, with what it names and the language it is a phrase of. Built once, on first use, from CLDR (Babel) names and
the small tables of :mod:`~matcher.understand.places`, :mod:`~matcher.understand.kinds`,
:mod:`~matcher.understand.speaking` and :mod:`~matcher.understand.sdgs`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from matcher import m49
from matcher.understand.kinds import KIND_WORDS
from matcher.understand.places import (
    COUNTRY_ALIASES,
    NEEDS_CAPITAL,
    REGION_ADJECTIVES,
    REGION_ALIASES,
    SKIPPED_REGIONS,
    groupings,
)
from matcher.understand.sdgs import SDG_WORDS
from matcher.understand.speaking import speaking_phrases
from matcher.understand.text import fold_words

Field = Literal["region", "country", "group", "kind", "language", "sdg"]
Case = Literal["any", "capital", "upper"]

#: Languages whose phrases are in the table (ISO 639-1); "any" marks a phrase of every language ("francophone").
LOCALES: tuple[str, ...] = ("en", "fr", "es", "pt", "ar")


@dataclass(frozen=True, slots=True)
class Entry:
    """What a phrase names: ``field`` and ``value`` (M49 code, ISO code, kind token, language code, goal, group)."""

    field: Field
    value: str
    locale: str
    case: Case = "any"


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[tuple[str, ...], tuple[Entry, ...]]
    longest: dict[str, int]  # first word -> the most words of a phrase starting with it


def _name_variants(name: str) -> list[str]:
    """CLDR names as people write them: "Myanmar (Burma)" -> Myanmar, Burma; "Hong Kong SAR China" -> Hong Kong;
    "Congo - Kinshasa" is left out (too odd to be written)."""
    if " - " in name:
        return []
    out = [name]
    paren = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if paren:
        out = [paren.group(1), paren.group(2)]
    return [re.sub(r"\s+SAR\s+China$", "", n) for n in out]


def _pycountry_names() -> dict[str, list[str]]:
    import pycountry

    out: dict[str, list[str]] = {}
    for c in pycountry.countries:
        names = [getattr(c, attr, None) for attr in ("name", "common_name", "official_name")]
        out[c.alpha_2] = [n for n in names if n and "," not in n]
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    from babel import Locale

    table: dict[tuple[str, ...], dict[Entry, None]] = {}

    secondary: set[tuple[tuple[str, ...], Entry]] = set()  # from a name's parenthesis: yields to a full name

    def add(phrases: Iterable[str], field: Field, value: str, locale: str, *, full: str | None = None) -> None:
        for phrase in phrases:
            case: Case = "any"
            if phrase.startswith("!"):
                phrase, case = phrase[1:], "upper"
            words = fold_words(phrase)
            if not words:
                continue
            if case == "any" and len(words) == 1 and words[0] in NEEDS_CAPITAL and field in ("country", "region"):
                case = "capital"
            entry = Entry(field, value, locale, case)
            table.setdefault(words, {})[entry] = None
            if full is not None and phrase != full:
                secondary.add((words, entry))

    countries = sorted(m49.members()["001"])
    regions = [c for c in m49.codes() if c not in SKIPPED_REGIONS]
    for locale in LOCALES:
        names = Locale.parse(locale).territories
        for code in countries:
            if code in names:
                add(_name_variants(names[code]), "country", code, locale, full=names[code])
        for code in regions:
            if code in names:
                add([names[code]], "region", code, locale)
    for code, names_en in _pycountry_names().items():
        add(names_en, "country", code, "en")
    for table_ in (REGION_ALIASES, REGION_ADJECTIVES):
        for code, by_locale in table_.items():
            for locale, phrases in by_locale.items():
                add(phrases, "region", code, locale)
    for code, by_locale in COUNTRY_ALIASES.items():
        for locale, phrases in by_locale.items():
            add(phrases, "country", code, locale)
    for group in groupings():
        for locale, phrases in group.names.items():
            add(phrases, "group", group.key, locale)
    for kind, by_locale in KIND_WORDS.items():
        for locale, phrases in by_locale.items():
            add(phrases, "kind", kind, locale)
    for language, by_locale in speaking_phrases().items():
        for locale, phrases in by_locale.items():
            add(phrases, "language", language, locale)
    for goal, by_locale in SDG_WORDS.items():
        for locale, phrases in by_locale.items():
            add(phrases, "sdg", str(goal), locale)
    for words, entry in secondary:
        if any(e.field == entry.field and e.value != entry.value for e in table[words]):
            del table[words][entry]
    built = {words: tuple(entries) for words, entries in table.items()}
    longest: dict[str, int] = {}
    for words in built:
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return Lexicon(phrases=built, longest=longest)
