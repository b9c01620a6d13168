"""Login throttling rules (pure): failures counted in a window; at the limit, blocked for a period.

One rule for both scopes: an account name (locked after a few failures, whatever the password given
next) and a client address (which may fail more often: an office can share one address).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Limit:
    max_failures: int
    window: timedelta
    block: timedelta


@dataclass(frozen=True)
class Counter:
    failures: int
    window_start: datetime
    blocked_until: datetime | None = None

    def expires_at(self, limit: Limit) -> datetime:
        """After this the counter says nothing any more and may be deleted."""
        end = self.window_start + limit.window
        return max(end, self.blocked_until) if self.blocked_until else end


def blocked_until(counter: Counter | None, now: datetime) -> datetime | None:
    if counter is None or counter.blocked_until is None or counter.blocked_until <= now:
        return None
    return counter.blocked_until


def after_failure(counter: Counter | None, now: datetime, limit: Limit) -> Counter:
    """The counter after one more failure; a window that has passed, or a block that has ended,
    starts a new count."""
    fresh = (
        counter is None
        or now >= counter.window_start + limit.window
        or (counter.blocked_until is not None and counter.blocked_until <= now)
    )
    failures, start = (1, now) if fresh or counter is None else (counter.failures + 1, counter.window_start)
    until = now + limit.block if failures >= limit.max_failures else None
    return Counter(failures, start, until)


def retry_after_seconds(until: datetime, now: datetime) -> int:
    return max(int((until - now).total_seconds() + 0.999), 1)
