from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.roles import Role, default_authority
from claimops.users.security import hash_password, verify_password


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    authority_limit: Decimal | None = None,
    full_name: str = "",
) -> User:
    try:
        role_ = Role(role)
    except ValueError as exc:
        raise ValidationFailed(
            f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}", code="UNKNOWN_ROLE"
        ) from exc
    if not username or len(username) > 64:
        raise ValidationFailed("username must be 1-64 characters", code="INVALID_USERNAME")
    if len(password) < 8:
        raise ValidationFailed("password must have at least 8 characters", code="WEAK_PASSWORD")
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


def authenticate(*, session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise Unauthorized("wrong username or password", code="BAD_CREDENTIALS")
    return user


def get_user(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username} not found", code="USER_NOT_FOUND")
    return user


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
