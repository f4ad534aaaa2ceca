"""The peers' HTTP service: the small FastAPI app a newcomer writes around a search function.

``POST /search`` takes the matcher's collaborator body (``{"text": ..., "k": 10}``) and returns the cosine top k;
``GET /health`` says how many vectors are served. The endpoint is a plain ``def``, so FastAPI runs it in its thread
pool (model inference and FAISS release the GIL): the common way to serve blocking code.
"""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel, Field

from benchmarks.peers import Peer


class SearchBody(BaseModel):
    text: str = Field(min_length=1)
    k: int = Field(10, ge=1, le=100)


class Hit(BaseModel):
    id: str
    score: float


class SearchResult(BaseModel):
    results: list[Hit]


def create_app(peer: Peer) -> FastAPI:
    app = FastAPI(title=f"peer: {peer.label}")

    @app.get("/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "peer": peer.label, "vectors": peer.count()}

    @app.post("/search")
    def search(body: SearchBody) -> SearchResult:
        return SearchResult(results=[Hit(id=i, score=s) for i, s in peer.search(body.text, body.k)])

    return app
