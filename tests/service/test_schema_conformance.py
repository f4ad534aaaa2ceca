"""The API against its own OpenAPI document: schemathesis, every check and every phase, in-process (ASGI).

A bounded run (fixed seed, a few examples per operation) over the whole document, on a writable copy of the tiny
alliance with an admin key: every response must be documented (status, content type, headers, body schema), every
input the document calls invalid must be refused and every valid one accepted, and ``OPTIONS`` (an undocumented
method) must get 405 with ``Allow``. The count of distinct failures is what the CLI reports (``st run --checks all``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from tests.conftest import open_copy
from tests.service.writes_support import KEY

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency: pip install -e '.[dev]'")

SEED = 20261201
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
NEGATIVE_STATUSES = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
#: Operations whose valid-looking requests may get 422 for a rule no JSON Schema can state: across the path and the
#: body (a PUT body's id must be the path's), across records (a member or feedback must name a stored partner;
#: feedback cannot be about its requester), or across the alliance (team constraints no team can meet).
CROSS_RECORD_RULES = [
    ("PUT", "/v1/partners/{partner_id}"),
    ("PUT", "/v1/projects/{project_id}"),
    ("PUT", "/v1/action-groups/{group_id}"),
    ("POST", "/v1/projects/{project_id}/members"),
    ("POST", "/v1/action-groups/{group_id}/members"),
    ("POST", "/v1/feedback"),
    ("POST", "/v1/recommendations/consortium"),
    ("POST", "/v1/action-groups/assignments"),
]
MAX_EXAMPLES = 5  # per operation and phase: the whole document in about two minutes on 2 cores


@dataclass
class Conformance:
    """What a run found: distinct failures as ``operation: check: title``, and operations that errored."""

    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cases: int = 0
    operations: int = 0

    def report(self) -> str:
        lines = [f"{len(self.failures)} distinct failure(s), {len(self.errors)} error(s) in {self.cases} cases"]
        lines += [f"  FAIL {line}" for line in self.failures]
        lines += [f"  ERROR {line}" for line in self.errors]
        return "\n".join(lines)


def check_conformance(app: FastAPI, *, seed: int = SEED, max_examples: int = MAX_EXAMPLES) -> Conformance:
    """Run schemathesis (all checks, all phases, positive and negative data) against ``app`` in-process."""
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events, from_schema
    from schemathesis.engine.statistic import Statistic

    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            # how fast data is generated depends on the machine's load, not on the API: not a conformance finding
            "suppress-health-check": ["too_slow"],
            "headers": {"Authorization": f"Bearer {KEY}"},
            # 412 answers a stale If-Match: a valid request about a state that changed, like 404 and 409
            # 413 refuses a body over MATCHER_MAX_BODY_BYTES: a rejection like 422
            "checks": {
                "enabled": True,
                "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES},
                "negative_data_rejection": {"expected-statuses": NEGATIVE_STATUSES},
            },
            "phases": {"enabled": True, "stateful": {"max-steps": 2 * max_examples}},
            "generation": {"mode": "all", "max-examples": max_examples, "database": "none"},
            "workers": 1,
            "cache": {"enabled": False},  # every run starts afresh (no .schemathesis/ state)
            "operations": [
                {
                    "include-method": method,
                    "include-path": path,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "422"]}},
                }
                for method, path in CROSS_RECORD_RULES
            ],
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    statistic = Statistic()
    found = Conformance()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.NonFatalError):
            found.errors.append(f"{event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    for label, groups in sorted(statistic.failures.items()):
        for group in groups.values():
            for failure in group.failures:
                where = failure.operation or label
                line = f"{where}: {failure.title}: {failure.message}".replace("\n", " ")
                answer = f"-> {group.response.status_code} {group.response.text[:300]}" if group.response else ""
                found.failures.append(f"{line}\n      {group.code_sample or ''}\n      {answer}".rstrip())
    found.cases = statistic.total_cases
    found.operations = len(statistic.tested_operations)
    return found


@pytest.fixture
def app(tmp_path: Path, tiny_home: Path, embedder: Embedder) -> Iterator[FastAPI]:
    """The service over a writable copy of the tiny alliance, with the admin key schemathesis sends."""
    from tests.service.writes_support import client_for

    matcher: Matcher = open_copy(tiny_home, tmp_path / "home", embedder)
    yield client_for(matcher).app
    matcher.close()


def test_the_api_conforms_to_its_openapi_document(app: FastAPI) -> None:
    found = check_conformance(app)
    assert found.operations > 20, found.report()
    assert not found.failures and not found.errors, found.report()
