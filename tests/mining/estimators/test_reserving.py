"""Chain ladder with Mack standard errors, reconciled to Mack (1993), Taylor/Ashe GenIns and the
chainladder package (R ChainLadder's port), plus the triangle builder's checks."""

from __future__ import annotations

import json
import math
from typing import Any

import chainladder as cl
import numpy as np
import pandas as pd
import pytest

from claimops.errors import ValidationFailed
from claimops.mining.data.triangle import Triangle, from_long
from claimops.mining.estimators.base import NotFittedError
from claimops.mining.estimators.reserving import ChainLadder
from factories import chainladder_sample

pytestmark = pytest.mark.filterwarnings(
    "ignore::FutureWarning", "ignore::DeprecationWarning", "ignore::RuntimeWarning:chainladder.*"
)


def sample(name: str) -> pd.DataFrame:
    return chainladder_sample(name)


def triangle(name: str) -> Triangle:
    return from_long(sample(name), origin="origin", development="development", value="values")


def raa_array() -> np.ndarray:
    return triangle("raa").values


def package_mack(tri: Any, sigma: str) -> Any:
    """The chainladder package's Mack chain ladder, the reference implementation."""
    return cl.MackChainladder().fit(cl.Development(sigma_interpolation=sigma).fit_transform(tri))


def package_figures(ref: Any) -> dict[str, Any]:
    """Per-origin figures of a single-triangle fit; the package leaves fully developed origins NaN."""

    def last(t: Any) -> np.ndarray:
        return np.nan_to_num(t.values[0, 0, :, -1])

    return {
        "ibnr": last(ref.ibnr_),
        "ultimate": last(ref.ultimate_),
        "process": last(ref.process_risk_),
        "parameter": last(ref.parameter_risk_),
        "mack_se": last(ref.mack_std_err_),
        "total_ibnr": float(np.nansum(ref.ibnr_.values)),
        "total_se": float(ref.total_mack_std_err_.values.ravel()[0]),
        "ldf": ref.X_.ldf_.values[0, 0, 0],
        "sigma2": np.nan_to_num(ref.X_.sigma_.values[0, 0, 0] ** 2),  # σ = 0 comes back as NaN
    }


def assert_same_as_package(model: ChainLadder, ref: Any, rtol: float = 1e-9) -> None:
    want = package_figures(ref)
    lags = len(model.ldf_)  # the package pads its factors with a tail of 1
    np.testing.assert_allclose(model.ldf_, want["ldf"][:lags], rtol=rtol)
    np.testing.assert_allclose(model.sigma2_, want["sigma2"][:lags], rtol=rtol)
    np.testing.assert_allclose(model.ultimate_, want["ultimate"], rtol=rtol)
    np.testing.assert_allclose(model.ibnr_, want["ibnr"], rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(model.process_se_, want["process"], rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(model.parameter_se_, want["parameter"], rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(model.mack_se_, want["mack_se"], rtol=rtol, atol=1e-9)
    assert model.total_ibnr_ == pytest.approx(want["total_ibnr"], rel=rtol)
    assert model.total_mack_se_ == pytest.approx(want["total_se"], rel=rtol)


# --- published figures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sigma", "reserve", "se"),
    [
        # Mack (1993) on the RAA data: reserve 52,135.23, S.E. 26,909.01 with his extrapolation;
        # 26,880.74 with the log-linear sigma of R ChainLadder / the chainladder package.
        ("raa", "mack", 52135.23, 26909.01),
        ("raa", "log-linear", 52135.23, 26880.74),
        # Taylor & Ashe (1983) GenIns, as in Mack (1993) and England & Verrall (2002).
        ("genins", "mack", 18680855.61, 2447094.86),
        ("genins", "log-linear", 18680855.61, 2441364.13),
    ],
)
def test_published_totals(name: str, sigma: str, reserve: float, se: float) -> None:
    model = ChainLadder(sigma=sigma).fit(triangle(name))
    assert model.total_ibnr_ == pytest.approx(reserve, rel=1e-6)
    assert model.total_mack_se_ == pytest.approx(se, rel=1e-6)
    assert float(np.sum(model.ibnr_)) == pytest.approx(reserve, rel=1e-6)


def test_raa_per_origin_matches_mack_1993_table() -> None:
    # Mack (1993) / R ChainLadder's MackChainLadder(RAA), published to the unit, 1982 … 1990.
    ibnr = [154, 617, 1636, 2747, 3649, 5435, 10907, 10650, 16339]
    se = [206, 623, 747, 1469, 2002, 2209, 5358, 6333, 24566]
    model = ChainLadder(sigma="mack").fit(triangle("raa"))
    assert model.origins_ == list(range(1981, 1991))
    np.testing.assert_allclose(model.ibnr_[1:], ibnr, atol=0.5)
    np.testing.assert_allclose(model.mack_se_[1:], se, atol=0.5)
    assert model.ibnr_[0] == 0 and model.mack_se_[0] == 0
    assert model.total_ibnr_ == pytest.approx(52135.2283, abs=1e-4)


# --- the chainladder package --------------------------------------------------------------------


@pytest.mark.parametrize("sigma", ["mack", "log-linear"])
@pytest.mark.parametrize("name", ["raa", "genins"])
def test_samples_equal_the_chainladder_package(name: str, sigma: str) -> None:
    model = ChainLadder(sigma=sigma).fit(triangle(name))
    assert_same_as_package(model, package_mack(cl.load_sample(name), sigma))


def clrd_long() -> pd.DataFrame:
    """The CAS loss reserve database as shipped: paid and incurred triangles to 1997, long form."""
    return sample("clrd")


@pytest.mark.parametrize("sigma", ["mack", "log-linear"])
def test_clrd_industry_workers_comp_equals_the_chainladder_package(sigma: str) -> None:
    ref = package_mack(cl.load_sample("clrd").groupby("LOB").sum().loc["wkcomp"]["CumPaidLoss"], sigma)
    df = clrd_long()
    long = df[df.LOB == "wkcomp"].groupby(["AccidentYear", "DevelopmentYear"], as_index=False)["CumPaidLoss"]
    tri = from_long(long.sum(), origin="AccidentYear", development="DevelopmentYear", value="CumPaidLoss")
    assert_same_as_package(ChainLadder(sigma=sigma).fit(tri), ref)


@pytest.mark.parametrize("sigma", ["mack", "log-linear"])
@pytest.mark.parametrize(
    ("company", "lob"),
    [
        ("Allstate Ins Co Grp", "wkcomp"),
        ("State Farm Mut Grp", "ppauto"),
        # Zero paid at some ages (pairs left out of the factors and sigmas, as in the package), and
        # σ²₇ < σ²₆, where Mack's rule takes σ⁴₇/σ²₆ rather than the smaller of the two.
        ("Camico Mut Ins Co", "othliab"),
    ],
)
def test_clrd_company_equals_the_chainladder_package(company: str, lob: str, sigma: str) -> None:
    tri = cl.load_sample("clrd")["CumPaidLoss"]
    position = int(np.flatnonzero((tri.index["GRNAME"] == company) & (tri.index["LOB"] == lob))[0])
    df = clrd_long()
    ours = from_long(
        df[(df.GRNAME == company) & (df.LOB == lob)],
        origin="AccidentYear",
        development="DevelopmentYear",
        value="CumPaidLoss",
    )
    assert ours.values.shape == (10, 10)
    assert_same_as_package(ChainLadder(sigma=sigma).fit(ours), package_mack(tri.iloc[position], sigma))


@pytest.mark.parametrize("sigma", ["mack", "log-linear"])
def test_every_well_posed_clrd_triangle_equals_the_chainladder_package(sigma: str) -> None:
    """All company × line paid triangles with positive cells and positive σ agree (231 of 775).

    On the others the package reads zeros as missing cells and takes log(1e-320) for σ = 0; those
    differences are by design (see ChainLadder's notes).
    """
    tri = cl.load_sample("clrd")["CumPaidLoss"]
    ref = package_mack(tri, sigma)
    ibnr = np.nan_to_num(ref.ibnr_.values[:, 0, :, -1])
    se = np.nan_to_num(ref.mack_std_err_.values[:, 0, :, -1])
    total = ref.total_mack_std_err_.values.reshape(len(tri.index), -1)[:, 0]
    df = clrd_long()
    # A few group names cover two NAIC codes; the package's (GRNAME, LOB) index sums them.
    df = df.groupby(["GRNAME", "LOB", "AccidentYear", "DevelopmentYear"], as_index=False)["CumPaidLoss"].sum()
    groups = dict(list(df.groupby(["GRNAME", "LOB"])))
    checked = 0
    for i, key in enumerate(zip(tri.index["GRNAME"], tri.index["LOB"], strict=True)):
        ours = from_long(
            groups[key], origin="AccidentYear", development="DevelopmentYear", value="CumPaidLoss"
        )
        cells = ours.values[~np.isnan(ours.values)]
        if not (cells > 0).all() or not (ChainLadder("mack").fit(ours).sigma2_[:-1] > 0).all():
            continue
        model = ChainLadder(sigma).fit(ours)
        np.testing.assert_allclose(model.ibnr_, ibnr[i], rtol=1e-9, atol=1e-9, err_msg=str(key))
        np.testing.assert_allclose(model.mack_se_, se[i], rtol=1e-9, atol=1e-9, err_msg=str(key))
        assert model.total_mack_se_ == pytest.approx(total[i], rel=1e-9), key
        checked += 1
    assert checked == 231


def test_quarterly_development_dates_equal_the_chainladder_package() -> None:
    # Annual origins with development as quarter dates ("1995-04"): a 12 × 45 triangle.
    tri = from_long(sample("quarterly"), origin="origin", development="development", value="paid")
    assert tri.values.shape == (12, 45)
    assert tri.latest_index().tolist() == [44 - 4 * i for i in range(12)]
    assert_same_as_package(
        ChainLadder("mack").fit(tri), package_mack(cl.load_sample("quarterly")["paid"], "mack")
    )


# --- the formulas themselves ---------------------------------------------------------------------


def textbook_mack(c: np.ndarray, f: np.ndarray, sigma2: np.ndarray) -> tuple[np.ndarray, float]:
    """Mack (1993) formula (7) and the total-reserve corollary, written as in the paper (square)."""
    n = c.shape[0]
    full = c.copy()
    for k in range(n - 1):
        todo = np.isnan(full[:, k + 1])
        full[todo, k + 1] = full[todo, k] * f[k]
    sums = [np.sum(c[: n - 1 - k, k]) for k in range(n - 1)]
    mse = np.zeros(n)
    for i in range(1, n):
        for k in range(n - 1 - i, n - 1):
            mse[i] += sigma2[k] / f[k] ** 2 * (1 / full[i, k] + 1 / sums[k])
        mse[i] *= full[i, -1] ** 2
    total = float(np.sum(mse))
    for i in range(1, n):
        later = np.sum(full[i + 1 :, -1])
        total += (
            full[i, -1] * later * sum(2 * sigma2[k] / f[k] ** 2 / sums[k] for k in range(n - 1 - i, n - 1))
        )
    return np.sqrt(mse), math.sqrt(total)


@pytest.mark.parametrize("sigma", ["mack", "log-linear"])
@pytest.mark.parametrize("name", ["raa", "genins"])
def test_vectorised_errors_equal_the_paper_formulas(name: str, sigma: str) -> None:
    model = ChainLadder(sigma=sigma).fit(triangle(name))
    se, total = textbook_mack(triangle(name).values, model.ldf_, model.sigma2_)
    np.testing.assert_allclose(model.mack_se_, se, rtol=1e-12)
    assert model.total_mack_se_ == pytest.approx(total, rel=1e-12)
    np.testing.assert_allclose(model.mack_se_**2, model.process_se_**2 + model.parameter_se_**2, rtol=1e-12)


def test_factors_and_mack_sigma_extrapolation_on_raa() -> None:
    c = raa_array()
    model = ChainLadder(sigma="mack").fit(c)
    f0 = np.sum(c[:9, 1]) / np.sum(c[:9, 0])
    assert model.ldf_[0] == pytest.approx(f0, rel=1e-14)
    assert model.ldf_[0] == pytest.approx(2.999359, abs=1e-6)  # Mack (1993), table 1
    assert model.cdf_[0] == pytest.approx(np.prod(model.ldf_), rel=1e-14)
    s = model.sigma2_
    assert s[-1] == pytest.approx(min(s[-2] ** 2 / s[-3], s[-3], s[-2]), rel=1e-14)
    loglin = ChainLadder(sigma="log-linear").fit(c).sigma2_
    np.testing.assert_array_equal(loglin[:-1], s[:-1])
    slope, intercept = np.polyfit(np.arange(8), np.log(np.sqrt(s[:-1])), 1)
    assert loglin[-1] == pytest.approx(np.exp(intercept + 8 * slope) ** 2, rel=1e-12)
    np.testing.assert_allclose(model.ultimate_, model.latest_ * np.append(1.0, model.cdf_[::-1]), rtol=1e-12)


# --- input shapes and encodings --------------------------------------------------------------------


def test_array_frame_and_triangle_inputs_agree() -> None:
    c = raa_array()
    a = ChainLadder().fit(c)
    b = ChainLadder().fit(pd.DataFrame(c, index=range(1981, 1991)))
    t = ChainLadder().fit(triangle("raa"))
    assert a.origins_ == list(range(10)) and b.origins_ == t.origins_ == list(range(1981, 1991))
    assert a.total_mack_se_ == b.total_mack_se_ == t.total_mack_se_


def test_a_trapezoid_with_complete_older_origins_is_not_a_gap() -> None:
    # RAA completed by its own factors, observed to calendar 1993: 1981-1984 fully developed.
    full = ChainLadder().fit(raa_array()).full_triangle_
    rows = [(1981 + i, 1981 + i + k, full[i, k]) for i in range(10) for k in range(10) if i + k <= 12]
    df = pd.DataFrame(rows, columns=["origin", "development", "values"])
    tri = from_long(df, origin="origin", development="development", value="values")
    assert tri.latest_index().tolist() == [9, 9, 9, 9, 8, 7, 6, 5, 4, 3]
    np.testing.assert_array_equal(
        tri.values,
        from_long(
            df.assign(lag=df.development - df.origin), origin="origin", development="lag", value="values"
        ).values,
    )
    model = ChainLadder().fit(tri)
    np.testing.assert_allclose(model.ldf_, ChainLadder().fit(raa_array()).ldf_, rtol=1e-12)
    assert (model.ibnr_[:4] == 0).all() and (model.mack_se_[:4] == 0).all() and (model.ibnr_[4:] > 0).all()


def test_a_row_of_zeros_changes_nothing_else() -> None:
    c = raa_array()
    zero_row = np.full((1, c.shape[1]), np.nan)
    zero_row[0, :3] = 0.0  # nothing paid in three years: no information on development
    base = ChainLadder().fit(c)
    model = ChainLadder().fit(np.vstack([c, zero_row]))
    np.testing.assert_allclose(model.ldf_, base.ldf_, rtol=1e-14)
    np.testing.assert_allclose(model.mack_se_[:-1], base.mack_se_, rtol=1e-12)
    assert model.ibnr_[-1] == 0 and model.mack_se_[-1] == 0
    assert model.total_mack_se_ == pytest.approx(base.total_mack_se_, rel=1e-12)


def test_negative_and_zero_development_stays_finite() -> None:
    # RLI's product liability paid triangle in clrd has negative cumulative values.
    df = clrd_long()
    rli = df[(df.GRNAME == "RLI Ins Co Grp") & (df.LOB == "prodliab")]
    tri = from_long(rli, origin="AccidentYear", development="DevelopmentYear", value="CumPaidLoss")
    assert (tri.values[~np.isnan(tri.values)] < 0).any()
    for sigma in ("mack", "log-linear"):
        model = ChainLadder(sigma=sigma).fit(tri)
        assert np.isfinite(model.mack_se_).all() and math.isfinite(model.total_mack_se_)
        assert (model.sigma2_ >= 0).all()
    zeros = ChainLadder().fit(np.where(np.isnan(raa_array()), np.nan, 0.0))
    assert zeros.total_ibnr_ == 0 and zeros.total_mack_se_ == 0 and (zeros.ldf_ == 1).all()


# --- validation ---------------------------------------------------------------------------------------


def test_fewer_than_three_origins_in_an_array() -> None:
    with pytest.raises(ValidationFailed) as err:
        ChainLadder().fit(raa_array()[:2, :2])
    assert err.value.code == "NOT_ENOUGH_DATA"


# --- estimator behaviour ----------------------------------------------------------------------------


def test_estimator_conventions() -> None:
    model = ChainLadder(sigma="log-linear")
    assert model.get_params() == {"sigma": "log-linear"}
    assert model.set_params(sigma="mack") is model and model.sigma == "mack"
    assert repr(model) == "ChainLadder(sigma='mack')"
    with pytest.raises(NotFittedError):
        model.summary()
    assert model.fit(raa_array()) is model
    bad = ChainLadder(sigma="linear")  # like scikit-learn: checked in fit, not in __init__
    with pytest.raises(ValidationFailed) as err:
        bad.fit(raa_array())
    assert err.value.code == "BAD_OPTION"


def test_summary_and_json() -> None:
    model = ChainLadder().fit(triangle("raa"))
    rows = model.summary()
    assert [r["origin"] for r in rows] == list(range(1981, 1991))
    assert set(rows[0]) == {"origin", "latest", "ultimate", "ibnr", "mack_se", "cv"}
    assert rows[0]["ibnr"] == 0 and rows[0]["cv"] is None
    last = rows[-1]
    assert last["latest"] == 2063 and last["ibnr"] == pytest.approx(16339.44, abs=0.005)
    assert last["cv"] == pytest.approx(last["mack_se"] / last["ibnr"])
    data = json.loads(model.to_json(decimals=2))
    assert data["total_reserve"] == 52135.23 and data["total_mack_se"] == 26909.01
    assert data["origins"][-1] == {
        "origin": 1990,
        "latest": 2063.0,
        "ultimate": 18402.44,
        "reserve": 16339.44,
        "mack_se": 24566.29,
        "cv": 1.5035,
    }
    full = model.to_dict()
    assert full["total_reserve"] == model.total_ibnr_ and len(full["ldf"]) == 9
