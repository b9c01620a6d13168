"""Association rules: itemsets equal to mlxtend's fpgrowth, rule measures by hand, plain words in zh/en,
and on seeded demo data the planted fraud patterns among the top-ranked rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from mlxtend.frequent_patterns import association_rules, fpgrowth
from sqlalchemy import Engine, delete

from claimops.demo.bulk import seed_database
from claimops.errors import ValidationFailed
from claimops.investigations.models import Investigation
from claimops.mining.data.loader import load_claims
from claimops.mining.estimators.features import build_features
from claimops.mining.estimators.rules import (
    FLAGS,
    WIDE_FIELDS,
    AssociationRules,
    FrequentItemsets,
    Itemizer,
    distinct_rules,
    item_label,
)
from claimops.mining.service.analysis import rules_for_table


def as_dict(frame: pd.DataFrame) -> dict[frozenset[Any], float]:
    return dict(zip(frame["itemsets"], frame["support"], strict=True))


def assert_same_itemsets(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    a, b = as_dict(ours), as_dict(theirs)
    assert a.keys() == b.keys()
    for key, support in b.items():
        assert a[key] == pytest.approx(support, abs=1e-12)


# Five baskets; the supports and rule measures below are counted by hand.
BASKETS = pd.DataFrame(
    {
        "a": [1, 1, 1, 0, 1],
        "b": [1, 1, 0, 1, 1],
        "c": [0, 1, 1, 1, 0],
        "d": [0, 0, 0, 0, 1],
    },
    dtype=bool,
)


def test_itemsets_and_rule_measures_by_hand() -> None:
    sets = FrequentItemsets(min_support=0.4).fit(BASKETS)
    # a 4/5, b 4/5, c 3/5 (d 1/5 is out); ab 3/5, ac 2/5, bc 2/5; abc 1/5 is out
    assert as_dict(sets.itemsets_) == {
        frozenset("a"): 0.8,
        frozenset("b"): 0.8,
        frozenset("c"): 0.6,
        frozenset("ab"): 0.6,
        frozenset("ac"): 0.4,
        frozenset("bc"): 0.4,
    }
    assert sets.counts_[frozenset("ab")] == 3 and sets.support({"a", "c"}) == 0.4
    rules = AssociationRules(min_confidence=0.0, min_lift=0.0).fit(sets).rules_
    row = rules.loc[(rules["antecedents"] == frozenset("c")) & (rules["consequents"] == frozenset("a"))].iloc[
        0
    ]
    # c → a: support 2/5, confidence (2/5)/(3/5) = 2/3, lift (2/3)/(4/5) = 5/6,
    # leverage 0.4 − 0.6·0.8 = −0.08, conviction (1 − 0.8)/(1 − 2/3) = 0.6
    assert row["support"] == pytest.approx(0.4)
    assert row["confidence"] == pytest.approx(2 / 3)
    assert row["lift"] == pytest.approx(5 / 6)
    assert row["leverage"] == pytest.approx(-0.08)
    assert row["conviction"] == pytest.approx(0.6)
    assert len(rules) == 6  # two directions for each of the three pairs
    strict = AssociationRules(min_confidence=0.7, min_lift=0.0).fit(sets).rules_
    # a → b and b → a: 3/4 = 0.75; every other rule has confidence 2/3 or 1/2
    assert {
        (tuple(a), tuple(c)) for a, c in zip(strict["antecedents"], strict["consequents"], strict=True)
    } == {
        (("a",), ("b",)),
        (("b",), ("a",)),
    }


@pytest.mark.parametrize(
    ("seed", "rows", "items", "density", "min_support"),
    [(1, 500, 12, 0.3, 0.05), (2, 2_000, 20, 0.15, 0.01), (3, 1_000, 8, 0.6, 0.2), (4, 64, 10, 0.5, 0.1)],
)
def test_itemsets_equal_fpgrowth_on_random_data(
    seed: int, rows: int, items: int, density: float, min_support: float
) -> None:
    rng = np.random.default_rng(seed)
    # correlated columns, so that long itemsets exist
    base = rng.random((rows, 3)) < 0.5
    noise = rng.random((rows, items)) < density
    data = noise | base[:, rng.integers(0, 3, size=items)] & (rng.random((rows, items)) < 0.5)
    X = pd.DataFrame(data, columns=[f"i{j}" for j in range(items)])
    ours = FrequentItemsets(min_support=min_support).fit(X).itemsets_
    assert_same_itemsets(ours, fpgrowth(X, min_support=min_support, use_colnames=True))
    short = FrequentItemsets(min_support=min_support, max_len=2).fit(X).itemsets_
    assert_same_itemsets(short, fpgrowth(X, min_support=min_support, use_colnames=True, max_len=2))


def test_support_threshold_is_inclusive_like_mlxtend() -> None:
    # 3 of 10 rows: support exactly 0.3 is frequent at min_support 0.3, not at 0.31
    X = pd.DataFrame({"x": [True] * 3 + [False] * 7, "y": [True] * 10})
    assert frozenset({"x"}) in FrequentItemsets(min_support=0.3).fit(X).counts_
    assert frozenset({"x"}) not in FrequentItemsets(min_support=0.31).fit(X).counts_


def test_rules_equal_mlxtend_association_rules() -> None:
    rng = np.random.default_rng(5)
    X = pd.DataFrame(
        rng.random((800, 9)) < [0.6, 0.5, 0.4, 0.3, 0.5, 0.2, 0.7, 0.35, 0.45], columns=list("abcdefghi")
    )
    sets = FrequentItemsets(min_support=0.05).fit(X)
    ours = AssociationRules(min_confidence=0.3, min_lift=0.0).fit(sets).rules_
    theirs = association_rules(
        fpgrowth(X, min_support=0.05, use_colnames=True), metric="confidence", min_threshold=0.3
    )
    key = ["antecedents", "consequents"]
    merged = ours.merge(theirs, on=key, suffixes=("", "_mlx"))
    assert len(merged) == len(ours) == len(theirs)
    for column in ("support", "confidence", "lift", "leverage", "conviction"):
        assert np.allclose(merged[column], merged[f"{column}_mlx"], rtol=1e-9), column


def test_bad_transactions_and_parameters() -> None:
    with pytest.raises(ValidationFailed, match="boolean or 0/1"):
        FrequentItemsets().fit(pd.DataFrame({"a": [0, 2]}))
    with pytest.raises(ValidationFailed, match="min_support"):
        FrequentItemsets(min_support=0).fit(BASKETS)
    empty = FrequentItemsets(min_support=0.5).fit(BASKETS.iloc[:0])
    assert empty.itemsets_.empty and empty.n_transactions_ == 0


def test_describe_in_plain_words_zh_and_en() -> None:
    rule = {
        "antecedents": frozenset({"night_report", "line=auto", "early_claim"}),
        "consequents": frozenset({"investigated", "denied"}),
        "lift": 4.2049,
        "confidence": 0.456,
        "support": 0.0123,
    }
    rules = AssociationRules()
    rules.order_ = {name: i for i, name in enumerate(["line=auto", "early_claim", "night_report"])}
    assert rules.describe(rule, "zh") == "车险 + 投保后30天内出险 + 夜间报案 → 调查后拒赔，提升度 4.2"
    assert rules.describe(rule, "en") == (
        "auto + incident within 30 days of inception + reported at night"
        " → denied after investigation, lift 4.2"
    )
    assert rules.describe(rule, "zh", detail=True).endswith("（置信度 46%，支持度 1.2%）")
    assert item_label("amount_band=1000-5000", "zh") == "金额1,000–5,000元"
    assert item_label("amount_band=>=100000", "en") == "amount ≥ CNY 100,000"
    assert item_label("early_claim", "zh", {"early_claim_days": 15}) == "投保后15天内出险"
    assert item_label("channel=APP", "zh") == "APP报案"


def test_rank_for_keeps_productive_rules() -> None:
    # y follows a (80 % vs 10 % without a); b is independent of everything.
    rng = np.random.default_rng(11)
    n = 4_000
    a = rng.random(n) < 0.4
    b = rng.random(n) < 0.5
    y = np.where(a, rng.random(n) < 0.8, rng.random(n) < 0.1)
    X = pd.DataFrame({"a": a, "b": b, "y": y})
    rules = AssociationRules(min_confidence=0.0, min_lift=0.0, consequents=["y"]).fit(
        FrequentItemsets(min_support=0.01).fit(X)
    )
    ranked = rules.rank_for("y", top=None)
    # a + b → y says no more than a → y, and b → y nothing at all: only a → y remains
    assert [set(r) for r in ranked["antecedents"]] == [{"a"}]
    everything = rules.rank_for("y", top=None, productive=False)
    assert {frozenset(r) for r in everything["antecedents"]} == {
        frozenset("a"),
        frozenset("b"),
        frozenset("ab"),
    }
    assert list(everything["rank"]) == [1, 2, 3]
    assert list(everything["lift"]) == sorted(everything["lift"], reverse=True)


def test_distinct_rules_drops_variants_of_a_better_rule() -> None:
    X = pd.DataFrame(
        {
            "p": [1, 1, 1, 1, 0, 0, 0, 0],
            "q": [1, 1, 1, 0, 0, 0, 0, 0],
            "r": [0, 0, 0, 0, 1, 1, 0, 0],
            "y": [1, 1, 1, 1, 1, 1, 0, 0],
        },
        dtype=bool,
    )
    ranked = pd.DataFrame({"antecedents": [frozenset("p"), frozenset("pq"), frozenset("r")]})
    # p and p+q cover claims {0..3} and {0..2}: Jaccard 3/4 > 0.5, so p+q goes; r covers {4, 5}
    out = distinct_rules(ranked, X, "y", max_overlap=0.5)
    assert list(out["antecedents"]) == [frozenset("p"), frozenset("r")] and list(out["rank"]) == [1, 2]
    assert len(distinct_rules(ranked, X, "y", max_overlap=0.8)) == 3


# Items the demo generator plants for each fraud pattern (src/claimops/demo/generator.py).
PLANTED = {
    "auto_early_night_round": {"line=auto", "early_claim", "night_report", "round_amount"},
    # the claim-frequency windows name the repeat claims directly (one item instead of two or three)
    "health_repeat_provider": {
        "line=health",
        "same_provider",
        "frequent_claimant",
        "prior_claims_30d>=2",
        "prior_claims_90d>=2",
        "prior_same_line_30d>=2",
        "prior_same_line_90d>=2",
    },
    "property_near_expiry_large": {"line=property", "near_expiry", "large_ratio", "amount_band=>=100000"},
}


def test_top_fraud_rules_recover_the_planted_patterns(empty_engine: Engine) -> None:
    seed_database(empty_engine, claims=4_000, seed=3, end=date(2026, 6, 30))
    table = build_features(load_claims(empty_engine))
    out = rules_for_table(table, "fraud", lang="zh", limit=10, min_support=0.002)
    assert out["n_claims"] == 4_000 and 0 < out["base_rate"] < 0.1
    truth = table.labels["fraud_pattern"]
    X = Itemizer().fit_transform(table)
    # the real data: the same itemsets and supports as mlxtend
    ours = FrequentItemsets(min_support=0.01, max_len=3).fit(X).itemsets_
    assert_same_itemsets(ours, fpgrowth(X, min_support=0.01, use_colnames=True, max_len=3))
    assert len(ours) > 500
    wide = Itemizer(fields=WIDE_FIELDS, flags=FLAGS, outcomes=("fraud",), frequency_min=2).fit_transform(
        table
    )
    for pattern, items in PLANTED.items():
        found = []
        for rule in out["rules"]:
            if len(set(rule["antecedents"]) & items) < min(2, len(rule["antecedents"])):
                continue
            covered = wide[rule["antecedents"]].all(axis=1) & wide["fraud"]
            if (truth[covered] == pattern).mean() >= 0.9:
                found.append(rule["rank"])
        assert found, f"{pattern}: not among {[r['text'] for r in out['rules']]}"
    top = out["rules"][0]
    assert top["lift"] == pytest.approx(top["confidence"] / out["base_rate"])
    assert top["text"].endswith(f"→ 欺诈，提升度 {top['lift']:.1f}")
    assert top["claims"] == round(top["support"] * 4_000)

    # the fraud label is the investigators' conclusion: the planted truth is not needed to mine it
    without_truth = build_features(load_claims(empty_engine, ground_truth=False))
    assert without_truth.labels["fraud"].astype(bool).equals(table.labels["fraud"].astype(bool))
    assert rules_for_table(without_truth, "fraud", lang="en", limit=3)["rules"]
    # a book with neither conclusions nor planted truth has no fraud label
    with empty_engine.begin() as conn:
        conn.execute(delete(Investigation))
    without_truth = build_features(load_claims(empty_engine, ground_truth=False))
    with pytest.raises(ValidationFailed) as err:
        rules_for_table(without_truth, "fraud", lang="en")
    assert err.value.code == "TARGET_UNAVAILABLE" and err.value.message.startswith("no fraud ground truth")
