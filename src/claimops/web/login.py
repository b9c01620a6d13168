"""Logging in and out of the workbench, and the language switch."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import fmt_local, utcnow
from claimops.errors import ClaimopsError, Forbidden
from claimops.i18n import normalize_lang, t
from claimops.users.login import AccountLocked
from claimops.users.login import login as log_in
from claimops.users.security import decode_token, login_csrf_token, same
from claimops.users.service import revoke_token, token_for, user_for_token
from claimops.web.deps import (
    COOKIE,
    ClientAddress,
    EngineDep,
    LangDep,
    SessionDep,
    SettingsDep,
    secure_cookies,
)
from claimops.web.pagekit import LANG_COOKIE, Page, PageForm, csrf_ok, local_path, redisplay, text

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "claimops_login_csrf"


def _login_page(page: Page, status_code: int = 200, **extra: object) -> Response:
    """The login form with its CSRF token: before there is a session, the signature of a random cookie
    (double submit), kept while the cookie lives so that two open login tabs both work."""
    request, settings = page.request, page.settings
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not 16 <= len(nonce) <= 64:
        nonce = secrets.token_urlsafe(24)
    csrf = login_csrf_token(nonce, settings.resolved_secret_key)
    response = page.render("login.html", login_csrf=csrf, status_code=status_code, **extra)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, settings),
    )
    return response


def _login_again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    if isinstance(exc, AccountLocked):
        error = t("error.ACCOUNT_LOCKED", page.lang, until=fmt_local(exc.until))
    else:
        error = page.error_text(exc)
    return _login_page(page, exc.status, error=error, username=page.form.get("username", ""))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: LangDep, settings: SettingsDep) -> Response:
    return _login_page(Page(request, None, settings, lang))


@router.post("/login")
@redisplay(_login_again)
def login(
    request: Request, form: PageForm, engine: EngineDep, settings: SettingsDep, address: ClientAddress
) -> Response:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not nonce or not same(form.get("csrf", ""), login_csrf_token(nonce, settings.resolved_secret_key)):
        raise Forbidden("the form has expired; reload the page", code="CSRF_FAILED")
    user = log_in(
        engine=engine,
        username=text(form, "username"),
        password=password if isinstance(password := form.get("password"), str) else "",
        address=address,
        now=utcnow(),
        settings=settings,
    )
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        token_for(user, settings),
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, settings),
        max_age=settings.token_minutes * 60,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login", httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, settings: SettingsDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    if not csrf_ok(request, csrf, settings):
        return RedirectResponse("/", status_code=303)
    try:
        claims = decode_token(request.cookies.get(COOKIE, ""), secret=settings.resolved_secret_key)
        user = user_for_token(session=session, claims=claims)
        revoke_token(session=session, user=user, claims=claims, now=utcnow())
    except ClaimopsError:
        pass  # expired or already ended: nothing left to revoke
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return response


@router.get("/lang/{code}")
def switch_language(code: str, back: Annotated[str, Query(alias="next")] = "/") -> Response:
    response = RedirectResponse(local_path(back), status_code=303)
    response.set_cookie(LANG_COOKIE, normalize_lang(code), max_age=365 * 86400, samesite="lax")
    return response
