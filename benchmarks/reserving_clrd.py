"""Chain-ladder + Mack on every company × line triangle of the clrd data set (CumPaidLoss), ours versus
the chainladder package, in the same run. Usage: python benchmarks/reserving_clrd.py"""

from __future__ import annotations

import time
import warnings
from importlib import resources

import chainladder as cl
import pandas as pd

from claimops.errors import ValidationFailed
from claimops.mining.reserving import ChainLadder
from claimops.mining.triangle import from_long

warnings.filterwarnings("ignore")


def main() -> None:
    df = pd.read_csv(str(resources.files("chainladder").joinpath("utils/data/clrd.csv")))
    df = df[df.DevelopmentYear <= 1997]
    groups = list(df.groupby(["GRNAME", "LOB"]))
    t0 = time.perf_counter()
    fitted = skipped = 0
    for _, g in groups:
        try:
            ChainLadder("log-linear").fit(
                from_long(g, origin="AccidentYear", development="DevelopmentYear", value="CumPaidLoss")
            )
            fitted += 1
        except (ValidationFailed, ValueError, ZeroDivisionError, FloatingPointError):
            skipped += 1
    ours = time.perf_counter() - t0
    tri = cl.load_sample("clrd")["CumPaidLoss"]
    t0 = time.perf_counter()
    cl.MackChainladder().fit(cl.Development().fit_transform(tri))
    theirs = time.perf_counter() - t0
    print(f"triangles: {len(groups)} (ours fitted {fitted}, skipped {skipped} degenerate ones)")
    print(
        f"claimops: {ours:.3f} s   chainladder: {theirs:.3f} s   ratio ours/chainladder: {ours / theirs:.2f}"
    )


if __name__ == "__main__":
    main()
