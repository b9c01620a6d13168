"""Full claim lifecycles per second through the HTTP API (report, accept, review, decide, pay).

Starts `claimops serve --workers 2` on a fresh PostgreSQL database and drives it from this process with
asyncio + httpx. Usage: python benchmarks/api_lifecycles.py [--claims 2000] [--concurrency 32]
Target (issue 2): at least 200 lifecycles/s on PostgreSQL with 2 workers on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta

import httpx
import psycopg

POLICIES = 200
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def lifecycle(c: httpx.AsyncClient, h: dict[str, dict[str, str]], policy: str, i: int) -> None:
    # one claim per policy and incident day: same-day claims are duplicates that need an approver
    day = (date.today() - timedelta(days=1 + (i // POLICIES) % 3000)).isoformat()
    r = await c.post(
        "/api/v1/claims",
        headers=h["handler"],
        json={
            "policy_number": policy,
            "incident_date": day,
            "description": "bench",
            "claimed_amount": "1200.00",
        },
    )
    r.raise_for_status()
    n = r.json()["claim_number"]
    for user, action, body in [
        ("handler", "accept", {}),
        ("reviewer", "start_review", {}),
        (
            "reviewer",
            "decide",
            {"outcome": "approved", "assessed_loss": "1200.00", "payment_method": "bank_transfer"},
        ),
    ]:
        (await c.post(f"/api/v1/claims/{n}/{action}", headers=h[user], json=body)).raise_for_status()
    r = await c.post(
        f"/api/v1/claims/{n}/payments",
        headers={**h["finance"], "Idempotency-Key": f"b-{n}"},
        json={"method": "bank_transfer", "payee": {"name": "bench"}},
    )
    r.raise_for_status()


async def drive(base: str, claims: int, concurrency: int) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as c:
        h = {}
        for user in ("handler", "reviewer", "finance"):
            r = await c.post("/api/v1/auth/token", data={"username": user, "password": "bench-pass-1"})
            r.raise_for_status()
            h[user] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        # many policies, so the per-policy limit check does not serialise every payment on one row
        policies = []
        for k in range(POLICIES):
            number = f"BENCH-{uuid.uuid4().hex[:10]}"
            r = await c.post(
                "/api/v1/policies",
                headers=h["handler"],
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
            r.raise_for_status()
            policies.append(number)
        await asyncio.gather(
            *(lifecycle(c, h, policies[i % POLICIES], claims + i) for i in range(POLICIES))
        )  # warm-up
        sem = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with sem:
                await lifecycle(c, h, policies[i % POLICIES], i)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(claims)))
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    name = f"claimops_bench_{os.getpid()}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    env = {
        **os.environ,
        "CLAIMOPS_DATABASE_URL": url,
        "CLAIMOPS_DATA_DIR": tempfile.mkdtemp(),
        "CLAIMOPS_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
    }
    exe = [sys.executable, "-m", "claimops.cli"]
    server = None
    try:
        subprocess.run([*exe, "db", "upgrade"], env=env, check=True, capture_output=True)
        for user, role in [("handler", "handler"), ("reviewer", "reviewer"), ("finance", "finance")]:
            subprocess.run(
                [*exe, "users", "create", user, "--role", role, "--password", "bench-pass-1"],
                env=env,
                check=True,
                capture_output=True,
            )
        port = free_port()
        server = subprocess.Popen(
            [*exe, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{base}/api/v1/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        elapsed = asyncio.run(drive(base, args.claims, args.concurrency))
        rate = args.claims / elapsed
        print(
            f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL, "
            f"{args.workers} workers"
        )
        print(
            f"{args.claims} lifecycles (5 requests each) in {elapsed:.2f} s: {rate:.1f} lifecycles/s, "
            f"{rate * 5:.0f} requests/s (concurrency {args.concurrency})"
        )
    finally:
        if server:
            server.terminate()
            server.wait()
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
