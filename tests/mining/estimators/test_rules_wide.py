"""Rule items beyond the red flags (providers by name, report hours, ratio/inception/expiry/delay bands,
claim frequency in windows): exact against mlxtend on the same items, in plain words, and on a book
with patterns of its own (tests/planted_book.py) the top fraud rules name the night shops and the
repeat claimants."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from mlxtend.frequent_patterns import fpgrowth

from claimops.mining.estimators.features import build_features
from claimops.mining.estimators.rules import FLAGS, WIDE_FIELDS, FrequentItemsets, Itemizer, item_label
from claimops.mining.service.analysis import rules_for_table
from planted_book import NIGHT_SHOPS, make_book


@pytest.fixture(scope="module")
def table() -> Any:
    return build_features(make_book())


def test_wide_items_equal_fpgrowth(table: Any) -> None:
    X = Itemizer(fields=WIDE_FIELDS, flags=FLAGS, outcomes=("fraud",), frequency_min=2).fit_transform(table)
    assert {"provider=修理厂07", "report_hour=<4", "prior_claims_30d>=2", "prior_same_line_90d>=2"} <= set(X)
    assert {"claim_ratio=>=0.8", "policy_age=<90", "to_expiry=<30", "report_delay=<1"} <= set(X)
    ours = FrequentItemsets(min_support=0.01, max_len=3).fit(X).itemsets_
    theirs = fpgrowth(X, min_support=0.01, use_colnames=True, max_len=3)
    a = dict(zip(ours["itemsets"], ours["support"], strict=True))
    b = dict(zip(theirs["itemsets"], theirs["support"], strict=True))
    assert a.keys() == b.keys()
    assert all(a[k] == pytest.approx(v, abs=1e-12) for k, v in b.items())


def test_items_by_hand() -> None:
    frame = build_features(make_book(n=300, seed=2)).frame()
    X = Itemizer(
        fields=("provider", "report_hour", "claim_ratio"), flags=(), outcomes=(), frequency_min=2
    ).fit_transform(frame)
    hour = frame["report_hour"]
    assert X["report_hour=<4"].tolist() == (hour < 4).tolist()
    assert X["report_hour=8-12"].tolist() == ((hour >= 8) & (hour < 12)).tolist()
    assert X["prior_claims_90d>=2"].tolist() == (frame["prior_claims_90d"] >= 2).tolist()
    ratio = frame["claim_ratio"]
    assert X["claim_ratio=>=0.8"].tolist() == (ratio >= 0.8).fillna(False).tolist()
    shop = frame["provider"].astype(object)
    assert X["provider=修理厂07"].tolist() == (shop == "修理厂07").tolist()


@pytest.mark.parametrize(
    ("item", "zh", "en"),
    [
        ("provider=修理厂07", "服务机构：修理厂07", "provider 修理厂07"),
        ("prior_claims_90d>=2", "近90天内已报案≥2次", "≥ 2 claims in the 90 days before"),
        (
            "prior_same_line_30d>=2",
            "近30天内同险种报案≥2次",
            "≥ 2 claims of the same line in the 30 days before",
        ),
        ("report_hour=<4", "报案时间0–4点", "reported 0–4 h"),
        ("report_delay=3-7", "出险后3–7天报案", "reported 3–7 days after the incident"),
        ("claim_ratio=>=0.8", "索赔额≥保额×0.8", "claimed ≥ 0.8 × sum insured"),
    ],
)
def test_labels(item: str, zh: str, en: str) -> None:
    assert item_label(item, "zh") == zh and item_label(item, "en") == en


def test_top_fraud_rules_name_the_night_shops_and_repeat_claimants(table: Any) -> None:
    out = rules_for_table(table, "fraud", limit=10)
    antecedents = [set(r["antecedents"]) for r in out["rules"]]
    providers = {i for a in antecedents for i in a if i.startswith("provider=")}
    assert providers & {f"provider={shop}" for shop in NIGHT_SHOPS}
    assert any("report_hour=<4" in a and a & {f"provider={s}" for s in NIGHT_SHOPS} for a in antecedents)
    assert any(i.startswith("prior_") or i == "frequent_claimant" for a in antecedents for i in a)
    assert isinstance(pd.DataFrame(out["rules"]), pd.DataFrame)
