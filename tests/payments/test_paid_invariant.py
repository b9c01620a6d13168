"""The money promise under any order of actions: a claim is never paid more than its approved total.

A hypothesis state machine drives one claim (and, on the same policy, another claim that has already
used part of the limit) through the services in random orders: decide lower or higher, approve, pay,
retry a payment with the same or a new key, close, reopen. Each step is a request: it runs in a
savepoint that a refusal rolls back. After every step the invariants are checked against the stored
rows, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event
from hypothesis import settings as run_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import Action, Status
from claimops.claims.models import Claim, Decision
from claimops.claims.payouts import release_payment
from claimops.claims.schemas import ActionIn, DecideIn, ReportIn
from claimops.claims.service import approve, decide, get_claim, perform, report_claim
from claimops.config import Settings
from claimops.errors import ClaimopsError
from claimops.payments.guards import first_overpaid_claim
from claimops.payments.models import Payment
from claimops.payments.schemas import PaymentIn
from factories import RISK_SCORER, make_policy, staff_actor

CLAIMED = Decimal("10000.00")
SUM_INSURED = Decimal("20000.00")
T0 = datetime(2026, 3, 2, 2, tzinfo=UTC)
PAYEE = PaymentIn(method="bank_transfer", payee={"name": "张三"})
# assessed losses: a denial's 0, lower and equal to what is usually paid, above the claim, above the limit
# a payment tried while it waits, and (refused) right after the decision and after the payment
WHERE_PAYMENT_IS_TRIED = (Status.DECIDED.value, Status.PAYMENT_PENDING.value, Status.PAID.value)
AMOUNTS = st.sampled_from(["0.00", "3000.00", "8000.00", "10000.00", "12500.00", "25000.00"])


def _override(amount: Decimal) -> dict[str, Any]:
    note = "定损高于报损：补充损失" if amount > CLAIMED else ""
    return {"note": note, "override_missing_documents": True, "override_reason": "documents by post"}


class PaidNeverAboveApproved(RuleBasedStateMachine):
    session: Session
    app_settings: Settings

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = self.session.begin_nested()  # each example leaves nothing behind
        self.now = T0
        self.keys: list[str] = []
        self.refused = 0
        # the claim after the last step: steps are drawn where they apply
        self.status = ""
        self.payable = False

    # --- setup -------------------------------------------------------------------------------

    def _report(self, policy_number: str, amount: Decimal) -> str:
        claim = report_claim(
            session=self.session,
            actor=staff_actor(self.session, "handler"),
            cmd=ReportIn(
                policy_number=policy_number,
                incident_date=(T0 - timedelta(days=40)).date(),
                claimed_amount=amount,
                reported_at=T0 - timedelta(days=39),
            ),
            now=self._tick(),
            settings=self.app_settings,
            risk_scorer=RISK_SCORER,
        )
        for action in (Action.ACCEPT, Action.START_REVIEW):
            self._do(action, claim.claim_number, "handler")
        return claim.claim_number

    @initialize(other_paid=st.sampled_from(["0.00", "6000.00"]))
    def setup(self, other_paid: str) -> None:
        policy = make_policy(
            self.session,
            sum_insured=str(SUM_INSURED),
            deductible="0.00",
            coinsurance_rate="0",
            effective_from="2025-06-01",
            effective_to="2026-05-31",
        )
        self.policy_id = policy.id
        if Decimal(other_paid) > 0:  # another claim on the policy has used part of the limit
            other = self._report(policy.policy_number, Decimal(other_paid))
            self._decide_as(other, Decimal(other_paid), "reviewer2")
            self._pay_with(other, f"other-{other}")
        self.number = self._report(policy.policy_number, CLAIMED)
        self._note_state()
        assert self.status == Status.UNDER_REVIEW.value

    # --- steps: each one a request that either does its work or is refused and writes nothing ----

    def _tick(self) -> datetime:
        self.now += timedelta(hours=1)
        return self.now

    def _request(self, work: Any) -> Any:
        step = self.session.begin_nested()
        try:
            result = work()
        except ClaimopsError:
            step.rollback()
            self.refused += 1
            return None
        step.commit()
        if hasattr(self, "number"):
            self._note_state()
        return result

    def _note_state(self) -> None:
        claim = self._claim()
        self.status, self.payable = claim.status, claim.payable > 0

    def _do(self, action: Action, number: str, user: str) -> Any:
        return self._request(
            lambda: perform(
                session=self.session,
                actor=staff_actor(self.session, user),
                claim_number=number,
                action=action,
                cmd=ActionIn(note="step"),
                now=self._tick(),
                settings=self.app_settings,
                risk_scorer=RISK_SCORER,
            )
        )

    def _decide_as(self, number: str, amount: Decimal, user: str) -> Any:
        outcome = "denied" if amount == 0 else "approved"
        return self._request(
            lambda: decide(
                session=self.session,
                actor=staff_actor(self.session, user),
                claim_number=number,
                cmd=DecideIn(
                    outcome=outcome,
                    assessed_loss=amount,
                    reason_codes=["EXCLUSION"] if amount == 0 else [],
                    **_override(amount),
                ),
                now=self._tick(),
                settings=self.app_settings,
            )
        )

    def _pay_with(self, number: str, key: str) -> Any:
        return self._request(
            lambda: release_payment(
                session=self.session,
                actor=staff_actor(self.session, "finance"),
                claim_number=number,
                cmd=PAYEE,
                idempotency_key=key,
                now=self._tick(),
            )
        )

    def _claim(self) -> Claim:
        self.session.expire_all()
        return get_claim(session=self.session, claim_number=self.number)

    @precondition(lambda m: m.status == Status.UNDER_REVIEW.value)
    @rule(amount=AMOUNTS, user=st.sampled_from(["reviewer", "reviewer2"]))
    def decide_again(self, amount: str, user: str) -> None:
        self._decide_as(self.number, Decimal(amount), user)

    @precondition(lambda m: m.status == Status.DECIDED.value and m.payable)
    @rule()
    def approve_it(self) -> None:
        self._request(
            lambda: approve(
                session=self.session,
                actor=staff_actor(self.session, "approver"),
                claim_number=self.number,
                cmd=ActionIn(),
                now=self._tick(),
            )
        )

    @precondition(lambda m: m.status in WHERE_PAYMENT_IS_TRIED)
    @rule()
    def pay_with_a_new_key(self) -> None:
        status = self._claim().status
        key = f"k{len(self.keys)}-{self.number}"
        self.keys.append(key)
        done = self._pay_with(self.number, key)
        # a claim waiting for its payment is paid; no other is
        assert (done is not None and done[1]) == (status == Status.PAYMENT_PENDING.value)
        if done is not None and self._claim().reopen_count:
            event("paid a supplementary decision")

    @precondition(lambda m: bool(m.keys) and m.status in (Status.PAYMENT_PENDING.value, Status.PAID.value))
    @rule(data=st.data())
    def retry_a_payment(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(self.keys))
        count = self._payments()
        done = self._pay_with(self.number, key)
        if done is not None and not done[1]:  # a replay pays nothing new
            assert self._payments() == count

    @precondition(lambda m: m.status in (Status.DECIDED.value, Status.PAID.value))
    @rule()
    def close(self) -> None:
        self._do(Action.CLOSE, self.number, "handler")

    @precondition(lambda m: m.status == Status.CLOSED.value)
    @rule()
    def reopen(self) -> None:
        self._do(Action.REOPEN, self.number, "reviewer")

    # --- what must hold after every step -------------------------------------------------------

    def _payments(self) -> int:
        claim_id = self._claim().id
        return (
            self.session.scalar(select(func.count()).select_from(Payment).where(Payment.claim_id == claim_id))
            or 0
        )

    @invariant()
    def paid_never_above_the_approved_total(self) -> None:
        if not hasattr(self, "number"):
            return
        claim = self._claim()
        payments = self.session.scalars(select(Payment).where(Payment.claim_id == claim.id)).all()
        paid = sum((p.amount for p in payments), Decimal("0.00"))
        assert claim.paid_amount == paid
        # every payment, when made, kept the claim within the approved total of the decision it paid
        assert first_overpaid_claim(self.session.connection()) is None
        for p in payments:
            assert p.amount == self.session.get(Decision, p.decision_id).payable  # type: ignore[union-attr]
        current = self.session.scalar(select(Decision).where(Decision.claim_id == claim.id, Decision.current))
        if current is not None:
            assert current.payable - current.recovery == current.approved_amount - current.paid_before
            own = next((p for p in payments if p.decision_id == current.id), None)
            assert paid == current.paid_before + (own.amount if own else 0)
            # what is paid beyond the total is exactly the recovery the decision records
            assert paid <= current.approved_amount + current.recovery
            if current.recovery > 0:
                event("recorded a recovery")
            if claim.status in (Status.PAID.value, Status.CLOSED.value) or current.payable == 0:
                assert paid == max(current.approved_amount, current.paid_before)
        policy_paid = self.session.scalar(
            select(func.sum(Payment.amount))
            .join(Claim, Claim.id == Payment.claim_id)
            .where(Claim.policy_id == self.policy_id)
        )
        assert Decimal(str(policy_paid or 0)) <= SUM_INSURED

    def teardown(self) -> None:
        self.savepoint.rollback()


def test_no_order_of_actions_pays_a_claim_more_than_its_approved_total(
    session: Session, settings: Settings
) -> None:
    PaidNeverAboveApproved.session = session
    PaidNeverAboveApproved.app_settings = settings
    run_state_machine_as_test(
        PaidNeverAboveApproved,
        settings=settings_for_money(),
    )


def settings_for_money() -> run_settings:
    return run_settings(
        max_examples=30,
        stateful_step_count=24,
        deadline=None,  # no wall-clock limits in tests
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
