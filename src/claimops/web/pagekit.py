"""The page toolkit: what every server-rendered page needs, and nothing of any business domain.

A page handler takes `PageDep` (who asks, in which language), declares its permission on the route
(`dependencies=[require_page("report.read")]`) and its form as `CsrfForm`, calls one service and
renders or redirects. It does not catch errors: web/errors.py renders a `ClaimopsError` on a page as
the error page, or, for a handler marked `@redisplay(...)`, as the same form again with the error
above it and what was typed still in it. Only the users package is imported (who is logged in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.errors import ClaimopsError, Forbidden, InvalidInput, Unauthorized
from claimops.i18n import has, t
from claimops.schemas import InputError
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.roles import can
from claimops.users.security import csrf_token, decode_token, same
from claimops.users.service import actor_for, user_for_token
from claimops.web.deps import COOKIE, LangDep, SessionDep, SettingsDep, lang_of
from claimops.web.templating import context, templates

LANG_COOKIE = "claimops_lang"
FORM_STATE = "claimops_form"  # request.state: the posted form, for the error handler to show again

# Form field -> label key, where the field's name is not already a web.field.* key.
FIELD_LABELS = {
    "holder.name": "web.field.holder_name",
    "holder.id_number": "web.field.holder_id_number",
    "holder.phone": "web.field.holder_phone",
    "holder.region": "web.field.region",
    "payee.name": "web.claim.payee_name",
    "payee.bank": "web.claim.payee_bank",
    "payee.account": "web.claim.payee_account",
    "method": "web.claim.payment_method",
    "payment_method": "web.claim.payment_method",
    "assessed_loss": "web.claim.assessed_loss",
    "outcome": "web.claim.outcome",
    "reason_codes": "web.claim.reasons",
    "note": "web.claim.note",
}


class LoginRequired(Unauthorized):
    """No valid session on a page: web/errors.py answers with a redirect to /login."""

    code = "LOGIN_REQUIRED"


# --- who asks -------------------------------------------------------------------------------------


def session_user(request: Request, session: Session, settings: Settings) -> User | None:
    """The user of the session cookie; None when there is none or it no longer holds (expired, forged,
    logged out, or a disabled account)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        claims = decode_token(token, secret=settings.resolved_secret_key)
        return user_for_token(session=session, claims=claims)
    except ClaimopsError:
        return None


def page_user(request: Request, session: SessionDep, settings: SettingsDep) -> User:
    user = session_user(request, session, settings)
    if user is None:
        raise LoginRequired("log in to see this page")
    return user


PageUser = Annotated[User, Depends(page_user)]


def require_page(permission: str) -> Any:
    """A route dependency: the error page (403) when the user's role lacks `permission`."""

    async def check(user: PageUser) -> None:
        if not can(user.role, permission):
            raise Forbidden("your role may not see this page")

    return Depends(check)


# --- forms ----------------------------------------------------------------------------------------


async def read_form(request: Request) -> FormData:
    """The posted form, read on the event loop before any database work. Handlers that use the
    database are plain `def` (run in the thread pool): a blocking call on the event loop stalls every
    other request, and one waiting on a row lock whose holder cannot run stalls the server for good."""
    form = await request.form()
    setattr(request.state, FORM_STATE, form)
    return form


# Declared before PageUser, so that the body is in before the request's transaction begins.
PageForm = Annotated[FormData, Depends(read_form)]


def csrf_ok(request: Request, sent: object, settings: Settings) -> bool:
    token = request.cookies.get(COOKIE, "")
    return bool(token) and same(sent, csrf_token(token, settings.resolved_secret_key))


async def csrf_form(request: Request, form: PageForm, user: PageUser, settings: SettingsDep) -> FormData:
    """The posted form of a logged-in user, with the page's CSRF token (403 CSRF_FAILED without it)."""
    if not csrf_ok(request, form.get("csrf"), settings):
        raise Forbidden("the form has expired; reload the page", code="CSRF_FAILED")
    return form


CsrfForm = Annotated[FormData, Depends(csrf_form)]


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else default


def texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def form_values(form: FormData) -> dict[str, str]:
    """What the person typed, to show the form again after an error (files and the CSRF token left out)."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf"}


# --- rendering ------------------------------------------------------------------------------------


def here(request: Request) -> str:
    """This page's address without ?lang, for the language switch to come back to."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + (f"?{urlencode(query)}" if query else "")


def local_path(target: str | None) -> str:
    """Only a path on this site: no scheme or host, and nothing a browser would read as //host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target) or urlsplit(target).netloc:
        return "/"
    return target


@dataclass
class Page:
    """Who asks for a page, in which language: what rendering and error messages need."""

    request: Request
    user: User | None
    settings: Settings
    lang: str

    @property
    def actor(self) -> Actor:
        """The logged-in user as the services take them (LoginRequired on a page without one)."""
        if self.user is None:
            raise LoginRequired("log in to see this page")
        return actor_for(self.user, self.settings)

    @property
    def form(self) -> FormData:
        """The form this request posted (empty for a GET)."""
        return getattr(self.request.state, FORM_STATE, None) or FormData()

    def error_text(self, exc: Exception) -> str:
        return error_text(exc, self.lang)

    def render(self, name: str, *, status_code: int = 200, **extra: Any) -> Response:
        user, request = self.user, self.request
        token = request.cookies.get(COOKIE, "") if user is not None else ""
        role = user.role if user is not None else None

        def allowed(permission: str) -> bool:
            return role is not None and can(role, permission)

        extra.setdefault("here", here(request))
        ctx = context(
            self.lang,
            request=request,
            user=user,
            csrf=csrf_token(token, self.settings.resolved_secret_key) if token else "",
            path=request.url.path,
            can=allowed,
            **extra,
        )
        response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
        if "lang" in request.query_params:  # ?lang=en sticks, as the switch does
            response.set_cookie(LANG_COOKIE, self.lang, max_age=365 * 86400, samesite="lax")
        return response


async def _page(request: Request, user: PageUser, settings: SettingsDep, lang: LangDep) -> Page:
    return Page(request, user, settings, lang)


PageDep = Annotated[Page, Depends(_page)]


# --- errors ---------------------------------------------------------------------------------------

# Shows a form again after `exc`: (page, a fresh session, the error) -> the page.
Redisplay = Callable[[Page, Session, ClaimopsError], Response]
F = TypeVar("F", bound=Callable[..., Any])


def redisplay(again: Redisplay) -> Callable[[F], F]:
    """Mark a form handler: on a ClaimopsError the error handler shows `again` instead of the error page."""

    def mark(endpoint: F) -> F:
        endpoint.redisplay = again  # type: ignore[attr-defined]
        return endpoint

    return mark


def _input_error(err: Any, lang: str) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    scoped = f"web.field.{err.get('schema')}.{loc}"  # e.g. web.field.CourseIn.minutes
    label_key = scoped if has(scoped, lang) else FIELD_LABELS.get(loc, f"web.field.{loc}")
    label = t(label_key, lang) if loc and has(label_key, lang) else loc
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, InputError):  # our own validators carry a code (claimops.schemas)
        key = f"web.input.{cause.code}"
        text_ = t(key, lang) if has(key, lang) else str(cause)
    elif kind == "value_error":
        text_ = str(cause if cause is not None else err.get("msg", ""))
    else:
        key = f"web.input.{kind}"
        text_ = t(key, lang, **ctx) if has(key, lang) else str(err.get("msg", ""))
    if not label:
        return text_
    return f"{label}：{text_}" if lang == "zh" else f"{label}: {text_}"


def error_text(exc: Exception, lang: str) -> str:
    """The flash message: translated where the catalogue knows the code, else the service's own text."""
    if isinstance(exc, InvalidInput):
        sep, space = ("；", "") if lang == "zh" else ("; ", " ")
        return (
            t("error.VALIDATION_ERROR", lang)
            + space
            + sep.join(_input_error(e, lang) for e in exc.errors[:4])
        )
    if isinstance(exc, ClaimopsError):
        key = f"error.{exc.code}"
        return t(key, lang) if has(key, lang) else exc.message
    return str(exc)


def to_login(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    if request.cookies.get(COOKIE):  # expired, forged or for a disabled account
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return response


def error_page(request: Request, exc: ClaimopsError) -> Response:
    """A ClaimopsError on a page: the form again where the handler says so, else the error page.

    Runs after the request's unit of work was rolled back, in a unit of work of its own (a form shown
    again reads, and the claim page records who saw it)."""
    endpoint = getattr(request.scope.get("route"), "endpoint", None)
    again: Redisplay | None = getattr(endpoint, "redisplay", None)
    if isinstance(exc, LoginRequired) or (exc.status == 401 and again is None):
        return to_login(request)
    settings: Settings = request.app.state.settings
    with unit_of_work(request.app.state.engine) as session:
        page = Page(request, session_user(request, session, settings), settings, lang_of(request))
        if again is not None:
            try:
                return again(page, session, exc)
            except ClaimopsError as failed:  # what the form belongs to is gone (a claim number not found)
                exc = failed
        return page.render("error.html", error=page.error_text(exc), status_code=exc.status)


def plain_error_page(request: Request, exc: ClaimopsError) -> Response:
    """The error page without the database (for when the database is what failed): no user shown."""
    settings: Settings = request.app.state.settings
    page = Page(request, None, settings, lang_of(request))
    return page.render("error.html", error=page.error_text(exc), status_code=exc.status)


def shown_again(render: Callable[..., Response], *path_ints: str) -> Redisplay:
    """A `Redisplay` for a page rendered by `render(page, session, *ints, form=, error=, status_code=)`,
    the ints taken from the path parameters named (a provider's id, a dispute's id)."""

    def again(page: Page, session: Session, exc: ClaimopsError) -> Response:
        ids = [int(page.request.path_params[k]) for k in path_ints]
        return render(
            page,
            session,
            *ids,
            form=form_values(page.form),
            error=page.error_text(exc),
            status_code=exc.status,
        )

    return again
