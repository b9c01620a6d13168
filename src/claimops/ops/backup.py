"""Backup and restore of the database and the stored documents, as one .tar.gz with a manifest.

SQLite is copied with the sqlite3 online backup API (a consistent copy while the app runs).
PostgreSQL is dumped by pg_dump (plain SQL) inside a REPEATABLE READ snapshot that the manifest's
counts are taken from too, and restored by psql in one transaction. DATA_DIR/files, the documents'
content-addressed store, goes into the same archive. Every member's SHA-256 is in the manifest and
is checked before anything in the target is touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.orm import Session

from claimops.claims.audit import LedgerReport, ledger_digest, verify_ledger
from claimops.clock import as_utc
from claimops.errors import ClaimopsError

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20
_DIGEST = re.compile(r"[0-9a-f]{64}")


class BackupError(ClaimopsError):
    code = "BACKUP_FAILED"


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    ledger: LedgerReport


# --- backup ---------------------------------------------------------------------------------------


def backup(*, engine: Engine, data_dir: Path, out: Path, now: datetime) -> dict[str, Any]:
    """Write the archive to `out` (atomically: a temporary file renamed at the end); the manifest."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".claimops-backup-") as tmp:
        work = Path(tmp)
        if engine.dialect.name == "sqlite":
            db_member, db_path, facts = _dump_sqlite(engine, work)
        elif engine.dialect.name == "postgresql":
            db_member, db_path, facts = _dump_postgres(engine, work)
        else:
            raise BackupError(f"backups cover SQLite and PostgreSQL, not {engine.dialect.name}")
        files = _stored_files(data_dir)
        documents = facts.pop("documents_sha256")
        present = {PurePosixPath(f["path"]).name for f in files if f["path"].startswith("files/")}
        manifest = {
            "format": FORMAT,
            "created_at": as_utc(now).isoformat(),
            "dialect": engine.dialect.name,
            **facts,
            "missing_files": sorted(set(documents) - present),
            "database": {"path": db_member, **_checksum(db_path)},
            "files": files,
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
            tar.add(db_path, arcname=db_member, recursive=False)
            for f in files:
                tar.add(data_dir / f["path"], arcname=f["path"], recursive=False)
        os.replace(partial, out)
    return manifest


def _facts(session: Session) -> dict[str, Any]:
    """Schema revision, rows per table, the ledger's digest and the documents' files, from one
    snapshot."""
    conn = session.connection()
    tables = sorted(inspect(conn).get_table_names())
    counts = {t: int(conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()) for t in tables}
    revision = ",".join(sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()))
    digests = list(conn.execute(text("SELECT DISTINCT sha256 FROM documents")).scalars())
    return {
        "schema_revision": revision,
        "counts": counts,
        "ledger": {"claims": counts.get("claims", 0), "digest": ledger_digest(session)},
        "documents_sha256": digests,
    }


def _dump_sqlite(engine: Engine, work: Path) -> tuple[str, Path, dict[str, Any]]:
    copy = work / "claimops.db"
    source = sqlite3.connect(_sqlite_path(engine))
    try:
        target = sqlite3.connect(copy)
        with target:
            source.backup(target)
        target.close()
    finally:
        source.close()
    reader = create_engine(f"sqlite:///file:{copy}?mode=ro&uri=true")
    try:
        with Session(reader) as session:
            facts = _facts(session)
    finally:
        reader.dispose()
    return "database/claimops.db", copy, facts


def _dump_postgres(engine: Engine, work: Path) -> tuple[str, Path, dict[str, Any]]:
    dump = work / "claimops.sql"
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        _check_client(conn, "pg_dump")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        with Session(bind=conn) as session:
            facts = _facts(session)
        url, env = _libpq(engine)
        _run(
            [
                "pg_dump",
                "--format=plain",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                f"--dbname={url}",
            ],
            env,
        )
        conn.rollback()
    return "database/claimops.sql", dump, facts


def _stored_files(data_dir: Path) -> list[dict[str, Any]]:
    """The documents' store (DATA_DIR/files/ab/abcd…) and the trained models (DATA_DIR/models):
    each file's path in the archive, checksum and size."""
    found = [
        p
        for p in sorted((data_dir / "files").glob("*/*"))
        if _DIGEST.fullmatch(p.name) and p.parent.name == p.name[:2]
    ]
    found += [p for p in sorted((data_dir / "models").glob("*")) if not p.name.startswith(".")]
    return [
        {"path": p.relative_to(data_dir).as_posix(), **_checksum(p)}
        for p in found
        if p.is_file() and not p.is_symlink()
    ]


def _checksum(path: Path) -> dict[str, Any]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
            size += len(block)
    return {"sha256": h.hexdigest(), "size": size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


# --- restore --------------------------------------------------------------------------------------


def restore(*, engine: Engine, data_dir: Path, archive: Path, force: bool = False) -> RestoreResult:
    """Check the archive, then replace the database's contents and add the stored files; the ledger
    is verified afterwards. A target holding data is refused unless `force`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".claimops-restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(archive, work)
        if manifest["dialect"] != engine.dialect.name:
            raise BackupError(
                f"the backup is of a {manifest['dialect']} database; the target is {engine.dialect.name}"
            )
        if not force:
            held = _held(engine, data_dir)
            if held:
                raise BackupError(
                    f"the target is not empty ({held}); restore replaces it only with --force",
                    code="TARGET_NOT_EMPTY",
                )
        database = work / manifest["database"]["path"]
        if engine.dialect.name == "sqlite":
            _load_sqlite(engine, database)
        else:
            _load_postgres(engine, database)
        for f in manifest["files"]:
            target = data_dir / f["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(work / f["path"], target)
    with Session(engine) as session:
        facts = _facts(session)
        report = verify_ledger(session=session)
    if facts["counts"] != manifest["counts"]:
        raise BackupError(
            f"restored row counts {facts['counts']} differ from the backup's {manifest['counts']}"
        )
    if facts["ledger"] != manifest["ledger"]:
        raise BackupError("the restored ledger's digest differs from the backup's")
    return RestoreResult(manifest=manifest, ledger=report)


def _unpack(archive: Path, work: Path) -> dict[str, Any]:
    """The manifest, with every member it lists written under `work` and its checksum checked; any
    member it does not list, or one that is not a plain file, is refused."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(f"{archive} is not a claimops backup (no manifest first)")
            manifest = json.loads(_read(tar, first))
            if manifest.get("format") != FORMAT:
                raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
            wanted = {manifest["database"]["path"]: manifest["database"]} | {
                f["path"]: f for f in manifest["files"]
            }
            for name, entry in wanted.items():
                if not _safe_member(name, entry):
                    raise BackupError(f"the manifest lists a file it may not: {name}")
            seen: set[str] = set()
            while (member := tar.next()) is not None:
                entry = wanted.get(member.name)
                if entry is None or not member.isfile() or member.name in seen:
                    raise BackupError(f"unexpected member in the backup: {member.name}")
                seen.add(member.name)
                got = _extract(tar, member, work / member.name)
                if got != {"sha256": entry["sha256"], "size": entry["size"]}:
                    raise BackupError(f"checksum mismatch: {member.name} is damaged")
            if seen != set(wanted):
                raise BackupError(f"members missing from the backup: {sorted(set(wanted) - seen)[:5]}")
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise BackupError(f"{archive} cannot be read as a claimops backup: {exc}") from exc
    return dict(manifest)


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    fh = tar.extractfile(member)
    if fh is None:
        raise BackupError(f"cannot read {member.name}")
    return fh.read()


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> dict[str, Any]:
    fh = tar.extractfile(member)
    if fh is None:
        raise BackupError(f"cannot read {member.name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    h, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while block := fh.read(CHUNK):
            h.update(block)
            size += len(block)
            out.write(block)
    return {"sha256": h.hexdigest(), "size": size}


def _safe_member(name: str, entry: dict[str, Any]) -> bool:
    """database/<file>, models/<file>, or files/ab/<sha256> whose checksum is its name."""
    p = PurePosixPath(name)
    if p.is_absolute() or any(part in ("", ".", "..") or part.startswith(".") for part in p.parts):
        return False
    if p.parts[0] == "files":
        return len(p.parts) == 3 and p.name == entry["sha256"] and p.parts[1] == p.name[:2]
    return len(p.parts) == 2 and p.parts[0] in ("database", "models")


def _held(engine: Engine, data_dir: Path) -> str:
    """What the target already holds ('' when empty): rows in any table, or stored files."""
    held = []
    if engine.dialect.name != "sqlite" or Path(_sqlite_path(engine)).exists():
        with engine.connect() as conn:
            for t in inspect(conn).get_table_names():
                if t != "alembic_version" and conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first():
                    held.append(t)
    if any((data_dir / "files").glob("*/*")) or any((data_dir / "models").glob("*")):
        held.append("stored files")
    return ", ".join(held[:6]) + (", …" if len(held) > 6 else "")


def _load_sqlite(engine: Engine, database: Path) -> None:
    engine.dispose()  # no pooled connection keeps the old pages
    target = Path(_sqlite_path(engine))
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


# Every table, sequence and function of the schema goes before the dump is replayed, in the same
# transaction: a failed restore leaves the target as it was.
_CLEAR = """
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.tablename);
  END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.sequencename);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP
    EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE';
  END LOOP;
END $$;
"""


def _load_postgres(engine: Engine, database: Path) -> None:
    with engine.connect() as conn:
        _check_client(conn, "psql")
    engine.dispose()
    clear = database.with_name("clear.sql")
    clear.write_text(_CLEAR)
    url, env = _libpq(engine)
    _run(
        [
            "psql",
            "--quiet",
            "--no-psqlrc",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={url}",
            f"--file={clear}",
            f"--file={database}",
        ],
        env,
    )


# --- helpers --------------------------------------------------------------------------------------


def _sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return path


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which goes in the environment, not on a command line)."""
    url = engine.url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    return url.render_as_string(hide_password=False), env


def _check_client(conn: Connection, tool: str) -> None:
    """The PostgreSQL client tool is installed and no older than the server."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} was not found; PostgreSQL backups need the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version"
        )
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", version)
    server = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10_000
    client = int(found.group(1)) if found else 0
    if client < server:
        raise BackupError(
            f"{tool} is version {client}; the server is {server}: install the client tools of {server}"
        )


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
