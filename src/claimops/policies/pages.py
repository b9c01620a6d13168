"""The new-policy form; a created policy opens the report form with its number filled in."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.errors import ClaimopsError
from claimops.policies.lines import LINES
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy
from claimops.reference import REGIONS
from claimops.schemas import parse
from claimops.web.deps import SessionDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, form_values, redisplay, text

router = APIRouter(include_in_schema=False)


def _one_year_from(day: date) -> date:
    """The usual one-year term: 2026-03-01 to 2027-02-28."""
    try:
        return day.replace(year=day.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)


def _policy_form(page: Page, form: dict[str, str], **extra: Any) -> Response:
    today = local_date(utcnow())
    defaults = {
        "effective_from": today.isoformat(),
        "effective_to": _one_year_from(today).isoformat(),
        "deductible": "0",
        "coinsurance_rate": "0",
    }
    return page.render(
        "policy_new.html",
        form={**defaults, **form},
        lines=[ln.value for ln in LINES],
        regions=list(REGIONS),
        **extra,
    )


def _policy_form_again(page: Page, session: Session, exc: ClaimopsError) -> Response:
    return _policy_form(page, form_values(page.form), error=page.error_text(exc), status_code=exc.status)


@router.get("/policies/new", response_class=HTMLResponse)
def new_policy_form(page: PageDep) -> Response:
    return _policy_form(page, {})


@router.post("/policies/new")
@redisplay(_policy_form_again)
def new_policy(form: CsrfForm, page: PageDep, session: SessionDep) -> Response:
    cmd = parse(
        PolicyIn,
        {
            "policy_number": text(form, "policy_number"),
            "line": text(form, "line"),
            "holder": {
                "name": text(form, "holder_name"),
                "id_number": text(form, "holder_id_number"),
                "phone": text(form, "holder_phone"),
                "region": text(form, "holder_region"),
            },
            "effective_from": text(form, "effective_from"),
            "effective_to": text(form, "effective_to"),
            "sum_insured": text(form, "sum_insured"),
            "deductible": text(form, "deductible", "0"),
            "coinsurance_rate": text(form, "coinsurance_rate", "0"),
        },
    )
    policy = create_policy(session=session, actor=page.actor, cmd=cmd)
    query = urlencode({"policy_number": policy.policy_number, "created": "1"})
    return RedirectResponse(f"/claims/new?{query}", status_code=303)
