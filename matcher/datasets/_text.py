"""Text clean-up and name keys shared by the dataset converters."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
_ESCAPED_QUOTE = re.compile(r'\\+"')
_NOT_WORD = re.compile(r"[\W_]+")
_END = (".", "!", "?", "…", ":", ";")


def clean_text(value: str) -> str:
    """NFC-normalised text on one line: runs of whitespace (newlines, no-break spaces) become one space, and the
    backslash-escaped quotes of the source exports become plain quotes."""
    text = _ESCAPED_QUOTE.sub('"', unicodedata.normalize("NFC", value))
    return _SPACE.sub(" ", text).strip()


def join_sentences(parts: Iterable[str]) -> str:
    """Join cleaned, non-empty parts into one text, ending each with punctuation and skipping repeats."""
    sentences: list[str] = []
    for part in parts:
        text = clean_text(part)
        if not text or any(text in earlier for earlier in sentences):
            continue
        sentences.append(text if text.endswith(_END) else f"{text}.")
    return " ".join(sentences)


def name_key(value: str) -> str:
    """Accent-, case- and punctuation-insensitive key of a name: 'L’Hospitalet' and 'l'hospitalet' agree."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare.casefold()).strip()


def slug(value: str) -> str:
    """ASCII slug of a name ('' when the name has no Latin letters or digits)."""
    ascii_only = name_key(value).encode("ascii", "ignore").decode()
    return "-".join(ascii_only.split())


def stable_id(name: str, country: str | None) -> str:
    """A readable id that depends only on the name key and the country: ``FR-aix-en-provence-1f3a9c``."""
    key = f"{name_key(name)}|{country or ''}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    readable = slug(name)[:48].strip("-")
    return "-".join(part for part in (country or "XX", readable, digest) if part)
