"""Done when: an analyst imports a book from another system (providers, customers, confirmed-fraud
flags), trains, sees the current model's hold-out metrics and rules that name providers and repeat
claimants; a reviewer sees the model's reasons on a new claim; an investigator's conclusion feeds the
next training. Through the commands, on a database of its own."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from claimops.claims.models import Claim
from claimops.cli import app
from claimops.config import get_settings
from claimops.mining.data.loader import load_claims
from claimops.mining.service.scoring import score_for_review
from planted_book import NIGHT_SHOPS, make_book

MAPPING = """[columns]
claim_ref = "claim_no"
policy_number = "policy_no"
customer_ref = "customer_no"
customer_name = "customer"
customer_birth_date = "born"
line = "line"
region = "region"
channel = "channel"
provider = "garage_or_hospital"
provider_type = "provider_kind"
effective_from = "policy_start"
effective_to = "policy_end"
sum_insured = "sum_insured"
incident_date = "incident"
reported_at = "reported"
claimed_amount = "claimed"
paid_amount = "paid"
paid_at = "paid_on"
closed_at = "closed_on"
fraud_confirmed = "fraud"

[values.fraud_confirmed]
Y = "true"
N = "false"

[options]
claim_prefix = "BK-"
settlement = "recorded"
"""


@pytest.fixture
def database(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Engine]:
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CLAIMOPS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield empty_engine
    get_settings.cache_clear()


def day(stamp: pd.Timestamp) -> str:
    return stamp.date().isoformat()


def export(book: pd.DataFrame, path: Path) -> Path:
    """The book as another system exports it: naive Shanghai times, Y/N fraud, no status column."""
    local = book["reported_at"].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    fraud = book["fraud"].astype(bool)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["claim_no", "policy_no", "customer_no", "customer", "born", "line", "region", "channel",
             "garage_or_hospital", "provider_kind", "policy_start", "policy_end", "sum_insured", "incident",
             "reported", "claimed", "paid", "paid_on", "closed_on", "fraud"]
        )  # fmt: skip
        for i, r in enumerate(book.itertuples()):
            at = local.iloc[i]
            done = (at + pd.Timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S")
            kind = "" if pd.isna(r.provider) else ("repair_shop" if r.line == "auto" else "hospital")
            paid = "0" if fraud.iloc[i] else f"{r.claimed_amount:.2f}"
            w.writerow(
                [r.claim_id, f"P{r.policy_id}", f"C{r.customer_id}", "客户", day(r.birth_date), r.line,
                 r.region, r.channel, "" if pd.isna(r.provider) else r.provider, kind, day(r.effective_from),
                 day(r.effective_to), f"{r.sum_insured:.2f}", day(r.incident_date),
                 at.strftime("%Y-%m-%d %H:%M:%S"), f"{r.claimed_amount:.2f}", paid,
                 "" if fraud.iloc[i] else done, done, "Y" if fraud.iloc[i] else "N"]
            )  # fmt: skip
    return path


def test_import_train_rules_score_and_a_conclusion_feeds_the_next_training(
    database: Engine, tmp_path: Path
) -> None:
    book = make_book()
    runner = CliRunner()
    (tmp_path / "book.toml").write_text(MAPPING, encoding="utf-8")
    imported = runner.invoke(
        app,
        [
            "import",
            "claims",
            str(export(book, tmp_path / "book.csv")),
            "--mapping",
            str(tmp_path / "book.toml"),
        ],
    )
    assert imported.exit_code == 0, imported.output
    assert f"{len(book)} of {len(book)} rows imported" in imported.stdout

    trained = runner.invoke(app, ["train", "risk", "--test-share", "0.25", "--format", "json"])
    assert trained.exit_code == 0, trained.output
    out = json.loads(trained.stdout)
    assert out["metrics"]["target"] == "fraud" and out["metrics"]["roc_auc"] > 0.7
    assert set(out["candidates"]) == {"logistic", "gbm"} and out["model"] in out["candidates"]
    assert out["metrics"]["roc_auc"] == out["candidates"][out["model"]]["roc_auc"]

    rules = runner.invoke(app, ["mine", "rules", "--target", "fraud", "--format", "json"])
    assert rules.exit_code == 0, rules.output
    items = {i for r in json.loads(rules.stdout)["rules"] for i in r["antecedents"]}
    assert items & {f"provider={shop}" for shop in NIGHT_SHOPS}
    assert any(i.startswith("prior_") or i == "frequent_claimant" for i in items)

    scored = runner.invoke(app, ["score"])
    assert scored.exit_code == 0, scored.output

    # a reviewer sees the chosen model's reasons on a claim: three plain reasons
    with Session(database) as session:
        shop = session.scalars(
            select(Claim).where(Claim.claim_number.like("BK-%")).order_by(Claim.id.desc())
        ).first()
        assert shop is not None
        result = score_for_review(session=session, claim=shop, settings=get_settings())
        assert result is not None and 0 <= result.score <= 1 and 1 <= len(result.reasons) <= 3
        number = shop.claim_number
        was_fraud = bool(load_claims(session).set_index("claim_number").loc[number, "fraud"])

    # an investigator's conclusion is the next training's label
    started = runner.invoke(app, ["investigations", "start", number, "--trigger", "score", "--by", ""])
    assert started.exit_code == 0, started.output
    with Session(database) as session:
        from claimops.investigations.models import Investigation

        inv = session.scalars(select(Investigation).order_by(Investigation.id.desc())).first()
        assert inv is not None and inv.status == "open"
        inv_id = inv.id
    conclusion = "not_confirmed" if was_fraud else "fraud_confirmed"
    reason = "DOCUMENTS_VERIFIED" if was_fraud else "INFLATED_AMOUNT"
    finished = runner.invoke(
        app, ["investigations", "finish", str(inv_id), "--conclusion", conclusion, "--reason", reason]
    )
    assert finished.exit_code == 0, finished.output
    with Session(database) as session:
        frame = load_claims(session).set_index("claim_number")
    # an imported confirmed-fraud flag stays a label; this claim's label is now the new conclusion
    assert bool(frame.loc[number, "fraud"]) is (conclusion == "fraud_confirmed" or was_fraud)
    assert datetime.now(UTC) > frame["reported_at"].max()
