"""The ``matcher`` command line: ingest, recommend, serve, status, convert."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from matcher import heap
from matcher.errors import UnknownIdError
from matcher.io.importer import ImportValidationError, read_directory
from matcher.settings import Settings, setup_logging

if TYPE_CHECKING:
    from matcher.embedding.ray_batch import RayBatchEmbedding
    from matcher.engine import Matcher

app = typer.Typer(
    help="Partner matching for a global education alliance. State lives in $MATCHER_HOME (default ./.matcher).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _open() -> tuple[Settings, object]:
    from matcher.engine import Matcher

    settings = Settings()
    setup_logging(settings)
    return settings, Matcher(settings).open()


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _iso_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} {value!r} is not a date; give it as YYYY-MM-DD (e.g. 2019-01-01)", code=2) from None


class IngestEngine(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def ingest(
    directory: Annotated[Path, typer.Argument(help="Import directory (partners.csv, projects.csv, ...)")],
    engine: Annotated[
        IngestEngine,
        typer.Option(help="Where new texts are embedded: this process, or a pool of Ray actors (matcher[ray])"),
    ] = IngestEngine.local,
    address: Annotated[
        str | None, typer.Option(help="--engine ray: an existing Ray cluster (auto, ray://host:10001); default local")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="--engine ray: embedder actors, one CPU each")] = 2,
) -> None:
    """Validate and import a directory; only new or changed texts are embedded. All or nothing."""
    from matcher import learning
    from matcher.embedding.ray_batch import RayEmbeddingError
    from matcher.engine import Matcher
    from matcher.themes import persist
    from matcher.themes_fit import ensure_themes

    settings, matcher = _open()
    assert isinstance(matcher, Matcher)
    embed = _ray_embedding(settings, matcher, address, workers) if engine is IngestEngine.ray else None
    try:
        report = learning.ingest(matcher, directory, show_progress=sys.stderr.isatty(), embed=embed)
    except ImportValidationError as exc:
        raise _fail(str(exc), code=2) from None
    except RayEmbeddingError as exc:
        raise _fail(str(exc)) from None
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    for kind, count in report.counts.items():
        line = f"{kind:16} {count:7d}"
        if kind in report.sync.added:
            s = report.sync
            line += f"  (+{s.added[kind]} added, {s.updated[kind]} updated, {s.removed[kind]} removed)"
        typer.echo(line)
    typer.echo(f"embedded {report.embedded} new text(s), reused {report.reused} cached vector(s)")
    # the service's first start then loads them instead of fitting them (~28 s at 2k partners)
    if ensure_themes(matcher):
        typer.echo(f"themes fitted and saved to {persist.theme_path(settings.home)}")


def _ray_embedding(settings: Settings, matcher: Matcher, address: str | None, workers: int) -> RayBatchEmbedding:
    """The Ray job computing ingest's new vectors: ``workers`` actors, each with this process's embedding settings
    on one thread (:mod:`matcher.embedding.ray_batch`)."""
    from functools import partial

    from matcher.embedding.ray_batch import RayBatchEmbedding, RayUnavailableError, import_ray
    from matcher.engine import create_embedder

    try:
        import_ray()
    except RayUnavailableError as exc:
        raise _fail(str(exc), code=2) from None
    factory = partial(create_embedder, settings.model_copy(update={"threads": 1}))
    return RayBatchEmbedding(
        factory,
        model=matcher.embedder.name,
        workers=workers,
        batch_size=settings.batch_size,
        address=address,
        show_progress=sys.stderr.isatty(),
    )


@app.command()
def recommend(
    text: Annotated[str | None, typer.Option("--text", help="Describe the project")] = None,
    project: Annotated[str | None, typer.Option("--project", help="A stored project id")] = None,
    requester: Annotated[str | None, typer.Option("--requester", help="Your partner id")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="How many suggestions")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Suggest collaborators for a project description (and/or a stored project)."""
    from matcher.engine import Matcher

    _, matcher = _open()
    assert isinstance(matcher, Matcher)
    if not text and not project:
        raise _fail('give --text "a project description" or --project ID', code=2)
    if matcher.store.counts()["partners"] == 0:
        raise _fail("the store is empty: run `matcher ingest DIR` first (e.g. `matcher ingest data/sample`)")
    try:
        declined = matcher.suppressed(requester, project_id=project)  # as the API: declined stays out
        results = matcher.recommender.collaborators(
            text=text, project_id=project, requester_id=requester, k=k, exclude=declined
        )
    except UnknownIdError as exc:
        raise _fail(str(exc), code=2) from None
    if as_json:
        payload = {"data": [asdict(m) for m in results], "count": len(results)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for rank, m in enumerate(results, start=1):
        typer.echo(
            f"{rank:2d}. {m.name} [{m.partner_id}] — {m.type or 'unknown kind'}, {m.country or '??'}  "
            f"score {m.score:.3f}"
        )
        for reason in m.reasons:
            typer.echo(f"      · {reason}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    seed: Annotated[Path | None, typer.Option(help="Import this directory first if the store is empty")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Service processes sharing the port and $MATCHER_HOME, each with its own copy of the catalogue "
            "(memory x N): for machines with more cores than one process keeps busy (docs/scaling.md)",
        ),
    ] = 1,
) -> None:
    """Run the HTTP service (OpenAPI docs at /docs)."""
    import uvicorn

    settings = Settings().serving()  # a bad setting fails here, before any process starts
    setup_logging(settings)
    heap.limit_arenas()  # before any thread starts; the worker processes inherit it
    # every process builds its settings from the environment (service.app.served_app): pass the options there
    if seed is not None:
        os.environ["MATCHER_SEED_DIR"] = str(seed)
    if workers > 1:  # a write reaches the other processes before their next read, unless told otherwise
        os.environ.setdefault("MATCHER_REVISION_CHECK_INTERVAL", "0")
    uvicorn.run(
        "service.app:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
    )


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """Counts, model, index kind and where the state lives."""
    from matcher.engine import Matcher

    _, matcher = _open()
    assert isinstance(matcher, Matcher)
    info = matcher.status()
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    for kind, count in info["counts"].items():
        typer.echo(f"{kind:16} {count}")
    typer.echo(f"model            {info['model']} ({info['dim']}-d)")
    typer.echo(f"index            {info['index']['kind']} ({info['index']['vectors']} vectors)")
    for name, described in info["indexes"].items():
        recall = described.get("recall_at_10")
        depth = f" among the {described['depth']} returned" if described.get("depth", 10) > 10 else ""
        shown = "exact" if described["kind"].endswith(":Flat") else f"recall@10 {recall}{depth} (measured at build)"
        extra = f", efSearch {described['ef_search']}" if "ef_search" in described else ""
        typer.echo(f"{'index.' + name:16} {described['kind']}, {described['vectors']} vectors, {shown}{extra}")
    typer.echo(f"ranker           {info['ranker']}")
    typer.echo(f"store            {info['store']}")
    typer.echo(f"home             {info['home']}")


@app.command()
def train(
    out: Annotated[Path | None, typer.Option(help="Where to save (default $MATCHER_HOME/models/ranker.joblib)")] = None,
) -> None:
    """Learn the ranker from the store's collaboration history; writes the model and its model card (.md)."""
    from matcher import learning
    from matcher.engine import Matcher

    _, matcher = _open()
    assert isinstance(matcher, Matcher)
    ranker = learning.train(matcher, out)
    if ranker is None:
        raise _fail("not enough history to learn a ranker (cold start): the default weights stay in use")
    target = out or matcher.settings.ranker_path
    typer.echo(
        f"learned ranker saved to {target} ({ranker.n_queries_} simulated queries, "
        f"training AUC {ranker.train_auc_:.3f}); model card: {target.with_suffix('.md')}"
    )


@app.command()
def evaluate(
    directory: Annotated[Path, typer.Argument(help="A dataset in the import format")],
    test_fraction: Annotated[float, typer.Option(min=0.05, max=0.5, help="Share of projects held out")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the random split (used when projects lack dates)")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    split_date: Annotated[
        str | None,
        typer.Option(
            help="Temporal split: train on projects starting before this date (YYYY-MM-DD), ask about the rest"
        ),
    ] = None,
    test_until: Annotated[
        str | None, typer.Option(help="With --split-date: ask only about projects starting up to this date")
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(help="Vector cache, reused across runs (default $MATCHER_HOME/cache/evaluation-vectors.npz)"),
    ] = None,
    ablation: Annotated[
        bool, typer.Option("--ablation", help="Add rows: the logistic ranker without each group of signals")
    ] = False,
    teams: Annotated[
        bool, typer.Option("--teams", help="Also propose a team of the real size for each held-out project")
    ] = False,
    translations: Annotated[
        Path | None,
        typer.Option(
            help="CSV of held-out projects' requests in other languages (project_id,language,title,description,"
            "seeking): recall@10 and the share of the original answer kept, per language"
        ),
    ] = None,
    training: Annotated[
        str,
        typer.Option(
            help="How the learned rows' simulated queries are drawn from the training side: auto (temporal when "
            "nearly every project has a start date), temporal (recent projects asked of what came before them) "
            "or kfold (random folds)"
        ),
    ] = "auto",
) -> None:
    """Hide links, ask for them back: recall@10/50, nDCG@10, MRR, coverage for baselines and rankers, each with a
    bootstrap 95 % interval over the queries."""
    from matcher.engine import create_embedder
    from matcher.evaluation import RANKER_ROWS, ablation_rows
    from matcher.evaluation import evaluate as run_evaluation

    settings = Settings()
    setup_logging(settings)
    start = _iso_date(split_date, "--split-date") if split_date is not None else None
    until = _iso_date(test_until, "--test-until") if test_until is not None else None
    if until is not None and start is None:
        raise _fail("--test-until needs --split-date (the first day of the test period)", code=2)
    from matcher.evaluation.translated import TranslationsError, read_translations

    try:
        dataset = read_directory(directory).dataset
        requests = read_translations(translations) if translations is not None else []
    except (ImportValidationError, TranslationsError, OSError) as exc:
        raise _fail(str(exc), code=2) from None
    try:
        report = run_evaluation(
            dataset,
            create_embedder(settings),
            test_fraction=test_fraction,
            seed=seed,
            cache=cache or settings.cache_dir / "evaluation-vectors.npz",
            split_date=start,
            test_until=until,
            rankers=RANKER_ROWS + (ablation_rows() if ablation else ()),
            teams=teams,
            translations=requests,
            training_scheme=training,
            progress=lambda step: typer.echo(f"evaluate: {step}", err=True),
        )
    except ValueError as exc:
        raise _fail(str(exc), code=2) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, default=str))
        return
    typer.echo(report.to_markdown())
    for key, value in report.info.items():
        typer.echo(f"{key}: {value}")


@app.command()
def convert(
    kind: Annotated[str, typer.Argument(help="urbact, etmun or h2020")],
    source: Annotated[Path, typer.Argument(help="The dataset folder, e.g. ../shared/datasets/urbact")],
    target: Annotated[Path, typer.Argument(help="Where to write the import files")],
    max_members: Annotated[int | None, typer.Option(help="etmun only: subsample members")] = None,
    cutoff: Annotated[
        str | None,
        typer.Option(help="h2020 only: organisations are described by their projects starting before this date"),
    ] = None,
) -> None:
    """Turn a real collaboration dataset into the import format (for `matcher evaluate`)."""
    from matcher.datasets import LOADERS
    from matcher.datasets import convert as run_convert

    if kind not in LOADERS:
        raise _fail(f"unknown dataset kind {kind!r}; allowed: {', '.join(LOADERS)}", code=2)
    options: dict[str, object] = {"max_members": max_members} if kind == "etmun" and max_members else {}
    if cutoff is not None:
        if kind != "h2020":
            raise _fail(f"--cutoff applies to h2020 only, not {kind}", code=2)
        options["cutoff"] = _iso_date(cutoff, "--cutoff")
    try:
        dataset = run_convert(kind, source, target, **options)  # type: ignore[arg-type]
    except (OSError, ValueError) as exc:
        raise _fail(str(exc), code=2) from None
    counts = ", ".join(f"{n} {k}" for k, n in dataset.counts().items())
    typer.echo(f"wrote {target}: {counts}")


from matcher.keys_cli import app as keys_app  # noqa: E402
from matcher.themes_cli import app as themes_app  # noqa: E402

app.add_typer(themes_app, name="themes")
from matcher.team.cli import app as team_app  # noqa: E402

app.add_typer(team_app)  # consortium, assign-groups
app.add_typer(keys_app, name="keys")

if __name__ == "__main__":  # pragma: no cover
    app()
