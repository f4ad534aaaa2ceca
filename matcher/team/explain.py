"""Wording of team answers: constraint texts, what a member brings, infeasibility messages."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from matcher.results import Reason
from matcher.vocab import actor_label

_PLURALS = {
    "city": "cities or territories",
    "company": "companies",
    "media": "media",
    "other": "partners of another kind",
    "university": "universities",
}


def kind_plural(kind: str) -> str:
    return _PLURALS.get(kind) or actor_label(kind) + "s"


def kind_count(n: int, kind: str) -> str:
    """'1 university', '3 universities'."""
    return f"{n} {actor_label(kind) if n == 1 else kind_plural(kind)}"


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """English name of an ISO 639-1 code ('pt' -> 'Portuguese'); the code itself when unknown."""
    name = Locale("en").languages.get(code)
    return str(name) if name else code


def members(n: int) -> str:
    return f"{n} member" if n == 1 else f"{n} members"


def candidates_match(n: int, fixed: int) -> str:
    """'only 2 candidates match the filters' (and what the team has already)."""
    text = f"only {n} candidate{'s' if n != 1 else ''} match{'es' if n == 1 else ''} the filters"
    return text + (f" and {fixed} {'is' if fixed == 1 else 'are'} in the team already" if fixed else "")


# -- what a member brings ---------------------------------------------------------------------------------------------
def only_kind(kind: str) -> Reason:
    return Reason("only_kind", f"the only {actor_label(kind)}", {"type": kind})


def covers_language(code: str) -> Reason:
    return Reason("covers_language", f"covers {language_name(code)}", {"language": code})


def covers_sdg(goal: int) -> Reason:
    return Reason("covers_sdg", f"covers SDG {goal}", {"sdgs": [goal]})


def only_in_region(region: str) -> Reason:
    return Reason("only_in_region", f"the only member in {region}", {"region": region})


def only_in_country(country: str) -> Reason:
    return Reason("only_in_country", f"the only member from {country}", {"country": country})
