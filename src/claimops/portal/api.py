"""Portal REST API under /api/v1/portal: customer tokens only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from claimops.portal import service
from claimops.portal.deps import CustomerClaims, CustomerId, read_upload
from claimops.portal.schemas import (
    ClaimDetailOut,
    ClaimOut,
    CodeRequest,
    CodeSignIn,
    MessageIn,
    MessageOut,
    PasswordSignIn,
    PolicyOut,
    PortalDocumentOut,
    PortalReportIn,
    TokenOut,
)
from claimops.portal.views import claim_out, detail_out, message_out, policy_out
from claimops.web.deps import (
    ClientAddress,
    EngineDep,
    LangDep,
    NowDep,
    RiskScorerDep,
    SessionDep,
    SettingsDep,
)
from claimops.web.errors import responses

router = APIRouter(prefix="/portal", tags=["portal"], responses=responses(400, 401))


@router.post(
    "/auth/token",
    response_model=TokenOut,
    summary="Sign in with the portal account",
    responses=responses(422, 429),
)
def sign_in(
    body: PasswordSignIn, engine: EngineDep, address: ClientAddress, now: NowDep, settings: SettingsDep
) -> TokenOut:
    done = service.sign_in_password(
        engine=engine, email=body.email, password=body.password, address=address, now=now, settings=settings
    )
    return TokenOut(access_token=done.token)


@router.post("/auth/code", status_code=202, summary="Send a one-time code for a claim number")
def send_code(
    body: CodeRequest, session: SessionDep, address: ClientAddress, now: NowDep, settings: SettingsDep
) -> dict[str, str]:
    service.request_code(
        session=session, claim_number=body.claim_number, now=now, settings=settings, address=address
    )
    return {"status": "sent if the claim number is right"}


@router.post(
    "/auth/code/token",
    response_model=TokenOut,
    summary="Sign in with a claim number and code",
    responses=responses(422, 429),
)
def sign_in_code(
    body: CodeSignIn, engine: EngineDep, address: ClientAddress, now: NowDep, settings: SettingsDep
) -> TokenOut:
    done = service.sign_in_code(
        engine=engine,
        claim_number=body.claim_number,
        code=body.code,
        address=address,
        now=now,
        settings=settings,
    )
    return TokenOut(access_token=done.token)


@router.post("/auth/logout", status_code=204, summary="Sign out (the token stops working now)")
def logout(session: SessionDep, claims: CustomerClaims, customer: CustomerId, now: NowDep) -> None:
    service.sign_out(session=session, claims=claims, now=now)


@router.get("/policies", response_model=list[PolicyOut])
def policies(session: SessionDep, customer: CustomerId) -> list[PolicyOut]:
    return [policy_out(p) for p in service.my_policies(session=session, customer_id=customer)]


@router.get("/claims", response_model=list[ClaimOut])
def claims(session: SessionDep, customer: CustomerId, lang: LangDep) -> list[ClaimOut]:
    return [claim_out(c, lang) for c in service.my_claims(session=session, customer_id=customer)]


@router.post("/claims", status_code=201, response_model=ClaimOut, responses=responses(404, 422))
def report(
    body: PortalReportIn,
    session: SessionDep,
    customer: CustomerId,
    now: NowDep,
    settings: SettingsDep,
    risk_scorer: RiskScorerDep,
    lang: LangDep,
) -> ClaimOut:
    claim = service.report(
        session=session,
        customer_id=customer,
        policy_number=body.policy_number,
        incident_date=body.incident_date,
        description=body.description,
        claimed_amount=body.claimed_amount,
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )
    return claim_out(claim, lang)


@router.get("/claims/{claim_number}", response_model=ClaimDetailOut, responses=responses(404))
def claim(claim_number: str, session: SessionDep, customer: CustomerId, lang: LangDep) -> ClaimDetailOut:
    view = service.claim_view(session=session, customer_id=customer, claim_number=claim_number, lang=lang)
    return detail_out(view, lang)


@router.post(
    "/claims/{claim_number}/documents",
    status_code=201,
    response_model=PortalDocumentOut,
    responses=responses(404, 409, 413, 415, 422),
)
def upload(
    claim_number: str,
    doc_type: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    session: SessionDep,
    customer: CustomerId,
    now: NowDep,
    settings: SettingsDep,
    risk_scorer: RiskScorerDep,
) -> PortalDocumentOut:
    data = read_upload(file, settings)
    doc = service.upload(
        session=session,
        customer_id=customer,
        claim_number=claim_number,
        doc_type=doc_type,
        filename=file.filename or "upload",
        data=data,
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )
    return PortalDocumentOut(
        id=doc.id, doc_type=doc.doc_type, filename=doc.filename, uploaded_at=doc.uploaded_at
    )


@router.get("/claims/{claim_number}/messages", response_model=list[MessageOut], responses=responses(404))
def messages(claim_number: str, session: SessionDep, customer: CustomerId) -> list[MessageOut]:
    view_claim = service.my_claim(session=session, customer_id=customer, claim_number=claim_number)
    return [message_out(m) for m in service.messages_for(session=session, claim_id=view_claim.id)]


@router.post(
    "/claims/{claim_number}/messages",
    status_code=201,
    response_model=MessageOut,
    responses=responses(404, 422),
)
def post_message(
    claim_number: str, body: MessageIn, session: SessionDep, customer: CustomerId, now: NowDep
) -> MessageOut:
    m = service.post_customer_message(
        session=session, customer_id=customer, claim_number=claim_number, body=body.body, now=now
    )
    return message_out(m)
