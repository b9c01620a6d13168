"""One mapping from errors to responses: {"error": {"code", "message"[, "details"]}} for the API, the
error page (or the form again) for pages."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from claimops.db import is_busy
from claimops.errors import ClaimopsError
from claimops.web import pagekit

log = logging.getLogger("claimops")

# Seconds a client should wait before trying a request again that met a busy database.
RETRY_AFTER = 2
HTTP_CODES = {
    400: "MALFORMED_BODY",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
}


class HttpError(ClaimopsError):
    """A refusal by the web server itself (unknown path, wrong method, busy database), for the pages'
    error page; the API answers these with the JSON error shape directly."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, code=code)
        self.status = status


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    """Every error the API answers: {"error": {"code", "message"[, "details"]}}."""

    error: ErrorDetail


WHEN = {
    400: "The body is not well-formed (JSON or form that cannot be parsed)",
    401: "Not authenticated, or the token has expired or been revoked",
    403: "The caller's role may not do this, or four eyes forbid it",
    404: "The claim, policy or other resource does not exist",
    409: "The request conflicts with the resource's state (lifecycle, already paid, limit)",
    410: "The link has expired",
    413: "The body is larger than the limit",
    415: "The file type is not accepted",
    422: "The input is invalid; details.fields names each field",
    429: "Too many attempts; Retry-After says when to try again",
    503: "The database is busy (a lock wait ran out); Retry-After says when to try again",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the errors a route answers, all in the one error shape."""
    return {s: {"model": ErrorOut, "description": WHEN[s]} for s in statuses}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        err["details"] = details
    return {"error": err}


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header", "form")]
        out.append({"field": ".".join(loc), "message": str(e.get("msg", "")), "type": e.get("type", "")})
    return out


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    @app.exception_handler(ClaimopsError)
    async def _claimops(request: Request, exc: ClaimopsError) -> Response:
        retry_after = getattr(exc, "retry_after", None)
        if not is_api(request):  # a page: the error page, or the form again (web/pagekit.py)
            response = await run_in_threadpool(pagekit.error_page, request, exc)
            if retry_after:
                response.headers["Retry-After"] = str(retry_after)
            return response
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        if retry_after:
            headers["Retry-After"] = str(retry_after)
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details), status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _field_errors(exc)
        summary = "; ".join(f"{f['field'] or 'request'}: {f['message']}" for f in fields[:5])
        return JSONResponse(
            error_body("VALIDATION_ERROR", f"invalid input: {summary}", {"fields": fields}), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        if not is_api(request):  # an unknown page, a wrong method: the error page, in the user's language
            error = HttpError(exc.status_code, HTTP_CODES.get(exc.status_code, "HTTP_ERROR"), str(exc.detail))
            response = await run_in_threadpool(pagekit.error_page, request, error)
            response.headers.update(headers)
            return response
        return JSONResponse(
            error_body(HTTP_CODES.get(exc.status_code, "HTTP_ERROR"), str(exc.detail)),
            status_code=exc.status_code,
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("INTERNAL_ERROR", "an unexpected error occurred"), status_code=500)

    # The request's unit of work has been rolled back and its connection returned by then (get_session).
    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def _database(request: Request, exc: Exception) -> Response:
        if is_busy(exc):
            log.warning("busy database on %s %s: %s", request.method, request.url.path, exc)
            if not is_api(request):  # rendered without the database, which is what is busy
                busy = HttpError(503, "BUSY", "the database is busy with another request")
                response = pagekit.plain_error_page(request, busy)
                response.headers["Retry-After"] = str(RETRY_AFTER)
                return response
            return busy_response()
        if isinstance(exc, DataError):  # a value the database refuses: out of range, NUL in text
            log.warning("value refused by the database on %s %s: %s", request.method, request.url.path, exc)
            return JSONResponse(
                error_body("INVALID_VALUE", "a value is out of range or not allowed"), status_code=422
            )
        return await _unexpected(request, exc)


def busy_response() -> JSONResponse:
    return JSONResponse(
        error_body("BUSY", "the database is busy with another request; try again in a moment"),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:  # PARTIAL: the path matches, the method does not
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)
