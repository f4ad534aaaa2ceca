"""Converters from public collaboration datasets (URBACT, ETMUN, H2020) to matcher's import format.

The data stay outside the repository: every function takes the source folder as an argument.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from matcher.datasets._tables import SourceError
from matcher.datasets._text import stable_id
from matcher.datasets.etmun import load_etmun
from matcher.datasets.h2020 import load_h2020
from matcher.datasets.urbact import load_urbact
from matcher.domain import Dataset
from matcher.io.writer import write_dataset

DatasetKind = Literal["urbact", "etmun", "h2020"]

LOADERS: dict[str, Callable[..., Dataset]] = {"urbact": load_urbact, "etmun": load_etmun, "h2020": load_h2020}

__all__ = ["LOADERS", "DatasetKind", "SourceError", "convert", "load_etmun", "load_h2020", "load_urbact", "stable_id"]


def convert(kind: DatasetKind, source: Path, target: Path, **options: Any) -> Dataset:
    """Load dataset ``kind`` from ``source`` and write it as an import directory at ``target``.

    ``options`` go to the loader (``load_urbact``: good_practices, today; ``load_etmun``: max_members, seed;
    ``load_h2020``: cutoff, today).
    """
    loader = LOADERS.get(kind)
    if loader is None:
        raise ValueError(f"unknown dataset kind {kind!r}; allowed: {', '.join(LOADERS)}")
    allowed = [name for name, p in inspect.signature(loader).parameters.items() if p.kind is p.KEYWORD_ONLY]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(
            f"convert({kind!r}) got option(s) its loader does not use: {', '.join(unknown)}; "
            f"allowed: {', '.join(allowed) or 'none'}"
        )
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise SourceError(
            f"{source} is not a directory; give the {kind} dataset folder (e.g. ../shared/datasets/{kind})"
        )
    if target.resolve() == source.resolve():
        raise ValueError(f"target {target} is the source folder; write the import files to another directory")
    dataset = loader(source, **options)
    write_dataset(dataset, target)
    return dataset
