"""Stop words per language, and which languages a set of texts is written in.

Theme labels come from the words of the members' texts; partners write in their own languages, so the function words of
every language present have to go, not only English ones. One definition for the whole library:
:mod:`matcher.understand.stopwords` (the lists) and :mod:`matcher.understand.language` (detection).
"""

from __future__ import annotations

from matcher.understand import language as _language
from matcher.understand.language import languages_present
from matcher.understand.stopwords import LANGUAGES, stop_words, stop_words_for

#: Themes centre each text's vector on its language's mean: only a clear language (two votes or more) counts.
MIN_VOTES = 2.0


def detect_language(text: str) -> str | None:
    """:func:`matcher.understand.detect_language` with :data:`MIN_VOTES`."""
    return _language.detect_language(text, min_votes=MIN_VOTES)


__all__ = ["LANGUAGES", "MIN_VOTES", "detect_language", "languages_present", "stop_words", "stop_words_for"]
