"""Typed dependencies: settings, the request's unit of work, the current user and language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from claimops.clock import utcnow
from claimops.config import Settings
from claimops.db import session_factory
from claimops.errors import ClaimopsError, Unauthorized
from claimops.i18n import normalize_lang
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.security import decode_token
from claimops.users.service import actor_for, get_user

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
COOKIE = "claimops_token"


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


async def get_now() -> datetime:
    return utcnow()


NowDep = Annotated[datetime, Depends(get_now)]


def token_subject(claims: dict[str, Any]) -> str:
    """The user name a signed token is for; a token without one is invalid, not a server error."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise Unauthorized("invalid credentials", code="INVALID_TOKEN")
    return sub


def _token(request: Request, bearer: str | None) -> str | None:
    return bearer or request.cookies.get(COOKIE)


def get_current_user(
    request: Request, session: SessionDep, settings: SettingsDep, bearer: str | None = Depends(oauth2)
) -> User:
    token = _token(request, bearer)
    if not token:
        raise Unauthorized("authentication required", code="NOT_AUTHENTICATED")
    claims = decode_token(token, secret=settings.resolved_secret_key)
    try:
        user = get_user(session=session, username=token_subject(claims))
    except ClaimopsError as exc:  # not a database error: a busy database is 503, not 401
        raise Unauthorized("invalid credentials", code="INVALID_TOKEN") from exc
    if not user.active:
        raise Unauthorized("this account is disabled", code="ACCOUNT_DISABLED")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_actor(user: CurrentUser, settings: SettingsDep) -> Actor:
    return actor_for(user, settings)


ActorDep = Annotated[Actor, Depends(get_actor)]


async def get_lang(request: Request) -> str:
    """Chinese unless English is chosen explicitly (?lang=en or the language switch's cookie)."""
    return normalize_lang(request.query_params.get("lang") or request.cookies.get("claimops_lang"))


LangDep = Annotated[str, Depends(get_lang)]
