from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimops.claims.lifecycle import Outcome
from claimops.claims.settlement import AgainstPaid, against_paid, payable, settle
from claimops.errors import ValidationFailed
from claimops.policies.terms import PolicyTerms

IN_FORCE = date(2026, 6, 1)


def terms(**kw: object) -> PolicyTerms:
    base = {
        "effective_from": date(2026, 1, 1),
        "effective_to": date(2026, 12, 31),
        "sum_insured": Decimal("100000.00"),
        "deductible": Decimal("500.00"),
        "coinsurance_rate": Decimal("0.10"),
        "paid_to_date": Decimal("0.00"),
    }
    base.update(kw)
    return PolicyTerms(**base)  # type: ignore[arg-type]


def test_formula_by_hand() -> None:
    # (8,500 − 500) × (1 − 0.10) = 7,200.00
    s = settle(
        outcome=Outcome.APPROVED,
        assessed_loss=Decimal("8500"),
        incident_date=IN_FORCE,
        terms=terms(),
        reason_codes=[],
    )
    assert (s.outcome, s.approved_amount, s.reason_codes) == (Outcome.APPROVED, Decimal("7200.00"), [])


def test_half_up_rounding_to_cents() -> None:
    # (100.05 − 0) × (1 − 0.5) = 50.025 → 50.03 (half up, not banker's 50.02)
    amount, _ = payable(Decimal("100.05"), terms(deductible=Decimal("0"), coinsurance_rate=Decimal("0.5")))
    assert amount == Decimal("50.03")


def test_capped_by_remaining_limit_becomes_partial() -> None:
    t = terms(sum_insured=Decimal("10000"), paid_to_date=Decimal("7000"))
    s = settle(
        outcome=Outcome.APPROVED,
        assessed_loss=Decimal("8500"),
        incident_date=IN_FORCE,
        terms=t,
        reason_codes=[],
    )
    assert s.outcome is Outcome.PARTIAL
    assert s.approved_amount == Decimal("3000.00")
    assert "LIMIT_REACHED" in s.reason_codes


def test_outside_policy_period_is_denied_not_in_force() -> None:
    s = settle(
        outcome=Outcome.APPROVED,
        assessed_loss=Decimal("8500"),
        incident_date=date(2027, 1, 1),
        terms=terms(),
        reason_codes=[],
    )
    assert (s.outcome, s.approved_amount, s.reason_codes) == (
        Outcome.DENIED,
        Decimal("0.00"),
        ["POLICY_NOT_IN_FORCE"],
    )


def test_below_deductible_is_denied_with_reason() -> None:
    s = settle(
        outcome=Outcome.APPROVED,
        assessed_loss=Decimal("300"),
        incident_date=IN_FORCE,
        terms=terms(),
        reason_codes=[],
    )
    assert s.outcome is Outcome.DENIED and s.reason_codes == ["BELOW_DEDUCTIBLE"]


def test_denial_and_partial_need_reason_codes_and_codes_must_be_known() -> None:
    for outcome in (Outcome.DENIED, Outcome.PARTIAL):
        with pytest.raises(ValidationFailed) as err:
            settle(
                outcome=outcome,
                assessed_loss=Decimal("1000"),
                incident_date=IN_FORCE,
                terms=terms(),
                reason_codes=[],
            )
        assert err.value.code == "REASON_REQUIRED"
    with pytest.raises(ValidationFailed) as err:
        settle(
            outcome=Outcome.DENIED,
            assessed_loss=Decimal("1"),
            incident_date=IN_FORCE,
            terms=terms(),
            reason_codes=["NOPE"],
        )
    assert err.value.code == "UNKNOWN_REASON_CODE"


money = st.decimals(min_value=Decimal("0"), max_value=Decimal("10000000"), places=2, allow_nan=False)
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=4, allow_nan=False)


@given(loss=money, deductible=money, rate=rates, limit=money, paid=money)
def test_payable_matches_the_formula(
    loss: Decimal, deductible: Decimal, rate: Decimal, limit: Decimal, paid: Decimal
) -> None:
    t = terms(deductible=deductible, coinsurance_rate=rate, sum_insured=limit, paid_to_date=paid)
    amount, gross = payable(loss, t)
    remaining = max(limit - paid, Decimal(0))
    expected = min(
        (max(loss - deductible, Decimal(0)) * (1 - rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        remaining,
    )
    assert amount == expected
    assert Decimal(0) <= amount <= remaining
    assert amount <= max(loss - deductible, Decimal(0))
    assert amount == amount.quantize(Decimal("0.01"))


@given(loss=money, rate=rates)
def test_payable_is_monotone_in_the_loss(loss: Decimal, rate: Decimal) -> None:
    t = terms(coinsurance_rate=rate)
    assert payable(loss, t)[0] <= payable(loss + Decimal("100"), t)[0]


@given(loss=money, outcome=st.sampled_from([Outcome.APPROVED, Outcome.PARTIAL]))
def test_settle_never_pays_more_than_payable(loss: Decimal, outcome: Outcome) -> None:
    t = terms()
    s = settle(
        outcome=outcome, assessed_loss=loss, incident_date=IN_FORCE, terms=t, reason_codes=["AMOUNT_ADJUSTED"]
    )
    assert s.approved_amount == payable(loss, t)[0]
    assert (s.outcome is Outcome.DENIED) == (s.approved_amount == 0)


def test_a_supplementary_decision_by_hand() -> None:
    # paid 8,000; a new total of 9,500 pays 1,500; of 8,000 nothing; of 5,000 nothing and 3,000 back
    assert against_paid(Decimal("9500"), Decimal("8000")) == AgainstPaid(
        Decimal("8000.00"), Decimal("1500.00"), Decimal("0.00")
    )
    assert against_paid(Decimal("8000"), Decimal("8000")).payable == Decimal("0.00")
    lower = against_paid(Decimal("5000"), Decimal("8000"))
    assert (lower.payable, lower.recovery) == (Decimal("0.00"), Decimal("3000.00"))


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
)
def test_paid_before_plus_payable_minus_recovery_is_the_approved_total(
    approved: Decimal, paid: Decimal
) -> None:
    split = against_paid(approved, paid)
    assert split.payable >= 0 and split.recovery >= 0 and min(split.payable, split.recovery) == 0
    assert split.paid_before + split.payable - split.recovery == approved
    # after the payment the claim holds exactly the approved total, or the recovery says by how much more
    assert split.paid_before + split.payable == max(approved, paid)
