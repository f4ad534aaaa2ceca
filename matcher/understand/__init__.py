"""Understand the ask: which regions, countries, kinds of partner, languages and SDGs a text names, in English,
French, Spanish or Portuguese; the language a text is written in; stop words per language.

    >>> u = understand("Ocean literacy in primary schools in West Africa")
    >>> u.regions, u.kinds
    (('011',), ('school',))

Nothing is loaded at import time: the phrase table (CLDR names via Babel, and the small tables of this package) is
built on the first call.
"""

from matcher.understand.describe import describe, describe_value
from matcher.understand.language import (
    detect_language,
    language_votes,
    languages_present,
    script_language,
    written_language,
)
from matcher.understand.parse import Match, Understood, prepare, understand
from matcher.understand.regions import (
    UnknownRegionError,
    country_name,
    is_region,
    region_codes,
    region_members,
    region_name,
    regions_of,
)
from matcher.understand.stopwords import all_stop_words, stop_words, stop_words_for

__all__ = [
    "Match",
    "Understood",
    "UnknownRegionError",
    "all_stop_words",
    "country_name",
    "describe",
    "describe_value",
    "detect_language",
    "is_region",
    "language_votes",
    "languages_present",
    "prepare",
    "region_codes",
    "region_members",
    "region_name",
    "regions_of",
    "script_language",
    "stop_words",
    "stop_words_for",
    "understand",
    "written_language",
]
