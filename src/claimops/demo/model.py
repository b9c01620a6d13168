"""What demo data is: its encodings, the reference tables the generators share, the demo staff and
`DemoData`. Times are int64 seconds since the Unix epoch (UTC), dates int32 days since 1970-01-01,
money int64 cents, coinsurance rates int basis points, categories small ints indexing the tuples
here (-1 for "none"); staff are indexes into STAFF, -1 being the system."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from claimops.claims.checklist import doc_types
from claimops.claims.lifecycle import Action, Outcome, Status
from claimops.claims.settlement import REASON_CODES
from claimops.demo import names
from claimops.payments.methods import PaymentMethod
from claimops.policies.lines import LINES as LINE_ENUMS

Arr = npt.NDArray[Any]
Cols = dict[str, Arr]

DAY = 86_400
HOUR = 3_600
MINUTE = 60
SHANGHAI_OFFSET = 8 * HOUR  # Asia/Shanghai has kept UTC+8, without DST, since 1991
EPOCH = date(1970, 1, 1)

LINES: tuple[str, ...] = tuple(str(x) for x in LINE_ENUMS)
AUTO, HEALTH, PROPERTY, OTHER = (LINES.index(x) for x in ("auto", "health", "property", "other"))
LINE_SHARE = np.array([0.55, 0.30, 0.12, 0.03])
STATUSES: tuple[Status, ...] = tuple(Status)
ACTIONS: tuple[Action, ...] = tuple(Action)
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
APPROVED, PARTIAL, DENIED = (OUTCOMES.index(o) for o in (Outcome.APPROVED, Outcome.PARTIAL, Outcome.DENIED))
METHODS: tuple[str, ...] = tuple(str(m) for m in PaymentMethod)
BANK, DIRECT = METHODS.index("bank_transfer"), METHODS.index("direct_to_provider")
REASONS: tuple[str, ...] = REASON_CODES
PATTERNS = ("", "auto_early_night_round", "health_repeat_provider", "property_near_expiry_large")
CHANNELS: tuple[str, ...] = tuple(c for c, _ in names.CHANNELS)
REGIONS: tuple[str, ...] = tuple(r for r, _, _ in names.REGIONS)
PROVIDER_IDS = np.array([p[0] for p in names.PROVIDERS], dtype=np.int32)
PROVIDER_NAMES: dict[int, str] = {p[0]: p[2] for p in names.PROVIDERS}

# Every document type in a fixed order; per line the required ones and the two optional extras.
REQUIRED: tuple[tuple[str, ...], ...] = tuple(tuple(doc_types(line)[0]) for line in LINES)
OPTIONAL_ASKED = (("invoice",), ("bank_card",), ("invoice", "bank_card"))
DOC_TYPES: tuple[str, ...] = tuple(dict.fromkeys([d for r in REQUIRED for d in r] + ["invoice", "bank_card"]))
IMAGE_DOCS = frozenset({"id_card", "driving_licence", "photos", "bank_card"})

NOTES = (
    "",
    "不属于保险责任",
    "保险事故不在保险期间内",
    "请补充材料",
    "转调查",
    "调查完毕",
    "客户撤案",
    "客户申诉，重新审核",
    "补充材料，申请追加赔付",
    "STP",
    "追加定损：损失高于原报损金额",
)
(
    N_NONE,
    N_NOT_COVERED,
    N_NOT_IN_FORCE,
    N_DOCS,
    N_INVESTIGATE,
    N_INVESTIGATED,
    N_WITHDRAW,
    N_APPEAL,
    N_SUPPLEMENT,
    N_STP,
    N_ABOVE_CLAIMED,
) = range(len(NOTES))

DESCRIPTIONS: tuple[tuple[str, ...], ...] = (
    (
        "追尾事故，后保险杠受损",
        "停车时被刮擦",
        "单方事故撞护栏",
        "暴雨导致车辆涉水",
        "前挡风玻璃破碎",
        "倒车撞到立柱",
    ),
    ("急性阑尾炎住院治疗", "肺炎住院", "骨折手术", "门诊手术", "流感住院", "胆结石手术"),
    ("暴雨导致室内进水", "水管爆裂浸泡地板", "厨房火灾", "台风损坏门窗", "入室盗窃", "雷击损坏电器"),
    ("航班延误", "意外摔伤", "行李丢失", "宠物医疗"),
)


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str
    full_name: str
    authority: int | None  # cents; None: no limit set on the user


def _staff() -> tuple[StaffMember, ...]:
    handlers = "陈静 李强 王芳 赵磊 刘洋 周敏 黄婷 吴鹏".split()
    reviewers = "孙伟 郑涛 马丽 朱军".split()
    return (
        *(StaffMember(f"handler{i}", "handler", n, 1_000_000) for i, n in enumerate(handlers, 1)),
        *(StaffMember(f"reviewer{i}", "reviewer", n, 5_000_000) for i, n in enumerate(reviewers, 1)),
        StaffMember("approver1", "approver", "高建国", 100_000_000),
        StaffMember("approver2", "approver", "林秀兰", 100_000_000),
        StaffMember("finance1", "finance", "何玲", None),
        StaffMember("finance2", "finance", "罗刚", None),
        StaffMember("manager", "manager", "郭志强", 500_000_000),
        StaffMember("admin", "admin", "系统管理员", None),
        StaffMember("auditor", "auditor", "审计员", None),
    )


STAFF: tuple[StaffMember, ...] = _staff()
SYSTEM = -1
STP_LIMIT = 500_000  # cents: the system decides clean claims up to settings.stp_limit (5,000)
_ROLE_IDX = {r: np.array([i for i, s in enumerate(STAFF) if s.role == r], dtype=np.int16) for r in
             ("handler", "reviewer", "approver", "finance")}  # fmt: skip
HANDLERS, REVIEWERS, APPROVERS, FINANCE = (
    _ROLE_IDX[r] for r in ("handler", "reviewer", "approver", "finance")
)
MANAGER = next(i for i, s in enumerate(STAFF) if s.role == "manager")
ADMIN = next(i for i, s in enumerate(STAFF) if s.role == "admin")
# Decision authority per staff index (-1, the system, is the last element: STP limit); None = unlimited.
AUTHORITY = np.array([s.authority if s.authority is not None else 2**62 for s in STAFF] + [STP_LIMIT])
# Some handlers and regions are slower: visible in the workload and stage-duration reports.
HANDLER_SPEED = np.array([0.8, 1.0, 1.15, 0.9, 1.45, 1.0, 1.75, 1.1])
REVIEWER_SPEED = np.array([0.9, 1.2, 1.0, 1.5])
REGION_SPEED = np.array(
    [1.3 if r in ("新疆", "甘肃", "贵州", "云南", "黑龙江", "吉林") else 1.0 for r in REGIONS]
)

# The lifecycle as slots: which of these steps a claim goes through is a boolean mask per claim.
A, S = Action, Status
SLOTS: tuple[tuple[Action, Status], ...] = (
    (A.REPORT, S.REPORTED),  # 0
    (A.REJECT, S.REJECTED),  # 1
    (A.ACCEPT, S.ACCEPTED),  # 2
    (A.REQUEST_DOCUMENTS, S.DOCUMENTS_PENDING),  # 3 documents missing at intake
    (A.START_INVESTIGATION, S.INVESTIGATING),  # 4 investigated before review
    (A.START_REVIEW, S.UNDER_REVIEW),  # 5
    (A.START_INVESTIGATION, S.INVESTIGATING),  # 6 investigated from review
    (A.FINISH_INVESTIGATION, S.UNDER_REVIEW),  # 7
    (A.REQUEST_DOCUMENTS, S.DOCUMENTS_PENDING),  # 8 more documents asked during review
    (A.START_REVIEW, S.UNDER_REVIEW),  # 9
    (A.WITHDRAW, S.WITHDRAWN),  # 10
    (A.DECIDE, S.DECIDED),  # 11
    (A.RELEASE, S.PAYMENT_PENDING),  # 12 APPROVE when above the decider's authority
    (A.PAY, S.PAID),  # 13
    (A.CLOSE, S.CLOSED),  # 14
    (A.REOPEN, S.UNDER_REVIEW),  # 15 appeal after a denial, or a supplementary claim after payment
    (A.DECIDE, S.DECIDED),  # 16
    (A.RELEASE, S.PAYMENT_PENDING),  # 17
    (A.PAY, S.PAID),  # 18
    (A.CLOSE, S.CLOSED),  # 19
)
NSLOT = len(SLOTS)
SLOT_ACTION = np.array([ACTIONS.index(a) for a, _ in SLOTS], dtype=np.int8)
SLOT_TO = np.array([STATUSES.index(s) for _, s in SLOTS], dtype=np.int8)
PRE_DECISION_SLOTS = [0, 2, 3, 4, 5, 6, 7, 8, 9]
LIFE_BLOCK = 1 << 17  # claims scripted per block: bounds the temporaries, fixed for reproducibility

# Chinese New Year (春节): travel peaks before it, hospitals are quiet during the holiday.
SPRING_FESTIVAL = {
    2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28), 2018: date(2018, 2, 16),
    2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
    2031: date(2031, 1, 23), 2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}  # fmt: skip
# Month factors (Jan..Dec): winter and holidays for auto, flu season for health, rain and typhoons
# for property, summer travel for other lines.
SEASON = np.array(
    [
        [1.25, 1.15, 0.95, 0.95, 0.95, 1.0, 1.05, 1.0, 0.95, 1.1, 1.05, 1.25],
        [1.35, 1.15, 1.05, 0.95, 0.9, 0.85, 0.9, 0.9, 0.95, 1.0, 1.1, 1.3],
        [0.85, 0.85, 0.9, 0.95, 1.05, 1.2, 1.35, 1.35, 1.15, 0.95, 0.85, 0.85],
        [1.0, 1.1, 0.95, 0.95, 1.0, 1.0, 1.2, 1.2, 1.0, 1.1, 0.9, 0.9],
    ]
)
WEEKEND = np.array([0.9, 0.8, 0.95, 0.9])
GROWTH = 0.10  # yearly growth of the book
HOUR_WEIGHTS = np.array(
    [0.5, 0.3, 0.2, 0.15, 0.15, 0.25, 0.6, 1.5, 3.5, 5.5, 6.5, 6.5,
     5.5, 5.5, 6.0, 6.0, 5.5, 5.0, 4.0, 3.5, 3.0, 2.5, 1.8, 1.0]
)  # fmt: skip
NIGHT_HOURS = np.array([22, 23, 0, 1, 2, 3, 4])

# Policy terms per line: (options in yuan, probabilities).
SUM_INSURED = (
    ([100_000, 150_000, 200_000, 300_000, 500_000], [0.15, 0.25, 0.3, 0.2, 0.1]),
    ([20_000, 50_000, 100_000, 300_000, 2_000_000], [0.15, 0.25, 0.25, 0.2, 0.15]),
    ([300_000, 500_000, 1_000_000, 2_000_000, 3_000_000], [0.2, 0.3, 0.3, 0.15, 0.05]),
    ([10_000, 30_000, 50_000, 100_000], [0.3, 0.3, 0.25, 0.15]),
)
DEDUCTIBLE = (
    ([0, 500, 1_000, 2_000], [0.3, 0.35, 0.25, 0.1]),
    ([0, 100, 500], [0.4, 0.3, 0.3]),  # 百万医疗 (sum insured 2,000,000) has 10,000 instead
    ([500, 1_000, 2_000, 5_000], [0.3, 0.35, 0.25, 0.1]),
    ([0, 100, 200], [0.5, 0.3, 0.2]),
)
COINSURANCE_BP = (
    ([0, 500, 1_000, 1_500], [0.55, 0.15, 0.2, 0.1]),
    ([0, 1_000, 2_000, 3_000], [0.4, 0.3, 0.2, 0.1]),
    ([0, 1_000], [0.8, 0.2]),
    ([0, 500], [0.8, 0.2]),
)
PREMIUM = ((1_500, 0.012), (150, 0.001), (100, 0.0005), (50, 0.005))  # base yuan, share of sum insured
# Claimed amounts: lognormal (median in yuan, sigma) per line.
AMOUNT = ((4_800, 0.95), (7_000, 1.15), (16_000, 1.35), (1_800, 0.9))
DENIAL_REASONS = (
    ("EXCLUSION", "NOT_COVERED", "INSUFFICIENT_DOCUMENTS", "MISREPRESENTATION"),
    ("PRE_EXISTING_CONDITION", "EXCLUSION", "NOT_COVERED", "INSUFFICIENT_DOCUMENTS"),
    ("EXCLUSION", "NOT_COVERED", "INSUFFICIENT_DOCUMENTS", "EXCLUSION"),
    ("NOT_COVERED", "EXCLUSION", "INSUFFICIENT_DOCUMENTS", "NOT_COVERED"),
)
PARTIAL_REASONS = ("AMOUNT_ADJUSTED", "AMOUNT_ADJUSTED", "UNREASONABLE_COST", "PARTIAL_COVERAGE")
RING_SHARE = 0.009  # claims in planted repeat-provider rings (pattern b)
RING_HOSPITALS = 4


@dataclass
class DemoData:
    """All generated tables as columns. `truth` (fraud flag and pattern per claim) is kept apart."""

    seed: int
    end: date
    cutoff: int  # epoch seconds: the demo's "now", the end of `end` in Shanghai
    customers: Cols
    policies: Cols
    claims: Cols
    events: Cols
    decisions: Cols
    payments: Cols
    documents: Cols
    truth: Cols
    staff: tuple[StaffMember, ...] = field(default=STAFF)

    def frame(self, table: str) -> Any:
        """One table as a pandas DataFrame (pandas is only needed for this)."""
        import pandas as pd

        return pd.DataFrame(getattr(self, table))


def _c(r: Any) -> Arr:
    return np.asarray(r)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def to_date(days: int) -> date:
    return EPOCH + timedelta(days=int(days))
