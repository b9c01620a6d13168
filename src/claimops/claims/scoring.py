"""What the claims review needs from a risk model, as a protocol the application wires in.

The claims core imports no analytics: the web app, the CLI and the demo hand the review a
`RiskScorer` (mining's ``score_for_review`` is one). A scorer returns the claim's score with the
reasons behind it, or None when no model is in use (then the review runs on its rules alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from claimops.claims.models import Claim
    from claimops.config import Settings


class RiskScore(Protocol):
    """One claim's risk score (0..1) and the reasons shown with it."""

    @property
    def score(self) -> float: ...

    @property
    def reasons(self) -> Sequence[dict[str, Any]]: ...


class RiskScorer(Protocol):
    """Scores one claim as its review runs; None without a usable model."""

    def __call__(self, *, session: Session, claim: Claim, settings: Settings) -> RiskScore | None: ...


def no_risk_scorer(*, session: Session, claim: Claim, settings: Settings) -> RiskScore | None:
    """The scorer for a deployment without analytics: nothing is scored."""
    return None
