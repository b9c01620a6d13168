"""The server-rendered workbench. Handlers are thin: they call the same services as the API."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import date
from decimal import InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from claimops.claims import service
from claimops.claims.lifecycle import Action, Status
from claimops.claims.lines import LINES
from claimops.claims.queries import ClaimFilter, list_claims, queue_filter
from claimops.claims.schemas import ActionIn, DecideIn, ReportIn
from claimops.claims.settlement import REASON_CODES
from claimops.claims.views import detail
from claimops.clock import utcnow
from claimops.config import Settings
from claimops.documents.service import upload_document
from claimops.errors import ClaimopsError, Unauthorized
from claimops.i18n import has, t
from claimops.payments.methods import PaymentMethod
from claimops.payments.schemas import PaymentIn
from claimops.payments.service import release_payment
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.security import create_token, decode_token
from claimops.users.service import actor_for, authenticate, get_user
from claimops.web.deps import COOKIE, LangDep, SessionDep, SettingsDep
from claimops.web.templating import context, templates

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to /login."""


def csrf_token(token: str, secret: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()[:32]


def page_user(request: Request, session: SessionDep, settings: SettingsDep) -> User:
    token = request.cookies.get(COOKIE)
    if not token:
        raise LoginRequired
    try:
        claims = decode_token(token, secret=settings.resolved_secret_key)
        return get_user(session=session, username=str(claims["sub"]))
    except ClaimopsError as exc:
        raise LoginRequired from exc


PageUser = Annotated[User, Depends(page_user)]


def page(
    request: Request, name: str, lang: str, user: User | None, settings: Settings, **extra: Any
) -> Response:
    status = extra.pop("status_code", 200)
    token = request.cookies.get(COOKIE, "")
    ctx = context(
        lang,
        request=request,
        user=user,
        csrf=csrf_token(token, settings.resolved_secret_key) if token else "",
        path=request.url.path,
        **extra,
    )
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def error_text(exc: Exception, lang: str) -> str:
    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:4]]
        return t("error.VALIDATION_ERROR", lang) + " " + "; ".join(parts)
    if isinstance(exc, ClaimopsError):
        key = f"error.{exc.code}"
        return t(key, lang) if has(key, lang) else exc.message
    return str(exc)


async def checked_form(request: Request, settings: Settings) -> FormData:
    form = await request.form()
    token = request.cookies.get(COOKIE, "")
    if not token or not hmac.compare_digest(
        str(form.get("csrf", "")), csrf_token(token, settings.resolved_secret_key)
    ):
        raise Unauthorized("the form has expired; reload the page", code="CSRF_FAILED")
    return form


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, lang: LangDep, settings: SettingsDep) -> Response:
    return page(request, "login.html", lang, None, settings)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    try:
        user = authenticate(session=session, username=username, password=password)
    except ClaimopsError as exc:
        return page(request, "login.html", lang, None, settings, error=error_text(exc, lang), status_code=401)
    token = create_token(
        subject=user.username,
        role=user.role,
        secret=settings.resolved_secret_key,
        minutes=settings.token_minutes,
    )
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=settings.token_minutes * 60)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/lang/{code}")
def switch_language(code: str, request: Request) -> Response:
    back = request.headers.get("referer") or "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie("claimops_lang", "en" if code == "en" else "zh", max_age=365 * 86400, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def queue(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
    status: str | None = None,
    line: str | None = None,
    q: str | None = None,
    region: str | None = None,
    channel: str | None = None,
    reported_from: date | None = None,
    reported_to: date | None = None,
    scope: str = "queue",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    actor = actor_for(user, settings)
    flt = queue_filter(actor.role) if scope == "queue" else ClaimFilter()
    if status:
        flt.statuses = [status]
    flt.lines = [line] if line else []
    flt.q, flt.region, flt.channel = q or None, region or None, channel or None
    flt.reported_from, flt.reported_to = reported_from, reported_to
    rows, total = list_claims(session=session, flt=flt, page=page_no, page_size=25)
    return page(
        request,
        "queue.html",
        lang,
        user,
        settings,
        claims=rows,
        total=total,
        page_no=page_no,
        pages=max((total + 24) // 25, 1),
        scope=scope,
        filters={
            "status": status or "",
            "line": line or "",
            "q": q or "",
            "region": region or "",
            "channel": channel or "",
            "reported_from": reported_from or "",
            "reported_to": reported_to or "",
        },
        statuses=[s.value for s in Status],
        lines=[ln.value for ln in LINES],
    )


@router.get("/claims/new", response_class=HTMLResponse)
def new_claim_form(request: Request, user: PageUser, settings: SettingsDep, lang: LangDep) -> Response:
    form = {"policy_number": request.query_params.get("policy_number", "")}
    return page(request, "claim_new.html", lang, user, settings, form=form, today=date.today().isoformat())


@router.post("/claims/new")
async def new_claim(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, lang: LangDep
) -> Response:
    form = await checked_form(request, settings)
    try:
        cmd = ReportIn(
            policy_number=str(form.get("policy_number", "")).strip(),
            incident_date=form.get("incident_date"),
            claimed_amount=str(form.get("claimed_amount", "")).strip(),
            description=str(form.get("description", "")),
            channel=str(form.get("channel", "")),
        )
        claim = service.report_claim(
            session=session, actor=actor_for(user, settings), cmd=cmd, now=utcnow(), settings=settings
        )
    except (ClaimopsError, ValidationError) as exc:
        session.rollback()
        return page(
            request,
            "claim_new.html",
            lang,
            user,
            settings,
            form=form,
            error=error_text(exc, lang),
            today=date.today().isoformat(),
            status_code=422,
        )
    return RedirectResponse(f"/claims/{claim.claim_number}", status_code=303)


@router.get("/policies/new", response_class=HTMLResponse)
def new_policy_form(request: Request, user: PageUser, settings: SettingsDep, lang: LangDep) -> Response:
    return page(request, "policy_new.html", lang, user, settings, form={}, lines=[ln.value for ln in LINES])


@router.post("/policies/new")
async def new_policy(
    request: Request, user: PageUser, session: SessionDep, settings: SettingsDep, lang: LangDep
) -> Response:
    form = await checked_form(request, settings)
    try:
        cmd = PolicyIn(
            policy_number=str(form.get("policy_number", "")).strip(),
            line=form.get("line"),
            holder={
                "name": form.get("holder_name", ""),
                "id_number": form.get("holder_id_number", ""),
                "phone": form.get("holder_phone", ""),
                "region": form.get("holder_region", ""),
            },
            effective_from=form.get("effective_from"),
            effective_to=form.get("effective_to"),
            sum_insured=str(form.get("sum_insured", "")).strip(),
            deductible=str(form.get("deductible") or "0").strip(),
            coinsurance_rate=str(form.get("coinsurance_rate") or "0").strip(),
        )
        policy = create_policy(session=session, actor=actor_for(user, settings), cmd=cmd)
    except (ClaimopsError, ValidationError) as exc:
        session.rollback()
        return page(
            request,
            "policy_new.html",
            lang,
            user,
            settings,
            form=form,
            error=error_text(exc, lang),
            lines=[ln.value for ln in LINES],
            status_code=422,
        )
    return RedirectResponse(f"/claims/new?policy_number={policy.policy_number}", status_code=303)


def _claim_page(
    request: Request,
    session: Session,
    user: User,
    settings: Settings,
    lang: str,
    number: str,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    claim = service.get_claim(session=session, claim_number=number)
    view = detail(session, claim, lang)
    return page(
        request,
        "claim.html",
        lang,
        user,
        settings,
        claim=view,
        error=error,
        status_code=status_code,
        reason_codes=REASON_CODES,
        methods=[m.value for m in PaymentMethod],
        idempotency_key=uuid.uuid4().hex,
        actor=actor_for(user, settings),
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
async def claim_action(
    claim_number: str,
    action: str,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    form = await checked_form(request, settings)
    actor = actor_for(user, settings)
    try:
        _apply(session, actor, settings, claim_number, action, form)
    except (ClaimopsError, ValidationError, ValueError, InvalidOperation) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, ClaimopsError) else 422
        return _claim_page(
            request, session, user, settings, lang, claim_number, error_text(exc, lang), status
        )
    return RedirectResponse(f"/claims/{claim_number}", status_code=303)


def _apply(
    session: Session, actor: Actor, settings: Settings, number: str, action: str, form: FormData
) -> None:
    now = utcnow()
    if action == "decide":
        reasons = [str(v) for v in form.getlist("reason_codes") if v]
        cmd = DecideIn(
            outcome=form.get("outcome"),
            assessed_loss=str(form.get("assessed_loss", "")).strip(),
            reason_codes=reasons,
            payment_method=form.get("payment_method") or None,
            note=str(form.get("note", "")),
        )
        service.decide(session=session, actor=actor, claim_number=number, cmd=cmd, now=now, settings=settings)
    elif action == "approve":
        service.approve(
            session=session,
            actor=actor,
            claim_number=number,
            cmd=ActionIn(note=str(form.get("note", ""))),
            now=now,
        )
    elif action == "pay":
        cmd_pay = PaymentIn(
            method=form.get("method"),
            payee={
                "name": form.get("payee_name", ""),
                "bank": form.get("payee_bank", ""),
                "account": form.get("payee_account", ""),
            },
        )
        release_payment(
            session=session,
            actor=actor,
            claim_number=number,
            cmd=cmd_pay,
            idempotency_key=str(form.get("idempotency_key", "")),
            now=now,
        )
    else:
        try:
            step = Action(action)
        except ValueError as exc:
            raise ClaimopsError(f"unknown action {action}", code="UNKNOWN_ACTION") from exc
        plain = ActionIn(
            note=str(form.get("note", "")),
            reason_codes=[str(v) for v in form.getlist("reason_codes") if v],
        )
        service.perform(
            session=session,
            actor=actor,
            claim_number=number,
            action=step,
            cmd=plain,
            now=now,
            settings=settings,
        )


@router.post("/claims/{claim_number}/documents")
async def claim_upload(
    claim_number: str,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    form = await checked_form(request, settings)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
            raise ClaimopsError("choose a file", code="EMPTY_FILE")
        data = await upload.read(settings.max_upload_bytes + 1)  # type: ignore[union-attr]
        upload_document(
            session=session,
            actor=actor_for(user, settings),
            claim_number=claim_number,
            doc_type=str(form.get("doc_type", "")),
            filename=getattr(upload, "filename", "") or "upload",
            data=data,
            now=utcnow(),
            settings=settings,
        )
    except ClaimopsError as exc:
        session.rollback()
        return _claim_page(
            request, session, user, settings, lang, claim_number, error_text(exc, lang), exc.status
        )
    return RedirectResponse(f"/claims/{claim_number}#documents", status_code=303)


def install(app: FastAPI) -> None:
    from claimops.reporting.pages import router as dashboard

    app.include_router(router)
    app.include_router(dashboard)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)
