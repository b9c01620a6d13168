"""Portal use cases. Every read and write is scoped to the signed-in customer: a claim or policy of
someone else answers exactly like one that does not exist (NOT_FOUND), so nothing tells them apart.

Signing in owns its transactions (like staff login): a failed attempt is counted in its own short
transaction, so the count survives the refusal that rolls the request back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from claimops.claims import checklist as checklists
from claimops.claims.models import Claim, ClaimEvent
from claimops.claims.schemas import ReportIn
from claimops.claims.scoring import RiskScorer
from claimops.claims.service import report_claim
from claimops.claims.uploads import upload_document
from claimops.clock import as_utc
from claimops.config import Settings
from claimops.customers.models import ClaimMessage, Customer, CustomerAccount
from claimops.db import reading, unit_of_work
from claimops.documents.models import Document
from claimops.errors import NotFound, TooManyRequests, Unauthorized, ValidationFailed
from claimops.notifications.rules import SIGN_IN_CODE
from claimops.notifications.service import enqueue
from claimops.policies.models import Policy
from claimops.portal.models import OneTimeCode, PortalRevokedToken
from claimops.portal.security import code_hash, create_customer_token
from claimops.schemas import parse
from claimops.users.actor import Actor
from claimops.users.models import LoginThrottle
from claimops.users.roles import Role
from claimops.users.security import DUMMY_HASH, hash_password, verify_password
from claimops.users.service import check_password
from claimops.users.throttle import Counter, Limit, after_failure, blocked_until, retry_after_seconds
from claimops.users.upsert import insert_ignore

CODE_MINUTES = 10
CODES_PER_WINDOW = 3  # codes sent per claim per CODE_MINUTES; more requests are answered alike, unsent
SIGN_IN_LIMIT = Limit(5, timedelta(minutes=15), timedelta(minutes=15))
ADDRESS_LIMIT = Limit(20, timedelta(minutes=15), timedelta(minutes=15))
MESSAGE_MAX = 2000


def not_found() -> NotFound:
    """The one answer for a claim, policy or document that is not the customer's or does not exist."""
    return NotFound("not found, or not yours to see", code="PORTAL_NOT_FOUND")


def customer_actor(customer_id: int) -> Actor:
    return Actor(id=None, name=f"customer:{customer_id}", role=Role.CUSTOMER, authority=Decimal(0))


# ---- accounts and signing in -------------------------------------------------------------------


def create_account(
    *, session: Session, customer_id: int, email: str, password: str, lang: str = "zh"
) -> CustomerAccount:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise ValidationFailed("enter a valid e-mail address", code="INVALID_EMAIL")
    check_password(password, username=email, min_length=8)
    if session.get(Customer, customer_id) is None:
        raise NotFound(f"customer {customer_id} not found", code="CUSTOMER_NOT_FOUND")
    taken = session.scalar(
        select(CustomerAccount.id).where(
            or_(CustomerAccount.email == email, CustomerAccount.customer_id == customer_id)
        )
    )
    if taken is not None:
        raise ValidationFailed("this e-mail or customer already has an account", code="ACCOUNT_EXISTS")
    account = CustomerAccount(
        customer_id=customer_id, email=email, password_hash=hash_password(password), lang=lang
    )
    session.add(account)
    session.flush()
    return account


@dataclass(frozen=True)
class SignedIn:
    customer_id: int
    token: str


def _throttle_keys(kind: str, key: str, address: str) -> dict[str, str]:
    return {"p" + kind: key[:128], "paddr": address[:128]}


def _check_blocked(engine: Engine, keys: dict[str, str], now: datetime) -> None:
    with reading(engine) as conn:
        rows = conn.execute(
            select(LoginThrottle).where(
                or_(*(and_(LoginThrottle.scope == s, LoginThrottle.key == k) for s, k in keys.items()))
            )
        ).all()
    for row in rows:
        if until := blocked_until(Counter(row.failures, row.window_start, row.locked_until), now):
            raise TooManyRequests(
                "too many attempts; try again later",
                code="PORTAL_THROTTLED",
                retry_after=retry_after_seconds(until, now),
            )


def _count_failures(engine: Engine, keys: dict[str, str], now: datetime) -> None:
    with unit_of_work(engine) as session:
        for scope, key in keys.items():
            limit = ADDRESS_LIMIT if scope == "paddr" else SIGN_IN_LIMIT
            insert_ignore(
                session, LoginThrottle, scope=scope, key=key, failures=0, window_start=now, expires_at=now
            )
            row = session.execute(
                select(LoginThrottle)
                .where(LoginThrottle.scope == scope, LoginThrottle.key == key)
                .with_for_update()
            ).scalar_one()
            counter = after_failure(Counter(row.failures, row.window_start, row.locked_until), now, limit)
            row.failures, row.window_start = counter.failures, counter.window_start
            row.locked_until, row.expires_at = counter.blocked_until, counter.expires_at(limit)


def _clear(engine: Engine, scope: str, key: str) -> None:
    with unit_of_work(engine) as session:
        session.execute(delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key))


def _token(customer_id: int, version: int, settings: Settings) -> str:
    return create_customer_token(
        customer_id=customer_id,
        version=version,
        secret=settings.resolved_secret_key,
        minutes=settings.token_minutes,
    )


def sign_in_password(
    *, engine: Engine, email: str, password: str, address: str, now: datetime, settings: Settings
) -> SignedIn:
    email = email.strip().lower()
    keys = _throttle_keys("login", email, address)
    _check_blocked(engine, keys, now)
    with reading(engine) as conn:
        found = conn.execute(
            select(
                CustomerAccount.customer_id,
                CustomerAccount.password_hash,
                CustomerAccount.active,
                CustomerAccount.token_version,
            ).where(CustomerAccount.email == email)
        ).first()
    valid = verify_password(password, found.password_hash if found else DUMMY_HASH)
    if valid and found is not None and found.active:
        _clear(engine, "plogin", keys["plogin"])
        return SignedIn(found.customer_id, _token(found.customer_id, found.token_version, settings))
    _count_failures(engine, keys, now)
    raise Unauthorized("the sign-in details are not right", code="PORTAL_SIGN_IN_FAILED")


def request_code(
    *, session: Session, claim_number: str, now: datetime, settings: Settings, address: str
) -> None:
    """Send a one-time code to the contact on file for the claim. Answers the same whether or not the
    claim exists, and stops sending (silently) after CODES_PER_WINDOW codes."""
    claim = session.scalar(select(Claim).where(Claim.claim_number == claim_number.strip()))
    if claim is None:
        return
    since = as_utc(now) - timedelta(minutes=CODE_MINUTES)
    recent = session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.claim_id == claim.id, OneTimeCode.created_at >= since)
    )
    if (recent or 0) >= CODES_PER_WINDOW:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    rows = enqueue(
        session=session,
        kind=SIGN_IN_CODE,
        customer_id=claim.customer_id,
        claim_id=None,
        params={"code": code, "minutes": CODE_MINUTES},
        now=now,
        channels=("email", "sms"),
    )
    session.add(
        OneTimeCode(
            claim_id=claim.id,
            customer_id=claim.customer_id,
            code_hash=code_hash(code, claim.id, settings.resolved_secret_key),
            channel=rows[0].channel if rows else "none",
            created_at=as_utc(now),
            expires_at=as_utc(now) + timedelta(minutes=CODE_MINUTES),
        )
    )
    session.flush()


def sign_in_code(
    *, engine: Engine, claim_number: str, code: str, address: str, now: datetime, settings: Settings
) -> SignedIn:
    claim_number = claim_number.strip()
    keys = _throttle_keys("code", claim_number, address)
    _check_blocked(engine, keys, now)
    with unit_of_work(engine) as session:
        claim = session.scalar(select(Claim).where(Claim.claim_number == claim_number))
        match = None
        if claim is not None and code.strip().isdigit():
            digest = code_hash(code.strip(), claim.id, settings.resolved_secret_key)
            match = session.scalar(
                select(OneTimeCode).where(
                    OneTimeCode.claim_id == claim.id,
                    OneTimeCode.code_hash == digest,
                    OneTimeCode.used_at.is_(None),
                    OneTimeCode.expires_at > as_utc(now),
                )
            )
        if match is not None:
            match.used_at = as_utc(now)
            version = session.scalar(
                select(CustomerAccount.token_version).where(CustomerAccount.customer_id == match.customer_id)
            )
            customer_id = match.customer_id
    if match is not None:
        _clear(engine, "pcode", keys["pcode"])
        return SignedIn(customer_id, _token(customer_id, version or 0, settings))
    _count_failures(engine, keys, now)
    raise Unauthorized("the claim number or code is not right", code="PORTAL_SIGN_IN_FAILED")


def customer_for_token(*, session: Session, claims: dict[str, Any]) -> int:
    customer_id = int(str(claims["sub"]).split(":", 1)[1])
    revoked = session.scalar(select(exists().where(PortalRevokedToken.jti == str(claims["jti"]))))
    account = session.scalar(select(CustomerAccount).where(CustomerAccount.customer_id == customer_id))
    if revoked or (account is not None and claims.get("ver") != account.token_version):
        raise Unauthorized("the session has ended; sign in again", code="TOKEN_REVOKED")
    if account is not None and not account.active:
        raise Unauthorized("this account is disabled", code="ACCOUNT_DISABLED")
    return customer_id


def sign_out(*, session: Session, claims: dict[str, Any], now: datetime) -> None:
    from claimops.users.security import token_expiry

    insert_ignore(session, PortalRevokedToken, jti=str(claims["jti"]), expires_at=token_expiry(claims))
    session.execute(delete(PortalRevokedToken).where(PortalRevokedToken.expires_at < as_utc(now)))


# ---- what the customer sees ---------------------------------------------------------------------


def my_policies(*, session: Session, customer_id: int) -> list[Policy]:
    return list(
        session.scalars(
            select(Policy).where(Policy.customer_id == customer_id).order_by(Policy.policy_number)
        )
    )


def my_claims(*, session: Session, customer_id: int) -> list[Claim]:
    return list(
        session.scalars(
            select(Claim).where(Claim.customer_id == customer_id).order_by(Claim.reported_at.desc())
        )
    )


def my_claim(*, session: Session, customer_id: int, claim_number: str) -> Claim:
    claim = session.scalar(
        select(Claim).where(Claim.claim_number == claim_number, Claim.customer_id == customer_id)
    )
    if claim is None:
        raise not_found()
    return claim


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    timeline: list[ClaimEvent]
    checklist: list[checklists.ChecklistItem]
    documents: list[Document]
    messages: list[ClaimMessage]


def claim_view(*, session: Session, customer_id: int, claim_number: str, lang: str) -> ClaimView:
    claim = my_claim(session=session, customer_id=customer_id, claim_number=claim_number)
    docs = list(session.scalars(select(Document).where(Document.claim_id == claim.id).order_by(Document.id)))
    return ClaimView(
        claim=claim,
        timeline=list(claim.events),
        checklist=checklists.checklist(claim.line, [d.doc_type for d in docs], lang),
        documents=docs,
        messages=messages_for(session=session, claim_id=claim.id),
    )


def report(
    *,
    session: Session,
    customer_id: int,
    policy_number: str,
    incident_date: date | str,
    description: str,
    claimed_amount: Decimal | str,
    now: datetime,
    settings: Settings,
    risk_scorer: RiskScorer,
) -> Claim:
    """Report against one of the customer's own policies; another's answers as not found."""
    owned = session.scalar(
        select(Policy.id).where(Policy.policy_number == policy_number, Policy.customer_id == customer_id)
    )
    if owned is None:
        raise not_found()
    cmd = parse(
        ReportIn,
        {
            "policy_number": policy_number,
            "incident_date": str(incident_date),
            "description": description,
            "claimed_amount": str(claimed_amount),
            "channel": "APP",
        },
    )
    return report_claim(
        session=session,
        actor=customer_actor(customer_id),
        cmd=cmd,
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )


def upload(
    *,
    session: Session,
    customer_id: int,
    claim_number: str,
    doc_type: str,
    filename: str,
    data: bytes,
    now: datetime,
    settings: Settings,
    risk_scorer: RiskScorer,
) -> Document:
    my_claim(session=session, customer_id=customer_id, claim_number=claim_number)
    return upload_document(
        session=session,
        actor=customer_actor(customer_id),
        claim_number=claim_number,
        doc_type=doc_type,
        filename=filename,
        data=data,
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )


def messages_for(*, session: Session, claim_id: int) -> list[ClaimMessage]:
    return list(
        session.scalars(
            select(ClaimMessage)
            .where(ClaimMessage.claim_id == claim_id)
            .order_by(ClaimMessage.at, ClaimMessage.id)
        )
    )


def _message(
    session: Session, claim_id: int, sender: str, author: str, body: str, now: datetime
) -> ClaimMessage:
    body = body.strip()
    if not body:
        raise ValidationFailed("the message is empty", code="MESSAGE_EMPTY")
    if len(body) > MESSAGE_MAX:
        raise ValidationFailed(
            f"the message is longer than {MESSAGE_MAX} characters", code="MESSAGE_TOO_LONG"
        )
    message = ClaimMessage(claim_id=claim_id, sender=sender, author=author, body=body, at=as_utc(now))
    session.add(message)
    session.flush()
    return message


def post_customer_message(
    *, session: Session, customer_id: int, claim_number: str, body: str, now: datetime
) -> ClaimMessage:
    claim = my_claim(session=session, customer_id=customer_id, claim_number=claim_number)
    return _message(session, claim.id, "customer", "customer", body, now)


def post_staff_message(
    *, session: Session, actor: Actor, claim_number: str, body: str, now: datetime
) -> ClaimMessage:
    actor.require("claim.request_documents")
    claim = session.scalar(select(Claim).where(Claim.claim_number == claim_number))
    if claim is None:
        raise NotFound(f"claim {claim_number} not found", code="CLAIM_NOT_FOUND")
    return _message(session, claim.id, "staff", actor.name, body, now)


def staff_messages(*, session: Session, claim_number: str) -> list[ClaimMessage]:
    claim_id = session.scalar(select(Claim.id).where(Claim.claim_number == claim_number))
    if claim_id is None:
        raise NotFound(f"claim {claim_number} not found", code="CLAIM_NOT_FOUND")
    return messages_for(session=session, claim_id=claim_id)
