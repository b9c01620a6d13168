"""Survey use cases: invitations from claim events, answers by link, phone and imported reviews,
results by group, and the improvement-action register with before/after effects."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimEvent
from claimops.clock import SHANGHAI, as_utc, local_date
from claimops.config import Settings
from claimops.errors import ClaimopsError, Conflict, NotFound, ValidationFailed
from claimops.notifications.rules import SURVEY_INVITATION
from claimops.notifications.service import enqueue
from claimops.notifications.settings import NotifySettings
from claimops.reporting.kpis import Filters
from claimops.surveys import stats
from claimops.surveys.models import ImprovementAction, SurveyInvitation, SurveyResponse
from claimops.surveys.queries import (
    EVERYTHING,
    ResponseRow,
    invitation_counts,
    invitation_rows,
    response_rows,
)
from claimops.surveys.rules import (
    INVITATION_DAYS,
    METRICS,
    SCALES,
    check_answers,
    slowest_stage,
    trigger_of,
)
from claimops.surveys.text import themes_of
from claimops.users.actor import Actor


class LinkExpired(ClaimopsError):
    status = 410
    code = "SURVEY_LINK_EXPIRED"


# ---- invitations -------------------------------------------------------------------------------


def _signature(secret: str, invitation_id: int, nonce: str) -> str:
    return hmac.new(secret.encode(), f"survey:{invitation_id}.{nonce}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def survey_token(invitation: SurveyInvitation, secret: str) -> str:
    return f"{invitation.id}.{invitation.nonce}.{_signature(secret, invitation.id, invitation.nonce)}"


def invite(
    *, session: Session, claim: Claim, trigger: str, now: datetime, secret: str, channel: str = "online"
) -> SurveyInvitation | None:
    """One invitation per claim (a denial then its closing invite once); None when already invited."""
    if session.scalar(select(SurveyInvitation.id).where(SurveyInvitation.claim_id == claim.id)) is not None:
        return None
    invitation = SurveyInvitation(
        claim_id=claim.id,
        customer_id=claim.customer_id,
        trigger=trigger,
        channel=channel,
        nonce=secrets.token_hex(16),
        sent_at=as_utc(now),
        expires_at=as_utc(now) + timedelta(days=INVITATION_DAYS),
    )
    session.add(invitation)
    session.flush()
    url = f"{NotifySettings().portal_url}/survey/{survey_token(invitation, secret)}"
    enqueue(
        session=session,
        kind=SURVEY_INVITATION,
        customer_id=claim.customer_id,
        claim_id=claim.id,
        params={"claim_number": claim.claim_number, "survey_url": url, "days": INVITATION_DAYS},
        now=now,
    )
    return invitation


def invitation_listener(settings: Settings) -> Callable[[Session, Claim, ClaimEvent], None]:
    """The claims hook the app registers: paid, closed, rejected or denied claims get an invitation."""

    def on_claim_event(session: Session, claim: Claim, event: ClaimEvent) -> None:
        trigger = trigger_of(event.action, str(event.data.get("outcome") or claim.outcome or ""))
        if trigger is not None:
            invite(
                session=session,
                claim=claim,
                trigger=trigger,
                now=event.at,
                secret=settings.resolved_secret_key,
            )

    return on_claim_event


def _invitation_for_token(session: Session, token: str, secret: str, now: datetime) -> SurveyInvitation:
    """The same answer for a forged, mangled or unknown link; expired and answered links say so."""
    invalid = NotFound("this survey link is not valid", code="SURVEY_LINK_INVALID")
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        raise invalid
    invitation_id, nonce, sig = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(sig.encode(), _signature(secret, invitation_id, nonce).encode()):
        raise invalid
    invitation = session.get(SurveyInvitation, invitation_id)
    if invitation is None or not hmac.compare_digest(invitation.nonce.encode(), nonce.encode()):
        raise invalid
    if invitation.responded_at is not None:
        raise Conflict("this survey has already been answered; thank you", code="SURVEY_ALREADY_ANSWERED")
    if as_utc(invitation.expires_at) <= as_utc(now):
        raise LinkExpired("this survey link has expired")
    return invitation


def check_link(*, session: Session, token: str, secret: str, now: datetime) -> SurveyInvitation:
    return _invitation_for_token(session, token, secret, now)


def _store(
    session: Session,
    invitation: SurveyInvitation | None,
    claim_id: int | None,
    channel: str,
    answers: Mapping[str, Any],
    now: datetime,
    entered_by: str,
) -> SurveyResponse:
    response = SurveyResponse(
        invitation_id=invitation.id if invitation else None,
        claim_id=claim_id,
        channel=channel,
        responded_at=as_utc(now),
        entered_by=entered_by,
        **answers,
    )
    try:
        with session.begin_nested():
            session.add(response)
            session.flush()
    except IntegrityError as exc:  # a concurrent second answer to the same invitation
        raise Conflict(
            "this survey has already been answered; thank you", code="SURVEY_ALREADY_ANSWERED"
        ) from exc
    if invitation is not None:
        invitation.responded_at = as_utc(now)
        invitation.channel = channel
    return response


def answer_online(
    *, session: Session, token: str, answers: Mapping[str, Any], now: datetime, secret: str
) -> SurveyResponse:
    checked = check_answers(answers)
    invitation = _invitation_for_token(session, token, secret, now)
    return _store(session, invitation, invitation.claim_id, "online", checked, now, "")


def record_phone_interview(
    *, session: Session, actor: Actor, claim_number: str, answers: Mapping[str, Any], now: datetime
) -> SurveyResponse:
    """Staff enter an interview against the claim's open invitation."""
    actor.require("survey.write")
    checked = check_answers(answers)
    row = session.execute(
        select(SurveyInvitation)
        .join(Claim, Claim.id == SurveyInvitation.claim_id)
        .where(Claim.claim_number == claim_number)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"claim {claim_number} has no survey invitation", code="SURVEY_NOT_INVITED")
    if row.responded_at is not None:
        raise Conflict("this survey has already been answered", code="SURVEY_ALREADY_ANSWERED")
    return _store(session, row, row.claim_id, "phone", checked, now, actor.name)


REVIEW_COLUMNS = ("date", "overall", "comment")


def import_reviews(*, session: Session, actor: Actor, text: str, now: datetime) -> int:
    """Online reviews from CSV (date, overall, comment[, nps, claim_number]); all rows or none."""
    actor.require("survey.write")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REVIEW_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(f"the CSV lacks the columns {', '.join(missing)}", code="CSV_COLUMNS")
    rows: list[tuple[datetime, int | None, dict[str, object]]] = []
    for number, raw in enumerate(reader, start=2):
        try:
            answers = check_answers(raw)
            day = date.fromisoformat((raw.get("date") or "").strip())
        except ValidationFailed as exc:
            raise ValidationFailed(f"row {number}: {exc.message}", code=exc.code) from exc
        except ValueError as exc:
            raise ValidationFailed(f"row {number}: date must be YYYY-MM-DD", code="CSV_BAD_DATE") from exc
        claim_id = None
        if claim_number := (raw.get("claim_number") or "").strip():
            claim_id = session.scalar(select(Claim.id).where(Claim.claim_number == claim_number))
            if claim_id is None:
                raise ValidationFailed(
                    f"row {number}: unknown claim {claim_number}", code="CSV_UNKNOWN_CLAIM"
                )
        at = local_midnight(day) + timedelta(hours=12)
        rows.append((at, claim_id, answers))
    if not rows:
        raise ValidationFailed("the CSV has no rows", code="CSV_EMPTY")
    for at, claim_id, answers in rows:
        _store(session, None, claim_id, "review", answers, at, actor.name)
    return len(rows)


# ---- results -----------------------------------------------------------------------------------

GROUPS = ("period", "line", "handler", "provider", "stage", "channel")


@dataclass
class GroupResult:
    key: str
    responses: int
    invitations: int | None
    response_rate: float | None
    csat: stats.Estimate
    nps: stats.Estimate
    dimensions: dict[str, stats.Estimate]

    @property
    def small(self) -> bool:
        return self.responses < stats.SMALL_SAMPLE


@dataclass
class ThemeResult:
    theme: str
    mentions: int
    share: float
    mean_overall: float | None
    examples: list[str]
    slow_stages: dict[str, int] = field(default_factory=dict)
    mean_handling_days: float | None = None


@dataclass
class Results:
    start: datetime
    end: datetime
    overall: GroupResult
    groups: list[GroupResult]
    by: str
    channels: dict[str, tuple[int, int]]
    themes: list[ThemeResult]


def _sla(settings: Settings) -> dict[str, timedelta]:
    return {
        "acceptance": timedelta(days=settings.sla_acceptance_days),
        "investigation": timedelta(days=settings.sla_investigation_days),
        "review": timedelta(days=settings.sla_review_days),
        "payment": timedelta(days=settings.sla_payment_days),
    }


def _key(row: ResponseRow, by: str, sla: Mapping[str, timedelta]) -> str:
    if by == "period":
        return f"{local_date(row.responded_at):%Y-%m}"
    if by == "line":
        return row.line or "-"
    if by == "handler":
        return str(row.handler_id) if row.handler_id is not None else "-"
    if by == "provider":
        return str(row.provider_id) if row.provider_id is not None else "-"
    if by == "stage":
        return slowest_stage(_durations(row), sla) or "-"
    return row.channel


def _durations(row: ResponseRow) -> dict[str, int | None]:
    return {
        "acceptance": row.acceptance,
        "investigation": row.investigation,
        "review": row.review,
        "payment": row.payment,
    }


def summarize(rows: list[ResponseRow], key: str, invitations: int | None) -> GroupResult:
    dims = {
        name: stats.mean_interval([v for r in rows if (v := getattr(r, name)) is not None]) for name in SCALES
    }
    return GroupResult(
        key=key,
        responses=len(rows),
        invitations=invitations,
        response_rate=(len([r for r in rows if r.channel != "review"]) / invitations)
        if invitations
        else None,
        csat=stats.csat([r.overall for r in rows]),
        nps=stats.nps([r.nps for r in rows if r.nps is not None]),
        dimensions=dims,
    )


def themes(
    rows: list[ResponseRow], sla: Mapping[str, timedelta], mask: Callable[[str], str]
) -> list[ThemeResult]:
    """Themes of the comments; for each, the slowest stage of the claims behind them, so that a
    complaint about speed is traced to the stage that was slow."""
    commented = [r for r in rows if r.comment]
    found: dict[str, list[ResponseRow]] = defaultdict(list)
    for row in commented:
        for theme in themes_of(row.comment):
            found[theme].append(row)
    out = []
    for theme, hits in sorted(found.items(), key=lambda kv: -len(kv[1])):
        slow: dict[str, int] = defaultdict(int)
        for row in hits:
            if stage := slowest_stage(_durations(row), sla):
                slow[stage] += 1
        handling = [r.handling / 86400 for r in hits if r.handling is not None]
        low_first = sorted(hits, key=lambda r: r.overall)
        out.append(
            ThemeResult(
                theme=theme,
                mentions=len(hits),
                share=len(hits) / len(commented),
                mean_overall=sum(r.overall for r in hits) / len(hits),
                examples=[mask(r.comment) for r in low_first[:3]],
                slow_stages=dict(sorted(slow.items(), key=lambda kv: -kv[1])),
                mean_handling_days=sum(handling) / len(handling) if handling else None,
            )
        )
    return out


def results(
    *,
    session: Session,
    start: datetime,
    end: datetime,
    by: str,
    settings: Settings,
    mask: Callable[[str], str] = lambda s: s,
    scope: Filters = EVERYTHING,
) -> Results:
    if by not in GROUPS:
        raise ValidationFailed(f"group by one of {', '.join(GROUPS)}", code="UNKNOWN_GROUP")
    if end <= start:
        raise ValidationFailed("the period ends before it starts", code="BAD_PERIOD")
    rows = response_rows(session, start, end, scope)
    channels = invitation_counts(session, start, end, scope)
    sla = _sla(settings)
    invited = sum(n for n, _ in channels.values())
    grouped: dict[str, list[ResponseRow]] = defaultdict(list)
    for row in rows:
        grouped[_key(row, by, sla)].append(row)
    invites_by: dict[str, int] = defaultdict(int)
    if by != "stage":  # a claim's slowest stage is known for answered ones only
        for line, handler, provider, sent, channel in invitation_rows(session, start, end, scope):
            value = {
                "line": line,
                "handler": handler,
                "provider": provider,
                "period": f"{local_date(sent):%Y-%m}",
                "channel": channel,
            }[by]
            invites_by["-" if value is None else str(value)] += 1
    groups = [
        summarize(members, key, invites_by.get(key) if by != "stage" else None)
        for key, members in sorted(grouped.items())
    ]
    return Results(
        start=start,
        end=end,
        overall=summarize(rows, "all", invited or None),
        groups=groups,
        by=by,
        channels=channels,
        themes=themes(rows, sla, mask),
    )


RESPONSE_SORTS = ("recent", *SCALES, "nps")
LIST_LIMIT = 200


def response_list(
    *,
    session: Session,
    start: datetime,
    end: datetime,
    scope: Filters = EVERYTHING,
    theme: str | None = None,
    sort: str = "recent",
    limit: int = LIST_LIMIT,
) -> list[ResponseRow]:
    """The answers behind a figure: those mentioning `theme`, or those scoring `sort` (lowest first,
    so the list behind a weak score starts with the reasons for it); else the latest first."""
    if sort not in RESPONSE_SORTS:
        raise ValidationFailed(f"sort by one of {', '.join(RESPONSE_SORTS)}", code="UNKNOWN_SORT")
    if end <= start:
        raise ValidationFailed("the period ends before it starts", code="BAD_PERIOD")
    rows = response_rows(session, start, end, scope)
    if theme:
        rows = [r for r in rows if theme in themes_of(r.comment)]
    if sort == "recent":
        rows.sort(key=lambda r: (r.responded_at, r.id), reverse=True)
    else:
        scored = [(v, r) for r in rows if (v := getattr(r, sort)) is not None]
        rows = [r for _v, r in sorted(scored, key=lambda vr: (vr[0], vr[1].id))]
    return rows[:limit]


# ---- improvement actions -----------------------------------------------------------------------

ACTION_SOURCES = ("survey_theme", "complaint", "kpi")
ACTION_STATUSES = ("open", "in_progress", "done")


def add_action(
    *,
    session: Session,
    actor: Actor,
    problem: str,
    source: str,
    metric: str,
    owner: str,
    due_date: date,
    started_on: date,
    now: datetime,
) -> ImprovementAction:
    actor.require("improvement.manage")
    if not problem.strip():
        raise ValidationFailed("describe the problem", code="PROBLEM_REQUIRED")
    if source not in ACTION_SOURCES:
        raise ValidationFailed(f"source must be one of {', '.join(ACTION_SOURCES)}", code="UNKNOWN_SOURCE")
    if metric not in METRICS:
        raise ValidationFailed(f"metric must be one of {', '.join(METRICS)}", code="UNKNOWN_METRIC")
    if not owner.strip():
        raise ValidationFailed("name an owner", code="OWNER_REQUIRED")
    if due_date < started_on:
        raise ValidationFailed("the due date is before the start", code="DUE_BEFORE_START")
    action = ImprovementAction(
        problem=problem.strip(),
        source=source,
        metric=metric,
        owner=owner.strip(),
        due_date=due_date,
        started_on=started_on,
        status="open",
        created_at=as_utc(now),
    )
    session.add(action)
    session.flush()
    return action


def set_action_status(*, session: Session, actor: Actor, action_id: int, status: str) -> ImprovementAction:
    actor.require("improvement.manage")
    if status not in ACTION_STATUSES:
        raise ValidationFailed(f"status must be one of {', '.join(ACTION_STATUSES)}", code="UNKNOWN_STATUS")
    action = session.get(ImprovementAction, action_id)
    if action is None:
        raise NotFound(f"improvement action {action_id} not found", code="ACTION_NOT_FOUND")
    action.status = status
    return action


ACTION_VIEWS = ("all", "open", "overdue")


def list_actions(
    *, session: Session, view: str = "all", today: date | None = None
) -> list[ImprovementAction]:
    """The register; `open` keeps actions not done, `overdue` those of them past their due date."""
    stmt = select(ImprovementAction).order_by(ImprovementAction.started_on, ImprovementAction.id)
    if view in ("open", "overdue"):
        stmt = stmt.where(ImprovementAction.status != "done")
    if view == "overdue":
        if today is None:
            raise ValueError("overdue needs today")
        stmt = stmt.where(ImprovementAction.due_date < today)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class Effect:
    action: ImprovementAction
    before_period: tuple[date, date]
    after_period: tuple[date, date]
    comparison: stats.Comparison


def local_midnight(day: date) -> datetime:
    """The start of a day in Asia/Shanghai, in UTC."""
    return as_utc(datetime(day.year, day.month, day.day, tzinfo=SHANGHAI))


def day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """Shanghai days `first` to `last`, both included, as a half-open UTC range."""
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def effect(*, session: Session, action: ImprovementAction, days: int = 90, today: date) -> Effect:
    """The targeted metric in the `days` before the action started against the `days` after it (or up
    to today); Welch's t-test for scores, a two-proportion test for CSAT."""
    before = (action.started_on - timedelta(days=days), action.started_on)
    after_end = min(action.started_on + timedelta(days=days), today + timedelta(days=1))
    after = (action.started_on, after_end)
    b = response_rows(session, local_midnight(before[0]), local_midnight(before[1]))
    a = response_rows(session, local_midnight(after[0]), local_midnight(after[1]))
    if action.metric == "csat":
        comparison = stats.compare_shares([r.overall for r in b], [r.overall for r in a])
    else:

        def pick(rows: list[ResponseRow]) -> list[float]:
            return [float(v) for r in rows if (v := getattr(r, action.metric)) is not None]

        comparison = stats.compare_means(pick(b), pick(a))
    return Effect(action, before, after, comparison)
