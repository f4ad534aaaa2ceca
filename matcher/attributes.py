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

    def place_mask(self, regions: Iterable[str], countries: Iterable[str]) -> np.ndarray:
        """Rows whose country is one of ``countries`` or lies in one of the M49 ``regions``."""
        from matcher.understand.regions import region_members

        wanted = set(countries)
        for region in regions:
            wanted |= region_members(region)
        return self.code_mask(self.country, self.country_codes, wanted)

    def overlap(self, rows: np.ndarray, goals: Iterable[int]) -> np.ndarray:
        """Number of ``goals`` each row's partner works on."""
        return np.bitwise_count(self.sdgs[rows] & np.int32(sdg_bits(goals))).astype(np.int32)


def partner_attributes(
    partners: Sequence[Partner], regions: Sequence[str | None], popularity: np.ndarray, last_active: np.ndarray
) -> PartnerAttributes:
    """Arrays of ``partners``; ``popularity`` counts projects, ``last_active`` is a fractional year (NaN: never)."""
    country, country_codes = _codes([p.country for p in partners])
    region, _ = _codes(list(regions))
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
    country_codes, kind_codes = dict(old.country_codes), dict(old.kind_codes)
    country, kind, sdgs = old.country[gather], old.kind[gather], old.sdgs[gather]
    changed = np.asarray(sorted(rows), dtype=np.int64)
    for row in changed.tolist():
        partner = partners[row]
        country[row] = country_codes.setdefault(partner.country, len(country_codes) + 1) if partner.country else 0
        kind[row] = kind_codes.setdefault(partner.type, len(kind_codes) + 1) if partner.type else 0
        sdgs[row] = sdg_bits(partner.sdgs)
    region_of_code = np.zeros(len(country_codes) + 1, dtype=np.int32)
    region_codes: dict[str, int] = {}
    codes, first = np.unique(country, return_index=True)
    for code, row in sorted(zip(codes.tolist(), first.tolist(), strict=True), key=lambda pair: pair[1]):
        region = regions[row]  # a country's region is the same in every row
        region_of_code[code] = region_codes.setdefault(region, len(region_codes) + 1) if region and code else 0
    new_of_old = np.full(len(old), -1, dtype=np.int64)
    moved = old_row >= 0
    new_of_old[old_row[moved]] = np.flatnonzero(moved)
    is_changed = np.zeros(len(partners), dtype=bool)
    is_changed[changed] = True
    language_rows: dict[str, np.ndarray] = {}
    added: dict[str, list[int]] = {}
    for row in changed.tolist():
        for language in partners[row].languages:
            added.setdefault(language, []).append(row)
    for language in set(old.language_rows) | set(added):
        kept = new_of_old[old.language_rows.get(language, np.zeros(0, dtype=np.int64))]
        kept = kept[kept >= 0]
        kept = kept[~is_changed[kept]]
        merged = np.unique(np.concatenate([kept, np.asarray(added.get(language, []), dtype=np.int64)]))
        if len(merged):
            language_rows[language] = merged.astype(np.int64)
    pop, recency = _activity(popularity, last_active)
    return PartnerAttributes(
        country=country,
        country_codes=country_codes,
        region=region_of_code[country],
        kind=kind,
        kind_codes=kind_codes,
        sdgs=sdgs,
        language_rows=language_rows,
        popularity=pop,
        recency=recency,
    )
