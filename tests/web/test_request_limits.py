"""Request bodies over their limit are refused before authentication or parsing, and NUL characters
are refused wherever text comes in (web/limits.py)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from claimops.config import Settings
from claimops.web.limits import MULTIPART_OVERHEAD, RequestLimits
from factories import PNG, claim_json, policy_json

SMALL = {"max_upload_bytes": 4096, "max_body_bytes": 2048}


@pytest.fixture
def small(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    from claimops.app import create_app

    with TestClient(create_app(settings.model_copy(update=SMALL), engine)) as c:
        yield c


def assert_too_large(r: Any) -> None:
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "REQUEST_TOO_LARGE"


def test_a_json_body_over_the_limit_is_413_before_authentication(small: TestClient) -> None:
    body = b'{"description": "' + b"x" * 4000 + b'"}'
    # no token: the size is refused first, without any database work for the login
    assert_too_large(small.post("/api/v1/claims", content=body, headers={"Content-Type": "application/json"}))
    assert_too_large(small.post("/login", data={"username": "x" * 3000, "password": "y"}))


def test_an_upload_over_the_limit_is_413_before_authentication(small: TestClient) -> None:
    big = PNG + b"\x00" * (SMALL["max_upload_bytes"] + MULTIPART_OVERHEAD)
    r = small.post(
        "/api/v1/claims/CL-X/documents", data={"doc_type": "photos"}, files={"file": ("a.png", big)}
    )
    assert_too_large(r)
    r = small.post("/claims/CL-X/documents", data={"doc_type": "photos"}, files={"file": ("a.png", big)})
    assert_too_large(r)


def test_a_body_without_content_length_is_cut_off_at_the_limit(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"description": "'
        for _ in range(10):
            yield b"x" * 1024
        yield b'"}'

    r = small.post("/api/v1/claims", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in r.request.headers
    assert_too_large(r)


async def _run(limits: RequestLimits, path: str, chunk: int) -> tuple[int, int]:
    """Send an endless chunked body to `path`; the status answered and the bytes read."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += chunk
        return {"type": "http.request", "body": b"x" * chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "query_string": b"",
        "headers": [(b"content-type", b"multipart/form-data; boundary=x")],
    }
    await limits(scope, receive, send)
    return sent[0]["status"], pulled


@pytest.mark.parametrize(("path", "limit"), [("/login", 2048), ("/api/v1/claims/CL-1/documents", 4096)])
def test_reading_stops_at_the_limit(settings: Settings, path: str, limit: int) -> None:
    import anyio

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        raise AssertionError("the whole endless body was read")

    limits = RequestLimits(app, settings.model_copy(update=SMALL))
    # a thread of its own: the browser tests' session keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        status, pulled = pool.submit(anyio.run, _run, limits, path, 512).result()
    allowed = limit + (MULTIPART_OVERHEAD if "documents" in path else 0)
    assert status == 413 and allowed < pulled <= allowed + 512


def test_nul_is_refused_in_the_path_the_query_and_every_body(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    h = tokens["handler"]
    policy = client.post("/api/v1/policies", json=policy_json(), headers=h).json()["policy_number"]
    refused = [
        client.get("/api/v1/claims", params={"q": "a\x00"}, headers=h),
        client.get("/api/v1/claims", params={"region": "\x00"}, headers=h),
        client.get("/api/v1/claims/CL%00X", headers=h),
        client.get("/api/v1/policies/P%00", headers=h),
        client.get("/api/v1/reports/summary", params={"period": "2026\x00"}, headers=h),
        client.post("/api/v1/claims", json=claim_json(policy, description="a\x00b"), headers=h),
        client.post(
            "/api/v1/policies", json=policy_json(holder={"name": "\x00", "id_number": "1234"}), headers=h
        ),
        client.post("/api/v1/claims/CL-1/accept", json={"note": "\x00"}, headers=h),
        client.post("/api/v1/auth/token", data={"username": "hand\x00ler", "password": "x"}),
        # the same login as multipart, where the NUL arrives as a raw byte
        client.post("/api/v1/auth/token", files={"username": (None, "a\x00"), "password": (None, "x")}),
        client.post("/login", data={"username": "hand\x00ler", "password": "x"}),
        client.get("/", params={"q": "\x00"}),
        client.get("/dashboard", params={"period": "\x00"}),
    ]
    for r in refused:
        assert r.status_code == 422, (r.request.url, r.text)
        assert r.json()["error"]["code"] == "INVALID_CHARACTER"
    # an escaped backslash followed by "u0000" is text, not a NUL
    r = client.post("/api/v1/claims", json=claim_json(policy, description="C:\\u0000.txt"), headers=h)
    assert r.status_code == 201 and r.json()["description"] == "C:\\u0000.txt"
    listed = client.get("/api/v1/claims", params={"q": policy}, headers=h).json()
    assert listed["total"] == 1  # that one, and nothing of the refused ones
