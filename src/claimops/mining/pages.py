"""The analyst's pages: stored analyses (quality, rules, segments, forecast, reserves) and the models.

Pages only read stored results (claimops.mining.results), so they stay fast on a large book; a
manager refreshes them in the background from the overview page or with `claimops mine refresh`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.clock import local_date, utcnow
from claimops.i18n import t
from claimops.mining.service import jobs
from claimops.mining.service import refresh as analyses
from claimops.mining.service.metric_labels import shown_metrics
from claimops.mining.store import registry
from claimops.mining.store.models import MiningResult
from claimops.mining.store.results import latest
from claimops.policies.lines import LINES
from claimops.web.deps import SessionDep
from claimops.web.pagekit import CsrfForm, Page, PageDep, require_page

router = APIRouter(include_in_schema=False)

TABS = ("overview", "rules", "segments", "forecast", "reserves")
LINE_KEYS = ("all", *(str(x) for x in LINES))
LineQuery = Annotated[str | None, Query()]


@dataclass
class View:
    """What every mining page needs: the page (who asks, in which language) and the stored runs."""

    page: Page
    session: Session

    @property
    def lang(self) -> str:
        return self.page.lang

    def stored(self, kind: str) -> MiningResult | None:
        return latest(self.session, kind)

    def render(self, name: str, tab: str, **extra: Any) -> Response:
        return self.page.render(name, tab=tab, tabs=TABS, **extra)


async def _view(page: PageDep, session: SessionDep) -> View:
    return View(page, session)


ViewDep = Annotated[View, Depends(_view)]
READ = [require_page("mining.read")]
RUN = [require_page("mining.run")]


def _payload(run: MiningResult | None) -> dict[str, Any]:
    """A stored run's payload; empty when there is none or it did not succeed."""
    return run.payload if run is not None and run.status == "ok" else {}


def _line(value: str | None) -> str:
    return value if value in LINE_KEYS else "all"


@router.get("/mining", response_class=HTMLResponse, dependencies=READ)
def overview(v: ViewDep, done: str = "") -> Response:
    runs = {kind: v.stored(kind) for kind in analyses.ANALYSES}
    return v.render(
        "mining.html",
        "overview",
        runs=runs,
        quality=_payload(runs.get("quality")).get(v.lang),
        models=registry.current_models(v.session),
        shown=lambda kind, metrics: shown_metrics(kind, metrics, v.lang),
        notice=_notice(done, v.lang),
    )


def _notice(done: str, lang: str) -> str:
    return t(f"web.mining.{done}_started", lang) if done in ("refresh", "train") else ""


def _start(request: Request, background: BackgroundTasks, done: str, job: Any, **kwargs: Any) -> Response:
    """Run `job` after the response, with its own short transactions (it takes seconds to minutes)."""
    background.add_task(job, request.app.state.engine, **kwargs)
    return RedirectResponse(f"/mining?done={done}", status_code=303)


@router.post("/mining/refresh", dependencies=RUN)
def refresh_all(form: CsrfForm, page: PageDep, background: BackgroundTasks) -> Response:
    today = local_date(utcnow())
    return _start(
        page.request, background, "refresh", analyses.refresh, created_by=page.actor.name, today=today
    )


@router.post("/mining/train", dependencies=RUN)
def train_all(form: CsrfForm, page: PageDep, background: BackgroundTasks) -> Response:
    return _start(
        page.request,
        background,
        "train",
        jobs.train_models,
        settings=page.settings,
        trained_by=page.actor.name,
    )


@router.get("/mining/rules", response_class=HTMLResponse, dependencies=READ)
def rules_page(v: ViewDep, target: Annotated[str | None, Query()] = None) -> Response:
    run = v.stored("rules")
    targets = _payload(run).get("targets", {})
    chosen = target if target in targets else next(iter(targets), "")
    entry = targets.get(chosen, {})
    result = entry.get(v.lang) if "error" not in entry else None
    return v.render(
        "mining_rules.html",
        "rules",
        run=run,
        targets=list(targets),
        target=chosen,
        result=result,
        error=entry.get("error", {}).get("message") if entry else None,
    )


@router.get("/mining/segments", response_class=HTMLResponse, dependencies=READ)
def segments_page(v: ViewDep, kind: Annotated[str | None, Query()] = None) -> Response:
    run = v.stored("segments")
    chosen = kind if kind in ("claims", "customers") else "claims"
    result = _payload(run).get(chosen, {}).get(v.lang)
    points = result["projection"] if result else {}
    return v.render(
        "mining_segments.html",
        "segments",
        run=run,
        kind=chosen,
        result=result,
        chart=points,
    )


@router.get("/mining/forecast", response_class=HTMLResponse, dependencies=READ)
def forecast_page(v: ViewDep, line: LineQuery = None) -> Response:
    chosen, run = _line(line), v.stored("forecast")
    payload = _payload(run)
    series = {s["target"]: s for s in payload.get("series", []) if s["line"] == chosen}
    chart = {"series": series, "history": payload.get("history", {}).get(chosen, {})}
    return v.render(
        "mining_forecast.html",
        "forecast",
        run=run,
        line=chosen,
        lines=LINE_KEYS,
        series=series,
        chart=chart,
    )


@router.get("/mining/reserves", response_class=HTMLResponse, dependencies=READ)
def reserves_page(v: ViewDep, line: LineQuery = None) -> Response:
    chosen, run = _line(line), v.stored("reserves")
    result = _payload(run).get("lines", {}).get(chosen)
    return v.render("mining_reserves.html", "reserves", run=run, line=chosen, lines=LINE_KEYS, result=result)
