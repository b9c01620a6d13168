"""Logging in: throttled per account and per client address, with bcrypt outside any transaction.

The one service that owns its transactions: bcrypt takes a quarter of a second by design, and on SQLite
every transaction holds the write lock, so the password is checked between two short transactions —
a read of the user and the counters, then the outcome recorded. An unknown name is checked against a
dummy hash, so that it costs the same as a known one and the answer's timing does not tell which
names exist; it is counted and locked like any other name, for the same reason.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, or_, select
from sqlalchemy.orm import Session

from claimops.clock import fmt_local
from claimops.config import Settings
from claimops.db import reading, unit_of_work
from claimops.errors import TooManyRequests, Unauthorized
from claimops.users.models import LoginThrottle, User
from claimops.users.security import DUMMY_HASH, verify_password
from claimops.users.throttle import (
    ACCOUNT,
    ADDRESS,
    Counter,
    Limit,
    after_failure,
    blocked_until,
    retry_after_seconds,
)
from claimops.users.upsert import insert_ignore

log = logging.getLogger("claimops.auth")
KEY_LENGTH = 128


class AccountLocked(TooManyRequests):
    code = "ACCOUNT_LOCKED"

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__(
            f"the account is locked after too many failed logins until {fmt_local(until)} (Asia/Shanghai)",
            retry_after=retry_after_seconds(until, now),
            details={"locked_until": until.isoformat()},
        )
        self.until = until


def limits(settings: Settings) -> dict[str, Limit]:
    window = timedelta(minutes=settings.login_window_minutes)
    return {
        ACCOUNT: Limit(
            settings.login_max_failures, window, timedelta(minutes=settings.login_lockout_minutes)
        ),
        ADDRESS: Limit(settings.login_address_max_failures, window, window),
    }


def login(
    *, engine: Engine, username: str, password: str, address: str, now: datetime, settings: Settings
) -> User:
    """The user, or Unauthorized (wrong name or password), AccountLocked, or TooManyRequests for the
    address. The returned user is detached (its columns loaded)."""
    keys = {ACCOUNT: username[:KEY_LENGTH], ADDRESS: address[:KEY_LENGTH]}
    with reading(engine) as conn:
        found = conn.execute(
            select(User.id, User.password_hash, User.active).where(User.username == username)
        ).first()
        counters = {
            row.scope: Counter(row.failures, row.window_start, row.locked_until)
            for row in conn.execute(
                select(LoginThrottle).where(
                    or_(*(and_(LoginThrottle.scope == s, LoginThrottle.key == k) for s, k in keys.items()))
                )
            )
        }
    if until := blocked_until(counters.get(ADDRESS), now):
        raise TooManyRequests(
            "too many failed logins from this address; try again later",
            code="LOGIN_THROTTLED",
            retry_after=retry_after_seconds(until, now),
        )
    if until := blocked_until(counters.get(ACCOUNT), now):
        raise AccountLocked(until, now)

    valid = verify_password(password, found.password_hash if found else DUMMY_HASH)
    if valid and found is not None and found.active:
        return _succeeded(engine, found.id, keys[ACCOUNT])
    account = _failed(engine, keys, now, limits(settings))
    if account.blocked_until is not None:
        log.warning("account %s locked until %s after failed logins", username, account.blocked_until)
        raise AccountLocked(account.blocked_until, now)
    raise Unauthorized("wrong username or password", code="BAD_CREDENTIALS")


def _succeeded(engine: Engine, user_id: int, account: str) -> User:
    with unit_of_work(engine) as session:
        session.execute(
            delete(LoginThrottle).where(LoginThrottle.scope == ACCOUNT, LoginThrottle.key == account)
        )
        return session.get_one(User, user_id)


def _failed(engine: Engine, keys: dict[str, str], now: datetime, rules: dict[str, Limit]) -> Counter:
    """Count the failure for the account and the address; the account's counter after it."""
    with unit_of_work(engine) as session:
        account = _count_failure(session, ACCOUNT, keys[ACCOUNT], now, rules[ACCOUNT])
        _count_failure(session, ADDRESS, keys[ADDRESS], now, rules[ADDRESS])
        session.execute(delete(LoginThrottle).where(LoginThrottle.expires_at < now))
    return account


def _count_failure(session: Session, scope: str, key: str, now: datetime, limit: Limit) -> Counter:
    """One more failure, counted under a row lock so that simultaneous failures all count."""
    insert_ignore(session, LoginThrottle, scope=scope, key=key, failures=0, window_start=now, expires_at=now)
    row = session.execute(
        select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key).with_for_update()
    ).scalar_one()
    counter = after_failure(Counter(row.failures, row.window_start, row.locked_until), now, limit)
    row.failures, row.window_start, row.locked_until = (
        counter.failures,
        counter.window_start,
        counter.blocked_until,
    )
    row.expires_at = counter.expires_at(limit)
    return counter
