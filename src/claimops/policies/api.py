from __future__ import annotations

from fastapi import APIRouter

from claimops.masking import mask_id_number, mask_name, mask_phone
from claimops.policies.models import Policy
from claimops.policies.schemas import HolderOut, PolicyIn, PolicyOut
from claimops.policies.service import create_policy, get_policy, policy_terms
from claimops.users.access import POLICY_API, record_access
from claimops.web.deps import ActorDep, ClientAddress, NowDep, SessionDep
from claimops.web.errors import responses

router = APIRouter(prefix="/policies", tags=["policies"], responses=responses(401, 403))


def policy_out(session: SessionDep, policy: Policy) -> PolicyOut:
    terms = policy_terms(session=session, policy=policy)
    holder = policy.holder
    return PolicyOut(
        policy_number=policy.policy_number,
        line=policy.line,
        holder=HolderOut(
            name=mask_name(holder.name),
            id_number=mask_id_number(holder.id_number),
            phone=mask_phone(holder.phone),
            region=holder.region,
        ),
        effective_from=policy.effective_from,
        effective_to=policy.effective_to,
        sum_insured=policy.sum_insured,
        deductible=policy.deductible,
        coinsurance_rate=policy.coinsurance_rate,
        premium=policy.premium,
        channel=policy.channel,
        paid_to_date=terms.paid_to_date,
        remaining_limit=terms.remaining_limit,
    )


@router.post(
    "",
    status_code=201,
    response_model=PolicyOut,
    summary="Register a policy",
    responses=responses(400, 409, 413, 422),
)
def create(body: PolicyIn, session: SessionDep, actor: ActorDep) -> PolicyOut:
    return policy_out(session, create_policy(session=session, actor=actor, cmd=body))


@router.get(
    "/{policy_number}",
    response_model=PolicyOut,
    summary="A policy with its remaining limit",
    responses=responses(404),
)
def read(
    policy_number: str, session: SessionDep, actor: ActorDep, address: ClientAddress, now: NowDep
) -> PolicyOut:
    actor.require("read")
    policy = get_policy(session=session, policy_number=policy_number)
    record_access(
        session=session, actor=actor, what=POLICY_API, address=address, now=now, policy_id=policy.id
    )
    return policy_out(session, policy)
