"""A consortium request's constraints compiled over a candidate pool: one place that says whether a team is allowed.

The solver's rows (:meth:`TeamRules.add_rows`), the check of a swap (:meth:`TeamRules.allows`), the greedy fallback
and the diagnosis of an impossible request all read the same :class:`Requirement` list.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from matcher.team import explain
from matcher.team.constraints import ConsortiumRequest, InfeasibleTeamError
from matcher.team.milp import BinaryProgram
from matcher.team.regions import Region
from matcher.vocab import region_of


@dataclass(frozen=True, slots=True)
class Candidate:
    """A partner as the team rules see it."""

    partner_id: str
    name: str
    type: str | None
    country: str | None
    languages: frozenset[str]
    sdgs: frozenset[int]
    score: float | None = None

    @property
    def region(self) -> str | None:
        return region_of(self.country)


@dataclass(frozen=True, slots=True)
class Quota:
    """A minimum on members with an attribute: a kind, a region's countries, a language or an SDG."""

    what: Literal["kind", "region", "language", "sdg"]
    value: str | int | Region
    need: int

    def admits(self, c: Candidate) -> bool:
        if self.what == "kind":
            return c.type == self.value
        if self.what == "region":
            return isinstance(self.value, Region) and c.country in self.value.countries
        if self.what == "language":
            return self.value in c.languages
        return self.value in c.sdgs


def quotas(request: ConsortiumRequest) -> list[Quota]:
    """The request's minimums on attributes (the candidate pool is topped up for them)."""
    cons = request.constraints
    out = [Quota("kind", b.kind, b.min) for b in cons.kinds if b.min]
    out += [Quota("region", r.resolved, r.min) for r in cons.regions]
    out += [Quota("language", lang, 1) for lang in cons.languages]
    out += [Quota("sdg", goal, 1) for goal in cons.sdgs]
    return out


@dataclass(frozen=True, slots=True)
class Requirement:
    """``lo <= fixed + (number of chosen candidates in mask) <= hi``."""

    field: str
    text: str  # "at least 3 universities", "at most 2 per country (FR)"
    mask: np.ndarray
    fixed: int
    lo: int = 0
    hi: int | None = None

    def count(self, chosen: Sequence[int]) -> int:
        return self.fixed + int(self.mask[list(chosen)].sum()) if len(chosen) else self.fixed

    def met(self, count: int) -> bool:
        return count >= self.lo and (self.hi is None or count <= self.hi)


@dataclass(slots=True)
class TeamRules:
    candidates: list[Candidate]
    fixed: list[Candidate]
    requirements: list[Requirement] = field(default_factory=list)
    min_countries: int = 0
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # candidate index pairs
    blocked: set[int] = field(default_factory=set)  # candidates in conflict with a fixed member
    _masks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def compile(cls, request: ConsortiumRequest, candidates: list[Candidate], fixed: list[Candidate]) -> TeamRules:
        rules = cls(candidates, fixed, min_countries=request.constraints.min_distinct_countries)
        size, cons = request.size, request.constraints
        everyone = np.ones(len(candidates), dtype=bool)
        span = f"{size.min}" if size.min == size.max else f"{size.min} to {size.max}"
        # the size's two sides are two requirements (as a kind's are): a binding or a refusal names the side at fault
        rules._add("size.min", f"a team of {span}", everyone, len(fixed), lo=size.min)
        rules._add("size.max", f"a team of {span}", everyone, len(fixed), hi=size.max)

        def counts(quota: Quota) -> tuple[np.ndarray, int]:
            mask = np.array([quota.admits(c) for c in candidates], dtype=bool)
            return mask, sum(quota.admits(f) for f in fixed)

        for i, bound in enumerate(cons.kinds):
            mask, fixed_n = counts(Quota("kind", bound.kind, bound.min))
            if bound.min:
                text = f"at least {explain.kind_count(bound.min, bound.kind)}"
                rules._add(f"constraints.kinds[{i}].min", text, mask, fixed_n, lo=bound.min)
            if bound.max is not None:
                text = f"at most {explain.kind_count(bound.max, bound.kind)}"
                rules._add(f"constraints.kinds[{i}].max", text, mask, fixed_n, hi=bound.max)
        for i, region_bound in enumerate(cons.regions):
            region = region_bound.resolved
            mask, fixed_n = counts(Quota("region", region, region_bound.min))
            text = f"at least {explain.members(region_bound.min)} in {region.name}"
            rules._add(f"constraints.regions[{i}]", text, mask, fixed_n, lo=region_bound.min)
        for i, language in enumerate(cons.languages):
            mask, fixed_n = counts(Quota("language", language, 1))
            text = f"a member who speaks {explain.language_name(language)}"
            rules._add(f"constraints.languages[{i}]", text, mask, fixed_n, lo=1)
        for i, goal in enumerate(cons.sdgs):
            mask, fixed_n = counts(Quota("sdg", goal, 1))
            rules._add(f"constraints.sdgs[{i}]", f"a member working on SDG {goal}", mask, fixed_n, lo=1)
        if cons.max_per_country is not None:
            countries = sorted({c.country for c in [*candidates, *fixed] if c.country})
            for country in countries:
                mask = np.array([c.country == country for c in candidates], dtype=bool)
                fixed_n = sum(f.country == country for f in fixed)
                text = f"at most {cons.max_per_country} per country ({country})"
                rules._add("constraints.max_per_country", text, mask, fixed_n, hi=cons.max_per_country)
        index = {c.partner_id: i for i, c in enumerate(candidates)}
        fixed_ids = {f.partner_id for f in fixed}
        for a, b in request.conflicts:
            if a in fixed_ids and b in index:
                rules.blocked.add(index[b])
            elif b in fixed_ids and a in index:
                rules.blocked.add(index[a])
            elif a in index and b in index:
                rules.conflicts.append((index[a], index[b]))
        return rules

    def _add(self, field: str, text: str, mask: np.ndarray, fixed: int, lo: int = 0, hi: int | None = None) -> None:
        self.requirements.append(Requirement(field, text, mask, fixed, lo, hi))

    # -- countries ----------------------------------------------------------------------------------------------------
    @property
    def fixed_countries(self) -> set[str]:
        return {f.country for f in self.fixed if f.country}

    def new_countries(self) -> list[str]:
        """Countries of candidates that no fixed member is from (each can add one distinct country)."""
        have = self.fixed_countries
        return sorted({c.country for c in self.candidates if c.country and c.country not in have})

    def distinct_countries(self, chosen: Sequence[int]) -> int:
        return len(self.fixed_countries | {self.candidates[i].country for i in chosen if self.candidates[i].country})

    # -- checks -------------------------------------------------------------------------------------------------------
    def allows(self, chosen: Sequence[int]) -> bool:
        """Whether the fixed members plus ``chosen`` candidates meet every constraint."""
        picked = set(chosen)
        if picked & self.blocked or any(a in picked and b in picked for a, b in self.conflicts):
            return False
        masks, lo, hi = self._matrix()
        counts = masks[:, list(chosen)].sum(axis=1) + np.array([r.fixed for r in self.requirements], dtype=np.int32)
        if not bool(np.all((counts >= lo) & (counts <= hi))):
            return False
        return self.distinct_countries(chosen) >= self.min_countries

    def _matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Requirement masks as a (requirements x candidates) matrix, with the bounds."""
        if self._masks is None:
            none = len(self.candidates) + len(self.fixed)
            self._masks = (
                np.stack([r.mask for r in self.requirements]).astype(np.int32)
                if self.requirements
                else np.zeros((0, len(self.candidates)), dtype=np.int32),
                np.array([r.lo for r in self.requirements], dtype=np.int32),
                np.array([r.hi if r.hi is not None else none for r in self.requirements], dtype=np.int32),
            )
        return self._masks

    def diagnose_alone(self) -> None:
        """Raise :class:`InfeasibleTeamError` for the first constraint that the pool cannot meet even on its own."""
        free = np.ones(len(self.candidates), dtype=bool)
        free[list(self.blocked)] = False
        for r in self.requirements:
            available = int((r.mask & free).sum())
            if r.lo and r.fixed + available < r.lo:
                shortfall = r.lo - r.fixed - available
                raise InfeasibleTeamError(
                    r.field, f"{r.text}: {explain.candidates_match(available, r.fixed)}", shortfall
                )
            if r.hi is not None and r.fixed > r.hi:
                raise InfeasibleTeamError(r.field, f"{r.text}: {r.fixed} are in the team already", r.fixed - r.hi)
        reachable = len(self.fixed_countries) + len(
            {c.country for i, c in enumerate(self.candidates) if free[i] and c.country} - self.fixed_countries
        )
        if reachable < self.min_countries:
            raise InfeasibleTeamError(
                "constraints.min_distinct_countries",
                f"at least {self.min_countries} distinct countries: the candidates and the team come from only "
                f"{reachable}",
                self.min_countries - reachable,
            )

    # -- the program --------------------------------------------------------------------------------------------------
    def add_rows(
        self, program: BinaryProgram, x: list[int], *, skip: int | None = None, countries: bool = True
    ) -> None:
        """The constraints as rows over the candidate variables ``x`` (``skip``: leave out that requirement;
        ``countries``: include the distinct-countries rows)."""
        for i in self.blocked:
            program.forbid(x[i])
        for a, b in self.conflicts:
            program.row([(x[a], 1.0), (x[b], 1.0)], hi=1)
        for k, r in enumerate(self.requirements):
            if k == skip:
                continue
            lo = r.lo - r.fixed if r.lo else -math.inf
            hi = r.hi - r.fixed if r.hi is not None else math.inf
            program.row([(x[i], 1.0) for i in np.flatnonzero(r.mask)], lo, hi)
        if self.min_countries and countries:
            self.add_country_rows(program, x)

    def add_country_rows(
        self, program: BinaryProgram, x: list[int], weight: float = 0.0, *, require: bool = True
    ) -> list[int]:
        """z per new country (z <= its candidates chosen); with ``require``, at least the missing number of them.
        Returns the z variables."""
        zs = []
        for country in self.new_countries():
            z = program.variable(weight)
            members = [(x[i], -1.0) for i, c in enumerate(self.candidates) if c.country == country]
            program.row([(z, 1.0), *members], hi=0)
            zs.append(z)
        need = self.min_countries - len(self.fixed_countries)
        if require and need > 0:
            program.row([(z, 1.0) for z in zs], lo=need)
        return zs

    # -- fallback -----------------------------------------------------------------------------------------------------
    def greedy(self, order: Sequence[int]) -> list[int] | None:
        """A team built by relevance (``order``), first for the unmet minimums, then to the size; None if it fails."""
        chosen: list[int] = []
        uppers = [r for r in self.requirements if r.hi is not None]

        def fits(i: int) -> bool:
            if i in chosen or i in self.blocked or any({a, b} == {i, j} for a, b in self.conflicts for j in chosen):
                return False
            return all(r.count([*chosen, i]) <= r.hi for r in uppers if r.hi is not None)

        def unmet() -> list[Requirement]:
            return [r for r in self.requirements if r.lo and r.count(chosen) < r.lo]

        while unmet() or self.distinct_countries(chosen) < self.min_countries:
            missing = unmet()
            countries = self.fixed_countries | {self.candidates[j].country for j in chosen}
            want_country = self.distinct_countries(chosen) < self.min_countries
            gains = {
                i: sum(bool(r.mask[i]) for r in missing)
                + int(want_country and self.candidates[i].country not in countries | {None})
                for i in order
            }
            best = next((i for i in sorted(order, key=lambda i: -gains[i]) if gains[i] > 0 and fits(i)), None)
            if best is None:
                return None
            chosen.append(best)
        size_max = next(r for r in self.requirements if r.field == "size.max")
        for i in order:
            if size_max.count(chosen) >= (size_max.hi or 0):
                break
            if fits(i):
                chosen.append(i)
        return chosen if self.allows(chosen) else None

    def swaps(self, chosen: Sequence[int], out: int) -> list[int]:
        """Candidates that can take the place of chosen candidate ``out`` with every constraint still met."""
        masks, lo, hi = self._matrix()
        fixed = np.array([r.fixed for r in self.requirements], dtype=np.int32)
        base = masks[:, list(chosen)].sum(axis=1) + fixed - masks[:, out]
        counts = base[:, None] + masks
        ok = np.all((counts >= lo[:, None]) & (counts <= hi[:, None]), axis=0)
        ok[list(chosen)] = False
        ok[list(self.blocked)] = False
        rest = {i for i in chosen if i != out}
        ok[[b for a, b in self.conflicts if a in rest] + [a for a, b in self.conflicts if b in rest]] = False
        have = self.fixed_countries | {self.candidates[i].country for i in rest if self.candidates[i].country}
        missing = self.min_countries - len(have)
        if missing > 1:
            return []
        if missing == 1:
            ok &= np.array([c.country is not None and c.country not in have for c in self.candidates], dtype=bool)
        return [int(j) for j in np.flatnonzero(ok)]

    def kind_counts(self, chosen: Sequence[int]) -> Counter[str]:
        return Counter(m.type for m in self.team(chosen) if m.type)

    def team(self, chosen: Sequence[int]) -> list[Candidate]:
        return [*self.fixed, *(self.candidates[i] for i in chosen)]
