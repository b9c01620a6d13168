"""One source row -> a validated historic claim with its rebuilt event sequence (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from claimops.claims.lifecycle import Action, Outcome, Status, transition
from claimops.clock import SHANGHAI
from claimops.imports.mapping import STATUSES, Mapping
from claimops.money import to_money
from claimops.policies.lines import Line

NOON = time(12, 0)  # a date without a time is taken as noon in Shanghai, so its local date holds


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class Step:
    action: Action
    to_status: Status
    at: datetime


@dataclass
class HistoricClaim:
    row: int
    claim_number: str
    policy_number: str
    line: Line
    incident_date: date
    reported_at: datetime
    claimed_amount: Decimal
    paid_amount: Decimal
    outcome: Outcome | None
    sum_insured: Decimal | None
    deductible: Decimal
    coinsurance_rate: Decimal
    effective_from: date | None
    effective_to: date | None
    holder_name: str
    holder_id_number: str
    region: str
    channel: str
    description: str
    steps: list[Step] = field(default_factory=list)
    # who decided, approved and paid in the source system: claimops usernames ("": the importer)
    decided_by: str = ""
    approved_by: str = ""
    paid_by: str = ""
    provider: str = ""  # as the file names it: an id or a name (resolved by the import service)
    insurer: str = ""  # an insurer's code
    provider_type: str = ""
    customer_ref: str = ""
    customer_birth_date: date | None = None
    conclusion: str = ""  # the investigation's conclusion, "" when the row names none


CONCLUSIONS = ("fraud_confirmed", "not_confirmed", "inconclusive")
TRUE = frozenset({"1", "true", "t", "yes", "y", "是", "确认", "欺诈"})
FALSE = frozenset({"0", "false", "f", "no", "n", "否", "", "未确认"})


def parse_flag(value: Any) -> bool | None:
    """A yes/no column: 1/0, true/false, 是/否 (after [values.<field>]); None when empty."""
    text = _text(value).lower()
    if not text:
        return None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"not a yes/no value: {text!r}; map it under [values.fraud_confirmed]")


def birth_from_age(age: int, on: date) -> date:
    """A birth date that makes someone ``age`` whole years old on ``on`` (29 February → 28th)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:
        return on.replace(year=on.year - age, day=28)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from pandas
        return ""
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    text = _text(value)
    if not text:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_instant(value: Any, zone: ZoneInfo = SHANGHAI) -> datetime | None:
    """Timestamps with a time are local to ``zone`` (the mapping's, Shanghai by default) unless they
    carry an offset; dates become noon."""
    text = _text(value)
    if not text:
        return None
    if isinstance(value, datetime):
        stamp = value
    else:
        try:
            stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if len(text) <= 10:
                stamp = datetime.combine(stamp.date(), NOON)
        except ValueError:
            day = parse_date(text)
            assert day is not None
            stamp = datetime.combine(day, NOON)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(UTC)


def parse_amount(value: Any, places: int = 2) -> Decimal | None:
    text = _text(value).replace(",", "").replace("¥", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    if amount < 0:
        raise ValueError(f"negative amount: {text}")
    return to_money(amount)


class RowParser:
    def __init__(self, mapping: Mapping) -> None:
        self.m = mapping
        zone = ZoneInfo(mapping.timezone)
        self.instant = lambda value: parse_instant(value, zone)

    def get(self, raw: dict[str, Any], target: str) -> Any:
        col = self.m.source(target)
        if col is None:
            return None
        value = raw.get(col)
        table = self.m.values.get(target)
        if table is not None and _text(value) in table:
            return table[_text(value)]
        return value

    def parse(self, number: int, raw: dict[str, Any]) -> tuple[HistoricClaim | None, list[RowError]]:
        errors: list[RowError] = []

        def field_(target: str, parser: Any, required: bool = False) -> Any:
            try:
                value = parser(self.get(raw, target))
            except (ValueError, AssertionError) as exc:
                errors.append(RowError(number, target, str(exc)))
                return None
            if required and value in (None, ""):
                errors.append(RowError(number, target, "is required"))
            return value

        ref = field_("claim_ref", _text, True)
        incident = field_("incident_date", parse_date, True)
        reported = field_("reported_at", self.instant, True)
        line_text = field_("line", _text, True)
        claimed = field_("claimed_amount", parse_amount, True)
        paid = field_("paid_amount", parse_amount) or Decimal("0.00")
        accepted = field_("accepted_at", self.instant)
        decided = field_("decided_at", self.instant)
        paid_at = field_("paid_at", self.instant)
        closed = field_("closed_at", self.instant)
        status = (field_("status", _text) or "").lower()
        sum_insured = field_("sum_insured", parse_amount)
        if sum_insured is None and self.m.default_sum_insured:
            sum_insured = parse_amount(self.m.default_sum_insured)
        deductible = field_("deductible", parse_amount) or Decimal("0.00")
        rate_text = _text(self.get(raw, "coinsurance_rate"))
        line: Line | None = None
        if line_text:
            try:
                line = Line(line_text.lower())
            except ValueError:
                errors.append(
                    RowError(number, "line", f"unknown line {line_text!r}; map it under [values.line]")
                )
        if status and status not in STATUSES:
            errors.append(
                RowError(number, "status", f"unknown status {status!r}; one of {', '.join(STATUSES)}")
            )
        rate = Decimal("0")
        if rate_text:
            try:
                rate = Decimal(rate_text)
                if not 0 <= rate <= 1:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(
                    RowError(number, "coinsurance_rate", f"must be between 0 and 1, got {rate_text!r}")
                )
        fraud = field_("fraud_confirmed", parse_flag)
        conclusion = (field_("investigation_conclusion", _text) or "").lower()
        if conclusion and conclusion not in CONCLUSIONS:
            errors.append(
                RowError(
                    number,
                    "investigation_conclusion",
                    f"unknown conclusion {conclusion!r}; one of {', '.join(CONCLUSIONS)} "
                    "(map it under [values.investigation_conclusion])",
                )
            )
        if fraud is not None and conclusion and (conclusion == "fraud_confirmed") != fraud:
            errors.append(RowError(number, "fraud_confirmed", f"contradicts the conclusion {conclusion!r}"))
        if fraud and not conclusion:
            conclusion = "fraud_confirmed"
        born = field_("customer_birth_date", parse_date)
        age_text = _text(self.get(raw, "customer_age"))
        age: int | None = None
        if age_text:
            try:
                age = int(float(age_text))
                if not 0 <= age <= 120:
                    raise ValueError
            except ValueError:
                errors.append(RowError(number, "customer_age", f"not an age in years: {age_text!r}"))
        if errors or ref is None or incident is None or reported is None or claimed is None or line is None:
            return None, errors
        if incident > reported.astimezone(SHANGHAI).date():
            errors.append(RowError(number, "incident_date", "is after the report"))
        for name, stamp in (
            ("accepted_at", accepted),
            ("decided_at", decided),
            ("paid_at", paid_at),
            ("closed_at", closed),
        ):
            if stamp is not None and stamp < reported:
                errors.append(RowError(number, name, "is before the report"))
        if paid_at is not None and closed is not None and closed < paid_at:
            errors.append(RowError(number, "closed_at", "is before the payment"))
        if sum_insured is not None and paid > sum_insured:
            errors.append(RowError(number, "paid_amount", f"{paid} exceeds the sum insured {sum_insured}"))
        if paid > 0 and paid_at is None:
            errors.append(RowError(number, "paid_at", "is required when an amount was paid"))
        if not status:
            status = "closed" if closed is not None else "open"
        if status == "closed" and closed is None:
            errors.append(RowError(number, "closed_at", "is required for a closed claim"))
        claim_number = f"{self.m.claim_prefix}{ref}"
        if len(claim_number) > 24:
            errors.append(RowError(number, "claim_ref", f"claim number {claim_number!r} is longer than 24"))
        if born is None and age is not None:
            born = birth_from_age(age, incident)
        if errors:
            return None, errors
        policy_number = _text(self.get(raw, "policy_number")) or self.m.policy_template.format(
            claim_ref=ref, **{k: _text(v) for k, v in raw.items()}
        )
        claim = HistoricClaim(
            row=number,
            claim_number=claim_number,
            policy_number=policy_number[:40],
            line=line,
            incident_date=incident,
            reported_at=reported,
            claimed_amount=claimed,
            paid_amount=paid,
            outcome=None,
            sum_insured=sum_insured,
            deductible=deductible,
            coinsurance_rate=rate,
            effective_from=field_("effective_from", parse_date),
            effective_to=field_("effective_to", parse_date),
            holder_name=_text(self.get(raw, "holder_name")) or _text(self.get(raw, "customer_name"))[:100],
            holder_id_number=_text(self.get(raw, "holder_id_number")),
            region=_text(self.get(raw, "region"))[:32],
            channel=_text(self.get(raw, "channel"))[:32],
            description=_text(self.get(raw, "description"))[:4000],
            decided_by=_text(self.get(raw, "decided_by")),
            approved_by=_text(self.get(raw, "approved_by")),
            paid_by=_text(self.get(raw, "paid_by")),
            provider=_text(self.get(raw, "provider"))[:100],
            insurer=_text(self.get(raw, "insurer"))[:32],
            provider_type=_text(self.get(raw, "provider_type")),
            customer_ref=_text(self.get(raw, "customer_ref"))[:64],
            customer_birth_date=born,
            conclusion=conclusion,
        )
        try:
            claim.steps = rebuild_steps(claim, status, accepted, decided, paid_at, closed)
        except Exception as exc:  # an impossible history: report it on the row, import nothing of it
            return None, [RowError(number, "status", str(exc))]
        outcome = _text(self.get(raw, "outcome")).lower()
        if claim.outcome is not None and outcome in {o.value for o in Outcome}:
            claim.outcome = Outcome(outcome)
        return claim, []


def rebuild_steps(
    c: HistoricClaim,
    status: str,
    accepted: datetime | None,
    decided: datetime | None,
    paid_at: datetime | None,
    closed: datetime | None,
) -> list[Step]:
    """The lifecycle the dates imply, checked move by move against the state machine."""
    s = Status
    plan: list[tuple[Action, datetime]] = []
    if status == "rejected":
        plan.append((Action.REJECT, closed or c.reported_at))
    elif status == "withdrawn":
        plan.append((Action.WITHDRAW, closed or c.reported_at))
    else:
        accept_at = accepted or c.reported_at
        plan += [(Action.ACCEPT, accept_at), (Action.START_REVIEW, accept_at)]
        if c.paid_amount > 0:
            assert paid_at is not None
            decide_at = min(decided or paid_at, paid_at)
            # an approver named in the source approves the decision; otherwise it is released at once
            onward = Action.APPROVE if c.approved_by else Action.RELEASE
            plan += [(Action.DECIDE, decide_at), (onward, decide_at), (Action.PAY, paid_at)]
            c.outcome = Outcome.APPROVED if c.paid_amount >= c.claimed_amount else Outcome.PARTIAL
            if status == "closed":
                plan.append((Action.CLOSE, max(closed or paid_at, paid_at)))
        elif status == "closed":
            assert closed is not None
            decide_at = decided or closed
            plan += [(Action.DECIDE, decide_at), (Action.CLOSE, closed)]
            c.outcome = Outcome.DENIED
    steps, current, last = [], s.REPORTED, c.reported_at
    for action, at in plan:
        at = max(at, last)  # history is monotone; equal times are kept in the order of the steps
        step = transition(current, action)
        steps.append(Step(action, step.to_status, at))
        current, last = step.to_status, at
    return steps
