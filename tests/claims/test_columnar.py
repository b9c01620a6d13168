"""The array rules (claims/columnar.py) against the scalar ones they restate, with hypothesis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from claimops.claims.columnar import AC, ACTIONS, ST, STATUSES, legal_moves, payable_cents, stage_timings
from claimops.claims.lifecycle import Action, Status, transition
from claimops.claims.settlement import payable
from claimops.claims.timing import stage_durations
from claimops.errors import IllegalTransition
from claimops.policies.terms import PolicyTerms

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
cents = st.integers(min_value=0, max_value=10**11)


@given(
    assessed=cents,
    deductible=st.integers(min_value=0, max_value=10**8),
    bp=st.integers(min_value=0, max_value=10_000),
    sum_insured=cents,
    paid=cents,
)
def test_payable_in_cents_is_the_settlement_rule(
    assessed: int, deductible: int, bp: int, sum_insured: int, paid: int
) -> None:
    def money(c: int) -> Decimal:
        return Decimal(c).scaleb(-2)

    terms = PolicyTerms(
        date(2024, 1, 1), date(2024, 12, 31), money(sum_insured), money(deductible), Decimal(bp).scaleb(-4),
        money(paid),
    )  # fmt: skip
    want, want_gross = payable(money(assessed), terms)
    got, gross = payable_cents(
        *(np.array([v], dtype=np.int64) for v in (assessed, deductible, bp, sum_insured, paid))
    )
    assert (money(int(got[0])), money(int(gross[0]))) == (want, want_gross)


def test_legal_moves_are_the_state_machine() -> None:
    table = legal_moves()
    for a in ACTIONS:
        for s in STATUSES:
            try:
                want = ST[transition(s, a).to_status]
            except IllegalTransition:
                want = -1
            assert table[AC[a], ST[s]] == want


@dataclass(frozen=True)
class Ev:
    at: datetime
    to_status: str


@st.composite
def histories(draw: st.DrawFn) -> list[Ev]:
    """A legal history: the report, then actions the state machine allows, times never going back."""
    at = EPOCH + timedelta(seconds=draw(st.integers(min_value=0, max_value=2_000_000_000)))
    status, events = Status.REPORTED, [Ev(at, Status.REPORTED.value)]
    for _ in range(draw(st.integers(min_value=0, max_value=14))):
        action = draw(st.sampled_from([a for a in ACTIONS if a is not Action.REPORT]))
        try:
            status = transition(status, action).to_status
        except IllegalTransition:
            continue
        at += timedelta(seconds=draw(st.sampled_from([0, 1, 59, 3_600, 86_399, 200_000])))
        events.append(Ev(at, status.value))
    return events


@settings(max_examples=300)
@given(st.lists(histories(), min_size=1, max_size=6))
def test_stage_timings_are_stage_durations(claims: list[list[Ev]]) -> None:
    claim = np.array([i for i, evs in enumerate(claims) for _ in evs], dtype=np.int64)
    at = np.array([int((e.at - EPOCH).total_seconds()) for evs in claims for e in evs], dtype=np.int64)
    to = np.array([ST[Status(e.to_status)] for evs in claims for e in evs], dtype=np.int8)
    got = stage_timings(claim, at, to, len(claims))

    def secs(t: datetime | None) -> int:
        return -1 if t is None else int((t - EPOCH).total_seconds())

    for i, evs in enumerate(claims):
        d = stage_durations(evs)
        want = {
            "acceptance_s": d.acceptance,
            "investigation_s": d.investigation,
            "review_s": d.review,
            "payment_s": d.payment,
            "handling_s": d.handling,
        }
        assert {k: int(got[k][i]) for k in want} == {k: -1 if v is None else v for k, v in want.items()}
        for k in ("accepted_at", "decided_at", "paid_at", "completed_at"):
            assert int(got[k][i]) == secs(getattr(d, k)), k
