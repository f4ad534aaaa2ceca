"""Read and validate an import directory; every error of the import is reported at once, nothing is half-read.

A directory holds ``partners.csv`` (required), ``projects.csv``, ``action_groups.csv``, ``project_members.csv`` and
``group_members.csv``; each may instead be a ``.jsonl`` file with the same field names.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.domain import ActionGroup, Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.io import fields as f

logger = logging.getLogger(__name__)

Parser = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem of an import: where it is, the bad value and what is allowed."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line is not None else "")
        where += f", column {self.column!r}" if self.column else ""
        shown = "" if self.value is None else f" value {self.value[:80]!r}:"
        return f"{where}:{shown} {self.message}"


class ImportValidationError(ValueError):
    """The import directory has errors; ``issues`` lists all of them. Nothing was written."""

    def __init__(self, issues: list[ImportIssue]) -> None:
        self.issues = issues
        head = "\n".join(f"  - {issue}" for issue in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"The import has {len(issues)} error(s); nothing was written:\n{head}{more}")


@dataclass(frozen=True, slots=True)
class FileSpec:
    stem: str
    fields: dict[str, Parser]
    required: tuple[str, ...]
    key: tuple[str, ...]
    build: Callable[[dict[str, Any]], Any]


def _partner(v: dict[str, Any]) -> Partner:
    return Partner(**v)


SPECS: tuple[FileSpec, ...] = (
    FileSpec(
        "partners",
        {
            "id": f.identifier,
            "name": lambda v: f.required_text(v, 300),
            "type": f.actor_type,
            "country": f.country,
            "city": lambda v: f.optional_text(v, 200),
            "languages": f.languages,
            "description": f.required_text,
            "website": f.url,
            "sdgs": f.sdgs,
            "discoverable": f.boolean,
        },
        ("id", "name", "description"),
        ("id",),
        _partner,
    ),
    FileSpec(
        "projects",
        {
            "id": f.identifier,
            "title": lambda v: f.required_text(v, 300),
            "description": f.required_text,
            "sdgs": f.sdgs,
            "status": f.status,
            "seeking": lambda v: f.optional_text(v, 5_000),
            "start_date": f.iso_date,
        },
        ("id", "title", "description"),
        ("id",),
        lambda v: Project(**v),
    ),
    FileSpec(
        "action_groups",
        {"id": f.identifier, "name": lambda v: f.required_text(v, 300), "description": f.required_text},
        ("id", "name", "description"),
        ("id",),
        lambda v: ActionGroup(**v),
    ),
    FileSpec(
        "project_members",
        {"project_id": f.identifier, "partner_id": f.identifier, "role": f.role},
        ("project_id", "partner_id"),
        ("project_id", "partner_id"),
        lambda v: ProjectMember(**v),
    ),
    FileSpec(
        "group_members",
        {"group_id": f.identifier, "partner_id": f.identifier},
        ("group_id", "partner_id"),
        ("group_id", "partner_id"),
        lambda v: GroupMember(**v),
    ),
)

SPEC_BY_STEM = {spec.stem: spec for spec in SPECS}


@dataclass(slots=True)
class ImportResult:
    dataset: Dataset
    warnings: list[str] = field(default_factory=list)


def _decode(path: Path, issues: list[ImportIssue]) -> str | None:
    """The file's text (UTF-8, with or without a BOM), or None with an issue saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        issues.append(ImportIssue(path.name, None, None, None, f"cannot be read ({exc.strerror or exc})"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        message = f"is not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8"
        issues.append(ImportIssue(path.name, bad_line, None, None, message))
        return None


def _jsonl_rows(name: str, text: str, issues: list[ImportIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of each non-blank line; lines end at \\n only (JSON strings may hold U+2028)."""
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, too many digits, too deeply nested
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or type(exc).__name__
            issues.append(ImportIssue(name, number, None, line[:80], f"is not valid JSON ({reason})"))
            continue
        if not isinstance(row, dict):
            issues.append(ImportIssue(name, number, None, line[:80], "each line must be a JSON object"))
            continue
        yield number, row


def _csv_rows(
    name: str, reader: csv.DictReader[str], issues: list[ImportIssue]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) of each non-blank row after the header (line 1)."""
    try:
        for row in reader:
            if None in row:
                issues.append(
                    ImportIssue(name, reader.line_num, None, None, "has more values than the header has columns")
                )
                continue
            if not any((value or "").strip() for value in row.values()):
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        issues.append(ImportIssue(name, reader.reader.line_num, None, None, f"is not valid CSV ({exc})"))


def _csv_header(spec: FileSpec, name: str, reader: csv.DictReader[str], issues: list[ImportIssue]) -> list[str] | None:
    """The header row, or None (with an issue) when it is unreadable or lacks a required column; checked before any
    row, so a header-only file is checked too."""
    try:
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        issues.append(ImportIssue(name, 1, None, None, f"is not valid CSV ({exc})"))
        return None
    missing = [column for column in spec.required if column not in header]
    if missing:
        what = "has no header row" if not any(h.strip() for h in header) else "required column(s) missing"
        issues.append(
            ImportIssue(name, 1, ", ".join(missing), None, f"{what}; the columns are {', '.join(spec.fields)}")
        )
        return None
    return header


def _find(directory: Path, stem: str, issues: list[ImportIssue]) -> Path | None:
    """The file of ``stem`` (CSV or JSON Lines); both present is an error (which one was meant is unknown)."""
    found = [directory / f"{stem}{suffix}" for suffix in (".csv", ".jsonl")]
    found = [path for path in found if path.is_file()]
    if len(found) > 1:
        names = " and ".join(path.name for path in found)
        issues.append(
            ImportIssue(found[0].name, None, None, None, f"{names} are both present; keep one of them, in one format")
        )
    return found[0] if found else None


def _read_file(
    spec: FileSpec, path: Path, issues: list[ImportIssue], warnings: list[str]
) -> tuple[list[Any], set[str] | None]:
    """The valid (line, record) pairs, and the ids of every row, valid or not (``None`` if the file could not be
    read whole), so that a reference to a rejected row is not reported a second time as an unknown id."""
    text = _decode(path, issues)
    if text is None:
        return [], None
    rows: Iterator[tuple[int, dict[str, Any]]]
    if path.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = _csv_header(spec, path.name, reader, issues)
        if header is None:
            return [], None
        unknown = sorted(name for name in header if name not in spec.fields)
        if unknown:
            warnings.append(f"{path.name}: unknown column(s) ignored: {', '.join(unknown)}")
        rows = _csv_rows(path.name, reader, issues)
    else:
        rows = _jsonl_rows(path.name, text, issues)
    records: list[Any] = []
    seen: dict[tuple[str, ...], int] = {}  # key of every row, valid or not -> its first line
    listed: set[str] = set()
    extra: set[str] = set()  # unknown fields of JSON Lines rows (CSV columns are checked once, in the header)
    first_issue = len(issues)
    for line, raw in rows:
        if raw.get("id") is not None:
            listed.add(str(raw["id"]).strip())
        if path.suffix == ".jsonl":
            extra.update(name for name in raw if name not in spec.fields)
        values: dict[str, Any] = {}
        ok = True
        for name, parse in spec.fields.items():
            raw_value = raw.get(name)
            if name in spec.required and raw_value is None and path.suffix == ".jsonl":
                issues.append(ImportIssue(path.name, line, name, None, "a non-empty value is required"))
                ok = False
                continue
            try:
                values[name] = parse(raw_value)
            except f.FieldError as exc:
                shown = raw_value if isinstance(raw_value, str | None) else json.dumps(raw_value)
                issues.append(ImportIssue(path.name, line, name, shown, str(exc)))
                ok = False
        # a duplicate is one whatever the validity of either copy: the key is read from the raw values
        key = tuple("" if raw.get(name) is None else str(raw.get(name)).strip() for name in spec.key)
        if all(key) and key in seen:
            issues.append(
                ImportIssue(
                    path.name,
                    line,
                    ", ".join(spec.key),
                    " / ".join(key),
                    f"duplicate of line {seen[key]}; ids must be unique in a file",
                )
            )
            continue
        if all(key):
            seen[key] = line
        if ok:
            records.append((line, spec.build(values)))
    if extra:
        warnings.append(f"{path.name}: unknown field(s) ignored: {', '.join(sorted(extra))}")
    # row problems always name a column; file problems (not UTF-8, not CSV, not JSON, extra values) do not
    whole = not any(issue.column is None for issue in issues[first_issue:])
    if not records and spec.stem == "partners" and not any(i.file == path.name for i in issues):
        issues.append(ImportIssue(path.name, None, None, None, "holds no partner; at least one row is required"))
    return records, (listed if whole else None)


def read_directory(directory: str | Path) -> ImportResult:
    """Read and validate a whole import directory.

    Raises :class:`ImportValidationError` listing every problem (file, line, column, value, what is allowed).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ImportValidationError(
            [
                ImportIssue(
                    str(directory),
                    None,
                    None,
                    None,
                    "is not a directory; give the folder holding partners.csv",
                )
            ]
        )
    issues: list[ImportIssue] = []
    warnings: list[str] = []
    read: dict[str, list[tuple[int, Any]]] = {}
    listed: dict[str, set[str] | None] = {}
    for spec in SPECS:
        path = _find(directory, spec.stem, issues)
        if path is None:
            if spec.stem == "partners":
                issues.append(ImportIssue("partners.csv", None, None, None, f"is required and missing in {directory}"))
            read[spec.stem], listed[spec.stem] = [], (None if spec.stem == "partners" else set())
            continue
        read[spec.stem], listed[spec.stem] = _read_file(spec, path, issues, warnings)

    # references are checked against every listed id; not at all against a file that could not be read whole
    partner_ids = listed["partners"]
    project_ids = listed["projects"]
    group_ids = listed["action_groups"]
    for stem, owner_field, owners, owner_file in (
        ("project_members", "project_id", project_ids, "projects"),
        ("group_members", "group_id", group_ids, "action_groups"),
    ):
        name = (_find(directory, stem, []) or Path(f"{stem}.csv")).name
        for line, member in read[stem]:
            owner = getattr(member, owner_field)
            if owners is not None and owner not in owners:
                issues.append(ImportIssue(name, line, owner_field, owner, f"no such id in {owner_file}"))
            if partner_ids is not None and member.partner_id not in partner_ids:
                issues.append(ImportIssue(name, line, "partner_id", member.partner_id, "no such id in partners"))
    if issues:
        raise ImportValidationError(issues)
    for warning in warnings:
        logger.warning(warning)
    dataset = Dataset(
        partners=[p for _, p in read["partners"]],
        projects=[p for _, p in read["projects"]],
        action_groups=[g for _, g in read["action_groups"]],
        project_members=[m for _, m in read["project_members"]],
        group_members=[m for _, m in read["group_members"]],
    )
    return ImportResult(dataset, warnings)
