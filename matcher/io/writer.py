"""Write a :class:`~matcher.domain.Dataset` as an import directory of five UTF-8 CSV files."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from matcher.domain import Dataset

#: Column order of every file of the import format, as :mod:`matcher.io.importer` reads it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "partners": (
        "id",
        "name",
        "type",
        "country",
        "city",
        "languages",
        "description",
        "website",
        "sdgs",
        "discoverable",
    ),
    "projects": ("id", "title", "description", "sdgs", "status", "seeking", "start_date"),
    "action_groups": ("id", "name", "description"),
    "project_members": ("project_id", "partner_id", "role"),
    "group_members": ("group_id", "partner_id"),
}


def cell(value: Any) -> str:
    """One CSV cell: '' for None, true/false, ISO dates, lists joined by ';'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(cell(item) for item in value)
    return str(value)


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write to a temporary file next to ``path`` and move it into place, so a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_dataset(dataset: Dataset, directory: Path) -> None:
    """Write ``partners.csv``, ``projects.csv``, ``action_groups.csv``, ``project_members.csv`` and
    ``group_members.csv`` into ``directory`` (created if missing; existing files of those names are replaced)."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(f"{directory} is a file; give a directory to write the import CSV files into")
    directory.mkdir(parents=True, exist_ok=True)
    records: dict[str, Iterable[Any]] = {
        "partners": dataset.partners,
        "projects": dataset.projects,
        "action_groups": dataset.action_groups,
        "project_members": dataset.project_members,
        "group_members": dataset.group_members,
    }
    for stem, columns in COLUMNS.items():
        rows = ([cell(getattr(record, name)) for name in columns] for record in records[stem])
        _write_csv(directory / f"{stem}.csv", columns, rows)
