"""Workbench pages of the partners domain: insurers, providers (agreements, assignments, visits),
scorecards with drill-down to the claims. Every form calls the same service as the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.errors import InvalidInput
from claimops.masking import mask_phone
from claimops.partners import queries, rules, service
from claimops.partners.schemas import (
    ActionItemIn,
    AgreementIn,
    AssignmentIn,
    ContactIn,
    CriterionIn,
    EmergencyCallIn,
    EvaluationIn,
    FeeIn,
    InsurerIn,
    MeetingIn,
    ProviderIn,
    ResponsibilityIn,
    ReviewIn,
    VisitIn,
)
from claimops.partners.views import scorecard_out
from claimops.reference import REGIONS
from claimops.reporting.periods import parse_period
from claimops.schemas import parse
from claimops.web.deps import SessionDep
from claimops.web.pagekit import (
    CsrfForm,
    Page,
    PageDep,
    redisplay,
    require_page,
    shown_again,
    text,
)

router = APIRouter(include_in_schema=False)


def _current_quarter() -> str:
    today = local_date(utcnow())
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _index(page: Page, session: Session, **extra: Any) -> Response:
    today = local_date(utcnow())
    insurers = [
        {
            "insurer": i,
            "contacts": queries.contacts(session, i.id),
            "responsibilities": queries.responsibilities(session, i.id),
            "meetings": [
                (m, queries.meeting_actions(session, m.id)) for m in queries.meetings(session, i.id)[:3]
            ],
        }
        for i in queries.insurers(session)
    ]
    return page.render(
        "partners.html",
        insurers=insurers,
        providers=queries.providers(session),
        criteria=queries.criteria_by_type(session),
        steps=rules.PROCESS_STEPS,
        types=rules.PROVIDER_TYPES,
        regions=list(REGIONS),
        today=today,
        overdue=rules.overdue,
        mask_phone=mask_phone,
        form=extra.pop("form", {}),
        **extra,
    )


@router.get("/partners", response_class=HTMLResponse)
def partners_index(page: PageDep, session: SessionDep) -> Response:
    return _index(page, session)


_index_again = shown_again(_index)


@router.post("/partners/providers/new")
@redisplay(_index_again)
def new_provider(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        ProviderIn, {"name": text(form, "name"), "type": text(form, "type"), "region": text(form, "region")}
    )
    provider = service.create_provider(session=session, actor=page.actor, cmd=cmd)
    return RedirectResponse(f"/partners/providers/{provider.id}", status_code=303)


def _provider(page: Page, session: Session, provider_id: int, **extra: Any) -> Response:
    provider = service.get_provider(session=session, provider_id=provider_id)
    today = local_date(utcnow())
    agreements = [(a, queries.fees(session, a.id)) for a in queries.agreements(session, provider_id)]
    return page.render(
        "partner_provider.html",
        provider=provider,
        agreements=agreements,
        assignments=queries.assignments(session, provider_id=provider_id),
        actions=queries.provider_actions(session, provider_id),
        criteria=service.criteria(session, provider.type),
        evaluations=queries.evaluations(session, provider_id),
        kinds=[k for k, types in rules.KINDS.items() if provider.type in types] or list(rules.KINDS),
        statuses=rules.PROVIDER_STATUSES,
        today=today,
        expiring=rules.expiring,
        in_force=rules.in_force,
        quarter=_current_quarter(),
        form=extra.pop("form", {}),
        **extra,
    )


@router.get("/partners/providers/{provider_id}", response_class=HTMLResponse)
def provider_page(provider_id: int, page: PageDep, session: SessionDep) -> Response:
    return _provider(page, session, provider_id)


_provider_again = shown_again(_provider, "provider_id")


@router.post("/partners/providers/{provider_id}/status")
@redisplay(_provider_again)
def provider_status(provider_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    service.set_provider_status(
        session=session, actor=page.actor, provider_id=provider_id, status=text(form, "status")
    )
    return RedirectResponse(f"/partners/providers/{provider_id}", status_code=303)


@router.post("/partners/providers/{provider_id}/agreements")
@redisplay(_provider_again)
def sign_agreement(provider_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    fees: dict[str, Any] = {}
    if text(form, "fee_item") or text(form, "fee_amount"):
        fee = parse(FeeIn, {"fee_item": text(form, "fee_item"), "fee_amount": text(form, "fee_amount")})
        fees[fee.fee_item] = fee.fee_amount
    data: dict[str, Any] = {
        "number": text(form, "number"),
        "provider_id": provider_id,
        "scope": text(form, "scope"),
        "fees": fees,
        "start_on": text(form, "start_on"),
        "end_on": text(form, "end_on"),
    }
    for key in ("on_site_hours", "report_days", "finish_days"):
        if text(form, key):
            data[key] = text(form, key)
    service.sign_agreement(session=session, actor=page.actor, cmd=parse(AgreementIn, data))
    return RedirectResponse(f"/partners/providers/{provider_id}", status_code=303)


@router.post("/partners/providers/{provider_id}/assignments")
@redisplay(_provider_again)
def assign(provider_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        AssignmentIn,
        {"claim_number": text(form, "claim_number"), "provider_id": provider_id, "kind": text(form, "kind")},
    )
    service.assign(session=session, actor=page.actor, cmd=cmd, now=utcnow())
    return RedirectResponse(f"/partners/providers/{provider_id}", status_code=303)


@router.post("/partners/providers/{provider_id}/assignments/{assignment_id}/visit")
@redisplay(_provider_again)
def visit(
    provider_id: int, assignment_id: int, form: CsrfForm, page: PageDep, session: SessionDep
) -> Response:
    data = {k: text(form, k) for k in ("arrived_at", "reported_at", "finished_at", "cost") if text(form, k)}
    for k in ("arrived_at", "reported_at", "finished_at"):
        if k in data and len(data[k]) in (16, 19):  # a datetime-local field (to the minute or second)
            data[k] = data[k] + (":00" if len(data[k]) == 16 else "") + "+08:00"  # in Shanghai time
    service.record_visit(
        session=session, actor=page.actor, assignment_id=assignment_id, cmd=parse(VisitIn, data), now=utcnow()
    )
    return RedirectResponse(f"/partners/providers/{provider_id}", status_code=303)


def _scorecard(page: Page, session: Session, provider_id: int, **extra: Any) -> Response:
    period = parse_period(page.request.query_params.get("period") or _current_quarter())
    provider = service.get_provider(session=session, provider_id=provider_id)
    card = queries.scorecard(session, provider, period)
    out = scorecard_out(session, card, period.label, min(local_date(utcnow()), period.last_day))
    figure = page.request.query_params.get("figure", "")
    shown = next((f for f in out.figures if f.key == figure), None)
    return page.render(
        "partner_scorecard.html",
        provider=provider,
        card=out,
        period=period.label,
        shown=shown,
        form=extra.pop("form", {}),
        **extra,
    )


@router.get(
    "/partners/providers/{provider_id}/scorecard",
    response_class=HTMLResponse,
    dependencies=[require_page("partner.scorecard")],
)
def scorecard_page(provider_id: int, page: PageDep, session: SessionDep) -> Response:
    return _scorecard(page, session, provider_id)


_scorecard_again = shown_again(_scorecard, "provider_id")


@router.post("/partners/providers/{provider_id}/scorecard/comments")
@redisplay(_scorecard_again)
def comment(provider_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(ReviewIn, {"period": text(form, "period"), "comments": text(form, "comments")})
    parse_period(cmd.period)
    service.review_scorecard(
        session=session, actor=page.actor, provider_id=provider_id, cmd=cmd, now=utcnow()
    )
    return RedirectResponse(
        f"/partners/providers/{provider_id}/scorecard?period={cmd.period}", status_code=303
    )


@router.post("/partners/providers/{provider_id}/scorecard/improvements")
@redisplay(_scorecard_again)
def improvement(provider_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        ActionItemIn,
        {"title": text(form, "title"), "owner": text(form, "owner"), "due_on": text(form, "due_on")},
    )
    service.ask_improvement(session=session, actor=page.actor, provider_id=provider_id, cmd=cmd)
    period = text(form, "period")
    return RedirectResponse(f"/partners/providers/{provider_id}/scorecard?period={period}", status_code=303)


@router.post("/partners/insurers/new")
@redisplay(_index_again)
def new_insurer(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    contacts = [
        {
            "name": text(form, f"contact{i}_name"),
            "phone": text(form, f"contact{i}_phone"),
            "hours": text(form, f"contact{i}_hours"),
            "emergency_order": i,
        }
        for i in (1, 2, 3)
        if text(form, f"contact{i}_name")
    ]
    cmd = parse(InsurerIn, {"code": text(form, "code"), "name": text(form, "name"), "contacts": contacts})
    service.create_insurer(session=session, actor=page.actor, cmd=cmd)
    return RedirectResponse("/partners", status_code=303)


@router.post("/partners/insurers/{insurer_id}/meetings")
@redisplay(_index_again)
def new_meeting(insurer_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    # the action item parsed on its own, so that a bad one is named by its field
    actions = (
        [
            parse(
                ActionItemIn,
                {
                    "title": text(form, "action_title"),
                    "owner": text(form, "action_owner"),
                    "due_on": text(form, "action_due_on"),
                },
            ).model_dump()
        ]
        if text(form, "action_title")
        else []
    )
    cmd = parse(
        MeetingIn,
        {
            "held_on": text(form, "held_on"),
            "attendees": text(form, "attendees"),
            "minutes": text(form, "minutes"),
            "actions": actions,
        },
    )
    service.record_meeting(session=session, actor=page.actor, insurer_id=insurer_id, cmd=cmd)
    return RedirectResponse("/partners", status_code=303)


@router.post("/partners/insurers/{insurer_id}/emergency-calls")
@redisplay(_index_again)
def emergency_call(insurer_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        EmergencyCallIn,
        {
            "contact_id": text(form, "contact_id"),
            "called_at": utcnow().isoformat(),
            "reason": text(form, "reason"),
        },
    )
    service.record_emergency_call(session=session, actor=page.actor, insurer_id=insurer_id, cmd=cmd)
    return RedirectResponse("/partners", status_code=303)


@router.post("/partners/action-items/{action_id}/done")
@redisplay(_index_again)
def close_action(action_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    service.close_action(session=session, actor=page.actor, action_id=action_id, today=local_date(utcnow()))
    return RedirectResponse("/partners", status_code=303)


def _day(page: Page) -> date:
    """The `as_of` day asked for (the dashboard's), else today."""
    given = page.request.query_params.get("as_of", "")
    try:
        return date.fromisoformat(given) if given else local_date(utcnow())
    except ValueError:
        return local_date(utcnow())


@router.get("/partners/agreements", response_class=HTMLResponse)
def agreements_list(page: PageDep, session: SessionDep) -> Response:
    q = page.request.query_params
    day = _day(page)
    state = q.get("state") or "active"
    if state not in queries.AGREEMENT_STATES:
        state = "active"
    region = q.get("region") or None
    return page.render(
        "partner_agreements.html",
        rows=queries.agreements_at(session, day, state, region),
        state=state,
        day=day,
        region=region,
        days=rules.EXPIRY_ALERT_DAYS,
        expiring=rules.expiring,
    )


@router.get("/partners/action-items", response_class=HTMLResponse)
def actions_list(page: PageDep, session: SessionDep) -> Response:
    q = page.request.query_params
    day = _day(page)
    insurer = q.get("insurer_id", "")
    overdue_only = q.get("overdue") == "1"
    return page.render(
        "partner_actions.html",
        items=queries.actions_at(
            session, day, overdue_only=overdue_only, insurer_id=int(insurer) if insurer.isdigit() else None
        ),
        overdue_only=overdue_only,
        day=day,
    )


@router.post("/partners/criteria")
@redisplay(_index_again)
def set_criterion(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        CriterionIn,
        {
            "provider_type": text(form, "provider_type"),
            "name": text(form, "criterion"),
            "weight": text(form, "weight"),
        },
    )
    service.set_criterion(session=session, actor=page.actor, cmd=cmd)
    return RedirectResponse("/partners#criteria", status_code=303)


@router.post("/partners/insurers/{insurer_id}/responsibilities")
@redisplay(_index_again)
def set_responsibility(insurer_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        ResponsibilityIn,
        {
            "step": text(form, "step"),
            "responsible": text(form, "responsible"),
            "approver": text(form, "approver"),
            "within_hours": text(form, "within_hours"),
        },
    )
    service.set_responsibility(session=session, actor=page.actor, insurer_id=insurer_id, cmd=cmd)
    return RedirectResponse(f"/partners#insurer-{insurer_id}", status_code=303)


@router.post("/partners/insurers/{insurer_id}/contacts")
@redisplay(_index_again)
def add_contact(insurer_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    data = {k: text(form, k) for k in ("name", "title", "phone", "hours")}
    if text(form, "emergency_order"):
        data["emergency_order"] = text(form, "emergency_order")
    service.add_contact(session=session, actor=page.actor, insurer_id=insurer_id, cmd=parse(ContactIn, data))
    return RedirectResponse(f"/partners#insurer-{insurer_id}", status_code=303)


@router.post("/partners/providers/{provider_id}/evaluations")
@redisplay(_provider_again)
def evaluate(provider_id: int, form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    provider = service.get_provider(session=session, provider_id=provider_id)
    names = service.criteria(session, provider.type)
    data = {
        "scores": {n: text(form, f"score:{n}") for n in names},
        "decision": text(form, "decision"),
        "note": text(form, "note"),
    }
    service.evaluate(
        session=session, actor=page.actor, provider_id=provider_id, cmd=_scored(data), now=utcnow()
    )
    return RedirectResponse(f"/partners/providers/{provider_id}", status_code=303)


def _scored(data: dict[str, Any]) -> EvaluationIn:
    """The evaluation, a bad score named by its criterion (the field) rather than by scores.<name>."""
    try:
        return parse(EvaluationIn, data)
    except InvalidInput as exc:
        for e in exc.errors:
            if e.get("loc", ())[:1] == ("scores",) and len(e["loc"]) > 1:
                e["loc"] = tuple(e["loc"][1:])
        raise
