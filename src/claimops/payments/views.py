"""Shaping payments for output: the payee's personal data masked."""

from __future__ import annotations

from claimops.masking import mask_account, mask_name
from claimops.payments.methods import PaymentMethod
from claimops.payments.models import Payment
from claimops.payments.schemas import PaymentOut


def payment_out(payment: Payment, claim_number: str) -> PaymentOut:
    return PaymentOut(
        payment_id=payment.id,
        claim_number=claim_number,
        amount=payment.amount,
        method=payment.method,
        payee={
            # a provider paid directly (hospital, garage) is an organisation, not personal data
            "name": payment.payee_name
            if payment.method == PaymentMethod.DIRECT_TO_PROVIDER
            else mask_name(payment.payee_name),
            "bank": payment.payee_bank,
            "account": mask_account(payment.payee_account),
        },
        status=payment.status,
        idempotency_key=payment.idempotency_key,
        paid_at=payment.paid_at,
    )
