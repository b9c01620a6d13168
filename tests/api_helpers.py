"""Driving the REST API through a claim's lifecycle, shared by API tests."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
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


PAYEE = {
    "method": "bank_transfer",
    "payee": {"name": "张三", "bank": "工商银行", "account": "6222020200112233445"},
}


def page_csrf(client: TestClient, path: str) -> str:
    """The CSRF field of the page at `path` (signed in)."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None, path
    return found[1]


def simultaneous_payments(
    base_url: str, headers: dict[str, str], requests: list[tuple[str, str]]
) -> list[int]:
    """Fire one payment request per (claim number, idempotency key) at the same moment, against a
    live server; their status codes in the same order."""
    barrier = threading.Barrier(len(requests))

    def fire(request: tuple[str, str]) -> int:
        number, key = request
        with httpx.Client(base_url=base_url, timeout=60) as c:
            barrier.wait()
            r = c.post(
                f"/api/v1/claims/{number}/payments", json=PAYEE, headers={**headers, "Idempotency-Key": key}
            )
            return r.status_code

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(fire, requests))


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
        self,
        user: str,
        number: str,
        action: str,
        body: dict[str, Any] | None = None,
        status: int = 200,
        *,
        full: bool = False,
    ) -> Any:
        """The action's light answer (ActionOut), or with `full` the whole claim (?view=full)."""
        path = f"/claims/{number}/{action}" + ("?view=full" if full else "")
        r = self.post(user, path, json=body or {})
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

    def pay(self, number: str, key: str, user: str = "finance", **body: Any) -> Any:
        """Release the claim's payment (the raw response)."""
        return self.post(
            user, f"/claims/{number}/payments", json={**PAYEE, **body}, headers={"Idempotency-Key": key}
        )

    def paid_and_closed(self, amount: str = "8000.00", **policy: Any) -> str:
        """A claim decided at `amount` (no deductible, no coinsurance: approved = assessed), paid, closed."""
        policy = {"deductible": "0.00", "coinsurance_rate": "0", **policy}
        number = self.to_payment_pending(amount=amount, **policy)
        self.ok(self.pay(number, f"first-{number}"), 201)
        assert self.act("handler", number, "close")["status"] == "closed"
        return number


CSRF = re.compile(r'name="csrf" value="([0-9A-Za-z_\-]+)"')


def csrf_in(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF field on the page"
    return found[1]


def web_login(client: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form (with its CSRF field, where the form has one); the client keeps
    the session cookie. `client` is a TestClient or an httpx.Client on a live server."""
    data = {"username": username, "password": password}
    form = CSRF.search(client.get("/login").text)
    if form is not None:
        data["csrf"] = form[1]
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app on a real socket (uvicorn in a thread), so that simultaneous requests really run at
    once; yields its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
