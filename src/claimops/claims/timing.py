"""Stage durations from a claim's events (pure).

The four timing stages of management reports, each the time spent in its states:
受理 acceptance = reported; 调查 investigation = investigating; 审核 review = accepted, documents_pending,
under_review; 赔付 payment = decided and payment_pending, counted once the claim is paid.
A stage counts once the claim has been through it and left it; a stage never entered, or not yet left,
is None, so averages run over the claims that completed it.
End-to-end handling = first report to the last completion (paid, or closed/rejected/withdrawn without
payment); None while the claim is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from claimops.claims.lifecycle import Status

S = Status
STAGE_STATES: dict[str, frozenset[Status]] = {
    "acceptance": frozenset({S.REPORTED}),
    "investigation": frozenset({S.INVESTIGATING}),
    "review": frozenset({S.ACCEPTED, S.DOCUMENTS_PENDING, S.UNDER_REVIEW}),
    "payment": frozenset({S.DECIDED, S.PAYMENT_PENDING}),
}
STAGES = tuple(STAGE_STATES)
COMPLETION = frozenset({S.PAID, S.REJECTED, S.WITHDRAWN})


class EventLike(Protocol):
    @property
    def at(self) -> datetime: ...

    @property
    def to_status(self) -> str: ...


@dataclass(frozen=True)
class StageDurations:
    acceptance: int | None = None
    investigation: int | None = None
    review: int | None = None
    payment: int | None = None
    handling: int | None = None
    accepted_at: datetime | None = None
    decided_at: datetime | None = None
    paid_at: datetime | None = None
    completed_at: datetime | None = None


def stage_durations(events: Sequence[EventLike]) -> StageDurations:
    """Seconds per stage. `events` in order of occurrence; the first is the report."""
    if not events:
        return StageDurations()
    totals: dict[str, int] = {}
    accepted_at = decided_at = paid_at = completed_at = None
    ever_paid = paid_in_cycle = False
    for current, nxt in zip(events, [*events[1:], None], strict=True):
        status = Status(current.to_status)
        if status is S.ACCEPTED and accepted_at is None:
            accepted_at = current.at
        if status is S.DECIDED:
            decided_at = current.at
        if status is S.PAID:
            paid_at, ever_paid, paid_in_cycle = current.at, True, True
        if status in COMPLETION or (status is S.CLOSED and not paid_in_cycle):
            completed_at = current.at
        if status is S.UNDER_REVIEW and completed_at is not None:
            completed_at, paid_in_cycle = None, False  # reopened: open until the next completion
        if nxt is None:
            continue
        span = max(int((nxt.at - current.at).total_seconds()), 0)
        for stage, states in STAGE_STATES.items():
            if status in states:
                totals[stage] = totals.get(stage, 0) + span
    reached = {Status(e.to_status) for e in events}
    last = Status(events[-1].to_status)
    done = {
        stage: totals.get(stage, 0)
        for stage, states in STAGE_STATES.items()
        if reached & states and last not in states
    }
    if not ever_paid:
        done.pop("payment", None)
    handling = None
    if completed_at is not None:
        handling = max(int((completed_at - events[0].at).total_seconds()), 0)
    return StageDurations(
        acceptance=done.get("acceptance"),
        investigation=done.get("investigation"),
        review=done.get("review"),
        payment=done.get("payment"),
        handling=handling,
        accepted_at=accepted_at,
        decided_at=decided_at,
        paid_at=paid_at,
        completed_at=completed_at,
    )
