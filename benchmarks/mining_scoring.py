"""Batch risk scoring of 1,000,000 claims, and the risk model's metrics on demo data.

Usage: python benchmarks/mining_scoring.py [--claims 1000000] [--demo 20000] [--repeat 3]
Target (claims data mining, part 2): batch scoring at least 10,000 claims/s.

1. Seeds ``--demo`` demo claims (planted fraud, ground truth apart) into a temporary SQLite database,
   trains and stores the risk model there as ``claimops train risk`` does; prints its hold-out metrics.
2. Scores ``--claims`` synthetic claims (the frame of ``benchmarks/mining_features.py``, shaped like the
   loader's, money as Decimal) with that model, best of ``--repeat``:
   - "frame → scores": feature table + model, what ``claimops score`` computes after reading;
   - "features → scores": the model alone on a built feature table;
   - "reasons": the top reasons of 10,000 claims (batch scoring writes them for open claims only).
3. One claim as the review scores it (``report_features`` + model + reasons), best of 2,000.
4. End to end on the demo database: ``score_claims`` (read, score, write back), best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sklearn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mining_features import synthetic_claims  # noqa: E402

from claimops.config import Settings  # noqa: E402
from claimops.db import make_engine, unit_of_work  # noqa: E402
from claimops.demo.bulk import seed_database  # noqa: E402
from claimops.migrate import upgrade  # noqa: E402
from claimops.mining.cli import format_metrics  # noqa: E402
from claimops.mining.data.loader import load_claims  # noqa: E402
from claimops.mining.estimators.risk import report_features  # noqa: E402
from claimops.mining.service.scoring import score_claims  # noqa: E402
from claimops.mining.service.training import RiskBundle, fit_kind, store  # noqa: E402


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def trained_on_demo(claims: int, repeat: int) -> RiskBundle:
    """Seed, train, store; then time ``score_claims`` on that database (read, score, write back)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        upgrade(url)
        engine = make_engine(url)
        t0 = time.perf_counter()
        seed_database(engine, claims=claims, seed=42, end=date(2026, 6, 30))
        frame = load_claims(engine)
        print(f"demo data: {claims:,} claims seeded and read in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        fitted = fit_kind("risk", frame, capacity=0.05)
        print(f"risk model trained (hold-out fit + final fit) in {time.perf_counter() - t0:.1f} s")
        print(format_metrics("risk", fitted.metrics))
        settings = Settings(data_dir=Path(tmp))
        with unit_of_work(engine) as session:
            store(session, fitted, trained_by="benchmark", settings=settings)

        def database_pass() -> None:
            with unit_of_work(engine) as session:
                score_claims(session=session, settings=settings)

        seconds, _ = best(database_pass, repeat)
        print(
            f"claimops score on SQLite (read, score, UPDATE, findings of open claims): {claims:,} claims "
            f"in {seconds:.2f} s = {claims / seconds:,.0f} claims/s (best of {repeat})"
        )
        engine.dispose()
    assert isinstance(fitted.estimator, RiskBundle)
    return fitted.estimator


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--demo", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, pandas {pd.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )
    bundle = trained_on_demo(args.demo, args.repeat)
    builder, model = bundle.builder, bundle.model

    frame = synthetic_claims(args.claims)
    n = len(frame)
    seconds, scores = best(lambda: model.score(builder.transform(frame).features), args.repeat)
    print(
        f"frame → scores: {n:,} claims in {seconds:.2f} s = {n / seconds:,.0f} claims/s "
        f"(best of {args.repeat})"
    )
    print(f"target ≥ 10,000 claims/s: {'met' if n / seconds >= 10_000 else 'MISSED'}")
    features = builder.transform(frame).features
    seconds, _ = best(lambda: model.score(features), args.repeat)
    print(f"features → scores: {n / seconds:,.0f} claims/s (best of {args.repeat})")
    some = features.head(10_000)
    seconds, _ = best(lambda: model.reasons(some), args.repeat)
    print(f"reasons: {len(some) / seconds:,.0f} claims/s (best of {args.repeat})")
    print(f"scores: mean {scores.mean():.4f}, share ≥ 0.5: {(scores >= 0.5).mean():.4%}")

    params = builder.get_params()

    def one() -> Any:
        row = report_features(
            line="auto",
            region="上海",
            channel="APP",
            claimed_amount=20_000.0,
            sum_insured=200_000.0,
            incident_date=date(2026, 6, 30),
            effective_from=date(2026, 6, 24),
            effective_to=date(2027, 6, 23),
            reported_at=datetime(2026, 6, 29, 17, 40, tzinfo=UTC),
            prior_claims=0,
            same_provider_prior=0,
            birth_date=date(1985, 6, 15),
            gender="M",
            params=params,
        )
        return model.score(row)[0], model.reasons(row)[0]

    seconds, (score, reasons) = best(one, 2_000)
    print(
        f"one claim (review): {seconds * 1000:.2f} ms (best of 2,000); "
        f"staged-pattern claim scores {score:.3f}"
    )
    print(f"  reasons: {reasons}")


if __name__ == "__main__":
    main()
