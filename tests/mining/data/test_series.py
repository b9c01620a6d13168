"""Series frames: claims and payments per Shanghai month by SQL, and complete quarters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.errors import ValidationFailed
from claimops.mining.data.series import monthly_series, to_quarterly
from factories import Walk, at, make_policy, paid_walk


def test_to_quarterly_keeps_complete_quarters_only() -> None:
    idx = pd.period_range("2024-02", "2025-07", freq="M", name="month")
    frame = pd.DataFrame({"claims": np.arange(len(idx)), "paid": np.ones(len(idx))}, index=idx)
    q = to_quarterly(frame)
    assert [str(p) for p in q.index] == ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert q.loc[pd.Period("2024Q2", freq="Q"), "claims"] == 2 + 3 + 4  # Apr, May, Jun
    assert (q["paid"] == 3.0).all()


def _month(frame: pd.DataFrame, label: str, column: str) -> Any:
    period = pd.Period(label, freq="M")
    return frame[column].get(period, 0)


def test_monthly_series_equals_hand_counts(session: Session, settings: Settings) -> None:
    through = "2025-06"
    before = {line: monthly_series(session, line=line, through=through) for line in (None, "health", "auto")}
    span = {"effective_from": "2024-06-01", "effective_to": "2026-06-30"}
    health = make_policy(session, line="health", deductible="0.00", coinsurance_rate="0", **span)
    auto = make_policy(session, line="auto", **span)  # pays (assessed − 500) × 0.9

    # January (Shanghai): A reported and paid 1,000; B reported, rejected.
    paid_walk(Walk(session, settings, health, at(2025, 1, 10), "1000"), "1000")
    Walk(session, settings, auto, at(2025, 1, 20), "3000").do("reject", 1, reason_codes=["NOT_COVERED"])
    # 31 Jan 17:00 UTC is 1 Feb 01:00 in Shanghai: C counts in February, paid 2,000 there.
    paid_walk(Walk(session, settings, health, datetime(2025, 1, 31, 17, tzinfo=UTC), "2000"), "2000")
    # D reported in March; decided 31 Mar 16:00 UTC and paid half an hour later, 1 Apr 00:30 in Shanghai.
    d = Walk(session, settings, auto, datetime(2025, 3, 30, 15, 30, tzinfo=UTC), "5500")
    d.do("accept", 0.5).do("start_review", 0.25).decide(0.25 + 1 / 48, "approved", "5500").pay(1 / 48)
    assert d.t == datetime(2025, 3, 31, 16, 30, tzinfo=UTC)
    # E: reported in April, still open. F: reported in July, after `through`.
    Walk(session, settings, health, at(2025, 4, 2), "800").do("accept", 1)
    Walk(session, settings, health, at(2025, 7, 2), "900")
    session.flush()

    def added(line: str | None, label: str, column: str) -> Any:
        after = monthly_series(session, line=line, through=through)
        return _month(after, label, column) - _month(before[line], label, column)

    expected_all = {
        "2025-01": (2, 1000.0),
        "2025-02": (1, 2000.0),
        "2025-03": (1, 0.0),
        "2025-04": (1, 4500.0),
        "2025-05": (0, 0.0),
        "2025-06": (0, 0.0),
    }
    for label, (count, paid) in expected_all.items():
        assert added(None, label, "claims") == count, label
        assert added(None, label, "paid") == pytest.approx(paid), label
    assert [added("health", m, "claims") for m in expected_all] == [1, 1, 0, 1, 0, 0]
    assert [added("health", m, "paid") for m in expected_all] == [1000.0, 2000.0, 0.0, 0.0, 0.0, 0.0]
    assert [added("auto", m, "claims") for m in expected_all] == [1, 0, 1, 0, 0, 0]
    assert [added("auto", m, "paid") for m in expected_all] == [0.0, 0.0, 0.0, 4500.0, 0.0, 0.0]

    frame = monthly_series(session, through=through)
    assert frame.index.freqstr.startswith("M") and frame.index.name == "month"
    assert str(frame.index[-1]) == "2025-06"  # zero-filled up to `through`
    assert frame["claims"].dtype == np.int64 and frame["paid"].dtype == np.float64
    assert len(frame.index) == frame.index[-1].ordinal - frame.index[0].ordinal + 1  # no gaps
    last3 = monthly_series(session, through=through, months=3)
    assert [str(p) for p in last3.index] == ["2025-04", "2025-05", "2025-06"]
    with pytest.raises(ValidationFailed) as err:
        monthly_series(session, line="marine")
    assert err.value.code == "UNKNOWN_LINE"
    with pytest.raises(ValidationFailed) as err:
        monthly_series(session, through="2025-13")
    assert err.value.code == "BAD_OPTION"
