"""Which language a text is written in, from the function words it uses (no model, no data beyond the stop words).

Each word listed as a stop word by ``k`` supported languages gives ``1/k`` of a vote to each of them, and so does each
distinct letter only some of them write ("ã", "ñ", "ß"); the language with the most votes wins when it has at least
``min_votes`` and leads the next one; otherwise the answer is None (unknown), rarely a wrong language. Measured on
Tatoeba sentences (short everyday sentences, 1,000 per language) in ``tests/understand/test_language.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from matcher.understand.stopwords import LANGUAGES, stop_words
from matcher.understand.text import fold

_WORD = re.compile(r"[^\W\d_]+")

# Letters that only some of the languages write: one vote, shared among them (a tie-break for short texts).
_LETTERS: dict[str, tuple[str, ...]] = {
    "ã": ("pt",), "õ": ("pt",), "ñ": ("es",), "¿": ("es",), "¡": ("es",), "œ": ("fr",), "û": ("fr",), "î": ("fr",),
    "ç": ("fr", "pt"), "ê": ("fr", "pt"), "â": ("fr", "pt"), "ô": ("fr", "pt"), "è": ("fr", "it"), "ù": ("fr", "it"),
    "ë": ("fr", "nl"), "ï": ("fr", "nl"), "ß": ("de",), "ä": ("de",), "ö": ("de",), "ü": ("de",), "ì": ("it",),
    "ò": ("it",),
}  # fmt: skip


@lru_cache(maxsize=1)
def _votes() -> dict[str, tuple[tuple[str, ...], float]]:
    langs: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        for word in stop_words(lang):
            langs.setdefault(word, []).append(lang)
    return {word: (tuple(ls), 1.0 / len(ls)) for word, ls in langs.items()}


#: Only the beginning of a long text is read: a few hundred words settle its language.
READ_CHARS = 3000


def language_votes(text: str) -> dict[str, float]:
    """Votes per supported language (ISO 639-1) of the function words in ``text`` (its first :data:`READ_CHARS`
    characters); languages with none left out."""
    votes = _votes()
    text = text[:READ_CHARS]
    out: dict[str, float] = {}
    for word, count in Counter(_WORD.findall(fold(text))).items():
        hit = votes.get(word)
        if hit is not None:
            for lang in hit[0]:
                out[lang] = out.get(lang, 0.0) + hit[1] * count
    for letter in set(text.lower()).intersection(_LETTERS):
        langs = _LETTERS[letter]
        for lang in langs:
            out[lang] = out.get(lang, 0.0) + 1.0 / len(langs)
    return out


def detect_language(text: str, *, min_votes: float = 1.0) -> str | None:
    """The language of ``text`` (ISO 639-1, one of :data:`~matcher.understand.stopwords.LANGUAGES`), or None when its
    function words are too few to tell ("Ocean literacy") or tie."""
    ranked = sorted(language_votes(text).items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < min_votes:
        return None
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1]:
        return None
    return ranked[0][0]


#: Scripts written by essentially one language among those the multilingual encoder knows (Unicode name prefixes).
_SCRIPTS: dict[str, str] = {
    "ARABIC": "ar", "CYRILLIC": "ru", "CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "THAI": "th",
    "DEVANAGARI": "hi", "GREEK": "el", "HEBREW": "he",
}  # fmt: skip


def script_language(text: str) -> str | None:
    """The language a text's non-Latin script says (Arabic letters: "ar", Cyrillic: "ru", Han: "zh", with kana:
    "ja", ...) when most of its first :data:`READ_CHARS` letters are in it; None for Latin script or a mix.
    Function words cannot tell these (no stop-word lists), the script can, well enough to choose an encoder."""
    counts: Counter[str] = Counter()
    letters = 0
    for char in text[:READ_CHARS]:
        if char.isalpha():
            letters += 1
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script in _SCRIPTS:
                counts[_SCRIPTS[script]] += 1
    if not letters or not counts:
        return None
    if counts["ja"] and counts["ja"] + counts["zh"] > letters / 2:
        return "ja"  # Japanese mixes kana with Han characters
    language, n = counts.most_common(1)[0]
    return language if n > letters / 2 else None


def written_language(text: str) -> str | None:
    """The language of ``text`` from its function words (:func:`detect_language`), else from its script
    (:func:`script_language`); None when neither tells."""
    return detect_language(text) or script_language(text)


def languages_present(texts: Sequence[str], *, min_share: float = 0.0) -> list[str]:
    """Languages detected in at least ``min_share`` of the texts (and at least one), English first, English always."""
    found: dict[str, int] = {}
    for lang in (detect_language(t) for t in texts):
        if lang:
            found[lang] = found.get(lang, 0) + 1
    needed = max(1, int(min_share * len(texts)))
    langs = {lang for lang, n in found.items() if n >= needed} | {"en"}
    return sorted(langs, key=lambda lang: (lang != "en", lang))
