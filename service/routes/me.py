"""Who a key belongs to: ``GET /v1/me``, how the web page signs a partner in and shows who is signed in."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.auth import KeyHolder
from service.deps import RecommenderDep

router = APIRouter(tags=["keys"])


class CallerPublic(BaseModel):
    scope: Literal["admin", "partner"] = Field(description="admin: every write; partner: acts as one partner only")
    partner_id: str | None = Field(description="The partner a partner key acts as (null for an admin key)")
    name: str | None = Field(description="That partner's name (null for an admin key)")


@router.get("/me", response_model=CallerPublic)
def who_am_i(caller: KeyHolder, recommender: RecommenderDep) -> CallerPublic:
    """The key sent (`Authorization: Bearer <key>`): an admin key, or the partner a partner key acts as. 401 without a
    key or with one that is not valid (unknown or revoked): a client signs in by calling this with the key."""
    if caller.scope == "admin" or caller.partner_id is None:
        return CallerPublic(scope="admin", partner_id=None, name=None)
    catalog = recommender.catalog
    known = caller.partner_id in catalog.partner_pos
    return CallerPublic(
        scope="partner", partner_id=caller.partner_id, name=catalog.partner(caller.partner_id).name if known else None
    )
