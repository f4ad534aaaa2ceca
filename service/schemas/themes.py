"""GET /v1/themes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ThemePublic(BaseModel):
    id: int = Field(description="Stable across refits: a theme keeps its id while its centre stays put")
    label: str = Field(description="Its three most distinctive terms")
    terms: list[str] = Field(description="Distinctive terms (c-TF-IDF), best first")
    size: int = Field(description="Partners and projects in the theme")
    partners: int
    projects: int


class ThemesPublic(BaseModel):
    data: list[ThemePublic]
    count: int
    outlier_rate: float = Field(description="Share of partners and projects close to no theme")
