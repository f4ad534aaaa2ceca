"""Per-partner attributes as arrays, computed once per catalog, so that filters and features are array lookups.

Countries, regions and actor kinds become small integer codes (0 = unknown), SDGs a bit mask, languages an
inverted index (language → sorted partner rows); popularity and recency are precomputed in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from matcher.domain import Partner


def _codes(values: Sequence[str | None]) -> tuple[np.ndarray, dict[str, int]]:
    """Integer code per value (0 for None), and the code of each distinct value."""
    table: dict[str, int] = {}
    out = np.zeros(len(values), dtype=np.int32)
    for i, value in enumerate(values):
        if value:
            out[i] = table.setdefault(value, len(table) + 1)
    return out, table


def sdg_bits(goals: Iterable[int]) -> int:
    """Bit ``g`` set for each SDG ``g`` (1-17; other numbers match no partner and set no bit)."""
    bits = 0
    for goal in goals:
        if 1 <= int(goal) <= 30:
            bits |= 1 << int(goal)
    return bits


@dataclass(slots=True)
class PartnerAttributes:
    """Arrays indexed by partner position (the catalog's row numbers)."""

    country: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    country_codes: dict[str, int] = field(default_factory=dict)
    region: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    kind: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    kind_codes: dict[str, int] = field(default_factory=dict)
    sdgs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    language_rows: dict[str, np.ndarray] = field(default_factory=dict)
    popularity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    recency: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    region_codes: dict[str, int] = field(default_factory=dict)
    #: the language each partner's text is written in (ISO 639-1, "" when unclear; :func:`written_languages`)
    written: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def __len__(self) -> int:
        return len(self.country)

    def code_mask(self, codes: np.ndarray, table: dict[str, int], wanted: Iterable[str]) -> np.ndarray:
        """Rows whose code is one of ``wanted`` values (unknown values match nothing)."""
        allowed = np.zeros(len(table) + 1, dtype=bool)
        allowed[[table[v] for v in wanted if v in table]] = True
        return allowed[codes]

    def language_mask(self, languages: Iterable[str]) -> np.ndarray:
        mask = np.zeros(len(self), dtype=bool)
        for language in languages:
            mask[self.language_rows.get(language, np.zeros(0, dtype=np.int64))] = True
        return mask

    def region_mask(self, regions: Iterable[str]) -> np.ndarray:
        """Rows whose country lies in one of the UN M49 ``regions`` (any level: "002" Africa, "011" Western Africa)."""
        return self.place_mask(regions, ())

    def place_mask(
        self, regions: Iterable[str], countries: Iterable[str], rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Rows whose country is one of ``countries`` or lies in one of the M49 ``regions`` (over ``rows`` only when
        given: the cost then grows with them, not with the catalogue)."""
        from matcher.understand.regions import region_members

        wanted = set(countries)
        for region in regions:
            wanted |= region_members(region)
        return self.code_mask(self.country if rows is None else self.country[rows], self.country_codes, wanted)

    def overlap(self, rows: np.ndarray, goals: Iterable[int]) -> np.ndarray:
        """Number of ``goals`` each row's partner works on."""
        return np.bitwise_count(self.sdgs[rows] & np.int32(sdg_bits(goals))).astype(np.int32)


def written_languages(partners: Iterable[Partner]) -> np.ndarray:
    """The language of each partner's text (:func:`~matcher.understand.written_language`; "" when unclear), detected
    once per text when a catalogue is built or patched: ~26 us a text, which every request's cross-language features
    would otherwise pay for each candidate not seen before (docs/performance.md)."""
    from matcher.understand import written_language

    return np.array([written_language(p.text) or "" for p in partners], dtype=object)


def partner_attributes(
    partners: Sequence[Partner], regions: Sequence[str | None], popularity: np.ndarray, last_active: np.ndarray
) -> PartnerAttributes:
    """Arrays of ``partners``; ``popularity`` counts projects, ``last_active`` is a fractional year (NaN: never)."""
    country, country_codes = _codes([p.country for p in partners])
    region, region_codes = _codes(list(regions))
    kind, kind_codes = _codes([p.type for p in partners])
    language_lists: dict[str, list[int]] = {}
    for row, partner in enumerate(partners):
        for language in partner.languages:
            language_lists.setdefault(language, []).append(row)
    pop, recency = _activity(popularity, last_active)
    return PartnerAttributes(
        country=country,
        country_codes=country_codes,
        region=region,
        kind=kind,
        kind_codes=kind_codes,
        sdgs=np.array([sdg_bits(p.sdgs) for p in partners], dtype=np.int32),
        language_rows={k: np.asarray(v, dtype=np.int64) for k, v in language_lists.items()},
        popularity=pop,
        recency=recency,
        region_codes=region_codes,
        written=written_languages(partners),
    )


def _activity(popularity: np.ndarray, last_active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Popularity (log projects, 1 for the most) and recency (decay over 3 years from the latest) in [0, 1]."""
    max_pop = math.log1p(float(popularity.max())) if len(popularity) else 0.0
    pop = np.log1p(popularity.astype(np.float32)) / max_pop if max_pop > 0 else np.zeros(len(popularity), np.float32)
    finite = last_active[np.isfinite(last_active)]
    recency = np.zeros(len(last_active), dtype=np.float32)
    if finite.size:
        known = np.isfinite(last_active)
        recency[known] = np.exp(-(float(finite.max()) - last_active[known]) / 3.0)
    return pop.astype(np.float32), recency


def patch_attributes(
    old: PartnerAttributes,
    partners: Sequence[Partner],
    old_row: np.ndarray,
    rows: Sequence[int],
    regions: Sequence[str | None],
    popularity: np.ndarray,
    last_active: np.ndarray,
) -> PartnerAttributes:
    """The attributes of ``partners`` where row ``i`` held the partner at ``old_row[i]`` of ``old`` (-1: new), and
    the partners at ``rows`` (every new one among them) changed: only those are computed, the rest is gathered.
    Codes of values not seen before are appended to the tables; popularity and recency are renormalised."""
    old_row = np.asarray(old_row, dtype=np.int64)
    gather = np.maximum(old_row, 0)
    country_codes, kind_codes, region_codes = dict(old.country_codes), dict(old.kind_codes), dict(old.region_codes)
    country, kind, sdgs, region = (a[gather] if len(a) else np.zeros(len(partners), np.int32) for a in (
        old.country, old.kind, old.sdgs, old.region))  # fmt: skip
    changed = sorted(rows)
    written = old.written[gather] if len(old.written) else np.full(len(partners), "", dtype=object)
    written[changed] = written_languages([partners[row] for row in changed])
    for row in changed:
        partner = partners[row]
        country[row] = country_codes.setdefault(partner.country, len(country_codes) + 1) if partner.country else 0
        kind[row] = kind_codes.setdefault(partner.type, len(kind_codes) + 1) if partner.type else 0
        sdgs[row] = sdg_bits(partner.sdgs)
        place = regions[row]
        region[row] = region_codes.setdefault(place, len(region_codes) + 1) if place else 0
    moved = len(old_row) != len(old) or bool(np.any(old_row != np.arange(len(old_row))))
    new_of_old = np.full(len(old), -1, dtype=np.int64)
    kept = old_row >= 0
    new_of_old[old_row[kept]] = np.flatnonzero(kept)
    is_changed = np.zeros(len(partners), dtype=bool)
    is_changed[changed] = True
    added: dict[str, list[int]] = {}
    for row in changed:
        for language in partners[row].languages:
            added.setdefault(language, []).append(row)
    language_rows: dict[str, np.ndarray] = {}
    for language in set(old.language_rows) | set(added):
        before = old.language_rows.get(language, np.zeros(0, dtype=np.int64))
        now = new_of_old[before] if moved else before  # the map keeps the order: still sorted
        if moved:
            now = now[now >= 0]
        if language in added or is_changed[now].any():  # a changed partner's languages are all in `added`
            now = np.union1d(now[~is_changed[now]], np.asarray(added.get(language, []), dtype=np.int64))
        if len(now):
            language_rows[language] = now.astype(np.int64, copy=False)
    pop, recency = _activity(popularity, last_active)
    return PartnerAttributes(
        country=country,
        country_codes=country_codes,
        region=region,
        kind=kind,
        kind_codes=kind_codes,
        sdgs=sdgs,
        language_rows=language_rows,
        popularity=pop,
        recency=recency,
        region_codes=region_codes,
        written=written,
    )
