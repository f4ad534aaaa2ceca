"""Two `matcher serve` replicas over one PostgreSQL: a write on one is applied by the other as soon as PostgreSQL
announces it (polling is set to 30 s here, so only the notification can explain it), under read load; a replica whose
listener lost its connection, or that was killed and restarted, catches up; neither reloads the whole catalogue
for a write (the rebuild and delta counters of /metrics).

The 1-second bound is the issue's acceptance figure, loose on purpose: the deltas here take milliseconds; the
measured write-to-visible ratios live in benchmarks/replicas.py."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from matcher.engine import Matcher
from matcher.settings import Settings
from tests import served
from tests.served import free_port
from tests.store.support import HashEmbedder, generated_dataset, postgres_reachable, postgres_schema

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
KEY = "replica-test-key-0123456789"
SERVE = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, os.environ["MATCHER_TEST_ROOT"])
    import matcher.engine
    from tests.store.support import HashEmbedder

    matcher.engine.create_embedder = lambda settings: HashEmbedder()
    from matcher.cli import app
    app(["serve", "--port", sys.argv[1]])
    """
)


def call(port: int, method: str, path: str, body: object = None) -> tuple[int, bytes]:
    return served.call(port, method, path, body, key=KEY)


def metric(port: int, name: str) -> float:
    _, text = call(port, "GET", "/metrics")
    found = re.search(rf"^{name} ([0-9.e+-]+)$", text.decode(), re.MULTILINE)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


@dataclass
class Replica:
    home: Path
    url: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Replica:
        env = {
            **os.environ,
            "MATCHER_TEST_ROOT": str(ROOT),
            "MATCHER_HOME": str(self.home),
            "MATCHER_DATABASE_URL": self.url,
            "MATCHER_API_KEYS": KEY,
            "MATCHER_AUTO_TRAIN": "false",
            "MATCHER_RANKER": "default",
            "MATCHER_REVISION_CHECK_INTERVAL": "30",
            "MATCHER_LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(self.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        while True:
            assert self.process.poll() is None, self.process.stderr.read().decode()  # type: ignore[union-attr]
            try:
                if call(self.port, "GET", "/v1/health")[0] == 200:
                    return self
            except OSError:
                pass
            assert time.monotonic() < deadline, "the replica did not start in 120 s"
            time.sleep(0.2)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def revision(self) -> int:
        return int(metric(self.port, "matcher_snapshot_revision"))


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[Replica, Replica, Matcher]]:
    reason = postgres_reachable()
    if reason:
        pytest.skip(reason)
    with postgres_schema() as url:
        settings = Settings(home=tmp_path / "seed", database_url=url, seed_dir=None, auto_train=False, ranker="default")
        seeder = Matcher(settings, embedder=HashEmbedder()).open()
        seeder.store.replace_dataset(generated_dataset(80), model=seeder.embedder.name, vectors={})
        a = Replica(tmp_path / "a", url, free_port()).start()
        b = Replica(tmp_path / "b", url, free_port()).start()
        try:
            yield a, b, seeder
        finally:
            a.kill()
            b.kill()
            seeder.close()


def wait_for(condition: object, timeout: float = 10.0) -> float:
    """Seconds until ``condition()`` holds (fails after ``timeout``)."""
    started = time.perf_counter()
    while not condition():  # type: ignore[operator]
        assert time.perf_counter() - started < timeout, "not visible in time"
        time.sleep(0.005)
    return time.perf_counter() - started


def test_a_write_on_one_replica_is_applied_by_the_other(replicas: tuple[Replica, Replica, Matcher]) -> None:
    a, b, seeder = replicas
    store = seeder.store
    stop = threading.Event()
    reads: list[int] = []

    def read_load() -> None:  # bounded: stops with the writes, at most 5,000 requests
        while not stop.is_set() and len(reads) < 5_000:
            status, _ = call(b.port, "POST", "/v1/recommendations/collaborators", {"text": "ocean garden", "k": 5})
            reads.append(status)

    readers = [threading.Thread(target=read_load) for _ in range(2)]
    for thread in readers:
        thread.start()
    delays = []
    try:
        for n in range(50):
            body = {"description": f"Kelp forest restoration with divers, season {n}."}
            if n == 49:
                body = {"description": "Seagrass meadow cartography with drones."}
            assert call(a.port, "PATCH", f"/v1/partners/gen-{n:05d}", body)[0] == 200
            revision = store.revision()
            delays.append(wait_for(lambda: b.revision() >= revision))  # noqa: B023 - called at once
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert set(reads) == {200} and len(reads) > 0
    delays.sort()
    assert delays[int(0.99 * len(delays))] < 1.0, delays
    query = {"text": "seagrass meadow cartography drones", "k": 3}
    _, found = call(b.port, "POST", "/v1/recommendations/collaborators", query)
    assert json.loads(found)["data"][0]["partner_id"] == "gen-00049"
    for replica in (a, b):
        assert metric(replica.port, "matcher_snapshot_rebuilds_total") == 1  # the start only
        assert metric(replica.port, "matcher_snapshot_deltas_total") >= 1


def test_a_replica_that_missed_writes_catches_up(replicas: tuple[Replica, Replica, Matcher]) -> None:
    a, b, seeder = replicas
    store = seeder.store
    from sqlalchemy import text

    # the listener's connection drops (a network cut, a restarted pgbouncer): writes meanwhile come from the log
    with store.engine.connect() as conn:
        pid = b.process.pid  # type: ignore[union-attr]
        killed = conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
            {"name": f"matcher-listener-{pid}"},
        ).all()
    assert killed == [(True,)]
    for n in range(3):
        body = {"id": f"late-{n}", "name": f"Late {n}", "description": f"Mangrove nursery number {n}."}
        assert call(a.port, "POST", "/v1/partners", body)[0] == 201
    revision = store.revision()
    wait_for(lambda: b.revision() >= revision)
    assert metric(b.port, "matcher_snapshot_rebuilds_total") == 1

    # killed and restarted: it starts from the store (its one full build), then follows by deltas again
    b.kill()
    assert call(a.port, "DELETE", "/v1/partners/late-0")[0] == 204
    assert call(a.port, "POST", "/v1/projects/gen-project-0001/members", {"partner_id": "late-1"})[0] == 201
    b.start()
    assert b.revision() == store.revision()
    status, similar = call(b.port, "GET", "/v1/partners/late-1/similar?k=3")
    assert status == 200 and json.loads(similar)["data"][0]["partner_id"] == "late-2"  # the other mangrove nursery
    assert call(b.port, "GET", "/v1/partners/late-0/similar")[0] == 404
    assert call(a.port, "PATCH", "/v1/partners/late-2", {"description": "Mangrove nursery and kelp."})[0] == 200
    revision = store.revision()
    wait_for(lambda: b.revision() >= revision)
    for replica in (a, b):
        assert metric(replica.port, "matcher_snapshot_rebuilds_total") == 1
    assert metric(b.port, "matcher_snapshot_deltas_total") >= 1
    assert metric(a.port, "matcher_snapshot_deltas_total") >= 6
