from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Integer, column, func, select, table
from sqlalchemy.orm import Session

from claimops.customers.service import upsert_customer
from claimops.db import Money
from claimops.errors import Conflict, NotFound
from claimops.money import money_or_zero
from claimops.policies.models import Policy
from claimops.policies.schemas import PolicyIn
from claimops.policies.terms import PolicyTerms
from claimops.users.actor import Actor


def create_policy(*, session: Session, actor: Actor, cmd: PolicyIn) -> Policy:
    actor.require("policy.write")
    if session.scalar(select(Policy.id).where(Policy.policy_number == cmd.policy_number)) is not None:
        raise Conflict(f"policy {cmd.policy_number} already exists", code="POLICY_EXISTS")
    holder = upsert_customer(
        session=session,
        name=cmd.holder.name,
        id_number=cmd.holder.id_number,
        phone=cmd.holder.phone,
        region=cmd.holder.region,
    )
    policy = Policy(
        policy_number=cmd.policy_number,
        line=cmd.line.value,
        customer_id=holder.id,
        effective_from=cmd.effective_from,
        effective_to=cmd.effective_to,
        sum_insured=cmd.sum_insured,
        deductible=cmd.deductible,
        coinsurance_rate=cmd.coinsurance_rate,
        premium=cmd.premium,
        channel=cmd.channel,
    )
    policy.holder = holder
    session.add(policy)
    session.flush()
    return policy


def get_policy(*, session: Session, policy_number: str) -> Policy:
    policy = session.scalar(select(Policy).where(Policy.policy_number == policy_number))
    if policy is None:
        raise NotFound(f"policy {policy_number} not found", code="POLICY_NOT_FOUND")
    return policy


# What a policy has paid is read from the claims and payments tables by name: both packages build on
# policies (docs/ARCHITECTURE.md), so policies imports neither's models.
_CLAIMS = table("claims", column("id", Integer), column("policy_id", Integer))
_PAYMENTS = table("payments", column("claim_id", Integer), column("amount", Money))


def paid_to_date(*, session: Session, policy_id: int) -> Decimal:
    total = session.scalar(
        select(func.sum(_PAYMENTS.c.amount))
        .join(_CLAIMS, _CLAIMS.c.id == _PAYMENTS.c.claim_id)
        .where(_CLAIMS.c.policy_id == policy_id)
    )
    return money_or_zero(total)


def policy_terms(*, session: Session, policy: Policy) -> PolicyTerms:
    return terms_with(policy, paid_to_date(session=session, policy_id=policy.id))


def terms_with(policy: Policy, paid: Decimal) -> PolicyTerms:
    """The policy's terms with a paid-to-date the caller has already read."""
    return PolicyTerms(
        effective_from=policy.effective_from,
        effective_to=policy.effective_to,
        sum_insured=policy.sum_insured,
        deductible=policy.deductible,
        coinsurance_rate=policy.coinsurance_rate,
        paid_to_date=paid,
    )
