"""Staff API: a claim's messages with the claimant (在线客服), read and answered by the handler."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from claimops.masking import mask_text
from claimops.portal.schemas import MessageOut
from claimops.portal.service import post_staff_message, staff_messages
from claimops.web.deps import ActorDep, NowDep, SessionDep
from claimops.web.errors import responses

router = APIRouter(tags=["messages"], responses=responses(400, 401, 403))


class StaffMessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=2000)


@router.get(
    "/claims/{claim_number}/messages",
    summary="Messages with the claimant (在线客服)",
    response_model=list[MessageOut],
    responses=responses(404, 409),
)
def messages(claim_number: str, session: SessionDep, actor: ActorDep) -> list[MessageOut]:
    actor.require("read")
    return [
        MessageOut(sender=m.sender, author=m.author, body=mask_text(m.body), at=m.at)
        for m in staff_messages(session=session, claim_number=claim_number)
    ]


@router.post(
    "/claims/{claim_number}/messages",
    status_code=201,
    summary="Reply to the claimant",
    response_model=MessageOut,
    responses=responses(404, 409, 422),
)
def reply(
    claim_number: str, body: StaffMessageIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> MessageOut:
    m = post_staff_message(session=session, actor=actor, claim_number=claim_number, body=body.body, now=now)
    return MessageOut(sender=m.sender, author=m.author, body=mask_text(m.body), at=m.at)
