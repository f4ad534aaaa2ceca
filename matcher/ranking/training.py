"""Training data for the learned rankers: simulated queries from the store's own past projects.

Each past project with two or more members becomes a query (its text, its lead as requester) asked of a catalog
built *without* that project, so its members' features carry no trace of the answer. Candidates come from the same
pipeline the service uses; members are the positives. Which catalog a query is asked of (:func:`fold_plan`):

- **temporal** (when nearly every project has a start date, and there are enough): the service is asked about *new*
  projects, knowing only what came before them. So the most recent half of the projects become the queries, in
  consecutive slices of time, each asked of the catalog of the projects that started before its slice: a partner's
  history, ties and popularity are then what they were at the time, as they will be for a real request, and no later
  collaboration leaks in.
- **k-fold** (otherwise): the projects in ``folds`` random folds, each asked of the catalog without its fold.

Real requests often name who they look for ("a research partner in West Africa"); past project texts rarely do. So
that the ranker learns how much such an ask is worth, a share of the simulated queries (``ask_rate``) also asks for
the actor kind, the country or a language of one of the project's real members, chosen at random: the feature then
says "fits the ask", and how many candidates fit it too decides the weight it earns.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

import numpy as np

from matcher.catalog import VectorLookup, build_catalog
from matcher.domain import Dataset, Partner, lead_of
from matcher.embedding.base import Embedder
from matcher.ranking.features import FEATURES, DenseLayout, compute_features
from matcher.understand import Understood

MIN_TRAINING_PROJECTS = 12


@dataclass(frozen=True, slots=True)
class TrainingData:
    """Candidates of simulated queries: ``features`` (n x len(FEATURES)), 0/1 ``labels``, query id per candidate
    (``groups``, consecutive), and how many queries."""

    features: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    n_queries: int
    scheme: str = "kfold"  # how the queries were drawn: "temporal" or "kfold" (see fold_plan)

    def subset(self, queries: np.ndarray) -> TrainingData:
        """The candidates of the given query ids, renumbered 0..n-1 in order."""
        keep = np.isin(self.groups, queries)
        _, renumbered = np.unique(self.groups[keep], return_inverse=True)
        return TrainingData(
            self.features[keep], self.labels[keep], renumbered.astype(np.int32), len(np.unique(queries)), self.scheme
        )

    def describe(self) -> str:
        """How the queries were drawn, for a model card."""
        if self.scheme == "temporal":
            return (
                "temporal: the most recent half of the past projects, each asked of the catalog of the projects that "
                "started before its slice of time"
            )
        return "k-fold leave-projects-out: each query is asked of a catalog without its project"

    def group_sizes(self) -> np.ndarray:
        """Candidates per query, in query order (LightGBM's ``group``)."""
        return np.bincount(self.groups, minlength=self.n_queries)


def without_projects(dataset: Dataset, held: set[str]) -> Dataset:
    """``dataset`` as if the ``held`` projects had never happened."""
    return Dataset(
        partners=dataset.partners,
        projects=[p for p in dataset.projects if p.id not in held],
        action_groups=dataset.action_groups,
        project_members=[m for m in dataset.project_members if m.project_id not in held],
        group_members=dataset.group_members,
    )


def usable_projects(dataset: Dataset) -> list[str]:
    """Projects with at least two members: each can be asked to find its other members."""
    sizes: dict[str, int] = {}
    for member in dataset.project_members:
        sizes[member.project_id] = sizes.get(member.project_id, 0) + 1
    return [p.id for p in dataset.projects if sizes.get(p.id, 0) >= 2]


@dataclass(frozen=True, slots=True)
class Fold:
    """Simulated queries about ``asked`` projects, answered by the catalog without the ``hidden`` ones (``asked`` and,
    in a temporal plan, everything that started with or after them)."""

    asked: tuple[str, ...]
    hidden: frozenset[str]


#: share of the usable projects with a start date above which the plan may be temporal
TEMPORAL_MIN_DATED = 0.8
#: projects a temporal plan must ask about (the recent half of the dated ones): below it, a catalog of half the history
#: and half the queries cost more than asking as of the time gains, and the plan is k-fold
TEMPORAL_MIN_ASKED = 200


def resolved_scheme(dataset: Dataset, projects: list[str], scheme: str) -> str:
    """``"temporal"`` or ``"kfold"``: what ``scheme`` (``"auto"``, ``"temporal"``, ``"kfold"``) means for these usable
    ``projects`` (auto: temporal when at least :data:`TEMPORAL_MIN_DATED` of them have a start date and their recent
    half holds :data:`TEMPORAL_MIN_ASKED` or more)."""
    if scheme not in {"auto", "temporal", "kfold"}:
        raise ValueError(f"unknown simulation scheme {scheme!r}; allowed: auto, temporal, kfold")
    dated = {p.id for p in dataset.projects if p.start_date is not None}.intersection(projects)
    if len(dated) < 2 or scheme == "kfold":
        return "kfold"
    enough = len(dated) >= 2 * TEMPORAL_MIN_ASKED and len(dated) >= TEMPORAL_MIN_DATED * len(projects)
    return "temporal" if scheme == "temporal" or enough else "kfold"


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """The folds of simulated queries and how they were drawn (``scheme``: ``"temporal"`` or ``"kfold"``)."""

    scheme: str
    folds: tuple[Fold, ...]


def fold_plan(
    dataset: Dataset, projects: list[str], *, folds: int, max_queries: int, scheme: str, rng: random.Random
) -> TrainingPlan:
    """Which projects are asked of which catalog (see the module's docstring); ``scheme`` is ``"auto"``,
    ``"temporal"`` or ``"kfold"`` (:func:`resolved_scheme`). ``projects`` are the usable ones."""
    if resolved_scheme(dataset, projects, scheme) == "kfold":
        order = list(projects)
        rng.shuffle(order)
        order = order[:max_queries]
        return TrainingPlan(
            "kfold",
            tuple(
                Fold(tuple(sorted(order[f::folds])), frozenset(order[f::folds]))
                for f in range(folds)
                if order[f::folds]
            ),
        )
    starts = {p.id: p.start_date for p in dataset.projects if p.start_date is not None}
    dated = sorted((starts[p], p) for p in projects if p in starts)
    recent = [p for _, p in dated[len(dated) // 2 :]][-max_queries:]
    plan: list[Fold] = []
    for f in range(folds):
        asked = recent[f * len(recent) // folds : (f + 1) * len(recent) // folds]
        if not asked:
            continue
        since = starts[asked[0]]
        hidden = {p.id for p in dataset.projects if p.start_date is not None and p.start_date >= since}
        plan.append(Fold(tuple(asked), frozenset(hidden | set(asked))))  # in time order
    return TrainingPlan("temporal", tuple(plan))


def simulated_ask(partner: Partner, rng: random.Random) -> Understood | None:
    """An ask that ``partner`` fits: its actor kind, its country or one of its languages (one, at random)."""
    options: list[dict[str, tuple[str, ...]]] = []
    if partner.type and partner.type != "other":
        options.append({"kinds": (partner.type,)})
    if partner.country:
        options.append({"countries": (partner.country,)})
    if partner.languages:
        options.append({"languages": (rng.choice(sorted(partner.languages)),)})
    if not options:
        return None
    return Understood(**rng.choice(options))  # type: ignore[arg-type]


def _merged(understood: Understood | None, ask: Understood) -> Understood:
    if understood is None:
        return ask
    return dataclasses.replace(
        understood,
        kinds=tuple(dict.fromkeys(understood.kinds + ask.kinds)),
        regions=tuple(dict.fromkeys(understood.regions + ask.regions)),
        countries=tuple(dict.fromkeys(understood.countries + ask.countries)),
        languages=tuple(dict.fromkeys(understood.languages + ask.languages)),
    )


def simulate_queries(
    dataset: Dataset,
    vectors: VectorLookup,
    embedder: Embedder,
    *,
    folds: int = 4,
    max_queries: int = 1000,
    ask_rate: float = 0.3,
    extra_requesters: int = 1,
    random_state: int = 0,
    layout: DenseLayout | None = None,
    scheme: str = "auto",
) -> TrainingData:
    """Features and labels of candidates for queries built from past projects (:func:`fold_plan`)."""
    from matcher.recommender import Recommender  # local: the recommender imports the rankers

    rng = random.Random(random_state)
    plan = fold_plan(dataset, usable_projects(dataset), folds=folds, max_queries=max_queries, scheme=scheme, rng=rng)
    members: dict[str, list[tuple[str, str]]] = {}
    for m in dataset.project_members:
        members.setdefault(m.project_id, []).append((m.partner_id, m.role))
    by_id = {p.id: p for p in dataset.projects}
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    gs: list[np.ndarray] = []

    def simulate_fold(fold: Fold) -> None:
        """The fold's queries against a catalogue without its hidden projects. A function of its own, so that the
        catalogue, its indexes and the last query (which holds them) are freed before the next fold builds its
        own: kept by the loop's variables, two were alive at once (3.45 GB of peak at 100k partners; at 1M the
        kernel killed the training at 21 GB)."""
        rec = Recommender(
            build_catalog(without_projects(dataset, set(fold.hidden)), vectors, embedder.dim), embedder, layout=layout
        )
        catalog = rec.catalog
        for project_id in fold.asked:
            team = members[project_id]
            lead = lead_of(team) or team[0][0]
            others = sorted({p for p, _ in team if p != lead})
            # the lead asks; with ``extra_requesters``, as many other members ask too (the service takes any
            # partner as requester): more queries about the same history, each with its own graph neighbourhood
            requesters = [lead, *rng.sample(others, min(extra_requesters, len(others)))]
            project = by_id[project_id]
            for requester in requesters:
                positives = sorted({p for p, _ in team if p != requester})
                query = rec.resolve(
                    project.text,
                    vectors([project.text])[0],
                    sdgs=frozenset(project.sdgs),
                    requester_id=requester if requester in catalog.partner_pos else None,
                )
                if positives and rng.random() < ask_rate:
                    ask = simulated_ask(catalog.partner(rng.choice(positives)), rng)
                    if ask is not None:
                        query.understood = _merged(query.understood, ask)
                rows = rec.candidates.generate(query)
                if len(rows) == 0:
                    continue
                labels = np.array([catalog.partners[r].id in positives for r in rows.tolist()], dtype=np.int8)
                if labels.sum() == 0:
                    continue
                xs.append(compute_features(catalog, query, rows, layout))
                ys.append(labels)
                gs.append(np.full(len(rows), len(gs), dtype=np.int32))

    for fold in plan.folds:
        simulate_fold(fold)
    n_queries = len(gs)
    if not xs:
        empty = np.zeros((0, len(FEATURES)), np.float32)
        return TrainingData(empty, np.zeros(0, np.int8), np.zeros(0, np.int32), 0, plan.scheme)
    return TrainingData(np.vstack(xs), np.concatenate(ys), np.concatenate(gs), n_queries, plan.scheme)
