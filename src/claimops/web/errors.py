"""One mapping from errors to responses: {"error": {"code", "message"[, "details"]}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from claimops.errors import ClaimopsError

log = logging.getLogger("claimops")


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


def install(app: FastAPI) -> None:
    @app.exception_handler(ClaimopsError)
    async def _claimops(request: Request, exc: ClaimopsError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        if retry_after := getattr(exc, "retry_after", None):
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
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 401: "UNAUTHORIZED", 403: "FORBIDDEN"}
        return JSONResponse(
            error_body(codes.get(exc.status_code, "HTTP_ERROR"), str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("INTERNAL_ERROR", "an unexpected error occurred"), status_code=500)
