"""Converters of the URBACT and ETMUN datasets, and the import-format writer.

Synthetic source tables mimic the real column names and quirks (decimal commas, ``2018.0`` years, ``UK`` for GB,
cities without ``CodeCity``, repeated memberships, escaped quotes). The real data is used only when present.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from matcher.datasets import SourceError, convert, load_etmun, load_h2020, load_urbact, stable_id
from matcher.domain import ActionGroup, Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.io.importer import read_directory
from matcher.io.writer import COLUMNS, write_dataset

URBACT_NETWORKS = [
    "Main.Key.Word", "Additionnal.key.words", "Name", "Code_Network", "Description", "LeadPartnerCountry", "Url",
    "Start", "End", "Aims", "Activities", "Members", "Continent", "Region", "NbCities", "CodeCity", "LeadPartner",
    "Phase", "Type",
]  # fmt: skip
URBACT_MEMBERSHIPS = [
    "Code_Network", "NameCity", "CodeCity", "Country", "Continent", "Region", "City.Statut", "Sources", "Years",
    "Network", "Description", "LeadPartnerCountry", "Url", "Start", "End", "geonameId", "asciiName", "lng_GN",
    "lat_GN",
]  # fmt: skip
URBACT_PRACTICES = [
    "Name", "City", "Pop", "Country", "Description", "Start", "End", "DateLabel", "Budget", "Kwords", "Summary",
    "Solution", "Approach", "Participation", "Outcomes", "Transferability", "CountryCode", "Region", "Continent",
    "AllText", "CodePractices", "ClassePop", "ClasseStart", "location", "Long", "Lat", "Kwords2020", "geonameId",
    "asciiName", "SizeClassURBACT",
]  # fmt: skip
ETMUN_NETWORKS = [
    "Sources", "Years", "Matrix level", "Matrix column", "Main Key-word", "Additional Key-Word", "Pages Vol 3", "Name",
    "Acronym", "Code", "Country (secretariat)", "Type 1", "Type 2", "Url", "Date", "Aims", "Activities", "Members",
    "Priorité", "Date.1", "MAJ2019",
]  # fmt: skip
ETMUN_MEMBERS = [
    "Full_Name", "Locality_Siege", "CountryCode", "Continent", "Region", "Y", "X", "Pop_collect", "Statut", "Entity",
    "Year_of_Joining", "Note", "Network_Name", "Code_Network", "EntitySimplified", "CountryName", "MembershipCode",
    "lon", "lat",
]  # fmt: skip

SECOND_CHANCE_AIMS = 'Re-activate those \\\\"sleeping giants\\\\".\nVoids in the city centre become housing.'
ACCESS_AIMS = "ACCESS addresses inclusive cultural policies."


def _write_table(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


def _membership(network: str, name: str, code: str, country: str, status: str = "Partner") -> dict[str, str]:
    return {
        "Code_Network": network, "NameCity": name, "CodeCity": code, "Country": country, "City.Statut": status,
        "Years": "2019", "Start": "2015", "End": "2018.0", "lng_GN": "-8,61099", "lat_GN": "41,14961",
        "Description": "Network text repeated on every membership row",
    }  # fmt: skip


@pytest.fixture
def urbact_source(tmp_path: Path) -> Path:
    source = tmp_path / "urbact"
    _write_table(
        source / "networks.csv",
        URBACT_NETWORKS,
        [
            {
                "Code_Network": "1", "Name": "2nd Chance", "Description": "Activation of vacant buildings",
                "Aims": SECOND_CHANCE_AIMS, "Activities": "Cooperatives invest capital",
                "Main.Key.Word": "Governance",
                "Additionnal.key.words": "Abandoned Spaces / Culture & Heritage/ Governance",
                "Start": "2015", "End": "2018.0", "Phase": "Urbact III",
            },
            {
                "Code_Network": "90", "Name": "ACCESS", "Description": "ACCESS to Culture for all Citizens",
                "Aims": ACCESS_AIMS, "Main.Key.Word": "Inclusion", "Start": "2019", "End": "",
            },
            {
                "Code_Network": "U12", "Name": "CHORUS", "Description": "Urban regeneration of waterfronts",
                "Aims": "", "Start": "2000", "End": "2006,0", "Phase": "Urbact I",
            },
            {"Code_Network": "99", "Name": "Empty", "Description": " ", "Aims": "", "Start": "2008"},
        ],
    )  # fmt: skip
    _write_table(
        source / "memberships.csv",
        URBACT_MEMBERSHIPS,
        [
            _membership("1", "Porto", "PT18", "PT"),
            _membership("1", "Naples", "IT23", "IT", "Lead Partner"),
            _membership("90", "Berlin", "DE3", "DE", "Partner"),
            _membership("90", "Berlin", "DE3", "DE", "Lead Partner"),
            _membership("90", "Málaga", "ES7", "ES"),
            _membership("90", "Leeds", "UK15", "UK"),
            _membership("U12", "Bastia", "", "FR", "Lead Partner"),
            _membership("U12", "PORTO", "", "PT"),
            _membership("U12", "Genoa", "IT19", "IT"),
            _membership("99", "Porto", "PT18", "PT"),
        ],
    )
    _write_table(
        source / "good_practices.csv",
        URBACT_PRACTICES,
        [
            {
                "Name": "Culture for all", "City": "MALAGA", "Country": "Spain", "CountryCode": "ES",
                "Description": "Museums open their doors",
                "Summary": "Malaga runs the Access programme\nfor residents.",
                "AllText": "long text", "Lat": "36,72",
            },
            {
                "Name": "Port lab", "City": "Genova", "Country": "Italy", "CountryCode": "IT",
                "Description": "A harbour innovation lab", "Summary": "Start-ups work in the old port.",
            },
            {"Name": "Watch out!", "City": "Pazin", "Country": "Croatia", "CountryCode": "HR", "Summary": "Safety."},
        ],
    )  # fmt: skip
    return source


@pytest.fixture
def etmun_source(tmp_path: Path) -> Path:
    source = tmp_path / "etmun"
    _write_table(
        source / "networks.csv",
        ETMUN_NETWORKS,
        [
            {
                "Name": "Alliance of European Cultural Cities", "Acronym": "AVEC", "Code": "00535",
                "Aims": "Position local heritage as a motor", "Activities": "",
                "Main Key-word": "Amenities", "Additional Key-Word": "Towns", "Date": "1997.0",
            },
            {
                "Name": "Climate Alliance", "Acronym": "Climate Alliance", "Code": "03241",
                "Aims": "Protect the world's climate", "Activities": "Campaigns; conferences",
                "Main Key-word": "Environment", "Additional Key-Word": "",
            },
            {
                "Name": "European Network of Digital Cities", "Acronym": "DigitalCities", "Code": "06621",
                "Aims": "", "Activities": "", "Main Key-word": "Amenities", "Additional Key-Word": "Towns",
            },
        ],
    )  # fmt: skip

    def member(name: str, country: str, network: str, entity: str, locality: str | None = None) -> dict[str, str]:
        return {
            "Full_Name": name, "Locality_Siege": name if locality is None else locality, "CountryCode": country,
            "Code_Network": network, "EntitySimplified": entity, "Region": "Namibia-like wrong region",
            "lon": "5,447427", "lat": "43,529742", "Y": "43.529742",
        }  # fmt: skip

    _write_table(
        source / "members.csv",
        ETMUN_MEMBERS,
        [
            member("Aix en Provence", "FR", "00535", "Municipality"),
            member("Aix-en-Provence", "FR", "03241", "City"),
            member("AIX EN PROVENCE", "FR", "03241", "City"),
            member("Chester ", "GB", "00535", "Municipality", "Chester "),
            member("Chester", "GB", "06621", "Municipality"),
            member("Madrid", "ES\xa0", "00535", "City"),
            member("Pristina", "RKS", "06621", "Municipality"),
            member("Prague", "VZ", "06621", "City"),
            member("A Coruña", "ES", "W4", "City"),
            member("", "IT", "00535", "Other"),
            member("Sustrans", "GB", "03241", "", "Bristol"),
            member("Association of Polish Cities", "PL", "00535", "National Association", "Poznań"),
        ],
    )
    return source


def _links(dataset: Dataset) -> set[tuple[str, str, str]]:
    return {(m.project_id, m.partner_id, m.role) for m in dataset.project_members}


def test_urbact_networks_become_projects_with_clean_text_dates_and_status(urbact_source: Path) -> None:
    dataset = load_urbact(urbact_source, today=date(2026, 11, 25))
    projects = {p.id: p for p in dataset.projects}
    assert list(projects) == ["1", "90", "U12"]  # network 99 has no text and is dropped
    assert projects["1"].title == "2nd Chance"
    assert projects["1"].description == (
        'Activation of vacant buildings. Re-activate those "sleeping giants". Voids in the city centre become '
        "housing. Cooperatives invest capital. Key words: Governance, Abandoned Spaces, Culture & Heritage."
    )
    assert [p.start_date for p in dataset.projects] == [date(2015, 1, 1), date(2019, 1, 1), date(2000, 1, 1)]
    assert [p.status for p in dataset.projects] == ["completed", None, "completed"]
    assert load_urbact(urbact_source, today=date(2017, 6, 1)).projects[0].status == "running"
    assert all(p.sdgs == () for p in dataset.projects)


def test_urbact_cities_become_partners_with_iso_countries_and_stable_ids(urbact_source: Path) -> None:
    dataset = load_urbact(urbact_source, today=date(2026, 11, 25))
    partners = {p.id: p for p in dataset.partners}
    bastia = stable_id("Bastia", "FR")
    assert bastia == "FR-bastia-7f45b9"
    assert list(partners) == ["PT18", "IT23", "DE3", "ES7", "UK15", bastia, "IT19"]
    assert {p.id: p.country for p in dataset.partners} == {
        "PT18": "PT", "IT23": "IT", "DE3": "DE", "ES7": "ES", "UK15": "GB", bastia: "FR", "IT19": "IT",
    }  # fmt: skip
    assert {p.type for p in dataset.partners} == {"city"}
    assert partners["ES7"].name == partners["ES7"].city == "Málaga"


def test_urbact_memberships_are_deduplicated_and_lead_wins(urbact_source: Path) -> None:
    dataset = load_urbact(urbact_source)
    assert _links(dataset) == {
        ("1", "PT18", "member"),
        ("1", "IT23", "lead"),
        ("90", "DE3", "lead"),  # listed twice, once as Partner and once as Lead Partner
        ("90", "ES7", "member"),
        ("90", "UK15", "member"),
        ("U12", "FR-bastia-7f45b9", "lead"),
        ("U12", "PT18", "member"),  # 'PORTO' without CodeCity is the coded Porto
        ("U12", "IT19", "member"),
    }
    assert len(dataset.project_members) == 8


def test_urbact_city_description_holds_no_network_text(urbact_source: Path) -> None:
    dataset = load_urbact(urbact_source)
    partners = {p.id: p for p in dataset.partners}
    assert partners["PT18"].description == "City of Porto, Portugal (Southern Europe)."
    assert partners["UK15"].description == "City of Leeds, United Kingdom (Northern Europe)."
    assert partners["ES7"].description == (
        "City of Málaga, Spain (Southern Europe). Good practice: Culture for all. Museums open their doors. "
        "Malaga runs the […] programme for residents."
    )
    assert partners["IT19"].description == (
        "City of Genoa, Italy (Southern Europe). Good practice: Port lab. A harbour innovation lab. "
        "Start-ups work in the old port."
    )
    network_texts = [
        "Activation of vacant buildings", "sleeping giants", "Cooperatives invest capital", "Governance",
        "ACCESS to Culture", ACCESS_AIMS, "Urban regeneration of waterfronts", "Network text repeated",
    ]  # fmt: skip
    for partner in dataset.partners:
        own_titles = [p.title for p in dataset.projects if (p.id, partner.id) in _pairs(dataset)]
        for text in [*network_texts, *own_titles]:
            assert text.casefold() not in partner.description.casefold(), (partner.id, text)


def _pairs(dataset: Dataset) -> set[tuple[str, str]]:
    return {(m.project_id, m.partner_id) for m in dataset.project_members}


def test_urbact_without_good_practices_keeps_the_factual_sentence_only(urbact_source: Path) -> None:
    (urbact_source / "good_practices.csv").unlink()
    dataset = load_urbact(urbact_source, good_practices=False)
    assert {p.id: p.description for p in dataset.partners}["ES7"] == "City of Málaga, Spain (Southern Europe)."


def test_urbact_missing_column_says_which_and_where(urbact_source: Path) -> None:
    _write_table(urbact_source / "memberships.csv", ["Code_Network", "NameCity"], [])
    with pytest.raises(SourceError, match=r"memberships\.csv: missing column\(s\) CodeCity, Country, City\.Statut"):
        load_urbact(urbact_source)
    with pytest.raises(SourceError, match=r"networks\.csv not found; give the dataset folder"):
        load_urbact(urbact_source.parent / "nowhere")


def test_etmun_members_become_partners_keyed_by_name_and_country(etmun_source: Path) -> None:
    dataset = load_etmun(etmun_source)
    assert [(p.id, p.title) for p in dataset.projects] == [
        ("00535", "Alliance of European Cultural Cities (AVEC)"),
        ("03241", "Climate Alliance"),
        ("06621", "European Network of Digital Cities (DigitalCities)"),
    ]
    assert dataset.projects[0].description == "Position local heritage as a motor. Key words: Amenities, Towns."
    assert dataset.projects[2].description == "Key words: Amenities, Towns."
    assert all(p.start_date is None and p.status is None for p in dataset.projects)
    partners = {p.id: p for p in dataset.partners}
    aix, chester, sustrans, polish = (
        "FR-aix-en-provence-98a7e1",
        "GB-chester-32734e",
        "GB-sustrans-de8ff7",
        "PL-association-of-polish-cities-321e4f",
    )
    assert list(partners) == [
        aix, chester, stable_id("Madrid", "ES"), "XK-pristina-c77a16", "XX-prague-a06547", sustrans, polish,
    ]  # fmt: skip
    assert {p.id: (p.type, p.country) for p in dataset.partners} == {
        aix: ("city", "FR"), chester: ("city", "GB"), "ES-madrid-847ccb": ("city", "ES"),
        "XK-pristina-c77a16": ("city", "XK"), "XX-prague-a06547": ("city", None), sustrans: (None, "GB"),
        polish: ("network", "PL"),
    }  # fmt: skip
    assert partners[aix].name == "Aix en Provence"  # the first of three equally frequent spellings
    assert partners[aix].description == "City in France (Western Europe)."
    assert partners[chester].name == "Chester"
    assert partners[sustrans].description == "Member organisation in Bristol, United Kingdom (Northern Europe)."
    assert partners[polish].description == "National Association in Poznań, Poland (Eastern Europe)."
    assert partners["XX-prague-a06547"].description == "City."
    assert partners["XK-pristina-c77a16"].description == "Municipality in Kosovo (Southern Europe)."


def test_etmun_memberships_are_deduplicated_members_only(etmun_source: Path) -> None:
    dataset = load_etmun(etmun_source)
    assert _links(dataset) == {
        ("00535", "FR-aix-en-provence-98a7e1", "member"),
        ("03241", "FR-aix-en-provence-98a7e1", "member"),
        ("00535", "GB-chester-32734e", "member"),
        ("06621", "GB-chester-32734e", "member"),
        ("00535", "ES-madrid-847ccb", "member"),
        ("06621", "XK-pristina-c77a16", "member"),
        ("06621", "XX-prague-a06547", "member"),
        ("03241", "GB-sustrans-de8ff7", "member"),
        ("00535", "PL-association-of-polish-cities-321e4f", "member"),
    }
    assert len(dataset.project_members) == 9  # 'AIX EN PROVENCE' repeat, W4 and the nameless row are dropped


def test_etmun_subsample_prefers_multi_network_members_and_is_deterministic(etmun_source: Path) -> None:
    two = load_etmun(etmun_source, max_members=2, seed=5)
    assert {p.id for p in two.partners} == {"FR-aix-en-provence-98a7e1", "GB-chester-32734e"}
    assert {m.partner_id for m in two.project_members} == {p.id for p in two.partners}
    assert len(two.projects) == 3
    four = [load_etmun(etmun_source, max_members=4, seed=seed) for seed in (0, 0, 1, 2, 3)]
    assert [p.id for p in four[0].partners] == [p.id for p in four[1].partners]
    assert all(len(d.partners) == 4 for d in four)
    assert all({"FR-aix-en-provence-98a7e1", "GB-chester-32734e"} <= {p.id for p in d.partners} for d in four)
    assert len({tuple(p.id for p in d.partners) for d in four}) > 1  # the seed changes the single-network picks
    with pytest.raises(ValueError, match="max_members must be a positive number"):
        load_etmun(etmun_source, max_members=0)


def test_convert_writes_an_import_directory_the_importer_reads_back(urbact_source: Path, tmp_path: Path) -> None:
    target = tmp_path / "out"
    dataset = convert("urbact", urbact_source, target, today=date(2026, 11, 25))
    assert sorted(path.name for path in target.iterdir()) == sorted(f"{stem}.csv" for stem in COLUMNS)
    assert read_directory(target).dataset == dataset
    with pytest.raises(
        TypeError, match=r"option\(s\) its loader does not use: max_members; allowed: good_practices, today"
    ):
        convert("urbact", urbact_source, target, max_members=3)
    with pytest.raises(ValueError, match="unknown dataset kind 'eurostat'; allowed: urbact, etmun, h2020"):
        convert("eurostat", urbact_source, target)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is the source folder"):
        convert("etmun", urbact_source, urbact_source)


def _sample_dataset() -> Dataset:
    return Dataset(
        partners=[
            Partner(
                id="p1",
                name='Escola "Nova", Lisboa',
                description="Line one\nline two; with, commas",
                type="school",
                country="PT",
                city="Lisboa",
                languages=("pt", "en"),
                website="https://nova.pt",
                sdgs=(4, 13),
                discoverable=False,
            ),
            Partner(id="p2", name="Bare", description="Only the required fields"),
        ],
        projects=[
            Project(
                id="x1",
                title="Green schools",
                description="Solar roofs",
                sdgs=(7,),
                status="running",
                seeking="a university",
                start_date=date(2024, 3, 1),
            ),
            Project(id="x2", title="Idea", description="Not started"),
        ],
        action_groups=[ActionGroup(id="g1", name="Learning for Sustainability", description="Community")],
        project_members=[ProjectMember("x1", "p1", "lead"), ProjectMember("x1", "p2")],
        group_members=[GroupMember("g1", "p2")],
    )


def test_write_dataset_round_trips_through_csv(tmp_path: Path) -> None:
    target = tmp_path / "import"
    dataset = _sample_dataset()
    write_dataset(dataset, target)
    write_dataset(dataset, target)  # replacing existing files leaves no temporary file behind
    assert sorted(path.name for path in target.iterdir()) == [
        "action_groups.csv", "group_members.csv", "partners.csv", "project_members.csv", "projects.csv",
    ]  # fmt: skip

    def rows(stem: str) -> list[dict[str, str]]:
        with (target / f"{stem}.csv").open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            assert tuple(reader.fieldnames or ()) == COLUMNS[stem]
            return list(reader)

    assert rows("partners") == [
        {
            "id": "p1", "name": 'Escola "Nova", Lisboa', "type": "school", "country": "PT", "city": "Lisboa",
            "languages": "pt;en", "description": "Line one\nline two; with, commas", "website": "https://nova.pt",
            "sdgs": "4;13", "discoverable": "false",
        },
        {
            "id": "p2", "name": "Bare", "type": "", "country": "", "city": "", "languages": "",
            "description": "Only the required fields", "website": "", "sdgs": "", "discoverable": "true",
        },
    ]  # fmt: skip
    assert rows("projects") == [
        {"id": "x1", "title": "Green schools", "description": "Solar roofs", "sdgs": "7", "status": "running",
         "seeking": "a university", "start_date": "2024-03-01"},
        {"id": "x2", "title": "Idea", "description": "Not started", "sdgs": "", "status": "", "seeking": "",
         "start_date": ""},
    ]  # fmt: skip
    assert rows("action_groups") == [{"id": "g1", "name": "Learning for Sustainability", "description": "Community"}]
    assert rows("project_members") == [
        {"project_id": "x1", "partner_id": "p1", "role": "lead"},
        {"project_id": "x1", "partner_id": "p2", "role": "member"},
    ]
    assert rows("group_members") == [{"group_id": "g1", "partner_id": "p2"}]
    assert read_directory(target).dataset == dataset


def test_write_dataset_refuses_a_file_as_target(tmp_path: Path) -> None:
    target = tmp_path / "partners.csv"
    target.write_text("not a directory", encoding="utf-8")
    with pytest.raises(NotADirectoryError, match="is a file; give a directory"):
        write_dataset(_sample_dataset(), target)


H2020_PROJECTS = [
    "rcn", "acronym", "title", "objective", "start_date", "end_date", "programme", "topics", "funding_scheme",
]  # fmt: skip
FUTURE_TITLE = "Hydrogen storage beyond the cut-off"


@pytest.fixture
def h2020_source(tmp_path: Path) -> Path:
    source = tmp_path / "h2020"

    def project(rcn: str, acronym: str, title: str, objective: str, start: str, end: str) -> dict[str, str]:
        return {"rcn": rcn, "acronym": acronym, "title": title, "objective": objective, "start_date": start,
                "end_date": end, "programme": "H2020-EU.3.3.", "funding_scheme": "RIA"}  # fmt: skip

    _write_table(
        source / "projects.csv",
        H2020_PROJECTS,
        [
            project(
                "100", "SUNLAB", "Solar cells for schools", "Perovskite\nsolar  cells.", "2016-05-01", "2019-04-30"
            ),
            project("200", "WINDY", "WINDY", "Offshore wind turbines", "2018-11-01", "2021-10-31"),
            project("300", "H2STORE", FUTURE_TITLE, "Storage of hydrogen.", "2019-03-01", "2022-02-28"),
            project("400", "EMPTY", "No text", "  ", "2017-01-01", "2018-01-01"),
        ],
    )

    def participation(rcn: str, pic: str, role: str, kind: str, country: str) -> dict[str, str]:
        return {"rcn": rcn, "pic": pic, "role": role, "type": kind, "country": country}

    _write_table(
        source / "participations.csv",
        ["rcn", "pic", "role", "type", "country"],
        [
            participation("100", "111", "coordinator", "HES", "EL"),
            participation("100", "222", "participant", "PRC", "UK"),
            participation("100", "222", "participant", "PRC", "UK"),  # a repeated row
            participation("200", "222", "coordinator", "PRC", "UK"),
            participation("200", "333", "partner", "REC", "DE"),
            participation("300", "111", "participant", "HES", "EL"),
            participation("300", "444", "coordinator", "PUB", "XX"),
            participation("300", "555", "participant", "OTH", "FR"),  # not in organisations.csv
            participation("400", "666", "coordinator", "HES", "IT"),  # only in a dropped project
        ],
    )
    _write_table(
        source / "organisations.csv",
        ["pic", "name", "activity_type", "country", "city"],
        [
            {"pic": "111", "name": "Aristotle University", "activity_type": "HES", "country": "EL",
             "city": "THESSALONIKI"},
            {"pic": "222", "name": "", "activity_type": "PRC", "country": "UK", "city": "LEEDS"},
            {"pic": "333", "name": "Wind Institute", "activity_type": "REC", "country": "DE", "city": ""},
            {"pic": "444", "name": "Ministry of Energy", "activity_type": "PUB", "country": "XX", "city": ""},
            {"pic": "666", "name": "Orphan", "activity_type": "HES", "country": "IT", "city": ""},
            {"pic": "999", "name": "Lonely Ltd", "activity_type": "PRC", "country": "ES", "city": ""},
        ],
    )  # fmt: skip
    return source


def test_h2020_projects_organisations_and_roles(h2020_source: Path) -> None:
    dataset = load_h2020(h2020_source, today=date(2020, 1, 1))
    assert [(p.id, p.title, p.description, p.start_date, p.status) for p in dataset.projects] == [
        ("h100", "Solar cells for schools", "Perovskite solar cells.", date(2016, 5, 1), "completed"),
        ("h200", "WINDY", "Offshore wind turbines", date(2018, 11, 1), "running"),
        ("h300", FUTURE_TITLE, "Storage of hydrogen.", date(2019, 3, 1), "running"),
    ]
    assert all(p.sdgs == () for p in dataset.projects)
    assert [(p.id, p.name, p.type, p.country, p.city) for p in dataset.partners] == [
        ("o111", "Aristotle University", "university", "GR", "THESSALONIKI"),
        ("o222", "Organisation 222", "company", "GB", "LEEDS"),
        ("o333", "Wind Institute", "research_centre", "DE", None),
        ("o444", "Ministry of Energy", "public_actor", None, None),
        ("o555", "Organisation 555", "other", "FR", None),  # kind and country from its participation
    ]
    assert _links(dataset) == {
        ("h100", "o111", "lead"), ("h100", "o222", "member"), ("h200", "o222", "lead"), ("h200", "o333", "member"),
        ("h300", "o111", "member"), ("h300", "o444", "lead"), ("h300", "o555", "member"),
    }  # fmt: skip
    assert len(dataset.project_members) == 7


def test_h2020_organisations_are_described_only_by_projects_before_the_cutoff(h2020_source: Path) -> None:
    plain = load_h2020(h2020_source, cutoff=date(2019, 1, 1))  # by default: kind and country, no titles
    assert {p.id: p.description for p in plain.partners}["o222"] == "A company in United Kingdom (Northern Europe)."
    dataset = load_h2020(h2020_source, cutoff=date(2019, 1, 1), titles=8)
    assert {p.id: p.description for p in dataset.partners} == {
        "o111": "A university in Greece (Southern Europe). "
        "Projects before 2019-01-01: Solar cells for schools (SUNLAB).",
        "o222": "A company in United Kingdom (Northern Europe). "
        "Projects before 2019-01-01: WINDY; Solar cells for schools (SUNLAB).",  # the most recent first
        "o333": "A research centre in Germany (Western Europe). Projects before 2019-01-01: WINDY.",
        "o444": "A public actor.",
        "o555": "An organisation in France (Western Europe).",
    }
    assert not any(FUTURE_TITLE in p.text or "H2STORE" in p.text for p in dataset.partners)
    later = load_h2020(h2020_source, cutoff=date(2020, 1, 1), titles=8)
    assert FUTURE_TITLE in {p.id: p.description for p in later.partners}["o111"]


def test_convert_h2020_round_trips_with_a_cutoff(h2020_source: Path, tmp_path: Path) -> None:
    dataset = convert("h2020", h2020_source, tmp_path / "out", cutoff=date(2018, 1, 1), today=date(2020, 1, 1))
    assert read_directory(tmp_path / "out").dataset == dataset
    assert {p.id: p.description for p in dataset.partners}["o333"] == "A research centre in Germany (Western Europe)."


# --- the real datasets, when ../shared/datasets (or $MATCHER_DATASETS) is present --------------------------------

REPO_ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(os.environ.get("MATCHER_DATASETS", REPO_ROOT.parent / "shared" / "datasets")).resolve()


def _needs(folder: str) -> pytest.MarkDecorator:
    path = DATASETS / folder
    return pytest.mark.skipif(
        not path.is_dir(), reason=f"{path} is missing (set MATCHER_DATASETS to the folder holding {folder}/)"
    )


@_needs("urbact")
def test_real_urbact_converts_every_network_and_city() -> None:
    dataset = load_urbact(DATASETS / "urbact", today=date(2026, 11, 25))
    assert len(dataset.projects) == 172
    assert len(dataset.partners) == 603  # 406 cities with a CodeCity + 197 without one (given stable ids)
    assert sum(1 for p in dataset.partners if re.fullmatch(r"[A-Z]{2}\d+", p.id)) == 406
    assert len(dataset.project_members) == 1509  # 1,510 rows, Berlin listed twice in network 28
    leads = Counter(m.project_id for m in dataset.project_members if m.role == "lead")
    assert set(leads.values()) == {1} and len(leads) == 172
    per_partner = Counter(m.partner_id for m in dataset.project_members)
    assert len(per_partner) == 603
    assert sum(1 for p in dataset.partners if re.fullmatch(r"[A-Z]{2}\d+", p.id) and per_partner[p.id] >= 2) == 245
    assert sum(1 for p in dataset.partners if "Good practice:" in p.description) == 73
    assert all(p.country for p in dataset.partners)
    years = [p.start_date.year for p in dataset.projects if p.start_date]
    assert (len(years), min(years), max(years)) == (172, 2000, 2019)


@_needs("etmun")
def test_real_etmun_converts_and_subsamples() -> None:
    dataset = load_etmun(DATASETS / "etmun")
    assert (len(dataset.projects), len(dataset.partners), len(dataset.project_members)) == (58, 14764, 17242)
    small = load_etmun(DATASETS / "etmun", max_members=500, seed=0)
    per_partner = Counter(m.partner_id for m in small.project_members)
    assert len(small.partners) == 500 and min(per_partner.values()) >= 2


@_needs("h2020_cleantech")
def test_real_h2020_converts_every_project_and_organisation_without_leakage() -> None:
    cutoff = date(2019, 1, 1)
    dataset = load_h2020(DATASETS / "h2020_cleantech", cutoff=cutoff, today=date(2026, 11, 30))
    assert (len(dataset.projects), len(dataset.partners), len(dataset.project_members)) == (1732, 5915, 11239)
    leads = Counter(m.project_id for m in dataset.project_members if m.role == "lead")
    assert len(leads) == 1732 and sum(leads.values()) == 1734  # two projects list two coordinators
    assert Counter(p.type for p in dataset.partners) == {
        "company": 3768, "university": 673, "research_centre": 600, "other": 479, "public_actor": 395,
    }  # fmt: skip
    assert all(p.country for p in dataset.partners) and "EL" not in {p.country for p in dataset.partners}
    assert sum(p.name.startswith("Organisation ") for p in dataset.partners) == 5915 - 4144
    later = {p.title for p in dataset.projects if p.start_date and p.start_date >= cutoff}
    earlier = {p.title for p in dataset.projects if p.start_date and p.start_date < cutoff}
    assert len(later) > 400
    for partner in dataset.partners:
        for title in later - earlier:
            assert title not in partner.description, (partner.id, title)
