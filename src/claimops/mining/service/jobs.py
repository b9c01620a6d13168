"""Background jobs of the analytics side: train the models, score open claims, refresh the analyses.

Started from the web app (a manager's button) or by `claimops demo` after seeding, they read through a
read-only connection and write in short transactions, so the claims desk keeps working meanwhile.
A model with too little data is skipped with the reason in the log; the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.db import reading
from claimops.errors import ValidationFailed
from claimops.mining.data.loader import load_claims
from claimops.mining.service import refresh
from claimops.mining.service.scoring import score_claims
from claimops.mining.service.training import TRAINABLE, fit_kind, store

log = logging.getLogger(__name__)


@dataclass
class JobReport:
    trained: dict[str, int] = field(default_factory=dict)  # kind -> new version
    skipped: dict[str, str] = field(default_factory=dict)  # kind -> why
    scored: int = 0
    analyses: dict[str, str] = field(default_factory=dict)  # kind -> status


def train_models(
    engine: Engine, settings: Settings, *, trained_by: str, kinds: Sequence[str] = TRAINABLE
) -> JobReport:
    """Fit each model on every claim, store it as the current version, then score the open claims."""
    report = JobReport()
    with reading(engine) as conn:
        frame = load_claims(conn)
    for kind in kinds:
        try:
            fitted = fit_kind(kind, frame)
        except ValidationFailed as exc:
            report.skipped[kind] = exc.message
            log.warning("model %s not trained: %s", kind, exc.message)
            continue
        with Session(engine) as session, session.begin():
            report.trained[kind] = store(session, fitted, trained_by=trained_by, settings=settings).version
    if "risk" in report.trained:
        with Session(engine) as session, session.begin():
            report.scored = score_claims(session=session, settings=settings, open_only=True).scored
    return report


def train_and_refresh(engine: Engine, settings: Settings, *, by: str, today: date) -> JobReport:
    """Everything the analyst's pages and the deck show, from the data as it is now."""
    report = train_models(engine, settings, trained_by=by)
    for run in refresh.refresh(engine, created_by=by, today=today):
        report.analyses[run.kind] = run.status
    log.info("analytics ready: %s", report)
    return report
