"""Staff API: the delivery log (recipients masked)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from claimops.notifications.service import delivery_log
from claimops.web.deps import ActorDep, SessionDep
from claimops.web.errors import responses

router = APIRouter(tags=["notifications"], responses=responses(400, 401, 403))


@router.get("/notifications/log", summary="What was sent to whom (masked)")
def log(session: SessionDep, actor: ActorDep, limit: int = 50) -> list[dict[str, Any]]:
    actor.require("notification.read")
    return [
        {
            "at": r.at.isoformat(),
            "kind": r.kind,
            "channel": r.channel,
            "to": r.recipient_masked,
            "ok": r.ok,
            "error": r.error,
        }
        for r in delivery_log(session=session, limit=min(max(limit, 1), 500))
    ]
