"""Function words ("stop words") per language: they say nothing about the work, and across languages they match by
accident ("de", "la", "en" are words of French, Spanish, Portuguese and Dutch alike).

English: scikit-learn's list (the one TF-IDF used before) and a few generic verbs of self-descriptions ("run").
French, Spanish, Portuguese, German, Italian, Dutch: the lists of the PyPI package ``stop-words`` (BSD-3-Clause,
https://github.com/Alir3z4/stop-words), read once, on first use. Words are folded as the tokenizers see them
(lower-case, accents removed).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

from matcher.understand.text import fold

#: Languages with a stop-word list (ISO 639-1), English first.
LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt", "de", "it", "nl")

# Verbs and fillers of self-descriptions that sklearn's list lacks and that made poor "key terms" ("we run ...").
_ENGLISH_EXTRA = """
    run runs running ran based including include includes included use used uses using make makes making made
    aim aims aimed help helps helping get gets provide provides providing via etc also
"""


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words of ``language`` (folded); an unsupported code raises with the supported ones."""
    if language not in LANGUAGES:
        raise ValueError(f"no stop words for language {language!r}; supported: {', '.join(sorted(LANGUAGES))}")
    if language == "en":
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        words: Iterable[str] = [*ENGLISH_STOP_WORDS, *_ENGLISH_EXTRA.split()]
    else:
        from stop_words import get_stop_words

        words = get_stop_words(language)
    return frozenset(w for word in words for w in fold(word).replace("'", " ").replace("’", " ").split() if w)


@lru_cache(maxsize=1)
def all_stop_words() -> frozenset[str]:
    """Stop words of every supported language: never a key term."""
    return frozenset().union(*(stop_words(lang) for lang in LANGUAGES))


@lru_cache(maxsize=1)
def shared_stop_words() -> frozenset[str]:
    """Stop words of English or of two or more languages ("de", "la", "en", "a", "the"): dropped from every text,
    whatever its language. A word listed by one other language only ("sea", Spanish "be") stays in an English text."""
    counts: dict[str, int] = {}
    for lang in LANGUAGES:
        for word in stop_words(lang):
            counts[word] = counts.get(word, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= 2) | stop_words("en")


def stop_words_for(languages: Iterable[str]) -> list[str]:
    """Union of the stop words of ``languages`` (sorted); an unknown code raises with the supported ones."""
    words: set[str] = set()
    for lang in languages:
        words |= stop_words(lang)
    return sorted(words)
