"""The API's log in and out, the logged-in user and the access log: the users domain's HTTP edge, kept
in web (beside login.py) because web authenticates through users, so users imports no web code."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from claimops.schemas import Day
from claimops.users.access import AccessFilter, list_access
from claimops.users.login import login
from claimops.users.service import revoke_token, token_for
from claimops.web.deps import (
    ActorDep,
    ClientAddress,
    CurrentUser,
    EngineDep,
    NowDep,
    SessionDep,
    SettingsDep,
    TokenClaims,
)
from claimops.web.errors import responses

router = APIRouter()


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class MeOut(BaseModel):
    username: str
    full_name: str
    role: str
    authority_limit: str | None


class AccessOut(BaseModel):
    at: datetime
    username: str
    what: str
    claim_number: str | None
    policy_number: str | None
    address: str


class AccessPage(BaseModel):
    items: list[AccessOut]
    total: int
    page: int
    page_size: int


@router.post(
    "/auth/token",
    response_model=TokenOut,
    tags=["auth"],
    summary="Log in (OAuth2 password form)",
    description="Failed logins are counted per account and per client address: too many answer 429 "
    "with Retry-After (ACCOUNT_LOCKED, LOGIN_THROTTLED).",
    responses=responses(400, 401, 413, 422, 429),
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    engine: EngineDep,
    settings: SettingsDep,
    address: ClientAddress,
    now: NowDep,
) -> TokenOut:
    user = login(
        engine=engine,
        username=form.username,
        password=form.password,
        address=address,
        now=now,
        settings=settings,
    )
    return TokenOut(access_token=token_for(user, settings))


@router.post(
    "/auth/logout",
    status_code=204,
    tags=["auth"],
    summary="Log out: the token stops working now",
    responses=responses(401),
)
def logout(user: CurrentUser, claims: TokenClaims, session: SessionDep, now: NowDep) -> None:
    revoke_token(session=session, user=user, claims=claims, now=now)


@router.get(
    "/me", response_model=MeOut, tags=["auth"], summary="The logged-in user", responses=responses(401)
)
def me(user: CurrentUser, actor: ActorDep) -> MeOut:
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        authority_limit=None if actor.authority is None else str(actor.authority),
    )


@router.get(
    "/access-log",
    response_model=AccessPage,
    tags=["audit"],
    summary="Who read which claim's or policy's personal data (auditors and admins)",
    description="Newest first. Dates are Asia/Shanghai calendar days, both included.",
)
def access_log(
    session: SessionDep,
    actor: ActorDep,
    username: Annotated[str | None, Query(max_length=64)] = None,
    claim_number: Annotated[str | None, Query(max_length=24)] = None,
    policy_number: Annotated[str | None, Query(max_length=40)] = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AccessPage:
    actor.require("access_log.read")
    flt = AccessFilter(username, claim_number, policy_number, date_from, date_to)
    rows, total = list_access(session=session, flt=flt, page=page, page_size=page_size)
    return AccessPage(
        items=[AccessOut.model_validate(dict(r)) for r in rows], total=total, page=page, page_size=page_size
    )
