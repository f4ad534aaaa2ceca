"""The process's C heap (glibc malloc): give freed memory back, and keep few arenas in a long-running service.

glibc gives a thread that allocates while another holds the heap lock an arena of its own, up to eight per core, and
returns an arena's freed pages to the OS only from its top. A service whose request, encoder and write threads all
allocate (numpy, the inference runtimes, the store) so keeps pages spread over many arenas: `matcher serve` on a 2k
store after 2 minutes of reads and description rewrites held 937-949 MB with the default, 842 MB with two arenas, at
the same latency (docs/performance.md, 2026-12-02). Elsewhere than glibc both functions do nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import os

#: mallopt's parameter number for the arena limit (glibc's malloc.h)
_M_ARENA_MAX = -8
SERVICE_ARENAS = 2


def _libc() -> ctypes.CDLL | None:
    with contextlib.suppress(OSError):
        return ctypes.CDLL("libc.so.6")
    return None


def trim() -> None:
    """Return freed heap memory to the OS (``malloc_trim``): a rebuild frees the previous snapshot and the store's row
    objects, ~100 MB at 100k partners that would otherwise stay in the resident size."""
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(AttributeError):
            libc.malloc_trim(0)


def limit_arenas(arenas: int = SERVICE_ARENAS) -> int | None:
    """Cap this process's malloc arenas at ``arenas``, and its child processes' (``MALLOC_ARENA_MAX``, read by glibc
    when a process starts), unless ``MALLOC_ARENA_MAX`` is set already: then that choice stands for both. Call it
    before the threads start. Returns the limit now in force, or None where it could not be set (not glibc)."""
    chosen = os.environ.get("MALLOC_ARENA_MAX")
    if chosen is not None:
        return int(chosen) if chosen.isdigit() else None
    libc = _libc()
    with contextlib.suppress(AttributeError):
        if libc is not None and libc.mallopt(_M_ARENA_MAX, arenas) == 1:
            os.environ["MALLOC_ARENA_MAX"] = str(arenas)
            return arenas
    return None
