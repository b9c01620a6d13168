"""The claims frame from the database (SQLite and PostgreSQL): claims A–H of the KPI data set, walked
through the services, read back with their policy, customer, timings, decisions and payments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.config import Settings
from claimops.mining.data.frames import CLAIMS_FRAME, validate
from claimops.mining.data.loader import (
    has_conclusions,
    has_ground_truth,
    iter_claims,
    load_claims,
    load_customers,
    read_claims_csv,
    select_claims,
)
from claimops.mining.estimators.features import build_features
from factories import kpi_dataset

DAY = 86_400


def walked(session: Session, settings: Settings) -> tuple[pd.DataFrame, int]:
    """Claims A–H (tests/factories.py kpi_dataset) as the loader reads them, and the id before them."""
    before = session.scalar(select(func.coalesce(func.max(Claim.id), 0))) or 0
    kpi_dataset(session, settings)
    frame = load_claims(session)
    return frame.loc[frame["claim_id"] > before].reset_index(drop=True), before


def test_claims_frame_reads_what_the_services_wrote(session: Session, settings: Settings) -> None:
    frame, _ = walked(session, settings)
    validate(frame, CLAIMS_FRAME)
    assert len(frame) == 8
    assert frame["line"].tolist() == ["auto", "health", "property", "auto", "auto", "auto", "health", "auto"]
    a, b, c, d, e = (frame.iloc[i] for i in range(5))
    # A: (10,500 − 500) × 0.9 = 9,000 paid; handling 1 + 2 + 3 + 2 = 8 days
    assert a["claimed_amount"] == Decimal("10500.00") and a["paid_amount"] == Decimal("9000.00")
    assert a["payments_total"] == Decimal("9000.00") and a["payments_count"] == 1
    assert a["decisions_count"] == 1 and a["outcome"] == "approved" and not a["investigated"]
    assert a["approved_total"] == Decimal("9000.00") and pd.isna(frame.iloc[3]["approved_total"])
    assert a["handling_s"] == 8 * DAY
    assert a["reported_at"] == pd.Timestamp(datetime(2026, 4, 10, 2, tzinfo=UTC))
    assert a["decided_at"] == pd.Timestamp(datetime(2026, 4, 16, 2, tzinfo=UTC))
    assert a["paid_at"] == pd.Timestamp(datetime(2026, 4, 18, 2, tzinfo=UTC))
    assert a["incident_date"] == pd.Timestamp("2026-04-09")
    assert a["effective_from"] == pd.Timestamp("2025-01-01") and a["effective_to"] == pd.Timestamp(
        "2026-12-31"
    )
    assert a["sum_insured"] == Decimal("100000.00") and a["deductible"] == Decimal("500.00")
    # the holder's ID 110101199003077719: born 7 March 1990
    assert a["birth_date"] == pd.Timestamp("1990-03-07") and a["gender"] in ("M", "F")
    # B: investigated 10 days; handling 0.5 + 1 + 10 + 2 + 1 = 14.5 days
    assert b["investigated"] and b["investigation_s"] == 10 * DAY and b["handling_s"] == 14.5 * DAY
    assert b["paid_amount"] == Decimal("20000.00")
    # C: denied, nothing paid
    assert c["outcome"] == "denied" and c["payments_count"] == 0 and pd.isna(c["payments_total"])
    # D: rejected at intake, no decision; E: still in review
    assert d["status"] == "rejected" and d["decisions_count"] == 0 and pd.isna(d["decided_at"])
    assert e["status"] == "under_review" and pd.isna(e["handling_s"])
    assert (frame["docs_received"] == 0).all() and (frame["required_docs_received"] == 0).all()
    assert frame["reported_at"].dt.tz is not None and str(frame["incident_date"].dtype) == "datetime64[s]"
    # a fraud label only where one exists: investigation conclusions (other tests may have committed
    # some to the shared database) or the demo's ground truth
    assert ("fraud" in frame) == has_conclusions(session) and not has_ground_truth(session)


def test_filters_and_chunks(session: Session, settings: Settings) -> None:
    frame, before = walked(session, settings)
    # Shanghai days: Q2 2026 holds A–E
    q2 = load_claims(session, since=date(2026, 4, 1), until=date(2026, 7, 1))
    assert q2.loc[q2["claim_id"] > before, "claim_id"].tolist() == frame["claim_id"].iloc[:5].tolist()
    health = load_claims(session, lines=["health"])
    assert (
        health.loc[health["claim_id"] > before, "claim_id"].tolist()
        == frame["claim_id"].iloc[[1, 6]].tolist()
    )
    chunks = list(iter_claims(session, chunksize=3))
    assert all(len(chunk) <= 3 for chunk in chunks)
    whole = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(whole.loc[whole["claim_id"] > before].reset_index(drop=True), frame)
    with_ids = load_claims(session, id_number=True)
    assert with_ids.loc[with_ids["claim_id"] > before, "id_number"].iloc[0] == "110101199003077719"


def test_empty_selection_keeps_the_columns(session: Session) -> None:
    empty = load_claims(session, since=date(2099, 1, 1))
    assert len(empty) == 0 and "claimed_amount" in empty and "handling_s" in empty


def test_customers_frame(session: Session, settings: Settings) -> None:
    kpi_dataset(session, settings)
    customers = load_customers(session)
    assert list(customers.columns) == ["customer_id", "id_number", "region", "gender", "birth_date"]
    assert (customers["id_number"] == "110101199003077719").any()
    assert customers["customer_id"].is_monotonic_increasing


def test_csv_round_trip_gives_the_same_features(session: Session, settings: Settings, tmp_path: Path) -> None:
    frame, _ = walked(session, settings)
    path = tmp_path / "claims.csv"
    frame.to_csv(path, index=False)
    again = read_claims_csv(path)
    assert again["claimed_amount"].tolist() == [float(v) for v in frame["claimed_amount"]]
    assert (again["reported_at"] == frame["reported_at"]).all()
    ours, theirs = build_features(frame), build_features(again)
    pd.testing.assert_frame_equal(ours.features, theirs.features)
    pd.testing.assert_frame_equal(ours.labels, theirs.labels)
    q2 = select_claims(again, since=date(2026, 4, 1), until=date(2026, 7, 1))
    assert q2["claim_id"].tolist() == frame["claim_id"].iloc[:5].tolist()
