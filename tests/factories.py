"""Test data builders, in one place."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

PASSWORD = "s3cret-pass"
# username, role, authority limit
STAFF: list[tuple[str, str, Decimal | None]] = [
    ("handler", "handler", Decimal("10000")),
    ("reviewer", "reviewer", Decimal("50000")),
    ("reviewer2", "reviewer", Decimal("50000")),
    ("approver", "approver", Decimal("1000000")),
    ("finance", "finance", None),
    ("manager", "manager", None),
    ("admin", "admin", None),
    ("auditor", "auditor", None),
]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def policy_number() -> str:
    return f"P-{uuid.uuid4().hex[:12].upper()}"


def policy_json(**overrides: Any) -> dict[str, Any]:
    today = date.today()
    body: dict[str, Any] = {
        "policy_number": policy_number(),
        "line": "auto",
        "holder": {
            "name": "张三",
            "id_number": "110101199003077719",
            "phone": "13812345678",
            "region": "北京",
        },
        "effective_from": (today - timedelta(days=200)).isoformat(),
        "effective_to": (today + timedelta(days=165)).isoformat(),
        "sum_insured": "100000.00",
        "deductible": "500.00",
        "coinsurance_rate": "0.10",
    }
    body.update(overrides)
    return body


def claim_json(policy_number: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "policy_number": policy_number,
        "incident_date": (date.today() - timedelta(days=3)).isoformat(),
        "description": "追尾事故，后保险杠受损",
        "claimed_amount": "8500.00",
    }
    body.update(overrides)
    return body
