"""Demo data for the claimant side: portal accounts, survey invitations and answers consistent with
the claims, Chinese comments, and improvement actions with a measurable effect.

Answers follow the claims: slow or denied claims score lower; handlers who work faster score higher;
a timeliness action started mid-way lifts timeliness after its start. Same data for the same seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Connection, Engine, case, cast, extract, func, insert, select

from claimops.bulkload import Col, Rows, opt
from claimops.claims.columnar import DAY, Arr
from claimops.claims.models import Claim, ClaimTiming
from claimops.clock import as_utc, utcnow
from claimops.customers.models import CustomerAccount
from claimops.demo.columns import next_ids, write_columns
from claimops.policies.models import Policy
from claimops.surveys.models import ImprovementAction, SurveyResponse
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
TOPIC = {topic: i for i, topic in enumerate(COMMENTS)}
COMMENT_TABLE: list[str | None] = [*(text for texts in COMMENTS.values() for text in texts), ""]  # -1: none
COMMENT_COUNT = np.array([len(texts) for texts in COMMENTS.values()], dtype=np.int64)
COMMENT_BASE = np.cumsum(np.r_[0, COMMENT_COUNT])[:-1]
CHANNELS: list[str | None] = ["online", "phone"]
REJECTED, DENIED = 1, 1  # flags read from the claims (status rejected, outcome denied)
SHANGHAI = 8 * 3600


@dataclass(frozen=True)
class CustomerSeedReport:
    accounts: int
    invitations: int
    responses: int
    actions: int


def seed_customers(engine: Engine, *, seed: int = 42) -> CustomerSeedReport:
    rng = np.random.default_rng(seed + 11)
    with engine.connect() as conn, conn.begin():
        c = _finished_claims(conn)
        n = len(c["id"])
        if not n:
            return CustomerSeedReport(0, 0, 0, 0)
        handling = c["handling"]
        typical = float(np.median(handling)) or 1.0
        slow = handling / typical
        # a handler's record: how much faster than typical their claims finish (−0.4 … +0.4)
        handled = c["handler"] >= 0
        record = np.zeros(n)
        if handled.any():
            medians = pd.Series(slow[handled]).groupby(c["handler"][handled]).median()
            per = np.clip(0.8 * (1 - medians), -0.4, 0.4)
            record[handled] = per.reindex(c["handler"][handled]).to_numpy()
        done = c["completed_at"]
        days = (done + SHANGHAI) // DAY  # local dates as day numbers
        last_day = int(days.max())
        last = date(1970, 1, 1) + timedelta(days=last_day)
        action_start = last - timedelta(days=120)
        _accounts(conn)
        # every draw as a vector, one per claim, in a fixed order: same seed, same data
        phone = rng.random(n) < 0.12
        nonce_tail = rng.integers(10**15, size=n)
        responds = rng.random(n) < np.where(phone, RESPONSE_RATE["phone"], RESPONSE_RATE["online"])
        noise = rng.normal(0, 0.6, size=(n, 5))
        nps_noise = rng.normal(0, 1.2, size=n)
        u = rng.random((n, 4))  # comment or not, amount topic, attitude topic, which comment
        after = rng.uniform(0.2, 6, size=n)
        denied = (c["status"] == REJECTED) | (c["outcome"] == DENIED)
        base = 4.5 - 0.9 * np.maximum(slow - 1, 0) - np.where(denied, 1.6, 0) + record
        after_action = days >= last_day - 120
        timeliness = base - 0.6 * np.minimum(slow, 3) + np.where(after_action, 0.7, 0)
        communication = base - 0.4 + np.where(after_action, 0.3, 0)

        def score(x: Arr, k: int) -> Arr:
            return np.clip(np.round(x + noise[:, k]), 1, 5).astype(np.int64)

        overall, t, cm, pro = (
            score(base, 0),
            score(timeliness, 1),
            score(communication, 2),
            score(base + 0.2, 3),
        )
        docs = score(base - 0.3, 4)
        nps = np.clip(np.round(2 * overall + nps_noise), 0, 10).astype(np.int64)
        # the weakest of speed, communication and documents (ties: the name first in order)
        weakest_key = np.stack([cm * 3 + 0, docs * 3 + 1, t * 3 + 2], axis=1)
        weakest = np.argmin(weakest_key, axis=1)
        weakest_score = np.min(weakest_key, axis=1) // 3
        weakest_topic = np.array([TOPIC["communication"], TOPIC["documents"], TOPIC["speed"]])[weakest]
        topic = np.where(
            (overall >= 4) & (weakest_score >= 4),
            TOPIC["praise"],
            np.where(
                denied & (u[:, 1] < 0.5),
                TOPIC["amount"],
                np.where(u[:, 2] < 0.8, weakest_topic, TOPIC["attitude"]),
            ),
        )
        comment = np.where(
            u[:, 0] < 0.55, COMMENT_BASE[topic] + (u[:, 3] * COMMENT_COUNT[topic]).astype(np.int64), -1
        )
        answered_at = done + (after * DAY).astype(np.int64)
        ids = next_ids(conn, "survey_invitations", n)
        trigger = np.where(c["status"] == REJECTED, 0, np.where(c["outcome"] == DENIED, 1, 2))
        nonces = [
            f"{seed:04d}{i:012d}{r:015d}"[:32]
            for i, r in zip(c["id"].tolist(), nonce_tail.tolist(), strict=True)
        ]
        channel = phone.astype(np.int64)
        invitations: Rows = [
            ("id", Col("int", ids)),
            ("claim_id", Col("int", c["id"])),
            ("customer_id", Col("int", c["customer"])),
            ("trigger", Col("label", trigger, table=["rejected", "denied", "paid"])),
            ("channel", Col("label", channel, table=CHANNELS)),
            ("nonce", Col("text", nonces)),
            ("sent_at", Col("ts", done)),
            ("expires_at", Col("ts", done + 30 * DAY)),
            ("responded_at", opt("ts", np.where(responds, answered_at, -1))),
        ]
        r = np.flatnonzero(responds)
        answer_ids = next_ids(conn, "survey_responses", len(r))
        answers: Rows = [
            ("id", Col("int", answer_ids)),
            ("invitation_id", Col("int", ids[r])),
            ("claim_id", Col("int", c["id"][r])),
            ("channel", Col("label", channel[r], table=CHANNELS)),
            ("overall", Col("int", overall[r])),
            ("timeliness", Col("int", t[r])),
            ("communication", Col("int", cm[r])),
            ("professionalism", Col("int", pro[r])),
            ("nps", Col("int", nps[r])),
            ("comment", Col("label", comment[r], table=COMMENT_TABLE)),
            ("responded_at", Col("ts", answered_at[r])),
            ("entered_by", Col("label", channel[r], table=["", "handler1"])),
        ]
        lo, hi = int(days.min()) - 1, last_day + 40
        write_columns(conn, {"survey_invitations": invitations, "survey_responses": answers}, lo, hi)
        reviews = _reviews(rng, last)
        conn.execute(insert(SurveyResponse), reviews)
        actions = _actions(action_start, last)
        conn.execute(insert(ImprovementAction), actions)
        accounts = conn.scalar(select(func.count()).select_from(CustomerAccount)) or 0
    return CustomerSeedReport(int(accounts), n, len(r) + len(reviews), len(actions))


def _finished_claims(conn: Connection) -> dict[str, Arr]:
    """The claims that ended (paid, closed or rejected), as columns; times as epoch seconds."""
    rows = conn.execute(
        select(
            Claim.id,
            Claim.customer_id,
            case((Claim.status == "rejected", REJECTED), else_=0),
            case((Claim.outcome == "denied", DENIED), else_=0),
            func.coalesce(Claim.handler_id, -1),
            func.coalesce(ClaimTiming.handling_s, 0),
            cast(extract("epoch", ClaimTiming.completed_at), BigInteger),
        )
        .join(ClaimTiming, ClaimTiming.claim_id == Claim.id)
        .where(Claim.status.in_(("paid", "closed", "rejected")), ClaimTiming.completed_at.is_not(None))
        .order_by(Claim.id)
    ).all()
    cols = np.array(rows, dtype=np.int64).reshape(-1, 7)
    names_ = ("id", "customer", "status", "outcome", "handler", "handling", "completed_at")
    return {k: cols[:, i] for i, k in enumerate(names_)}


def _accounts(conn: Connection) -> None:
    # claimants whose latest policy ends last: in force today, so a demo login can report a new claim
    latest = (
        select(Policy.customer_id, func.max(Policy.effective_to).label("ends"))
        .group_by(Policy.customer_id)
        .subquery()
    )
    customers = conn.scalars(
        select(latest.c.customer_id)
        .where(latest.c.customer_id.in_(select(Claim.customer_id)))
        .order_by(latest.c.ends.desc(), latest.c.customer_id)
        .limit(PORTAL_ACCOUNTS)
    ).all()
    hashed = hash_password(PORTAL_PASSWORD)
    conn.execute(
        insert(CustomerAccount),
        [
            {
                "customer_id": cid,
                "email": f"demo{i}@example.com",
                "password_hash": hashed,
                "lang": "zh",
                "active": True,
                "token_version": 0,
                "created_at": utcnow(),
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
