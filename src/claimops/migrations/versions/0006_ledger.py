"""ledger: events chained by hash, the claim's head, TRUNCATE refused on claim_events

Revision ID: 0006_ledger
Revises: 0005_auth
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import claimops.db
from claimops.claims.ledger import GENESIS, EventContent

revision = "0006_ledger"
down_revision = "0005_auth"
branch_labels = None
depends_on = None

CLAIMS_PER_BATCH = 5_000

claims = sa.table(
    "claims",
    sa.column("id", sa.Integer()),
    sa.column("claim_number", sa.String()),
    sa.column("ledger_seq", sa.Integer()),
    sa.column("ledger_head", sa.String()),
)
events = sa.table(
    "claim_events",
    sa.column("id", sa.Integer()),
    sa.column("claim_id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("from_status", sa.String()),
    sa.column("to_status", sa.String()),
    sa.column("actor_id", sa.Integer()),
    sa.column("actor", sa.String()),
    sa.column("at", claimops.db.UTCDateTime()),
    sa.column("note", sa.Text()),
    sa.column("data", sa.JSON()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    op.add_column("claims", sa.Column("ledger_seq", sa.Integer(), server_default="0", nullable=False))
    op.add_column("claims", sa.Column("ledger_head", sa.String(length=64), server_default="", nullable=False))
    op.add_column("claim_events", sa.Column("hash", sa.String(length=64), server_default="", nullable=False))
    postgres = op.get_bind().dialect.name == "postgresql"
    # the backfill is the one UPDATE the ledger ever takes
    if postgres:
        op.execute("ALTER TABLE claim_events DISABLE TRIGGER claim_events_append_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS claim_events_no_update")
    backfill(op.get_bind())
    if postgres:
        op.execute("ALTER TABLE claim_events ENABLE TRIGGER claim_events_append_only")
        op.execute(
            "CREATE TRIGGER claim_events_no_truncate BEFORE TRUNCATE ON claim_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION claim_events_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER claim_events_no_update BEFORE UPDATE ON claim_events "
            "BEGIN SELECT RAISE(ABORT, 'claim_events is append-only'); END"
        )


def backfill(conn: sa.Connection) -> None:
    """Chain the existing events claim by claim, in batches of claims."""
    last = 0
    while True:
        ids = list(
            conn.scalars(
                sa.select(claims.c.id).where(claims.c.id > last).order_by(claims.c.id).limit(CLAIMS_PER_BATCH)
            )
        )
        if not ids:
            return
        lo, hi = ids[0], ids[-1]
        numbers = dict(
            conn.execute(
                sa.select(claims.c.id, claims.c.claim_number).where(claims.c.id.between(lo, hi))
            ).all()
        )
        rows = conn.execute(
            sa.select(events)
            .where(events.c.claim_id.between(lo, hi))
            .order_by(events.c.claim_id, events.c.seq)
        ).all()
        hashes: list[dict[str, Any]] = []
        heads: dict[int, tuple[int, str]] = {}
        prev_claim, prev = None, GENESIS
        for r in rows:
            if r.claim_id != prev_claim:
                prev_claim, prev = r.claim_id, GENESIS
            content = EventContent(
                numbers[r.claim_id], r.seq, r.action, r.from_status, r.to_status, r.actor_id, r.actor,
                r.at, r.note, r.data,
            )  # fmt: skip
            prev = content.hash(prev)
            hashes.append({"event_id": r.id, "h": prev})
            heads[r.claim_id] = (r.seq, prev)
        if hashes:
            conn.execute(
                events.update().where(events.c.id == sa.bindparam("event_id")).values(hash=sa.bindparam("h")),
                hashes,
            )
        if heads:
            conn.execute(
                claims.update()
                .where(claims.c.id == sa.bindparam("claim"))
                .values(ledger_seq=sa.bindparam("n"), ledger_head=sa.bindparam("h")),
                [{"claim": c, "n": n, "h": h} for c, (n, h) in heads.items()],
            )
        last = hi


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS claim_events_no_truncate ON claim_events")
    # plain ALTER TABLE ... DROP COLUMN: a batch rebuild of claim_events would lose its triggers
    op.drop_column("claim_events", "hash")
    op.drop_column("claims", "ledger_head")
    op.drop_column("claims", "ledger_seq")
