"""Staff API: a claim's messages with the claimant (在线客服), read and answered by the handler."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from claimops.portal.service import post_staff_message, staff_messages
from claimops.web.deps import ActorDep, NowDep, SessionDep
from claimops.web.errors import responses

router = APIRouter(tags=["messages"], responses=responses(400, 401, 403))


class StaffMessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=2000)


@router.get(
    "/claims/{claim_number}/messages",
    summary="Messages with the claimant (在线客服)",
    responses=responses(404),
)
def messages(claim_number: str, session: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    actor.require("read")
    return [
        {"sender": m.sender, "author": m.author, "body": m.body, "at": m.at.isoformat()}
        for m in staff_messages(session=session, claim_number=claim_number)
    ]


@router.post(
    "/claims/{claim_number}/messages",
    status_code=201,
    summary="Reply to the claimant",
    responses=responses(404, 422),
)
def reply(
    claim_number: str, body: StaffMessageIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    m = post_staff_message(session=session, actor=actor, claim_number=claim_number, body=body.body, now=now)
    return {"sender": m.sender, "author": m.author, "body": m.body, "at": m.at.isoformat()}
