"""Text folding and tokens with their places in the original text (for spans a caller can show or remove)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: a word: letters and digits, with the Arabic marks (harakat, superscript alef, tatweel) that may stand inside one
_WORD = re.compile(r"[^\W_]+(?:[\u0640\u064b-\u065f\u0670]+[^\W_]*)*")
_ARABIC_MARKS = re.compile(r"[\u0640\u064b-\u065f\u0670]")
_ARABIC_LETTERS = str.maketrans({"\u0629": "\u0647", "\u0649": "\u064a"})  # ta marbuta -> ha, alef maqsura -> ya
#: the article and the prefixes joined to it (wa-l, bi-l, ka-l, fa-l, li-l, al), stripped as light10 does (Larkey,
#: Ballesteros and Connell, "Light Stemming for Arabic Information Retrieval", 2007), and then a leading wa- ("and")
_ARABIC_ARTICLES = (
    "\u0648\u0627\u0644",
    "\u0628\u0627\u0644",
    "\u0643\u0627\u0644",
    "\u0641\u0627\u0644",
    "\u0644\u0644",
    "\u0627\u0644",
)
_ARABIC_AND = "\u0648"
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


def _arabic(word: str) -> str:
    """An Arabic word as it is looked up: without marks, ta marbuta and alef maqsura folded (hamza seats already are,
    by :func:`fold`), the article and the "and" joined to it stripped ("والمدارس" -> "مدارس"), as light10 does."""
    word = _ARABIC_MARKS.sub("", word).translate(_ARABIC_LETTERS)
    for prefix in _ARABIC_ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    if word.startswith(_ARABIC_AND) and len(word) >= 4:
        return word[1:]
    return word


def _looked_up(word: str) -> str:
    return _arabic(word) if "\u0600" <= word[0] <= "\u06ff" else word


def fold_words(text: str) -> tuple[str, ...]:
    """The folded words of ``text``, as phrases are looked up ("Afrique de l’Ouest": afrique, de, l, ouest;
    "في غرب إفريقيا": في, غرب, افريقيا)."""
    return tuple(_looked_up(word) for word in _WORD.findall(fold(text)))


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
                word=_looked_up(m.group()),
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
