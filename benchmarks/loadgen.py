"""A small closed-loop HTTP load generator: ``concurrency`` keep-alive connections, each sending the next POST as
soon as the previous answer is read, for ``duration`` seconds. Run it as its own process so that its CPU is not the
server's:

    python -m benchmarks.loadgen http://127.0.0.1:8765/v1/recommendations/collaborators queries.jsonl \\
        --concurrency 8 --duration 20

``queries.jsonl`` holds one JSON body per line; connections take them in turn. Prints one JSON object with the
statistics (:func:`summarize`). HTTP/1.1 over raw asyncio streams: ~0.1 ms of client CPU per request, so the
client measures the server rather than itself.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class LoadStats:
    """Latencies in milliseconds; ``rps`` counts successful responses per second of the measured window; ``sent``
    counts every request sent (warm-up included): more than the bodies given means bodies were sent again."""

    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    sent: int = 0


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in [0, 100]) of an ascending list; NaN when empty."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(latencies_s: list[float], errors: int, seconds: float, sent: int = 0) -> LoadStats:
    """Statistics of successful request latencies (seconds), the error count, the measured wall time and the
    number of requests sent."""
    ordered = sorted(v * 1000 for v in latencies_s)
    return LoadStats(
        requests=len(ordered),
        errors=errors,
        seconds=round(seconds, 3),
        rps=round(len(ordered) / seconds, 1) if seconds > 0 else math.nan,
        p50_ms=round(percentile(ordered, 50), 2),
        p90_ms=round(percentile(ordered, 90), 2),
        p99_ms=round(percentile(ordered, 99), 2),
        max_ms=round(ordered[-1], 2) if ordered else math.nan,
        sent=sent,
    )


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length framed); return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _connection(
    url: str, bodies: itertools.cycle[bytes], warmup_until: float, stop_at: float, out: dict[str, list[float]]
) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.open_connection(host, port)
    head = f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
    try:
        while (now := time.perf_counter()) < stop_at:
            body = next(bodies)
            out["sent"].append(now)
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
            try:
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                out["errors"].append(now)
                writer.close()
                try:
                    reader, writer = await asyncio.open_connection(host, port)
                except OSError:  # the server is gone: this connection stops, its failures are counted
                    return
                continue
            if now < warmup_until:
                continue
            out["latencies" if status == 200 else "errors"].append(time.perf_counter() - now)
    finally:
        writer.close()


async def run_load(url: str, bodies: list[bytes], *, concurrency: int, duration: float, warmup: float) -> LoadStats:
    """Drive ``url`` with ``concurrency`` connections for ``warmup + duration`` seconds; stats of the last part."""
    start = time.perf_counter()
    warmup_until, stop_at = start + warmup, start + warmup + duration
    out: dict[str, list[float]] = {"latencies": [], "errors": [], "sent": []}
    shared = itertools.cycle(bodies)
    await asyncio.gather(*(_connection(url, shared, warmup_until, stop_at, out) for _ in range(concurrency)))
    measured = time.perf_counter() - warmup_until
    return summarize(out["latencies"], len(out["errors"]), measured, len(out["sent"]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("bodies", type=Path, help="JSON Lines file: one request body per line")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds sent before measuring (default 3)")
    args = parser.parse_args(argv)
    bodies = [line.strip().encode() for line in args.bodies.read_text().splitlines() if line.strip()]
    if not bodies:
        parser.error(f"{args.bodies} holds no request bodies")
    stats = asyncio.run(
        run_load(args.url, bodies, concurrency=args.concurrency, duration=args.duration, warmup=args.warmup)
    )
    print(json.dumps(asdict(stats)))


if __name__ == "__main__":
    main()
