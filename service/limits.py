"""Request body size limit: 413 with the limit before the body is parsed (MATCHER_MAX_BODY_BYTES)."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _detail(size: int | None, limit: int) -> str:
    got = f" ({size} bytes)" if size is not None else ""
    return (
        f"The request body is too large{got}: the limit is {limit} bytes (MATCHER_MAX_BODY_BYTES). "
        "Send less, e.g. shorter texts or fewer items per request."
    )


class BodySizeLimit:
    """Pure ASGI middleware: rejects a declared Content-Length over the limit at once, and stops reading a
    chunked body as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    break
                if declared > limit:
                    await JSONResponse({"detail": _detail(declared, limit)}, status_code=413)(scope, receive, send)
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # an HTTPException passes FastAPI's body parsing unchanged and becomes the response
                    raise HTTPException(status_code=413, detail=_detail(None, limit))
            return message

        await self.app(scope, limited, send)
