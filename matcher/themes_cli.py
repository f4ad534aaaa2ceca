"""``matcher themes fit|show|export``: fit themes on the store's partners and projects, look at them, export them."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from matcher.settings import Settings
from matcher.themes import persist
from matcher.themes.model import OUTLIER, ThemeModel

app = typer.Typer(help="Themes: clusters of partners and projects, labelled by their distinctive terms.")


def _settings() -> Settings:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "sentence_transformers", "faiss", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return settings


def _load(settings: Settings) -> ThemeModel:
    path = persist.theme_path(settings.home)
    try:
        return persist.load(path)
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


def _summary(model: ThemeModel) -> dict[str, Any]:
    return {
        "count": model.n_themes_,
        "outlier_rate": round(model.outlier_rate_, 4),
        "noise_rate": round(model.noise_rate_, 4),
        "languages": model.languages_,
        "silhouette": None if model.selection_ is None else model.selection_.scores,
        "lineage": model.lineage_,
        "data": [
            {"id": t.id, "label": t.label, "terms": list(t.terms), "size": t.size, "partners": t.partners}
            for t in sorted(model.themes_, key=lambda t: (-t.size, t.id))
        ],
    }


def _print(model: ThemeModel) -> None:
    typer.echo(f"{'id':>4} {'size':>5} {'partners':>8}  label  [more terms]")
    for t in sorted(model.themes_, key=lambda t: (-t.size, t.id)):
        typer.echo(f"{t.id:>4} {t.size:>5} {t.partners:>8}  {t.label}  [{', '.join(t.terms[3:7])}]")
    outliers = int((model.labels_ == OUTLIER).sum())
    typer.echo(f"outliers: {outliers} document(s), {model.outlier_rate_:.1%}; languages: {', '.join(model.languages_)}")


@app.command()
def fit(
    n_themes: Annotated[str, typer.Option("--n-themes", help="'auto' (best silhouette) or a number")] = "auto",
    method: Annotated[str, typer.Option(help="kmeans or hdbscan")] = "kmeans",
    min_similarity: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Cosine a document needs to join its nearest theme")
    ] = 0.2,
    min_size: Annotated[int, typer.Option(min=2, help="Fewest documents per theme, on average (caps the number)")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Fit themes on the store's partners and projects; ids follow the saved themes. Saves $MATCHER_HOME/themes.json."""
    from matcher.engine import Matcher
    from matcher.themes_fit import refit

    if method not in ("kmeans", "hdbscan"):
        raise typer.BadParameter(f"{method!r}; allowed: kmeans, hdbscan", param_hint="--method")
    if n_themes != "auto" and not (n_themes.isdigit() and int(n_themes) >= 1):
        raise typer.BadParameter(f"{n_themes!r}; give 'auto' or a whole number >= 1", param_hint="--n-themes")
    settings = _settings()
    matcher = Matcher(settings).open()
    if matcher.store.counts()["partners"] == 0:
        typer.echo("the store is empty: run `matcher ingest DIR` first (e.g. `matcher ingest data/sample`)", err=True)
        raise typer.Exit(1)
    model = ThemeModel(
        method=method,  # type: ignore[arg-type]
        n_themes=n_themes if n_themes == "auto" else int(n_themes),  # type: ignore[arg-type]
        min_similarity=min_similarity,
        min_theme_size=min_size,
    )
    try:
        fitted = refit(matcher, model)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(_summary(fitted), ensure_ascii=False, indent=2))
        return
    if fitted.selection_ is not None:
        curve = ", ".join(f"{k}: {s:.3f}" for k, s in fitted.selection_.scores.items())
        typer.echo(f"silhouette by number of themes: {curve}")
        typer.echo(f"chosen: {fitted.selection_.best} themes (best mean silhouette)")
    _print(fitted)
    lineage = fitted.lineage_
    typer.echo(
        f"ids: {len(lineage['kept'])} kept, {len(lineage['new'])} new, {len(lineage['retired'])} retired; "
        f"saved to {persist.theme_path(settings.home)}"
    )


@app.command()
def show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """The saved themes: id, size, label and more terms."""
    model = _load(_settings())
    if as_json:
        typer.echo(json.dumps(_summary(model), ensure_ascii=False, indent=2))
        return
    _print(model)


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="A .csv (one row per partner/project) or .json (the whole model) file")],
) -> None:
    """Export the saved themes: each document's theme as CSV, or the model as JSON."""
    model = _load(_settings())
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json"):
        typer.echo(f"{out}: unknown format {suffix or '(none)'!r}; use a .csv or .json file name", err=True)
        raise typer.Exit(2)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        out.write_text(json.dumps(persist.to_dict(model), ensure_ascii=False, indent=1))
    else:
        labels = {t.id: t.label for t in model.themes_}
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["kind", "id", "theme", "label", "similarity"])
            for (key, theme), similarity in zip(model.assignments_.items(), model.similarity_.tolist(), strict=True):
                kind, item = key.split(":", 1)
                writer.writerow([kind, item, theme, labels.get(theme, ""), f"{similarity:.4f}"])
    typer.echo(f"wrote {out} ({len(model.assignments_)} documents, {model.n_themes_} themes)")
