"""Segments: k chosen by silhouette on data with known clusters, the same seed gives the same segments,
profiles reconcile to hand computations, customer aggregation, and bad input refused clearly."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from claimops.errors import ValidationFailed
from claimops.mining.estimators.segments import (
    ClaimSegments,
    CustomerSegments,
    Segmenter,
    customer_table,
    signed_log,
)
from claimops.mining.service.analysis import segments_summary

LINES = np.array(["auto", "health", "property"])


def blobs(n_per: int = 60, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Three well-separated groups: sizes 2n, n and n/2, each with its own line, amounts and speed."""
    rng = np.random.default_rng(seed)
    sizes = [2 * n_per, n_per, n_per // 2]
    truth = np.repeat([0, 1, 2], sizes)
    centres = np.array([[1_000.0, 3.0], [20_000.0, 10.0], [300_000.0, 40.0]])
    amount = centres[truth, 0] * np.exp(rng.normal(0, 0.1, len(truth)))
    days = centres[truth, 1] + rng.normal(0, 0.5, len(truth))
    frame = pd.DataFrame(
        {
            "claimed_amount": amount,
            "handling_days": days,
            "line": LINES[truth],
            "denied": truth == 2,
            "satisfaction": np.array([4.5, 3.5, 2.0])[truth],
        }
    )
    order = rng.permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True), truth[order]


def model(**kw: object) -> Segmenter:
    params: dict[str, object] = {
        "numeric": ["claimed_amount", "handling_days"],
        "categorical": ["line"],
        "log": ["claimed_amount"],
        "k_range": (2, 6),
        "n_init": 4,
    }
    params.update(kw)
    return Segmenter(**params)  # type: ignore[arg-type]


def test_k_is_the_best_silhouette_and_segments_match_the_truth() -> None:
    frame, truth = blobs()
    seg = model().fit(frame)
    assert seg.k_ == 3 and set(seg.scores_) == {2, 3, 4, 5, 6}
    assert seg.scores_[3] == max(seg.scores_.values())
    assert seg.criterion_["method"] == "silhouette" and seg.criterion_["score"] == seg.scores_[3]
    assert adjusted_rand_score(truth, seg.labels_) == 1.0
    # numbered by size: the group of 120 is segment 0, then 60, then 30
    assert seg.profiles_["size"].tolist() == [120, 60, 30]
    assert seg.describe_criterion("en") == (
        f"k = 3: highest mean silhouette among k = 2–6 ({seg.scores_[3]:.2f}, on a sample of 210 rows)"
    )
    assert seg.describe_criterion("zh").startswith("k = 3：在 k = 2–6 中平均轮廓系数最高")
    assert (seg.predict(frame) == seg.labels_).all()


def test_profiles_reconcile_to_hand_computations() -> None:
    frame, _ = blobs()
    seg = model().fit(frame)
    p = seg.profiles_
    for s in range(3):
        rows = frame[seg.labels_ == s]
        assert p.loc[s, "share"] == pytest.approx(len(rows) / len(frame))
        assert p.loc[s, "typical_line"] == rows["line"].mode()[0]
        assert p.loc[s, "median_amount"] == pytest.approx(rows["claimed_amount"].median())
        assert p.loc[s, "median_handling_days"] == pytest.approx(rows["handling_days"].median())
        assert p.loc[s, "denial_rate"] == pytest.approx(rows["denied"].mean())
        assert p.loc[s, "satisfaction"] == pytest.approx(rows["satisfaction"].mean())
    assert p["typical_line"].tolist() == ["auto", "health", "property"]
    # the smallest segment's most distinctive trait is its line or its size of claim
    assert p.loc[2, "traits"][0][0] in {"line=property", "claimed_amount", "handling_days"}


def test_same_seed_same_segments() -> None:
    frame, _ = blobs(seed=4)
    a = model(random_state=7, sample_size=100, projection_size=50).fit(frame)
    b = model(random_state=7, sample_size=100, projection_size=50).fit(frame)
    assert a.k_ == b.k_ and (a.labels_ == b.labels_).all() and a.scores_ == b.scores_
    pd.testing.assert_frame_equal(a.projection_, b.projection_)
    pd.testing.assert_frame_equal(a.profiles_, b.profiles_)
    assert len(a.projection_) == 50 and set(a.projection_.columns) == {"x", "y", "segment"}
    assert a.explained_variance_ratio_.shape == (2,) and 0 < a.explained_variance_ratio_.sum() <= 1


def test_fixed_k() -> None:
    frame, _ = blobs()
    seg = model(k=2).fit(frame)
    assert seg.k_ == 2 and seg.scores_ == {} and seg.describe_criterion("en") == "k = 2: set by the user"


def test_summary_is_json_with_a_readable_sentence() -> None:
    frame, _ = blobs()
    seg = model().fit(frame)
    out = segments_summary(seg, "claims", len(frame), "zh")
    json.dumps(out, allow_nan=False)
    first = out["segments"][0]
    assert first["text"] == (
        f"第1类：120件（57%），多为车险，金额中位数 {first['median_amount']:,.0f} 元，"
        f"处理时长中位数 {first['median_handling_days']:.1f} 天，拒赔率 0%，满意度 4.5"
    )
    assert out["k"] == 3 and [s["k"] for s in out["scores"]] == [2, 3, 4, 5, 6]
    assert len(out["projection"]["points"]) == 210 and len(out["projection"]["centers"]) == 3
    en = segments_summary(seg, "claims", len(frame), "en")["segments"][2]["text"]
    assert en.startswith("Segment 3: 30 (14%), mostly property, median amount CNY ")


def test_customer_table_by_hand() -> None:
    claims = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2],
            "claimed_amount": [100.0, 300.0, 1_000.0, 50.0],
            "denied": [True, False, False, False],
            "handling_days": [1.0, 2.0, 9.0, 4.0],
            "customer_age": [40.0, 40.0, 41.0, 30.0],
            "line": ["auto", "health", "health", "auto"],
            "customer_gender": ["M", "M", "M", "F"],
        }
    )
    table = customer_table(claims)
    assert table.loc[1].to_dict() == {
        "n_claims": 3,
        "total_claimed": 1_400.0,
        "claimed_amount": 300.0,
        "denied": pytest.approx(1 / 3),
        "handling_days": 2.0,
        "customer_age": 41.0,
        "line": "health",
        "customer_gender": "M",
    }
    assert table.loc[2, "n_claims"] == 1 and table.loc[2, "line"] == "auto"


def test_customer_segments_separate_heavy_claimants() -> None:
    rng = np.random.default_rng(3)
    n = 120
    heavy = np.arange(n) < 20
    customers = pd.DataFrame(
        {
            "n_claims": np.where(heavy, 12, 1) + rng.integers(0, 2, n),
            "total_claimed": np.where(heavy, 200_000.0, 3_000.0) * np.exp(rng.normal(0, 0.1, n)),
            "claimed_amount": np.where(heavy, 15_000.0, 3_000.0) * np.exp(rng.normal(0, 0.1, n)),
            "denied": np.where(heavy, 0.5, 0.0),
            "handling_days": np.where(heavy, 20.0, 5.0) + rng.normal(0, 0.3, n),
            "customer_age": rng.normal(40, 1, n),
            "line": np.where(heavy, "health", "auto"),
            "customer_gender": rng.choice(["F", "M"], n),
        },
        index=pd.RangeIndex(1, n + 1, name="customer_id"),
    )
    seg = CustomerSegments(k_range=(2, 4), n_init=4).fit(customers)
    assert seg.k_ == 2 and seg.profiles_["size"].tolist() == [100, 20]
    assert (seg.labels_ == heavy.astype(int)).all()


def test_bad_input_is_refused_clearly() -> None:
    frame, _ = blobs()
    with pytest.raises(ValidationFailed) as err:
        ClaimSegments().fit(frame)
    assert err.value.code == "BAD_FRAME" and "claim_ratio" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        model().fit(frame.head(2))
    assert err.value.code == "NOT_ENOUGH_DATA" and "at least 3 rows, got 2" in err.value.message
    with pytest.raises(ValidationFailed, match="k_range"):
        model(k_range=(1, 3)).fit(frame)


def test_signed_log() -> None:
    assert signed_log(np.array([-(np.e - 1), 0.0, np.e - 1])).tolist() == pytest.approx([-1.0, 0.0, 1.0])
