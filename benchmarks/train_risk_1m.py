"""Training the risk candidates on 1,000,000 claims, and batch scoring them.

Usage: python benchmarks/train_risk_1m.py [--claims 1000000] [--repeat 2]
Targets (issue 13): training under 2 minutes; batch scoring (features and model) at least 100,000
claims/s.

The book is the planted book of the tests (tests/planted_book.py: providers at night, repeat
claimants, early round amounts, large property claims), not the demo generator, so that both
candidates have interactions to find.

1. ``fit_kind("risk", book, test_share=0.25)``: the feature table (three builders: all claims, the
   earlier ones for the hold-out), both candidates on the hold-out, the winner refitted on all claims.
2. Batch scoring with the chosen model: feature table + scores of every claim, best of ``--repeat``;
   and the logistic model alone for comparison; reasons (TreeSHAP) for 10,000 claims.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import sklearn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from claimops.mining.estimators.risk import RiskModel  # noqa: E402
from claimops.mining.service.training import fit_kind  # noqa: E402
from planted_book import make_book  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, {os.cpu_count()} cores")
    t0 = time.perf_counter()
    book = make_book(n=args.claims, seed=11, days=1095)
    print(
        f"book: {len(book):,} claims, {book['fraud'].mean():.3%} fraud,"
        f" built in {time.perf_counter() - t0:.1f} s"
    )

    t0 = time.perf_counter()
    fitted = fit_kind("risk", book, test_share=0.25)
    took = time.perf_counter() - t0
    m = fitted.metrics
    print(f"training (both candidates, hold-out and final fit): {took:.1f} s — target < 120 s")
    for name, c in m["candidates"].items():
        print(f"  {name:<9} ROC AUC {c['roc_auc']:.4f} precision@5% {c['precision_at_capacity']:.3f}")
    print(f"  chosen: {m['selection']['why']}")

    builder, model = fitted.estimator.builder, fitted.estimator.model
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        features = builder.transform(book).features
        scores = model.score(features)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(
        f"scoring {len(book):,} claims (features + {m['model']}): {best:.2f} s"
        f" = {len(book) / best:,.0f} claims/s"
    )
    t0 = time.perf_counter()
    features = builder.transform(book).features
    feature_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.score(features)
    model_s = time.perf_counter() - t0
    print(f"  of which features {feature_s:.2f} s, model {model_s:.2f} s")
    logistic = RiskModel().fit(features.iloc[:200_000], book["fraud"].to_numpy(dtype=bool)[:200_000])
    t0 = time.perf_counter()
    logistic.score(features)
    print(f"  the logistic model alone on the same features: {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    model.reasons(features.iloc[:10_000])
    print(f"reasons of 10,000 claims: {time.perf_counter() - t0:.2f} s")
    assert np.isfinite(scores).all()


if __name__ == "__main__":
    main()
