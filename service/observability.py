"""What an operator sees: a request id on every response and log line, security headers, JSON logs, Prometheus metrics.

- ``X-Request-ID``: taken from the request when it is a sane token (1-128 characters of
  ``A-Z a-z 0-9 . _ ~ : + / = -``), else a new one; kept in a context variable that a logging filter copies into
  every record (``request_id``).
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer`` on every response.
- An exception no route answered (a bug, a ``ValueError`` included) is logged with its traceback and request id, and
  answered 500 with that id in the body.
- ``MATCHER_LOG_FORMAT=json``: one JSON object per log line (time, level, logger, message, request_id).
- ``GET /metrics``: Prometheus text format (prometheus-client), one registry per app.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from matcher.engine import Matcher

logger = logging.getLogger(__name__)
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._~:+/=-]{1,128}")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
TEXT_FORMAT = "%(levelname)s %(name)s [%(request_id)s]: %(message)s"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def request_id_of(header: str | None) -> str:
    """The client's request id when it is a sane token, else a new random one (32 hex digits)."""
    if header is not None and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


# -- logs -------------------------------------------------------------------------------------------------------------
class RequestIdFilter(logging.Filter):
    """Copies the current request id (``-`` outside a request) into each record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message``, ``request_id`` (and ``exception``)."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(log_format: str) -> None:
    """Put the request id in every log line: each handler of the root logger and of uvicorn's loggers gets the
    filter; console handlers (plain ``StreamHandler``) get the text or JSON format. Idempotent."""
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
                handler.addFilter(RequestIdFilter())
            if type(handler) is logging.StreamHandler:
                handler.setFormatter(formatter)


# -- metrics ----------------------------------------------------------------------------------------------------------
class MatcherCollector(Collector):
    """Gauges read from the serving matcher at scrape time: snapshot and store revisions, the ranker in use, index
    sizes and measured recall."""

    def __init__(self, matcher: Callable[[], Matcher | None], ranker_state: Callable[[], dict[str, Any]]) -> None:
        self._matcher = matcher
        self._ranker_state = ranker_state

    def collect(self) -> Iterator[Any]:
        matcher = self._matcher()
        if matcher is None:
            return
        rec = matcher.recommender
        yield GaugeMetricFamily(
            "matcher_snapshot_revision", "Store revision of the catalog and index being served", value=matcher.revision
        )
        yield GaugeMetricFamily(
            "matcher_store_revision", "Current store revision (writes move it)", value=matcher.store.revision()
        )
        state = self._ranker_state()
        info = InfoMetricFamily("matcher_ranker", "The ranker in use")
        info.add_metric([], {"name": rec.ranker.name})
        yield info
        yield GaugeMetricFamily(
            "matcher_ranker_stale", "1 when the ranker was trained on another store revision", value=state["stale"]
        )
        yield GaugeMetricFamily(
            "matcher_ranker_retraining", "1 while the ranker is retrained in the background", value=state["retraining"]
        )
        vectors = GaugeMetricFamily("matcher_index_vectors", "Vectors in the index", labels=["index"])
        recall = GaugeMetricFamily(
            "matcher_index_recall_at_10",
            "Recall@10 of the index against exact search, measured at build among the ids a request reads (200)",
            labels=["index"],
        )
        for name, index in rec.indexes.items():
            vectors.add_metric([name], index.count())
            if index.recall_at_10 is not None:
                recall.add_metric([name], index.recall_at_10)
        yield vectors
        yield recall
        stats = matcher.snapshot_stats
        if stats.rebuilds:
            yield GaugeMetricFamily(
                "matcher_snapshot_age_seconds",
                "Seconds since the served snapshot was built",
                value=time.time() - stats.built_at,
            )
            yield GaugeMetricFamily(
                "matcher_snapshot_rebuild_seconds",
                "How long the last snapshot rebuild took",
                value=stats.rebuild_seconds,
            )
            yield CounterMetricFamily(
                "matcher_snapshot_rebuilds", "Snapshot rebuilds since start", value=stats.rebuilds
            )
            yield CounterMetricFamily(
                "matcher_snapshot_deltas", "Store deltas applied to the snapshot since start", value=stats.deltas
            )
            yield CounterMetricFamily(
                "matcher_snapshot_refits", "Background refits of the snapshot since start", value=stats.refits
            )
        cache = matcher.query_cache
        if cache is not None:
            yield CounterMetricFamily(
                "matcher_query_embedding_seconds", "Seconds spent embedding query texts", value=cache.embedding_seconds
            )
            yield CounterMetricFamily(
                "matcher_query_embeddings", "Inference calls for query texts", value=cache.embedding_calls
            )
            lookups = CounterMetricFamily(
                "matcher_query_cache_lookups", "Query-vector cache lookups", labels=["result"]
            )
            lookups.add_metric(["hit"], cache.hits)
            lookups.add_metric(["miss"], cache.misses)
            yield lookups


class Metrics:
    """The app's Prometheus registry: HTTP requests and latency by method, route template and status."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ["method", "route", "status"]
        self.requests = Counter(
            "matcher_http_requests", "HTTP requests by route template and status", labels, registry=self.registry
        )
        self.latency = Histogram(
            "matcher_http_request_duration_seconds",
            "Time from request to the end of the response, by route template and status",
            labels,
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)

    def endpoint(self, _: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope, mounts: tuple[str, ...] = ()) -> str:
    """The path template of the route that answered (``/v1/partners/{partner_id}``), ``<mount>/{path}`` for files
    under one of ``mounts``, else ``unmatched``: ids and file names never become label values.

    A route of an included router knows its path without the router's prefix; the prefix is the part of the request
    path before the route's own segments (path parameters never hold a ``/``)."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(route, Mount) or not isinstance(template, str):
        mount = next((m for m in mounts if scope["path"].startswith(m + "/")), None)
        return f"{mount}/{{path}}" if mount else "unmatched"
    segments = [part for part in scope["path"].split("/") if part]
    own = [part for part in template.split("/") if part]
    prefix = segments[: max(len(segments) - len(own), 0)]
    return "".join(f"/{part}" for part in prefix) + template


class Observability:
    """Pure ASGI middleware: request id (context variable and ``X-Request-ID``), security headers, the request
    counted and timed in ``metrics``, and a 500 for an exception no route answered, logged with the request id."""

    def __init__(self, app: ASGIApp, metrics: Metrics, mounts: tuple[str, ...] = ()) -> None:
        self.app = app
        self.metrics = metrics
        self.mounts = mounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), None)
        request_id = request_id_of(header)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500
        started_response = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                started_response = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error answering %s %s", scope["method"], scope["path"])
            if started_response:  # too late for a 500: the server closes the connection
                raise
            detail = f"Internal Server Error: a fault of the service, not of the request (request id {request_id})."
            await JSONResponse({"detail": detail}, status_code=500)(scope, receive, send_with_headers)
        finally:
            self.metrics.observe(
                scope["method"], route_template(scope, self.mounts), status, time.perf_counter() - started
            )
            REQUEST_ID.reset(token)
