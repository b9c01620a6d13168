"""The personal-data access log: who read which claim or policy, when and from where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import Session

from claimops.clock import start_of_local_day
from claimops.users.actor import Actor
from claimops.users.models import AccessLog, User

# What was read
CLAIM_API = "claim.api"
CLAIM_PAGE = "claim.page"
POLICY_API = "policy.api"
# Filter days outside these say nothing more (and the edges of the calendar do not overflow).
EARLIEST, LATEST = date(1970, 1, 1), date(9998, 12, 31)


def record_access(
    *,
    session: Session,
    actor: Actor,
    what: str,
    address: str,
    now: datetime,
    claim_id: int | None = None,
    policy_id: int | None = None,
) -> None:
    """Part of the reading request's unit of work: a read that fails records nothing."""
    if actor.id is None:  # the system reads for itself
        return
    session.add(
        AccessLog(
            at=now,
            user_id=actor.id,
            claim_id=claim_id,
            policy_id=policy_id,
            what=what,
            address=address[:64],
        )
    )


@dataclass(frozen=True)
class AccessFilter:
    username: str | None = None
    claim_number: str | None = None
    policy_number: str | None = None
    day_from: date | None = None  # Asia/Shanghai calendar days, both included
    day_to: date | None = None


def list_access(
    *, session: Session, flt: AccessFilter, page: int, page_size: int
) -> tuple[Sequence[RowMapping], int]:
    """Rows of at, username, what, claim_number, policy_number, address; newest first.

    The claims and policies tables are named, not imported: users sits below those domains."""
    tables = AccessLog.metadata.tables
    claim, policy = tables["claims"].c, tables["policies"].c
    stmt = (
        select(
            AccessLog.at,
            User.username,
            AccessLog.what,
            claim.claim_number,
            policy.policy_number,
            AccessLog.address,
        )
        .join(User, User.id == AccessLog.user_id)
        .outerjoin(tables["claims"], claim.id == AccessLog.claim_id)
        .outerjoin(tables["policies"], policy.id == AccessLog.policy_id)
    )
    if flt.username:
        stmt = stmt.where(User.username == flt.username)
    if flt.claim_number:
        stmt = stmt.where(claim.claim_number == flt.claim_number)
    if flt.policy_number:
        stmt = stmt.where(policy.policy_number == flt.policy_number)
    if flt.day_from:
        stmt = stmt.where(AccessLog.at >= start_of_local_day(max(flt.day_from, EARLIEST)))
    if flt.day_to:
        stmt = stmt.where(AccessLog.at < start_of_local_day(min(flt.day_to, LATEST) + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(AccessLog.at.desc(), AccessLog.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return rows.mappings().all(), total
