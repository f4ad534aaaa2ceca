"""The action-group signals' weights are measured on held-out memberships, on alliances whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.catalog import build_catalog
from matcher.domain import ActionGroup, Dataset, GroupMember, Partner, Project, ProjectMember
from matcher.evaluation.vectors import CachedVectors
from matcher.groups import DEFAULT_GROUP_WEIGHTS, GroupRecommender, _weight_grid, fit_group_weights
from tests.evaluation.fakes import BagOfWordsEmbedder

TOPICS = ("ocean", "forest", "music", "robots")


def alliance(*, groups_follow: str) -> Dataset:
    """Four groups, four circles of 6 partners who work together. ``groups_follow="circles"``: each circle joins the
    group of another topic than the one its texts talk about (only past partners in the group point to it);
    ``"texts"``: partners join the group of their topic, and their circles are mixed (only the text points to it)."""
    rng = np.random.default_rng(0)
    groups = [ActionGroup(f"g-{t}", f"{t.title()} group", f"{t} {t} {t} action group") for t in TOPICS]
    partners, projects, members, joined = [], [], [], []
    for c, topic in enumerate(TOPICS):
        for i in range(6):
            pid = f"p-{c}-{i}"
            talks = topic if groups_follow == "texts" else TOPICS[(c + 1) % 4]
            partners.append(Partner(pid, f"Org {c}{i}", f"we work on {talks} with {rng.integers(1000)}"))
            group = f"g-{topic}"
            joined.append(GroupMember(group, pid))
    for c in range(4):
        for j in range(3):  # three projects per circle; with "texts" each project mixes the circles
            project = f"prj-{c}-{j}"
            projects.append(Project(project, f"Project {c}{j}", "a shared project"))
            for i in range(6):
                circle = c if groups_follow == "circles" else (c + i) % 4
                members.append(ProjectMember(project, f"p-{circle}-{(i + j) % 6}"))
    return Dataset(partners, projects, groups, list(dict.fromkeys(members)), joined)


def catalog_of(dataset: Dataset):
    embedder = BagOfWordsEmbedder()
    return build_catalog(dataset, CachedVectors(embedder), embedder.dim)


def test_the_grid_covers_the_simplex() -> None:
    grid = _weight_grid(0.25)
    assert len(grid) == 15  # compositions of 4 quarters into 3 signals
    np.testing.assert_allclose(grid.sum(axis=1), 1.0)
    assert [1.0, 0.0, 0.0] in grid.tolist() and [0.0, 0.25, 0.75] in grid.tolist()


def test_when_only_past_partners_point_to_the_group_the_graph_weighs_most() -> None:
    catalog = catalog_of(alliance(groups_follow="circles"))
    fitted = fit_group_weights(catalog)
    weights = dict(fitted.weights)
    assert fitted.source == "measured" and fitted.memberships == 24
    assert weights["graph"] > DEFAULT_GROUP_WEIGHTS["graph"]  # moved towards past partners, as little as needed
    assert fitted.mrr == pytest.approx(1.0)  # every hidden membership ranked first
    assert fitted.default_mrr == pytest.approx(0.75)  # the fixed weights follow the texts: 1 in 2 found first


def test_when_only_the_text_points_to_the_group_the_text_weighs_most() -> None:
    catalog = catalog_of(alliance(groups_follow="texts"))
    fitted = fit_group_weights(catalog)
    weights = dict(fitted.weights)
    assert weights["graph"] < DEFAULT_GROUP_WEIGHTS["graph"]  # mixed circles: past partners are in every group
    assert fitted.mrr == pytest.approx(1.0)
    assert fitted.default_mrr is not None and fitted.default_mrr < 1.0


def test_too_few_memberships_keep_the_documented_defaults() -> None:
    dataset = alliance(groups_follow="circles")
    dataset.group_members = dataset.group_members[:5]
    fitted = fit_group_weights(catalog_of(dataset))
    assert fitted.source == "default" and dict(fitted.weights) == DEFAULT_GROUP_WEIGHTS


def test_hiding_a_group_leaves_its_name_and_the_partner_out_of_the_signals() -> None:
    catalog = catalog_of(alliance(groups_follow="circles"))
    rec = GroupRecommender(catalog)
    g = catalog.group_pos["g-ocean"]
    shown = rec.signals("p-0-0")
    hidden = rec.signals("p-0-0", hidden_group="g-ocean")
    assert hidden["lexical"][g] < shown["lexical"][g]  # "Ocean group" no longer in the partner's profile text
    assert shown["graph"][g] == pytest.approx(1 - np.exp(-5))  # five past partners in it, not counting itself
    np.testing.assert_allclose(hidden["graph"], shown["graph"])
