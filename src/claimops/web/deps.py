"""Typed dependencies: settings, the request's unit of work, the current user and language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.clock import utcnow
from claimops.config import Settings
from claimops.db import session_factory
from claimops.errors import Forbidden, Unauthorized
from claimops.i18n import normalize_lang
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.security import csrf_token, decode_token, same
from claimops.users.service import actor_for, user_for_token

if TYPE_CHECKING:  # typing only: the toolkit imports no business domain at run time
    from claimops.claims.scoring import RiskScorer

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
COOKIE = "claimops_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the thread
# pool, and a hop there and back costs more than the work itself.


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_session(request: Request) -> Iterator[Session]:
    """The request is the unit of work: commit when the handler returns, roll back on any error."""
    session = session_factory(request.app.state.engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response is sent, so a client's next request sees the write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def secure_cookies(request: Request, settings: Settings) -> bool:
    """Whether cookies get the Secure flag (settings.cookie_secure; auto: when served over https)."""
    if settings.cookie_secure == "auto":
        return request.url.scheme == "https"
    return settings.cookie_secure == "true"


async def get_now() -> datetime:
    return utcnow()


NowDep = Annotated[datetime, Depends(get_now)]


async def get_engine_dep(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine_dep)]


async def get_risk_scorer(request: Request) -> RiskScorer:
    """The risk scorer the application wired in (app.state.risk_scorer) for the claims review."""
    scorer: RiskScorer = request.app.state.risk_scorer
    return scorer


RiskScorerDep = Annotated["RiskScorer", Depends(get_risk_scorer)]


def client_address(request: Request) -> str:
    """The peer's address; behind a proxy, uvicorn puts the client's there from the proxies it trusts."""
    return request.client.host if request.client else ""


async def get_client_address(request: Request) -> str:
    return client_address(request)


ClientAddress = Annotated[str, Depends(get_client_address)]


def check_cookie_csrf(request: Request, token: str, settings: Settings) -> None:
    """A browser sends the session cookie with any request, also one another site makes it send: a write
    that authenticates by cookie must show the page's CSRF token in a header, which no other site can."""
    if request.method in SAFE_METHODS:
        return
    if not same(request.headers.get(CSRF_HEADER), csrf_token(token, settings.resolved_secret_key)):
        raise Forbidden(
            f"a write authenticated by the session cookie needs the {CSRF_HEADER} header", code="CSRF_FAILED"
        )


async def get_token_claims(
    request: Request, settings: SettingsDep, bearer: str | None = Depends(oauth2)
) -> dict[str, Any]:
    token = bearer or request.cookies.get(COOKIE)
    if not token:
        raise Unauthorized("authentication required", code="NOT_AUTHENTICATED")
    claims = decode_token(token, secret=settings.resolved_secret_key)
    if not bearer:
        check_cookie_csrf(request, token, settings)
    return claims


TokenClaims = Annotated[dict[str, Any], Depends(get_token_claims)]


def get_current_user(session: SessionDep, claims: TokenClaims) -> User:
    return user_for_token(session=session, claims=claims)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_actor(user: CurrentUser, settings: SettingsDep) -> Actor:
    return actor_for(user, settings)


ActorDep = Annotated[Actor, Depends(get_actor)]


def lang_of(request: Request) -> str:
    """Chinese unless English is chosen explicitly (?lang=en or the language switch's cookie)."""
    return normalize_lang(request.query_params.get("lang") or request.cookies.get("claimops_lang"))


async def get_lang(request: Request) -> str:
    return lang_of(request)


LangDep = Annotated[str, Depends(get_lang)]
