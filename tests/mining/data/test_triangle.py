"""Loss triangles from long data: development encodings, incremental input, and every refusal named."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from claimops.errors import ValidationFailed
from claimops.mining.data.triangle import Triangle, from_long
from claimops.mining.estimators.reserving import ChainLadder
from factories import chainladder_sample, raa_long


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda df: df.assign(dev=df["lag"]), id="lag-from-1"),
        pytest.param(lambda df: df.assign(dev=df["lag"] - 1), id="lag-from-0"),
        pytest.param(lambda df: df.assign(dev=df["lag"] * 12), id="months-12-24"),
        pytest.param(lambda df: df.assign(dev=df["development"].astype(str) + "-12-31"), id="year-end-dates"),
        pytest.param(
            lambda df: df.assign(
                dev=pd.to_datetime(df["development"].astype(str) + "-06-30"),
                origin=pd.to_datetime(df["origin"].astype(str) + "-01-01"),
            ),
            id="datetime-columns",
        ),
        pytest.param(
            lambda df: df.assign(dev=df["development"], origin=df["origin"].astype(str) + "-01-01"),
            id="dated-origins-calendar-years",
        ),
        pytest.param(
            lambda df: df.assign(dev=df["development"]).sample(frac=1.0, random_state=7), id="shuffled"
        ),
    ],
)
def test_development_encodings_give_the_raa_triangle(encode: Any) -> None:
    tri = from_long(encode(raa_long()), origin="origin", development="dev", value="values")
    np.testing.assert_array_equal(tri.values, raa_array())
    assert len(tri.origins) == 10


def test_incremental_input_is_cumulated() -> None:
    df = raa_long()
    df["incremental"] = df.groupby("origin")["values"].diff().fillna(df["values"])
    tri = from_long(df, origin="origin", development="lag", value="incremental", cumulative=False)
    np.testing.assert_allclose(tri.values, raa_array())
    assert ChainLadder().fit(tri).total_ibnr_ == pytest.approx(52135.2283, rel=1e-8)


def raa_array() -> np.ndarray:
    return build(chainladder_sample("raa")).values


def build(df: pd.DataFrame, **options: Any) -> Triangle:
    return from_long(df, origin="origin", development="development", value="values", **options)


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValidationFailed) as err:
        from_long(chainladder_sample("raa"), origin="AY", development="development", value="paid")
    assert err.value.code == "MISSING_COLUMNS"
    assert "'AY'" in err.value.message and "'paid'" in err.value.message
    assert "'origin'" in err.value.message  # what the data does have


@pytest.mark.parametrize(("bad", "said"), [("12a", "is not a number ('12a')"), (None, "is empty")])
def test_non_numeric_values_name_the_row(bad: Any, said: str) -> None:
    df = raa_long().astype({"values": object})
    df.loc[4, "values"] = bad
    with pytest.raises(ValidationFailed) as err:
        build(df)
    assert err.value.code == "NOT_A_NUMBER"
    assert err.value.message == f"data row 5: 'values' {said}"


def test_duplicate_cells_are_refused() -> None:
    df = raa_long()
    df = pd.concat([df, df.iloc[[3]]])
    with pytest.raises(ValidationFailed) as err:
        build(df)
    assert err.value.code == "DUPLICATE_CELL"
    assert "origin 1981, development 1984" in err.value.message


@pytest.mark.parametrize(
    ("origin", "development", "lag"),
    [(1983, 1985, 3), (1985, 1990, 6), (1982, 1990, 9)],  # inside a row; on the latest diagonal
)
def test_a_missing_cell_before_the_diagonal_is_a_gap(origin: int, development: int, lag: int) -> None:
    df = raa_long()
    gap = df[~((df.origin == origin) & (df.development == development))]
    with pytest.raises(ValidationFailed) as err:
        build(gap)
    assert err.value.code == "TRIANGLE_GAP"
    assert f"origin {origin} has no value at development lag {lag}" in err.value.message
    with pytest.raises(ValidationFailed) as err:  # the same with lags instead of calendar years
        from_long(gap, origin="origin", development="lag", value="values")
    assert err.value.code == "TRIANGLE_GAP"


def test_negative_increments_are_allowed_unless_refused() -> None:
    df = raa_long()  # RAA 1982 develops by -103 at lag 7
    assert build(df).values[1, 6] - build(df).values[1, 5] == -103
    with pytest.raises(ValidationFailed) as err:
        build(df, allow_negative=False)
    assert err.value.code == "NEGATIVE_DEVELOPMENT"
    assert err.value.message == "origin 1982: incremental development -103 at lag 7 is negative"
    df["incremental"] = df.groupby("origin")["values"].diff().fillna(df["values"])
    df.loc[(df.origin == 1990), "incremental"] = -5.0  # a first period that is already a recovery
    tri = from_long(df, origin="origin", development="lag", value="incremental", cumulative=False)
    assert tri.values[9, 0] == -5.0
    with pytest.raises(ValidationFailed, match="origin 1982"):
        from_long(
            df,
            origin="origin",
            development="lag",
            value="incremental",
            cumulative=False,
            allow_negative=False,
        )
    df.loc[(df.origin == 1982) & (df.lag == 7), "incremental"] = 0.0
    with pytest.raises(ValidationFailed, match="origin 1990: incremental development -5 at lag 1"):
        from_long(
            df,
            origin="origin",
            development="lag",
            value="incremental",
            cumulative=False,
            allow_negative=False,
        )


def test_fewer_than_three_origins() -> None:
    with pytest.raises(ValidationFailed) as err:
        build(raa_long().query("origin < 1983"))
    assert err.value.code == "NOT_ENOUGH_DATA" and "at least 3" in err.value.message


def test_bad_periods() -> None:
    df = raa_long().astype({"development": object})
    df.loc[2, "development"] = "soon"
    with pytest.raises(ValidationFailed, match="'soon' is not a lag, year or date"):
        build(df)
    dated = raa_long().assign(development=lambda d: (d["development"] - 2).astype(str) + "-12-31")
    with pytest.raises(ValidationFailed, match="before origin"):
        build(dated)
