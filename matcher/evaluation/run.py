"""``evaluate``: one run, the same held-out links, every method (baselines and rankers) side by side."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.catalog import build_catalog
from matcher.domain import Dataset
from matcher.embedding.base import Embedder, normalize_rows
from matcher.evaluation.metrics import coverage, mrr, ndcg_at, recall_at
from matcher.evaluation.split import EvalSplit, split_links
from matcher.evaluation.vectors import CachedVectors
from matcher.ranking.features import FEATURES
from matcher.ranking.learned import train_ranker
from matcher.ranking.query import ResolvedQuery
from matcher.ranking.ranker import LinearRanker, Ranker
from matcher.recommender import Recommender

DEPTH = 50
Method = Callable[[ResolvedQuery], list[str]]


@dataclass(slots=True)
class EvaluationReport:
    """Metrics per task and method, and facts about the run."""

    tables: dict[str, pd.DataFrame]
    info: dict[str, object] = field(default_factory=dict)

    def to_markdown(self) -> str:
        parts = []
        for task, table in self.tables.items():
            shown = table.astype({"queries": str})  # tabulate would print the counts as floats
            parts.append(f"### {task}\n\n{shown.to_markdown(floatfmt='.3f')}\n")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "info": self.info,
            "tasks": {t: tab.reset_index().to_dict(orient="records") for t, tab in self.tables.items()},
        }


class _Baselines:
    """Whole-catalogue baselines: random, popularity, TF-IDF cosine, dense cosine."""

    def __init__(self, rec: Recommender, seed: int) -> None:
        self.rec = rec
        self.rng = random.Random(seed)
        c = rec.catalog
        self.profiles = normalize_rows(c.partner_vectors + c.history_vectors)
        self.jitter = np.random.default_rng(seed).random(len(c.partners)) * 1e-6

    def _top(self, query: ResolvedQuery, scores: np.ndarray) -> list[str]:
        rows = self.rec._allowed(query, np.arange(len(self.rec.catalog.partners)))
        if len(rows) == 0:
            return []
        order = rows[np.argsort(-(scores[rows] + self.jitter[rows]), kind="stable")][:DEPTH]
        return [self.rec.catalog.partners[r].id for r in order.tolist()]

    def random(self, query: ResolvedQuery) -> list[str]:
        scores = np.array([self.rng.random() for _ in self.rec.catalog.partners])
        return self._top(query, scores)

    def popularity(self, query: ResolvedQuery) -> list[str]:
        return self._top(query, self.rec.catalog.popularity.astype(np.float64))

    def tfidf(self, query: ResolvedQuery) -> list[str]:
        return self._top(query, self.rec.catalog.lexical.scores(query.terms).astype(np.float64))

    def dense(self, query: ResolvedQuery) -> list[str]:
        return self._top(query, (self.profiles @ query.vector).astype(np.float64))


def _ranker_method(rec: Recommender, ranker: Ranker) -> Method:
    def run(query: ResolvedQuery) -> list[str]:
        return [m.partner_id for m in rec._rank_partners(query, DEPTH, ranker)]

    return run


def _score(rankings: list[list[str]], relevant: list[set[str]], catalogue: int) -> dict[str, float]:
    return {
        "recall@10": float(np.mean([recall_at(r, rel, 10) for r, rel in zip(rankings, relevant, strict=True)])),
        "recall@50": float(np.mean([recall_at(r, rel, 50) for r, rel in zip(rankings, relevant, strict=True)])),
        "nDCG@10": float(np.mean([ndcg_at(r, rel, 10) for r, rel in zip(rankings, relevant, strict=True)])),
        "MRR": float(np.mean([mrr(r, rel) for r, rel in zip(rankings, relevant, strict=True)])),
        "coverage@10": coverage(rankings, catalogue, 10),
    }


def _table(methods: dict[str, Method], queries: list[tuple[ResolvedQuery, set[str]]], catalogue: int) -> pd.DataFrame:
    rows = {}
    for name, method in methods.items():
        rankings = [method(q) for q, _ in queries]
        rows[name] = _score(rankings, [rel for _, rel in queries], catalogue) | {"queries": len(queries)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["queries"] = table["queries"].astype(int)
    table.index.name = "method"
    return table


def _group_table(rec: Recommender, queries: dict[str, set[str]], seed: int) -> pd.DataFrame:
    """Rank the action groups a partner is not in: the recommender against random, group size, TF-IDF, dense."""
    c = rec.catalog
    rng = random.Random(seed)
    group_terms = c.lexical.transform([g.text for g in c.groups])
    profiles = normalize_rows(c.partner_vectors + c.history_vectors)

    def rank(partner_id: str, scores: np.ndarray) -> list[str]:
        joined = c.partner_groups.get(partner_id, set())
        order = np.argsort(-scores, kind="stable")
        return [c.groups[i].id for i in order.tolist() if c.groups[i].id not in joined]

    def method_scores(name: str, partner_id: str) -> list[str]:
        row = c.partner_pos[partner_id]
        if name == "matcher":
            return [m.group_id for m in rec.groups_for_partner(partner_id, k=len(c.groups))]
        if name == "random":
            return rank(partner_id, np.array([rng.random() for _ in c.groups]))
        if name == "popularity":
            return rank(partner_id, np.array([len(c.group_members.get(g.id, ())) for g in c.groups], dtype=float))
        if name == "tfidf":
            terms = c.lexical.transform([c.profile_text(partner_id)])
            return rank(partner_id, np.asarray((group_terms @ terms.T).todense()).ravel())
        return rank(partner_id, c.group_vectors @ profiles[row])

    rows = {}
    items = sorted(queries.items())
    for name in ("random", "popularity", "tfidf", "dense", "matcher"):
        rankings = [method_scores(name, pid) for pid, _ in items]
        rows[name] = _score(rankings, [rel for _, rel in items], len(c.groups)) | {"queries": len(items)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["queries"] = table["queries"].astype(int)
    table.index.name = "method"
    return table


BASELINES = ("random", "popularity", "tfidf", "dense")


def lift_over_baselines(table: pd.DataFrame, method: str, metric: str = "recall@10") -> float:
    """``method``'s ``metric`` divided by the best baseline's (inf when every baseline scores 0)."""
    best = float(table.loc[list(BASELINES), metric].max())
    value = float(table.at[method, metric])  # type: ignore[arg-type]
    return value / best if best > 0 else float("inf")


def evaluate(
    dataset: Dataset,
    embedder: Embedder,
    *,
    test_fraction: float = 0.2,
    seed: int = 0,
    cache: Path | None = None,
    split: EvalSplit | None = None,
) -> EvaluationReport:
    """Hide links of ``dataset``, rebuild everything from the rest, and measure how well each method finds them."""
    started = time.perf_counter()
    split = split or split_links(dataset, test_fraction=test_fraction, seed=seed)
    vectors = CachedVectors(embedder, cache)
    catalog = build_catalog(split.train, vectors, embedder.dim)
    rec = Recommender(catalog, embedder)
    base = _Baselines(rec, seed)
    learned = train_ranker(split.train, vectors, embedder)
    methods: dict[str, Method] = {
        "random": base.random,
        "popularity": base.popularity,
        "tfidf": base.tfidf,
        "dense": base.dense,
        "equal-weight fusion": _ranker_method(rec, LinearRanker({f: 1.0 for f in FEATURES})),
        "default ranker": _ranker_method(rec, LinearRanker()),
    }
    if learned is not None:
        methods["learned ranker"] = _ranker_method(rec, learned)

    project_queries = []
    for project in split.test_projects:
        team = split.test_members[project.id]
        lead = next((m.partner_id for m in team if m.role == "lead"), team[0].partner_id)
        relevant = {m.partner_id for m in team if m.partner_id != lead and m.partner_id in catalog.partner_pos}
        if not relevant:
            continue
        query = rec._resolve(
            project.text,
            vectors([project.text])[0],
            sdgs=frozenset(project.sdgs),
            requester_id=lead if lead in catalog.partner_pos else None,
        )
        project_queries.append((query, relevant))
    tables = {"collaborators for held-out projects": _table(methods, project_queries, len(catalog.partners))}

    held: dict[str, set[str]] = {}
    for link in split.test_group_links:
        held.setdefault(link.group_id, set()).add(link.partner_id)
    group_queries = []
    for group_id, relevant in sorted(held.items()):
        group = catalog.group(group_id)
        members = frozenset(catalog.group_members.get(group_id, set()))
        query = rec._resolve(group.text, vectors([group.text])[0], team=members, group_id=group_id)
        group_queries.append((query, relevant))
    if group_queries:
        tables["candidates for action groups"] = _table(methods, group_queries, len(catalog.partners))

    partner_queries: dict[str, set[str]] = {}
    for link in split.test_group_links:
        if link.partner_id in catalog.partner_pos:
            partner_queries.setdefault(link.partner_id, set()).add(link.group_id)
    if partner_queries:
        tables["action groups for partners"] = _group_table(rec, partner_queries, seed)

    vectors.save()
    best = "learned ranker" if learned is not None else "default ranker"
    lifts = {  # five groups: every method has all of them in its top 10, so rank quality (MRR) is what differs
        task: round(
            lift_over_baselines(
                table, best if best in table.index else "matcher", "recall@10" if best in table.index else "MRR"
            ),
            2,
        )
        for task, table in tables.items()
    }
    info: dict[str, object] = {
        "ranker": best,
        "recall@10 / best baseline": lifts,
        "partners": len(dataset.partners),
        "projects": len(dataset.projects),
        "train_projects": len(split.train.projects),
        "test_projects": len(project_queries),
        "held_out_group_links": len(split.test_group_links),
        "split": "by start_date" if split.by_time else f"random (seed {seed})",
        "learned": learned.weights if learned is not None else "cold start: not enough history",
        "model": embedder.name,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return EvaluationReport(tables, info)
