"""Regions and countries: which countries an M49 region holds, and their names in any language (CLDR, via Babel)."""

from __future__ import annotations

from functools import lru_cache

from matcher import m49


class UnknownRegionError(ValueError):
    """An M49 region code that is not in the table; says which codes are allowed."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"unknown UN M49 region code {code!r}; allowed: {', '.join(sorted(m49.codes()))}")


def is_region(code: str) -> bool:
    """True for an M49 region code of the table ("011", "002", "419")."""
    return code in m49.members()


def region_codes() -> tuple[str, ...]:
    """Every M49 region code that can be asked for or filtered on, sorted."""
    return tuple(sorted(m49.codes()))


def region_members(code: str) -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the countries in M49 region ``code`` at any depth ("002": every African country);
    an unknown code raises :class:`UnknownRegionError`."""
    try:
        return m49.members()[code]
    except KeyError:
        raise UnknownRegionError(code) from None


def regions_of(country: str) -> tuple[str, ...]:
    """The M49 regions that contain ``country``, lowest first ("SN": "011", "202", "002", "001"); () when unknown."""
    return m49.ancestors().get(country.upper(), ())


@lru_cache(maxsize=64)
def _territories(locale: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(locale).territories)


def region_name(code: str, locale: str = "en") -> str:
    """CLDR's name of M49 region ``code`` in ``locale`` ("011", "fr": "Afrique occidentale"); M49's English name where
    CLDR has none; an unknown code raises :class:`UnknownRegionError`."""
    if not is_region(code):
        raise UnknownRegionError(code)
    name = _territories(locale).get(code) or m49.english_name(code) or code
    return name[:1].upper() + name[1:]


def country_name(code: str, locale: str = "en") -> str:
    """CLDR's name of country ``code`` in ``locale`` ("CI", "en": "Côte d’Ivoire"); the code itself when unknown."""
    return _territories(locale).get(code.upper(), code)
