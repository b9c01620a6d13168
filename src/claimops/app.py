"""The application factory: REST API under /api/v1, the web workbench, vendored static files."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

import claimops.models  # noqa: F401 - registers every table before any query
from claimops.claims.scoring import RiskScorer
from claimops.config import Settings, get_settings
from claimops.dashboard_panels import default_panels
from claimops.db import get_engine
from claimops.deck_sections import default_sections
from claimops.masking import install_log_masking
from claimops.reporting.deck.registry import SectionRegistry
from claimops.web import apidocs, errors
from claimops.web.headers import SecurityHeaders
from claimops.web.limits import RequestLimits


def api_router() -> APIRouter:
    from claimops.claims.api import router as claims
    from claimops.claims.documents_api import router as documents
    from claimops.claims.payments_api import router as payments
    from claimops.disputes.api import router as disputes
    from claimops.investigations.api import router as investigations
    from claimops.notifications.api import router as notifications
    from claimops.partners.api import router as partners
    from claimops.policies.api import router as policies
    from claimops.portal.api import router as portal
    from claimops.portal.staff_api import router as claim_messages
    from claimops.reporting.api import router as reports
    from claimops.reporting.download import router as deck
    from claimops.surveys.api import public as survey_link
    from claimops.surveys.api import router as surveys
    from claimops.team.api import router as team
    from claimops.team.drills.api import router as drills
    from claimops.team.training.api import router as training
    from claimops.web.users_api import router as users

    api = APIRouter(prefix="/api/v1")
    api.include_router(users)
    api.include_router(policies)
    # documents and payments before claims: claims has the catch-all /{claim_number}/{action}
    api.include_router(documents)
    api.include_router(payments)
    api.include_router(notifications)
    api.include_router(claim_messages)  # before claims too: /claims/{claim_number}/messages
    api.include_router(claims)
    api.include_router(reports)
    api.include_router(deck)
    api.include_router(portal)
    api.include_router(survey_link)
    api.include_router(surveys)
    api.include_router(partners)
    api.include_router(disputes)
    api.include_router(investigations)
    api.include_router(team)
    api.include_router(training)
    api.include_router(drills)
    return api


def page_router() -> APIRouter:
    """The workbench: each domain's pages, and logging in (web/login.py)."""
    from claimops.claims.pages import router as claims
    from claimops.disputes.pages import router as disputes
    from claimops.investigations.pages import router as investigations
    from claimops.mining.pages import router as mining
    from claimops.partners.pages import router as partners
    from claimops.policies.pages import router as policies
    from claimops.portal.pages import router as portal
    from claimops.portal.staff_pages import router as staff_messages
    from claimops.reporting.pages import router as dashboard
    from claimops.surveys.pages import router as surveys
    from claimops.team.drills.pages import router as drills
    from claimops.team.pages import router as team
    from claimops.team.training.pages import router as training
    from claimops.web.login import router as login

    pages = APIRouter(include_in_schema=False)
    for router in (
        login,
        claims,
        policies,
        dashboard,
        mining,
        portal,
        staff_messages,
        surveys,
        partners,
        disputes,
        investigations,
        team,
        training,
        drills,
    ):
        pages.include_router(router)
    return pages


def install_claim_listeners(settings: Settings) -> None:
    """Claim events feed the notification outbox and survey invitations (claims imports neither)."""
    from claimops.claims import hooks, results
    from claimops.notifications.listener import on_claim_event
    from claimops.surveys.service import invitation_listener

    hooks.register("notifications", on_claim_event)
    hooks.register("surveys", invitation_listener(settings))
    hooks.register("action_results", results.collect)  # the events a light API answer shows
    from claimops.portal.staff_pages import messages_panel

    hooks.register_panel("messages", messages_panel)
    from claimops.investigations.pages import investigations_panel

    hooks.register_panel("investigations", investigations_panel)


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    deck_sections: SectionRegistry | None = None,
    risk_scorer: RiskScorer | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="claimops",
        version="0.1.0",
        description="Claims operations: lifecycle, review, payments, reports. Errors are "
        '`{"error": {"code", "message"}}`.',
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by web/apidocs.py from the package
        redoc_url=None,
        responses=errors.responses(503),
    )
    app.state.settings = settings
    app.state.engine = engine or get_engine(settings.resolved_database_url)
    install_log_masking()
    app.state.deck_sections = deck_sections or default_sections()
    app.state.dashboard_panels = default_panels()
    app.state.risk_scorer = risk_scorer or default_risk_scorer()
    install_claim_listeners(settings)
    errors.install(app)
    apidocs.install(app)
    app.add_middleware(RequestLimits, settings=settings)
    app.add_middleware(SecurityHeaders)  # added last, so outermost: refusals by the limits get it too
    app.include_router(api_router())
    static = Path(str(resources.files("claimops.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.include_router(page_router())
    return app


def default_risk_scorer() -> RiskScorer:
    """The claims review's risk scorer: the current mining model's (None per claim without one)."""
    from claimops.mining.service.scoring import score_for_review

    return score_for_review


def app_from_env() -> FastAPI:
    """For `uvicorn --factory claimops.app:app_from_env` with several workers."""
    return create_app()
