"""Request limits enforced before any routing, authentication or parsing (a plain ASGI middleware).

- Size: a body over its limit is refused by its Content-Length (413), and one sent without a length
  (chunked) is cut off once it passes the limit. Uploads may be `max_upload_bytes` plus the multipart
  framing; every other body (JSON, forms) `max_body_bytes`.
- NUL: PostgreSQL text cannot hold the NUL character, and no field of ours has a use for it. A NUL in
  the path, the query string or a (non-upload) body is refused (422) here, in one place, rather than
  by every schema and query parameter. In uploads only the file holds bytes; the filename is cleaned
  by the upload service (claims/uploads.py) and the other fields are checked against known values.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimops.config import Settings
from claimops.web.errors import error_body

# Part headers and boundaries of a multipart upload (doc_type, csrf and the file's own headers).
MULTIPART_OVERHEAD = 64 * 1024
UPLOAD_PATH = re.compile(r"^(/api/v1)?(/portal)?/claims/[^/]+/documents/?$")
# A JSON "\u0000" escape: the backslash itself not escaped (preceded by an even number of them).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


def _content_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    return int(value) if value is not None and value.isdigit() else None


def _has_nul(body: bytes, content_type: str) -> bool:
    if b"\x00" in body:
        return True
    if "json" in content_type:
        return JSON_NUL.search(body) is not None
    if "x-www-form-urlencoded" in content_type:
        return b"%00" in body
    return False


class RequestLimits:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.upload_limit = settings.max_upload_bytes + MULTIPART_OVERHEAD
        self.body_limit = settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope["query_string"] or b"\x00" in scope["query_string"]:
            await _refuse_nul(scope, receive, send)
            return
        headers = Headers(scope=scope)
        upload = scope["method"] == "POST" and UPLOAD_PATH.match(scope["path"]) is not None
        limit = self.upload_limit if upload else self.body_limit
        length = _content_length(headers)
        if length is not None and length > limit:
            await _too_large(limit)(scope, receive, send)
            return
        if upload:
            await self._stream(scope, receive, send, limit)
            return
        body, more = await _read_body(receive, limit)
        if more:  # sent without a Content-Length, and longer than the limit
            await _too_large(limit)(scope, receive, send)
            return
        if _has_nul(body, headers.get("content-type", "")):
            await _refuse_nul(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _stream(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Hands the upload on as it arrives, and stops reading it once it passes the limit."""
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:  # read where no exception handler sees it
            if started:
                raise
            await _too_large(limit)(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole body, or what came of it up to the limit and True when there is more."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # a disconnect, for whoever listens for one
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _too_large(limit: int) -> JSONResponse:
    message = f"the request body is larger than the limit of {limit} bytes"
    # The rest of the body is not read: close the connection rather than read it to keep it alive.
    return JSONResponse(
        error_body("REQUEST_TOO_LARGE", message), status_code=413, headers={"Connection": "close"}
    )


async def _refuse_nul(scope: Scope, receive: Receive, send: Send) -> None:
    body = error_body("INVALID_CHARACTER", "text may not contain the NUL character (\\u0000)")
    await JSONResponse(body, status_code=422)(scope, receive, send)
