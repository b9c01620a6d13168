"""Data quality: each check counts exactly the rows planted in a hand-built frame; cleaning steps record
what they did; bad frames are refused with the column named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from claimops.errors import ValidationFailed
from claimops.mining.estimators.quality import (
    CleaningPipeline,
    DataQuality,
    outlier_bounds,
    valid_id_numbers,
)


def resident_id(body: str) -> str:
    """Append the GB 11643 check digit: weights 2^(17−i) mod 11, check = (12 − sum mod 11) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(body))
    return body + "10X98765432"[total % 11]


def stamp(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def claim(i: int, **overrides: Any) -> dict[str, Any]:
    """A claim with nothing wrong: own policy and customer, incident the day before the report."""
    row: dict[str, Any] = {
        "claim_id": i,
        "policy_id": 100 + i,
        "customer_id": 1000 + i,
        "line": "auto",
        "region": "北京",
        "channel": "APP",
        "incident_date": pd.Timestamp("2026-03-01"),
        "reported_at": stamp("2026-03-02 02:00"),
        "decided_at": stamp("2026-03-05 02:00"),
        "paid_at": stamp("2026-03-06 02:00"),
        "claimed_amount": Decimal("5000.00"),
        "approved_amount": Decimal("4500.00"),
        "paid_amount": Decimal("4500.00"),
        "sum_insured": Decimal("100000.00"),
        "effective_from": pd.Timestamp("2026-01-01"),
        "effective_to": pd.Timestamp("2026-12-31"),
        "id_number": resident_id(f"110101198{i % 10}0101{i:03d}"),
    }
    row.update(overrides)
    return row


def frame_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for name in ("incident_date", "effective_from", "effective_to"):
        frame[name] = frame[name].astype("datetime64[s]")
    for name in ("reported_at", "decided_at", "paid_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    frame["region"] = frame["region"].astype(object)
    return frame


SHARED_ID = resident_id("31010419851212123")

PLANTED = frame_of(
    [
        claim(1),
        claim(2),
        claim(2),  # duplicate_claim_id: the two rows of claim 2
        claim(3, policy_id=33),
        claim(4, policy_id=33),  # duplicate_policy_incident: 3 and 4
        claim(5, id_number=SHARED_ID),
        claim(6, id_number=SHARED_ID),  # duplicate_customer_id: customers 1005 and 1006
        claim(7, id_number="110101199002301234"),  # invalid: 30 February
        claim(8, id_number=resident_id("11010119900307771")[:-1] + "0"),  # invalid: check digit
        # reported 17:00 UTC on 10 March = 01:00 on 11 March in Shanghai: the incident day, fine
        claim(
            9,
            incident_date=pd.Timestamp("2026-03-11"),
            reported_at=stamp("2026-03-10 17:00"),
            decided_at=stamp("2026-03-15"),
            paid_at=stamp("2026-03-16"),
        ),
        claim(
            10,
            incident_date=pd.Timestamp("2026-03-12"),
            reported_at=stamp("2026-03-10 10:00"),
            decided_at=stamp("2026-03-15"),
            paid_at=stamp("2026-03-16"),
        ),  # incident_after_report
        claim(11, decided_at=stamp("2026-03-01 12:00"), paid_at=None),  # report_after_decision
        claim(12, paid_at=stamp("2026-03-04 12:00")),  # payment_before_decision
        claim(13, incident_date=pd.Timestamp("2025-12-20"), reported_at=stamp("2025-12-21")),  # outside
        claim(14, effective_from=pd.Timestamp("2026-06-01"), effective_to=pd.Timestamp("2025-06-01")),
        claim(15, claimed_amount=Decimal("-100.00")),  # negative_amount
        claim(16, claimed_amount=Decimal("200000.00"), approved_amount=None, paid_amount=None),
        claim(
            17,
            claimed_amount=Decimal("90000.00"),
            approved_amount=Decimal("120000.00"),
            paid_amount=Decimal("120000.00"),
        ),  # paid_over_sum_insured
        claim(18, approved_amount=Decimal("5000.00"), paid_amount=Decimal("6000.00")),  # paid_over_approved
        claim(19, region="  "),
        claim(20, region=None),  # missing region: 19 (blank) and 20
        claim(21, claimed_amount=None),  # a missing key
    ]
)

EXPECTED = {
    "duplicate_claim_id": 2,
    "duplicate_policy_incident": 2,
    "duplicate_customer_id": 2,
    "invalid_id_number": 2,
    "incident_after_report": 1,
    "report_after_decision": 1,
    "payment_before_decision": 1,
    "incident_outside_policy": 2,  # 13, and 14 whose period is reversed
    "policy_period_reversed": 1,
    "negative_amount": 1,
    "claimed_over_sum_insured": 1,
    "paid_over_sum_insured": 1,
    "paid_over_approved": 1,
}


def test_each_check_counts_exactly_the_planted_rows() -> None:
    report = DataQuality().fit(PLANTED).report_
    counts = {issue.check: issue.rows for issue in report.issues}
    assert {k: v for k, v in counts.items() if k != "amount_outlier"} == EXPECTED
    assert report.skipped == [] and report.n_rows == 22
    assert report.issue("duplicate_customer_id").examples == [5, 6]
    assert report.issue("incident_after_report").examples == [10]
    assert report.issue("negative_amount").share == pytest.approx(1 / 22)
    missing = report.missing["missing"]
    assert missing["region"] == 2 and missing["claimed_amount"] == 1 and missing["claim_id"] == 0
    assert missing["approved_amount"] == 1 and missing["paid_at"] == 1
    as_dict = report.to_dict("en")
    assert as_dict["issues"][0] == {
        "check": "duplicate_claim_id",
        "category": "duplicate",
        "label": "claim id repeated",
        "rows": 2,
        "share": 2 / 22,
        "examples": [2, 2],
    }


def test_paid_is_compared_with_every_decision_together() -> None:
    # reopened: 4,000 approved first, 2,000 more on the supplementary decision, 6,000 paid in all
    reopened = claim(1, approved_amount=Decimal("2000.00"), paid_amount=Decimal("6000.00"))
    frame = frame_of([reopened, claim(2, paid_amount=Decimal("6500.00"))])
    assert DataQuality().fit(frame).report_.issue("paid_over_approved").examples == [1, 2]
    frame["approved_total"] = [Decimal("6000.00"), Decimal("4500.00")]
    assert DataQuality().fit(frame).report_.issue("paid_over_approved").examples == [2]


def test_checks_without_their_columns_are_skipped() -> None:
    report = DataQuality().fit(PLANTED.drop(columns=["id_number", "paid_at"])).report_
    assert report.skipped == ["duplicate_customer_id", "invalid_id_number", "payment_before_decision"]
    with pytest.raises(KeyError):
        report.issue("invalid_id_number")


def test_valid_id_numbers() -> None:
    ids = pd.Series(
        [
            resident_id("11010119900307771"),
            "110101199003077710",
            "11010119900307771",
            None,
            "abc",
            "11010119900230123X",
        ]
    )
    assert valid_id_numbers(ids).tolist() == [True, False, False, False, False, False]


def test_outlier_bounds_by_hand() -> None:
    # 10, 11, 12, 13, 14, 100: median 12.5, |deviations| 2.5 1.5 .5 .5 1.5 87.5, MAD 1.5;
    # bounds 12.5 ± 3.5 × 1.5 / 0.6745 = [4.717, 20.283]
    values = pd.Series([10.0, 11, 12, 13, 14, 100])
    bounds = outlier_bounds(values, log_scale=False).loc[""]
    assert bounds["low"] == pytest.approx(12.5 - 3.5 * 1.5 / 0.6745)
    assert bounds["high"] == pytest.approx(12.5 + 3.5 * 1.5 / 0.6745)
    # Tukey: quartiles (linear) 11.25 and 13.75, IQR 2.5, fences 7.5 and 17.5
    iqr = outlier_bounds(values, method="iqr", log_scale=False).loc[""]
    assert (iqr["low"], iqr["high"]) == (pytest.approx(7.5), pytest.approx(17.5))
    # a constant group has no spread: nothing is an outlier
    flat = outlier_bounds(pd.Series([5.0, 5, 5]), log_scale=False).loc[""]
    assert flat["low"] == -np.inf and flat["high"] == np.inf


def test_outliers_are_judged_within_their_line() -> None:
    auto = [10, 11, 12, 13, 14, 100]
    health = [1000, 1100, 1200, 1300, 1400]
    frame = frame_of(
        [claim(i + 1, claimed_amount=Decimal(a)) for i, a in enumerate(auto)]
        + [claim(i + 10, line="health", claimed_amount=Decimal(a)) for i, a in enumerate(health)]
    )
    by_line = DataQuality(log_scale=False).fit(frame).report_.issue("amount_outlier")
    assert (by_line.rows, by_line.examples) == (1, [6])
    pooled = DataQuality(log_scale=False, group_by=None).fit(frame).report_.issue("amount_outlier")
    assert pooled.rows == 5  # pooled, the health amounts stand out instead


def test_negative_amounts_are_not_also_outliers() -> None:
    frame = frame_of(
        [claim(i + 1, claimed_amount=Decimal(1000 + i)) for i in range(5)]
        + [claim(9, claimed_amount=Decimal("-5"))]
    )
    report = DataQuality().fit(frame).report_
    assert report.issue("negative_amount").rows == 1 and report.issue("amount_outlier").rows == 0


def test_cleaning_steps_record_what_they_did() -> None:
    pipeline = CleaningPipeline()
    cleaned = pipeline.fit_transform(PLANTED)
    log = {r.name: (r.action, r.rows_affected, r.rows_before, r.rows_after) for r in pipeline.log_}
    assert log == {
        "drop_duplicate_claims": ("drop", 1, 22, 21),
        "drop_missing_keys": ("drop", 1, 21, 20),  # claim 21
        "drop_incident_after_report": ("drop", 1, 20, 19),  # claim 10
        "drop_negative_amounts": ("drop", 1, 19, 18),  # claim 15
        "clear_out_of_order_times": ("fix", 2, 18, 18),  # 11 (decision), 12 (payment)
        "fill_blank_categories": ("fix", 2, 18, 18),  # 19, 20
        "flag_duplicate_incidents": ("flag", 2, 18, 18),  # 3, 4
        "flag_amount_outliers": ("flag", 0, 18, 18),
    }
    assert sorted(cleaned["claim_id"]) == [i for i in range(1, 21) if i not in (10, 15)]
    by_id = cleaned.set_index("claim_id")
    assert pd.isna(by_id.loc[11, "decided_at"]) and pd.isna(by_id.loc[12, "paid_at"])
    assert by_id.loc[19, "region"] == "未知" and by_id.loc[20, "region"] == "未知"
    assert by_id.loc[[3, 4], "duplicate_incident"].all() and by_id["duplicate_incident"].sum() == 2
    assert len(PLANTED) == 22 and PLANTED["region"].isna().sum() == 1  # the input is untouched

    report = pipeline.to_dict("zh")
    assert (report["rows_in"], report["rows_out"]) == (22, 18)
    fill = report["steps"][5]
    assert fill["label"] == "空白的地区、渠道记为“未知”"
    assert "region, channel" in fill["reason"]

    again = pipeline.transform(PLANTED)  # repeatable: same output, same log
    pd.testing.assert_frame_equal(again, cleaned)
    assert [r.rows_affected for r in pipeline.log_] == [1, 1, 1, 1, 2, 2, 2, 0]


def test_wrong_columns_are_named() -> None:
    with pytest.raises(ValidationFailed) as err:
        CleaningPipeline().fit_transform(PLANTED.drop(columns=["reported_at"]))
    assert err.value.code == "BAD_FRAME" and "reported_at: missing" in err.value.message
    bad = PLANTED.assign(claimed_amount="lots")
    with pytest.raises(ValidationFailed, match="claimed_amount: is an amount"):
        DataQuality().fit(bad)
