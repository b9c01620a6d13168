"""The manager's dashboard: the period summary with charts and drill-down to the claims behind it."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from claimops.errors import ClaimopsError
from claimops.policies.lines import LINES
from claimops.reference import CHANNELS, REGIONS
from claimops.reporting import kpis
from claimops.reporting.panels import PanelRegistry
from claimops.reporting.periods import Period, parse_period
from claimops.reporting.summary import jsonable, period_summary
from claimops.web.deps import SessionDep
from claimops.web.pagekit import Page, PageDep, require_page

router = APIRouter(include_in_schema=False)


def _default_period(today: date) -> str:
    """The last complete quarter."""
    q = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if q == 0 else f"{today.year}-Q{q}"


@router.get("/dashboard", response_class=HTMLResponse, dependencies=[require_page("report.read")])
def dashboard(
    request: Request,
    page: PageDep,
    session: SessionDep,
    period: Annotated[str | None, Query()] = None,
    line: str | None = None,
    region: str | None = None,
    channel: str | None = None,
    insurer_id: int | None = None,
) -> Response:
    chosen, error = _chosen_period(period, page)
    flt = kpis.Filters(
        line=line or None, region=region or None, channel=channel or None, insurer_id=insurer_id or None
    )
    data = jsonable(period_summary(session, chosen, page.settings, flt))
    drill = (
        f"/?scope=all&reported_from={chosen.start.isoformat()}&reported_to={chosen.last_day.isoformat()}"
        f"&region={region or ''}&channel={channel or ''}"
    )
    # The deck is the page as downloaded: same period and filters, in the language the page is in.
    deck = {
        "period": chosen.label,
        "lang": page.lang,
        "format": "pptx",
        "line": line,
        "region": region,
        "channel": channel,
        "insurer_id": insurer_id,
    }
    deck_url = "/api/v1/reports/deck?" + urlencode({k: v for k, v in deck.items() if v})
    registry: PanelRegistry = request.app.state.dashboard_panels
    return page.render(
        "dashboard.html",
        error=error,
        data=data,
        period=chosen.label,
        filters={
            "line": line or "",
            "region": region or "",
            "channel": channel or "",
            "insurer_id": insurer_id or "",
        },
        insurers=registry.insurer_choices(session),
        lines=[ln.value for ln in LINES],
        regions=list(REGIONS),
        channels=list(CHANNELS),
        drill=drill,
        deck_url=deck_url,
        panels=registry.build(session, chosen, flt, page.lang),
    )


def _chosen_period(label: str | None, page: Page) -> tuple[Period, str | None]:
    """The period asked for; one that cannot be read shows the last quarter with the reason above it."""
    default = parse_period(_default_period(date.today()))
    if not label:
        return default, None
    try:
        return parse_period(label), None
    except ClaimopsError as exc:
        return default, page.error_text(exc)
