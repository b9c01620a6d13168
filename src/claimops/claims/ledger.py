"""The claim ledger's hash chain (pure: no session, no clock).

Each event stores ``hash = sha256(canonical)`` where the canonical content is the JSON text

    [prev_hash, claim_number, seq, action, from_status, to_status, actor_id, actor, at, note]

(compact separators, ASCII escapes) immediately followed by the event's data as JSON with sorted keys.
``prev_hash`` is the previous event's hash ("" for the first), ``at`` the UTC time as
"YYYY-MM-DDTHH:MM:SS.ffffffZ". The claim row keeps the seq and hash of its last event (the head), so a
history cut short at the end is told apart from an intact one. The same text comes out of SQLite and
PostgreSQL: amounts in event data are strings, times are formatted here, keys are sorted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = ""  # the prev_hash of a claim's first event

EDITED, MISSING, TRUNCATED = "edited", "missing", "truncated"


def at_text(at: datetime) -> str:
    """An event time as the chain spells it (UTC, microseconds, Z)."""
    if at.tzinfo is None:
        raise ValueError("event times are timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def data_text(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def head_text(
    prev: str,
    claim_number: str,
    seq: int,
    action: str,
    from_status: str | None,
    to_status: str,
    actor_id: int | None,
    actor: str,
    at: str,
    note: str,
) -> str:
    return json.dumps(
        [prev, claim_number, seq, action, from_status, to_status, actor_id, actor, at, note],
        separators=(",", ":"),
    )


def digest(head: str, data: str) -> str:
    return hashlib.sha256((head + data).encode()).hexdigest()


def chain(first: Iterable[bool], heads: Iterable[tuple[Any, ...]], data: Iterable[str]) -> list[str]:
    """Hashes of events grouped by claim in seq order, for bulk writers: `first` marks each claim's
    first event, `heads` are head_text's fields after prev (`at` as at_text gives it), `data` the
    data_text of each event."""
    out: list[str] = []
    prev = GENESIS
    for is_first, fields, text in zip(first, heads, data, strict=True):
        prev = digest(head_text(GENESIS if is_first else prev, *fields), text)
        out.append(prev)
    return out


@dataclass(frozen=True)
class EventContent:
    """What the chain covers of one event."""

    claim_number: str
    seq: int
    action: str
    from_status: str | None
    to_status: str
    actor_id: int | None
    actor: str
    at: datetime
    note: str
    data: Mapping[str, Any]

    def hash(self, prev: str) -> str:
        head = head_text(
            prev,
            self.claim_number,
            self.seq,
            self.action,
            self.from_status,
            self.to_status,
            self.actor_id,
            self.actor,
            at_text(self.at),
            self.note,
        )
        return digest(head, data_text(self.data))


@dataclass(frozen=True)
class StoredEvent:
    content: EventContent
    hash: str


@dataclass(frozen=True)
class Problem:
    claim_number: str
    seq: int  # the first bad seq
    kind: str  # edited, missing or truncated
    detail: str

    def __str__(self) -> str:
        return f"{self.claim_number}: seq {self.seq} {self.kind} ({self.detail})"


def check_history(
    claim_number: str, head_seq: int, head_hash: str, events: Iterable[StoredEvent]
) -> Problem | None:
    """The first break in one claim's history (events in seq order), or None when it is intact.

    edited: an event's content no longer gives its hash (or the head's hash differs from the last
    event's); missing: a seq is absent inside the history; truncated: the history ends before the head
    the claim row recorded (the last events, or all of them, are gone)."""
    prev, expected = GENESIS, 1
    for ev in events:
        c = ev.content
        if c.seq != expected:
            return Problem(claim_number, expected, MISSING, f"the next event present is seq {c.seq}")
        if c.hash(prev) != ev.hash:
            return Problem(claim_number, c.seq, EDITED, "its content does not give its stored hash")
        prev, expected = ev.hash, expected + 1
    last = expected - 1
    if last < head_seq:
        return Problem(
            claim_number, expected, TRUNCATED, f"the claim records {head_seq} events, {last} remain"
        )
    if last > head_seq:
        return Problem(
            claim_number, head_seq + 1, EDITED, f"the claim records {head_seq} events, {last} exist"
        )
    if prev != head_hash:
        return Problem(claim_number, last, EDITED, "the last event is not the head the claim recorded")
    return None
