"""Risk scores in use: one claim as the review runs, and claims in batch.

The review asks the database which risk model version is current (one indexed lookup) and keeps the
loaded model in memory per version, so no request reads the model file. Without a current risk model
nothing is scored and the review runs as before. Scientific libraries are imported only once a model
exists, so the claims core does not pay for them (or need them) otherwise.

Batch scoring writes ``claims.risk_score`` with one executemany UPDATE and, for open claims, replaces
their risk finding (``HIGH_RISK_SCORE`` above the threshold, else ``RISK_SCORE``) with the reasons.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimFinding
from claimops.clock import utcnow
from claimops.config import Settings
from claimops.errors import NotFound
from claimops.mining.store.models import MiningModel

log = logging.getLogger(__name__)

RISK_CODES = ("HIGH_RISK_SCORE", "RISK_SCORE")
FINISHED = ("closed", "rejected", "withdrawn")
CHUNK = 5_000

_cache: dict[tuple[str, int, str], Any] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class RiskResult:
    score: float
    reasons: list[dict[str, Any]]
    version: int


@dataclass(frozen=True)
class ScoreReport:
    version: int
    scored: int
    high: int
    findings: int
    threshold: float

    def __str__(self) -> str:
        return (
            f"risk model v{self.version}: {self.scored:,} claims scored, {self.high:,} at or above "
            f"{self.threshold:g}; risk findings written for {self.findings:,} open claims"
        )


def current_model(session: Session, kind: str, settings: Settings) -> tuple[int, Any] | None:
    """``(version, estimator)`` of the current ``kind`` model, loaded once per version, or None."""
    found = session.execute(
        select(MiningModel.id, MiningModel.version, MiningModel.artifact_sha256).where(
            MiningModel.kind == kind, MiningModel.current.is_(True)
        )
    ).first()
    if found is None:
        return None
    key = (f"{settings.data_dir}:{kind}", found.id, found.artifact_sha256)
    estimator = _cache.get(key)
    if estimator is None:
        from claimops.mining.store import registry

        row = session.get(MiningModel, found.id)
        assert row is not None
        estimator = registry.load(row, settings)
        with _cache_lock:
            for old in [k for k in _cache if k[0] == key[0]]:
                del _cache[old]
            _cache[key] = estimator
    return found.version, estimator


def score_for_review(*, session: Session, claim: Claim, settings: Settings) -> RiskResult | None:
    """The current risk model's score and reasons for one claim, or None without a usable model."""
    try:
        found = current_model(session, "risk", settings)
    except Exception:  # a broken artifact must not stop claims from being reported and reviewed
        log.exception("risk model could not be loaded; reviewing without a risk score")
        return None
    if found is None:
        return None
    version, bundle = found
    params = bundle.builder.get_params()
    prior, same_provider = _prior_claims(session, claim, days=params["prior_window_days"])
    windows = _window_counts(session, claim, [int(w) for w in params.get("frequency_windows", ())])
    policy = claim.policy
    holder = policy.holder
    from claimops.mining.estimators.risk import report_features

    row = report_features(
        line=claim.line,
        region=claim.region,
        channel=claim.channel,
        claimed_amount=float(claim.claimed_amount),
        sum_insured=float(policy.sum_insured),
        incident_date=claim.incident_date,
        effective_from=policy.effective_from,
        effective_to=policy.effective_to,
        reported_at=claim.reported_at,
        prior_claims=prior,
        same_provider_prior=same_provider,
        birth_date=holder.birth_date,
        gender=holder.gender,
        params=params,
        provider=_provider_name(session, claim.provider_id),
        windows=windows,
    )
    score = float(bundle.model.score(row)[0])
    return RiskResult(score=score, reasons=bundle.model.reasons(row)[0], version=version)


def _prior_claims(session: Session, claim: Claim, *, days: int) -> tuple[int, int]:
    """The customer's claims reported in the ``days`` before this one, and those at its provider."""
    same = case((Claim.provider_id == claim.provider_id, 1), else_=0) if claim.provider_id else 0
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(same), 0)).where(
            Claim.customer_id == claim.customer_id,
            Claim.reported_at >= claim.reported_at - timedelta(days=days),
            Claim.reported_at < claim.reported_at,
        )
    ).one()
    return int(row[0]), int(row[1])


def _window_counts(session: Session, claim: Claim, days: list[int]) -> dict[str, int]:
    """The customer's claims in each window before this one, any line and this claim's line."""
    if not days:
        return {}
    rows = session.execute(
        select(Claim.reported_at, Claim.line).where(
            Claim.customer_id == claim.customer_id,
            Claim.reported_at >= claim.reported_at - timedelta(days=max(days)),
            Claim.reported_at < claim.reported_at,
        )
    ).all()
    out: dict[str, int] = {}
    for w in days:
        since = claim.reported_at - timedelta(days=w)
        within = [line for at, line in rows if at >= since]
        out[f"prior_claims_{w}d"] = len(within)
        out[f"prior_same_line_{w}d"] = sum(1 for line in within if line == claim.line)
    return out


def _provider_name(session: Session, provider_id: int | None) -> str | None:
    if provider_id is None:
        return None
    from claimops.mining.data.loader import PROVIDERS

    name = session.scalar(select(PROVIDERS.c.name).where(PROVIDERS.c.id == provider_id))
    return None if name is None else str(name)


def score_claims(
    *, session: Session, settings: Settings, open_only: bool = False, now: datetime | None = None
) -> ScoreReport:
    """Score every claim (or only open ones) with the current risk model and store the scores.

    Raises
    ------
    NotFound
        No risk model has been trained (``NO_RISK_MODEL``).
    """
    found = current_model(session, "risk", settings)
    if found is None:
        raise NotFound("no risk model yet: train one with `claimops train risk`", code="NO_RISK_MODEL")
    version, bundle = found
    import numpy as np

    from claimops.mining.data.loader import report_time_claims

    frame = report_time_claims(session)
    is_open = ~frame["status"].isin(FINISHED).to_numpy(dtype=bool)
    features = bundle.builder.transform(frame).features
    chosen = is_open if open_only else np.ones(len(frame), dtype=bool)
    scores = bundle.model.score(features[chosen])
    ids = frame["claim_id"].to_numpy()[chosen]
    claims = Claim.__table__
    assert isinstance(claims, Table)
    stmt = update(claims).where(claims.c.id == bindparam("b_id")).values(risk_score=bindparam("b_score"))
    conn = session.connection()
    for start in range(0, len(ids), CHUNK):
        rows = [
            {"b_id": int(i), "b_score": float(s)}
            for i, s in zip(ids[start : start + CHUNK], scores[start : start + CHUNK], strict=True)
        ]
        conn.execute(stmt, rows)
    # findings for the open ones: the reasons a reviewer reads next to the score
    open_rows = np.flatnonzero(is_open[chosen])
    open_features = features[chosen].iloc[open_rows]
    reasons = bundle.model.reasons(open_features)
    threshold = settings.risk_threshold
    at = now or utcnow()
    findings = []
    for row, why in zip(open_rows, reasons, strict=True):
        high = scores[row] >= threshold
        findings.append(
            {
                "claim_id": int(ids[row]),
                "code": RISK_CODES[0] if high else RISK_CODES[1],
                "severity": "warn" if high else "info",
                "params": {"score": round(float(scores[row]), 3), "reasons": why},
                "created_at": at,
            }
        )
    open_ids = [int(ids[r]) for r in open_rows]
    for start in range(0, len(open_ids), CHUNK):
        session.execute(
            delete(ClaimFinding).where(
                ClaimFinding.claim_id.in_(open_ids[start : start + CHUNK]), ClaimFinding.code.in_(RISK_CODES)
            )
        )
    if findings:
        session.execute(insert(ClaimFinding), findings)
    session.expire_all()  # the ORM's copies of claims and findings are stale after Core writes
    return ScoreReport(
        version=version,
        scored=len(ids),
        high=int((scores >= threshold).sum()),
        findings=len(findings),
        threshold=threshold,
    )


def predict_open_claims(*, session: Session, settings: Settings) -> Any:
    """Predicted handling time (days from report) and settlement (CNY, floats) of open claims.

    Returns a DataFrame: ``claim_number``, ``line``, ``status`` and ``low``/``median``/``high`` (the
    80 % interval) of each outcome whose model has been trained.

    Raises
    ------
    NotFound
        Neither model has been trained (``NO_OUTCOME_MODEL``).
    """
    import pandas as pd

    from claimops.mining.data.loader import report_time_claims

    models = {kind: current_model(session, kind, settings) for kind in ("handling_time", "settlement")}
    if all(found is None for found in models.values()):
        raise NotFound(
            "no handling_time or settlement model yet: train one with `claimops train`",
            code="NO_OUTCOME_MODEL",
        )
    frame = report_time_claims(session)
    is_open = ~frame["status"].isin(FINISHED).to_numpy(dtype=bool)
    out = frame.loc[is_open, ["claim_number", "line", "status"]].reset_index(drop=True)
    for kind, found in models.items():
        if found is None:
            continue
        _, bundle = found
        features = bundle.builder.transform(frame).features[is_open]
        predicted = bundle.model.predict(features).reset_index(drop=True)
        unit = "days" if kind == "handling_time" else "cny"
        out = pd.concat([out, predicted.add_prefix(f"{kind}_{unit}_")], axis=1)
    return out
