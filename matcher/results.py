"""What recommendations return: typed, explained suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PartnerMatch:
    partner_id: str
    name: str
    type: str | None
    country: str | None
    score: float
    reasons: list[str] = field(default_factory=list)
    score_breakdown: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GroupMatch:
    group_id: str
    name: str
    score: float
    reasons: list[str] = field(default_factory=list)
    score_breakdown: dict[str, float] = field(default_factory=dict)
