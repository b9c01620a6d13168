"""Demo partners: insurers, providers (the demo's provider ids), agreements, assignments, meetings
and disputes, consistent with the loaded claims. Same seed, same data.

`seed_providers` runs before the claims are loaded (claims.provider_id is a foreign key);
`seed_partners` after, reading the claims it builds on. Disputes are opened on denied or partially
approved claims and settled through the disputes service, so a settlement above the decision is a
supplementary decision made by the claims core.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import BigInteger, Connection, Engine, case, cast, extract, func, insert, select, update
from sqlalchemy.orm import Session

from claimops.bulkload import Col, Rows, opt
from claimops.claims.columnar import DAY, Arr
from claimops.claims.models import Claim, ClaimEvent
from claimops.clock import as_utc, local_date
from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.demo import names
from claimops.demo.columns import next_ids, write_columns
from claimops.disputes.schemas import DisputeIn, MoveIn
from claimops.disputes.service import move, open_dispute
from claimops.partners.models import (
    ActionItem,
    Agreement,
    AgreementFee,
    EmergencyCall,
    Evaluation,
    Insurer,
    InsurerContact,
    Meeting,
    Provider,
    Responsibility,
    ScorecardReview,
    SelectionCriterion,
)
from claimops.partners.rules import PROCESS_STEPS
from claimops.policies.models import Policy
from claimops.users.actor import Actor
from claimops.users.models import User
from claimops.users.roles import Role
from claimops.users.service import actor_for, create_user

PARTNER_USER = ("partner1", "宋文")
TYPE_OF = {"hospital": "hospital", "garage": "repair_shop", "adjuster": "loss_assessor"}
KIND_OF = {"hospital": "treatment", "repair_shop": "repair", "loss_assessor": "investigation"}
# standards per type: on site (hours), report (days), finish (days)
STANDARDS = {"loss_assessor": (4, 3, None), "repair_shop": (None, 2, 7), "hospital": (None, 5, None)}
BASE_COST = {"loss_assessor": 600, "repair_shop": 3500, "hospital": 4200, "towing": 500, "legal": 8000}
INSURERS = (
    ("PICC", "中国人民财产保险股份有限公司"),
    ("PINGAN", "中国平安财产保险股份有限公司"),
    ("CPIC", "中国太平洋财产保险股份有限公司"),
)
EXTRA = (  # providers the claims do not name yet: towing, legal, a suspended one, a candidate
    (7001, "北京安途道路救援有限公司", "towing", "北京", "active"),
    (7002, "上海速援汽车救援服务有限公司", "towing", "上海", "active"),
    (7101, "北京明理律师事务所", "legal", "北京", "active"),
    (7102, "广州正衡律师事务所", "legal", "广东", "suspended"),
    (7201, "杭州信达保险公估有限公司", "loss_assessor", "浙江", "candidate"),
)
CRITERIA = {
    "loss_assessor": (("资质与执业年限", 35), ("网点覆盖", 25), ("收费水平", 20), ("历史服务质量", 20)),
    "repair_shop": (("厂商授权与设备", 30), ("维修质量", 30), ("工时与配件价格", 25), ("交车时效", 15)),
    "hospital": (("医院等级", 40), ("直付结算能力", 30), ("收费合规", 30)),
    "towing": (("响应时间", 50), ("车辆与网点", 30), ("收费水平", 20)),
    "legal": (("保险案件经验", 50), ("收费水平", 30), ("响应", 20)),
}


def seed_providers(engine: Engine) -> None:
    """Every provider the demo claims name (names.PROVIDERS), plus a few more, before the claims."""
    rows = [
        {"id": pid, "name": name, "type": TYPE_OF[kind], "region": region, "status": "active"}
        for pid, kind, name, region in names.PROVIDERS
    ] + [{"id": p[0], "name": p[1], "type": p[2], "region": p[3], "status": p[4]} for p in EXTRA]
    with unit_of_work(engine) as session:
        have = set(session.scalars(select(Provider.id)))
        new = [r for r in rows if r["id"] not in have]
        if new:
            session.execute(insert(Provider), new)
        if engine.dialect.name == "postgresql":
            session.execute(
                select(
                    func.setval(
                        func.pg_get_serial_sequence("providers", "id"),
                        select(func.max(Provider.id)).scalar_subquery(),
                    )
                )
            )


def seed_partners(
    engine: Engine, *, seed: int, password: str, settings: Settings
) -> tuple[list[tuple[str, str]], int]:
    """Everything else, built on the loaded claims; returns the demo user it adds and the number of
    claim events the settlements added (supplementary decisions are the claims core's events)."""
    rng = random.Random(seed)
    with unit_of_work(engine) as session:
        if session.scalar(select(func.count()).select_from(Insurer)):
            return [], 0
        last = session.scalar(select(func.max(Claim.reported_at)))
        if last is None:
            return [], 0
        events_before = session.scalar(select(func.count()).select_from(ClaimEvent)) or 0
        end = local_date(last)
        user = create_user(
            session=session,
            username=PARTNER_USER[0],
            password=password,
            role=Role.PARTNER_MANAGER.value,
            full_name=PARTNER_USER[1],
        )
        insurer_ids = _insurers(session, rng, end)
        # one pass over the policies: policy i goes to insurer i mod 3
        by_rest = dict(enumerate(insurer_ids))
        session.execute(update(Policy).values(insurer_id=case(by_rest, value=Policy.id % len(insurer_ids))))
        agreements = _providers_and_agreements(session, rng, end, user.id)
        _assignments(session.connection(), seed, agreements)
        manager = session.scalar(select(User).where(User.role == Role.MANAGER.value).order_by(User.id))
        if manager is not None:
            _disputes(session, rng, actor_for(manager, settings), settings, end)
        _reviews(session, rng, end, user.id)
        added = (session.scalar(select(func.count()).select_from(ClaimEvent)) or 0) - events_before
    return [(PARTNER_USER[0], Role.PARTNER_MANAGER.value)], added


def _insurers(session: Session, rng: random.Random, end: date) -> list[int]:
    ids = []
    people = ("张伟", "李娜", "王磊", "刘敏", "陈杰", "杨丽", "赵军", "黄霞", "周涛")
    for k, (code, name) in enumerate(INSURERS):
        ins = Insurer(code=code, name=name)
        session.add(ins)
        session.flush()
        ids.append(ins.id)
        chain = []
        for order, (title, hours) in enumerate(
            (("理赔对接专员", "09:00-18:00"), ("理赔部经理", "08:00-22:00"), ("分管副总", "24小时")), 1
        ):
            c = InsurerContact(
                insurer_id=ins.id,
                name=people[(3 * k + order - 1) % len(people)],
                title=title,
                phone=f"1391000{k}{order:03d}",
                emergency_order=order,
                hours=hours,
            )
            session.add(c)
            chain.append(c)
        session.add(
            InsurerContact(insurer_id=ins.id, name="客服中心", title="客服", phone="95500", hours="24小时")
        )
        for step, within in zip(PROCESS_STEPS, (2, 24, 72, 48, 24), strict=True):
            session.add(
                Responsibility(
                    insurer_id=ins.id,
                    step=step,
                    responsible="理赔部" if step != "payment" else "财务部",
                    approver=f"{code} 理赔部经理",
                    within_hours=within,
                )
            )
        session.flush()
        day = date(end.year - 1, end.month, 1)
        while day <= end:  # a meeting a month, with action items
            m = Meeting(
                insurer_id=ins.id,
                held_on=day + timedelta(days=rng.randint(5, 20)),
                attendees=f"{chain[0].name}、{chain[1].name}、郭志强、陈静",
                minutes="通报上月理赔时效与争议案件；对齐材料清单与直赔结算口径。",
            )
            if m.held_on > end:
                break
            session.add(m)
            session.flush()
            for title in rng.sample(
                [
                    "统一医疗票据要求",
                    "缩短大额案件审批时限",
                    "共享欺诈线索",
                    "对账差异处理",
                    "简化小额案件材料",
                ],
                2,
            ):
                due = m.held_on + timedelta(days=rng.randint(14, 45))
                done = due < end - timedelta(days=10) and rng.random() < 0.8
                session.add(
                    ActionItem(
                        meeting_id=m.id,
                        title=title,
                        owner=rng.choice(["陈静", "李强", "郭志强", chain[0].name]),
                        due_on=due,
                        status="done" if done else "open",
                        closed_on=due - timedelta(days=rng.randint(0, 10)) if done else None,
                    )
                )
            for _ in range(rng.choice((0, 0, 1))):
                at = datetime.combine(m.held_on + timedelta(days=rng.randint(1, 25)), datetime.min.time())
                session.add(
                    EmergencyCall(
                        insurer_id=ins.id,
                        contact_id=chain[rng.choice((0, 0, 1))].id,
                        called_at=as_utc(at.replace(hour=rng.randint(1, 14))),
                        reason="重大事故/群体伤亡案件紧急报告",
                    )
                )
            day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    session.flush()
    return ids


def _providers_and_agreements(
    session: Session, rng: random.Random, end: date, user_id: int
) -> dict[int, Agreement]:
    for type_, items in CRITERIA.items():
        for name, weight in items:
            session.add(SelectionCriterion(provider_type=type_, name=name, weight=weight))
    out: dict[int, Agreement] = {}
    start = date(end.year - 3, 1, 1)
    for p in session.scalars(select(Provider).order_by(Provider.id)):
        if p.status == "candidate":
            continue
        on_site, report, finish = STANDARDS.get(p.type, (2, 1, None))
        expiring = rng.random() < 0.12
        ag = Agreement(
            number=f"AG-{p.id}",
            provider_id=p.id,
            scope=f"{p.name}：按协议提供服务",
            on_site_hours=on_site,
            report_days=report,
            finish_days=finish,
            start_on=start,
            end_on=end + timedelta(days=rng.randint(10, 50) if expiring else rng.randint(200, 700)),
            signed_by=user_id,
        )
        session.add(ag)
        session.flush()
        base = BASE_COST.get(p.type, 1000)
        session.add(AgreementFee(agreement_id=ag.id, item="基本服务费", amount=Decimal(base)))
        out[p.id] = ag
        if p.id % 17 == 0:  # a recorded selection for some
            crits = CRITERIA.get(p.type, ())
            scores = {n: rng.randint(60, 95) for n, _ in crits}
            total = sum(w * scores[n] for n, w in crits) / max(sum(w for _, w in crits), 1)
            session.add(
                Evaluation(
                    provider_id=p.id,
                    scores=scores,
                    total=Decimal(str(round(total, 2))),
                    decision="select",
                    decided_by=user_id,
                    decided_at=as_utc(datetime.combine(start, datetime.min.time())),
                )
            )
    session.flush()
    return out


def _assignments(conn: Connection, seed: int, agreements: dict[int, Agreement]) -> None:
    """Per provider a speed and a price of its own: some slower than the standard, some dearer than
    peers. Drawn as vectors over the latest claims with a provider, written through the bulk writer."""
    rng = np.random.default_rng(seed + 13)
    rows = conn.execute(
        select(Claim.id, Claim.provider_id, cast(extract("epoch", Claim.reported_at), BigInteger))
        .where(Claim.provider_id.in_(list(agreements)))
        .order_by(Claim.id.desc())
        .limit(20_000)
    ).all()
    if not rows:
        return
    cols = np.array(rows, dtype=np.int64).reshape(-1, 3)
    claim, provider, reported = cols[:, 0], cols[:, 1], cols[:, 2]
    pids = np.array(sorted(agreements), dtype=np.int64)
    speed_of = rng.choice(np.array((0.4, 0.5, 0.6, 0.6, 0.7, 1.5)), size=len(pids))
    price_of = rng.choice(np.array((0.85, 0.95, 1.0, 1.05, 1.3, 1.5)), size=len(pids))
    types = {int(i): str(t) for i, t in conn.execute(select(Provider.id, Provider.type))}
    kinds = sorted(set(types.values()))
    k = np.searchsorted(pids, provider)
    type_ = np.array([kinds.index(types[int(p)]) for p in pids.tolist()])[k]
    standard = np.array([STANDARDS.get(t, (2, 1, None)) for t in kinds], dtype=float)  # None: nan
    on_site, report, finish = standard[type_, 0], standard[type_, 1], standard[type_, 2]
    base_cost = np.array([BASE_COST[t] for t in kinds], dtype=float)[type_]
    n = len(claim)
    at = reported + (rng.uniform(0.5, 6, n) * 3600).astype(np.int64)
    f = speed_of[k] * rng.uniform(0.6, 1.3, n)
    cost = np.round(base_cost * price_of[k] * rng.uniform(0.7, 1.3, n) * 100).astype(np.int64)

    def after(span: Arr, unit: int) -> Arr:
        return np.where(np.isnan(span), -1, at + np.nan_to_num(span * f * unit).astype(np.int64))

    agreement = np.array([agreements[int(p)].id for p in pids.tolist()], dtype=np.int64)[k]
    kind_table: list[str | None] = [KIND_OF.get(t, t) for t in kinds]
    ids = next_ids(conn, "assignments", n)
    cols_: Rows = [
        ("id", Col("int", ids)),
        ("claim_id", Col("int", claim)),
        ("provider_id", Col("int", provider)),
        ("agreement_id", Col("int", agreement)),
        ("kind", Col("label", type_, table=kind_table)),
        ("assigned_at", Col("ts", at)),
        ("arrived_at", opt("ts", after(on_site, 3600))),
        ("reported_at", Col("ts", after(np.nan_to_num(report, nan=3.0), DAY))),
        ("finished_at", opt("ts", after(finish, DAY))),
        ("cost", Col("money", cost)),
        ("assigned_by", Col("int", np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))),
    ]
    day_lo = int(at.min()) // DAY - 1
    day_hi = int(at.max()) // DAY + 60
    write_columns(conn, {"assignments": cols_}, day_lo, day_hi)


def _disputes(session: Session, rng: random.Random, actor: Actor, settings: Settings, end: date) -> None:
    """On denied or partly approved claims that ended at least 90 days before the data's end."""
    limit_day = as_utc(datetime.combine(end - timedelta(days=90), datetime.min.time()))
    # a loaded claim's updated_at is the time of its last event (the demo loader writes it so)
    candidates = session.scalars(
        select(Claim.id)
        .where(
            Claim.outcome.in_(("denied", "partial")),
            Claim.status.in_(("closed", "paid")),
            Claim.updated_at < limit_day,
        )
        .order_by(Claim.id)
    ).all()
    picked = rng.sample(list(candidates), min(len(candidates), 40))
    chosen = session.execute(
        select(
            Claim.claim_number, Claim.claimed_amount, Claim.approved_amount, Claim.outcome, Claim.updated_at
        ).where(Claim.id.in_(picked))
    ).all()
    for number, claimed, approved, _outcome, last in sorted(chosen, key=lambda r: r[4]):
        decided = approved or Decimal(0)
        gap = claimed - decided
        if gap <= 100:
            continue
        opened = last + timedelta(days=rng.randint(3, 20))
        d = open_dispute(
            session=session,
            actor=actor,
            cmd=DisputeIn(
                claim_number=number,
                party=rng.choice(("customer", "customer", "customer", "insurer")),
                reason=rng.choice(("amount", "amount", "coverage", "liability")),
                disputed_amount=claimed,
            ),
            now=opened,
        )
        fate = rng.random()
        t = opened + timedelta(days=rng.randint(2, 6))
        move(
            session=session,
            actor=actor,
            dispute_id=d.id,
            cmd=MoveIn(stage="negotiation"),
            now=t,
            settings=settings,
        )
        if fate < 0.15:
            continue  # still negotiating
        if fate < 0.3:
            t += timedelta(days=rng.randint(10, 25))
            move(
                session=session,
                actor=actor,
                dispute_id=d.id,
                cmd=MoveIn(stage="mediation"),
                now=t,
                settings=settings,
            )
        t += timedelta(days=rng.randint(5, 40))
        if fate > 0.9:
            move(
                session=session,
                actor=actor,
                dispute_id=d.id,
                cmd=MoveIn(stage="withdrawn", note="客户撤回"),
                now=t,
                settings=settings,
            )
            continue
        if fate > 0.75:  # settled at the decision: nothing changes on the claim
            settled = decided
        else:
            settled = (decided + gap * Decimal(str(rng.uniform(0.3, 0.7)))).quantize(Decimal("0.01"))
        move(
            session=session,
            actor=actor,
            dispute_id=d.id,
            cmd=MoveIn(stage="resolved", settled_amount=settled, outcome="协商一致，按和解金额赔付"),
            now=t,
            settings=settings,
        )


def _reviews(session: Session, rng: random.Random, end: date, user_id: int) -> None:
    """Comments and improvement actions for some providers in the last full quarter."""
    q = (end.month - 1) // 3
    year = end.year if q else end.year - 1
    q = q or 4
    label = f"{year}-Q{q}"
    slow = session.scalars(select(Provider.id).where(Provider.status == "active").order_by(Provider.id)).all()
    for pid in rng.sample(list(slow), min(6, len(slow))):
        session.add(
            ScorecardReview(
                provider_id=pid,
                period=label,
                comments="到场时效未达协议标准，费用高于同类机构平均水平。",
                reviewer_id=user_id,
                at=as_utc(datetime.combine(end, datetime.min.time())),
            )
        )
        session.add(
            ActionItem(
                provider_id=pid,
                title="提交到场时效整改方案并按月报告",
                owner="宋文",
                due_on=end + timedelta(days=rng.randint(-10, 40)),
                status="open",
            )
        )
    session.flush()
