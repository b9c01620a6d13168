"""Demo data for the claimant side: portal accounts, survey invitations and answers consistent with
the claims, Chinese comments, and improvement actions with a measurable effect.

Answers follow the claims: slow or denied claims score lower; handlers who work faster score higher;
a timeliness action started mid-way lifts timeliness after its start. Same data for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

import numpy as np
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimTiming
from claimops.clock import as_utc, local_date
from claimops.customers.models import Customer, CustomerAccount
from claimops.db import unit_of_work
from claimops.surveys.models import ImprovementAction, SurveyInvitation, SurveyResponse
from claimops.users.security import hash_password

PORTAL_PASSWORD = "demo-portal-2026"
PORTAL_ACCOUNTS = 20
RESPONSE_RATE = {"online": 0.38, "phone": 0.7}

COMMENTS = {
    "speed": [
        "理赔太慢了，等了很久才有结果",
        "审核时间太长，一直在等",
        "赔款到账速度慢，希望能快一点",
        "周期太长，进度拖延",
    ],
    "communication": ["没有人主动联系我告知进度", "电话打了好几次才有回复", "希望能及时通知进度，解释清楚"],
    "documents": ["材料要求太多，手续繁琐", "补充材料来回好几次，很麻烦", "不清楚要准备哪些资料"],
    "attitude": ["客服态度冷淡，有点敷衍", "工作人员很耐心，服务专业"],
    "amount": ["赔付金额比预期少，扣除的部分没说明", "赔款金额合理，满意"],
    "praise": ["处理很快，服务很好", "理赔顺利，非常满意", "流程简单，速度快，点赞"],
}


@dataclass(frozen=True)
class CustomerSeedReport:
    accounts: int
    invitations: int
    responses: int
    actions: int


def seed_customers(engine: Engine, *, seed: int = 42) -> CustomerSeedReport:
    rng = np.random.default_rng(seed + 11)
    with unit_of_work(engine) as session:
        claims = session.execute(
            select(
                Claim.id,
                Claim.customer_id,
                Claim.status,
                Claim.outcome,
                Claim.handler_id,
                Claim.updated_at,
                ClaimTiming.handling_s,
                ClaimTiming.review_s,
                ClaimTiming.completed_at,
            )
            .join(ClaimTiming, ClaimTiming.claim_id == Claim.id)
            .where(Claim.status.in_(("paid", "closed", "rejected")), ClaimTiming.completed_at.is_not(None))
            .order_by(Claim.id)
        ).all()
        if not claims:
            return CustomerSeedReport(0, 0, 0, 0)
        handling = [c.handling_s or 0 for c in claims]
        typical = median(handling) or 1
        per_handler: dict[int, list[float]] = {}
        for c in claims:
            if c.handler_id is not None:
                per_handler.setdefault(c.handler_id, []).append((c.handling_s or 0) / typical)
        # a handler's record: how much faster than typical their claims finish (−0.4 … +0.4)
        record = {h: float(np.clip(0.8 * (1 - median(v)), -0.4, 0.4)) for h, v in per_handler.items()}
        last = max(local_date(as_utc(c.completed_at)) for c in claims)
        action_start = last - timedelta(days=120)
        _accounts(session)
        invitations, answers = [], []
        for c in claims:
            done = as_utc(c.completed_at)
            channel = "phone" if rng.random() < 0.12 else "online"
            inv = {
                "claim_id": c.id,
                "customer_id": c.customer_id,
                "trigger": "rejected"
                if c.status == "rejected"
                else ("denied" if c.outcome == "denied" else "paid"),
                "channel": channel,
                "nonce": f"{seed:04d}{c.id:012d}{int(rng.integers(10**15)):015d}"[:32],
                "sent_at": done,
                "expires_at": done + timedelta(days=30),
                "responded_at": None,
            }
            invitations.append(inv)
            if rng.random() >= RESPONSE_RATE[channel]:
                continue
            slow = (c.handling_s or 0) / typical
            denied = c.status == "rejected" or c.outcome == "denied"
            base = 4.5 - 0.9 * max(slow - 1, 0) - (1.6 if denied else 0) + record.get(c.handler_id or -1, 0)
            after_action = local_date(done) >= action_start
            timeliness = base - 0.6 * min(slow, 3) + (0.7 if after_action else 0)
            communication = base - 0.4 + (0.3 if after_action else 0)

            def score(x: float) -> int:
                return int(np.clip(round(x + rng.normal(0, 0.6)), 1, 5))

            overall = score(base)
            t, cm, pro = score(timeliness), score(communication), score(base + 0.2)
            nps = int(np.clip(round(2 * overall + rng.normal(0, 1.2)), 0, 10))
            comment = ""
            if rng.random() < 0.55:
                weakest = min((t, "speed"), (cm, "communication"), (score(base - 0.3), "documents"))
                if overall >= 4 and weakest[0] >= 4:
                    topic = "praise"
                elif denied and rng.random() < 0.5:
                    topic = "amount"
                else:
                    topic = weakest[1] if rng.random() < 0.8 else "attitude"
                options = COMMENTS[topic]
                comment = options[int(rng.integers(len(options)))]
            at = done + timedelta(days=float(rng.uniform(0.2, 6)))
            inv["responded_at"] = at
            answers.append(
                {
                    "claim_id": c.id,
                    "channel": channel,
                    "overall": overall,
                    "timeliness": t,
                    "communication": cm,
                    "professionalism": pro,
                    "nps": nps,
                    "comment": comment,
                    "responded_at": at,
                    "entered_by": "handler1" if channel == "phone" else "",
                    "_nonce": inv["nonce"],
                }
            )
        session.execute(insert(SurveyInvitation), invitations)
        rows = session.execute(select(SurveyInvitation.nonce, SurveyInvitation.id))
        ids: dict[str, int] = dict(rows.all())  # rows are (nonce, id) pairs
        for a in answers:
            a["invitation_id"] = ids[a.pop("_nonce")]
        reviews = _reviews(rng, last)
        session.execute(insert(SurveyResponse), answers + reviews)
        actions = _actions(action_start, last)
        session.execute(insert(ImprovementAction), actions)
        accounts = session.scalar(select(func.count()).select_from(CustomerAccount)) or 0
    return CustomerSeedReport(int(accounts), len(invitations), len(answers) + len(reviews), len(actions))


def _accounts(session: Session) -> None:
    customers = session.scalars(
        select(Customer.id)
        .join(Claim, Claim.customer_id == Customer.id)
        .group_by(Customer.id)
        .order_by(Customer.id)
        .limit(PORTAL_ACCOUNTS)
    ).all()
    hashed = hash_password(PORTAL_PASSWORD)
    session.execute(
        insert(CustomerAccount),
        [
            {
                "customer_id": cid,
                "email": f"demo{i}@example.com",
                "password_hash": hashed,
                "lang": "zh",
                "active": True,
                "token_version": 0,
            }
            for i, cid in enumerate(customers, start=1)
        ],
    )


def _reviews(rng: np.random.Generator, last: date) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(60):
        day = last - timedelta(days=int(rng.integers(0, 360)))
        overall = int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.12, 0.18, 0.3, 0.3]))
        topic = "praise" if overall >= 4 else ("speed" if i % 2 else "communication")
        out.append(
            {
                "claim_id": None,
                "invitation_id": None,
                "channel": "review",
                "overall": overall,
                "timeliness": None,
                "communication": None,
                "professionalism": None,
                "nps": None,
                "comment": COMMENTS[topic][i % len(COMMENTS[topic])],
                "responded_at": as_utc(datetime(day.year, day.month, day.day, 4)),
                "entered_by": "import",
            }
        )
    return out


def _actions(start: date, last: date) -> list[dict[str, object]]:
    now = as_utc(datetime(start.year, start.month, start.day, 2))
    return [
        {
            "problem": "审核环节时效慢（调查意见“时效”主题集中在审核阶段）",
            "source": "survey_theme",
            "metric": "timeliness",
            "owner": "审核组 reviewer1",
            "due_date": start + timedelta(days=60),
            "started_on": start,
            "status": "done",
            "created_at": now,
        },
        {
            "problem": "进度通知不及时：上线报案后自动短信/邮件通知",
            "source": "complaint",
            "metric": "communication",
            "owner": "客服组 handler1",
            "due_date": start + timedelta(days=45),
            "started_on": start,
            "status": "done",
            "created_at": now,
        },
        {
            "problem": "材料清单说明不清：客户自助平台增加材料示例",
            "source": "kpi",
            "metric": "overall",
            "owner": "运营 manager",
            "due_date": last + timedelta(days=30),
            "started_on": last - timedelta(days=20),
            "status": "in_progress",
            "created_at": now,
        },
    ]


__all__ = ["PORTAL_PASSWORD", "seed_customers"]
