"""Domain errors. Each carries a stable code; the API maps them to HTTP once (web/errors.py)."""

from __future__ import annotations

from typing import Any


class ClaimopsError(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class ValidationFailed(ClaimopsError):
    status = 422
    code = "VALIDATION_ERROR"


class InvalidInput(ValidationFailed):
    """Input that failed its schema. `errors` are Pydantic's own (type, loc, ctx), so that a page can
    name each field in words by the error's type or code, never by its English message."""

    def __init__(self, message: str, *, errors: list[dict[str, Any]], details: Any = None) -> None:
        super().__init__(message, details=details)
        self.errors = errors


class NotFound(ClaimopsError):
    status = 404
    code = "NOT_FOUND"


class Conflict(ClaimopsError):
    status = 409
    code = "CONFLICT"


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"


class SandboxClaim(Conflict):
    """A drill's sandbox case number (SBX-...) given where a real claim is meant: it is never paid,
    notified, reported or moved."""

    code = "SANDBOX_CLAIM"


class Unauthorized(ClaimopsError):
    status = 401
    code = "UNAUTHORIZED"


class Forbidden(ClaimopsError):
    status = 403
    code = "FORBIDDEN"


class PayloadTooLarge(ClaimopsError):
    status = 413
    code = "FILE_TOO_LARGE"


class UnsupportedMedia(ClaimopsError):
    status = 415
    code = "UNSUPPORTED_FILE_TYPE"


class TooManyRequests(ClaimopsError):
    """Answered 429 with a Retry-After header (web/errors.py)."""

    status = 429
    code = "TOO_MANY_REQUESTS"

    def __init__(
        self, message: str, *, retry_after: int, code: str | None = None, details: Any = None
    ) -> None:
        super().__init__(message, code=code, details=details)
        self.retry_after = retry_after
