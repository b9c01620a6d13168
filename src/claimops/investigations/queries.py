"""Reads: a claim's investigations with their notes, and the KPIs of a period (SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.clock import start_of_local_day
from claimops.investigations import rules
from claimops.investigations.models import Investigation, InvestigationNote
from claimops.money import ZERO, to_money
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period


def investigations(
    session: Session, *, claim_id: int | None = None, open_only: bool = False, limit: int = 200
) -> list[tuple[Investigation, str]]:
    """(investigation, claim number), latest first."""
    stmt = select(Investigation, Claim.claim_number).join(Claim, Claim.id == Investigation.claim_id)
    if claim_id is not None:
        stmt = stmt.where(Investigation.claim_id == claim_id)
    if open_only:
        stmt = stmt.where(Investigation.status == "open")
    rows = session.execute(
        stmt.order_by(Investigation.opened_at.desc(), Investigation.id.desc()).limit(limit)
    )
    return [(inv, number) for inv, number in rows]


def notes(session: Session, investigation_id: int) -> list[InvestigationNote]:
    return list(
        session.scalars(
            select(InvestigationNote)
            .where(InvestigationNote.investigation_id == investigation_id)
            .order_by(InvestigationNote.at, InvestigationNote.id)
        )
    )


@dataclass(frozen=True)
class Group:
    key: str
    opened: int
    closed: int
    confirmed: int
    amount_saved: Decimal

    @property
    def hit_rate(self) -> float | None:
        return rules.hit_rate(self.confirmed, self.closed)


@dataclass(frozen=True)
class Kpis:
    total: Group
    by_line: list[Group]
    by_trigger: list[Group]


def kpis(session: Session, period: Period, filters: Filters | None = None) -> Kpis:
    """Opened in the period; closed in the period (with how many confirmed fraud and what was saved),
    in total, by line and by trigger."""
    start, end = start_of_local_day(period.start), start_of_local_day(period.end)
    filters = filters or Filters()
    opened_in = (Investigation.opened_at >= start) & (Investigation.opened_at < end)
    closed_in = (
        Investigation.closed_at.is_not(None)
        & (Investigation.closed_at >= start)
        & (Investigation.closed_at < end)
    )
    cols = (
        func.count(case((opened_in, 1))),
        func.count(case((closed_in, 1))),
        func.count(case((closed_in & (Investigation.conclusion == "fraud_confirmed"), 1))),
        func.sum(case((closed_in, Investigation.amount_saved))),
    )

    def grouped(key: Any) -> list[Group]:
        stmt = (
            select(key, *cols)
            .join(Claim, Claim.id == Investigation.claim_id)
            .where(opened_in | closed_in)
            .group_by(key)
        )
        return [_group(str(k), o, c, f, s) for k, o, c, f, s in session.execute(filters.apply(stmt))]

    by_line = grouped(Claim.line)
    by_trigger = grouped(Investigation.trigger)
    total = Group(
        "all",
        sum(g.opened for g in by_line),
        sum(g.closed for g in by_line),
        sum(g.confirmed for g in by_line),
        to_money(sum((g.amount_saved for g in by_line), ZERO)),
    )
    return Kpis(total, sorted(by_line, key=lambda g: g.key), sorted(by_trigger, key=lambda g: -g.opened))


def _group(key: str, opened: int, closed: int, confirmed: int, saved: object) -> Group:
    amount = to_money(Decimal(str(saved))) if saved is not None else ZERO
    return Group(key, int(opened or 0), int(closed or 0), int(confirmed or 0), amount)
