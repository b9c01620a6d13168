from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from claimops.claims.lifecycle import Action, Status, transition
from claimops.claims.timing import stage_durations

T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
H = 3600


@dataclass
class Ev:
    at: datetime
    to_status: str


def walk(*steps: tuple[Status, float]) -> list[Ev]:
    """Events at cumulative hour offsets."""
    out, t = [], T0
    for status, hours in steps:
        t = t + timedelta(hours=hours)
        out.append(Ev(t, status.value))
    return out


def test_stages_of_a_paid_claim_with_investigation() -> None:
    S = Status
    events = walk(
        (S.REPORTED, 0),
        (S.ACCEPTED, 5),
        (S.INVESTIGATING, 24),
        (S.UNDER_REVIEW, 240),
        (S.DECIDED, 48),
        (S.PAYMENT_PENDING, 0),
        (S.PAID, 72),
        (S.CLOSED, 1),
    )
    d = stage_durations(events)
    assert d.acceptance == 5 * H
    assert d.investigation == 240 * H
    assert d.review == (24 + 48) * H
    assert d.payment == 72 * H
    assert d.handling == (5 + 24 + 240 + 48 + 72) * H  # report → paid
    assert d.paid_at == events[6].at


def test_open_claim_has_no_handling_time_and_no_unfinished_stage() -> None:
    events = walk((Status.REPORTED, 0), (Status.ACCEPTED, 2), (Status.UNDER_REVIEW, 3))
    d = stage_durations(events)
    assert d.acceptance == 2 * H
    assert d.review is None and d.investigation is None and d.payment is None and d.handling is None


def test_denied_claim_has_no_payment_stage_and_ends_at_close() -> None:
    events = walk(
        (Status.REPORTED, 0),
        (Status.ACCEPTED, 1),
        (Status.UNDER_REVIEW, 1),
        (Status.DECIDED, 10),
        (Status.CLOSED, 2),
    )
    d = stage_durations(events)
    assert d.payment is None
    assert d.review == 11 * H
    assert d.handling == 14 * H


def test_reopened_claim_is_open_again_until_paid_again() -> None:
    S = Status
    base = [
        (S.REPORTED, 0),
        (S.ACCEPTED, 1),
        (S.UNDER_REVIEW, 1),
        (S.DECIDED, 1),
        (S.PAYMENT_PENDING, 0),
        (S.PAID, 1),
        (S.CLOSED, 1),
    ]
    assert stage_durations(walk(*base, (S.UNDER_REVIEW, 10))).handling is None
    again = stage_durations(
        walk(*base, (S.UNDER_REVIEW, 10), (S.DECIDED, 2), (S.PAYMENT_PENDING, 0), (S.PAID, 3))
    )
    assert again.handling == (1 + 1 + 1 + 1 + 1 + 10 + 2 + 3) * H
    assert again.payment == (1 + 3) * H


@given(st.lists(st.tuples(st.sampled_from(list(Action)), st.integers(0, 500)), max_size=30))
def test_stage_times_never_exceed_elapsed_time(moves: list[tuple[Action, int]]) -> None:
    status, events = Status.REPORTED, [Ev(T0, Status.REPORTED.value)]
    for action, minutes in moves:
        try:
            status = transition(status, action).to_status
        except Exception:
            continue
        events.append(Ev(events[-1].at + timedelta(minutes=minutes), status.value))
    d = stage_durations(events)
    elapsed = int((events[-1].at - events[0].at).total_seconds())
    stages = [v for v in (d.acceptance, d.investigation, d.review, d.payment) if v is not None]
    assert all(v >= 0 for v in stages)
    assert sum(stages) <= elapsed
    if d.handling is not None:
        assert 0 <= d.handling <= elapsed
