"""Reserving reconciled to Mack (1993) and to the chainladder package (R ChainLadder's defaults)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from claimops.cli import app
from claimops.errors import ValidationFailed
from claimops.mining.reserving import ChainLadder
from claimops.mining.triangle import from_long

DATA = resources.files("chainladder").joinpath("utils/data")


def sample(name: str) -> pd.DataFrame:
    return pd.read_csv(str(DATA.joinpath(f"{name}.csv")))


def triangle(name: str):  # type: ignore[no-untyped-def]
    return from_long(sample(name), origin="origin", development="development", value="values")


@pytest.mark.parametrize(
    ("name", "sigma", "reserve", "se"),
    [
        # Mack (1993), table on the RAA data; log-linear: chainladder / R ChainLadder defaults
        ("raa", "mack", 52135.23, 26909.01),
        ("raa", "log-linear", 52135.23, 26880.74),
        # Taylor/Ashe GenIns
        ("genins", "mack", 18680855.61, 2447094.86),
        ("genins", "log-linear", 18680855.61, 2441364.13),
    ],
)
def test_published_totals(name: str, sigma: str, reserve: float, se: float) -> None:
    m = ChainLadder(sigma).fit(triangle(name))
    assert m.total_ibnr_ == pytest.approx(reserve, rel=1e-6)
    assert m.total_mack_se_ == pytest.approx(se, rel=1e-6)


@pytest.mark.parametrize("sigma", ["mack", "log-linear"])
@pytest.mark.parametrize("name", ["raa", "genins"])
def test_per_origin_figures_equal_the_chainladder_package(name: str, sigma: str) -> None:
    cl = pytest.importorskip("chainladder")
    ref = cl.MackChainladder().fit(
        cl.Development(sigma_interpolation=sigma).fit_transform(cl.load_sample(name))
    )
    m = ChainLadder(sigma).fit(triangle(name))
    table = ref.summary_.to_frame()  # the first origin is fully developed: NaN there
    np.testing.assert_allclose(m.ibnr_[1:], table["IBNR"].to_numpy()[1:], rtol=1e-6)
    np.testing.assert_allclose(m.mack_se_[1:], table["Mack Std Err"].to_numpy()[1:], rtol=1e-6)
    assert m.ibnr_[0] == 0 and m.mack_se_[0] == 0
    assert m.total_mack_se_ == pytest.approx(float(ref.total_mack_std_err_.values.ravel()[0]), rel=1e-6)


def test_incremental_input_and_lags_give_the_same_result() -> None:
    df = sample("raa")
    df["lag"] = df["development"] - df["origin"] + 1
    df = df.sort_values(["origin", "lag"])
    df["incremental"] = df.groupby("origin")["values"].diff().fillna(df["values"])
    a = ChainLadder().fit(
        from_long(df, origin="origin", development="lag", value="incremental", cumulative=False)
    )
    assert a.total_ibnr_ == pytest.approx(52135.2283, rel=1e-8)


def test_bad_triangles_are_named() -> None:
    df = sample("raa")
    with pytest.raises(ValidationFailed, match="missing column"):
        from_long(df, origin="origin", development="dev", value="values")
    gap = df.drop(df[(df.origin == 1983) & (df.development == 1984)].index)
    with pytest.raises(ValidationFailed) as err:
        from_long(gap, origin="origin", development="development", value="values")
    assert err.value.code == "TRIANGLE_GAP"
    inc = df.copy()
    inc.loc[(inc.origin == 1981) & (inc.development == 1985), "values"] = -1.0
    with pytest.raises(ValidationFailed) as err:
        from_long(inc, origin="origin", development="development", value="values", allow_negative=False)
    assert err.value.code == "NEGATIVE_DEVELOPMENT"
    with pytest.raises(ValidationFailed, match="at least 3"):
        from_long(df[df.origin < 1983], origin="origin", development="development", value="values")


def test_cli_prints_json_and_refuses_wrong_columns(tmp_path: Path) -> None:
    f = tmp_path / "raa.csv"
    sample("raa").to_csv(f, index=False)
    res = CliRunner().invoke(
        app,
        [
            "reserve",
            str(f),
            "--origin",
            "origin",
            "--development",
            "development",
            "--value",
            "values",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["total_reserve"] == 52135.23 and out["total_mack_se"] == 26909.01
    assert len(out["origins"]) == 10 and out["origins"][0]["reserve"] == 0.0
    bad = CliRunner().invoke(
        app, ["reserve", str(f), "--origin", "AY", "--development", "development", "--value", "values"]
    )
    assert bad.exit_code == 2 and "missing column(s) AY" in bad.output


@pytest.mark.parametrize("sigma", ["mack", "log-linear"])
def test_clrd_industry_workers_comp_equals_the_chainladder_package(sigma: str) -> None:
    cl = pytest.importorskip("chainladder")
    ref_tri = cl.load_sample("clrd").groupby("LOB").sum().loc["wkcomp"]["CumPaidLoss"]
    ref = cl.MackChainladder().fit(cl.Development(sigma_interpolation=sigma).fit_transform(ref_tri))
    df = pd.read_csv(str(DATA.joinpath("clrd.csv")))
    df = df[
        (df.LOB == "wkcomp") & (df.DevelopmentYear <= 1997)
    ]  # the file holds the square; keep the triangle
    long = df.groupby(["AccidentYear", "DevelopmentYear"], as_index=False)["CumPaidLoss"].sum()
    m = ChainLadder(sigma).fit(
        from_long(long, origin="AccidentYear", development="DevelopmentYear", value="CumPaidLoss")
    )
    assert m.total_ibnr_ == pytest.approx(float(ref.ibnr_.sum()), rel=1e-9)
    assert m.total_mack_se_ == pytest.approx(float(ref.total_mack_std_err_.values.ravel()[0]), rel=1e-9)
