"""Where a free-text collaborator request spends its time, step by step, in process (no HTTP).

    python -m benchmarks.breakdown --home /tmp/matcher-bench/home-100000 --queries 200 [--profile out.pstats]

Loads the store under ``--home`` as ``matcher serve`` does, then for distinct free-text queries (no query-cache hit)
times the end-to-end call (``Recommender.collaborators``) and, separately and one after the other, each step it runs:
the query embedding alone (the inner embedder, no cache), the text's understanding and TF-IDF, the scores against
every profile, the past projects (TF-IDF against each, the most similar: :mod:`matcher.ranking.similar`), candidate
generation (index searches included), features, the ranker and the reasons. Medians over the queries.
``--profile`` also writes a cProfile of the end-to-end calls.
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.synthetic import query_texts
from matcher.engine import Matcher
from matcher.recommender import Recommender

#: The steps timed one after the other (their sum exceeds the end-to-end time: the request overlaps the embedding
#: with the TF-IDF steps and the two index searches with each other).
STEPS: tuple[str, ...] = (
    "embedding (alone)",
    "understand + TF-IDF of the text",
    "TF-IDF scores vs every profile",
    "past projects (TF-IDF with each, most similar)",
    "candidates (index searches, sources, filters)",
    "features",
    "ranker",
    "reasons (top 10)",
)


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Medians in milliseconds: wall time, and CPU time of the process (every thread; on a shared machine, CPU
    time is what the step costs, wall time also what it waited for)."""

    end_to_end_ms: float
    steps_ms: dict[str, float]
    candidates: float
    queries: int
    end_to_end_cpu_ms: float = 0.0
    steps_cpu_ms: dict[str, float] = field(default_factory=dict)

    @property
    def overhead(self) -> float:
        """End-to-end median over the embedding's median."""
        return self.end_to_end_ms / self.steps_ms["embedding (alone)"]


class Laps:
    """A stopwatch of wall and CPU time: :meth:`end` closes the lap since the previous one and adds it to a step's
    time (a step may take several laps; None: a lap not counted)."""

    def __init__(self) -> None:
        self.last = self.now()
        self.spent: dict[str, tuple[float, float]] = {}

    @staticmethod
    def now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def end(self, step: str | None) -> tuple[float, float]:
        """The lap's (wall, CPU) milliseconds, added to ``step``'s."""
        now = self.now()
        lap = (now[0] - self.last[0]) * 1000, (now[1] - self.last[1]) * 1000
        self.last = now
        if step is not None:
            wall, cpu = self.spent.get(step, (0.0, 0.0))
            self.spent[step] = (wall + lap[0], cpu + lap[1])
        return lap


def measure(rec: Recommender, embed: Callable[[list[str]], np.ndarray], texts: list[str]) -> Breakdown:
    """Median milliseconds of the end-to-end call (first half of ``texts``) and of each step (second half)."""
    from matcher.ranking.features import VOTING_PROJECTS, compute_features
    from matcher.understand import understand

    c = rec.catalog
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in STEPS}
    end_to_end: list[tuple[float, float]] = []
    sizes = []
    half = len(texts) // 2

    for text in texts[:half]:
        laps = Laps()
        rec.collaborators(text=text, k=10)
        end_to_end.append(laps.end(None))
    embedding, understanding, profiles, past, candidates, featuring, ranking, reasons = STEPS
    for text in texts[half:]:
        laps = Laps()
        vector = embed([text])[0]
        laps.end(embedding)
        understand(text)
        terms = c.lexical.transform([text])
        laps.end(understanding)
        scores = c.lexical.scores(terms)
        laps.end(profiles)
        c.project_lexical(terms)
        laps.end(past)
        query = rec.resolve(text, vector)  # untimed: the steps above, and the walk (none without a requester)
        assert np.array_equal(query.lexical_scores, scores)
        laps.end(None)
        query.similar_projects(VOTING_PROJECTS)  # what candidates and features read (kept by the query)
        laps.end(past)
        rows = rec.candidates.generate(query, rec.themes)
        laps.end(candidates)
        features = compute_features(c, query, rows, rec.layout)
        laps.end(featuring)
        contributions = rec.ranker.contributions(features)
        laps.end(ranking)
        order = np.argsort(-contributions.sum(axis=1), kind="stable")[:10]
        rec.explain(query, rows, features, contributions, order)
        laps.end(reasons)
        for name in STEPS:
            times[name].append(laps.spent[name])
        sizes.append(len(rows))
    return Breakdown(
        end_to_end_ms=statistics.median(w for w, _ in end_to_end),
        steps_ms={name: statistics.median(w for w, _ in values) for name, values in times.items()},
        candidates=float(statistics.median(sizes)),
        queries=len(texts),
        end_to_end_cpu_ms=statistics.median(c for _, c in end_to_end),
        steps_cpu_ms={name: statistics.median(c for _, c in values) for name, values in times.items()},
    )


def load(home: Path) -> tuple[Recommender, Callable[[list[str]], np.ndarray], Matcher]:
    """The served recommender of the store under ``home`` (with the threads of ``matcher serve``:
    :meth:`Settings.serving`) and its embedder without the query cache."""
    from matcher.settings import Settings, limit_thread_pools

    settings = Settings(home=home, database_url=None).serving()
    limit_thread_pools(settings)  # one BLAS thread, as in the served process (two spun on every product here before)
    matcher = Matcher(settings).open()
    recommender = matcher.recommender
    cache = matcher.query_cache
    inner = cache.embedder if cache is not None else matcher.embedder
    return recommender, inner.encode, matcher


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of end-to-end calls here")
    args = parser.parse_args(argv)
    recommender, embed, _ = load(args.home)
    texts = query_texts(args.queries * 3 + 40, seed=11)
    for text in texts[:20]:  # warm-up: lazily filled caches, first inference shapes
        recommender.collaborators(text=text, k=10)
    result = measure(recommender, embed, texts[40 : 40 + 2 * args.queries])
    print(f"end to end: {result.end_to_end_ms:.2f} ms, CPU {result.end_to_end_cpu_ms:.2f} ms (median of "
          f"{result.queries // 2}); {result.candidates:.0f} candidates; end to end / embedding alone: "
          f"{result.overhead:.2f}")  # fmt: skip
    for name, ms in result.steps_ms.items():
        print(f"  {name:48s} {ms:7.2f} ms  CPU {result.steps_cpu_ms[name]:7.2f} ms")
    if args.profile is not None:
        profiler = cProfile.Profile()
        profiler.enable()
        for text in texts[40 + 2 * args.queries :]:  # texts not asked before
            recommender.collaborators(text=text, k=10)
        profiler.disable()
        profiler.dump_stats(str(args.profile))


if __name__ == "__main__":
    main()
