"""The code of the consortium benchmark (benchmarks/teams.py), not its timings: the queries it asks, the timing
arithmetic on a clock whose answer is known, the rows, and one pass over the real pipeline on the tiny store."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.teams import (
    CONSTRAINTS,
    TeamQuery,
    Timings,
    ask_collaborators,
    ask_consortium,
    bench_teams,
    cpu_name,
    measure,
    measure_cached,
    project_queries,
)
from matcher.recommender import Recommender
from matcher.team.constraints import Constraints, KindBound
from tests.team.stub import PARTNERS, SCORES, StubCatalog, StubRecommender, partner

#: The team stub's partners and a fourth university: whoever asks, the pool holds 3 universities or more, so a
#: consortium never tops its pool up (one ``rank`` call of 100).
FOUR_UNIVERSITIES = [*PARTNERS, partner("uni4", "university", "GH")]


class TimedStub(StubRecommender):
    """A fake clock: a query embeds its text with ``embedder`` (4 ms), then collaborators rank their top 10 in 10 ms,
    a consortium scores its pool in 100 ms; each call is logged."""

    name = "stub"
    dim = 1

    def __init__(self) -> None:
        super().__init__(StubCatalog(FOUR_UNIVERSITIES), {**SCORES, "uni4": 1.0})
        self.now = 0.0
        self.asked: list[str] = []
        self.embedder: Any = self

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        self.now += 0.004
        self.asked.append("embed")
        return np.zeros((len(texts), 1), dtype=np.float32)

    def collaborator_query(self, **kw: Any) -> Any:
        self.embedder.encode([kw.get("text") or ""])
        return super().collaborator_query(**kw)

    def rank(self, query: Any, k: int) -> Any:
        self.now += 0.010
        self.asked.append(f"rank {k}")
        return super().rank(query, k)

    def score(self, query: Any) -> Any:
        self.now += 0.100
        self.asked.append("score")
        return super().score(query)

    def clock(self) -> float:
        return self.now


def test_project_queries_are_distinct_texts_asked_by_discoverable_partners_the_same_for_a_seed() -> None:
    catalog = StubCatalog(PARTNERS)

    queries = project_queries(catalog, 30, seed=4)

    assert len(queries) == 30 and len({q.text for q in queries}) == 30
    assert {q.requester_id for q in queries} <= {p.id for p in PARTNERS if p.discoverable}
    assert "hidden" not in {q.requester_id for q in queries}
    assert project_queries(catalog, 30, seed=4) == queries
    assert project_queries(catalog, 30, seed=5) != queries


def test_project_queries_need_a_discoverable_partner() -> None:
    hidden = [p for p in PARTNERS if not p.discoverable]

    with pytest.raises(ValueError, match="no discoverable partner"):
        project_queries(StubCatalog(hidden), 3)


def test_percentiles_in_ms_and_the_ratio_of_the_medians() -> None:
    t = Timings(collaborators=[0.001 * v for v in range(1, 101)], consortium=[0.003 * v for v in range(1, 101)])

    assert (t.p("collaborators", 50), t.p("collaborators", 99)) == pytest.approx((50.0, 99.0))
    assert (t.p("consortium", 50), t.p("consortium", 99)) == pytest.approx((150.0, 297.0))
    assert t.ratio == pytest.approx(3.0)
    assert math.isnan(Timings().ratio)


def test_measure_times_both_requests_of_each_query_in_alternating_order_after_the_warm_up() -> None:
    stub = TimedStub()
    queries = [TeamQuery(f"project {i}", "uni1") for i in range(4)]

    t = measure(stub, queries, warmup=1, clock=stub.clock)

    # 1 warm-up + 4 counted queries, each asked both ways (each embedding its text, then collaborators rank 10, a
    # consortium scores its pool)
    collaborators_first = ["embed", "rank 10", "embed", "score"]
    consortium_first = ["embed", "score", "embed", "rank 10"]
    assert stub.asked == [*collaborators_first, *consortium_first] * 2 + collaborators_first
    assert t.collaborators == pytest.approx([0.014] * 4)
    assert t.consortium == pytest.approx([0.104] * 4)
    assert t.ratio == pytest.approx(104 / 14)


def test_with_the_vectors_cached_each_text_is_embedded_once_before_and_never_during_the_requests() -> None:
    stub = TimedStub()
    queries = [TeamQuery(f"project {i}", "uni1") for i in range(3)]

    t = measure_cached(stub, queries, clock=stub.clock)

    assert stub.asked == ["embed"] * 3 + ["rank 10", "score", "score", "rank 10", "rank 10", "score"]
    assert t.collaborators == pytest.approx([0.010] * 3)
    assert t.consortium == pytest.approx([0.100] * 3)
    assert stub.embedder is stub  # put back
    assert t.failed == []


def test_measure_counts_consortium_queries_without_a_team_and_times_only_the_answered_ones() -> None:
    stub = TimedStub()
    five_universities = Constraints(kinds=(KindBound("university", min=5),))  # the stub has 4

    t = measure(stub, [TeamQuery("a project", "ngo1")] * 2, warmup=0, constraints=five_universities, clock=stub.clock)

    assert t.collaborators == pytest.approx([0.014] * 2) and t.consortium == []
    short = "ngo1: constraints.kinds[0].min: at least 5 universities: only 4 candidates match the filters"
    assert t.failed == [short, short]


def test_the_benchmark_consortium_is_a_team_of_five_meeting_its_constraints() -> None:
    stub = StubRecommender(StubCatalog(PARTNERS), SCORES)

    assert ask_consortium(stub, TeamQuery("a project", "ngo1")) == 5
    assert ask_collaborators(stub, TeamQuery("a project", "ngo1")) == 8  # 10 partners less the requester and hidden
    assert CONSTRAINTS.kinds[0].kind == "university" and CONSTRAINTS.min_distinct_countries == 3


def test_rows_name_the_store_size_the_cpu_and_the_ratio_against_the_target() -> None:
    stub = TimedStub()
    lines: list[str] = []

    collaborators, consortium, cached = bench_teams(stub, 4, lines.append, warmup=0, clock=stub.clock)

    assert collaborators.metric.startswith("collaborators query p50 / p99, ms (11 partners, k=10; 4 project queries")
    assert cpu_name() in collaborators.metric
    assert collaborators.value == "14.0 / 14.0"
    assert consortium.value == "104.0 / 104.0"
    assert (consortium.ratio, consortium.target, consortium.met) == ("7.43x", "<= 2x", "**no**")
    assert (cached.value, cached.baseline, cached.ratio) == ("100.0 / 100.0", "10.0 (collaborators p50)", "10.00x")
    assert len(lines) == 3


def test_cpu_name_gives_the_model_its_generation_and_the_vector_flags() -> None:
    zen3 = (
        "processor\t: 0\ncpu family\t: 25\nmodel\t\t: 1\nmodel name\t: AMD EPYC 7B13 64-Core Processor\n"
        "flags\t\t: fpu sse2 avx avx2 fma\n\nprocessor\t: 1\ncpu family\t: 25\nmodel\t\t: 1\n"
    )
    zen4 = "cpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC\nflags\t\t: avx2 avx512f avx512_bf16 avx512_vnni\n"

    assert cpu_name(zen3) == "AMD EPYC 7B13 64-Core Processor (family 25, model 1; avx2; no avx512)"
    assert cpu_name(zen4) == "AMD EPYC (family 25, model 17; avx2, avx512f, avx512_bf16, avx512_vnni)"
    assert cpu_name("") == "? (no avx2; no avx512)"


def test_one_pass_over_the_real_pipeline_on_the_tiny_store(recommender: Recommender) -> None:
    queries = project_queries(recommender.catalog, 2, seed=0)

    t = measure(recommender, queries, warmup=0)

    assert len(t.collaborators) == 2 and len(t.consortium) == 2 and t.failed == []
    embedder = recommender.embedder
    cached = measure_cached(recommender, queries)
    assert len(cached.collaborators) == 2 and len(cached.consortium) == 2 and cached.failed == []
    assert recommender.embedder is embedder
    assert ask_consortium(recommender, queries[0]) == 5
    assert ask_collaborators(recommender, queries[0]) == 10  # 11 discoverable partners, less the requester


def test_the_run_part_measures_the_run_s_store_and_adds_its_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    import benchmarks.teams as teams

    asked: list[tuple[Any, int]] = []
    monkeypatch.setattr(teams, "bench_store", lambda home, n, log: asked.append((home, n)) or ["row"])
    homes: list[int] = []
    rows: list[str] = []
    for partners in (100_000, 1_000):
        ctx = SimpleNamespace(
            sizes=SimpleNamespace(partners=partners),
            home=lambda n: homes.append(n) or f"home-{n}",
            report=SimpleNamespace(rows=rows),
        )
        teams.part(ctx)

    assert asked == [("home-100000", 100), ("home-1000", 20)]
    assert homes == [100_000, 1_000] and rows == ["row", "row"]


def test_the_synthetic_store_is_generated_ingested_once_and_then_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    import benchmarks.teams as teams

    commands: list[tuple[list[str], str]] = []

    def run(command: list[str], *, env: dict[str, str], check: bool, stdout: Any) -> None:
        commands.append((command, env["MATCHER_HOME"]))

    monkeypatch.setattr(subprocess, "run", run)
    lines: list[str] = []

    first = teams.synthetic_store(20, tmp_path, lines.append)
    again = teams.synthetic_store(20, tmp_path, lines.append)

    assert first == again == tmp_path / "home-20"
    assert commands == [
        ([sys.executable, "-m", "matcher.cli", "ingest", str(tmp_path / "alliance-20")], str(tmp_path / "home-20"))
    ]
    assert (tmp_path / "alliance-20" / "partners.csv").read_text().count("\n") == 21  # header and 20 partners
    assert lines[0].startswith("ingest of 20 partners") and lines[1].startswith("reusing the store under")


def test_a_seeded_store_is_built_by_the_growth_part_s_builder_and_its_rows_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import benchmarks.growth as growth
    import benchmarks.teams as teams

    built: list[tuple[int, Path, Path]] = []

    def cached_store(partners: int, base: Path, cache_dir: Path, timeout: float, log: Any) -> tuple[Path, float]:
        built.append((partners, base, cache_dir))
        return cache_dir / f"home-{partners}", 12.0

    monkeypatch.setattr(growth, "cached_store", cached_store)
    lines: list[str] = []

    home, store = teams.seeded_store(100_000, tmp_path / "home-2000", tmp_path, lines.append)

    assert home == tmp_path / "seeded" / "home-100000"
    assert built == [(100_000, tmp_path / "home-2000", tmp_path / "seeded")]
    assert store == "vectors seeded from home-2000's real ones, not embedded"
    assert lines == ["ingest of 100000 partners with seeded vectors took 12 s"]
    stub = TimedStub()
    rows = bench_teams(stub, 2, [].append, warmup=0, clock=stub.clock, store=store)
    assert rows[0].metric.startswith("collaborators query p50 / p99, ms (11 partners (vectors seeded from home-2000")


def test_a_store_the_growth_builder_seeded_is_named_so_when_measured_again(tmp_path: Path) -> None:
    from benchmarks.teams import store_note

    assert store_note(tmp_path) == ""
    (tmp_path / "BUILT").write_text("1194\n")
    assert store_note(tmp_path) == "vectors seeded, not embedded"
