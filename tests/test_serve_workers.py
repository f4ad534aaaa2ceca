"""`matcher serve --workers 2`: two service processes on one port and one $MATCHER_HOME. They start one after the
other (the first imports the seed directory, the second finds it imported: one copy of each partner), both answer,
and a partner written through one is in the answers of both from the next request on (each read compares the store
revision: `MATCHER_REVISION_CHECK_INTERVAL` defaults to 0 with more than one worker).

Real processes with the packaged MiniLM (each worker loads its own copy; uvicorn spawns them, so no test double
reaches them): ~20 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from benchmarks.run import answering_processes
from tests import served
from tests.served import free_port

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny"
KEY = "workers-test-key-0123456789"
T = TypeVar("T")
NEW = {
    "id": "kelp-lab",
    "name": "Kelp Forest Laboratory",
    "type": "research_centre",
    "country": "NZ",
    "description": "A research laboratory restoring kelp forests with schools: pupils map kelp and count sea urchins.",
}


def call(port: int, method: str, path: str, body: object = None) -> tuple[int, dict]:
    status, text = served.call(port, method, path, body, key=KEY, close=True)
    return status, json.loads(text)


def parallel(request: Callable[[int], T], times: int = 48) -> list[T]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(request, range(times)))


def workers_of(parent: int) -> list[int]:
    """The service processes uvicorn spawned (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {
        **os.environ,
        "MATCHER_HOME": str(tmp_path / "home"),
        "MATCHER_ENCODERS": "minilm",
        "MATCHER_API_KEYS": KEY,
        "MATCHER_AUTO_TRAIN": "false",
        "MATCHER_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MATCHER_DATABASE_URL", None)
    env.pop("MATCHER_REVISION_CHECK_INTERVAL", None)
    command = [sys.executable, "-m", "matcher.cli", "serve", "--port", str(port), "--workers", "2", "--seed", str(TINY)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        deadline = time.monotonic() + 180
        answered: set[int] = set()  # the second worker starts after the first (their turns at start)
        while len(answered) < 2:
            assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the two workers did not start in 180 s"
            time.sleep(0.3)
            answered |= answering_processes(port)
        yield port, process
    finally:
        process.send_signal(signal.SIGINT)  # uvicorn stops its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_two_workers_share_one_store_and_see_each_others_writes(
    workers: tuple[int, subprocess.Popen[bytes]],
) -> None:
    port, process = workers
    pids = set(workers_of(process.pid))
    assert len(pids) == 2
    query = {"text": "restoring kelp forests and counting sea urchins with school pupils", "k": 3}
    # eight at a time, so that both workers take connections (one after the other, one worker may take them all)
    before = parallel(lambda _: call(port, "POST", "/v1/recommendations/collaborators", query))
    assert all(status == 200 and body["data"][0]["partner_id"] != "kelp-lab" for status, body in before)
    health = parallel(lambda _: call(port, "GET", "/v1/health")[1])
    assert {h["process"] for h in health} == pids  # both answer
    assert {h["partners"] for h in health} == {12}  # the seed imported once, not once per worker

    status, _ = call(port, "POST", "/v1/partners", NEW)
    assert status == 201

    # both workers had compared the store revision just before the write: one that compared only at intervals
    # (MATCHER_REVISION_CHECK_INTERVAL=30 here fails this test) would answer without it
    after = parallel(lambda _: call(port, "POST", "/v1/recommendations/collaborators", query))
    tops = [(status, body["data"][0]["partner_id"] if status == 200 else body) for status, body in after]
    assert all(top == (200, "kelp-lab") for top in tops), tops
    health = parallel(lambda _: call(port, "GET", "/v1/health")[1])
    assert {h["process"] for h in health} == pids and {h["partners"] for h in health} == {13}
