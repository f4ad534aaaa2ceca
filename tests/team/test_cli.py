"""``matcher consortium`` and ``matcher assign-groups`` in-process, on the tiny alliance in a private MATCHER_HOME."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from matcher.cli import app
from matcher.embedding.base import Embedder
from tests.conftest import OCEAN_QUERY, TINY

runner = CliRunner()


def run(home: Path, *args: str) -> Result:
    return runner.invoke(app, list(args), env={"MATCHER_HOME": str(home), "MATCHER_DATABASE_URL": None})


@pytest.fixture(autouse=True)
def shared_model(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("matcher.engine.create_embedder", lambda settings: embedder)


@pytest.fixture
def home(tmp_path: Path, embedder: Embedder) -> Iterator[Path]:
    home = tmp_path / "home"
    result = run(home, "ingest", str(TINY))
    assert result.exit_code == 0, result.output
    yield home


def test_consortium_json_meets_the_constraints_and_text_names_the_binding_ones(home: Path) -> None:
    args = ["consortium", "--text", OCEAN_QUERY, "--size", "3", "--kind", "university:1:1", "--min-countries", "3"]
    result = run(home, *args, "--json")

    assert result.exit_code == 0, result.output
    team = json.loads(result.output)
    members = team["members"]
    assert len(members) == 3 and team["optimal"] is True
    assert [m["type"] for m in members].count("university") == 1
    assert len({m["country"] for m in members}) == 3
    assert all(m["reasons"] for m in members)

    text = run(home, *args)
    assert text.exit_code == 0, text.output
    assert "binding: " in text.output and "at most 1 university" in text.output
    assert f"[{members[0]['partner_id']}]" in text.output.splitlines()[0]


def test_consortium_bad_input_exits_2_naming_the_field(home: Path) -> None:
    result = run(home, "consortium", "--text", OCEAN_QUERY, "--size", "0")
    assert result.exit_code == 2
    assert "size.min: 0 is not allowed; a team has at least 1 member" in result.output

    result = run(home, "consortium", "--text", OCEAN_QUERY, "--kind", "university:3")
    assert result.exit_code == 2
    assert "at least 3 universities: only 2 candidates match the filters" in result.output


def test_assign_groups_dry_run_then_apply(home: Path) -> None:
    dry = run(home, "assign-groups", "--partner", "stem-uni", "--partner", "garden-city", "--json")
    assert dry.exit_code == 0, dry.output
    planned = {(a["group_id"], a["partner_id"]) for a in json.loads(dry.output)["assignments"]}
    assert {p for _, p in planned} == {"stem-uni", "garden-city"}

    applied = run(home, "assign-groups", "--partner", "stem-uni", "--partner", "garden-city", "--apply")
    assert applied.exit_code == 0, applied.output
    assert "written" in applied.output.splitlines()[-1]
    again = run(home, "assign-groups", "--partner", "stem-uni", "--partner", "garden-city", "--json")
    # each is in its group now: the only group left for each is the other one
    assert {(a["group_id"], a["partner_id"]) for a in json.loads(again.output)["assignments"]}.isdisjoint(planned)


def test_assign_groups_with_a_quota_a_preference_and_an_exclusion(home: Path) -> None:
    # Youth Empowerment takes 2 of stem-uni, garden-city and teacher-net, with at least 1 university: stem-uni, and
    # garden-city, since teacher-net may not join it
    args = ["assign-groups", "--group", "youth-empowerment:2:2", "--quota", "youth-empowerment:university:1"]
    partners = ["--partner", "stem-uni", "--partner", "garden-city", "--partner", "teacher-net"]
    result = run(home, *args, *partners, "--prefer", "garden-city:youth-empowerment",
                 "--avoid", "teacher-net:youth-empowerment", "--json")  # fmt: skip

    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {a["partner_id"] for a in body["assignments"]} == {"stem-uni", "garden-city"}
    assert [a["preferred"] for a in body["assignments"] if a["partner_id"] == "garden-city"] == [True]
    assert body["unassigned"] == ["teacher-net"]

    refused = run(home, "assign-groups", "--quota", "youth-empowerment:university:1")
    assert refused.exit_code == 2
    assert "--quota: group 'youth-empowerment' is not among the --group options" in refused.output
    regions = run(home, *args, "--min-regions", "youth-empowerment:9")
    assert regions.exit_code == 2
    assert "groups[0].min_regions: at least 9 regions in Youth Empowerment" in regions.output
