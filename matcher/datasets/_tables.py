"""Reading the source tables of the public datasets: UTF-8 CSV with a header, every value kept as text."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path


class SourceError(ValueError):
    """A source table is missing, unreadable or lacks a column the converter needs."""


def read_rows(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    """All rows of ``path`` as dicts of raw text ('' for empty cells), checking ``required`` columns."""
    if not path.is_file():
        raise SourceError(
            f"{path} not found; give the dataset folder that holds {path.name} (for example ../shared/datasets/urbact)"
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            header = list(reader.fieldnames or [])
            missing = [name for name in required if name not in header]
            if missing:
                raise SourceError(
                    f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(header) or 'no header'}. "
                    "Is this the right file of the right dataset?"
                )
            return [{key: value or "" for key, value in row.items() if key is not None} for row in reader]
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start}); re-save it as UTF-8") from None
    except csv.Error as exc:
        raise SourceError(f"{path} is not valid CSV ({exc})") from None


def parse_year(value: str) -> int | None:
    """A year from '2015', '2018.0' or '2018,0' (spreadsheet exports); None when empty or not a plausible year."""
    text = value.strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer() or not 1000 <= number <= 2999:
        return None
    return int(number)
