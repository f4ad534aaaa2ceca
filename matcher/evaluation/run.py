"""``evaluate``: one run, the same held-out links, every method (baselines and rankers) side by side, with
bootstrap confidence intervals over the queries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.catalog import Catalog, VectorLookup, build_catalog
from matcher.domain import Dataset, lead_of
from matcher.embedding.base import Embedder, normalize_rows
from matcher.evaluation.baselines import BASELINES, Baselines, Method
from matcher.evaluation.bootstrap import Interval, mean_interval, ratio_interval
from matcher.evaluation.rankers import (
    RankerRow,
    fit_blend,
    fit_lambdarank,
    fit_logistic,
    fit_rows,
    fit_selected,
    without,
)
from matcher.evaluation.report import EvaluationReport, TaskScores, score_task
from matcher.evaluation.split import EvalSplit, HeldOutProject, held_out_projects, split_links
from matcher.evaluation.translated import TRANSLATED_TASK, TranslatedRequest, score_translations
from matcher.evaluation.vectors import CachedVectors
from matcher.groups import GroupRecommender
from matcher.ranking.candidates import V1_SOURCES, CandidateGenerator
from matcher.ranking.features import FEATURES, V1_FEATURES, DenseLayout, compute_features
from matcher.ranking.query import ResolvedQuery
from matcher.ranking.ranker import LinearRanker, Ranker
from matcher.ranking.training import MIN_TRAINING_PROJECTS, simulate_queries
from matcher.recommender import Recommender

__all__ = [
    "ABLATION_GROUPS",
    "DEPTH",
    "RANKER_ROWS",
    "EvaluationReport",
    "ablation_rows",
    "evaluate",
    "held_out_queries",
    "lift_over_baselines",
    "ranked_order",
]

DEPTH = 50

#: The learned rows of every table, fitted in the same run on the same simulated queries. Add a row to measure a
#: model or an ablation (``RankerRow("learned − graph", fit, features=without("graph"))``).
RANKER_ROWS: tuple[RankerRow, ...] = (
    # the ranker before match quality 2.0: logistic over its 11 features, ranking the candidates of its 5 sources
    RankerRow("ranker v1", fit_logistic, features=V1_FEATURES, sources=V1_SOURCES),
    RankerRow("logistic", fit_logistic),
    RankerRow("lambdarank", fit_lambdarank),
    RankerRow("blend", fit_blend),
    RankerRow("learned ranker", fit_selected),  # what `matcher train` would pick (held-out selection)
)
#: What each signal adds: the logistic ranker without one group of features at a time (``--ablation``).
ABLATION_GROUPS: dict[str, tuple[str, ...]] = {
    "text (dense, lexical)": ("dense", "dense_ml", "lexical", "lexical_relative"),
    "past projects (history, votes)": (
        "dense_history",
        "history_max",
        "history_lexical",
        "history_relative",
        "project_vote",
    ),
    "collaboration graph (graph, walk)": ("graph", "walk"),
    "geography (country, region, affinity)": ("same_country", "same_region", "country_affinity"),
    "actor kinds (affinity, complement)": ("kind_affinity", "type_complement"),
    "the ask (asked_*)": ("asked_place", "asked_kind", "asked_language"),
    "priors (popularity, recency)": ("popularity", "recency"),
}


def ablation_rows() -> tuple[RankerRow, ...]:
    """One logistic row per group of :data:`ABLATION_GROUPS`, without that group's features."""
    return tuple(
        RankerRow(f"logistic − {name}", fit_logistic, features=without(*names))
        for name, names in ABLATION_GROUPS.items()
    )


#: The row the headline ratios are about, and the row it is compared with.
HEADLINE_ROW = "learned ranker"
REFERENCE_ROW = "ranker v1"

PROJECTS_TASK = "collaborators for held-out projects"


class _Pipeline:
    """The recommender's steps the evaluation runs, in one place: resolve a query, keep the partners it may be shown,
    and its candidates with their features (what the ranking step scores)."""

    def __init__(self, rec: Recommender) -> None:
        self.rec = rec

    def resolve(self, text: str, vector: np.ndarray, **fields: object) -> ResolvedQuery:
        return self.rec.resolve(text, vector, **fields)  # type: ignore[arg-type]

    def allowed(self, query: ResolvedQuery, rows: np.ndarray) -> np.ndarray:
        return self.rec.candidates.allowed(query, rows, self.rec.themes)

    def candidates(self, query: ResolvedQuery) -> tuple[np.ndarray, np.ndarray]:
        rows = self.rec.candidates.generate(query, self.rec.themes)
        return rows, compute_features(self.rec.catalog, query, rows, self.rec.layout)

    def pool(self, query: ResolvedQuery, sources: frozenset[str]) -> np.ndarray:
        """The candidates that only ``sources`` would have proposed (a subset of :meth:`candidates`' rows)."""
        rec = self.rec
        generator = CandidateGenerator(
            rec.catalog, rec.index, rec.history_index, per_source=rec.candidates.per_source, sources=sources
        )
        return generator.generate(query, rec.themes)


def held_out_queries(
    rec: Recommender, split: EvalSplit, vectors: VectorLookup
) -> list[tuple[HeldOutProject, ResolvedQuery]]:
    """Each held-out project of ``split`` (:func:`~matcher.evaluation.split.held_out_projects`) resolved by ``rec``
    (the training side's recommender) as a request about a new project is: its text and vector, its SDGs, its lead
    as requester when the catalogue knows the lead."""
    known = rec.catalog.partner_pos
    return [
        (
            asked,
            rec.resolve(
                asked.project.text,
                vectors([asked.project.text])[0],
                sdgs=frozenset(asked.project.sdgs),
                requester_id=asked.lead if asked.lead in known else None,
            ),
        )
        for asked in held_out_projects(split, known)
    ]


def ranked_order(scores: np.ndarray, depth: int = DEPTH) -> np.ndarray:
    """Positions of the ``depth`` best ``scores``, best first, as the ranking step orders a ranker's candidates
    (stable sort, no diversification); a candidate scored -inf (left out of a row's pool) is never ranked."""
    order = np.argsort(-scores, kind="stable")[:depth]
    return order[np.isfinite(scores[order])]


def _rank_all(
    pipeline: _Pipeline,
    queries: Sequence[ResolvedQuery],
    rankers: dict[str, Ranker],
    baselines: dict[str, Method],
    sources: dict[str, frozenset[str]] | None = None,
) -> dict[str, list[list[str]]]:
    """Each method's top ``DEPTH`` ids per query. Rankers share each query's candidates and features and order them
    as the ranking step does (score = sum of contributions, stable sort; no diversification)."""
    rankings: dict[str, list[list[str]]] = {name: [] for name in [*baselines, *rankers]}
    partners = pipeline.rec.catalog.partners
    for query in queries:
        for name, method in baselines.items():
            rankings[name].append(method(query))
        rows, features = pipeline.candidates(query)
        pools = {name: pipeline.pool(query, used) for name, used in (sources or {}).items() if name in rankers}
        for name, ranker in rankers.items():
            scores = ranker.contributions(features).sum(axis=1) if len(rows) else np.zeros(0)
            if name in pools:  # a row with fewer sources never sees the other sources' candidates
                scores = np.where(np.isin(rows, pools[name]), scores, -np.inf)
            rankings[name].append([partners[int(rows[i])].id for i in ranked_order(scores)])
    return rankings


def _translated_scores(
    pipeline: _Pipeline,
    fitted: dict[str, Ranker],
    row_sources: dict[str, frozenset[str]],
    queries: Sequence[ResolvedQuery],
    project_ids: Sequence[str],
    relevant: Sequence[set[str]],
    rankings: dict[str, list[list[str]]],
    translations: Sequence[TranslatedRequest],
    vectors: CachedVectors,
    *,
    resamples: int,
    seed: int,
) -> TaskScores:
    """Each translated request of a held-out project, asked like its original (same requester and SDGs), ranked by
    the headline row and the reference row; scored by :func:`~matcher.evaluation.translated.score_translations`."""
    shown = {name: fitted[name] for name in (HEADLINE_ROW, REFERENCE_ROW, "default ranker") if name in fitted}
    position = {pid: i for i, pid in enumerate(project_ids)}
    translated: dict[str, dict[str, dict[str, list[str]]]] = {}
    for request in translations:
        i = position.get(request.project_id)
        if i is None:  # not a held-out project of this split (or one without a findable partner)
            continue
        original = queries[i]
        query = pipeline.resolve(
            request.text,
            vectors([request.text])[0],
            sdgs=original.sdgs,
            requester_id=original.requester_id,
        )
        ranked = _rank_all(pipeline, [query], shown, {}, row_sources)
        for name, (top,) in ranked.items():
            translated.setdefault(request.language, {}).setdefault(name, {})[request.project_id] = top
    original_top = {name: dict(zip(project_ids, rankings[name], strict=True)) for name in shown}
    return score_translations(
        original_top, translated, dict(zip(project_ids, relevant, strict=True)), resamples=resamples, seed=seed
    )


def _team_recall(
    rec: Recommender, fitted: dict[str, Ranker], split: EvalSplit, catalog: Catalog, seed: int
) -> dict[str, str]:
    """Issue 17's measure: for each held-out consortium, a team of its real size proposed under the constraints the
    real one meets (its kinds, its countries), against the same-length list (:mod:`matcher.team.evaluate`)."""
    from matcher.team.evaluate import HeldOutConsortium, team_recall

    rec.ranker = fitted.get(HEADLINE_ROW, rec.ranker)
    consortia = []
    for project in split.test_projects:
        team = split.test_members[project.id]
        lead = lead_of((m.partner_id, m.role) for m in team) or team[0].partner_id
        consortia.append(HeldOutConsortium(project.text, lead, tuple(m.partner_id for m in team)))
    return team_recall(rec, consortia).summary(seed=seed)


def _group_rankings(rec: Recommender, partners: list[str], seed: int) -> dict[str, list[list[str]]]:
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
        if name == "matcher":  # the weights measured on the training side's memberships
            return [m.group_id for m in rec.groups_for_partner(partner_id, k=len(c.groups))]
        if name == "matcher (default weights)":
            return [m.group_id for m in GroupRecommender(c).for_partner(partner_id, k=len(c.groups))]
        if name == "random":
            return rank(partner_id, np.array([rng.random() for _ in c.groups]))
        if name == "popularity":
            return rank(partner_id, np.array([len(c.group_members.get(g.id, ())) for g in c.groups], dtype=float))
        if name == "tfidf":
            terms = c.lexical.transform([c.profile_text(partner_id)])
            return rank(partner_id, np.asarray((group_terms @ terms.T).todense()).ravel())
        return rank(partner_id, c.group_vectors @ profiles[row])

    names = ("random", "popularity", "tfidf", "dense", "matcher (default weights)", "matcher")
    return {name: [method_scores(name, pid) for pid in partners] for name in names}


def lift_over_baselines(table: pd.DataFrame, method: str, metric: str = "recall@10") -> float:
    """``method``'s ``metric`` divided by the best baseline's (inf when every baseline scores 0)."""
    best = float(table.loc[[b for b in BASELINES if b in table.index], metric].max())
    value = float(table.at[method, metric])  # type: ignore[arg-type]
    return value / best if best > 0 else float("inf")


def ablation_drops(scores: TaskScores, full: str = "logistic") -> dict[str, Interval]:
    """recall@10 of ``full`` minus that of each ablation row (``"<full> − <group>"``), per query, with a paired
    bootstrap interval on the task's shared resamples: what each group of signals adds (positive: it helps)."""
    values = scores.values
    if full not in values:
        return {}
    prefix = f"{full} − "
    return {
        name[len(prefix) :]: mean_interval(
            values[full]["recall@10"] - values[name]["recall@10"], indices=scores.indices
        )
        for name in values
        if name.startswith(prefix)
    }


def headline_ratios(scores: TaskScores, row: str = HEADLINE_ROW, reference: str = REFERENCE_ROW) -> dict[str, Interval]:
    """recall@10 of ``row`` over the best single-signal baseline (chosen again in each resample) and over
    ``reference``, each with a paired bootstrap interval on the task's shared resamples."""
    values = scores.values
    if row not in values:
        return {}
    recall = {name: v["recall@10"] for name, v in values.items()}
    baselines = [b for b in BASELINES if b in recall]
    best = max(baselines, key=lambda b: float(recall[b].mean()))
    ratios = {
        f"{row} ÷ best single-signal baseline (on all queries: {best})": ratio_interval(
            recall[row], [recall[b] for b in baselines], indices=scores.indices
        )
    }
    if reference in recall and reference != row:
        ratios[f"{row} ÷ {reference}"] = ratio_interval(recall[row], [recall[reference]], indices=scores.indices)
    return ratios


def evaluate(
    dataset: Dataset,
    embedder: Embedder,
    *,
    test_fraction: float = 0.2,
    seed: int = 0,
    cache: Path | None = None,
    split: EvalSplit | None = None,
    split_date: date | None = None,
    test_until: date | None = None,
    rankers: Sequence[RankerRow] = RANKER_ROWS,
    resamples: int = 1000,
    progress: Callable[[str], None] | None = None,
    teams: bool = False,
    translations: Sequence[TranslatedRequest] = (),
    training_scheme: str = "auto",
) -> EvaluationReport:
    """Hide links of ``dataset``, rebuild everything from the rest, and measure how well each method finds them.

    The split is ``split``, else by ``split_date`` (train before it, test from it up to ``test_until``), else the
    newest (or a random) ``test_fraction`` of projects. ``rankers`` are the learned rows; ``resamples`` bootstrap
    draws of the queries give each metric its 95 % interval. ``progress`` is told what the run is doing.
    ``translations``: held-out projects' requests in other languages (:mod:`matcher.evaluation.translated`), asked by
    the same requester and scored against the original requests' answers. ``training_scheme``: how the learned
    rows' simulated queries are drawn (:func:`~matcher.ranking.training.fold_plan`).
    """
    started = time.perf_counter()
    say = progress or (lambda _: None)
    split = split or split_links(
        dataset, test_fraction=test_fraction, seed=seed, split_date=split_date, test_until=test_until
    )
    vectors = CachedVectors(embedder, cache)
    say(f"catalogue of the training side ({len(split.train.projects)} projects)")
    catalog = build_catalog(split.train, vectors, embedder.dim)
    vectors.save()  # embedding is the slow part: keep it even if a later step fails
    layout = DenseLayout.of(embedder)
    rec = Recommender(catalog, embedder, layout=layout)
    pipeline = _Pipeline(rec)
    base = Baselines(catalog, pipeline.allowed, seed=seed, depth=DEPTH)
    say("simulated queries for the learned rankers")
    data = simulate_queries(split.train, vectors, embedder, layout=layout, scheme=training_scheme) if rankers else None
    enough = data is not None and data.n_queries >= MIN_TRAINING_PROJECTS  # else cold start: no learned rows
    learned = fit_rows(rankers, data) if data is not None and enough else {}
    fitted: dict[str, Ranker] = {
        "equal-weight fusion": LinearRanker({f: 1.0 for f in FEATURES}),
        "default ranker": LinearRanker(),
        **learned,
    }
    trained_seconds = time.perf_counter() - started

    asked = held_out_queries(rec, split, vectors)
    project_queries = [query for _, query in asked]
    project_relevant = [set(project.relevant) for project, _ in asked]
    project_ids = [project.project.id for project, _ in asked]
    say(f"ranking {len(project_queries)} held-out projects")
    scored: dict[str, TaskScores] = {}
    row_sources = {row.name: row.sources for row in rankers if row.sources is not None}
    rankings = _rank_all(pipeline, project_queries, fitted, base.methods(), row_sources)
    scored[PROJECTS_TASK] = score_task(
        rankings, project_relevant, len(catalog.partners), resamples=resamples, seed=seed
    )

    if translations:
        say(f"ranking {len(translations)} translated requests")
        scored[TRANSLATED_TASK] = _translated_scores(
            pipeline,
            fitted,
            row_sources,
            project_queries,
            project_ids,
            project_relevant,
            rankings,
            translations,
            vectors,
            resamples=resamples,
            seed=seed,
        )

    team_info = _team_recall(rec, fitted, split, catalog, seed) if teams and project_queries else None
    if team_info is not None:
        say("teams proposed for the held-out projects")

    held: dict[str, set[str]] = {}
    for link in split.test_group_links:
        held.setdefault(link.group_id, set()).add(link.partner_id)
    group_queries = []
    for group_id in sorted(held):
        group = catalog.group(group_id)
        members = frozenset(catalog.group_members.get(group_id, set()))
        group_queries.append(pipeline.resolve(group.text, vectors([group.text])[0], team=members, group_id=group_id))
    if group_queries:
        rankings = _rank_all(pipeline, group_queries, fitted, base.methods(), row_sources)
        scored["candidates for action groups"] = score_task(
            rankings, [held[g] for g in sorted(held)], len(catalog.partners), resamples=resamples, seed=seed
        )

    partner_queries: dict[str, set[str]] = {}
    for link in split.test_group_links:
        if link.partner_id in catalog.partner_pos:
            partner_queries.setdefault(link.partner_id, set()).add(link.group_id)
    if partner_queries:
        items = sorted(partner_queries.items())
        rankings = _group_rankings(rec, [pid for pid, _ in items], seed)
        scored["action groups for partners"] = score_task(
            rankings, [rel for _, rel in items], len(catalog.groups), resamples=resamples, seed=seed
        )

    vectors.save()
    tables = {task: s.table for task, s in scored.items()}
    best = HEADLINE_ROW if HEADLINE_ROW in learned else "default ranker"
    lifts = {  # five groups: every method has all of them in its top 10, so rank quality (MRR) is what differs
        task: round(
            lift_over_baselines(
                table, best if best in table.index else "matcher", "recall@10" if best in table.index else "MRR"
            ),
            2,
        )
        for task, table in tables.items()
        if task != TRANSLATED_TASK  # no baselines there: its rows are languages x rankers
    }
    info: dict[str, object] = {
        "ranker": best,
        "recall@10 / best baseline": lifts,
        "partners": len(dataset.partners),
        "projects": len(dataset.projects),
        "train_projects": len(split.train.projects),
        "test_projects": len(project_queries),
        "left_out_projects": split.left_out,
        "held_out_group_links": len(split.test_group_links),
        "split": split.describe(seed),
        "simulated_queries": data.n_queries if data is not None else 0,
        "simulation": data.scheme if data is not None else training_scheme,
        "learned": {name: getattr(r, "weights", r.name) for name, r in learned.items()}
        or "cold start: not enough history",
        "bootstrap": f"{resamples} resamples of the queries (seed {seed}), percentile 95 % intervals",
        "model": embedder.name,
        **({"teams (set recall of a team of the real size, lead included)": team_info} if team_info else {}),
        "seconds_to_train": round(trained_seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    headline = headline_ratios(scored[PROJECTS_TASK]) if HEADLINE_ROW in learned else {}
    return EvaluationReport(
        tables,
        info,
        intervals={task: s.intervals for task, s in scored.items()},
        headline=headline,
        drops=ablation_drops(scored[PROJECTS_TASK]),
    )
