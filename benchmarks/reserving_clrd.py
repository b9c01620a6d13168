"""Chain ladder + Mack on every company × line paid triangle of the clrd data set (CumPaidLoss, the
CAS's CumPaidLoss_D), ours versus the chainladder package, in the same run.

Ours loops over the 775 triangles one by one; chainladder fits them all as one 4-D array. Both use
the log-linear sigma (chainladder's default). Times are the best of --repeat runs. The script also
counts the triangles on which both agree to 1e-6 (reserves and Mack S.E. per origin and in total).

Usage: python benchmarks/reserving_clrd.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from collections.abc import Callable
from importlib import resources
from typing import Any

import chainladder as cl
import numpy as np
import pandas as pd

from claimops.mining.data.triangle import Triangle, from_long
from claimops.mining.estimators.reserving import ChainLadder

warnings.filterwarnings("ignore")
COLUMN = "CumPaidLoss"
DATA = resources.files("chainladder").joinpath("utils/data/clrd.csv")


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def long_groups() -> list[tuple[tuple[str, str], pd.DataFrame]]:
    df = pd.read_csv(str(DATA))
    # A few group names cover two NAIC codes; chainladder's index (GRNAME, LOB) sums them, so do we.
    df = df.groupby(["GRNAME", "LOB", "AccidentYear", "DevelopmentYear"], as_index=False)[COLUMN].sum()
    return [(key, g) for key, g in df.groupby(["GRNAME", "LOB"])]


def build(groups: list[tuple[tuple[str, str], pd.DataFrame]]) -> list[Triangle]:
    return [
        from_long(g, origin="AccidentYear", development="DevelopmentYear", value=COLUMN) for _, g in groups
    ]


def fit_ours(triangles: list[Triangle]) -> list[ChainLadder]:
    return [ChainLadder("log-linear").fit(t) for t in triangles]


def fit_theirs(tri: Any) -> Any:
    return cl.MackChainladder().fit(cl.Development(sigma_interpolation="log-linear").fit_transform(tri))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    groups = long_groups()
    t_build, triangles = best(lambda: build(groups), repeat)
    t_ours, models = best(lambda: fit_ours(triangles), repeat)
    t_load, tri = best(lambda: cl.load_sample("clrd")[COLUMN], repeat)
    t_theirs, ref = best(lambda: fit_theirs(tri), repeat)

    # Agreement, matched by (GRNAME, LOB). Where they differ, chainladder reads zero cells as missing
    # (so a row of zeros has no reserve at all), takes log(1e-320) for σ = 0 in the log-linear fit,
    # and fills negative σ² differently; see reserving.py's notes.
    keys = list(zip(tri.index["GRNAME"], tri.index["LOB"], strict=True))
    ours = {key: (t, m) for (key, _), t, m in zip(groups, triangles, models, strict=True)}
    ibnr = np.nan_to_num(ref.ibnr_.values[:, 0, :, -1])
    se = np.nan_to_num(ref.mack_std_err_.values[:, 0, :, -1])
    total = np.nan_to_num(ref.total_mack_std_err_.values.reshape(len(keys), -1)[:, 0])
    agree = clean = clean_agree = 0
    for i, key in enumerate(keys):
        t, m = ours[key]
        same = bool(
            np.allclose(m.ibnr_, ibnr[i], rtol=1e-6, atol=1e-6)
            and np.allclose(m.mack_se_, se[i], rtol=1e-6, atol=1e-6)
            and np.isclose(m.total_mack_se_, total[i], rtol=1e-6, atol=1e-6)
        )
        agree += same
        cells = t.values[~np.isnan(t.values)]
        if (cells > 0).all() and (ChainLadder("mack").fit(t).sigma2_[:-1] > 0).all():
            clean += 1
            clean_agree += same

    python = platform.python_version()
    print(f"machine: {os.cpu_count()} cores, Python {python}, chainladder {cl.__version__}")
    print(f"triangles: {len(triangles)} (companies × lines, {COLUMN}, 10 × 10, log-linear sigma)")
    print(f"claimops   build from long data: {t_build:.3f} s   fit: {t_ours:.3f} s")
    print(f"chainladder load_sample:         {t_load:.3f} s   fit: {t_theirs:.3f} s")
    print(f"fit ratio claimops / chainladder: {t_ours / t_theirs:.2f}")
    print(f"build + fit ratio claimops / chainladder: {(t_build + t_ours) / (t_load + t_theirs):.2f}")
    print(f"agree to 1e-6 (reserves, Mack S.E. per origin and total): {agree} of {len(keys)}")
    print(f"  of which triangles with only positive cells and positive sigmas: {clean_agree} of {clean}")


if __name__ == "__main__":
    main()
