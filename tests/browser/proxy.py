"""A pass-through proxy between the studio and the API that a test can cut.

The browser tests share one API, so stopping it would break every test running
beside the one that wants "the API is down". The studio talks to the API through
this proxy instead; a request whose path names a workflow key listed in the file
``$TRELLIS_PROXY_DOWN`` is answered 503, as a load balancer in front of a dead API
does, and everything else passes through untouched.

    TRELLIS_PROXY_TARGET=http://127.0.0.1:8000 TRELLIS_PROXY_DOWN=/tmp/down \\
        python -m uvicorn tests.browser.proxy:app --port 8001
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx

__all__ = ["app", "cut"]

Scope = dict[str, Any]
HOP_BY_HOP = {b"host", b"connection", b"transfer-encoding", b"content-length", b"keep-alive"}


def cut(path: str, down: list[str]) -> bool:
    """Whether ``path`` is about one of the ``down`` workflow keys."""
    segments = path.split("/")
    return any(key in segments for key in down)


async def _body(receive: Any) -> bytes:
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


async def _answer(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Proxy:
    def __init__(self) -> None:
        self.target = os.environ.get("TRELLIS_PROXY_TARGET", "http://127.0.0.1:8000")
        self.down = Path(os.environ.get("TRELLIS_PROXY_DOWN", "/nonexistent"))
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.client = httpx.AsyncClient(base_url=self.target, timeout=60)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self.client is not None:
                        await self.client.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http" or self.client is None:
            return
        body = await _body(receive)
        down = self.down.read_text(encoding="utf-8").split() if self.down.exists() else []
        if cut(scope["path"], down):
            problem = {"title": "Service Unavailable", "status": 503, "detail": "API down (test)"}
            await _answer(
                send,
                503,
                [(b"content-type", b"application/problem+json")],
                json.dumps(problem).encode(),
            )
            return
        query = scope.get("query_string", b"").decode()
        response = await self.client.request(
            scope["method"],
            scope["path"] + (f"?{query}" if query else ""),
            headers=[(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP],
            content=body,
        )
        headers = [
            (k.encode(), v.encode())
            for k, v in response.headers.items()
            if k.lower().encode() not in HOP_BY_HOP and k.lower() != "content-encoding"
        ]
        await _answer(send, response.status_code, headers, response.content)


app = Proxy()
