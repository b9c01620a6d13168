"""Forecasting use cases: every line's series fitted and shaped for JSON; too little data named."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.errors import ValidationFailed
from claimops.mining.data.series import monthly_series
from claimops.mining.service.forecasting import forecast_lines
from factories import monthly_auto_claims

ADDITIVE = ["ETS(A,N,A)", "ETS(A,A,A)", "ETS(A,Ad,A)"]


def test_forecast_lines_on_a_database(staffed_engine: Engine, settings: Settings) -> None:
    with unit_of_work(staffed_engine) as session:  # a database of its own: every claim in it counts
        counts = monthly_auto_claims(session, settings)
    with unit_of_work(staffed_engine) as session:
        frame = monthly_series(session, line="auto")
        assert dict(zip([str(p) for p in frame.index], frame["claims"].tolist(), strict=True)) == counts
        assert frame.loc[pd.Period("2023-02", freq="M"), "paid"] == pytest.approx(float((1700 - 500) * 0.9))
        result = forecast_lines(session, line="auto", horizon=2, through="2025-08", candidates=ADDITIVE)
        assert [(s["line"], s["target"]) for s in result["series"]] == [("auto", "claims"), ("auto", "paid")]
        assert result["through"] == "2025-08"
        with pytest.raises(ValidationFailed) as err:
            forecast_lines(session, line="health", through="2025-08")
        assert err.value.code == "NOT_ENOUGH_DATA"
