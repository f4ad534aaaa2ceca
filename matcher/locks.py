"""An exclusive lock between processes, held on a file (``flock``): the processes that share a ``MATCHER_HOME``
(the workers of one ``matcher serve --workers N``, replicas started on one folder) take turns where they would
otherwise write the same files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the block; another process asking for it waits.
    Released when the block ends or the process dies. A no-op where ``fcntl`` is missing (not POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(path, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
