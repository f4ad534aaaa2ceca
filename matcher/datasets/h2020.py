"""Horizon 2020 clean-technology consortia (CORDIS) -> matcher records: projects, organisations, participations.

Source folder (``../shared/datasets/h2020_cleantech``): ``projects.csv``, ``participations.csv`` and
``organisations.csv``. Organisations have no text of their own: each is described by its kind, its country and the
(optionally) titles of the projects it joined that *start before the cut-off*; its projects themselves are the store's
history, so a project asked about from the cut-off on cannot leak into the partners that must find it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from matcher.datasets._places import iso_country, place
from matcher.datasets._tables import read_rows
from matcher.datasets._text import clean_text, join_sentences, name_key
from matcher.domain import Dataset, MemberRole, Partner, Project, ProjectMember, ProjectStatus
from matcher.vocab import actor_label, with_article

logger = logging.getLogger(__name__)

PROJECT_COLUMNS = ("rcn", "acronym", "title", "objective", "start_date", "end_date")
PARTICIPATION_COLUMNS = ("rcn", "pic", "role", "type", "country")
ORGANISATION_COLUMNS = ("pic", "name", "activity_type", "country", "city")

#: CORDIS activity types -> ``partners.type`` tokens (see :data:`matcher.vocab.ACTOR_TYPES`).
ACTIVITY_TYPES: dict[str, str] = {
    "HES": "university",
    "REC": "research_centre",
    "PRC": "company",
    "PUB": "public_actor",
    "OTH": "other",
}


DEFAULT_CUTOFF = date(2019, 1, 1)


@dataclass(slots=True)
class _Organisation:
    pic: str
    name: str = ""
    kind: str = ""
    country: str = ""
    city: str = ""
    projects: dict[str, None] = field(default_factory=dict)  # project ids in participation order
    kinds: Counter[str] = field(default_factory=Counter)  # CORDIS types seen on its participations
    countries: Counter[str] = field(default_factory=Counter)


def load_h2020(source: Path, *, cutoff: date = DEFAULT_CUTOFF, today: date | None = None, titles: int = 0) -> Dataset:
    """Read the H2020 tables in ``source``.

    ``cutoff``: only projects starting before it describe an organisation (evaluate with ``--split-date`` set to the
    same date). ``titles``: how many of those projects' titles (most recent first) the description lists; 0 by
    default, because the store's history already carries them (the profile, the history vectors) and titles written
    into descriptions leak into the learned ranker's training: a simulated query hides its project from the history
    but not from its members' descriptions, so lexical and text similarity look stronger than they are on new
    projects. ``today`` (default: the current date) decides whether a project whose ``end_date`` has passed is
    ``completed`` or still ``running``.
    """
    source = Path(source)
    project_rows = read_rows(source / "projects.csv", PROJECT_COLUMNS)
    projects = _projects(project_rows, today or date.today())
    by_id = {project.id: project for project in projects}
    organisations, members = _participations(read_rows(source / "participations.csv", PARTICIPATION_COLUMNS), by_id)
    _attach_records(read_rows(source / "organisations.csv", ORGANISATION_COLUMNS), organisations)
    acronyms = {f"h{clean_text(row['rcn'])}": clean_text(row["acronym"]) for row in project_rows}
    partners = [_partner(org, by_id, acronyms, cutoff, titles) for org in organisations.values()]
    logger.info("H2020: %d projects, %d partners, %d participations", len(projects), len(partners), len(members))
    return Dataset(partners=partners, projects=projects, project_members=members)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _projects(rows: list[dict[str, str]], today: date) -> list[Project]:
    projects: dict[str, Project] = {}
    for row in rows:
        rcn = clean_text(row["rcn"])
        title = clean_text(row["title"]) or clean_text(row["acronym"])
        description = clean_text(row["objective"])
        if not rcn or f"h{rcn}" in projects or not description or not title:
            logger.warning("H2020 projects.csv: dropped project %r (no rcn, repeated rcn, no title or no text)", rcn)
            continue
        end = _date(row["end_date"])
        status: ProjectStatus | None = None
        if end is not None:
            status = "completed" if end < today else "running"
        projects[f"h{rcn}"] = Project(
            id=f"h{rcn}", title=title, description=description, status=status, start_date=_date(row["start_date"])
        )
    return list(projects.values())


def _participations(
    rows: list[dict[str, str]], projects: dict[str, Project]
) -> tuple[dict[str, _Organisation], list[ProjectMember]]:
    """Organisations that joined at least one known project, and one membership per (project, organisation): the
    coordinator is the lead (a repeated row keeps the lead role)."""
    organisations: dict[str, _Organisation] = {}
    roles: dict[tuple[str, str], MemberRole] = {}
    dropped: Counter[str] = Counter()
    for row in rows:
        project_id, pic = f"h{clean_text(row['rcn'])}", clean_text(row["pic"])
        if project_id not in projects or not pic:
            dropped["unknown project or no pic"] += 1
            continue
        org = organisations.setdefault(pic, _Organisation(pic))
        org.projects[project_id] = None
        org.kinds[clean_text(row["type"]).upper()] += 1
        org.countries[clean_text(row["country"])] += 1
        pair = (project_id, f"o{pic}")
        if pair in roles:
            dropped["repeated (project, organisation) pair"] += 1
        role: MemberRole = "lead" if row["role"].strip().casefold() == "coordinator" else "member"
        if roles.get(pair) != "lead":
            roles[pair] = role
    for reason, count in dropped.items():
        logger.info("H2020 participations.csv: %d row(s): %s", count, reason)
    return organisations, [ProjectMember(project, partner, role) for (project, partner), role in roles.items()]


def _attach_records(rows: list[dict[str, str]], organisations: dict[str, _Organisation]) -> None:
    """Name, kind, country and city from organisations.csv; the participations' most frequent values fill gaps."""
    for row in rows:
        org = organisations.get(clean_text(row["pic"]))
        if org is None:
            continue
        org.name = clean_text(row["name"])
        org.kind = clean_text(row["activity_type"]).upper()
        org.country = clean_text(row["country"])
        org.city = clean_text(row["city"])
    for org in organisations.values():
        org.kind = org.kind or _most_common(org.kinds)
        org.country = org.country or _most_common(org.countries)


def _most_common(counts: Counter[str]) -> str:
    ranked = [(count, -index, value) for index, (value, count) in enumerate(counts.items()) if value]
    return max(ranked)[2] if ranked else ""


def _title_with_acronym(project: Project, acronym: str) -> str:
    if acronym and name_key(acronym) != name_key(project.title):
        return f"{project.title} ({acronym})"
    return project.title


def _partner(
    org: _Organisation, projects: dict[str, Project], acronyms: dict[str, str], cutoff: date, titles: int
) -> Partner:
    kind = ACTIVITY_TYPES.get(org.kind)
    if org.kind and kind is None:
        logger.warning("H2020: activity type %r of %s is unknown; its type is left empty", org.kind, org.pic)
    country = iso_country(org.country)
    where = place(country)
    label = with_article(actor_label(kind) if kind not in (None, "other") else "organisation")
    fact = f"{label[:1].upper()}{label[1:]}" + (f" in {where}" if where else "")
    earlier = [
        projects[p]
        for p in org.projects
        if projects[p].start_date is not None and projects[p].start_date < cutoff  # type: ignore[operator]
    ]
    earlier.sort(key=lambda p: (p.start_date, p.id), reverse=True)
    listed = [_title_with_acronym(p, acronyms.get(p.id, "")) for p in earlier[:titles]]
    history = f"Projects before {cutoff.isoformat()}: {'; '.join(listed)}" if listed else ""
    return Partner(
        id=f"o{org.pic}",
        name=org.name or f"Organisation {org.pic}",
        description=join_sentences([fact, history]),
        type=kind,
        country=country,
        city=org.city or None,
    )
