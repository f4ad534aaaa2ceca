"""Countries of the source tables: ISO alpha-2 codes, their names and the factual place phrase of a partner."""

from __future__ import annotations

from functools import lru_cache

from matcher.vocab import region_of

#: Non-ISO codes used by EU statistics and the sources, mapped to ISO 3166-1 alpha-2.
COUNTRY_ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR", "RKS": "XK"}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import pycountry

    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names["XK"] = "Kosovo"
    return names


def iso_country(value: str) -> str | None:
    """ISO alpha-2 code of a source code ('UK' -> 'GB', ' ES\\xa0' -> 'ES'); None when empty or unknown."""
    code = value.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    return code if code in _country_names() else None


def country_name(code: str) -> str:
    """English short name of an ISO alpha-2 code ('GB' -> 'United Kingdom')."""
    return _country_names().get(code, code)


def place(country: str | None) -> str | None:
    """'Italy (Southern Europe)', or None when the country is unknown."""
    if not country:
        return None
    region = region_of(country)
    name = country_name(country)
    return f"{name} ({region})" if region else name
