"""Test data builders, in one place."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from claimops.claims.scoring import RiskScorer
from claimops.mining.service.scoring import score_for_review

# The claims review's scorer as the application wires it (mining's current risk model).
RISK_SCORER: RiskScorer = score_for_review

PASSWORD = "s3cret-pass-2026"
# username, role, authority limit
STAFF: list[tuple[str, str, Decimal | None]] = [
    ("handler", "handler", Decimal("10000")),
    ("reviewer", "reviewer", Decimal("50000")),
    ("reviewer2", "reviewer", Decimal("50000")),
    ("approver", "approver", Decimal("1000000")),
    ("finance", "finance", None),
    ("manager", "manager", None),
    ("admin", "admin", None),
    ("auditor", "auditor", None),
    ("partner", "partner_manager", None),
]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# An ftyp box (24 bytes: size, "ftyp", major brand heic, minor version, compatible mif1 and heic)
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08mdat"
OOXML = "application/vnd.openxmlformats-officedocument"


def zip_of(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def content_types(main: str) -> bytes:
    """An OOXML package's [Content_Types].xml whose main part has the type `main`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/content-types"><Override PartName="/main.xml" ContentType="{main}"/></Types>'
    ).encode()


def docx(**extra: bytes) -> bytes:
    main = f"{OOXML}.wordprocessingml.document.main+xml"
    return zip_of(
        {"[Content_Types].xml": content_types(main), "word/document.xml": b"<w:document/>", **extra}
    )


def xlsx(main: str = f"{OOXML}.spreadsheetml.sheet.main+xml", **extra: bytes) -> bytes:
    return zip_of({"[Content_Types].xml": content_types(main), "xl/workbook.xml": b"<workbook/>", **extra})


def ofd() -> bytes:
    return zip_of({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


def make_user(engine: Any, role: str = "handler", full_name: str = "", password: str = PASSWORD) -> str:
    """A committed user of its own (for tests that log in, lock or deactivate it); its username."""
    from claimops.db import unit_of_work
    from claimops.users.service import create_user

    username = f"{role}-{uuid.uuid4().hex[:8]}"
    with unit_of_work(engine) as session:
        create_user(session=session, username=username, password=password, role=role, full_name=full_name)
    return username


def policy_number() -> str:
    return f"P-{uuid.uuid4().hex[:12].upper()}"


def policy_json(**overrides: Any) -> dict[str, Any]:
    today = date.today()
    body: dict[str, Any] = {
        "policy_number": policy_number(),
        "line": "auto",
        "holder": {
            "name": "张三",
            "id_number": "110101199003077719",
            "phone": "13812345678",
            "region": "北京",
        },
        "effective_from": (today - timedelta(days=200)).isoformat(),
        "effective_to": (today + timedelta(days=165)).isoformat(),
        "sum_insured": "100000.00",
        "deductible": "500.00",
        "coinsurance_rate": "0.10",
    }
    body.update(overrides)
    return body


def claim_json(policy_number: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "policy_number": policy_number,
        "incident_date": (date.today() - timedelta(days=3)).isoformat(),
        "description": "追尾事故，后保险杠受损",
        "claimed_amount": "8500.00",
    }
    body.update(overrides)
    return body


def staff_actor(session: Any, username: str) -> Any:
    """The Actor of a staff user created by the conftest."""
    from sqlalchemy import select

    from claimops.config import Settings
    from claimops.users.models import User
    from claimops.users.service import actor_for

    user = session.scalar(select(User).where(User.username == username))
    return actor_for(user, Settings())


def make_policy(session: Any, *, line: str = "auto", **overrides: Any) -> Any:
    from claimops.policies.schemas import PolicyIn
    from claimops.policies.service import create_policy

    body = policy_json(line=line, **overrides)
    return create_policy(session=session, actor=staff_actor(session, "handler"), cmd=PolicyIn(**body))


class Walk:
    """Drive one claim through services at chosen times (for KPI tests with hand-computed figures)."""

    def __init__(
        self, session: Any, settings: Any, policy: Any, reported_at: Any, amount: str, incident: Any = None
    ):
        from claimops.claims.schemas import ReportIn
        from claimops.claims.service import report_claim

        self.s, self.settings, self.t = session, settings, reported_at
        cmd = ReportIn(
            policy_number=policy.policy_number,
            incident_date=incident or (reported_at - timedelta(days=1)).date(),
            claimed_amount=Decimal(amount),
            reported_at=reported_at,
        )
        self.claim = report_claim(
            session=session,
            actor=staff_actor(session, "handler"),
            cmd=cmd,
            now=reported_at,
            settings=settings,
            risk_scorer=RISK_SCORER,
        )
        self.number = self.claim.claim_number

    def after(self, days: float) -> Any:
        self.t = self.t + timedelta(days=days)
        return self.t

    def do(self, action: str, days: float, user: str = "handler", **kw: Any) -> Walk:
        from claimops.claims.lifecycle import Action
        from claimops.claims.schemas import ActionIn
        from claimops.claims.service import perform

        perform(
            session=self.s,
            actor=staff_actor(self.s, user),
            claim_number=self.number,
            action=Action(action),
            cmd=ActionIn(**kw),
            now=self.after(days),
            settings=self.settings,
            risk_scorer=RISK_SCORER,
        )
        return self

    def decide(
        self,
        days: float,
        outcome: str,
        assessed: str,
        reasons: list[str] | None = None,
        user: str = "reviewer",
    ) -> Walk:
        from claimops.claims.schemas import DecideIn
        from claimops.claims.service import decide

        decide(
            session=self.s,
            actor=staff_actor(self.s, user),
            claim_number=self.number,
            # these walks are about times and amounts, not documents: decide without them, saying so
            cmd=DecideIn(
                outcome=outcome,
                assessed_loss=Decimal(assessed),
                reason_codes=reasons or [],
                override_missing_documents=True,
                override_reason="documents are not part of this scenario",
            ),
            now=self.after(days),
            settings=self.settings,
        )
        return self

    def pay(self, days: float) -> Walk:
        from claimops.claims.payouts import release_payment
        from claimops.payments.schemas import PaymentIn

        release_payment(
            session=self.s,
            actor=staff_actor(self.s, "finance"),
            claim_number=self.number,
            cmd=PaymentIn(method="bank_transfer", payee={"name": "客户"}),
            idempotency_key=f"k-{self.number}",
            now=self.after(days),
        )
        return self


def at(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)  # 02:00 UTC = 10:00 in Shanghai


def kpi_dataset(session: Any, settings: Any) -> None:
    """Claims A–H of tests/reporting/test_kpis.py, with the figures worked out there."""
    span = {"effective_from": "2025-01-01", "effective_to": "2026-12-31"}
    auto = make_policy(session, line="auto", **span)  # deductible 500, coinsurance 10 %
    health = make_policy(session, line="health", deductible="0.00", coinsurance_rate="0", **span)
    prop = make_policy(session, line="property", sum_insured="200000.00", deductible="1000.00", **span)
    # 2026-Q2
    # A: acceptance 1 d, review 2+3 = 5 d, payment 2 d, handling 8 d; (10,500 − 500) × 0.9 = 9,000
    Walk(session, settings, auto, at(2026, 4, 10), "10500").do("accept", 1).do("start_review", 2).decide(
        3, "approved", "10500"
    ).pay(2)
    # B: acceptance 0.5, investigation 10, review 1+2 = 3, payment 1, handling 14.5; pays 20,000
    Walk(session, settings, health, at(2026, 5, 1), "20000").do("accept", 0.5).do(
        "start_investigation", 1
    ).do("finish_investigation", 10).decide(2, "approved", "20000").pay(1)
    # C: acceptance 1, review 1+2 = 3, denied, closed after 1 more day: handling 5
    Walk(session, settings, prop, at(2026, 6, 1), "50000").do("accept", 1).do("start_review", 1).decide(
        2, "denied", "0", ["EXCLUSION"]
    ).do("close", 1)
    # D: rejected at intake after 1 day: received, not accepted; acceptance stage 1 d, handling 1 d
    Walk(session, settings, auto, at(2026, 6, 20), "3000").do("reject", 1, reason_codes=["NOT_COVERED"])
    # E: accepted, still under review at the quarter's end: backlog 0-7 days
    Walk(session, settings, auto, at(2026, 6, 28), "4000").do("accept", 1).do("start_review", 0.5)
    # 2026-Q1 (previous): F pays (5,500 − 500) × 0.9 = 4,500; G pays 8,000
    Walk(session, settings, auto, at(2026, 2, 1), "5500").do("accept", 1).do("start_review", 1).decide(
        1, "approved", "5500"
    ).pay(1)
    Walk(session, settings, health, at(2026, 3, 1), "8000").do("accept", 1).do("start_review", 1).decide(
        2, "approved", "8000"
    ).pay(1)
    # 2025-Q2 (a year before): H pays (3,000 − 500) × 0.9 = 2,250
    Walk(session, settings, auto, at(2025, 5, 6), "3000").do("accept", 1).do("start_review", 1).decide(
        1, "approved", "3000"
    ).pay(1)
    session.flush()


def synthetic_claims(n: int, seed: int = 0, fraud_share: float = 0.05) -> Any:
    """A claims frame (as the mining loader gives it) over 2025, a share of the claims staged: policy days
    old, reported at 02:00 Shanghai on the incident day, round amount; ``fraud`` marks them."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    fraud = rng.random(n) < fraud_share
    days = np.sort(rng.random(n)) * 364
    reported = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(days, unit="D")
    # 02:00 Shanghai for the staged ones (18:00 UTC the day before), office hours otherwise
    local_hour = np.where(fraud, 2, rng.integers(9, 18, n))
    reported = reported.normalize() + pd.to_timedelta(local_hour - 8, unit="h")
    incident = (reported.tz_convert("Asia/Shanghai").tz_localize(None).normalize()) - pd.to_timedelta(
        np.where(fraud, 0, rng.integers(0, 10, n)), unit="D"
    )
    start = incident - pd.to_timedelta(
        np.where(fraud, rng.integers(1, 20, n), rng.integers(40, 300, n)), unit="D"
    )
    amount = np.where(fraud, rng.integers(8, 40, n) * 1000.0, np.round(rng.lognormal(8.5, 0.8, n), 2) + 0.37)
    frame = pd.DataFrame(
        {
            "claim_id": np.arange(1, n + 1),
            "policy_id": np.arange(1, n + 1),
            "customer_id": rng.integers(1, n // 2, n),
            "line": rng.choice(["auto", "health", "property"], n),
            "region": rng.choice(["上海", "北京", "广东"], n),
            "channel": rng.choice(["APP", "电话"], n),
            "status": "closed",
            "incident_date": incident.astype("datetime64[s]"),
            "reported_at": reported,
            "claimed_amount": [Decimal(f"{a:.2f}") for a in amount],
            "effective_from": start.astype("datetime64[s]"),
            "effective_to": (start + pd.Timedelta(days=364)).astype("datetime64[s]"),
            "sum_insured": Decimal("200000.00"),
            "provider_id": pd.array([None] * n, dtype="Int64"),
            "birth_date": pd.to_datetime("1985-06-15").as_unit("s"),
            "gender": rng.choice(["F", "M"], n),
            "investigated": fraud | (rng.random(n) < 0.03),
            "outcome": np.where(fraud, "denied", "approved"),
            "fraud": pd.array(fraud, dtype="boolean"),
        }
    )
    return frame


def allow_ledger_writes(conn: Any) -> None:
    """As an attacker with database access would: lift the append-only triggers of claim_events, in
    the current transaction only (a rolled-back test transaction restores them)."""
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE claim_events DISABLE TRIGGER USER"))
    else:
        conn.execute(text("DROP TRIGGER claim_events_no_update"))
        conn.execute(text("DROP TRIGGER claim_events_no_delete"))


def ledger_problems(session: Any, *numbers: str) -> dict[str, tuple[int, str]]:
    """`audit verify`'s findings for the given claims: claim number -> (first bad seq, kind)."""
    from claimops.claims.audit import verify_ledger

    report = verify_ledger(session=session, keep=10**9)
    return {p.claim_number: (p.seq, p.kind) for p in report.problems if p.claim_number in numbers}


def paid_claim(session: Any, settings: Any) -> Walk:
    """A claim reported, accepted, reviewed, decided and paid through the services (six events)."""
    policy = make_policy(session, effective_from="2025-01-01", effective_to="2026-12-31")
    return (
        Walk(session, settings, policy, at(2026, 3, 2), "8000")
        .do("accept", 1)
        .do("start_review", 1)
        .decide(1, "approved", "8000")
        .pay(1)
    )


def committed_claims(engine: Any, settings: Any, n: int, *, documents: bool = False) -> list[str]:
    """`n` paid claims committed into a database of their own (its staff created first when absent);
    with `documents`, a PDF and a PNG uploaded to each, stored under settings.data_dir."""
    from sqlalchemy import select

    from claimops.claims.uploads import upload_document
    from claimops.db import unit_of_work
    from claimops.users.models import User
    from claimops.users.service import create_user

    with unit_of_work(engine) as s:
        existing = set(s.scalars(select(User.username)))
        for username, role, limit in STAFF:
            if username not in existing:
                create_user(session=s, username=username, password=PASSWORD, role=role, authority_limit=limit)
    numbers = []
    with unit_of_work(engine) as s:
        for i in range(n):
            walk = paid_claim(s, settings)
            numbers.append(walk.number)
            if not documents:
                continue
            # one PDF of each claim's own, one PNG shared by all (stored once)
            for doc_type, name, content in (
                ("accident_report", "report.pdf", PDF + f"% claim {i}\n".encode()),
                ("photos", "photo.png", PNG),
            ):
                upload_document(
                    session=s,
                    actor=staff_actor(s, "handler"),
                    claim_number=walk.number,
                    doc_type=doc_type,
                    filename=name,
                    data=content,
                    now=walk.after(0),
                    settings=settings,
                    risk_scorer=RISK_SCORER,
                )
    return numbers


def chainladder_sample(name: str) -> Any:
    """A sample CSV shipped with the chainladder package (the reference implementation), in long form."""
    from pathlib import Path

    import chainladder as cl
    import pandas as pd

    return pd.read_csv(Path(cl.__file__).parent / "utils" / "data" / f"{name}.csv")


def raa_long() -> Any:
    """RAA (the data of Mack 1993) in long form, with ``lag`` 1 for the first development year."""
    df = chainladder_sample("raa")
    df["lag"] = df["development"] - df["origin"] + 1
    return df.sort_values(["origin", "lag"]).reset_index(drop=True)


def paid_walk(w: Walk, assessed: str, decide_after: float = 1, pay_after: float = 1) -> Walk:
    """Accept, review, approve ``assessed`` and pay: a claim paid in full."""
    return (
        w.do("accept", 0.25)
        .do("start_review", 0.25)
        .decide(decide_after, "approved", assessed)
        .pay(pay_after)
    )


def monthly_auto_claims(session: Any, settings: Any) -> dict[str, int]:
    """32 months of auto claims (2023-01 … 2025-08): 1 + (month % 3) per month, the first of each paid.

    Returns the claims reported per month, ``{"2023-01": 2, …}``.
    """
    counts = {}
    auto = make_policy(session, line="auto", effective_from="2022-12-01", effective_to="2025-12-31")
    for i in range(32):
        year, month = 2023 + i // 12, i % 12 + 1
        counts[f"{year}-{month:02d}"] = 1 + month % 3
        for k in range(1 + month % 3):
            w = Walk(session, settings, auto, at(year, month, 3 + 5 * k), str(1500 + 100 * month))
            if k == 0:
                paid_walk(w, str(1500 + 100 * month))
    return counts


# --- team, training and drills ----------------------------------------------------------------------


def drill_source(session: Any, settings: Any, *, close: bool = True) -> tuple[Walk, dict[str, str]]:
    """A claim (closed unless `close=False`) whose customer's name, ID number and phone, and whose
    payee's name and account, are written into its free text too; with those personal values."""
    from claimops.claims.payouts import release_payment
    from claimops.claims.schemas import ReportIn
    from claimops.claims.service import report_claim
    from claimops.payments.schemas import PaymentIn

    digits = f"{uuid.uuid4().int % 10**8:08d}"
    pii = {
        "name": "欧阳明华",
        "id_number": f"3301061985{digits}",
        "phone": f"139{digits}",
        "payee_name": "司马光远",
        "account": f"62220202{digits}123",
    }
    policy = make_policy(
        session,
        effective_from="2025-01-01",
        effective_to="2026-12-31",
        holder={"name": pii["name"], "id_number": pii["id_number"], "phone": pii["phone"], "region": "浙江"},
    )
    reported = at(2026, 3, 2)
    claim = report_claim(
        session=session,
        actor=staff_actor(session, "handler"),
        cmd=ReportIn(
            policy_number=policy.policy_number,
            incident_date=date(2026, 3, 1),
            claimed_amount=Decimal("8000"),
            reported_at=reported,
            description=(
                f"{pii['name']}（身份证 {pii['id_number']}，电话 {pii['phone'][:3]}-{pii['phone'][3:7]}-"
                f"{pii['phone'][7:]}）报案：追尾事故；赔款请付{pii['payee_name']}，账户 {pii['account']}"
            ),
        ),
        now=reported,
        settings=settings,
        risk_scorer=RISK_SCORER,
    )
    w = Walk.__new__(Walk)
    w.s, w.settings, w.t, w.claim, w.number = session, settings, reported, claim, claim.claim_number
    w.do("accept", 1, note=f"已联系{pii['name']}，手机{pii['phone']}").do("start_review", 1)
    w.decide(1, "approved", "8000")
    if close:
        release_payment(
            session=session,
            actor=staff_actor(session, "finance"),
            claim_number=w.number,
            cmd=PaymentIn(
                method="bank_transfer",
                payee={"name": pii["payee_name"], "bank": "工商银行", "account": pii["account"]},
            ),
            idempotency_key=f"k-{w.number}",
            now=w.after(1),
        )
        w.do("close", 1, user="finance")
    return w, pii


def make_lead(session: Any, username: str = "lead", members: tuple[str, ...] = ("handler",)) -> Any:
    """A team lead (role team_lead) in the rolled-back session, leading a team of `members`."""
    from claimops.team.service import add_member, create_team
    from claimops.users.service import create_user

    lead = create_user(session=session, username=username, password=PASSWORD, role="team_lead")
    admin = staff_actor(session, "admin")
    create_team(session=session, actor=admin, name=f"{username}-team", lead=username)
    for m in members:
        add_member(
            session=session, actor=admin, team=f"{username}-team", username=m, joined_on=date(2026, 1, 1)
        )
    return lead


def held_session(
    session: Any,
    *,
    course: str,
    starts_at: datetime,
    results: dict[str, int | None],
    title: str = "保险基础知识",
    kind: str = "basic",
    minutes: int = 120,
) -> Any:
    """A new course with one session at `starts_at`, everyone in `results` enrolled and recorded as
    attending with their score (None: no assessment), recorded an hour after the session ends."""
    from claimops.team.training.schemas import CourseIn, ResultIn, SessionIn
    from claimops.team.training.service import create_course, enrol, record_result, schedule_session

    manager = staff_actor(session, "manager")
    create_course(
        session=session, actor=manager, cmd=CourseIn(code=course, title=title, kind=kind, minutes=minutes)
    )
    ts = schedule_session(
        session=session, actor=manager, cmd=SessionIn(course=course, starts_at=starts_at, trainer="王老师")
    )
    enrol(session=session, actor=manager, session_id=ts.id, usernames=list(results))
    for user, score in results.items():
        record_result(
            session=session,
            actor=manager,
            session_id=ts.id,
            cmd=ResultIn(username=user, attended=True, score=score),
            now=starts_at + timedelta(minutes=minutes + 60),
        )
    return ts


def scored_attempt(session: Any, *, number: str, trainee: str, amount: str, now: datetime) -> Any:
    """`trainee` works drill `number`, approving `amount`, and submits it at `now` (so it is scored)."""
    from claimops.team.drills.schemas import AttemptIn
    from claimops.team.drills.service import start_attempt, submit_attempt

    actor = staff_actor(session, trainee)
    attempt = start_attempt(session=session, actor=actor, number=number, now=now)
    return submit_attempt(
        session=session,
        actor=actor,
        attempt_id=attempt.id,
        cmd=AttemptIn(outcome="approved", amount=Decimal(amount)),
        now=now,
    )
