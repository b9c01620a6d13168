"""Frequent itemsets and rules on 1,000,000 claims × about 40 items: claimops against mlxtend, same run.

Usage: python benchmarks/mining_rules.py [--claims 1000000] [--min-support 0.01] [--repeat 3]
Target (claims data mining, part 1): no slower than mlxtend's ``fpgrowth`` on the same data.

The items come from the synthetic claims of ``benchmarks/mining_features.py`` through the feature table
and :class:`claimops.mining.estimators.rules.Itemizer` (line, region, channel, amount band, gender, age
band, red flags, outcomes: 40 columns). Both sides get the same boolean DataFrame and the same
``min_support``.
claimops: ``FrequentItemsets`` + ``AssociationRules`` (every split, as mlxtend); mlxtend: ``fpgrowth`` +
``association_rules``. The script checks that both find the same itemsets with the same supports and
the same rules, and reports the best time of ``--repeat`` runs of each.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mlxtend
import numpy as np
import pandas as pd
from mlxtend.frequent_patterns import association_rules, fpgrowth

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mining_features import synthetic_claims  # noqa: E402

from claimops.mining.estimators.features import FeatureBuilder  # noqa: E402
from claimops.mining.estimators.rules import AssociationRules, FrequentItemsets, Itemizer  # noqa: E402

MIN_CONFIDENCE = 0.5


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def transactions(n: int) -> pd.DataFrame:
    frame = synthetic_claims(n, decimal_money=False)
    table = FeatureBuilder().fit_transform(frame)
    return Itemizer(min_count=1).fit_transform(table)


def ours(X: pd.DataFrame, min_support: float) -> tuple[FrequentItemsets, AssociationRules]:
    itemsets = FrequentItemsets(min_support=min_support).fit(X)
    rules = AssociationRules(min_confidence=MIN_CONFIDENCE, min_lift=0.0).fit(itemsets)
    return itemsets, rules


def theirs(X: pd.DataFrame, min_support: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    itemsets = fpgrowth(X, min_support=min_support, use_colnames=True)
    rules = association_rules(itemsets, metric="confidence", min_threshold=MIN_CONFIDENCE)
    return itemsets, rules


def same_itemsets(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    left = dict(zip(a["itemsets"], a["support"], strict=True))
    right = dict(zip(b["itemsets"], b["support"], strict=True))
    return left.keys() == right.keys() and all(abs(left[k] - right[k]) < 1e-12 for k in left)


def same_rules(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    def keyed(r: pd.DataFrame) -> dict[tuple[frozenset[Any], frozenset[Any]], float]:
        return dict(zip(zip(r["antecedents"], r["consequents"], strict=True), r["lift"], strict=True))

    left, right = keyed(a), keyed(b)
    return left.keys() == right.keys() and all(abs(left[k] - right[k]) < 1e-9 for k in left)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--min-support", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, mlxtend {mlxtend.__version__}"
    )
    t0 = time.perf_counter()
    X = transactions(args.claims)
    print(f"transactions: {X.shape[0]:,} claims × {X.shape[1]} items in {time.perf_counter() - t0:.1f} s")
    t_ours, (itemsets, rules) = best(lambda: ours(X, args.min_support), args.repeat)
    t_fi, _ = best(lambda: FrequentItemsets(min_support=args.min_support).fit(X), args.repeat)
    t_theirs, (their_sets, their_rules) = best(lambda: theirs(X, args.min_support), args.repeat)
    t_fp, _ = best(lambda: fpgrowth(X, min_support=args.min_support, use_colnames=True), args.repeat)
    print(
        f"itemsets: {len(itemsets.itemsets_):,} (mlxtend {len(their_sets):,}), equal: "
        f"{same_itemsets(itemsets.itemsets_, their_sets)}"
    )
    print(
        f"rules (confidence ≥ {MIN_CONFIDENCE}): {len(rules.rules_):,} (mlxtend {len(their_rules):,}), "
        f"equal: {same_rules(rules.rules_, their_rules)}"
    )
    print(
        f"best of {args.repeat}: claimops itemsets {t_fi:.2f} s, itemsets + rules {t_ours:.2f} s; "
        f"mlxtend fpgrowth {t_fp:.2f} s, fpgrowth + association_rules {t_theirs:.2f} s"
    )
    ratio = t_theirs / t_ours
    print(f"claimops is {ratio:.1f}× faster end to end, {t_fp / t_fi:.1f}× on itemsets alone")
    print(f"target (no slower than mlxtend): {'met' if t_ours <= t_theirs else 'MISSED'}")


if __name__ == "__main__":
    main()
