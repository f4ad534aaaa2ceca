"""Regions a team constraint can name: UN M49 codes ("011") or their English names ("Western Africa").

Which country lies where is :mod:`matcher.m49` (the one M49 table); this module only resolves the names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from matcher import m49


@dataclass(frozen=True, slots=True)
class Region:
    """A region and the ISO alpha-2 codes of its countries."""

    code: str
    name: str
    countries: frozenset[str]


def known_regions() -> list[str]:
    """Every region a constraint may name, as 'code name' (e.g. '011 Western Africa')."""
    return [f"{code} {m49.english_name(code)}" for code in m49.codes()]


@lru_cache(maxsize=64)
def resolve_region(token: str) -> Region | None:
    """The region an M49 code or an English name (any case) stands for, or None when unknown."""
    token = token.strip()
    code = token.zfill(3) if token.isdigit() else None
    if code is None:
        code = next((c for c in m49.codes() if (m49.english_name(c) or "").lower() == token.lower()), None)
    name = m49.english_name(code) if code else None
    if code is None or name is None:
        return None
    return Region(code, name, m49.members()[code])
