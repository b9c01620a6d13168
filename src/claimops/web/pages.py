"""The server-rendered workbench. Handlers are thin: they call the same services as the API.

A failed form is rolled back and the page is shown again with the error as a flash message.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from claimops.claims import service
from claimops.claims.lifecycle import TERMINAL, Action, Status
from claimops.claims.lines import LINES
from claimops.claims.models import Claim
from claimops.claims.queries import MAX_PAGE, ClaimFilter, list_claims, queue_filter
from claimops.claims.schemas import ActionIn, DecideIn, EventOut, ReportIn
from claimops.claims.settlement import REASON_CODES
from claimops.claims.views import detail
from claimops.clock import fmt_local, local_date, utcnow
from claimops.config import Settings
from claimops.demo.names import CHANNELS, REGIONS
from claimops.documents.service import upload_document
from claimops.errors import ClaimopsError, Forbidden, TooManyRequests, ValidationFailed
from claimops.i18n import has, normalize_lang, t
from claimops.masking import mask_phone
from claimops.payments.methods import PaymentMethod
from claimops.payments.schemas import PaymentIn
from claimops.payments.service import release_payment
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy, policy_terms
from claimops.schemas import DATE_RANGE_ERROR, in_date_range
from claimops.users.access import CLAIM_PAGE, record_access
from claimops.users.actor import Actor
from claimops.users.login import AccountLocked
from claimops.users.login import login as log_in
from claimops.users.models import User
from claimops.users.roles import can
from claimops.users.security import csrf_token, decode_token, login_csrf_token, same
from claimops.users.service import actor_for, revoke_token, token_for, user_for_token
from claimops.web.deps import (
    COOKIE,
    ClientAddress,
    EngineDep,
    LangDep,
    SessionDep,
    SettingsDep,
    client_address,
    secure_cookies,
)
from claimops.web.templating import context, templates

router = APIRouter(include_in_schema=False)

LANG_COOKIE = "claimops_lang"
LOGIN_CSRF_COOKIE = "claimops_login_csrf"
PAGE_SIZE = 25
# Actions that carry a reason code (the others only a note).
REASONED = frozenset({Action.REJECT, Action.WITHDRAW, Action.REOPEN})
CONFIRMED = frozenset({Action.REJECT, Action.WITHDRAW, Action.CLOSE})
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
# Messages of our own validators (schemas.py, policies/schemas.py) -> web.input.* keys.
VALUE_ERRORS = {
    "must not be negative": "negative",
    "must be positive": "not_positive",
    "is too large": "too_large",
    "must have at most two decimal places": "decimals",
    "must be a finite amount": "not_a_number",
    "effective_to must not be before effective_from": "dates_reversed",
    "sum_insured must be positive": "sum_insured_positive",
    "coinsurance_rate has at most four decimal places": "rate_decimals",
    DATE_RANGE_ERROR: "date_range",
}


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to /login."""


def _csrf_ok(request: Request, sent: object, settings: Settings) -> bool:
    token = request.cookies.get(COOKIE, "")
    return bool(token) and same(sent, csrf_token(token, settings.resolved_secret_key))


def check_csrf(request: Request, form: FormData, settings: Settings) -> None:
    if not _csrf_ok(request, form.get("csrf"), settings):
        raise Forbidden("the form has expired; reload the page", code="CSRF_FAILED")


def page_user(request: Request, session: SessionDep, settings: SettingsDep) -> User:
    token = request.cookies.get(COOKIE)
    if not token:
        raise LoginRequired
    try:
        claims = decode_token(token, secret=settings.resolved_secret_key)
        return user_for_token(session=session, claims=claims)
    except ClaimopsError as exc:  # expired, forged, logged out, or a disabled account
        raise LoginRequired from exc


PageUser = Annotated[User, Depends(page_user)]


async def read_form(request: Request) -> FormData:
    """The posted form, read on the event loop before any database work. Handlers that use the
    database are plain `def` (run in the thread pool): a blocking call on the event loop stalls every
    other request, and one waiting on a row lock whose holder cannot run stalls the server for good."""
    return await request.form()


# Declared before PageUser, so that the body is in before the request's transaction begins.
PageForm = Annotated[FormData, Depends(read_form)]


def _here(request: Request) -> str:
    """This page's address without ?lang, for the language switch to come back to."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + (f"?{urlencode(query)}" if query else "")


def _local_path(target: str | None) -> str:
    """Only a path on this site: no scheme or host, and nothing a browser would read as //host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target) or urlsplit(target).netloc:
        return "/"
    return target


def page(
    request: Request, name: str, lang: str, user: User | None, settings: Settings, **extra: Any
) -> Response:
    status = int(extra.pop("status_code", 200))
    token = request.cookies.get(COOKIE, "") if user is not None else ""
    role = user.role if user is not None else None

    def allowed(permission: str) -> bool:
        return role is not None and can(role, permission)

    extra.setdefault("here", _here(request))
    ctx = context(
        lang,
        request=request,
        user=user,
        csrf=csrf_token(token, settings.resolved_secret_key) if token else "",
        path=request.url.path,
        can=allowed,
        **extra,
    )
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    if "lang" in request.query_params:  # ?lang=en sticks, as the switch does
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def denied(request: Request, user: User, settings: Settings, lang: str, permission: str) -> Response | None:
    """The error page (403) when the user's role lacks `permission`; None when it may go on."""
    if can(user.role, permission):
        return None
    message = error_text(Forbidden("your role may not see this page"), lang)
    return page(request, "error.html", lang, user, settings, error=message, status_code=403)


def _input_error(err: Any, lang: str) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    label_key = FIELD_LABELS.get(loc, f"web.field.{loc}")
    label = t(label_key, lang) if loc and has(label_key, lang) else loc
    kind = str(err.get("type", ""))
    if kind == "value_error":
        raw = str(err.get("ctx", {}).get("error", err.get("msg", "")))
        key = f"web.input.{VALUE_ERRORS.get(raw, '')}"
        text = t(key, lang) if raw in VALUE_ERRORS else raw
    else:
        key = f"web.input.{kind}"
        text = t(key, lang, **err.get("ctx", {})) if has(key, lang) else str(err.get("msg", ""))
    if not label:
        return text
    return f"{label}：{text}" if lang == "zh" else f"{label}: {text}"


def error_text(exc: Exception, lang: str) -> str:
    """The flash message: translated where the catalogue knows the code, else the service's own text."""
    if isinstance(exc, ValidationError):
        sep, space = ("；", "") if lang == "zh" else ("; ", " ")
        return (
            t("error.VALIDATION_ERROR", lang)
            + space
            + sep.join(_input_error(e, lang) for e in exc.errors()[:4])
        )
    if isinstance(exc, ClaimopsError):
        key = f"error.{exc.code}"
        return t(key, lang) if has(key, lang) else exc.message
    return str(exc)


def _text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else default


def _texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def _form_values(form: FormData) -> dict[str, str]:
    """What the person typed, to show the form again after an error (files and the CSRF token left out)."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf"}


def _today() -> date:
    return local_date(utcnow())


def _login_page(
    request: Request, settings: Settings, lang: str, status_code: int = 200, **extra: Any
) -> Response:
    """The login form with its CSRF token: before there is a session, the signature of a random cookie
    (double submit), kept while the cookie lives so that two open login tabs both work."""
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not 16 <= len(nonce) <= 64:
        nonce = secrets.token_urlsafe(24)
    csrf = login_csrf_token(nonce, settings.resolved_secret_key)
    response = page(
        request, "login.html", lang, None, settings, login_csrf=csrf, status_code=status_code, **extra
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        nonce,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request, settings),
    )
    return response


def _login_error(exc: ClaimopsError, lang: str) -> str:
    if isinstance(exc, AccountLocked):
        return t("error.ACCOUNT_LOCKED", lang, until=fmt_local(exc.until))
    return error_text(exc, lang)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: LangDep, settings: SettingsDep) -> Response:
    return _login_page(request, settings, lang)


@router.post("/login")
def login(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    lang: LangDep,
    address: ClientAddress,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    try:
        if not nonce or not same(csrf, login_csrf_token(nonce, settings.resolved_secret_key)):
            raise Forbidden("the form has expired; reload the page", code="CSRF_FAILED")
        user = log_in(
            engine=engine,
            username=username.strip(),
            password=password,
            address=address,
            now=utcnow(),
            settings=settings,
        )
    except ClaimopsError as exc:
        response = _login_page(
            request, settings, lang, exc.status, error=_login_error(exc, lang), username=username
        )
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
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
    if not _csrf_ok(request, csrf, settings):
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
    response = RedirectResponse(_local_path(back), status_code=303)
    response.set_cookie(LANG_COOKIE, normalize_lang(code), max_age=365 * 86400, samesite="lax")
    return response


def _day(value: str | None) -> date | None:
    """A filter's date; one that is not a date, or out of range, filters nothing."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and in_date_range(day) else None


def _page_number(text: str) -> int:
    number = int(text) if text.isdigit() and len(text) <= 7 else 1
    return min(max(number, 1), MAX_PAGE)


@router.get("/", response_class=HTMLResponse)
def queue(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
    status: str = "",
    line: str = "",
    q: str = "",
    region: str = "",
    channel: str = "",
    reported_from: str = "",
    reported_to: str = "",
    scope: str = "queue",
) -> Response:
    scope = "all" if scope == "all" else "queue"
    current = _page_number(request.query_params.get("page", "1"))
    flt = queue_filter(actor_for(user, settings).role) if scope == "queue" else ClaimFilter()
    if status:
        flt.statuses = [status]
    flt.lines = [line] if line else []
    flt.q, flt.region, flt.channel = q.strip()[:40] or None, region or None, channel or None
    flt.reported_from, flt.reported_to = _day(reported_from), _day(reported_to)
    rows, total = list_claims(session=session, flt=flt, page=current, page_size=PAGE_SIZE)
    filters = {
        "scope": scope,
        "status": status,
        "line": line,
        "q": q,
        "region": region,
        "channel": channel,
        "reported_from": reported_from,
        "reported_to": reported_to,
    }
    return page(
        request,
        "queue.html",
        lang,
        user,
        settings,
        claims=rows,
        total=total,
        page_no=current,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        scope=scope,
        filters=filters,
        page_query=urlencode({k: v for k, v in filters.items() if v}),
        statuses=[s.value for s in Status],
        lines=[ln.value for ln in LINES],
    )


def _claim_form(
    request: Request, user: User, settings: Settings, lang: str, form: dict[str, str], **extra: Any
) -> Response:
    return page(
        request,
        "claim_new.html",
        lang,
        user,
        settings,
        form=form,
        today=_today().isoformat(),
        channels=[c for c, _ in CHANNELS],
        **extra,
    )


@router.get("/claims/new", response_class=HTMLResponse)
def new_claim_form(request: Request, user: PageUser, settings: SettingsDep, lang: LangDep) -> Response:
    form = {"policy_number": request.query_params.get("policy_number", "")}
    created = request.query_params.get("created") == "1"
    return _claim_form(request, user, settings, lang, form, created=created)


@router.post("/claims/new")
def new_claim(
    request: Request,
    form: PageForm,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    try:
        check_csrf(request, form, settings)
        cmd = ReportIn(
            policy_number=_text(form, "policy_number"),
            incident_date=_text(form, "incident_date"),
            claimed_amount=_text(form, "claimed_amount"),
            description=_text(form, "description"),
            channel=_text(form, "channel"),
        )
        claim = service.report_claim(
            session=session, actor=actor_for(user, settings), cmd=cmd, now=utcnow(), settings=settings
        )
    except (ClaimopsError, ValidationError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, ClaimopsError) else 422
        values = _form_values(form)
        return _claim_form(
            request, user, settings, lang, values, error=error_text(exc, lang), status_code=status
        )
    return RedirectResponse(f"/claims/{claim.claim_number}", status_code=303)


def _one_year_from(day: date) -> date:
    """The usual one-year term: 2026-03-01 to 2027-02-28."""
    try:
        return day.replace(year=day.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)


def _policy_form(
    request: Request, user: User, settings: Settings, lang: str, form: dict[str, str], **extra: Any
) -> Response:
    today = _today()
    defaults = {
        "effective_from": today.isoformat(),
        "effective_to": _one_year_from(today).isoformat(),
        "deductible": "0",
        "coinsurance_rate": "0",
    }
    return page(
        request,
        "policy_new.html",
        lang,
        user,
        settings,
        form={**defaults, **form},
        lines=[ln.value for ln in LINES],
        regions=[r for r, _, _ in REGIONS],
        **extra,
    )


@router.get("/policies/new", response_class=HTMLResponse)
def new_policy_form(request: Request, user: PageUser, settings: SettingsDep, lang: LangDep) -> Response:
    return _policy_form(request, user, settings, lang, {})


@router.post("/policies/new")
def new_policy(
    request: Request,
    form: PageForm,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    try:
        check_csrf(request, form, settings)
        cmd = PolicyIn(
            policy_number=_text(form, "policy_number"),
            line=_text(form, "line"),
            holder={
                "name": _text(form, "holder_name"),
                "id_number": _text(form, "holder_id_number"),
                "phone": _text(form, "holder_phone"),
                "region": _text(form, "holder_region"),
            },
            effective_from=_text(form, "effective_from"),
            effective_to=_text(form, "effective_to"),
            sum_insured=_text(form, "sum_insured"),
            deductible=_text(form, "deductible", "0"),
            coinsurance_rate=_text(form, "coinsurance_rate", "0"),
        )
        policy = create_policy(session=session, actor=actor_for(user, settings), cmd=cmd)
    except (ClaimopsError, ValidationError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, ClaimopsError) else 422
        values = _form_values(form)
        return _policy_form(
            request, user, settings, lang, values, error=error_text(exc, lang), status_code=status
        )
    query = urlencode({"policy_number": policy.policy_number, "created": "1"})
    return RedirectResponse(f"/claims/new?{query}", status_code=303)


def _event_details(e: EventOut, lang: str) -> list[str]:
    """The facts an event carries (outcome, amounts, reasons, documents), in words."""
    data, out = e.data, []
    if e.action == Action.DECIDE.value and data.get("outcome"):
        out.append(t(f"outcome.{data['outcome']}", lang))
        if data.get("approved_amount") is not None:
            out.append(f"¥{Decimal(str(data['approved_amount'])):,.2f}")
        if Decimal(str(data.get("paid_before") or 0)) > 0:  # a supplementary decision
            for key in ("paid_before", "payable", "recovery"):
                out.append(f"{t('web.claim.' + key, lang)} ¥{Decimal(str(data[key])):,.2f}")
        if data.get("missing_documents_overridden"):
            out.append(t("web.claim.documents_overridden", lang, reason=data.get("override_reason", "")))
        if data.get("requires_approval"):
            out.append(t("web.claim.needs_approval", lang))
    if e.action == Action.PAY.value and data.get("amount") is not None:
        out.append(f"¥{Decimal(str(data['amount'])):,.2f}")
        if data.get("method"):
            out.append(t(f"method.{data['method']}", lang))
    for code in data.get("reason_codes") or []:
        out.append(t(f"reason.{code}", lang))
    if e.action == Action.REQUEST_DOCUMENTS.value:
        out.extend(t(f"doc.{d}", lang) for d in data.get("doc_types") or [])
    return out


def _claim_page(
    request: Request,
    session: Session,
    user: User,
    settings: Settings,
    lang: str,
    number: str,
    error: str | None = None,
    status_code: int = 200,
    failed: tuple[str, FormData] | None = None,
) -> Response:
    claim: Claim = service.get_claim(session=session, claim_number=number)
    actor = actor_for(user, settings)
    record_access(
        session=session,
        actor=actor,
        what=CLAIM_PAGE,
        address=client_address(request),
        now=utcnow(),
        claim_id=claim.id,
    )
    view = detail(session, claim, lang)
    mine = [a for a in view.allowed_actions if can(actor.role, f"claim.{a}")]
    events = [{"e": e, "details": _event_details(e, lang)} for e in view.events]
    missing = set(view.missing_documents)
    return page(
        request,
        "claim.html",
        lang,
        user,
        settings,
        claim=view,
        terms=policy_terms(session=session, policy=claim.policy),
        contact=mask_phone(claim.policy.holder.phone),
        plain_actions=[a for a in mine if a not in (Action.DECIDE.value, Action.APPROVE.value)],
        can_decide=Action.DECIDE.value in mine,
        can_approve=Action.APPROVE.value in mine,
        can_pay=view.status == Status.PAYMENT_PENDING.value and can(actor.role, "payment.release"),
        can_upload=can(actor.role, "document.upload") and view.status not in {s.value for s in TERMINAL},
        reasoned={a.value for a in REASONED},
        confirmed={a.value for a in CONFIRMED},
        first_missing=next((i.doc_type for i in view.checklist if i.doc_type in missing), ""),
        events=events,
        error=error,
        status_code=status_code,
        reason_codes=REASON_CODES,
        methods=[m.value for m in PaymentMethod],
        idempotency_key=uuid.uuid4().hex,
        max_upload_mb=max(settings.max_upload_bytes // (1024 * 1024), 1),
        # the failed form shows what was typed (a new idempotency key is right: nothing was paid)
        failed=failed[0] if failed else "",
        typed=failed[1] if failed else FormData(),
        here=f"/claims/{view.claim_number}",
    )


@router.get("/claims/{claim_number}", response_class=HTMLResponse)
def claim_page(
    claim_number: str,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    try:
        return _claim_page(request, session, user, settings, lang, claim_number)
    except ClaimopsError as exc:
        return page(
            request, "error.html", lang, user, settings, error=error_text(exc, lang), status_code=exc.status
        )


@router.post("/claims/{claim_number}/act/{action}")
def claim_action(
    claim_number: str,
    action: str,
    request: Request,
    form: PageForm,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    try:
        check_csrf(request, form, settings)
        _apply(session, actor_for(user, settings), settings, claim_number, action, form)
    except (ClaimopsError, ValidationError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, ClaimopsError) else 422
        return _render_after_error(
            request, session, user, settings, lang, claim_number, exc, status, (action, form)
        )
    anchor = "#payments" if action == "pay" else ""
    return RedirectResponse(f"/claims/{claim_number}{anchor}", status_code=303)


def _render_after_error(
    request: Request,
    session: Session,
    user: User,
    settings: Settings,
    lang: str,
    number: str,
    exc: Exception,
    status: int,
    failed: tuple[str, FormData] | None = None,
) -> Response:
    try:
        return _claim_page(
            request, session, user, settings, lang, number, error_text(exc, lang), status, failed
        )
    except ClaimopsError as missing:  # the claim itself does not exist
        message = error_text(missing, lang)
        return page(request, "error.html", lang, user, settings, error=message, status_code=404, here="/")


def _apply(
    session: Session, actor: Actor, settings: Settings, number: str, action: str, form: FormData
) -> None:
    now = utcnow()
    note = _text(form, "note")
    if action == Action.DECIDE.value:
        cmd = DecideIn(
            outcome=_text(form, "outcome"),
            assessed_loss=_text(form, "assessed_loss"),
            reason_codes=_texts(form, "reason_codes"),
            payment_method=_text(form, "payment_method") or None,
            note=note,
            override_missing_documents=_text(form, "override_missing_documents") == "on",
            override_reason=_text(form, "override_reason"),
        )
        service.decide(session=session, actor=actor, claim_number=number, cmd=cmd, now=now, settings=settings)
    elif action == Action.APPROVE.value:
        service.approve(session=session, actor=actor, claim_number=number, cmd=ActionIn(note=note), now=now)
    elif action == Action.PAY.value:
        pay = PaymentIn(
            method=_text(form, "method"),
            payee={
                "name": _text(form, "payee_name"),
                "bank": _text(form, "payee_bank"),
                "account": _text(form, "payee_account"),
            },
            # the amount the person saw: if the decision changed since, nothing is paid
            amount=_text(form, "amount") or None,
        )
        release_payment(
            session=session,
            actor=actor,
            claim_number=number,
            cmd=pay,
            idempotency_key=_text(form, "idempotency_key"),
            now=now,
        )
    else:
        try:
            step = Action(action)
        except ValueError as exc:
            raise ValidationFailed(f"unknown action {action}", code="UNKNOWN_ACTION") from exc
        reasons = _texts(form, "reason_codes") if step in REASONED else []
        service.perform(
            session=session,
            actor=actor,
            claim_number=number,
            action=step,
            cmd=ActionIn(note=note, reason_codes=reasons),
            now=now,
            settings=settings,
        )


@router.post("/claims/{claim_number}/documents")
def claim_upload(
    claim_number: str,
    request: Request,
    form: PageForm,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    try:
        check_csrf(request, form, settings)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed("choose a file", code="EMPTY_FILE")
        upload_document(
            session=session,
            actor=actor_for(user, settings),
            claim_number=claim_number,
            doc_type=_text(form, "doc_type"),
            filename=upload.filename,
            data=upload.file.read(settings.max_upload_bytes + 1),
            now=utcnow(),
            settings=settings,
        )
    except ClaimopsError as exc:
        session.rollback()
        return _render_after_error(request, session, user, settings, lang, claim_number, exc, exc.status)
    return RedirectResponse(f"/claims/{claim_number}#documents", status_code=303)


def install(app: FastAPI) -> None:
    from claimops.mining.pages import router as mining
    from claimops.reporting.pages import router as dashboard

    app.include_router(router)
    app.include_router(dashboard)
    app.include_router(mining)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        response = RedirectResponse("/login", status_code=303)
        if request.cookies.get(COOKIE):  # expired, forged or for a disabled account
            response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response
