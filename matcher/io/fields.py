"""Field parsers of the import format; each raises :class:`FieldError` saying what is allowed."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any

from matcher.vocab import ACTOR_TYPES, MEMBER_ROLES, PROJECT_STATUSES


class FieldError(ValueError):
    """A value that does not fit its field; the message says what is allowed."""


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        if "\x00" in value:  # no database stores it in text (PostgreSQL refuses it)
            raise FieldError("a NUL character (\\x00) is not allowed")
        return value.strip()
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    raise FieldError("expected a text value")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [_as_text(v) for v in value if _as_text(v)]
    return [part.strip() for part in _as_text(value).split(";") if part.strip()]


def required_text(value: Any, max_length: int = 20_000) -> str:
    text = _as_text(value)
    if not text:
        raise FieldError("a non-empty value is required")
    if len(text) > max_length:
        raise FieldError(f"at most {max_length} characters are allowed (got {len(text)})")
    return text


#: The id rule, in words (the API schema's description and the error message say the same).
ID_RULE = "1-200 characters without spaces, control characters or any of / \\ ? #, and neither . nor .."


def identifier(value: Any) -> str:
    """An id: it appears in URL paths and headers, so it holds no space, no control character (Unicode category
    Cc, e.g. NUL or DEL), none of ``/ \\ ? #``, and is not ``.`` or ``..`` (clients normalise those away).
    Letters of any script are allowed."""
    if isinstance(value, str) and "\x00" in value:
        raise FieldError(f"an id is {ID_RULE}")
    text = required_text(value, max_length=200)
    if (
        text in (".", "..")
        or any(ch in text for ch in "/\\?#")
        or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in text)
    ):
        raise FieldError(f"an id is {ID_RULE}")
    return text


def optional_text(value: Any, max_length: int = 20_000) -> str | None:
    text = _as_text(value)
    if len(text) > max_length:
        raise FieldError(f"at most {max_length} characters are allowed (got {len(text)})")
    return text or None


def actor_type(value: Any) -> str | None:
    text = _as_text(value)
    if not text:
        return None
    if text not in ACTOR_TYPES:
        raise FieldError(f"allowed: empty or one of {', '.join(ACTOR_TYPES)}")
    return text


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def country_codes() -> frozenset[str]:
    """The country codes :func:`country` accepts (ISO 3166-1 alpha-2, and XK)."""
    return _countries()


def language_codes() -> frozenset[str]:
    """The language codes :func:`languages` accepts (ISO 639-1)."""
    return _languages()


def country(value: Any) -> str | None:
    text = _as_text(value).upper()
    if not text:
        return None
    if text not in _countries():
        raise FieldError("allowed: empty or an ISO 3166-1 alpha-2 country code such as FR, KE, BR")
    return text


def languages(value: Any) -> tuple[str, ...]:
    codes = [code.lower() for code in _as_list(value)]
    bad = [code for code in codes if code not in _languages()]
    if bad:
        raise FieldError(
            f"unknown language code(s) {', '.join(bad)}; allowed: ISO 639-1 codes separated by ';' (en;fr)"
        )
    return tuple(dict.fromkeys(codes))


def sdgs(value: Any) -> tuple[int, ...]:
    goals: list[int] = []
    for part in _as_list(value):
        goal = int(part) if part.isascii() and part.isdigit() else 0  # not "²" nor "4_0", which int() misreads
        if not 1 <= goal <= 17:
            raise FieldError(f"{part!r} is not an SDG; allowed: integers 1-17 separated by ';' (4;13)")
        goals.append(goal)
    return tuple(sorted(set(goals)))


def boolean(value: Any, default: bool = True) -> bool:
    if isinstance(value, bool):
        return value
    text = _as_text(value).lower()
    if not text:
        return default
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise FieldError("allowed: true or false (or empty for the default, true)")


def status(value: Any) -> str | None:
    text = _as_text(value).lower()
    if not text:
        return None
    if text not in PROJECT_STATUSES:
        raise FieldError(f"allowed: empty or one of {', '.join(PROJECT_STATUSES)}")
    return text


def role(value: Any) -> str:
    text = _as_text(value).lower() or "member"
    if text not in MEMBER_ROLES:
        raise FieldError(f"allowed: {' or '.join(MEMBER_ROLES)} (empty means member)")
    return text


def iso_date(value: Any) -> date | None:
    text = _as_text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError("allowed: empty or an ISO date YYYY-MM-DD") from None


def url(value: Any) -> str | None:
    text = optional_text(value, max_length=500)
    if text and not text.startswith(("http://", "https://")):
        raise FieldError("allowed: empty or an http(s):// address")
    return text
