"""POST /claims/{n}/payments: the payment route, beside the claim it acts on (tagged payments)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from claimops.claims.payouts import release_payment
from claimops.payments.schemas import PaymentIn, PaymentOut
from claimops.payments.views import payment_out
from claimops.web.deps import ActorDep, NowDep, SessionDep
from claimops.web.errors import responses

router = APIRouter(prefix="/claims", tags=["payments"], responses=responses(401, 403))


@router.post(
    "/{claim_number}/payments",
    status_code=201,
    response_model=PaymentOut,
    summary="Release the claim's payment (赔款支付)",
    responses=responses(400, 404, 409, 413, 422),
    description="Idempotent by the Idempotency-Key header: the same key returns the same payment "
    "(201, header Idempotent-Replayed). "
    "A claim already paid is 409; the user who decided the claim may not release it (403).",
)
def pay(
    claim_number: str,
    body: PaymentIn,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> PaymentOut:
    payment, created = release_payment(
        session=session,
        actor=actor,
        claim_number=claim_number,
        cmd=body,
        idempotency_key=idempotency_key,
        now=now,
    )
    if not created:  # a replay answers as the first request did, and says so
        response.headers["Idempotent-Replayed"] = "true"
    return payment_out(payment, claim_number)
