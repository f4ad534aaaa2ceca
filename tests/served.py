"""Talking to `matcher serve` processes a test started: a free port, one HTTP call with an API key."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(port: int, method: str, path: str, body: object = None, *, key: str, close: bool = False) -> tuple[int, bytes]:
    """Status and body of one request (errors too). ``close``: a new connection (the kernel hands each new
    connection to any of the processes listening on the port)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("content-type", "application/json")
    request.add_header("authorization", f"Bearer {key}")
    if close:
        request.add_header("connection", "close")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
