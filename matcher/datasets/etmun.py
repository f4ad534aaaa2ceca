"""ETMUN transnational municipal networks -> matcher records: networks are projects, members are partners.

Source folder (``../shared/datasets/etmun``): ``networks.csv`` and ``members.csv``. Members have no text of their
own, so a partner's description is one factual sentence (kind, place, country); a member is known by its country,
kind and its other memberships.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from matcher.datasets._places import iso_country, place
from matcher.datasets._tables import read_rows
from matcher.datasets._text import clean_text, join_sentences, name_key, stable_id
from matcher.domain import Dataset, Partner, Project, ProjectMember

logger = logging.getLogger(__name__)

NETWORK_COLUMNS = ("Code", "Name", "Acronym", "Aims", "Activities", "Main Key-word", "Additional Key-Word")
MEMBER_COLUMNS = ("Full_Name", "CountryCode", "Code_Network", "EntitySimplified", "Locality_Siege")

#: ``EntitySimplified`` of members.csv -> ``partners.type`` token (see :data:`matcher.vocab.ACTOR_TYPES`).
ENTITY_TYPES: dict[str, str] = {
    "City": "city",
    "Municipality": "city",
    "Intermunicipality": "city",
    "Region": "city",
    "State Administration": "public_actor",
    "Local Association": "network",
    "Regional Association": "network",
    "National Association": "network",
    "International Association": "network",
    "Other": "other",
}


@dataclass(slots=True)
class _Member:
    id: str
    country: str | None
    names: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    localities: Counter[str] = field(default_factory=Counter)
    networks: dict[str, None] = field(default_factory=dict)


def load_etmun(source: Path, *, max_members: int | None = None, seed: int = 0) -> Dataset:
    """Read the ETMUN tables in ``source``.

    ``max_members`` keeps that many members, chosen deterministically from ``seed``: members of two or more
    networks first, then single-network members; every network is kept.
    """
    if max_members is not None and max_members < 1:
        raise ValueError(f"max_members must be a positive number of members or None for all (got {max_members})")
    source = Path(source)
    projects = _projects(read_rows(source / "networks.csv", NETWORK_COLUMNS))
    members = _members(read_rows(source / "members.csv", MEMBER_COLUMNS), {p.id for p in projects})
    if max_members is not None:
        members = _subsample(members, max_members, seed)
    partners = [_partner(member) for member in members]
    links = [ProjectMember(network, member.id, "member") for member in members for network in member.networks]
    logger.info("ETMUN: %d projects, %d partners, %d memberships", len(projects), len(partners), len(links))
    return Dataset(partners=partners, projects=projects, project_members=links)


def _title(name: str, acronym: str) -> str:
    if acronym and name_key(acronym) != name_key(name):
        return f"{name} ({acronym})" if name else acronym
    return name or acronym


def _projects(rows: list[dict[str, str]]) -> list[Project]:
    projects: dict[str, Project] = {}
    for row in rows:
        code = clean_text(row["Code"])
        words = [clean_text(row["Main Key-word"]), clean_text(row["Additional Key-Word"])]
        keywords = ", ".join(dict.fromkeys(word for word in words if word))
        description = join_sentences([row["Aims"], row["Activities"], f"Key words: {keywords}" if keywords else ""])
        if not code or code in projects or not description:
            logger.warning("ETMUN networks.csv: dropped network %r (no code, repeated code or no text)", code)
            continue
        title = _title(clean_text(row["Name"]), clean_text(row["Acronym"])) or code
        projects[code] = Project(id=code, title=title, description=description)
    return list(projects.values())


def _members(rows: list[dict[str, str]], project_ids: set[str]) -> list[_Member]:
    """One member per (name key, country); its name, kind and locality are the most frequent spellings."""
    members: dict[str, _Member] = {}
    dropped: Counter[str] = Counter()
    for row in rows:
        name = clean_text(row["Full_Name"])
        network = clean_text(row["Code_Network"])
        if not name:
            dropped["no member name"] += 1
            continue
        if network not in project_ids:
            dropped[f"network {network!r} not in networks.csv"] += 1
            continue
        country = iso_country(row["CountryCode"])
        if country is None:
            dropped[f"country {row['CountryCode']!r} kept as unknown"] += 1
        member_id = stable_id(name, country)
        member = members.setdefault(member_id, _Member(member_id, country))
        if network in member.networks:
            dropped["repeated (member, network) pair"] += 1
        member.networks[network] = None
        member.names[name] += 1
        member.entities[clean_text(row["EntitySimplified"])] += 1
        member.localities[clean_text(row["Locality_Siege"])] += 1
    for reason, count in dropped.items():
        logger.info("ETMUN members.csv: %d row(s): %s", count, reason)
    return list(members.values())


def _subsample(members: list[_Member], size: int, seed: int) -> list[_Member]:
    order = sorted(members, key=lambda member: member.id)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda member: len(member.networks) < 2)
    kept = {member.id for member in order[:size]}
    return [member for member in members if member.id in kept]


def _most_common(counts: Counter[str]) -> str:
    """The most frequent non-empty value, the first seen on ties; '' when there is none."""
    ranked = [(count, -index, value) for index, (value, count) in enumerate(counts.items()) if value]
    return max(ranked)[2] if ranked else ""


def _partner(member: _Member) -> Partner:
    name = _most_common(member.names)
    entity = _most_common(member.entities)
    if entity and entity not in ENTITY_TYPES:
        logger.warning("ETMUN: kind %r of %s is not in ENTITY_TYPES; its type is left empty", entity, name)
    locality = _most_common(member.localities)
    where = place(member.country)
    if locality and name_key(locality) != name_key(name):
        where = f"{locality}, {where}" if where else locality
    kind = entity or "Member organisation"
    return Partner(
        id=member.id,
        name=name,
        description=join_sentences([f"{kind} in {where}" if where else kind]),
        type=ENTITY_TYPES.get(entity),
        country=member.country,
        city=locality or None,
    )
