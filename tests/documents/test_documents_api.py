from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api
from claimops.config import Settings
from claimops.documents.models import Document
from claimops.documents.storage import path_for
from factories import PDF, PNG


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def docs(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Document)) or 0


def test_upload_is_stored_by_content_hash_and_ticks_the_checklist(api: Api, settings: Settings) -> None:
    p = api.policy(line="health")
    n = api.report(p["policy_number"])["claim_number"]
    r = api.post(
        "handler",
        f"/claims/{n}/documents",
        data={"doc_type": "medical_records"},
        files={"file": ("病历.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    digest = hashlib.sha256(PDF).hexdigest()
    assert r.json()["sha256"] == digest and r.json()["content_type"] == "application/pdf"
    assert path_for(digest, settings.data_dir).read_bytes() == PDF
    claim = api.ok(api.get("handler", f"/claims/{n}"))
    ticked = {i["doc_type"]: i["received"] for i in claim["checklist"]}
    assert ticked["medical_records"] is True and ticked["discharge_summary"] is False
    assert "medical_records" not in claim["missing_documents"]


@pytest.mark.parametrize(
    ("doc_type", "name", "data", "status", "code"),
    [
        ("photos", "x.exe", b"MZ\x90\x00binary", 415, "UNSUPPORTED_FILE_TYPE"),
        ("photos", "fake.png", b"just text pretending", 415, "UNSUPPORTED_FILE_TYPE"),
        ("photos", "empty.png", b"", 422, "EMPTY_FILE"),
        ("spaceship", "a.png", PNG, 422, "UNKNOWN_DOC_TYPE"),
        ("medical_records", "a.png", PNG, 422, "UNKNOWN_DOC_TYPE"),  # not an auto document
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(
    api: Api, engine: Engine, doc_type: str, name: str, data: bytes, status: int, code: str
) -> None:
    p = api.policy()
    n = api.report(p["policy_number"])["claim_number"]
    before = docs(engine)
    r = api.post(
        "handler", f"/claims/{n}/documents", data={"doc_type": doc_type}, files={"file": (name, data)}
    )
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert docs(engine) == before


def test_oversized_upload_is_413(api: Api, engine: Engine, settings: Settings) -> None:
    p = api.policy()
    n = api.report(p["policy_number"])["claim_number"]
    before = docs(engine)
    big = PNG + b"\x00" * settings.max_upload_bytes
    r = api.post(
        "handler", f"/claims/{n}/documents", data={"doc_type": "photos"}, files={"file": ("big.png", big)}
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "FILE_TOO_LARGE"
    assert docs(engine) == before
