from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from claimops.users.security import create_token
from claimops.users.service import authenticate
from claimops.web.deps import ActorDep, CurrentUser, SessionDep, SettingsDep
from claimops.web.errors import responses

router = APIRouter(tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class MeOut(BaseModel):
    username: str
    full_name: str
    role: str
    authority_limit: str | None


@router.post(
    "/auth/token",
    response_model=TokenOut,
    summary="Log in (OAuth2 password form)",
    responses=responses(400, 401, 413, 422, 429),
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, settings: SettingsDep
) -> TokenOut:
    user = authenticate(session=session, username=form.username, password=form.password)
    return TokenOut(
        access_token=create_token(
            subject=user.username,
            role=user.role,
            secret=settings.resolved_secret_key,
            minutes=settings.token_minutes,
        )
    )


@router.get("/me", response_model=MeOut, summary="The logged-in user", responses=responses(401))
def me(user: CurrentUser, actor: ActorDep) -> MeOut:
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        authority_limit=None if actor.authority is None else str(actor.authority),
    )
