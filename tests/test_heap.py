"""The C heap settings of a long-running process (matcher/heap.py), checked in child processes: they are per process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

glibc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is Linux's")


def run(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=environ, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@glibc
def test_limit_arenas_caps_this_process_and_passes_the_cap_to_child_processes() -> None:
    out = run("""
        import os, subprocess, sys
        from matcher import heap
        print(heap.limit_arenas(), os.environ["MALLOC_ARENA_MAX"])
        print(subprocess.run([sys.executable, "-c", "import os; print(os.environ['MALLOC_ARENA_MAX'])"],
                             capture_output=True, text=True).stdout.strip())
    """)
    assert out.splitlines() == ["2 2", "2"]


@glibc
def test_an_operators_malloc_arena_max_stands() -> None:
    assert run("from matcher import heap; print(heap.limit_arenas())", MALLOC_ARENA_MAX="6") == "6"
    assert run("from matcher import heap; print(heap.limit_arenas())", MALLOC_ARENA_MAX="lots") == "None"


@glibc
def test_threads_allocating_at_once_share_the_capped_arenas() -> None:
    """Eight threads allocating together: glibc makes an arena per contending thread unless capped (counted by
    malloc_info's <heap nr=...> entries)."""
    code = """
        import ctypes, os, re, tempfile, threading
        from matcher import heap
        if os.environ.get("CAP"):
            heap.limit_arenas(2)
        barrier = threading.Barrier(8)
        def work():
            barrier.wait()
            blocks = [bytearray(4096) for _ in range(20_000)]
            barrier.wait()
        threads = [threading.Thread(target=work) for _ in range(8)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        libc = ctypes.CDLL("libc.so.6")
        libc.fopen.restype = ctypes.c_void_p
        with tempfile.NamedTemporaryFile("r") as f:
            stream = libc.fopen(f.name.encode(), b"w")
            libc.malloc_info(0, ctypes.c_void_p(stream))
            libc.fclose(ctypes.c_void_p(stream))
            print(len(re.findall(r'<heap nr="', f.read())))
    """
    capped, default = int(run(code, CAP="1")), int(run(code))
    assert capped <= 2 < default
