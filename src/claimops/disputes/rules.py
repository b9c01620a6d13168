"""The dispute workflow (pure): open → negotiation → mediation / arbitration / litigation →
resolved or withdrawn, with a deadline per stage; a stage never moves backwards."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from claimops.errors import Conflict, ValidationFailed

PARTIES = ("customer", "insurer", "provider")
REASONS = ("amount", "coverage", "liability", "fee", "timeliness", "other")
STAGES = ("open", "negotiation", "mediation", "arbitration", "litigation", "resolved", "withdrawn")
FINAL = frozenset({"resolved", "withdrawn"})
RANK = {"open": 0, "negotiation": 1, "mediation": 2, "arbitration": 3, "litigation": 4}
DEADLINE_DAYS = {"open": 7, "negotiation": 30, "mediation": 60, "arbitration": 120, "litigation": 365}


def deadline(stage: str, entered: date) -> date | None:
    days = DEADLINE_DAYS.get(stage)
    return None if days is None else entered + timedelta(days=days)


def check_move(current: str, target: str) -> None:
    if target not in STAGES:
        raise ValidationFailed(f"unknown stage {target!r}; one of {', '.join(STAGES)}", code="STAGE_UNKNOWN")
    if current in FINAL:
        raise Conflict(f"the dispute is already {current}", code="DISPUTE_CLOSED")
    if target in FINAL:
        return
    if RANK[target] <= RANK[current]:
        raise Conflict(f"a dispute cannot move back from {current} to {target}", code="STAGE_BACKWARDS")


def next_stages(current: str) -> list[str]:
    """The stages `check_move` lets a dispute in `current` move to, in workflow order."""
    if current in FINAL:
        return []
    later = [s for s in STAGES if s in RANK and current in RANK and RANK[s] > RANK[current]]
    return [*later, *(s for s in STAGES if s in FINAL)]


def check_settlement(disputed: Decimal, settled: Decimal) -> None:
    if settled < 0:
        raise ValidationFailed("the settled amount must not be negative", code="NEGATIVE_AMOUNT")
    if settled > disputed:
        raise ValidationFailed(
            f"the settled amount {settled} is above the disputed {disputed}", code="SETTLED_ABOVE_DISPUTED"
        )


def overdue(due_on: date | None, stage: str, today: date) -> bool:
    return stage not in FINAL and due_on is not None and due_on < today
