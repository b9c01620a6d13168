"""POST /claims/{n}/payments: the payment route, beside the claim it acts on (tagged payments)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from starlette.responses import Response

from claimops.claims import results
from claimops.claims.payouts import release_payment
from claimops.claims.schemas import PaymentResultOut
from claimops.payments.schemas import PaymentIn
from claimops.web.deps import ActorDep, LangDep, NowDep, SessionDep
from claimops.web.errors import responses
from claimops.web.fastjson import FastJSON

router = APIRouter(prefix="/claims", tags=["payments"], responses=responses(401, 403))


@router.post(
    "/{claim_number}/payments",
    status_code=201,
    response_model=PaymentResultOut,
    response_class=FastJSON,
    summary="Release the claim's payment (赔款支付)",
    responses=responses(400, 404, 409, 413, 422),
    description="Idempotent by the Idempotency-Key header: the same key returns the same payment "
    "(201, header Idempotent-Replayed). "
    "A claim already paid is 409; the user who decided the claim may not release it (403). "
    "Answers the payment with the claim's step (status, pay event, next actions, amounts); "
    "?view=full adds the whole claim as `claim`.",
)
def pay(
    claim_number: str,
    body: PaymentIn,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    lang: LangDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    view: Annotated[results.View, Query(description="full: with the whole claim as `claim`")] = "light",
) -> Response:
    payment, created = release_payment(
        session=session,
        actor=actor,
        claim_number=claim_number,
        cmd=body,
        idempotency_key=idempotency_key,
        now=now,
    )
    claim = results.claim_of(session, payment)
    # a replay answers as the first request did, and says so
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return results.respond(
        results.payment_result(session, claim, payment, created=created, view=view, lang=lang),
        status_code=201,
        headers=headers,
    )
