"""The claimant portal's pages at /portal: mobile-first, zh/en, signed in by a customer cookie.

The pages call the same service functions as the portal API (portal/service.py). Errors show on a
portal page of their own (never the staff workbench); a session that is not a customer's goes to
the portal's sign-in page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.errors import ClaimopsError
from claimops.portal import service
from claimops.portal.deps import (
    PORTAL_COOKIE,
    CustomerClaims,
    CustomerId,
    LoginCsrf,
    login_nonce,
    read_upload,
    set_login_nonce,
)
from claimops.portal.views import claim_out, detail_out
from claimops.surveys import service as surveys
from claimops.users.security import csrf_token, login_csrf_token
from claimops.web.deps import (
    ClientAddress,
    EngineDep,
    LangDep,
    NowDep,
    RiskScorerDep,
    SessionDep,
    SettingsDep,
    lang_of,
)
from claimops.web.pagekit import LANG_COOKIE, Page, error_text, redisplay
from claimops.web.templating import context, templates

router = APIRouter(prefix="/portal", include_in_schema=False)


def render(request: Request, name: str, *, status_code: int = 200, **extra: Any) -> Response:
    lang = lang_of(request)
    token = request.cookies.get(PORTAL_COOKIE, "")
    secret = request.app.state.settings.resolved_secret_key
    extra.setdefault("signed_in", False)
    extra.setdefault("form", {})
    ctx = context(lang, request=request, csrf=csrf_token(token, secret) if token else "", **extra)
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if "lang" in request.query_params:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def render_open(request: Request, name: str, *, status_code: int = 200, **extra: Any) -> Response:
    """A page whose forms are posted before there is a customer session: with the login CSRF token."""
    settings = request.app.state.settings
    nonce = login_nonce(request)
    csrf = login_csrf_token(nonce, settings.resolved_secret_key)
    response = render(request, name, status_code=status_code, login_csrf=csrf, **extra)
    set_login_nonce(response, request, nonce, settings)
    return response


SIGN_IN_PATHS = ("/portal/login", "/portal/code", "/portal/login-code")


def again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    """Every portal form: a refused sign-in shows the sign-in page (with a fresh token), a refused
    survey token the survey again, anything else a portal message."""
    request = page.request
    path = request.url.path
    if path in SIGN_IN_PATHS:
        claim_number = page.form.get("claim_number", "")
        return render_open(
            request,
            "portal_login.html",
            error=error_text(exc, page.lang),
            status_code=exc.status,
            claim_number=claim_number if isinstance(claim_number, str) else "",
            code_sent=path == "/portal/login-code",
        )
    if exc.status == 401:
        response = RedirectResponse("/portal/login", status_code=303)
        response.delete_cookie(PORTAL_COOKIE)
        return response
    if exc.code == "CSRF_FAILED" and path.startswith("/portal/survey/"):
        token = request.path_params.get("token", "")
        return render_open(
            request,
            "portal_survey.html",
            token=token,
            error=error_text(exc, page.lang),
            status_code=exc.status,
        )
    return render(
        request,
        "portal_message.html",
        error=error_text(exc, page.lang),
        signed_in=True,
        status_code=exc.status,
    )


def _signed_in(response: Response, token: str, request: Request) -> Response:
    response.set_cookie(
        PORTAL_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    return render_open(request, "portal_login.html")


@router.post("/login", dependencies=[LoginCsrf])
@redisplay(again)
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    engine: EngineDep,
    address: ClientAddress,
    now: NowDep,
    settings: SettingsDep,
) -> Response:
    done = service.sign_in_password(
        engine=engine, email=email, password=password, address=address, now=now, settings=settings
    )
    return _signed_in(RedirectResponse("/portal", status_code=303), done.token, request)


@router.post("/code", dependencies=[LoginCsrf])
@redisplay(again)
def send_code(
    request: Request,
    claim_number: Annotated[str, Form()],
    session: SessionDep,
    address: ClientAddress,
    now: NowDep,
    settings: SettingsDep,
    lang: LangDep,
) -> Response:
    service.request_code(
        session=session, claim_number=claim_number, now=now, settings=settings, address=address
    )
    return render_open(
        request, "portal_login.html", code_sent=True, claim_number=claim_number, notice=service_notice(lang)
    )


def service_notice(lang: str) -> str:
    from claimops.i18n import t

    return t("portal.code_sent", lang)


@router.post("/login-code", dependencies=[LoginCsrf])
@redisplay(again)
def login_code(
    request: Request,
    claim_number: Annotated[str, Form()],
    code: Annotated[str, Form()],
    engine: EngineDep,
    address: ClientAddress,
    now: NowDep,
    settings: SettingsDep,
) -> Response:
    done = service.sign_in_code(
        engine=engine, claim_number=claim_number, code=code, address=address, now=now, settings=settings
    )
    return _signed_in(RedirectResponse("/portal", status_code=303), done.token, request)


@router.post("/logout")
@redisplay(again)
def logout(session: SessionDep, claims: CustomerClaims, customer: CustomerId, now: NowDep) -> Response:
    service.sign_out(session=session, claims=claims, now=now)
    response = RedirectResponse("/portal/login", status_code=303)
    response.delete_cookie(PORTAL_COOKIE, path="/")
    return response


@router.get("")
@redisplay(again)
def home(request: Request, session: SessionDep, customer: CustomerId, lang: LangDep) -> Response:
    claims = [claim_out(c, lang) for c in service.my_claims(session=session, customer_id=customer)]
    policies = service.my_policies(session=session, customer_id=customer)
    return render(request, "portal_home.html", claims=claims, policies=policies, signed_in=True)


@router.get("/report")
@redisplay(again)
def report_page(request: Request, session: SessionDep, customer: CustomerId) -> Response:
    policies = service.my_policies(session=session, customer_id=customer)
    return render(request, "portal_report.html", policies=policies, signed_in=True)


@router.post("/report")
@redisplay(again)
def report(
    request: Request,
    policy_number: Annotated[str, Form()],
    incident_date: Annotated[str, Form()],
    claimed_amount: Annotated[str, Form()],
    session: SessionDep,
    customer: CustomerId,
    claims: CustomerClaims,
    now: NowDep,
    settings: SettingsDep,
    risk_scorer: RiskScorerDep,
    description: Annotated[str, Form()] = "",
) -> Response:
    claim = service.report(
        session=session,
        customer_id=customer,
        policy_number=policy_number,
        incident_date=incident_date,
        description=description,
        claimed_amount=claimed_amount,
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )
    return RedirectResponse(f"/portal/claims/{claim.claim_number}", status_code=303)


@router.get("/claims/{claim_number}")
@redisplay(again)
def claim_page(
    request: Request, claim_number: str, session: SessionDep, customer: CustomerId, lang: LangDep
) -> Response:
    view = service.claim_view(session=session, customer_id=customer, claim_number=claim_number, lang=lang)
    return render(request, "portal_claim.html", d=detail_out(view, lang), signed_in=True)


@router.post("/claims/{claim_number}/documents")
@redisplay(again)
def upload(
    claim_number: str,
    doc_type: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    session: SessionDep,
    claims: CustomerClaims,
    customer: CustomerId,
    now: NowDep,
    settings: SettingsDep,
    risk_scorer: RiskScorerDep,
) -> Response:
    data = read_upload(file, settings)
    service.upload(
        session=session,
        customer_id=customer,
        claim_number=claim_number,
        doc_type=doc_type,
        filename=file.filename or "upload",
        data=data,
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )
    return RedirectResponse(f"/portal/claims/{claim_number}", status_code=303)


@router.post("/claims/{claim_number}/messages")
@redisplay(again)
def message(
    claim_number: str,
    body: Annotated[str, Form()],
    session: SessionDep,
    claims: CustomerClaims,
    customer: CustomerId,
    now: NowDep,
) -> Response:
    service.post_customer_message(
        session=session, customer_id=customer, claim_number=claim_number, body=body, now=now
    )
    return RedirectResponse(f"/portal/claims/{claim_number}", status_code=303)


@router.get("/survey/{token}")
@redisplay(again)
def survey_page(
    request: Request, token: str, session: SessionDep, now: NowDep, settings: SettingsDep
) -> Response:
    surveys.check_link(session=session, token=token, secret=settings.resolved_secret_key, now=now)
    return render_open(request, "portal_survey.html", token=token)


@router.post("/survey/{token}", dependencies=[LoginCsrf])
@redisplay(again)
def survey_answer(
    request: Request,
    token: str,
    session: SessionDep,
    now: NowDep,
    settings: SettingsDep,
    overall: Annotated[str, Form()] = "",
    timeliness: Annotated[str, Form()] = "",
    communication: Annotated[str, Form()] = "",
    professionalism: Annotated[str, Form()] = "",
    nps: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    answers = {
        "overall": overall,
        "timeliness": timeliness,
        "communication": communication,
        "professionalism": professionalism,
        "nps": nps,
        "comment": comment,
    }
    surveys.answer_online(
        session=session, token=token, answers=answers, now=now, secret=settings.resolved_secret_key
    )
    return render(request, "portal_survey.html", token=token, done=True)
