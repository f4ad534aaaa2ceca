"""What themes are fitted on: partners and projects as unit vectors, texts and a little metadata for the analyses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.catalog import Catalog
from matcher.embedding.base import normalize_rows
from matcher.vocab import REGION_CONTINENT

COLUMNS: tuple[str, ...] = ("key", "kind", "id", "name", "text", "type", "country", "region", "continent")


@dataclass(frozen=True, slots=True)
class ThemeCorpus:
    """One row per document: ``frame`` (columns :data:`COLUMNS`) and ``vectors`` in the same order.

    ``key`` is ``"<kind>:<id>"`` and unique; it fixes the canonical order that makes a fit independent of input order.
    ``space`` names the embedding model, so that themes are never compared across two vector spaces.
    """

    frame: pd.DataFrame
    vectors: np.ndarray
    space: str | None = None

    def __post_init__(self) -> None:
        if len(self.frame) != len(self.vectors):
            raise ValueError(f"corpus has {len(self.frame)} rows but {len(self.vectors)} vectors; give one per row")
        missing = [c for c in COLUMNS if c not in self.frame.columns]
        if missing:
            raise ValueError(f"corpus frame lacks column(s) {missing}; expected {list(COLUMNS)}")
        duplicated = self.frame["key"][self.frame["key"].duplicated()].tolist()
        if duplicated:
            raise ValueError(f"corpus keys must be unique; repeated: {duplicated[:5]}")

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def keys(self) -> list[str]:
        return self.frame["key"].tolist()

    @property
    def texts(self) -> list[str]:
        return self.frame["text"].tolist()

    @classmethod
    def from_arrays(
        cls,
        vectors: np.ndarray,
        texts: Sequence[str],
        ids: Sequence[str],
        *,
        kinds: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
        types: Sequence[str | None] | None = None,
        countries: Sequence[str | None] | None = None,
        regions: Sequence[str | None] | None = None,
        space: str | None = None,
    ) -> ThemeCorpus:
        """A corpus from plain arrays (every document a partner unless ``kinds`` says otherwise)."""
        n = len(ids)
        kinds = list(kinds) if kinds is not None else ["partner"] * n
        regions = list(regions) if regions is not None else [None] * n
        frame = pd.DataFrame(
            {
                "key": [f"{k}:{i}" for k, i in zip(kinds, ids, strict=True)],
                "kind": kinds,
                "id": list(ids),
                "name": list(names) if names is not None else list(ids),
                "text": list(texts),
                "type": list(types) if types is not None else [None] * n,
                "country": list(countries) if countries is not None else [None] * n,
                "region": regions,
                "continent": [REGION_CONTINENT.get(r) if r else None for r in regions],
            }
        )
        return cls(frame, normalize_rows(np.asarray(vectors, dtype=np.float32)), space)

    @classmethod
    def from_catalog(cls, catalog: Catalog, *, space: str | None = None, projects: bool = True) -> ThemeCorpus:
        """Partners (their description) and, by default, projects (title, description, what they seek)."""
        partners = catalog.partners
        items = list((projects and catalog.projects) or [])
        vectors = [catalog.partner_vectors] + ([catalog.project_vectors] if items else [])
        return cls.from_arrays(
            np.vstack(vectors) if len(partners) + len(items) else np.zeros((0, catalog.partner_vectors.shape[1])),
            [p.description for p in partners] + [p.text for p in items],
            [p.id for p in partners] + [p.id for p in items],
            kinds=["partner"] * len(partners) + ["project"] * len(items),
            names=[p.name for p in partners] + [p.title for p in items],
            types=[p.type for p in partners] + [None] * len(items),
            countries=[p.country for p in partners] + [None] * len(items),
            regions=list(catalog.regions) + [None] * len(items),
            space=space,
        )
