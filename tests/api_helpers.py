"""Driving the REST API through a claim's lifecycle, shared by API tests."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from factories import PASSWORD, PDF, PNG, claim_json, policy_json


def page_login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the login form as a browser does: fetch it (its CSRF cookie and token), post it."""
    form = client.get("/login")
    found = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert found is not None, form.text
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": found[1]},
        follow_redirects=False,
    )


class Api:
    def __init__(self, client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
        self.c = client
        self.tokens = tokens

    def post(self, user: str, path: str, **kw: Any) -> Any:
        return self.c.post(f"/api/v1{path}", headers={**self.tokens[user], **kw.pop("headers", {})}, **kw)

    def get(self, user: str, path: str, **kw: Any) -> Any:
        return self.c.get(f"/api/v1{path}", headers=self.tokens[user], **kw)

    def ok(self, r: Any, status: int = 200) -> dict[str, Any]:
        assert r.status_code == status, r.text
        body: dict[str, Any] = r.json()
        return body

    def policy(self, **overrides: Any) -> dict[str, Any]:
        return self.ok(self.post("handler", "/policies", json=policy_json(**overrides)), 201)

    def report(self, policy_number: str, **overrides: Any) -> dict[str, Any]:
        return self.ok(self.post("handler", "/claims", json=claim_json(policy_number, **overrides)), 201)

    def act(
        self, user: str, number: str, action: str, body: dict[str, Any] | None = None, status: int = 200
    ) -> Any:
        r = self.post(user, f"/claims/{number}/{action}", json=body or {})
        return self.ok(r, status) if status < 400 else r

    def upload_all(self, number: str) -> None:
        detail = self.ok(self.get("handler", f"/claims/{number}"))
        for item in detail["checklist"]:
            if item["required"]:
                files = {
                    "file": (
                        "doc.pdf" if item["doc_type"] != "photos" else "p.png",
                        PDF if item["doc_type"] != "photos" else PNG,
                    )
                }
                self.ok(
                    self.post(
                        "handler",
                        f"/claims/{number}/documents",
                        data={"doc_type": item["doc_type"]},
                        files=files,
                    ),
                    201,
                )

    def to_payment_pending(self, amount: str = "8500.00", assessed: str | None = None, **policy: Any) -> str:
        p = self.policy(**policy)
        number = self.report(p["policy_number"], claimed_amount=amount)["claim_number"]
        self.act("handler", number, "accept")
        self.upload_all(number)
        self.act("reviewer", number, "start_review")
        claim = self.act(
            "reviewer",
            number,
            "decide",
            {"outcome": "approved", "assessed_loss": assessed or amount, "payment_method": "bank_transfer"},
        )
        assert claim["status"] == "payment_pending", claim
        return number
