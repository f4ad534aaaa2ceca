"""The import format: parsed values of a valid directory, and every error with its file, line, column and value."""

from __future__ import annotations

import csv
import json
import logging
from datetime import date
from pathlib import Path

import pytest

from matcher.domain import Partner, Project, ProjectMember
from matcher.io.importer import ImportIssue, ImportValidationError, read_directory
from tests.conftest import TINY, edit_file

PARTNER_COLUMNS = "id,name,type,country,city,languages,description,website,sdgs,discoverable"


def issues_of(directory: Path) -> list[ImportIssue]:
    with pytest.raises(ImportValidationError) as info:
        read_directory(directory)
    return info.value.issues


def where(issue: ImportIssue) -> tuple[str, int | None, str | None, str | None]:
    return issue.file, issue.line, issue.column, issue.value


# -- a valid directory ------------------------------------------------------------------------------------------------


def test_valid_directory_counts() -> None:
    result = read_directory(TINY)

    assert result.dataset.counts() == {
        "partners": 12,
        "projects": 4,
        "action_groups": 2,
        "project_members": 9,
        "group_members": 3,
    }
    assert result.warnings == []


def test_valid_directory_parsed_values() -> None:
    dataset = read_directory(TINY).dataset
    partners = {p.id: p for p in dataset.partners}
    projects = {p.id: p for p in dataset.projects}

    assert partners["ocean-school"] == Partner(
        id="ocean-school",
        name="Blue Reef School",
        description="We teach ocean literacy: our pupils monitor coral reefs, study marine biology and protect "
        "mangroves.",
        type="school",
        country="FJ",
        city="Suva",
        languages=("en",),
        website="https://bluereef.example",
        sdgs=(4, 14),  # sorted, whatever the order in the file
        discoverable=True,
    )
    assert partners["ocean-lab"].languages == ("en", "pt")
    assert partners["ocean-lab"].sdgs == (13, 14)
    assert partners["ocean-ngo"].website is None
    assert partners["ocean-hidden"].discoverable is False
    assert partners["ocean-hidden"].city is None
    assert partners["garden-city"].languages == ("fr", "en")
    assert projects["reef-kit"] == Project(
        id="reef-kit",
        title="Reef in a Box",
        description="Ocean literacy kits so that schools can study coral reefs and marine life.",
        sdgs=(4, 14),
        status="running",
        seeking="a research centre on marine ecosystems",
        start_date=date(2023, 2, 1),
    )
    assert projects["school-gardens"].seeking is None
    assert projects["girls-code"].status == "idea"
    assert ProjectMember("reef-kit", "ocean-school", "lead") in dataset.project_members
    assert ProjectMember("care-teachers", "ocean-ngo", "member") in dataset.project_members


def test_discoverable_defaults_to_true_and_role_to_member(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "partners.csv", "14;4,true\n", "14;4,\n")
    edit_file(tiny_dir / "project_members.csv", "reef-kit,ocean-ngo,member", "reef-kit,ocean-ngo,")

    dataset = read_directory(tiny_dir).dataset

    assert {p.id: p for p in dataset.partners}["ocean-school"].discoverable is True
    assert ProjectMember("reef-kit", "ocean-ngo", "member") in dataset.project_members


def test_only_partners_csv_is_required(tmp_path: Path) -> None:
    (tmp_path / "partners.csv").write_text((TINY / "partners.csv").read_text(encoding="utf-8"), encoding="utf-8")

    counts = read_directory(tmp_path).dataset.counts()

    assert counts == {"partners": 12, "projects": 0, "action_groups": 0, "project_members": 0, "group_members": 0}


def test_utf8_bom_and_crlf_line_ends_are_accepted(tiny_dir: Path) -> None:
    path = tiny_dir / "partners.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))

    assert read_directory(tiny_dir).dataset == read_directory(TINY).dataset


def test_unknown_column_is_a_warning_not_an_error(tiny_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tiny_dir / "partners.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",notes"] + [line + ",anything" for line in lines[1:]]) + "\n")

    with caplog.at_level(logging.WARNING, logger="matcher.io.importer"):
        result = read_directory(tiny_dir)

    assert result.warnings == ["partners.csv: unknown column(s) ignored: notes"]
    assert "unknown column(s) ignored: notes" in caplog.text
    assert result.dataset == read_directory(TINY).dataset


# -- JSON Lines -------------------------------------------------------------------------------------------------------


def _csv_to_jsonl(source: Path, target: Path, *, typed: bool) -> None:
    """Write every CSV of ``source`` as JSON Lines; ``typed`` uses JSON lists and booleans instead of strings."""
    target.mkdir()
    for path in sorted(source.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        lines = []
        for row in rows:
            if typed:
                if "sdgs" in row:
                    row["sdgs"] = [int(g) for g in row["sdgs"].split(";") if g]  # type: ignore[assignment]
                if "languages" in row:
                    row["languages"] = row["languages"].split(";")  # type: ignore[assignment]
                if "discoverable" in row:
                    row["discoverable"] = row["discoverable"] == "true"  # type: ignore[assignment]
            lines.append(json.dumps({k: v for k, v in row.items() if v != ""}))
        (target / f"{path.stem}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("typed", [False, True], ids=["strings", "json-types"])
def test_jsonl_import_gives_the_same_dataset_as_csv(tmp_path: Path, typed: bool) -> None:
    _csv_to_jsonl(TINY, tmp_path / "jsonl", typed=typed)

    assert read_directory(tmp_path / "jsonl").dataset == read_directory(TINY).dataset


def test_jsonl_invalid_line_is_reported_with_its_line(tmp_path: Path) -> None:
    _csv_to_jsonl(TINY, tmp_path / "jsonl", typed=True)
    path = tmp_path / "jsonl" / "action_groups.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], '{"id": "broken", "name": ', lines[1], "[1, 2]"]) + "\n")

    issues = issues_of(tmp_path / "jsonl")

    assert [where(i) for i in issues] == [
        ("action_groups.jsonl", 2, None, '{"id": "broken", "name": '),
        ("action_groups.jsonl", 4, None, "[1, 2]"),
    ]
    assert issues[0].message.startswith("is not valid JSON")
    assert issues[1].message == "each line must be a JSON object"


def test_jsonl_missing_required_field_and_wrong_json_type(tmp_path: Path) -> None:
    _csv_to_jsonl(TINY, tmp_path / "jsonl", typed=True)
    path = tmp_path / "jsonl" / "action_groups.jsonl"
    path.write_text(
        json.dumps({"id": "g1", "description": "no name"})
        + "\n"
        + json.dumps({"id": "g2", "name": {"en": "x"}, "description": "name is an object"})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "jsonl" / "group_members.jsonl").unlink()

    issues = issues_of(tmp_path / "jsonl")

    assert [where(i) for i in issues] == [
        ("action_groups.jsonl", 1, "name", None),
        ("action_groups.jsonl", 2, "name", '{"en": "x"}'),
    ]
    assert issues[0].message == "a non-empty value is required"
    assert issues[1].message == "expected a text value"


def test_jsonl_unknown_field_is_a_warning(tmp_path: Path) -> None:
    _csv_to_jsonl(TINY, tmp_path / "jsonl", typed=True)
    path = tmp_path / "jsonl" / "action_groups.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows[1]["colour"] = "green"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")

    result = read_directory(tmp_path / "jsonl")

    assert result.warnings == ["action_groups.jsonl: unknown field(s) ignored: colour"]
    assert result.dataset.counts()["action_groups"] == 2


# -- one error of each kind -------------------------------------------------------------------------------------------


def test_missing_partners_file(tiny_dir: Path) -> None:
    (tiny_dir / "partners.csv").unlink()

    issues = issues_of(tiny_dir)

    # only the cause: memberships are not also reported as pointing to unknown partners
    assert [where(i) for i in issues] == [("partners.csv", None, None, None)]
    assert issues[0].message.startswith("is required and missing in")


def test_not_a_directory(tmp_path: Path) -> None:
    issues = issues_of(tmp_path / "nowhere")

    assert [i.message for i in issues] == ["is not a directory; give the folder holding partners.csv"]


def test_partners_file_without_rows(tiny_dir: Path) -> None:
    (tiny_dir / "partners.csv").write_text(PARTNER_COLUMNS + "\n", encoding="utf-8")
    (tiny_dir / "project_members.csv").unlink()
    (tiny_dir / "group_members.csv").unlink()

    issues = issues_of(tiny_dir)

    assert [(i.file, i.message) for i in issues] == [("partners.csv", "holds no partner; at least one row is required")]


def test_missing_required_column(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "partners.csv", PARTNER_COLUMNS, PARTNER_COLUMNS.replace("description", "about"))

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [("partners.csv", 1, "description", None)]
    assert "required column(s) missing" in issues[0].message
    assert "id, name, type, country" in issues[0].message  # says which columns are allowed


# (file, old text, new text, expected (file, line, column, value), words of the message)
FIELD_ERRORS = [
    ("partners.csv", "ocean-school,Blue Reef School", "ocean-school,", ("partners.csv", 2, "name", ""), "non-empty"),
    (
        "partners.csv",
        "ocean-lab,Coastal",
        "ocean lab,Coastal",
        ("partners.csv", 4, "id", "ocean lab"),
        "without spaces",
    ),
    ("partners.csv", ",school,FJ,", ",skool,FJ,", ("partners.csv", 2, "type", "skool"), "research_centre"),
    ("partners.csv", ",school,FJ,", ",school,XX,", ("partners.csv", 2, "country", "XX"), "ISO 3166-1 alpha-2"),
    ("partners.csv", ",en;pt,", ",en;zz,", ("partners.csv", 4, "languages", "en;zz"), "ISO 639-1"),
    ("partners.csv", ",14;4,true", ",0;4,true", ("partners.csv", 2, "sdgs", "0;4"), "integers 1-17"),
    ("partners.csv", ",14;4,true", ",18,true", ("partners.csv", 2, "sdgs", "18"), "integers 1-17"),
    ("partners.csv", ",14;4,true", ",x,true", ("partners.csv", 2, "sdgs", "x"), "integers 1-17"),
    ("partners.csv", ",14;4,true", ",14;4,maybe", ("partners.csv", 2, "discoverable", "maybe"), "true or false"),
    (
        "partners.csv",
        "https://bluereef.example",
        "bluereef.example",
        ("partners.csv", 2, "website", "bluereef.example"),
        "http",
    ),
    ("projects.csv", "14;4,running", "14;4,ongoing", ("projects.csv", 2, "status", "ongoing"), "idea, running"),
    ("projects.csv", "2023-02-01", "2023-13-01", ("projects.csv", 2, "start_date", "2023-13-01"), "YYYY-MM-DD"),
    ("projects.csv", "2023-02-01", "01/02/2023", ("projects.csv", 2, "start_date", "01/02/2023"), "YYYY-MM-DD"),
    (
        "action_groups.csv",
        "youth-empowerment,Youth Empowerment,",
        "youth-empowerment,,",
        ("action_groups.csv", 3, "name", ""),
        "non-empty",
    ),
    (
        "project_members.csv",
        "reef-kit,ocean-ngo,member",
        "reef-kit,ocean-ngo,boss",
        ("project_members.csv", 3, "role", "boss"),
        "lead or member",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected", "allowed"),
    FIELD_ERRORS,
    ids=[f"{e[3][0]}-line{e[3][1]}-{e[3][2]}={e[3][3]}" for e in FIELD_ERRORS],
)
def test_field_error_names_file_line_column_value_and_what_is_allowed(
    tiny_dir: Path, file: str, old: str, new: str, expected: tuple[str, int, str, str | None], allowed: str
) -> None:
    edit_file(tiny_dir / file, old, new)

    issues = issues_of(tiny_dir)

    # one issue only: a rejected row is not reported again by the memberships that point to it
    assert [where(i) for i in issues] == [expected]
    assert allowed in issues[0].message


def test_issue_str_is_readable(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "partners.csv", ",school,FJ,", ",school,XX,")

    with pytest.raises(ImportValidationError) as info:
        read_directory(tiny_dir)

    assert str(info.value.issues[0]) == (
        "partners.csv, line 2, column 'country': value 'XX': "
        "allowed: empty or an ISO 3166-1 alpha-2 country code such as FR, KE, BR"
    )
    assert str(info.value).startswith("The import has 1 error(s); nothing was written:")


def test_duplicate_id_names_both_lines(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "partners.csv", "garden-city,City of Lyon", "ocean-lab,City of Lyon")

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [("partners.csv", 8, "id", "ocean-lab")]
    assert issues[0].message == "duplicate of line 4; ids must be unique in a file"


def test_duplicate_membership(tiny_dir: Path) -> None:
    path = tiny_dir / "group_members.csv"
    path.write_text(path.read_text(encoding="utf-8") + "teachers-for-the-planet,ocean-ngo\n", encoding="utf-8")

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [
        ("group_members.csv", 5, "group_id, partner_id", "teachers-for-the-planet / ocean-ngo")
    ]
    assert "duplicate of line 3" in issues[0].message


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "project_members.csv",
            "reef-kit,ocean-ngo",
            "reef-kat,ocean-ngo",
            ("project_members.csv", 3, "project_id", "reef-kat"),
        ),
        (
            "project_members.csv",
            "reef-kit,ocean-ngo",
            "reef-kit,ocean-nogo",
            ("project_members.csv", 3, "partner_id", "ocean-nogo"),
        ),
        (
            "group_members.csv",
            "youth-empowerment,stem-youth",
            "youth,stem-youth",
            ("group_members.csv", 4, "group_id", "youth"),
        ),
        (
            "group_members.csv",
            "youth-empowerment,stem-youth",
            "youth-empowerment,stem-kid",
            ("group_members.csv", 4, "partner_id", "stem-kid"),
        ),
    ],
    ids=["unknown-project", "unknown-partner", "unknown-group", "unknown-group-member"],
)
def test_membership_to_unknown_id(
    tiny_dir: Path, file: str, old: str, new: str, expected: tuple[str, int, str, str]
) -> None:
    edit_file(tiny_dir / file, old, new)

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [expected]
    assert issues[0].message.startswith("no such id in ")


def test_row_with_too_many_values(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "action_groups.csv", 'into classrooms."', 'into classrooms.",surplus')

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [("action_groups.csv", 2, None, None)]
    assert issues[0].message == "has more values than the header has columns"


def test_row_with_too_few_values(tiny_dir: Path) -> None:
    path = tiny_dir / "action_groups.csv"
    first_two = path.read_text(encoding="utf-8").splitlines()[:2]
    path.write_text("\n".join([*first_two, "youth-empowerment,Youth Empowerment"]) + "\n", encoding="utf-8")

    issues = issues_of(tiny_dir)

    # the missing value is shown as no value (not as the JSON "null"); the group's members are not reported again
    assert [where(i) for i in issues] == [("action_groups.csv", 3, "description", None)]
    assert issues[0].message == "a non-empty value is required"


def test_unclosed_quote_reports_the_line_where_csv_breaks(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "action_groups.csv", 'into classrooms."', "into classrooms.")

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [("action_groups.csv", 3, None, None)]
    assert issues[0].message.startswith("is not valid CSV")


def test_file_that_is_not_utf8(tiny_dir: Path) -> None:
    path = tiny_dir / "partners.csv"
    path.write_bytes(path.read_bytes().replace(b"Lyon,fr", "Lyön,fr".encode("latin-1")))

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [("partners.csv", 8, None, None)]
    assert "is not UTF-8" in issues[0].message


def test_all_errors_of_all_files_are_reported_at_once(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "partners.csv", ",school,FJ,", ",school,XX,")
    edit_file(tiny_dir / "partners.csv", ",en;pt,", ",en;zz,")
    edit_file(tiny_dir / "projects.csv", "3;4,completed", "3;4,finished")
    edit_file(tiny_dir / "action_groups.csv", 'into classrooms."', 'into classrooms.",surplus')
    edit_file(tiny_dir / "project_members.csv", "girls-code,stem-uni,member", "girls-code,stem-uni,guest")
    edit_file(tiny_dir / "group_members.csv", "youth-empowerment,stem-youth", "youth-empowerment,stem-kid")

    with pytest.raises(ImportValidationError) as info:
        read_directory(tiny_dir)

    assert [where(i) for i in info.value.issues] == [
        ("partners.csv", 2, "country", "XX"),
        ("partners.csv", 4, "languages", "en;zz"),
        ("projects.csv", 5, "status", "finished"),
        ("action_groups.csv", 2, None, None),
        ("project_members.csv", 7, "role", "guest"),
        ("group_members.csv", 4, "partner_id", "stem-kid"),
    ]
    assert str(info.value).startswith("The import has 6 error(s); nothing was written:")


# -- duplicates, header-only files, one file in two formats -----------------------------------------------------------


def test_a_duplicate_is_reported_even_when_its_first_copy_is_invalid(tiny_dir: Path) -> None:
    edit_file(tiny_dir / "partners.csv", "research_centre,PT,Lisbon", "research_centre,XX,Lisbon")  # line 4
    edit_file(tiny_dir / "partners.csv", "garden-city,City of Lyon", "ocean-lab,City of Lyon")  # line 8: same id

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [("partners.csv", 4, "country", "XX"), ("partners.csv", 8, "id", "ocean-lab")]
    assert issues[1].message == "duplicate of line 4; ids must be unique in a file"


@pytest.mark.parametrize(
    ("file", "header", "missing"),
    [
        ("projects.csv", "id,title,sdgs", "description"),
        ("project_members.csv", "project_id,role", "partner_id"),
        ("group_members.csv", "group,partner_id", "group_id"),
        ("action_groups.csv", "name", "id, description"),
    ],
)
def test_a_header_only_file_missing_required_columns_is_an_error(
    tiny_dir: Path, file: str, header: str, missing: str
) -> None:
    for members in ("project_members.csv", "group_members.csv"):  # no references to what the file no longer holds
        (tiny_dir / members).unlink()
    (tiny_dir / file).write_text(header + "\n", encoding="utf-8")

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [(file, 1, missing, None)]
    assert issues[0].message.startswith("required column(s) missing; the columns are ")


def test_an_empty_optional_file_is_an_error_naming_its_columns(tiny_dir: Path) -> None:
    (tiny_dir / "project_members.csv").write_text("", encoding="utf-8")

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [("project_members.csv", 1, "project_id, partner_id", None)]
    assert issues[0].message == "has no header row; the columns are project_id, partner_id, role"


def test_a_header_only_file_with_its_required_columns_is_an_empty_table(tiny_dir: Path) -> None:
    (tiny_dir / "project_members.csv").write_text("project_id,partner_id\n", encoding="utf-8")

    assert read_directory(tiny_dir).dataset.counts()["project_members"] == 0


@pytest.mark.parametrize("stem", ["partners", "projects", "group_members"])
def test_one_file_given_in_two_formats_is_an_error(tiny_dir: Path, stem: str) -> None:
    (tiny_dir / f"{stem}.jsonl").write_text("", encoding="utf-8")

    issues = issues_of(tiny_dir)

    assert [where(i) for i in issues] == [(f"{stem}.csv", None, None, None)]
    assert issues[0].message == f"{stem}.csv and {stem}.jsonl are both present; keep one of them, in one format"


# -- ids --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\u0001a", "a\u007f", "a\u0085b", ".", "..", "a b", "a/b", "a#b"])
def test_ids_refuse_control_characters_dot_and_dot_dot(tmp_path: Path, bad: str) -> None:
    rows = [{"id": bad, "name": "N", "description": "D"}, {"id": "pé漢", "name": "N", "description": "D"}]
    (tmp_path / "partners.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")

    issues = issues_of(tmp_path)

    assert [where(i) for i in issues] == [("partners.jsonl", 1, "id", bad)]
    assert issues[0].message == (
        "an id is 1-200 characters without spaces, control characters or any of / \\ ? #, and neither . nor .."
    )


def test_non_latin_ids_and_a_line_separator_inside_a_json_string_are_kept(tmp_path: Path) -> None:
    rows = [
        {"id": "pé漢", "name": "N", "description": "two\u2028lines"},
        {"id": "دال", "name": "N", "description": "D"},
    ]
    (tmp_path / "partners.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")

    partners = read_directory(tmp_path).dataset.partners

    assert [(p.id, p.description) for p in partners] == [("pé漢", "two\u2028lines"), ("دال", "D")]


@pytest.mark.parametrize(("sdgs", "ok"), [("²", False), ("4_0", False), ("٣", False), ("4;13", True)])
def test_sdgs_are_ascii_integers(tmp_path: Path, sdgs: str, ok: bool) -> None:
    (tmp_path / "partners.csv").write_text(f"id,name,description,sdgs\np1,N,D,{sdgs}\n", encoding="utf-8")

    if ok:
        assert read_directory(tmp_path).dataset.partners[0].sdgs == (4, 13)
    else:
        assert [where(i) for i in issues_of(tmp_path)] == [("partners.csv", 2, "sdgs", sdgs)]
