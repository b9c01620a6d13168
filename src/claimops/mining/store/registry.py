"""Versioned store of trained mining models: a row in ``mining_models`` plus a joblib file.

Each kind ("risk", "handling_time", "settlement", "forecast", …) has versions 1, 2, … and at most one
current version. ``save`` writes the estimator to ``data_dir/models`` atomically (temporary file, then
rename), records its SHA-256 and makes the new version current; ``current`` loads the current estimator
after checking the file against that hash. A joblib file is a pickle and loading one runs code: only
files this registry wrote, unchanged, are loaded.

The artifact is written before the row; if the caller's transaction later rolls back, the file stays
behind unreferenced (harmless, and never loaded). A model trained on too little data is never saved:
callers check their data and raise ``ValidationFailed(code="NOT_ENOUGH_DATA")``; ``save`` refuses
``n_samples < min_samples`` as a last guard.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import os
import re
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]  # no stubs; comes with scikit-learn (mining extra)
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claimops.clock import utcnow
from claimops.config import Settings
from claimops.errors import ClaimopsError, Conflict, NotFound, ValidationFailed
from claimops.mining.store.models import MiningModel

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
KNOWN_KINDS = ("risk", "handling_time", "settlement", "forecast")

# Artifacts saved before mining was split into layers name their classes by the old flat modules.
MOVED_MODULES = {
    f"claimops.mining.{old}": f"claimops.mining.{new}"
    for old, new in {
        "features": "estimators.features",
        "forecast": "estimators.forecast",
        "predictions": "estimators.predictions",
        "quality": "estimators.quality",
        "reserving": "estimators.reserving",
        "risk": "estimators.risk",
        "rules": "estimators.rules",
        "segments": "estimators.segments",
        "schemas": "data.frames",
        "triangle": "data.triangle",
        "training": "service.training",
    }.items()
}
_moved_lock = threading.Lock()


class ArtifactError(ClaimopsError):
    """The current model's file is missing or not the file that was saved."""

    status = 500
    code = "MODEL_ARTIFACT_INVALID"


def models_dir(settings: Settings) -> Path:
    """Where artifacts live: ``data_dir/models``."""
    return settings.data_dir / "models"


def save(
    session: Session,
    *,
    kind: str,
    estimator: Any,
    metrics: Mapping[str, Any],
    params: Mapping[str, Any],
    training_from: date,
    training_to: date,
    n_samples: int,
    trained_by: str,
    settings: Settings,
    min_samples: int = 1,
    now: datetime | None = None,
) -> MiningModel:
    """Store a trained estimator as the next version of ``kind`` and make it current.

    Parameters
    ----------
    session : Session
        The caller's unit of work; the new row is flushed, not committed.
    kind : str
        Model family, lower-case letters, digits and ``_`` (e.g. ``"forecast"``).
    estimator : object
        Anything joblib can pickle.
    metrics, params : mapping
        Evaluation figures and training parameters, stored as JSON (NaN and infinities become null,
        numpy scalars and Decimals plain numbers, dates ISO strings).
    training_from, training_to : date
        The span of the training data.
    n_samples : int
        Training sample size; below ``min_samples`` nothing is saved (``NOT_ENOUGH_DATA``).
    trained_by : str
        Who or what trained it (a username, ``"cli"``, …).
    settings : Settings
        For ``data_dir``.

    Returns
    -------
    MiningModel
        The new, current version.

    Raises
    ------
    ValidationFailed
        Bad kind or dates (``BAD_MODEL``), too few samples (``NOT_ENOUGH_DATA``).
    Conflict
        Another save of the same kind committed first (``MODEL_VERSION_CONFLICT``); retry.
    """
    _check_kind(kind)
    if n_samples < max(min_samples, 1):
        raise ValidationFailed(
            f"a {kind} model trained on {n_samples} samples is not saved (at least {max(min_samples, 1)})",
            code="NOT_ENOUGH_DATA",
        )
    if training_from > training_to:
        raise ValidationFailed("training_from is after training_to", code="BAD_MODEL")
    if not trained_by.strip():
        raise ValidationFailed("trained_by is empty", code="BAD_MODEL")

    if session.get_bind().dialect.name == "postgresql":
        # Serialise saves of one kind, so concurrent trainers queue instead of colliding on the version.
        session.execute(select(func.pg_advisory_xact_lock(_lock_key(kind))))
    version = (session.scalar(select(func.max(MiningModel.version)).where(MiningModel.kind == kind)) or 0) + 1
    name, digest = _write_artifact(estimator, models_dir(settings), f"{kind}-v{version:04d}")
    row = MiningModel(
        kind=kind,
        version=version,
        created_at=now or utcnow(),
        trained_by=trained_by.strip()[:64],
        training_from=training_from,
        training_to=training_to,
        n_samples=int(n_samples),
        metrics=_jsonable(dict(metrics)),
        params=_jsonable(dict(params)),
        artifact=name,
        artifact_sha256=digest,
        current=True,
    )
    try:
        with session.begin_nested():
            session.execute(
                update(MiningModel)
                .where(MiningModel.kind == kind, MiningModel.current.is_(True))
                .values(current=False)
                .execution_options(synchronize_session="fetch")
            )
            session.add(row)
            session.flush()
    except IntegrityError:
        (models_dir(settings) / name).unlink(missing_ok=True)
        raise Conflict(
            f"another {kind} model was saved at the same time; try again", code="MODEL_VERSION_CONFLICT"
        ) from None
    return row


def current(session: Session, kind: str, settings: Settings) -> tuple[MiningModel, Any] | None:
    """The current version of ``kind`` and its estimator, or None if there is none.

    Raises
    ------
    ArtifactError
        The file is missing, outside ``data_dir/models`` or differs from the saved one.
    """
    _check_kind(kind)
    row = session.scalar(select(MiningModel).where(MiningModel.kind == kind, MiningModel.current.is_(True)))
    if row is None:
        return None
    return row, load(row, settings)


def load(row: MiningModel, settings: Settings) -> Any:
    """The estimator of a registry row, after checking its file against the stored hash."""
    base = models_dir(settings).resolve()
    path = (base / row.artifact).resolve()
    if path.parent != base:
        raise ArtifactError(f"{row.kind} v{row.version}: artifact path {row.artifact!r} is outside {base}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArtifactError(f"{row.kind} v{row.version}: artifact {path} is missing") from None
    if hashlib.sha256(data).hexdigest() != row.artifact_sha256:
        raise ArtifactError(f"{row.kind} v{row.version}: artifact {path} was changed after it was saved")
    try:
        return joblib.load(path)
    except ModuleNotFoundError as exc:
        if exc.name not in MOVED_MODULES:
            raise
    with _old_module_names():
        return joblib.load(path)


@contextmanager
def _old_module_names() -> Iterator[None]:
    """Let unpickling find each moved module under its old name too, while an old artifact loads."""
    with _moved_lock:
        added = [old for old in MOVED_MODULES if old not in sys.modules]
        for old in added:
            sys.modules[old] = importlib.import_module(MOVED_MODULES[old])
        try:
            yield
        finally:
            for old in added:
                del sys.modules[old]


def history(session: Session, kind: str) -> list[MiningModel]:
    """All versions of ``kind``, newest first."""
    _check_kind(kind)
    return list(
        session.scalars(
            select(MiningModel).where(MiningModel.kind == kind).order_by(MiningModel.version.desc())
        )
    )


def current_models(session: Session) -> list[MiningModel]:
    """The current version of each kind of model, by kind."""
    return list(session.scalars(select(MiningModel).where(MiningModel.current).order_by(MiningModel.kind)))


def set_current(session: Session, kind: str, version: int) -> MiningModel:
    """Make an earlier (or any) version of ``kind`` current again, e.g. to roll back a bad model."""
    _check_kind(kind)
    row = session.scalar(select(MiningModel).where(MiningModel.kind == kind, MiningModel.version == version))
    if row is None:
        raise NotFound(f"no {kind} model version {version}", code="MODEL_NOT_FOUND")
    with session.begin_nested():
        session.execute(
            update(MiningModel)
            .where(MiningModel.kind == kind, MiningModel.current.is_(True), MiningModel.id != row.id)
            .values(current=False)
            .execution_options(synchronize_session="fetch")
        )
        row.current = True
        session.flush()
    return row


def _check_kind(kind: str) -> None:
    if not KIND_PATTERN.match(kind):
        raise ValidationFailed(
            f"model kind {kind!r} must be lower-case letters, digits and _ (e.g. {', '.join(KNOWN_KINDS)})",
            code="BAD_MODEL",
        )


def _lock_key(kind: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory lock."""
    digest = hashlib.sha256(f"claimops.mining_models:{kind}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _write_artifact(estimator: Any, directory: Path, stem: str) -> tuple[str, str]:
    """Dump to a temporary file in the target directory, fsync, rename; returns (file name, sha256)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{stem}-{uuid.uuid4().hex[:12]}.joblib"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            joblib.dump(estimator, fh)
            fh.flush()
            os.fsync(fh.fileno())
        digest = hashlib.sha256(Path(tmp).read_bytes()).hexdigest()
        os.replace(tmp, directory / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name, digest


def _jsonable(value: Any) -> Any:
    """Plain JSON: no NaN/inf (PostgreSQL's json refuses them), no numpy or Decimal types."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return _jsonable(item())
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist):
        return _jsonable(tolist())
    raise ValidationFailed(f"cannot store {type(value).__name__} as JSON", code="BAD_MODEL")
