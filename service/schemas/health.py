"""GET /v1/health."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RankerHealth(BaseModel):
    name: str = Field(description="The ranker in use, e.g. learned-logistic or default-weights.")
    stale: bool = Field(description="The saved learned ranker was trained on another store revision (found at start).")
    retraining: bool = Field(description="It is being retrained in the background; the previous one serves meanwhile.")


class HealthPublic(BaseModel):
    status: str
    partners: int = Field(description="Every stored partner, including those that opted out of suggestions.")
    discoverable_partners: int = Field(
        description="Partners that can be suggested: `partners` minus those with `discoverable=false`."
    )
    projects: int
    action_groups: int
    model: str
    index: str
    index_recall_at_10: float | None = Field(
        None,
        description="Recall@10 of the partner index against exact search, measured when it was built (1.0: exact): "
        "the share of the true 10 nearest among the 200 ids a request reads from it and scores exactly.",
    )
    ranker: RankerHealth | None = None
    process: int = Field(
        description="The id of the service process that answered: with `matcher serve --workers N`, tells the N "
        "processes apart (each holds its own catalogue and index).",
    )
