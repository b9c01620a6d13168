"""The feature table, computed by hand for a few claims: Shanghai report hour and day, policy age, prior
claims in a window without outcomes leaking in, documents, age from the ID number, labels apart."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from claimops.errors import ValidationFailed
from claimops.mining.data.frames import FEATURE_TABLE
from claimops.mining.estimators.features import (
    FEATURES,
    FeatureBuilder,
    build_features,
    parse_id_numbers,
    prior_counts,
)


def claims(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base: dict[str, Any] = {
        "policy_id": 1,
        "region": "上海",
        "channel": "APP",
        "status": "paid",
        "outcome": "approved",
        "provider_id": None,
        "effective_from": "2026-02-10",
        "effective_to": "2027-02-09",
        "sum_insured": Decimal("100000.00"),
        "birth_date": "1990-03-02",
        "gender": "F",
        "required_docs_received": 6,
        "handling_s": 86_400 * 3,
        "investigated": False,
    }
    frame = pd.DataFrame([{**base, **row} for row in rows])
    for name in ("incident_date", "effective_from", "effective_to", "birth_date"):
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[s]")
    frame["reported_at"] = pd.to_datetime(frame["reported_at"], utc=True, format="ISO8601")
    frame["provider_id"] = pd.array(frame["provider_id"], dtype="Int64")
    frame["handling_s"] = pd.array(frame["handling_s"], dtype="Int64")
    return frame


FRAME = claims(
    [
        # A: 15:30 UTC = 23:30 in Shanghai, the incident day; 19 days after inception
        {
            "claim_id": 1,
            "customer_id": 1,
            "line": "auto",
            "incident_date": "2026-03-01",
            "reported_at": "2026-03-01 15:30",
            "claimed_amount": Decimal("8000.00"),
        },
        # B: 16:00 UTC on 9 March = 00:00 on 10 March in Shanghai: reported a day after the incident
        {
            "claim_id": 2,
            "customer_id": 1,
            "line": "health",
            "incident_date": "2026-03-09",
            "reported_at": "2026-03-09 16:00",
            "claimed_amount": Decimal("1234.56"),
            "provider_id": 7,
            "outcome": "denied",
            "status": "closed",
            "required_docs_received": 3,
        },
        # C: same customer and hospital again; 10:00 in Shanghai
        {
            "claim_id": 3,
            "customer_id": 1,
            "line": "health",
            "incident_date": "2026-03-30",
            "reported_at": "2026-04-01 02:00",
            "claimed_amount": Decimal("150000.00"),
            "provider_id": 7,
            "effective_to": "2026-04-03",
            "investigated": True,
        },
        # D: another customer at the very same instant as C
        {
            "claim_id": 4,
            "customer_id": 2,
            "line": "property",
            "incident_date": "2026-02-01",
            "reported_at": "2026-04-01 02:00",
            "claimed_amount": Decimal("999.99"),
            "birth_date": None,
            "gender": None,
            "id_number": "110101199003077719",
            "sum_insured": None,
        },
        # E: customer 1, 366 days less a second after C: A, B and C are outside the 365-day window
        {
            "claim_id": 5,
            "customer_id": 1,
            "line": "auto",
            "incident_date": "2027-04-01",
            "reported_at": "2027-04-02 01:59:59",
            "claimed_amount": Decimal("3000.00"),
            "effective_from": "2027-02-10",
            "effective_to": "2028-02-09",
        },
    ]
)


@pytest.fixture(scope="module")
def table() -> Any:
    return FeatureBuilder(large_loss_amount=100_000).fit_transform(FRAME)


def test_timing_features_by_hand(table: Any) -> None:
    f = table.features
    assert list(f.index) == [1, 2, 3, 4, 5] and f.index.name == "claim_id"
    assert f["report_hour"].tolist() == [23, 0, 10, 10, 9]
    assert f["night_report"].tolist() == [True, True, False, False, False]
    assert f["days_to_report"].tolist() == [0, 1, 2, 59, 1]
    assert f["late_report"].tolist() == [False, False, False, True, False]
    # inception 10 Feb: 1 Mar is day 19, 9 Mar day 27, 30 Mar day 48; D's incident is before inception
    assert f["policy_age_days"].tolist() == [19, 27, 48, -9, 50]
    assert f["early_claim"].tolist() == [True, True, False, False, False]
    # C's policy ends 3 April: 4 days to expiry
    assert f.loc[3, "days_to_expiry"] == 4 and f.loc[3, "near_expiry"]
    assert not f.loc[1, "near_expiry"]


def test_amount_and_document_features(table: Any) -> None:
    f = table.features
    assert f["claimed_amount"].tolist() == [8000.0, 1234.56, 150000.0, 999.99, 3000.0]
    assert f["amount_band"].astype(str).tolist() == [
        "5000-20000",
        "1000-5000",
        ">=100000",
        "<1000",
        "1000-5000",
    ]
    assert f["round_amount"].tolist() == [True, False, True, False, True]
    assert f.loc[1, "claim_ratio"] == pytest.approx(0.08) and np.isnan(f.loc[4, "claim_ratio"])
    # auto asks for 6 documents, health 5, property 5; B has 3 of its 5
    assert f["docs_required"].tolist() == [6, 5, 5, 5, 6]
    assert f.loc[2, "doc_completeness"] == pytest.approx(0.6) and f.loc[2, "docs_incomplete"]
    assert f.loc[1, "doc_completeness"] == 1.0 and f.loc[3, "doc_completeness"] == 1.0


def test_prior_claims_count_only_earlier_reports_in_the_window(table: Any) -> None:
    f = table.features
    assert f["prior_claims"].tolist() == [0, 1, 2, 0, 0]
    assert f["same_provider_prior"].tolist() == [0, 0, 1, 0, 0]
    assert FeatureBuilder(frequent_claims=2).fit_transform(FRAME).features["frequent_claimant"].tolist() == [
        False,
        False,
        True,
        False,
        False,
    ]
    # a 366-day window reaches back from E (2 April 2027, 01:59:59) to C (1 April 2026, 02:00)
    wide = FeatureBuilder(prior_window_days=366).fit_transform(FRAME).features
    assert wide["prior_claims"].tolist() == [0, 1, 2, 0, 1]


def test_outcomes_do_not_leak_into_features(table: Any) -> None:
    flipped = FRAME.assign(
        outcome=["denied", "approved", "denied", "approved", "denied"],
        status="closed",
        investigated=[True, False, False, True, True],
        handling_s=pd.array([None] * 5, dtype="Int64"),
    )
    other = FeatureBuilder(large_loss_amount=100_000).fit_transform(flipped)
    pd.testing.assert_frame_equal(other.features, table.features)
    assert not set(table.labels.columns) & set(table.features.columns)
    windows = ["prior_claims_30d", "prior_claims_90d", "prior_same_line_30d", "prior_same_line_90d"]
    assert list(table.features.columns) == [*FEATURES, *windows]
    assert list(FEATURES) == [c for c in FEATURE_TABLE.columns if not FEATURE_TABLE.columns[c].regex]


def test_labels_by_hand(table: Any) -> None:
    labels = table.labels
    assert labels["denied"].tolist() == [False, True, False, False, False]
    assert labels["investigated"].tolist() == [False, False, True, False, False]
    assert labels["large_loss"].tolist() == [False, False, True, False, False]  # ≥ CNY 100,000
    assert labels["handling_days"].tolist() == [3.0] * 5
    assert table.keys["customer_id"].tolist() == [1, 1, 1, 2, 1]


def test_age_and_gender_from_birth_date_or_id_number(table: Any) -> None:
    f = table.features
    # born 2 March 1990: 35 on 1 March 2026 (the day before the birthday), 36 on 30 March
    assert f.loc[1, "customer_age"] == 35 and f.loc[3, "customer_age"] == 36
    # D has only an ID number: born 7 March 1990, 17th digit 1 (odd) = male; 35 on 1 Feb 2026
    assert f.loc[4, "customer_age"] == 35 and f.loc[4, "customer_gender"] == "M"
    parsed = parse_id_numbers(pd.Series(["110101199003077719", "11010119900230771X", "short"]))
    assert parsed["birth_date"].isna().tolist() == [False, True, True]
    assert parsed["gender"].tolist()[0] == "M" and pd.isna(parsed["gender"].tolist()[1])


def test_large_loss_threshold_by_line_quantile() -> None:
    builder = FeatureBuilder(large_loss_quantile=0.5).fit(FRAME)
    # auto amounts 8,000 and 3,000: median 5,500; health 1,234.56 and 150,000: median 75,617.28
    assert builder.large_loss_threshold_["auto"] == pytest.approx(5_500)
    assert builder.large_loss_threshold_["health"] == pytest.approx(75_617.28)
    assert builder.transform(FRAME).labels["large_loss"].tolist() == [True, False, True, True, False]


def test_prior_counts_ties_and_missing_groups() -> None:
    out = prior_counts([1, 1, 1, None, 2], [0, 5, 5, 5, 5], window=10)
    assert out.tolist() == [0, 1, 1, 0, 0]


def test_wrong_columns_are_named_and_nothing_fits() -> None:
    with pytest.raises(ValidationFailed) as err:
        build_features(FRAME.drop(columns=["incident_date"]))
    assert err.value.code == "BAD_FRAME" and "incident_date: missing" in err.value.message
    with pytest.raises(ValidationFailed, match="claim_id: duplicated values"):
        build_features(pd.concat([FRAME, FRAME.iloc[:1]]))
    with pytest.raises(ValidationFailed, match="reported_at: missing values"):
        build_features(
            FRAME.assign(reported_at=pd.Series(pd.NaT, index=FRAME.index, dtype="datetime64[us, UTC]"))
        )
