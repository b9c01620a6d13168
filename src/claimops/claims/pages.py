"""The claims workbench: the queue, the report form, the claim page with its actions and uploads.

Handlers call the same services as the API. A failed form writes nothing and is shown again with the
error above it (web/pagekit.py `redisplay`); handlers do not catch errors.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from claimops.claims import hooks, service
from claimops.claims.lifecycle import TERMINAL, Action, Status
from claimops.claims.payouts import release_payment
from claimops.claims.queries import MAX_PAGE, ClaimFilter, list_claims, queue_filter
from claimops.claims.schemas import EventOut, ReportIn
from claimops.claims.settlement import REASON_CODES
from claimops.claims.uploads import upload_document
from claimops.claims.views import detail
from claimops.clock import local_date, utcnow
from claimops.errors import ClaimopsError, ValidationFailed
from claimops.i18n import t
from claimops.masking import mask_phone
from claimops.payments.methods import PaymentMethod
from claimops.payments.schemas import PaymentIn
from claimops.policies.lines import LINES
from claimops.policies.service import policy_terms
from claimops.reference import CHANNELS
from claimops.schemas import in_date_range, parse
from claimops.users.access import CLAIM_PAGE, record_access
from claimops.users.roles import can
from claimops.web.deps import RiskScorerDep, SessionDep, client_address
from claimops.web.pagekit import CsrfForm, Page, PageDep, form_values, redisplay, text, texts

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
# Actions that carry a reason code (the others only a note).
REASONED = frozenset({Action.REJECT, Action.WITHDRAW, Action.REOPEN})
CONFIRMED = frozenset({Action.REJECT, Action.WITHDRAW, Action.CLOSE})


def _day(value: str | None) -> date | None:
    """A filter's date; one that is not a date, or out of range, filters nothing."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and in_date_range(day) else None


def _page_number(value: str) -> int:
    number = int(value) if value.isdigit() and len(value) <= 7 else 1
    return min(max(number, 1), MAX_PAGE)


@router.get("/", response_class=HTMLResponse)
def queue(
    page: PageDep,
    session: SessionDep,
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
    current = _page_number(page.request.query_params.get("page", "1"))
    flt = queue_filter(page.actor.role) if scope == "queue" else ClaimFilter()
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
    return page.render(
        "queue.html",
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


def _claim_form(page: Page, form: dict[str, str], **extra: Any) -> Response:
    today = local_date(utcnow())
    return page.render("claim_new.html", form=form, today=today.isoformat(), channels=list(CHANNELS), **extra)


def _claim_form_again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    return _claim_form(page, form_values(page.form), error=page.error_text(exc), status_code=exc.status)


@router.get("/claims/new", response_class=HTMLResponse)
def new_claim_form(page: PageDep) -> Response:
    query = page.request.query_params
    form = {"policy_number": query.get("policy_number", "")}
    return _claim_form(page, form, created=query.get("created") == "1")


@router.post("/claims/new")
@redisplay(_claim_form_again)
def new_claim(form: CsrfForm, page: PageDep, session: SessionDep, risk_scorer: RiskScorerDep) -> Response:
    cmd = parse(
        ReportIn,
        {
            "policy_number": text(form, "policy_number"),
            "incident_date": text(form, "incident_date"),
            "claimed_amount": text(form, "claimed_amount"),
            "description": text(form, "description"),
            "channel": text(form, "channel"),
        },
    )
    claim = service.report_claim(
        session=session,
        actor=page.actor,
        cmd=cmd,
        now=utcnow(),
        settings=page.settings,
        risk_scorer=risk_scorer,
    )
    return RedirectResponse(f"/claims/{claim.claim_number}", status_code=303)


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
    page: Page,
    session: Session,
    number: str,
    error: str | None = None,
    status_code: int = 200,
    failed: tuple[str, FormData] | None = None,
) -> Response:
    claim = service.get_claim(session=session, claim_number=number)
    actor = page.actor
    record_access(
        session=session,
        actor=actor,
        what=CLAIM_PAGE,
        address=client_address(page.request),
        now=utcnow(),
        claim_id=claim.id,
    )
    view = detail(session, claim, page.lang)
    # lifecycle.allowed_actions decides what the claim offers (views.detail); the role what this user may
    mine = [a for a in view.allowed_actions if can(actor.role, f"claim.{a}")]
    events = [{"e": e, "details": _event_details(e, page.lang)} for e in view.events]
    missing = set(view.missing_documents)
    return page.render(
        "claim.html",
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
        panels=hooks.panels(session, claim.id, claim.claim_number, page.lang),
        error=error,
        status_code=status_code,
        reason_codes=REASON_CODES,
        methods=[m.value for m in PaymentMethod],
        idempotency_key=uuid.uuid4().hex,
        max_upload_mb=max(page.settings.max_upload_bytes // (1024 * 1024), 1),
        # the failed form shows what was typed (a new idempotency key is right: nothing was paid)
        failed=failed[0] if failed else "",
        typed=failed[1] if failed else FormData(),
        here=f"/claims/{view.claim_number}",
    )


@router.get("/claims/{claim_number}", response_class=HTMLResponse)
def claim_page(claim_number: str, page: PageDep, session: SessionDep) -> Response:
    return _claim_page(page, session, claim_number)


def _claim_page_again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    """The claim page with the error; the action's form keeps what was typed."""
    params = page.request.path_params
    action = params.get("action")
    failed = (action, page.form) if action else None
    return _claim_page(page, session, params["claim_number"], page.error_text(exc), exc.status, failed)


def _action_payload(action: str, form: FormData) -> dict[str, Any]:
    """The form as the dispatcher's input (the same keys the API's body has)."""
    note = text(form, "note")
    if action == Action.DECIDE.value:
        return {
            "outcome": text(form, "outcome"),
            "assessed_loss": text(form, "assessed_loss"),
            "reason_codes": texts(form, "reason_codes"),
            "payment_method": text(form, "payment_method") or None,
            "note": note,
            "override_missing_documents": text(form, "override_missing_documents") == "on",
            "override_reason": text(form, "override_reason"),
        }
    reasoned = action in {a.value for a in REASONED}
    return {"note": note, "reason_codes": texts(form, "reason_codes") if reasoned else []}


def _pay(page: Page, session: Session, claim_number: str, form: FormData) -> None:
    cmd = parse(
        PaymentIn,
        {
            "method": text(form, "method"),
            "payee": {
                "name": text(form, "payee_name"),
                "bank": text(form, "payee_bank"),
                "account": text(form, "payee_account"),
            },
            # the amount the person saw: if the decision changed since, nothing is paid
            "amount": text(form, "amount") or None,
        },
    )
    release_payment(
        session=session,
        actor=page.actor,
        claim_number=claim_number,
        cmd=cmd,
        idempotency_key=text(form, "idempotency_key"),
        now=utcnow(),
    )


@router.post("/claims/{claim_number}/act/{action}")
@redisplay(_claim_page_again)
def claim_action(
    claim_number: str,
    action: str,
    form: CsrfForm,
    page: PageDep,
    session: SessionDep,
    risk_scorer: RiskScorerDep,
) -> Response:
    if action == Action.PAY.value:  # a payment is the payments domain's (as in the API)
        _pay(page, session, claim_number, form)
    else:
        service.act(
            session=session,
            actor=page.actor,
            claim_number=claim_number,
            action=action,
            payload=_action_payload(action, form),
            now=utcnow(),
            settings=page.settings,
            risk_scorer=risk_scorer,
        )
    anchor = "#payments" if action == Action.PAY.value else ""
    return RedirectResponse(f"/claims/{claim_number}{anchor}", status_code=303)


@router.post("/claims/{claim_number}/documents")
@redisplay(_claim_page_again)
def claim_upload(
    claim_number: str, form: CsrfForm, page: PageDep, session: SessionDep, risk_scorer: RiskScorerDep
) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed("choose a file", code="EMPTY_FILE")
    upload_document(
        session=session,
        actor=page.actor,
        claim_number=claim_number,
        doc_type=text(form, "doc_type"),
        filename=upload.filename,
        data=upload.file.read(page.settings.max_upload_bytes + 1),
        now=utcnow(),
        settings=page.settings,
        risk_scorer=risk_scorer,
    )
    return RedirectResponse(f"/claims/{claim_number}#documents", status_code=303)
