"""The manager's dashboard: the period summary with charts and drill-down to the claims behind it."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from claimops.claims.lines import LINES
from claimops.demo import names
from claimops.errors import ClaimopsError
from claimops.reporting import kpis
from claimops.reporting.periods import Period, parse_period
from claimops.reporting.summary import jsonable, period_summary
from claimops.web.deps import LangDep, SessionDep, SettingsDep
from claimops.web.pages import PageUser, denied, error_text, page

router = APIRouter(include_in_schema=False)


def _default_period(today: date) -> str:
    """The last complete quarter."""
    q = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if q == 0 else f"{today.year}-Q{q}"


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    lang: LangDep,
    period: Annotated[str | None, Query()] = None,
    line: str | None = None,
    region: str | None = None,
    channel: str | None = None,
) -> Response:
    if refused := denied(request, user, settings, lang, "report.read"):
        return refused
    label = period or _default_period(date.today())
    error = None
    try:
        chosen: Period = parse_period(label)
    except ClaimopsError as exc:
        error, chosen = error_text(exc, lang), parse_period(_default_period(date.today()))
    flt = kpis.Filters(line=line or None, region=region or None, channel=channel or None)
    data = jsonable(period_summary(session, chosen, settings, flt))
    drill = (
        f"/?scope=all&reported_from={chosen.start.isoformat()}&reported_to={chosen.last_day.isoformat()}"
        f"&region={region or ''}&channel={channel or ''}"
    )
    # The deck is the page as downloaded: same period and filters, in the language the page is in.
    deck = {
        "period": chosen.label,
        "lang": lang,
        "format": "pptx",
        "line": line,
        "region": region,
        "channel": channel,
    }
    deck_url = "/api/v1/reports/deck?" + urlencode({k: v for k, v in deck.items() if v})
    return page(
        request,
        "dashboard.html",
        lang,
        user,
        settings,
        error=error,
        data=data,
        period=chosen.label,
        filters={"line": line or "", "region": region or "", "channel": channel or ""},
        lines=[ln.value for ln in LINES],
        regions=[r for r, _, _ in names.REGIONS],
        channels=[c for c, _ in names.CHANNELS],
        drill=drill,
        deck_url=deck_url,
    )
