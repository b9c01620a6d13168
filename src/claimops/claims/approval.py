"""What a decision needs besides its amount (pure): a reason, an override, an approver.

- An approval above the claimed amount needs a note saying why (say, damage found that the claimant
  did not know of) and goes to an approver.
- An approval while required documents are missing needs an explicit override with a reason; the
  override and the documents it covers are recorded in the decision's event.
- A decision goes to an approver only when it releases money: something payable and above the
  decider's authority (on the approved total), a blocking finding, or above the claimed amount.
  A denial, or a supplementary decision that leaves nothing to pay, needs no approver.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from claimops.errors import Conflict, ValidationFailed

AUTHORITY = "AUTHORITY"
BLOCKING_FINDING = "BLOCKING_FINDING"
ABOVE_CLAIMED = "ABOVE_CLAIMED"


@dataclass(frozen=True)
class DecisionCase:
    approves: bool  # the settlement approves an amount (not a denial)
    assessed_loss: Decimal
    claimed_amount: Decimal
    note: str
    missing_documents: list[str]
    override_missing_documents: bool = False
    override_reason: str = ""

    @property
    def above_claimed(self) -> bool:
        return self.approves and self.assessed_loss > self.claimed_amount


def overridden_documents(case: DecisionCase) -> list[str]:
    """The missing documents the decision overrides ([] when none are missing or it is a denial);
    ValidationFailed/Conflict when a reason or an override is wanting."""
    if case.above_claimed and not case.note.strip():
        raise ValidationFailed(
            f"an assessed loss of {case.assessed_loss} is above the claimed {case.claimed_amount}: "
            "say why in the note (the decision then goes to an approver)",
            code="ABOVE_CLAIMED_NOTE_REQUIRED",
        )
    if not case.approves or not case.missing_documents:
        return []
    if not case.override_missing_documents:
        raise Conflict(
            f"required documents are missing: {', '.join(case.missing_documents)}; upload them, or "
            "override with a reason",
            code="DOCUMENTS_MISSING",
            details={"missing": case.missing_documents},
        )
    if not case.override_reason.strip():
        raise ValidationFailed(
            "deciding without the required documents needs the override's reason",
            code="OVERRIDE_REASON_REQUIRED",
        )
    return list(case.missing_documents)


def approval_reasons(
    case: DecisionCase, *, payable: Decimal, within_authority: bool, blocking_findings: int
) -> list[str]:
    """Why the decision waits for an approver ([]: it does not)."""
    if payable <= 0:
        return []
    reasons = []
    if not within_authority:
        reasons.append(AUTHORITY)
    if blocking_findings:
        reasons.append(BLOCKING_FINDING)
    if case.above_claimed:
        reasons.append(ABOVE_CLAIMED)
    return reasons
