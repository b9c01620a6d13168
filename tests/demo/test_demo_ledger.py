"""Seeded data holds the promises live data does: every document row's file exists in the store, and
the ledger verifies."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from claimops import bulkload
from claimops.claims.audit import verify_ledger
from claimops.claims.models import ClaimEvent
from claimops.demo import bulk
from claimops.demo.bulk import seed_database
from claimops.documents import storage
from claimops.documents.models import Document

END = date(2026, 9, 30)


def test_every_seeded_document_points_at_a_stored_file(empty_engine: Engine, tmp_path: Path) -> None:
    seed_database(empty_engine, claims=300, seed=7, end=END, data_dir=tmp_path)
    with Session(empty_engine) as s:
        n = s.scalar(select(func.count(Document.id)))
        kinds = s.execute(
            select(Document.sha256, Document.size, Document.content_type, Document.filename).distinct()
        ).all()
    assert n and n > 300 and len(kinds) > 5
    for digest, size, content_type, filename in kinds:
        path = storage.path_for(digest, tmp_path)
        assert path.is_file(), f"{filename}: no stored file"
        content = path.read_bytes()
        assert hashlib.sha256(content).hexdigest() == digest and len(content) == size
        # a real file of the type the row says, as an upload of it would be taken
        assert storage.classify(filename, content) == content_type


def test_the_seeded_ledger_verifies(
    empty_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 70)  # claims' heads from several chunks
    monkeypatch.setattr(bulkload, "COPY_ROWS", 100)
    report = seed_database(empty_engine, claims=400, seed=3, end=END, data_dir=tmp_path)
    with Session(empty_engine) as s:
        ledger = verify_ledger(session=s)
        hashes = s.scalar(select(func.count(func.distinct(ClaimEvent.hash))))
    assert ledger.intact, [str(p) for p in ledger.problems[:5]]
    assert (ledger.claims, ledger.events, hashes) == (400, report.events, report.events)
