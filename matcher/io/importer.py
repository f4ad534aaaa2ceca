"""Read and validate an import directory; every error of the import is reported at once, nothing is half-read.

A directory holds ``partners.csv`` (required), ``projects.csv``, ``action_groups.csv``, ``project_members.csv`` and
``group_members.csv``; each may instead be a ``.jsonl`` file with the same field names.
"""

from __future__ import annotations

import csv
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


def _rows(path: Path, issues: list[ImportIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, raw row) from a CSV (header on line 1) or JSON Lines file."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        message = f"is not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8"
        issues.append(ImportIssue(path.name, bad_line, None, None, message))
        return
    if path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                issues.append(ImportIssue(path.name, number, None, line[:80], f"is not valid JSON ({exc.msg})"))
                continue
            if not isinstance(row, dict):
                issues.append(ImportIssue(path.name, number, None, line[:80], "each line must be a JSON object"))
                continue
            yield number, row
        return
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    try:
        for row in reader:
            if None in row:
                issues.append(
                    ImportIssue(path.name, reader.line_num, None, None, "has more values than the header has columns")
                )
                continue
            if not any((value or "").strip() for value in row.values()):
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        issues.append(ImportIssue(path.name, reader.reader.line_num, None, None, f"is not valid CSV ({exc})"))


def _find(directory: Path, stem: str) -> Path | None:
    for suffix in (".csv", ".jsonl"):
        candidate = directory / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _read_file(
    spec: FileSpec, path: Path, issues: list[ImportIssue], warnings: list[str]
) -> tuple[list[Any], set[str] | None]:
    """The valid (line, record) pairs, and the ids of every row, valid or not (``None`` if the file could not be
    read whole), so that a reference to a rejected row is not reported a second time as an unknown id."""
    records: list[Any] = []
    seen: dict[tuple[str, ...], int] = {}
    listed: set[str] = set()
    extra: set[str] = set()  # unknown fields of JSON Lines rows (CSV columns are checked once, in the header)
    first_issue = len(issues)
    columns_checked = False
    for line, raw in _rows(path, issues):
        if raw.get("id") is not None:
            listed.add(str(raw["id"]).strip())
        if path.suffix == ".jsonl":
            extra.update(name for name in raw if name not in spec.fields)
        if not columns_checked:
            columns_checked = True
            present = set(raw) if path.suffix == ".csv" else None
            if present is not None:
                missing = [name for name in spec.required if name not in present]
                if missing:
                    issues.append(
                        ImportIssue(
                            path.name,
                            1,
                            ", ".join(missing),
                            None,
                            f"required column(s) missing; the columns are {', '.join(spec.fields)}",
                        )
                    )
                    return [], None
                unknown = sorted(name for name in present if name not in spec.fields)
                if unknown:
                    warnings.append(f"{path.name}: unknown column(s) ignored: {', '.join(unknown)}")
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
        if not ok:
            continue
        key = tuple(str(values[name]) for name in spec.key)
        if key in seen:
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
        seen[key] = line
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
        path = _find(directory, spec.stem)
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
        name = (_find(directory, stem) or Path(f"{stem}.csv")).name
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
