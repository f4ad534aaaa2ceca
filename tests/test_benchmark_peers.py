"""The peers of the benchmark (benchmarks/peers): each ingests texts, finds the nearest by cosine, survives a save
and a load, and is served by the small FastAPI app; the recall harness ranks what a peer returns."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from benchmarks.peers import PEER_NAMES, Peer, create_peer
from benchmarks.peers.app import create_app
from benchmarks.quality import peer_rankings, profile_documents
from matcher.domain import Dataset, Partner, Project, ProjectMember
from matcher.evaluation.split import HeldOutProject

IDS = ["ocean", "energy", "gender"]
TEXTS = [
    "Coral reef monitoring and ocean literacy with coastal primary schools.",
    "Solar microgrids and energy efficiency in rural schools.",
    "Mentoring girls in science and women's leadership programmes.",
]


@pytest.fixture(scope="module", params=PEER_NAMES)
def peer_name(request: pytest.FixtureRequest) -> str:
    if request.param == "txtai":
        pytest.importorskip("txtai")  # the bench extra
    return str(request.param)


@pytest.fixture(scope="module")
def peer(peer_name: str) -> Peer:
    """The three texts ingested (one model load per peer for the module)."""
    ingested = create_peer(peer_name)
    ingested.ingest(IDS, TEXTS)
    return ingested


def test_a_peer_finds_the_nearest_text_and_survives_save_and_load(peer_name: str, peer: Peer, tmp_path: Path) -> None:
    hits = peer.search("marine biology lessons about reefs for pupils", 3)
    peer.save(tmp_path / "saved")
    again = create_peer(peer_name, tmp_path / "saved")

    assert len(hits) == 3 and hits[0][0] == "ocean" and hits[0][1] > hits[1][1] > 0  # cosine scores, best first
    assert again.count() == peer.count() == 3
    assert again.search("solar power for schools", 1)[0][0] == "energy"


def test_the_peer_app_answers_the_matchers_body(peer: Peer) -> None:
    client = TestClient(create_app(peer))

    answer = client.post("/search", json={"text": "girls in STEM mentoring", "k": 2})
    health = client.get("/health")

    assert answer.status_code == 200
    results = answer.json()["results"]
    assert results[0]["id"] == "gender" and len(results) == 2
    assert health.json()["vectors"] == 3
    assert client.post("/search", json={"text": "", "k": 2}).status_code == 422


def test_unknown_peer_is_refused() -> None:
    with pytest.raises(ValueError, match="naive, txtai"):
        create_peer("elastic")


class _Fixed:
    """A peer that always answers the same ranking."""

    label = "fixed"

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def search(self, text: str, k: int) -> list[tuple[str, float]]:
        return [(i, 1.0 - n / 100) for n, i in enumerate(self.ids[:k])]


def test_peer_rankings_leave_out_the_requester_and_hidden_partners() -> None:
    project = Project(id="x", title="X", description="d")
    held = HeldOutProject(project, lead="a", relevant=frozenset({"c"}))
    peer = _Fixed(["a", "b", "c", "d", "e"])

    ranked = peer_rankings(peer, [held], shown=lambda i: i != "b", depth=2)  # type: ignore[arg-type]
    everything = peer_rankings(peer, [held], shown=lambda i: True, depth=10)  # type: ignore[arg-type]

    assert ranked == [["c", "d"]]  # a is the requester, b opted out; depth 2 (searched deeper to fill it)
    assert everything == [["b", "c", "d", "e"]]  # the peer has no more


def test_profile_documents_are_the_partner_text_and_its_past_projects() -> None:
    dataset = Dataset(
        partners=[Partner(id="p1", name="Reef Lab", description="Marine research."),
                  Partner(id="p2", name="Sun Co", description="Solar.")],
        projects=[Project(id="x1", title="Reefs", description="Coral monitoring.")],
        project_members=[ProjectMember("x1", "p1", "lead")],
    )  # fmt: skip

    ids, documents = profile_documents(dataset)

    assert ids == ["p1", "p2"]
    assert documents == ["Reef Lab. Marine research.\nReefs. Coral monitoring.", "Sun Co. Solar."]
