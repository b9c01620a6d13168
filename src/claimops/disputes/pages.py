"""Workbench pages of disputes: the KPI panel, the list, opening one, moving it to resolution."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.disputes import queries, rules, service
from claimops.disputes.schemas import DisputeIn, MoveIn
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import parse_period
from claimops.schemas import parse
from claimops.web.deps import SessionDep, SettingsDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, redisplay, shown_again, text

router = APIRouter(include_in_schema=False)


def _year() -> str:
    return str(local_date(utcnow()).year)


def _filters(page: Page) -> Filters:
    q = page.request.query_params
    insurer = q.get("insurer_id", "")
    return Filters(
        line=q.get("line") or None,
        region=q.get("region") or None,
        channel=q.get("channel") or None,
        insurer_id=int(insurer) if insurer.isdigit() else None,
    )


def _index(page: Page, session: Session, **extra: Any) -> Response:
    q = page.request.query_params
    period = parse_period(q.get("period") or _year())
    today = min(local_date(utcnow()), period.last_day)
    flt = _filters(page)
    which = q.get("list", "")
    stage = q.get("stage") or None
    age = q.get("age") or None
    then: dict[int, str] = {}
    if which in queries.LISTS:
        shown = queries.listed(
            session, period=period, which=which, today=today, flt=flt, stage=stage, age=age
        )
        if which in ("open", "overdue"):  # the stage each was in then, beside today's
            then = {r.dispute_id: r.stage for r in queries.open_at(session, period, today, flt)}
    else:
        which, shown = "", queries.disputes(session)
    return page.render(
        "disputes.html",
        disputes=shown,
        listed=which,
        stage_then=then,
        list_stage=stage if stage in rules.RANK else None,
        list_age=age if age in queries.AGE_LABELS else None,
        kpis=queries.kpis(session, period, today, flt),
        period=period.label,
        filters=flt,
        parties=rules.PARTIES,
        reasons=rules.REASONS,
        overdue=rules.overdue,
        today=local_date(utcnow()),
        form=extra.pop("form", {}),
        **extra,
    )


@router.get("/disputes", response_class=HTMLResponse)
def disputes_index(page: PageDep, session: SessionDep) -> Response:
    return _index(page, session)


_index_again = shown_again(_index)


@router.post("/disputes/new")
@redisplay(_index_again)
def new_dispute(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        DisputeIn,
        {
            "claim_number": text(form, "claim_number"),
            "party": text(form, "party"),
            "reason": text(form, "reason"),
            "disputed_amount": text(form, "disputed_amount"),
            "note": text(form, "note"),
        },
    )
    d = service.open_dispute(session=session, actor=page.actor, cmd=cmd, now=utcnow())
    return RedirectResponse(f"/disputes/{d.id}", status_code=303)


def _detail(page: Page, session: Session, dispute_id: int, **extra: Any) -> Response:
    d = service.get_dispute(session=session, dispute_id=dispute_id)
    number = next(n for x, n in queries.disputes(session, claim_id=d.claim_id) if x.id == d.id)
    return page.render(
        "dispute.html",
        d=d,
        claim_number=number,
        steps=queries.steps(session, d.id),
        stages=rules.next_stages(d.stage),
        late=rules.overdue(d.stage_due_on, d.stage, local_date(utcnow())),
        form=extra.pop("form", {}),
        **extra,
    )


@router.get("/disputes/{dispute_id}", response_class=HTMLResponse)
def dispute_page(dispute_id: int, page: PageDep, session: SessionDep) -> Response:
    return _detail(page, session, dispute_id)


_detail_again = shown_again(_detail, "dispute_id")


@router.post("/disputes/{dispute_id}/stage")
@redisplay(_detail_again)
def move(
    dispute_id: int, form: CsrfForm, page: PageDep, session: SessionDep, settings: SettingsDep
) -> Response:
    data: dict[str, Any] = {
        "stage": text(form, "stage"),
        "note": text(form, "note"),
        "outcome": text(form, "outcome"),
    }
    if text(form, "settled_amount"):
        data["settled_amount"] = text(form, "settled_amount")
    service.move(
        session=session,
        actor=page.actor,
        dispute_id=dispute_id,
        cmd=parse(MoveIn, data),
        now=utcnow(),
        settings=settings,
    )
    return RedirectResponse(f"/disputes/{dispute_id}", status_code=303)
