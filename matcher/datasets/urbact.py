"""URBACT city networks -> matcher records: networks are projects, cities are partners, memberships link them.

Source folder (``../shared/datasets/urbact``): ``networks.csv``, ``memberships.csv`` and ``good_practices.csv``.
A city's description holds only what is known about the city itself (its country and its URBACT good practice),
never text of its networks, so held-out memberships cannot leak into the partner being matched.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from matcher.datasets._places import iso_country, place
from matcher.datasets._tables import parse_year, read_rows
from matcher.datasets._text import clean_text, join_sentences, name_key, stable_id
from matcher.domain import Dataset, MemberRole, Partner, Project, ProjectMember, ProjectStatus

logger = logging.getLogger(__name__)

NETWORK_COLUMNS = (
    "Code_Network",
    "Name",
    "Description",
    "Aims",
    "Activities",
    "Main.Key.Word",
    "Additionnal.key.words",
    "Start",
    "End",
)
MEMBERSHIP_COLUMNS = ("Code_Network", "NameCity", "CodeCity", "Country", "City.Statut")
PRACTICE_COLUMNS = ("Name", "City", "CountryCode", "Description", "Summary")

#: Good-practice city names that are spelt differently in memberships.csv: (name key, country) -> name key there.
PRACTICE_CITY_ALIASES: dict[tuple[str, str], str] = {
    ("l hospitalet", "ES"): "l hospitalet de llobregat",
    ("esplugues", "ES"): "esplugues de llobregat",
    ("budapest ujbuda", "HU"): "ujbuda",
    ("genova", "IT"): "genoa",
    ("eurometropolis strasbourg", "FR"): "strasbourg",
}

#: What replaces the name of one of the city's own networks inside its good-practice text.
REDACTED = "[…]"


@dataclass(slots=True)
class _City:
    id: str
    name: str
    country: str | None
    practices: list[str] = field(default_factory=list)


def load_urbact(source: Path, *, good_practices: bool = True, today: date | None = None) -> Dataset:
    """Read the URBACT tables in ``source``.

    ``good_practices=False`` leaves every city with its factual sentence only; ``today`` (default: the current
    date) decides whether a network whose ``End`` year has passed is ``completed`` or still ``running``.
    """
    source = Path(source)
    networks = read_rows(source / "networks.csv", NETWORK_COLUMNS)
    memberships = read_rows(source / "memberships.csv", MEMBERSHIP_COLUMNS)
    projects = _projects(networks, today or date.today())
    cities, members = _cities(memberships, {project.id for project in projects})
    if good_practices:
        practices = read_rows(source / "good_practices.csv", PRACTICE_COLUMNS)
        titles = {project.id: project.title for project in projects}
        _attach_practices(practices, cities, members, titles)
    partners = [_partner(city) for city in cities.values()]
    logger.info("URBACT: %d projects, %d partners, %d memberships", len(projects), len(partners), len(members))
    return Dataset(partners=partners, projects=projects, project_members=members)


def _keywords(*values: str) -> str:
    words = [clean_text(word) for value in values for word in value.split("/")]
    unique = list(dict.fromkeys(word for word in words if word))
    return f"Key words: {', '.join(unique)}" if unique else ""


def _projects(rows: list[dict[str, str]], today: date) -> list[Project]:
    projects: dict[str, Project] = {}
    for row in rows:
        code = clean_text(row["Code_Network"])
        description = join_sentences(
            [
                row["Description"],
                row["Aims"],
                row["Activities"],
                _keywords(row["Main.Key.Word"], row["Additionnal.key.words"]),
            ]
        )
        if not code or code in projects or not description:
            logger.warning("URBACT networks.csv: dropped network %r (no code, repeated code or no text)", code)
            continue
        start = parse_year(row["Start"])
        end = parse_year(row["End"])
        status: ProjectStatus | None = None
        if end is not None:
            status = "completed" if end < today.year else "running"
        projects[code] = Project(
            id=code,
            title=clean_text(row["Name"]) or code,
            description=description,
            status=status,
            start_date=date(start, 1, 1) if start is not None else None,
        )
    return list(projects.values())


def _cities(rows: list[dict[str, str]], project_ids: set[str]) -> tuple[dict[str, _City], list[ProjectMember]]:
    """Partners keyed by ``CodeCity``; a city without a code takes a coded city's id by name, else a stable id."""
    by_name: dict[tuple[str, str | None], str] = {}
    for row in rows:
        code = clean_text(row["CodeCity"])
        if code:
            by_name.setdefault((name_key(row["NameCity"]), iso_country(row["Country"])), code)
    cities: dict[str, _City] = {}
    roles: dict[tuple[str, str], MemberRole] = {}
    dropped: Counter[str] = Counter()
    for row in rows:
        project_id = clean_text(row["Code_Network"])
        name = clean_text(row["NameCity"])
        if project_id not in project_ids or not name:
            dropped["unknown network or no city name"] += 1
            continue
        country = iso_country(row["Country"])
        if country is None:
            dropped[f"country {row['Country']!r} kept as unknown"] += 1
        code = clean_text(row["CodeCity"])
        partner_id = code or by_name.get((name_key(name), country)) or stable_id(name, country)
        cities.setdefault(partner_id, _City(partner_id, name, country))
        role: MemberRole = "lead" if row["City.Statut"].strip().casefold() == "lead partner" else "member"
        pair = (project_id, partner_id)
        if pair in roles:
            dropped["repeated (city, network) pair"] += 1
        if roles.get(pair) != "lead":
            roles[pair] = role
    for reason, count in dropped.items():
        logger.info("URBACT memberships.csv: %d row(s): %s", count, reason)
    members = [ProjectMember(project, partner, role) for (project, partner), role in roles.items()]
    return cities, members


def _redact(text: str, names: Iterable[str]) -> str:
    for title in sorted(names, key=len, reverse=True):
        if len(title) >= 4:
            text = re.sub(rf"(?<!\w){re.escape(title)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return text


def _attach_practices(
    rows: list[dict[str, str]],
    cities: dict[str, _City],
    members: list[ProjectMember],
    titles: dict[str, str],
) -> None:
    """Give each city the texts of its good practices, with the names of its own networks redacted."""
    by_name = {(name_key(city.name), city.country): city for city in cities.values()}
    networks_of: dict[str, list[str]] = {}
    for member in members:
        networks_of.setdefault(member.partner_id, []).append(titles[member.project_id])
    unmatched: list[str] = []
    for row in rows:
        country = iso_country(row["CountryCode"])
        key = name_key(row["City"])
        key = PRACTICE_CITY_ALIASES.get((key, country or ""), key)
        city = by_name.get((key, country))
        if city is None:
            unmatched.append(clean_text(row["City"]))
            continue
        text = join_sentences([f"Good practice: {row['Name']}", row["Description"], row["Summary"]])
        city.practices.append(clean_text(_redact(text, networks_of.get(city.id, []))))
    if unmatched:
        logger.info(
            "URBACT good_practices.csv: %d practice(s) of cities without membership skipped: %s",
            len(unmatched),
            ", ".join(sorted(set(unmatched))),
        )


def _partner(city: _City) -> Partner:
    where = place(city.country)
    fact = f"City of {city.name}, {where}" if where else f"City of {city.name}"
    return Partner(
        id=city.id,
        name=city.name,
        description=join_sentences([fact, *city.practices]),
        type="city",
        country=city.country,
        city=city.name,
    )
