"""Told of every committed write on PostgreSQL: ``LISTEN`` on the store's channel, on a connection of its own in a
thread of its own, and call back with each announced revision (:func:`matcher.store.changes.record_change` sends
them with ``pg_notify`` in the write's transaction).

Whatever the listener misses (it starts after some writes, or its connection drops) is caught up right after it
(re)connects: the callback is called with the store's revision then, and the caller applies the change log from its
own revision. Polling the revision stays the fallback (:meth:`matcher.engine.Matcher.refresh_if_stale`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable

from matcher.store.changes import channel_of

logger = logging.getLogger(__name__)


def conninfo(url: str) -> str:
    """A libpq connection string from a SQLAlchemy URL (``postgresql+psycopg://...``): options such as a
    ``search_path`` stay, so the listener sees the same schema as the store."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    """Calls ``on_revision(revision)`` for each announced write (and once after each (re)connection with the
    store's revision). :meth:`start` runs it in a daemon thread; :meth:`stop` ends it within ``poll`` seconds."""

    def __init__(
        self, url: str, on_revision: Callable[[int], object], *, poll: float = 0.5, retry: float = 1.0
    ) -> None:
        self.url = url
        self.on_revision = on_revision
        self.poll = poll
        self.retry = retry
        self.notifications = 0
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> ChangeListener:
        self._thread = threading.Thread(target=self._run, name="store-listener", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as exc:  # a dropped connection, a restarted server: reconnect and catch up
                self.connected.clear()
                logger.warning("change listener lost its connection (%s); reconnecting in %.0f s", exc, self.retry)
                self._stop.wait(self.retry)

    def _listen(self) -> None:
        import psycopg

        name = f"matcher-listener-{os.getpid()}"  # pg_stat_activity tells which process listens
        with psycopg.connect(conninfo(self.url), autocommit=True, application_name=name) as conn:
            schema = conn.execute("SELECT current_schema()").fetchone()
            channel = channel_of(str(schema[0] if schema else "public"))
            conn.execute(f'LISTEN "{channel}"')
            row = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
            self.connected.set()
            self._call(int(row[0]) if row else 0)  # what was missed before listening
            while not self._stop.is_set():
                for note in conn.notifies(timeout=self.poll):
                    self.notifications += 1
                    try:
                        revision = int(json.loads(note.payload)["revision"])
                    except (ValueError, KeyError, TypeError):
                        logger.warning("ignoring a malformed change notification: %.200s", note.payload)
                        continue
                    self._call(revision)
                    if self._stop.is_set():
                        break

    def _call(self, revision: int) -> None:
        try:
            self.on_revision(revision)
        except Exception:  # the snapshot stays as it was; polling or the next notification catches up
            logger.exception("applying the changes up to revision %d failed", revision)
