"""Indexes the period KPIs read instead of tables (migration 0003): each query is an index range.

Covering indexes hold every column a KPI query reads, so SQLite and PostgreSQL answer from the
index alone (index-only scans) rather than from the wide claims, payments and decisions rows.
Declared here, next to the queries that need them, and attached to the models' tables.
"""

from __future__ import annotations

from sqlalchemy import Index

from claimops.claims.models import Claim, ClaimEvent, ClaimTiming, Decision
from claimops.payments.models import Payment

t = ClaimTiming
REQUEST_DOCUMENTS = "request_documents"

REPORTING_INDEXES = (
    # claims by report date: counts by line and status, workload by handler
    Index(
        "ix_claims_reported_line_handler",
        Claim.reported_at,
        Claim.line,
        Claim.handler_id,
        Claim.status,
        Claim.id,
    ),
    # a payment's line, without reading the claim row
    Index("ix_claims_id_line", Claim.id, Claim.line),
    # amounts by payment date (the method for the deck's direct payments)
    Index("ix_payments_paid_cover", Payment.paid_at, Payment.claim_id, Payment.amount, Payment.method),
    # timings by completion date; the backlog: claims open (completed_at NULL) or completed after a date
    Index(
        "ix_claim_timings_completed_cover",
        t.completed_at,
        t.reported_at,
        t.handling_s,
        t.acceptance_s,
        t.investigation_s,
        t.review_s,
        t.payment_s,
    ),
    # claims by report date joined to their timing: accepted, completed, handling time
    Index(
        "ix_claim_timings_reported_cover",
        t.reported_at,
        t.claim_id,
        t.accepted_at,
        t.completed_at,
        t.handling_s,
    ),
    # decisions by decision date: outcome and straight-through (and which ones to read reasons of)
    Index("ix_decisions_decided_outcome_by", Decision.decided_at, Decision.outcome, Decision.decided_by),
    # the deck: which claims were asked for more documents (a few per cent of all events)
    Index(
        "ix_claim_events_requested_documents",
        ClaimEvent.claim_id,
        sqlite_where=ClaimEvent.action == REQUEST_DOCUMENTS,
        postgresql_where=ClaimEvent.action == REQUEST_DOCUMENTS,
    ),
)
