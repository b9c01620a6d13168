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
    def __call__(self, session: Session, claim: Claim, event: ClaimEvent, /) -> None: ...


_listeners: dict[str, ClaimListener] = {}


def register(name: str, listener: ClaimListener) -> None:
    """Idempotent by name, so creating the app twice does not call a listener twice."""
    _listeners[name] = listener


def unregister(name: str) -> None:
    _listeners.pop(name, None)


def emit(session: Session, claim: Claim, event: ClaimEvent) -> None:
    for listener in list(_listeners.values()):
        listener(session, claim, event)


# ---- panels on the staff claim page -------------------------------------------------------------


class ClaimPanel(Protocol):
    """Extra content for the staff claim page (the claimant's messages, say): (title, html) or None.
    The html is rendered by the provider from its own template, escaped there."""

    def __call__(
        self, session: Session, claim_id: int, claim_number: str, lang: str, /
    ) -> tuple[str, str] | None: ...


# Where a panel's form puts the page's CSRF token (the claim page fills it in).
CSRF_SLOT = "__CLAIMOPS_CSRF__"
_panels: dict[str, ClaimPanel] = {}


def register_panel(name: str, panel: ClaimPanel) -> None:
    _panels[name] = panel


def panels(session: Session, claim_id: int, claim_number: str, lang: str) -> list[tuple[str, str, str]]:
    """(key, title, html) of every registered panel that has something to show."""
    out = []
    for name, panel in list(_panels.items()):
        shown = panel(session, claim_id, claim_number, lang)
        if shown is not None:
            out.append((name, *shown))
    return out
