"""What a team request asks: sizes, quotas and pairs, checked on construction.

Every problem raises :class:`TeamRequestError` naming the field, the bad value and what is allowed; callers show
the message as it is. Checks that need the catalog (unknown ids) happen where the catalog is at hand (``consortium``,
``assignment``), with the same error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from matcher.ranking.query import Filters
from matcher.team.regions import Region, known_regions, resolve_region
from matcher.vocab import ACTOR_TYPES

MAX_TEAM_SIZE = 50
MAX_TIME_LIMIT = 60.0
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class TeamRequestError(ValueError):
    """A team request that cannot be answered: ``field`` names the part of the request at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class InfeasibleTeamError(TeamRequestError):
    """No team meets the constraints: ``field`` is the constraint that cannot be met, ``shortfall`` by how much."""

    def __init__(self, field: str, message: str, shortfall: int = 0) -> None:
        self.shortfall = shortfall
        super().__init__(field, message)


class SolverTimeoutError(TeamRequestError):
    """The solver found no feasible answer within the time limit (none proven impossible either)."""


def _check(ok: bool, field: str, message: str) -> None:
    if not ok:
        raise TeamRequestError(field, message)


def _kind_field(where: str, kind: str) -> None:
    _check(kind in ACTOR_TYPES, where, f"unknown actor kind {kind!r}; allowed: {', '.join(ACTOR_TYPES)}")


def _no_duplicates(values: Iterable[object], where: str) -> None:
    twice = sorted(str(v) for v, n in Counter(values).items() if n > 1)
    _check(not twice, where, f"listed more than once: {twice}; give each at most once")


@dataclass(frozen=True, slots=True)
class TeamSize:
    """Members of the whole team (included and fixed members count)."""

    min: int = 5
    max: int = 5

    def __post_init__(self) -> None:
        _check(self.min >= 1, "size.min", f"{self.min} is not allowed; a team has at least 1 member")
        _check(self.max <= MAX_TEAM_SIZE, "size.max", f"{self.max} is too large; at most {MAX_TEAM_SIZE}")
        _check(self.max >= self.min, "size", f"min {self.min} is greater than max {self.max}; give min <= max")


@dataclass(frozen=True, slots=True)
class KindBound:
    """At least ``min`` and at most ``max`` (None: no limit) members of an actor kind."""

    kind: str
    min: int = 0
    max: int | None = None

    def check(self, where: str) -> None:
        _kind_field(f"{where}.kind", self.kind)
        _check(self.min >= 0, f"{where}.min", f"{self.min} is not allowed; give 0 or more")
        if self.max is not None:
            _check(self.max >= 0, f"{where}.max", f"{self.max} is not allowed; give 0 or more")
            _check(
                self.max >= self.min,
                where,
                f"at least {self.min} and at most {self.max} {self.kind}: min is greater than max",
            )


@dataclass(frozen=True, slots=True)
class RegionBound:
    """At least ``min`` members in a region: a UN M49 code ("011") or name ("Western Africa")."""

    region: str
    min: int = 1

    @property
    def resolved(self) -> Region:
        region = resolve_region(self.region)
        if region is None:
            raise TeamRequestError("constraints.regions", f"unknown region {self.region!r}")
        return region

    def check(self, where: str) -> None:
        region = resolve_region(self.region)
        _check(
            region is not None,
            f"{where}.region",
            f"unknown region {self.region!r}; allowed: a UN M49 code (e.g. 011) or one of {', '.join(known_regions())}",
        )
        _check(self.min >= 1, f"{where}.min", f"{self.min} is not allowed; give 1 or more")


@dataclass(frozen=True, slots=True)
class Constraints:
    """What the team as a whole must satisfy."""

    kinds: tuple[KindBound, ...] = ()
    min_distinct_countries: int = 0
    max_per_country: int | None = None
    regions: tuple[RegionBound, ...] = ()
    languages: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()

    def check(self, size: TeamSize) -> None:
        for i, bound in enumerate(self.kinds):
            bound.check(f"constraints.kinds[{i}]")
            _check(
                bound.min <= size.max,
                f"constraints.kinds[{i}].min",
                f"at least {bound.min} {bound.kind} cannot fit a team of at most {size.max}",
            )
        _no_duplicates((b.kind for b in self.kinds), "constraints.kinds")
        total = sum(b.min for b in self.kinds)
        _check(
            total <= size.max,
            "constraints.kinds",
            f"the kinds' minimums add up to {total}, more than the team size max {size.max}",
        )
        n = self.min_distinct_countries
        _check(n >= 0, "constraints.min_distinct_countries", f"{n} is not allowed; give 0 or more")
        _check(
            n <= size.max,
            "constraints.min_distinct_countries",
            f"{n} distinct countries cannot fit a team of at most {size.max} members",
        )
        if self.max_per_country is not None:
            _check(
                self.max_per_country >= 1,
                "constraints.max_per_country",
                f"{self.max_per_country} is not allowed; give 1 or more (or leave it out)",
            )
        for i, region in enumerate(self.regions):
            region.check(f"constraints.regions[{i}]")
            _check(
                region.min <= size.max,
                f"constraints.regions[{i}].min",
                f"at least {region.min} members in {region.region} cannot fit a team of at most {size.max}",
            )
        _no_duplicates((r.resolved.name for r in self.regions), "constraints.regions")
        for language in self.languages:
            _check(
                bool(_LANGUAGE.match(language)),
                "constraints.languages",
                f"{language!r} is not an ISO 639-1 code; allowed: two lower-case letters such as fr, en, pt",
            )
        _no_duplicates(self.languages, "constraints.languages")
        for goal in self.sdgs:
            _check(1 <= goal <= 17, "constraints.sdgs", f"{goal} is not an SDG; allowed: 1 to 17")
        _no_duplicates(self.sdgs, "constraints.sdgs")


def check_pairs(
    include: tuple[str, ...], exclude: tuple[str, ...], conflicts: tuple[tuple[str, str], ...], size_max: int
) -> None:
    """Include, exclude and conflict pairs that contradict each other (ids are checked against the catalog later)."""
    both = sorted(set(include) & set(exclude))
    _check(not both, "include", f"{both} are both included and excluded; give each in one list only")
    _check(
        len(set(include)) <= size_max,
        "include",
        f"{len(set(include))} included partners do not fit a team of at most {size_max}",
    )
    for i, pair in enumerate(conflicts):
        _check(len(pair) == 2 and pair[0] != pair[1], f"conflicts[{i}]", f"{list(pair)}: give two different ids")
        _check(
            not (pair[0] in include and pair[1] in include),
            f"conflicts[{i}]",
            f"{list(pair)} are both included but cannot be in the same team",
        )


@dataclass(frozen=True, slots=True)
class ConsortiumRequest:
    """A team to propose for a project text and/or a stored project.

    The requester (when given) and the project's current members are in the team already, like ``include``; they
    count towards the size and every constraint. ``candidates``: how many of the ranker's top suggestions the solver
    chooses from (more are added when a quota cannot be met from them). ``time_limit``: seconds for the solver.
    """

    text: str | None = None
    project_id: str | None = None
    requester_id: str | None = None
    size: TeamSize = field(default_factory=TeamSize)
    constraints: Constraints = field(default_factory=Constraints)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    conflicts: tuple[tuple[str, str], ...] = ()
    filters: Filters = field(default_factory=Filters)
    candidates: int = 100
    time_limit: float = 5.0

    def __post_init__(self) -> None:
        _check(
            bool((self.text and self.text.strip()) or self.project_id),
            "text",
            "give `text` (a project description) or `project_id`, or both",
        )
        self.constraints.check(self.size)
        check_pairs(self.include, self.exclude, self.conflicts, self.size.max)
        _check(10 <= self.candidates <= 1000, "candidates", f"{self.candidates} is not allowed; give 10 to 1000")
        _check(
            0 < self.time_limit <= MAX_TIME_LIMIT,
            "time_limit",
            f"{self.time_limit} is not allowed; give more than 0 and at most {MAX_TIME_LIMIT:g} seconds",
        )


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """Bounds of one action group: ``min``..``max`` partners assigned by this run (existing members not counted);
    quotas on the resulting group (existing members counted): ``kinds`` and ``min_regions`` distinct regions."""

    group_id: str
    min: int = 0
    max: int | None = None
    kinds: tuple[KindBound, ...] = ()
    min_regions: int = 0

    def check(self, where: str) -> None:
        _check(self.min >= 0, f"{where}.min", f"{self.min} is not allowed; give 0 or more")
        if self.max is not None:
            _check(self.max >= self.min, where, f"min {self.min} is greater than max {self.max}; give min <= max")
        for i, bound in enumerate(self.kinds):
            bound.check(f"{where}.kinds[{i}]")
        _no_duplicates((b.kind for b in self.kinds), f"{where}.kinds")
        _check(self.min_regions >= 0, f"{where}.min_regions", f"{self.min_regions} is not allowed; give 0 or more")


@dataclass(frozen=True, slots=True)
class AssignmentRequest:
    """Partners to spread over action groups.

    ``partners``: ids (default: every discoverable partner in no group). ``groups``: the groups to fill, with their
    bounds (default: every group, with ``default_min``/``default_max``). Each partner joins between
    ``min_groups_per_partner`` and ``max_groups_per_partner`` groups; ``preferences`` (partner, group) pairs weigh
    more, ``exclusions`` never happen.
    """

    partners: tuple[str, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    default_min: int = 0
    default_max: int | None = None
    min_groups_per_partner: int = 0
    max_groups_per_partner: int = 1
    preferences: tuple[tuple[str, str], ...] = ()
    exclusions: tuple[tuple[str, str], ...] = ()
    time_limit: float = 5.0

    def __post_init__(self) -> None:
        _check(self.default_min >= 0, "default_min", f"{self.default_min} is not allowed; give 0 or more")
        if self.default_max is not None:
            _check(
                self.default_max >= self.default_min,
                "default_max",
                f"{self.default_max} is less than default_min {self.default_min}; give default_min <= default_max",
            )
        for i, spec in enumerate(self.groups):
            spec.check(f"groups[{i}]")
        _no_duplicates((g.group_id for g in self.groups), "groups")
        _no_duplicates(self.partners, "partners")
        _check(
            self.max_groups_per_partner >= 1,
            "max_groups_per_partner",
            f"{self.max_groups_per_partner} is not allowed; give 1 or more",
        )
        _check(
            0 <= self.min_groups_per_partner <= self.max_groups_per_partner,
            "min_groups_per_partner",
            f"{self.min_groups_per_partner} is not allowed; give 0 to max_groups_per_partner "
            f"({self.max_groups_per_partner})",
        )
        both = sorted(set(self.preferences) & set(self.exclusions))
        _check(not both, "preferences", f"{[list(p) for p in both]} are both preferred and excluded")
        _check(
            0 < self.time_limit <= MAX_TIME_LIMIT,
            "time_limit",
            f"{self.time_limit} is not allowed; give more than 0 and at most {MAX_TIME_LIMIT:g} seconds",
        )
