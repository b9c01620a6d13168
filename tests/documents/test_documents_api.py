from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api
from claimops.config import Settings
from claimops.documents.models import Document
from claimops.documents.storage import path_for
from factories import HEIC, OOXML, PDF, PNG, docx, ofd, xlsx, zip_of


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


def upload(api: Api, name: str, data: bytes, doc_type: str = "photos") -> tuple[Any, str]:
    n = api.report(api.policy()["policy_number"])["claim_number"]
    r = api.post(
        "handler", f"/claims/{n}/documents", data={"doc_type": doc_type}, files={"file": (name, data)}
    )
    return r, n


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", HEIC + b"<html><script>alert(1)</script></html>"),  # a HEIC header, not a HEIC name
        ("setup.exe", HEIC + b"MZ\x90\x00"),
        ("photo", PNG),  # no extension
        ("photo.", PNG),
        ("scan.pdf", PNG),  # content and name disagree
        ("photo.png", PDF),
        ("photo.heic", HEIC[:16]),  # an ftyp box longer than the file
        ("photo.heic", b"\x00\x00\x00\x18ftypqt  " + HEIC[12:]),  # a QuickTime movie
        ("report.docx", zip_of({"readme.txt": b"any zip"})),
        ("report.docx", xlsx()),  # a workbook named .docx
        ("report.docx", zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b""})),
        (
            "book.xlsx",
            xlsx(f"{OOXML}.spreadsheetml.sheet.macroEnabled.main+xml", **{"xl/vbaProject.bin": b"x"}),
        ),
        ("book.xlsx", xlsx(**{"xl/vbaProject.bin": b"macros"})),
        ("invoice.ofd", zip_of({"Doc_0/Document.xml": b""})),
        ("archive.zip", zip_of({"a.pdf": PDF})),
        ("report.docx", b"PK\x03\x04 not really a zip"),
        ("report.docx", docx(**{f"junk/{i}": b"" for i in range(10_001)})),  # too many entries
    ],
)
def test_name_and_content_must_agree(api: Api, engine: Engine, name: str, data: bytes) -> None:
    before = docs(engine)
    r, _ = upload(api, name, data)
    assert r.status_code == 415, r.text
    assert r.json()["error"]["code"] == "UNSUPPORTED_FILE_TYPE"
    assert docs(engine) == before


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("IMG_0001.HEIC", HEIC, "image/heic"),
        ("估损单.docx", docx(), f"{OOXML}.wordprocessingml.document"),
        ("清单.xlsx", xlsx(), f"{OOXML}.spreadsheetml.sheet"),
        ("发票.ofd", ofd(), "application/ofd"),
        ("scan.JPG", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg"),
        ("scan.tif", b"II*\x00 tiff", "image/tiff"),
    ],
)
def test_accepted_types_are_stored_with_their_content_type(
    api: Api, name: str, data: bytes, content_type: str
) -> None:
    r, _ = upload(api, name, data)
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == content_type and r.json()["filename"] == name


def test_the_stored_filename_is_the_last_part_without_control_characters(api: Api) -> None:
    n = api.report(api.policy()["policy_number"])["claim_number"]
    # written by hand: an HTTP client would percent-encode the control characters
    body = (
        b'--b\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\nphotos\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="C:\\scans\\a\x00b\x01\x7f.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--b--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    r = api.post("handler", f"/claims/{n}/documents", content=body, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "ab.pdf"
