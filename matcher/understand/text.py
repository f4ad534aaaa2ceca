"""Text folding and tokens with their places in the original text (for spans a caller can show or remove)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: what may stand between the words of one phrase: spaces, hyphens, apostrophes, commas, guillemets ("Faim « zéro »")
_JOINER = re.compile(r"[\s\-‐‑–'’,«»\"]*")
_OPENERS = " \t\"'«“"


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else char.lower()[:1] or char


def fold(text: str) -> str:
    """Lower-case, accents removed, one character for one (so offsets in the folded text are offsets in ``text``)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    if len(lowered) != len(text):  # a letter whose lower case is two ("İ"): one by one
        return "".join(_fold_char(c) for c in text)
    return _NON_ASCII.sub(lambda m: _fold_char(m.group()), lowered)


def fold_words(text: str) -> tuple[str, ...]:
    """The folded words of ``text``, as phrases are looked up ("Afrique de l’Ouest": afrique, de, l, ouest)."""
    return tuple(_WORD.findall(fold(text)))


@dataclass(frozen=True, slots=True)
class Token:
    """A word: its folded form and where it stands in the original text."""

    word: str
    start: int
    end: int
    capitalised: bool  # its first letter is upper-case in the original
    upper: bool  # every letter is upper-case in the original
    sentence_start: bool  # first word of a sentence (its capital says nothing about a name)


def tokens(text: str) -> list[Token]:
    folded = fold(text)
    out: list[Token] = []
    for m in _WORD.finditer(folded):
        original = text[m.start() : m.end()]
        out.append(
            Token(
                word=m.group(),
                start=m.start(),
                end=m.end(),
                capitalised=original[:1].isupper(),
                upper=original.isupper(),
                sentence_start=_starts_sentence(text, m.start()),
            )
        )
    return out


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(_OPENERS)
    return not before or before[-1] in ".!?:;\n•([-"


def joined(text: str, left: Token, right: Token) -> bool:
    """True when only spaces, hyphens, apostrophes or commas stand between two words (no sentence break)."""
    return _JOINER.fullmatch(text, left.end, right.start) is not None
