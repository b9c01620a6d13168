"""Listeners told of every claim event inside the transaction that writes it.

The claims core knows nothing of who listens: the application registers listeners (notifications,
survey invitations) at start-up. A listener writes its own rows in the same session, so they commit or
roll back with the claim change; it must not do I/O that can fail (sending happens later, from an
outbox).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from claimops.claims.models import Claim, ClaimEvent


class ClaimListener(Protocol):
    def __call__(self, session: Session, claim: Claim, event: ClaimEvent) -> None: ...


_listeners: dict[str, ClaimListener] = {}


def register(name: str, listener: ClaimListener) -> None:
    """Idempotent by name, so creating the app twice does not call a listener twice."""
    _listeners[name] = listener


def unregister(name: str) -> None:
    _listeners.pop(name, None)


def emit(session: Session, claim: Claim, event: ClaimEvent) -> None:
    for listener in list(_listeners.values()):
        listener(session, claim, event)
