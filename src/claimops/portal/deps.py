"""The portal's own authentication: a customer token (bearer or the portal cookie), never a staff one."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, Request, Response, UploadFile
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from claimops.config import Settings
from claimops.errors import Forbidden, PayloadTooLarge, Unauthorized
from claimops.portal.security import decode_customer_token
from claimops.portal.service import customer_for_token
from claimops.users.security import csrf_token, login_csrf_token, same
from claimops.web.deps import CSRF_HEADER, SAFE_METHODS, SessionDep, SettingsDep, secure_cookies

PORTAL_COOKIE = "claimops_portal"
# The forms posted before there is a customer session (sign-in, one-time code, survey link) carry the
# signature of this random cookie (double submit), as the staff login does: a page elsewhere cannot
# sign the claimant in as someone else or post in their name.
LOGIN_CSRF_COOKIE = "claimops_portal_login_csrf"
bearer = HTTPBearer(auto_error=False, scheme_name="CustomerToken")


async def get_customer_claims(
    request: Request,
    settings: SettingsDep,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> dict[str, Any]:
    token = credentials.credentials if credentials else request.cookies.get(PORTAL_COOKIE)
    if not token:
        raise Unauthorized("sign in to the customer portal", code="NOT_AUTHENTICATED")
    claims = decode_customer_token(token, secret=settings.resolved_secret_key)
    claims["_token"] = token
    if credentials is None and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            sent = form.get("csrf")  # type: ignore[assignment]
        if not same(sent, csrf_token(token, settings.resolved_secret_key)):
            raise Forbidden("the form has expired; reload the page", code="CSRF_FAILED")
    return claims


CustomerClaims = Annotated[dict[str, Any], Depends(get_customer_claims)]


def login_nonce(request: Request) -> str:
    """The browser's nonce, kept while its cookie lives so that two open portal tabs both work."""
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return nonce if 16 <= len(nonce) <= 64 else secrets.token_urlsafe(24)


def set_login_nonce(response: Response, request: Request, nonce: str, settings: Settings) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        path="/portal",
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, settings),
    )


async def check_login_csrf(request: Request, settings: SettingsDep) -> None:
    """Runs before the handler (a route dependency), so a refused post writes nothing."""
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    form = await request.form()
    if not nonce or not same(form.get("csrf"), login_csrf_token(nonce, settings.resolved_secret_key)):
        raise Forbidden("the form has expired; reload the page", code="CSRF_FAILED")


LoginCsrf = Depends(check_login_csrf)


def get_customer_id(session: SessionDep, claims: CustomerClaims) -> int:
    return customer_for_token(session=session, claims=claims)


CustomerId = Annotated[int, Depends(get_customer_id)]


def read_upload(file: UploadFile, settings: Settings) -> bytes:
    """The uploaded file's bytes, refused past the upload limit before more is read."""
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the file is larger than the limit of {settings.max_upload_bytes} bytes")
    return data
