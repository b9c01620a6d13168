"""A lifecycle's cost is mostly its round trips: each API step stays within a fixed number of statements.

Bounds are what the write path needs (see claims/service.py and claims/queries.py), measured on
PostgreSQL, which issues more than SQLite (row and policy locks). Before the rework a lifecycle took 82.
Report and start_review include the risk score's two (the current model, and the customer's prior
claims once a model is current; other tests may leave one current).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from api_helpers import Api
from factories import claim_json

# read: the claim detail also records who read it (access_log). Actions answer the light shape (no
# documents, findings or decision read back for the full view): accept 7 → 5, start_review 11 → 9,
# decide 10 → 7 with it.
BOUNDS = {"report": 13, "accept": 5, "start_review": 9, "decide": 7, "payments": 10, "read": 7}
# The claim listeners write in the same transaction: the claimant's contact (one select) and an outbox
# row per channel on report, decision and payment (one INSERT per row where the rows are not batched);
# the payment adds the survey invitation (a check, the invitation, its notice).
NOTIFY = {"report": 3, "decide": 4, "payments": 7}
BOUNDS = {step: bound + NOTIFY.get(step, 0) for step, bound in BOUNDS.items()}


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's explicit BEGIN IMMEDIATE; psycopg's is implicit
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_each_step_of_a_lifecycle_stays_within_its_statement_budget(
    api: Api, statements: list[str], backend: str
) -> None:
    # SQLite inserts decide's two events one by one; PostgreSQL in one multi-row INSERT ... RETURNING
    bounds = {**BOUNDS, "decide": BOUNDS["decide"] + 1} if backend == "sqlite" else BOUNDS
    p = api.policy()
    per_step: Counter[str] = Counter()

    def step(name: str, response: Any, status: int = 200) -> dict[str, Any]:
        per_step[name] = len(statements)
        statements.clear()
        return api.ok(response, status)

    statements.clear()
    body = claim_json(p["policy_number"], claimed_amount="1200.00")
    number = step("report", api.post("handler", "/claims", json=body), 201)["claim_number"]
    step("accept", api.post("handler", f"/claims/{number}/accept", json={}))
    step("start_review", api.post("reviewer", f"/claims/{number}/start_review", json={}))
    decided = step(
        "decide",
        api.post(
            "reviewer",
            f"/claims/{number}/decide",
            json={
                "outcome": "approved",
                "assessed_loss": "1200.00",
                "payment_method": "bank_transfer",
                "override_missing_documents": True,  # documents are not what this test counts
                "override_reason": "documents follow by post",
            },
        ),
    )
    paid = step(
        "payments",
        api.post(
            "finance",
            f"/claims/{number}/payments",
            json={"method": "bank_transfer", "payee": {"name": "张三"}},
            headers={"Idempotency-Key": f"count-{number}"},
        ),
        201,
    )
    final = step("read", api.get("handler", f"/claims/{number}"))

    # the work was done: every event appended, decided by the reviewer, paid once
    assert decided["status"] == "payment_pending"
    assert [e["action"] for e in decided["new_events"]] == ["decide", "release"]
    assert final["decision"]["decided_by"] == "reviewer"
    assert paid["amount"] == "630.00"  # (1,200 − 500 deductible) × 0.9
    assert paid["claim_status"] == "paid" and paid["amounts"]["paid_amount"] == "630.00"
    assert [e["to_status"] for e in final["events"]] == [
        "reported",
        "accepted",
        "under_review",
        "decided",
        "payment_pending",
        "paid",
    ]
    assert len(final["payments"]) == 1 and final["timing"]["handling_days"] is not None
    over = {name: (n, bounds[name]) for name, n in per_step.items() if n > bounds[name]}
    assert not over, f"statements over budget (used, allowed): {over}"
