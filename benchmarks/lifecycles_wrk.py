"""Full claim lifecycles per second, driven by wrk (C, epoll) so that the load generator takes little of
the CPU the server and the database need on the same two cores.

Starts `claimops serve --workers 2` on a fresh PostgreSQL database, creates the users and policies,
runs wrk with benchmarks/lifecycles_wrk.lua (each wrk thread walks its one connection through report,
accept, start_review, decide and pay, claim after claim), a short warm-up first, then the timed run.
Reports lifecycles/s, requests/s, p50/p99 latency, errors, and the CPU per lifecycle of wrk, the server
processes and the database's backends (from /proc), then checks in the database that every lifecycle's
events and its payment are there exactly once. Needs the Debian package `wrk` (`make bench-deps`); not
run in CI. Usage:
python benchmarks/lifecycles_wrk.py [--seconds 30] [--connections 16] [--workers 2]
The asyncio + httpx benchmark (benchmarks/api_lifecycles.py) stays as the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from api_lifecycles import bench_server, cpu_snapshot, ok  # noqa: E402

HERE = Path(__file__).parent
POLICIES = 200


def prepare(base: str, path: Path) -> None:
    """Tokens and policies for the Lua script, in its config file."""
    lines = [f"run {uuid.uuid4().hex[:8]}"]
    with httpx.Client(base_url=base, timeout=60) as c:
        tokens = {}
        for user in ("handler", "reviewer", "finance"):
            r = c.post("/api/v1/auth/token", data={"username": user, "password": "bench-pass-1"})
            ok(r)
            tokens[user] = r.json()["access_token"]
            lines.append(f"{user} {tokens[user]}")
        # many policies, so the per-policy limit check does not serialise every payment on one row
        for k in range(POLICIES):
            number = f"BENCH-{uuid.uuid4().hex[:10]}"
            r = c.post(
                "/api/v1/policies",
                headers={"Authorization": f"Bearer {tokens['handler']}"},
                json={
                    "policy_number": number,
                    "line": "auto",
                    "holder": {"name": "测试", "id_number": f"11010119900101{k:04d}", "phone": "13800000000"},
                    "effective_from": "2020-01-01",
                    "effective_to": "2030-12-31",
                    "sum_insured": "100000000.00",
                    "deductible": "0",
                    "coinsurance_rate": "0",
                },
            )
            ok(r)
            lines.append(f"policy {number}")
    path.write_text("\n".join(lines) + "\n")


def run_wrk(base: str, config: Path, first: int, seconds: int, connections: int) -> dict[str, int]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{connections}",  # one connection per thread: each thread's script walks its own claims
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "-s",
            str(HERE / "lifecycles_wrk.lua"),
            base,
            "--",
            str(config),
            str(first),
            str(connections),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    found = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if not found:
        raise RuntimeError(f"no result from wrk:\n{out.stdout}\n{out.stderr}")
    for ln in out.stdout.splitlines():
        if ln.startswith("FIRST_FAILURE"):
            print(ln)
    result: dict[str, int] = json.loads(found[0].removeprefix("RESULT "))
    return result


CHECKS = {
    # every claim's events are numbered 1..n once each
    "event numbering": """
        SELECT count(*) FROM (SELECT claim_id FROM claim_events GROUP BY claim_id
        HAVING count(*) <> max(seq) OR count(DISTINCT seq) <> count(*)) AS x""",
    # no step twice in any lifecycle (none of these claims is reopened)
    "steps once": """
        SELECT count(*) FROM (SELECT claim_id, action FROM claim_events GROUP BY claim_id, action
        HAVING count(*) > 1) AS x""",
    # a paid claim has its five steps (and the release) and exactly one payment of its approved amount
    "paid claims complete": """
        SELECT count(*) FROM claims c WHERE c.status = 'paid' AND (
          (SELECT count(*) FROM claim_events e WHERE e.claim_id = c.id
             AND e.action IN ('report', 'accept', 'start_review', 'decide', 'release', 'pay')) <> 6
          OR (SELECT count(*) FROM payments p WHERE p.claim_id = c.id) <> 1
          OR (SELECT sum(p.amount) FROM payments p WHERE p.claim_id = c.id) <> c.approved_amount
          OR c.paid_amount <> c.approved_amount)""",
    # no payment on a claim that did not reach paid
    "payments only on paid claims": """
        SELECT count(*) FROM payments p JOIN claims c ON c.id = p.claim_id WHERE c.status <> 'paid'""",
}


def check_database(url: str, lifecycles: int, in_flight: int) -> list[str]:
    """What is wrong in the database after the runs (nothing, if the list is empty). wrk stops with up
    to one request per connection in flight: a payment the server completed after wrk stopped
    listening is paid in the database but not counted by wrk."""
    problems = []
    with psycopg.connect(url) as conn:
        paid = conn.execute("SELECT count(*) FROM claims WHERE status = 'paid'").fetchone()
        payments = conn.execute("SELECT count(*) FROM payments").fetchone()
        assert paid is not None and payments is not None
        if paid[0] != payments[0] or not lifecycles <= paid[0] <= lifecycles + in_flight:
            problems.append(f"{lifecycles} lifecycles done, {paid[0]} claims paid, {payments[0]} payments")
        print(
            f"database: {paid[0]} claims paid ({paid[0] - lifecycles} as wrk stopped), {payments[0]} payments"
        )
        for name, sql in CHECKS.items():
            row = conn.execute(sql).fetchone()
            if row is not None and row[0]:
                problems.append(f"{name}: {row[0]} claims wrong")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30, help="the timed run (after a 5 s warm-up)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: make bench-deps")
    with bench_server(args.workers, "claimops_wrk") as srv:
        config = Path(tempfile.mkdtemp()) / "wrk.conf"
        prepare(srv.base, config)
        load = os.getloadavg()
        warm = run_wrk(srv.base, config, 0, 5, args.connections)
        before = cpu_snapshot(srv.pid, srv.dbname)
        wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        timed = run_wrk(srv.base, config, warm["next_index"], args.seconds, args.connections)
        wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        after = cpu_snapshot(srv.pid, srv.dbname)
        done = warm["lifecycles"] + timed["lifecycles"]
        problems = check_database(srv.url.replace("+psycopg", ""), done, 2 * args.connections)
    report(
        args,
        load,
        timed,
        before,
        after,
        wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime,
        problems,
    )


def report(
    args: argparse.Namespace,
    load: tuple[float, float, float],
    r: dict[str, int],
    before: dict[str, float],
    after: dict[str, float],
    wrk_cpu: float,
    problems: list[str],
) -> None:
    seconds = r["duration_us"] / 1e6
    n = max(r["lifecycles"], 1)
    spent = {k: after[k] - before.get(k, 0.0) for k in after}
    database = sum(v for k, v in spent.items() if k.startswith("database:"))
    errors = r["failed_steps"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    per = {k: v / n * 1000 for k, v in (("wrk", wrk_cpu), ("server", spent["server"]), ("db", database))}
    rest = spent["machine"] / n * 1000 - sum(per.values())
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL, "
        f"{args.workers} workers, load average at start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )
    print(
        f"wrk {args.connections} connections, {seconds:.1f} s: {r['lifecycles']} lifecycles "
        f"= {r['lifecycles'] / seconds:.1f} lifecycles/s, {r['requests'] / seconds:.0f} requests/s, "
        f"latency p50 {r['p50_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms, errors {errors}"
    )
    print(
        f"CPU per lifecycle: server {per['server']:.1f} ms, database {per['db']:.1f} ms, "
        f"wrk {per['wrk']:.1f} ms, rest of the machine {rest:.1f} ms "
        f"(cores busy {spent['machine'] / seconds:.2f} of {os.cpu_count()})"
    )
    print("database check: " + ("every lifecycle's events and payment exactly once" if not problems else ""))
    for p in problems:
        print(f"  WRONG: {p}")
    if problems or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
