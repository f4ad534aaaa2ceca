"""Consortium against collaborators on the same store (issue 17): a whole team should answer within 2x the time of a
collaborators list for the same project, because the solver works on the ranker's top candidates only.

    python -m benchmarks.teams --home /tmp/bench/home-100000             # a store benchmarks.run built (--keep)
    python -m benchmarks.teams --partners 100000 --workdir /tmp/bench     # build (or reuse) the synthetic store
    python -m benchmarks.teams --partners 2000 --queries 20 --profile     # where a consortium's time goes
    python -m benchmarks.teams --partners 100000 --seeded-from /tmp/matcher-bench-teams/home-2000

``--seeded-from HOME`` builds the store without embedding its texts (120k at 100k partners: hours with both encoders
on a busy 2-core machine): ``matcher ingest`` with the embedding cache seeded from the store under HOME, real vectors
for the texts it holds and synthetic ones on their manifold for the others (:func:`benchmarks.growth.cached_store`,
as the growth part builds its 1M store). Everything else is the real ingest, and the queries embed their texts with
the real encoders; which partner a vector belongs to changes which partners are found, not the work of finding them.

Both requests run in this process on the store's recommender (what the two endpoints call, without HTTP and JSON),
for the same project queries: a free text (:func:`benchmarks.synthetic.query_texts`) and a requester (a seeded
discoverable partner). Collaborators: the top 10. Consortium: a team of 5 with the requester, at least one
university, at least 3 distinct countries, at most 2 per country (:data:`CONSTRAINTS`). Each query is asked both
ways, one after the other, in alternating order (a noisy neighbour hits both alike); query texts are embedded on
every request (no query-vector cache), as a new project's first request is. Then the same queries again with each
text's vector in the query cache: the work each request does beyond the embedding they share.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import math
import os
import pstats
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.loadgen import percentile
from benchmarks.synthetic import generate, query_texts
from matcher.embedding.cached import QueryCacheEmbedder
from matcher.team.consortium import propose_consortium
from matcher.team.constraints import ConsortiumRequest, Constraints, KindBound, TeamRequestError, TeamSize

if TYPE_CHECKING:
    from matcher.catalog import Catalog
    from matcher.recommender import Recommender

TEAM_SIZE = 5
#: The realistic constraint set of the benchmark's consortium queries.
CONSTRAINTS = Constraints(kinds=(KindBound("university", min=1),), min_distinct_countries=3, max_per_country=2)
COLLABORATORS_K = 10
TARGET_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class TeamQuery:
    """A project query: what a partner types about its project, and who asks."""

    text: str
    requester_id: str


def project_queries(catalog: Catalog, n: int, *, seed: int = 0) -> list[TeamQuery]:
    """``n`` queries: distinct synthetic texts, each with a seeded discoverable requester."""
    rng = random.Random(seed)
    shown = [p.id for p, ok in zip(catalog.partners, catalog.discoverable, strict=True) if ok]
    if not shown:
        raise ValueError("the store has no discoverable partner to ask as")
    return [TeamQuery(text, rng.choice(shown)) for text in query_texts(n, seed=seed)]


def consortium_request(query: TeamQuery, constraints: Constraints = CONSTRAINTS) -> ConsortiumRequest:
    return ConsortiumRequest(
        text=query.text, requester_id=query.requester_id, size=TeamSize(TEAM_SIZE, TEAM_SIZE), constraints=constraints
    )


def ask_collaborators(recommender: Recommender, query: TeamQuery) -> int:
    """The collaborators endpoint's work for ``query``; returns how many partners it found."""
    resolved = recommender.collaborator_query(text=query.text, requester_id=query.requester_id)
    return len(recommender.rank(resolved, COLLABORATORS_K))


def ask_consortium(recommender: Recommender, query: TeamQuery, constraints: Constraints = CONSTRAINTS) -> int:
    """The consortium endpoint's work for ``query``; returns the team's size."""
    return len(propose_consortium(recommender, consortium_request(query, constraints)).members)


@dataclass(slots=True)
class Timings:
    """Seconds per request of each kind, in query order; ``failed``: consortium queries that raised (no team)."""

    collaborators: list[float] = field(default_factory=list)
    consortium: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def p(self, kind: str, q: float) -> float:
        """Percentile ``q`` (nearest rank) of ``kind``'s latencies, in milliseconds."""
        values: list[float] = getattr(self, kind)
        return percentile(sorted(v * 1000 for v in values), q)

    @property
    def ratio(self) -> float:
        """p50(consortium) / p50(collaborators)."""
        base = self.p("collaborators", 50)
        return self.p("consortium", 50) / base if base > 0 else math.nan


def measure(
    recommender: Recommender,
    queries: Sequence[TeamQuery],
    *,
    warmup: int = 3,
    constraints: Constraints = CONSTRAINTS,
    clock: Callable[[], float] = time.perf_counter,
) -> Timings:
    """Each query asked both ways, one right after the other, the first of the two alternating; the first ``warmup``
    queries are asked but not counted (lazy loads, caches of the process)."""
    out = Timings()
    asks: dict[str, Callable[[TeamQuery], int]] = {
        "collaborators": lambda q: ask_collaborators(recommender, q),
        "consortium": lambda q: ask_consortium(recommender, q, constraints),
    }
    for i, query in enumerate([*queries[:warmup], *queries]):
        counted = i >= warmup
        order = ("collaborators", "consortium") if i % 2 == 0 else ("consortium", "collaborators")
        for kind in order:
            started = clock()
            try:
                asks[kind](query)
            except TeamRequestError as exc:  # no team meets the constraints from these candidates
                if counted:
                    out.failed.append(f"{query.requester_id}: {exc}")
                continue
            if counted:
                getattr(out, kind).append(clock() - started)
    return out


def measure_cached(
    recommender: Recommender, queries: Sequence[TeamQuery], *, clock: Callable[[], float] = time.perf_counter
) -> Timings:
    """:func:`measure` with every query's vector in the service's query cache beforehand (a repeated text): what
    each request does beyond embedding its text, which both share and which dominates on a loaded machine."""
    plain = recommender.embedder
    cached = QueryCacheEmbedder(plain, size=len(queries) + 1)
    for query in queries:
        cached.encode([query.text])
    recommender.embedder = cached
    try:
        return measure(recommender, queries, warmup=0, clock=clock)
    finally:
        recommender.embedder = plain


def cpu_name(cpuinfo: str | None = None) -> str:
    """'AMD EPYC (family 25, model 17; avx2, avx512f, avx512_bf16, avx512_vnni)': the model name, family and model
    (which say the generation when the name does not), and the vector flags that matter here."""
    from benchmarks.ceiling import cpu_flags

    if cpuinfo is None:
        path = Path("/proc/cpuinfo")
        cpuinfo = path.read_text() if path.exists() else ""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        fields.setdefault(name.strip(), value.strip())
    flags = cpu_flags(cpuinfo)
    has = [f for f in ("avx2", "avx512f", "avx512_bf16", "avx512_vnni") if f in flags]
    vector = ", ".join(has) or "no avx2"
    if "avx512f" not in flags:
        vector += "; no avx512"
    generation = f"family {fields['cpu family']}, model {fields['model']}; " if "cpu family" in fields else ""
    return f"{fields.get('model name', '?')} ({generation}{vector})"


def profile(recommender: Recommender, queries: Sequence[TeamQuery], top: int = 25) -> str:
    """cProfile of the consortium requests for ``queries``: the ``top`` functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        with contextlib.suppress(TeamRequestError):
            ask_consortium(recommender, query)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


def open_recommender(home: Path) -> tuple[Any, Recommender]:
    """The matcher and its recommender for the store under ``home``, querying with the plain embedder (no query
    cache: the two requests of a query must both embed it)."""
    from matcher.engine import Matcher, create_embedder
    from matcher.settings import Settings

    settings = Settings(home=home, database_url=None, seed_dir=None)
    embedder = create_embedder(settings)
    matcher = Matcher(settings, embedder=embedder).open()
    recommender = matcher.recommender
    recommender.embedder = embedder
    return matcher, recommender


def bench_teams(
    recommender: Recommender,
    n_queries: int,
    log: Callable[[str], None],
    *,
    warmup: int = 3,
    clock: Callable[[], float] = time.perf_counter,
    store: str = "",
) -> list[Any]:
    """The benchmark's rows (:class:`benchmarks.run.Row`) for ``recommender``'s store (``store``: how it was built,
    when not by a plain ingest)."""
    from benchmarks.run import Row, verdict

    partners = len(recommender.catalog.partners)
    queries = project_queries(recommender.catalog, n_queries, seed=3)
    log(f"teams: {len(queries)} queries, each as collaborators (k={COLLABORATORS_K}) and as a consortium ...")
    t = measure(recommender, queries, warmup=warmup, clock=clock)
    log(f"teams: collaborators p50 {t.p('collaborators', 50):.1f} ms, consortium p50 {t.p('consortium', 50):.1f} ms")
    c = measure_cached(recommender, queries, clock=clock)
    log(f"teams, vectors cached: collaborators p50 {c.p('collaborators', 50):.1f} ms, consortium p50 "
        f"{c.p('consortium', 50):.1f} ms")  # fmt: skip
    at = f"{partners // 1000}k partners" if partners >= 1000 else f"{partners} partners"
    at += f" ({store})" if store else ""
    asked = f"{len(t.consortium)} project queries (text + requester), in process, on {cpu_name()}"
    if t.failed:
        asked += f"; {len(t.failed)} consortium queries without a team"
    cons = "size 5 with the requester, >= 1 university, >= 3 countries, <= 2 per country"
    return [
        Row(f"collaborators query p50 / p99, ms ({at}, k={COLLABORATORS_K}; {asked})",
            f"{t.p('collaborators', 50):.1f} / {t.p('collaborators', 99):.1f}"),
        Row(f"consortium query p50 / p99, ms ({at}, {cons}; the same queries)",
            f"{t.p('consortium', 50):.1f} / {t.p('consortium', 99):.1f}",
            f"{t.p('collaborators', 50):.1f} (collaborators p50)", f"{t.ratio:.2f}x",
            f"<= {TARGET_RATIO:g}x", verdict(t.ratio <= TARGET_RATIO)),
        Row(f"consortium query p50 / p99, ms, the query vector cached (the same queries again, each text's vector "
            f"in the query cache: the work beyond embedding; collaborators p99 {c.p('collaborators', 99):.1f})",
            f"{c.p('consortium', 50):.1f} / {c.p('consortium', 99):.1f}",
            f"{c.p('collaborators', 50):.1f} (collaborators p50)", f"{c.ratio:.2f}x"),
    ]  # fmt: skip


def bench_store(home: Path, n_queries: int, log: Callable[[str], None], store: str = "") -> list[Any]:
    """:func:`bench_teams` on the store under ``home``."""
    log(f"teams: opening the store under {home} ...")
    matcher, recommender = open_recommender(home)
    try:
        return bench_teams(recommender, n_queries, log, store=store)
    finally:
        matcher.close()


def part(ctx: Any) -> None:
    """The ``teams`` part of :mod:`benchmarks.run`: on its ingested store of ``ctx.sizes.partners`` partners, 100
    project queries (20 at small sizes)."""
    from benchmarks.run import log

    partners = ctx.sizes.partners
    ctx.report.rows.extend(bench_store(ctx.home(partners), 100 if partners >= 50_000 else 20, log))


def synthetic_store(partners: int, workdir: Path, log: Callable[[str], None]) -> Path:
    """``workdir/home-N``: the seeded synthetic alliance of ``partners`` (:mod:`benchmarks.synthetic`, seed 0, as
    the other parts use) ingested with ``matcher ingest``; reused when an earlier ingest there finished."""
    data, home = workdir / f"alliance-{partners}", workdir / f"home-{partners}"
    done = home / "ingested.txt"
    if done.exists():
        log(f"reusing the store under {home} ({done.read_text().strip()})")
        return home
    if not (data / "partners.csv").exists():
        generate(data, partners=partners, seed=0)
    env = {**os.environ, "MATCHER_HOME": str(home), "MATCHER_LOG_LEVEL": "WARNING"}
    env.pop("MATCHER_DATABASE_URL", None)
    log(f"ingest of {partners} partners into {home} ...")
    started = time.perf_counter()
    command = [sys.executable, "-m", "matcher.cli", "ingest", str(data)]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    home.mkdir(parents=True, exist_ok=True)
    done.write_text(f"ingested in {time.perf_counter() - started:.0f} s on {time.strftime('%Y-%m-%d %H:%M')}\n")
    return home


def seeded_store(partners: int, base: Path, workdir: Path, log: Callable[[str], None]) -> tuple[Path, str]:
    """``workdir/seeded/home-N``: the seeded synthetic alliance of ``partners`` ingested with its embedding cache
    seeded from the store under ``base`` (:func:`benchmarks.growth.cached_store`; reused once built), and the words
    that say so in the rows."""
    from benchmarks.growth import cached_store

    home, seconds = cached_store(partners, base, workdir / "seeded", 4 * 3600, log)
    if seconds:
        log(f"ingest of {partners} partners with seeded vectors took {seconds:.0f} s")
    return home, f"vectors seeded from {base.name}'s real ones, not embedded"


def store_note(home: Path) -> str:
    """How the store under ``home`` was built, when not by a plain ingest: the growth part's builder leaves its
    ``BUILT`` marker in the stores whose vectors it seeded."""
    return "vectors seeded, not embedded" if (home / "BUILT").exists() else ""


def main(argv: list[str] | None = None) -> None:
    from benchmarks.run import log

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="a MATCHER_HOME holding an ingested store")
    parser.add_argument("--partners", type=int, default=100_000, help="synthetic store size (without --home)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/matcher-bench-teams"))
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the consortium queries too")
    parser.add_argument("--seeded-from", type=Path, help="a smaller store whose vectors seed the embedding cache")
    args = parser.parse_args(argv)
    store = ""
    if args.home:
        home, store = args.home, store_note(args.home)
    elif args.seeded_from:
        home, store = seeded_store(args.partners, args.seeded_from, args.workdir, log)
    else:
        home = synthetic_store(args.partners, args.workdir, log)
    rows = bench_store(home, args.queries, log, store)
    print("| metric | this run | baseline (same run) | ratio | target | met |")
    print("|---|--:|--:|--:|---|---|")
    for row in rows:
        print(f"| {row.metric} | {row.value} | {row.baseline} | {row.ratio} | {row.target} | {row.met} |")
    if args.profile:
        matcher, recommender = open_recommender(home)
        try:
            print(profile(recommender, project_queries(recommender.catalog, args.queries, seed=3)), file=sys.stderr)
        finally:
            matcher.close()


if __name__ == "__main__":
    main()
