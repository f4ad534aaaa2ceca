"""Recommendation queries and their answers: ``CollaboratorQuery`` in, ``CollaboratorsPublic`` (partners) and
``GroupMatchesPublic`` (action groups) out, each suggestion with its reasons."""

from __future__ import annotations

import pycountry
from pydantic import BaseModel, ConfigDict, Field, model_validator

from matcher.understand import is_region, region_codes
from matcher.vocab import ACTOR_TYPES
from service.schemas.fields import ActorType, CountryCode, Identifier, JsonFloat, JsonInt, LanguageCode, RegionCode, Sdg


class FiltersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    countries: list[CountryCode] = Field(default_factory=list, max_length=250, description="ISO 3166-1 alpha-2")
    regions: list[RegionCode] = Field(
        default_factory=list,
        max_length=50,
        description="UN M49 region codes, any level: 002 Africa, 011 Western Africa, 419 Latin America and the "
        "Caribbean, 035 South-eastern Asia",
    )
    types: list[ActorType] = Field(default_factory=list, max_length=20, description="actor kinds")
    languages: list[LanguageCode] = Field(default_factory=list, max_length=50, description="ISO 639-1")
    sdgs: list[Sdg] = Field(default_factory=list, max_length=17)
    themes: list[JsonInt | Identifier] = Field(
        default_factory=list, max_length=50, description="theme ids or labels, from GET /v1/themes"
    )

    @model_validator(mode="after")
    def _known_codes(self) -> FiltersIn:
        bad = [t for t in self.types if t not in ACTOR_TYPES]
        if bad:
            raise ValueError(f"unknown actor type(s) {bad}; allowed: {', '.join(ACTOR_TYPES)}")
        problems = []
        unknown_countries = [c for c in self.countries if pycountry.countries.get(alpha_2=c) is None]
        if unknown_countries:
            problems.append(
                f"unknown country code(s) {unknown_countries}; allowed: ISO 3166-1 alpha-2 codes such as FR, KE, BR"
            )
        unknown_regions = [r for r in self.regions if not is_region(r)]
        if unknown_regions:
            problems.append(
                f"unknown region code(s) {unknown_regions}; allowed: UN M49 codes {', '.join(region_codes())}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class CollaboratorQuery(BaseModel):
    """Who should we build this project with? Give a ``text``, a ``project_id``, or both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Ocean literacy kits for primary schools in the Pacific, with a marine research partner",
                    "requester_id": "p001",
                    "k": 5,
                    "filters": {"types": ["research_centre", "university"]},
                }
            ],
            # what _needs_subject checks, said in the document
            "anyOf": [
                {"required": ["text"], "properties": {"text": {"type": "string", "pattern": r"\S"}}},
                {"required": ["project_id"], "properties": {"project_id": {"type": "string"}}},
            ],
        },
    )

    text: str | None = Field(
        None, min_length=1, max_length=1_000_000, description="Describe the project (at most MATCHER_MAX_TEXT_LENGTH)"
    )
    project_id: Identifier | None = None
    requester_id: Identifier | None = Field(None, description="Your partner id: never suggested to yourself")
    k: JsonInt = Field(10, ge=1, le=100)
    filters: FiltersIn = Field(default_factory=FiltersIn)
    exclude: list[Identifier] = Field(default_factory=list, max_length=1000, description="Partner ids to leave out")
    diversity: JsonFloat = Field(
        0.0, ge=0.0, le=1.0, description="0 = pure relevance; higher spreads kinds and regions"
    )

    @model_validator(mode="after")
    def _needs_subject(self) -> CollaboratorQuery:
        if not (self.text and self.text.strip()) and not self.project_id:
            raise ValueError("give `text` (a project description) or `project_id`, or both")
        return self


class ReasonPublic(BaseModel):
    code: str = Field(
        description="Stable reason code, for clients that word reasons themselves (the web page's `reason.<code>` "
        "messages): worked_with_you, worked_with_partner, shared_sdgs, key_terms, text_similarity, similar_projects, "
        "same_country, type_complement, related_profile, same_theme, as_asked, network_proximity, "
        "group_type_complement, group_text_similarity; for groups past_partners_in_group and "
        "profile_similarity."
    )
    text: str = Field(description="The reason in English, as listed in `reasons`.")
    params: dict[str, str | int | float | list[str] | list[int]] = Field(
        description="What the reason names: project titles, partner names, SDG numbers, ISO country codes, actor "
        "kinds, key terms, similarity values, counts."
    )


class MatchPublic(BaseModel):
    partner_id: str
    name: str
    type: str | None
    country: str | None
    score: float
    reasons: list[str]
    score_breakdown: dict[str, float]
    explanations: list[ReasonPublic] = Field(
        default_factory=list, description="`reasons` as codes and parameters, in the same order."
    )


class MatchesPublic(BaseModel):
    data: list[MatchPublic]
    count: int


class UnderstoodPublic(BaseModel):
    """What the service understood the text to ask for. Each list can be sent back as a hard filter (``regions``,
    ``countries``, ``types`` for ``kinds``, ``languages``, ``sdgs``); as it is, it is a soft preference."""

    regions: list[str] = Field(default_factory=list, description="UN M49 region codes")
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2")
    kinds: list[str] = Field(default_factory=list, description="actor kinds")
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes of languages partners speak")
    sdgs: list[int] = Field(default_factory=list)
    language: str | None = Field(None, description="the language the text is written in (ISO 639-1), when clear")
    spans: list[str] = Field(default_factory=list, description="the words of the text that said so")
    labels: list[str] = Field(default_factory=list, description="the same, in English words")


class CollaboratorsPublic(MatchesPublic):
    understood: UnderstoodPublic | None = Field(
        None, description="What the text asks for; absent when the query has no text of its own."
    )


class GroupMatchPublic(BaseModel):
    group_id: str
    name: str
    score: float
    reasons: list[str]
    score_breakdown: dict[str, float]
    explanations: list[ReasonPublic] = Field(
        default_factory=list, description="`reasons` as codes and parameters, in the same order."
    )


class GroupMatchesPublic(BaseModel):
    data: list[GroupMatchPublic]
    count: int
