"""The decision's gates (claims/approval.py), over plain values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimops.claims.approval import (
    ABOVE_CLAIMED,
    AUTHORITY,
    BLOCKING_FINDING,
    DecisionCase,
    approval_reasons,
    overridden_documents,
)
from claimops.errors import Conflict, ValidationFailed


def case(**kw: object) -> DecisionCase:
    base: dict[str, object] = {
        "approves": True,
        "assessed_loss": Decimal("100.00"),
        "claimed_amount": Decimal("100.00"),
        "note": "",
        "missing_documents": [],
    }
    base.update(kw)
    return DecisionCase(**base)  # type: ignore[arg-type]


def test_above_the_claim_needs_a_note_and_an_approver() -> None:
    above = case(assessed_loss=Decimal("9999.00"))
    with pytest.raises(ValidationFailed) as exc:
        overridden_documents(above)
    assert exc.value.code == "ABOVE_CLAIMED_NOTE_REQUIRED"
    with pytest.raises(ValidationFailed):
        overridden_documents(case(assessed_loss=Decimal("9999.00"), note="   "))
    noted = case(assessed_loss=Decimal("9999.00"), note="隐蔽损伤")
    assert overridden_documents(noted) == []
    assert approval_reasons(noted, payable=Decimal("1"), within_authority=True, blocking_findings=0) == [
        ABOVE_CLAIMED
    ]


def test_missing_documents_need_an_override_with_a_reason() -> None:
    missing = ["policy", "invoice"]
    with pytest.raises(Conflict) as exc:
        overridden_documents(case(missing_documents=missing))
    assert exc.value.code == "DOCUMENTS_MISSING"
    with pytest.raises(ValidationFailed) as reason:
        overridden_documents(case(missing_documents=missing, override_missing_documents=True))
    assert reason.value.code == "OVERRIDE_REASON_REQUIRED"
    done = case(missing_documents=missing, override_missing_documents=True, override_reason="邮寄中")
    assert overridden_documents(done) == missing
    assert overridden_documents(case(approves=False, missing_documents=missing)) == []  # a denial


def test_only_a_decision_that_pays_goes_to_an_approver() -> None:
    c = case(assessed_loss=Decimal("9999.00"), note="x")
    assert approval_reasons(c, payable=Decimal("0"), within_authority=False, blocking_findings=2) == []
    assert approval_reasons(c, payable=Decimal("0.01"), within_authority=False, blocking_findings=2) == [
        AUTHORITY,
        BLOCKING_FINDING,
        ABOVE_CLAIMED,
    ]
    assert approval_reasons(case(), payable=Decimal("50"), within_authority=True, blocking_findings=0) == []
