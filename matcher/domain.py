"""Typed records that cross every layer: partners, projects, action groups and their memberships."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ProjectStatus = Literal["idea", "running", "completed"]
MemberRole = Literal["lead", "member"]


@dataclass(frozen=True, slots=True)
class Partner:
    """An organisation of the alliance (NGO, city, school, university, company, ...)."""

    id: str
    name: str
    description: str
    type: str | None = None
    country: str | None = None
    city: str | None = None
    languages: tuple[str, ...] = ()
    website: str | None = None
    sdgs: tuple[int, ...] = ()
    discoverable: bool = True

    @property
    def text(self) -> str:
        """The text that is embedded and indexed for this partner."""
        return f"{self.name}. {self.description}"


@dataclass(frozen=True, slots=True)
class Project:
    """A collaboration project; its members are in :class:`ProjectMember` records."""

    id: str
    title: str
    description: str
    sdgs: tuple[int, ...] = ()
    status: ProjectStatus | None = None
    seeking: str | None = None
    start_date: date | None = None

    @property
    def text(self) -> str:
        parts = [self.title, self.description]
        if self.seeking:
            parts.append(f"Seeking: {self.seeking}")
        return ". ".join(parts)


@dataclass(frozen=True, slots=True)
class ActionGroup:
    """A standing community of practice (e.g. Learning for Sustainability)."""

    id: str
    name: str
    description: str

    @property
    def text(self) -> str:
        return f"{self.name}. {self.description}"


@dataclass(frozen=True, slots=True)
class ProjectMember:
    project_id: str
    partner_id: str
    role: MemberRole = "member"


@dataclass(frozen=True, slots=True)
class GroupMember:
    group_id: str
    partner_id: str


@dataclass(slots=True)
class Dataset:
    """A whole alliance in memory: what an import directory holds and what the store holds."""

    partners: list[Partner] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    action_groups: list[ActionGroup] = field(default_factory=list)
    project_members: list[ProjectMember] = field(default_factory=list)
    group_members: list[GroupMember] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "partners": len(self.partners),
            "projects": len(self.projects),
            "action_groups": len(self.action_groups),
            "project_members": len(self.project_members),
            "group_members": len(self.group_members),
        }


def content_hash(text: str) -> str:
    """Stable hash of an embedded text; the embedding cache and the index repair key on it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def lead_of(members: Iterable[tuple[str, str]]) -> str | None:
    """Who leads a project, given its ``(partner_id, role)`` members in the store's order: the first member whose
    role is ``lead``; ``None`` when no member has that role. The one definition of the rule (the recommender, the
    feedback suppressions, training and evaluation all ask here)."""
    return next((partner for partner, role in members if role == "lead"), None)
