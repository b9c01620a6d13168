"""What the ledger's hash chain costs the demo loader, and how long `audit verify` takes.

Usage: python benchmarks/ledger_hashing.py [--claims 100000] [--verify]
Builds the claim_events rows of N generated claims twice (SQLite's values), with the chain and with it
stubbed out; the difference is the hashing, scaled to 1M claims by the event count. With --verify it
also seeds a temporary SQLite database and times `verify_ledger` over it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from claimops import bulkload
from claimops.demo import bulk
from claimops.demo.generator import DemoData, generate

END = date(2026, 9, 30)


def build_events(data: DemoData, chain: bool) -> float:
    users = np.r_[np.arange(1, len(bulk.g.STAFF) + 1), 0]
    ids = bulk._Ids(base=dict.fromkeys(bulk.ID_TABLES, 1), users=users)
    heads = np.zeros(len(data.claims["line"]), dtype="U64")
    original = bulk._chain
    if not chain:
        bulk._chain = lambda d, i, s, texts, h: ["0" * 64] * (s.stop - s.start)  # type: ignore[assignment]
    try:
        fmt = bulkload.Format(False, *bulk._day_range(data))
        t0 = time.perf_counter()
        for cols in bulk._events(data, ids, heads):
            dict(cols)["hash"]  # built with the chunk
            [fmt.values(c) for _, c in cols]
        return time.perf_counter() - t0
    finally:
        bulk._chain = original


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--verify", action="store_true")
    args = parser.parse_args()
    data = generate(claims=args.claims, seed=42, end=END)
    events = len(data.events["claim"])
    plain = min(build_events(data, chain=False) for _ in range(2))
    chained = min(build_events(data, chain=True) for _ in range(2))
    cost = chained - plain
    per_million = cost * 1_000_000 / args.claims
    print(
        f"{args.claims:,} claims, {events:,} events: rows built in {plain:.2f} s, {chained:.2f} s chained; "
        f"hashing {cost:.2f} s ({cost / events * 1e6:.2f} µs/event), ~{per_million:.0f} s at 1M claims"
    )
    if args.verify:
        from sqlalchemy.orm import Session

        from claimops.claims.audit import verify_ledger
        from claimops.db import make_engine
        from claimops.migrate import upgrade

        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'ledger.db'}"
            upgrade(url)
            engine = make_engine(url)
            bulk.seed_database(engine, claims=args.claims, seed=42, end=END, data_dir=Path(tmp))
            t0 = time.perf_counter()
            with Session(engine) as s:
                report = verify_ledger(session=s)
            took = time.perf_counter() - t0
            engine.dispose()
        print(
            f"audit verify (SQLite): {report.claims:,} claims, {report.events:,} events in {took:.1f} s "
            f"({report.events / took:,.0f} events/s), intact={report.intact}"
        )


if __name__ == "__main__":
    main()
