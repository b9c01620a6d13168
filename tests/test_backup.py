"""`claimops backup` and `claimops restore`: a round trip into a fresh database and data directory gives
the same rows, the same ledger and the same files; a damaged or foreign archive, or a target that
holds data, is refused before anything is written."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner, Result

from claimops.cli import app
from claimops.config import Settings, get_settings
from claimops.db import make_engine
from claimops.documents.storage import path_for
from claimops.migrate import upgrade
from databases import create_pg_database, drop_pg_database
from factories import committed_claims


@pytest.fixture
def target(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A second, freshly migrated database to restore into."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'target.db'}"
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()
    else:
        name, url = create_pg_database()
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()
        drop_pg_database(name)


def run(monkeypatch: pytest.MonkeyPatch, engine: Engine, data_dir: Path, *args: str) -> Result:
    """The CLI with `engine`'s database and `data_dir` configured."""
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CLAIMOPS_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        get_settings.cache_clear()


def snapshot(engine: Engine) -> dict[str, object]:
    """Rows per table and every event's hash: what a restore must give back."""
    with engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        counts = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables}
        hashes = conn.execute(text("SELECT claim_id, seq, hash FROM claim_events ORDER BY id")).all()
        heads = conn.execute(text("SELECT claim_number, ledger_seq, ledger_head FROM claims")).all()
    return {"counts": counts, "hashes": hashes, "heads": sorted(heads)}


@pytest.fixture
def source(empty_engine: Engine, tmp_path: Path) -> tuple[Engine, Path, list[str]]:
    data_dir = tmp_path / "source-data"
    numbers = committed_claims(empty_engine, Settings(data_dir=data_dir), 3, documents=True)
    return empty_engine, data_dir, numbers


def test_backup_and_restore_round_trip(
    source: tuple[Engine, Path, list[str]], target: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, data_dir, numbers = source
    archive = tmp_path / "out" / "claimops.tar.gz"
    made = run(monkeypatch, engine, data_dir, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert "backed up 3 claims, 18 events, 4 stored files" in made.stdout
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["schema_revision"] and manifest["counts"]["claims"] == 3
    assert manifest["counts"]["documents"] == 6 and manifest["missing_files"] == []
    assert {f["path"].split("/")[0] for f in manifest["files"]} == {"files"}

    restored_dir = tmp_path / "restored-data"
    done = run(monkeypatch, target, restored_dir, "restore", str(archive))
    assert done.exit_code == 0, done.output
    assert "ledger intact: 3 claims, 18 events checked" in done.stdout
    assert snapshot(target) == snapshot(engine)
    for f in manifest["files"]:
        assert (restored_dir / f["path"]).read_bytes() == (data_dir / f["path"]).read_bytes()
    with target.connect() as conn:
        for digest in conn.execute(text("SELECT sha256 FROM documents")).scalars():
            assert path_for(digest, restored_dir).is_file()
    verify = run(monkeypatch, target, restored_dir, "audit", "verify")
    assert verify.exit_code == 0 and "ledger intact" in verify.stdout
    # the restored database is a working one: its guards are back and new claims get new ids
    with pytest.raises(DBAPIError, match="append-only"), target.begin() as conn:
        conn.execute(text("DELETE FROM claim_events"))
    committed_claims(target, Settings(data_dir=restored_dir), 1)

    # the target now holds data: a second restore needs --force, and then gives the same again
    again = run(monkeypatch, target, restored_dir, "restore", str(archive))
    assert again.exit_code == 2 and "not empty" in again.stderr and "--force" in again.stderr
    forced = run(monkeypatch, target, restored_dir, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert snapshot(target) == snapshot(engine)  # the claim added since is gone


def _rewrite(archive: Path, out: Path, change: dict[str, bytes | None], extra: dict[str, bytes]) -> None:
    """A copy of the archive with members replaced (None: left out) or added."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            new = change.get(member.name, data)
            if new is None:
                continue
            member.size = len(new)
            dst.addfile(member, io.BytesIO(new))
        for name, data in extra.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_a_damaged_or_foreign_archive_is_refused_before_any_write(
    source: tuple[Engine, Path, list[str]], target: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, data_dir, _ = source
    archive = tmp_path / "good.tar.gz"
    assert run(monkeypatch, engine, data_dir, "backup", str(archive)).exit_code == 0
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    stored = manifest["files"][0]["path"]
    database = manifest["database"]["path"]
    before = snapshot(target)
    cases = {
        "flipped.tar.gz": ({stored: b"%PDF-1.4 not the stored bytes"}, {}, "checksum mismatch"),
        "no-db.tar.gz": ({database: None}, {}, "missing from the backup"),
        "escape.tar.gz": ({}, {"../../evil.sh": b"rm -rf /"}, "unexpected member"),
        "shorter-db.tar.gz": ({database: b"SQLite format 3\x00"}, {}, "checksum mismatch"),
    }
    for name, (change, extra, message) in cases.items():
        bad = tmp_path / name
        _rewrite(archive, bad, change, extra)
        result = run(monkeypatch, target, tmp_path / "restored", "restore", str(bad))
        assert result.exit_code == 2 and message in result.stderr, (name, result.output)
    not_a_backup = tmp_path / "plain.tar.gz"
    not_a_backup.write_bytes(b"not even gzip")
    result = run(monkeypatch, target, tmp_path / "restored", "restore", str(not_a_backup))
    assert result.exit_code == 2 and "cannot be read as a claimops backup" in result.stderr
    assert snapshot(target) == before
    assert not list((tmp_path / "restored").glob("files/*/*"))
