from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from claimops.users.actor import Actor
from claimops.users.models import LoginThrottle, RevokedToken, User
from claimops.users.passwords import MIN_LENGTH, password_problem
from claimops.users.roles import Role, default_authority
from claimops.users.security import create_token, hash_password, token_expiry
from claimops.users.throttle import ACCOUNT
from claimops.users.upsert import insert_ignore


def check_password(password: str, *, username: str = "", min_length: int = MIN_LENGTH) -> None:
    problem = password_problem(password, username=username, min_length=min_length)
    if problem:
        raise ValidationFailed(problem, code="WEAK_PASSWORD")


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    authority_limit: Decimal | None = None,
    full_name: str = "",
    min_password_length: int = MIN_LENGTH,
) -> User:
    try:
        role_ = Role(role)
    except ValueError as exc:
        raise ValidationFailed(
            f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}", code="UNKNOWN_ROLE"
        ) from exc
    if role_ is Role.CUSTOMER:
        raise ValidationFailed("customers sign in to the portal, not as staff", code="UNKNOWN_ROLE")
    if not username or len(username) > 64:
        raise ValidationFailed("username must be 1-64 characters", code="INVALID_USERNAME")
    check_password(password, username=username, min_length=min_password_length)
    if authority_limit is not None and authority_limit < 0:
        raise ValidationFailed("authority limit must not be negative", code="NEGATIVE_AMOUNT")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username} already exists", code="USER_EXISTS")
    user = User(
        username=username,
        full_name=full_name or username,
        password_hash=hash_password(password),
        role=role_.value,
        authority_limit=authority_limit,
    )
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} not found", code="USER_NOT_FOUND")
    return user


def set_password(
    *, session: Session, username: str, password: str, min_password_length: int = MIN_LENGTH
) -> User:
    """A new password ends every session the user had."""
    user = get_user(session=session, username=username)
    check_password(password, username=username, min_length=min_password_length)
    user.password_hash = hash_password(password)
    user.token_version += 1
    return user


def deactivate_user(*, session: Session, username: str) -> User:
    """The account can no longer log in, and every token it holds stops working now."""
    user = get_user(session=session, username=username)
    user.active = False
    user.token_version += 1
    return user


def unlock_user(*, session: Session, username: str) -> bool:
    """Clear a lockout after failed logins; False when the account was not locked."""
    result = session.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == ACCOUNT, LoginThrottle.key == username)
    )
    return bool(getattr(result, "rowcount", 0))


def token_for(user: User, settings: Settings) -> str:
    return create_token(
        subject=user.username,
        role=user.role,
        secret=settings.resolved_secret_key,
        minutes=settings.token_minutes,
        version=user.token_version,
    )


def user_for_token(*, session: Session, claims: dict[str, Any]) -> User:
    """The user a decoded token speaks for, unless it was logged out or outlived by a new token version
    (one query: the user and whether the token is revoked)."""
    revoked = exists().where(RevokedToken.jti == str(claims["jti"]))
    row = session.execute(select(User, revoked).where(User.username == str(claims["sub"]))).first()
    if row is None:
        raise Unauthorized("invalid credentials", code="INVALID_TOKEN")
    user, is_revoked = row
    if is_revoked or claims.get("ver") != user.token_version:
        raise Unauthorized("the session has ended; log in again", code="TOKEN_REVOKED")
    if not user.active:
        raise Unauthorized("this account is disabled", code="ACCOUNT_DISABLED")
    return user


def revoke_token(*, session: Session, user: User, claims: dict[str, Any], now: datetime) -> None:
    """Log a token out before it expires; revocations of expired tokens are cleared on the way."""
    insert_ignore(
        session,
        RevokedToken,
        jti=str(claims["jti"]),
        user_id=user.id,
        expires_at=token_expiry(claims),
        revoked_at=now,
    )
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))


def actor_for(user: User, settings: Settings) -> Actor:
    limits = {
        "handler": settings.authority_handler,
        "reviewer": settings.authority_reviewer,
        "approver": settings.authority_approver,
        "manager": settings.authority_manager,
    }
    authority = (
        user.authority_limit if user.authority_limit is not None else default_authority(user.role, limits)
    )
    return Actor(id=user.id, name=user.username, role=Role(user.role), authority=authority)
