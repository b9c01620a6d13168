"""A reopened claim's supplementary decision carries the new approved total: the claims frame takes it,
not the sum of the claim's decisions."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api_helpers import Api
from claimops.claims.models import Claim
from claimops.mining.data.loader import load_claims


def test_approved_total_after_a_reopening_is_the_latest_decisions(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    api = Api(client, tokens)
    n = api.paid_and_closed("8000.00")
    assert api.act("reviewer", n, "reopen", {"note": "客户补充新证据"})["status"] == "under_review"
    decided = api.act(
        "reviewer2", n, "decide", {"outcome": "approved", "assessed_loss": "9500.00", "note": "追加定损"}
    )
    assert decided["amounts"]["payable"] == "1500.00"
    api.act("approver", n, "approve")
    api.ok(api.pay(n, f"second-{n}", amount="1500.00"), 201)
    with engine.connect() as conn:
        claim_id = conn.scalar(select(Claim.id).where(Claim.claim_number == n))
        frame = load_claims(conn)
    row = frame.loc[frame["claim_id"] == claim_id].iloc[0]
    # two decisions (8,000 then 9,500 in total): the total is 9,500, not 17,500; paid 8,000 + 1,500
    assert row["decisions_count"] == 2
    assert row["approved_total"] == Decimal("9500.00") and row["payments_total"] == Decimal("9500.00")
