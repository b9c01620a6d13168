"""Seeded, reproducible demo data as numpy columns (no Python object per claim, so millions fit).

`generate()` draws customers, policies and claims over several years up to `end`, scripts every
claim's history as a row of lifecycle *slots* (which steps happen and how long each takes), cuts the
histories at the end of `end` (Shanghai) so recent claims stay open, and settles decisions with the
integer-cent form of `settlement.settle`. Nothing here touches a database: the bulk loader
(demo/bulk.py) checks every event against the state machine and every amount against the real
settlement functions before it writes. Fraud patterns are planted; their ground truth is returned in
its own columns (`DemoData.truth`) and loaded into its own table.

Encodings: times are int64 seconds since the Unix epoch (UTC), dates int32 days since 1970-01-01,
money int64 cents, coinsurance rates int basis points, categories small ints indexing the tuples
below (-1 for "none"); staff are indexes into STAFF, -1 being the system.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from claimops.claims.checklist import doc_types
from claimops.claims.lifecycle import Action, Outcome, Status
from claimops.claims.lines import LINES as LINE_ENUMS
from claimops.claims.settlement import REASON_CODES
from claimops.demo import names
from claimops.payments.methods import PaymentMethod

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


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of an 18-digit resident ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


# An 8 x 8 grey baseline JPEG: what a photo or scan placeholder holds, after a comment naming it.
_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19i"
    "Z2hnPk1xeXBkeFxlZ2P/wAALCAAIAAgBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF"
    "BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW"
    "V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi"
    "4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/AOkr/9k="
)


def placeholder(doc_type: str) -> bytes:
    """The small real file every demo document of a type points at (stored once, shared by all rows):
    a JPEG for photos and scans, a one-page PDF otherwise, each naming the document type."""
    label = f"claimops demo placeholder: {doc_type}".encode()
    if doc_type in IMAGE_DOCS:
        return _JPEG[:2] + b"\xff\xfe" + (len(label) + 2).to_bytes(2, "big") + label + _JPEG[2:]
    return _pdf(label)


def _pdf(text: bytes) -> bytes:
    content = b"BT /F1 12 Tf 24 60 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DOC_SHA256 = tuple(hashlib.sha256(placeholder(d)).hexdigest() for d in DOC_TYPES)
DOC_SIZE = tuple(len(placeholder(d)) for d in DOC_TYPES)


def generate(claims: int = 5000, seed: int = 42, end: date | None = None, years: int = 3) -> DemoData:
    """The demo book: `claims` claims reported over `years` years up to `end` (default today)."""
    if claims < 1:
        raise ValueError("claims must be at least 1")
    end = end or date.today()
    rng = np.random.default_rng(seed)
    end_day = day_number(end)
    start_day = end_day - years * 365 + 1
    cutoff = (end_day + 1) * DAY - SHANGHAI_OFFSET
    sk = _skeleton(rng, claims, start_day, end_day)
    customers = _customers(rng, sk.pop("_cust_region"), sk.pop("_cust_male"), end_day)
    policies = _policies(rng, sk)
    customers["created_at"] = _first(policies["customer"], policies["created_at"], len(customers["name"]))
    life = _lifecycle(rng, sk, policies, cutoff, start_day)
    claims_cols = {
        "claim_number": _claim_numbers(sk["reported_at"]),
        "policy": sk["policy"],
        "customer": sk["customer"],
        "line": sk["line"],
        "region": sk["region"],
        "channel": sk["channel"],
        "incident_date": sk["incident_date"],
        "reported_at": sk["reported_at"],
        "description": sk["description"],
        "claimed": sk["claimed"],
        "provider": sk["provider"],
        **life.pop("claims"),
    }
    truth = {"fraud": sk["pattern"] > 0, "pattern": sk["pattern"]}
    return DemoData(
        seed=seed,
        end=end,
        cutoff=cutoff,
        customers=customers,
        policies=policies,
        claims=claims_cols,
        events=life["events"],
        decisions=life["decisions"],
        payments=life["payments"],
        documents=life["documents"],
        truth=truth,
    )


# --- calendar -------------------------------------------------------------------------------------


def _months(days: Arr) -> Arr:
    """Month 0..11 of day numbers."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _ymd(days: Arr) -> Arr:
    """yyyymmdd as int64 of day numbers."""
    d = days.astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    y = m.astype("datetime64[Y]").astype(np.int64) + 1970
    return np.asarray(y * 10000 + (m.astype(np.int64) % 12 + 1) * 100 + (d - m).astype(np.int64) + 1)


def _day_weights(start_day: int, end_day: int) -> Arr:
    """Relative report volume per line (rows) and day (columns)."""
    days = np.arange(start_day, end_day + 1)
    w = SEASON[:, _months(days)]
    w = w * np.where(((days + 3) % 7) >= 5, WEEKEND[:, None], 1.0)
    w = w * np.exp(GROWTH * (days - start_day) / 365.0)[None, :]
    for cny in SPRING_FESTIVAL.values():
        off = days - day_number(cny)
        w[AUTO] *= np.where((off >= -12) & (off < 0), 1.5, np.where((off >= 0) & (off < 7), 0.85, 1.0))
        w[HEALTH] *= np.where((off >= 0) & (off < 7), 0.6, np.where((off >= 7) & (off < 21), 1.2, 1.0))
    return np.asarray(w)


# --- claims, before their histories ----------------------------------------------------------------


def _pick(rng: np.random.Generator, table: tuple[list[int], list[float]], n: int) -> Arr:
    options, p = table
    return _c(options)[rng.choice(len(options), size=n, p=np.asarray(p) / np.sum(p))]


def _skeleton(rng: np.random.Generator, n: int, start_day: int, end_day: int) -> Cols:
    """Who claims what, when, for how much, and which claims carry a planted fraud pattern."""
    ring_sizes = _ring_sizes(rng, int(round(n * RING_SHARE)) if n >= 100 else 0)
    n_ring = int(ring_sizes.sum())
    n_reg = n - n_ring
    n_days = end_day - start_day + 1

    # regular claims
    p_line = (LINE_SHARE * n - np.array([0, n_ring, 0, 0])) / n_reg
    p_line = np.clip(p_line, 0, None) / np.clip(p_line, 0, None).sum()
    line = rng.choice(4, size=n_reg, p=p_line).astype(np.int8)
    weights = _day_weights(start_day, end_day)
    report_day = np.empty(n_reg, dtype=np.int64)
    for ln in range(4):
        sel = line == ln
        report_day[sel] = start_day + rng.choice(
            n_days, size=int(sel.sum()), p=weights[ln] / weights[ln].sum()
        )
    n_pool = max(2 * n_reg, 1)
    activity = rng.gamma(1.5, size=n_pool)
    customer = rng.choice(n_pool, size=n_reg, p=activity / activity.sum()).astype(np.int64)
    rw = np.array([w for _, _, w in names.REGIONS], dtype=float)
    cust_region = rng.choice(len(REGIONS), size=n_pool, p=rw / rw.sum()).astype(np.int16)
    u = rng.random((n_reg, 8))
    pattern = np.zeros(n_reg, dtype=np.int8)
    pattern[(line == AUTO) & (u[:, 0] < 0.026)] = 1
    pattern[(line == PROPERTY) & (u[:, 0] < 0.05)] = 3
    hour = rng.choice(24, size=n_reg, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    fa = pattern == 1
    hour[fa] = rng.choice(NIGHT_HOURS, size=int(fa.sum()))
    second = hour * HOUR + rng.integers(0, HOUR, n_reg)
    delay = _delays(rng, line, u[:, 1])
    delay[fa] = (u[fa, 1] < 0.3).astype(np.int64)  # staged accidents are reported at once

    # planted pattern (b): one customer, one hospital, several health claims days apart
    ring_cust_region, ring_hosp, ring_day, ring_second, ring_delay, ring_id = _rings(
        rng, ring_sizes, start_day, end_day
    )
    n_rings = len(ring_sizes)

    line = np.concatenate([line, np.full(n_ring, HEALTH, dtype=np.int8)])
    report_day = np.concatenate([report_day, ring_day])
    second = np.concatenate([second, ring_second])
    delay = np.concatenate([delay, ring_delay])
    customer = np.concatenate([customer, n_pool + ring_id])
    pattern = np.concatenate([pattern, np.full(n_ring, 2, dtype=np.int8)])
    ring = np.concatenate([np.full(n_reg, -1), ring_id])
    cust_region = np.concatenate([cust_region, ring_cust_region])
    special_u = np.concatenate([u[:, 2], np.ones(n_ring)])
    reported_at = report_day * DAY + second - SHANGHAI_OFFSET

    order = np.argsort(reported_at, kind="stable")  # claim numbers follow the report order
    line, report_day, delay, customer = line[order], report_day[order], delay[order], customer[order]
    pattern, ring, reported_at, special_u = pattern[order], ring[order], reported_at[order], special_u[order]

    # keep only customers who claim, numbered in order of their first claim
    used, first_idx, inverse = np.unique(customer, return_index=True, return_inverse=True)
    rank = np.empty(len(used), dtype=np.int64)
    rank[np.argsort(first_idx, kind="stable")] = np.arange(len(used))
    customer = rank[inverse].astype(np.int32)
    region_by_customer = np.empty(len(used), dtype=np.int16)
    region_by_customer[rank] = cust_region[used]
    region = region_by_customer[customer]

    provider = _providers(rng, line, region)
    if n_rings:
        provider = np.where(ring >= 0, ring_hosp[np.clip(ring, 0, None)], provider).astype(np.int32)
    not_in_force = (pattern == 0) & (special_u < 0.008)
    channel = rng.choice(len(CHANNELS), size=n, p=_channel_p()).astype(np.int8)
    description = rng.integers(0, 100, n) % np.array([len(d) for d in DESCRIPTIONS])[line]
    male = rng.random(len(used)) < 0.52
    return {
        "line": line,
        "reported_at": reported_at,
        "incident_date": (report_day - delay).astype(np.int32),
        "delay": delay,
        "customer": customer,
        "region": region,
        "provider": provider,
        "pattern": pattern,
        "ring": ring,
        "not_in_force": not_in_force,
        "channel": channel,
        "description": description.astype(np.int8),
        "_cust_region": region_by_customer,
        "_cust_male": male,
    }


def _channel_p() -> Arr:
    w = np.array([w for _, w in names.CHANNELS], dtype=float)
    return np.asarray(w / w.sum())


def _ring_sizes(rng: np.random.Generator, target: int) -> Arr:
    if target < 3:
        return np.zeros(0, dtype=np.int64)
    sizes = rng.integers(3, 7, size=target // 3 + 1)
    cum = np.cumsum(sizes)
    k = int(np.searchsorted(cum, target, side="right"))
    sizes = sizes[:k].copy()
    rest = target - int(sizes.sum())
    if rest >= 3 or len(sizes) == 0:
        sizes = np.append(sizes, rest)
    elif rest:
        sizes[-1] += rest
    return sizes.astype(np.int64)


def _rings(
    rng: np.random.Generator, sizes: Arr, start_day: int, end_day: int
) -> tuple[Arr, Arr, Arr, Arr, Arr, Arr]:
    """Per ring claim: (customer region per ring, hospital per ring, report day, second, delay, ring)."""
    n_rings, total = len(sizes), int(sizes.sum())
    hospitals = np.array([p[0] for p in names.PROVIDERS if p[1] == "hospital"])
    hosp_region = np.array([REGIONS.index(p[3]) for p in names.PROVIDERS if p[1] == "hospital"])
    centres = rng.choice(len(hospitals), size=RING_HOSPITALS, replace=False)
    ring_centre = centres[rng.integers(0, RING_HOSPITALS, n_rings)]
    ring_id = np.repeat(np.arange(n_rings), sizes)
    gaps = rng.integers(3, 21, total)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n_rings else np.zeros(0, dtype=np.int64)
    gaps[first] = 0
    cum = np.cumsum(gaps)
    offset = cum - np.repeat(cum[first], sizes) if n_rings else cum
    span = max(end_day - start_day - 130, 1)
    ring_start = start_day + rng.integers(0, span, n_rings)
    day = np.repeat(ring_start, sizes) + offset
    second = rng.integers(9 * HOUR, 17 * HOUR, total)
    delay = rng.integers(1, 6, total)
    return (
        hosp_region[ring_centre].astype(np.int16),
        hospitals[ring_centre].astype(np.int32),
        day.astype(np.int64),
        second.astype(np.int64),
        delay.astype(np.int64),
        ring_id.astype(np.int64),
    )


def _delays(rng: np.random.Generator, line: Arr, u: Arr) -> Arr:
    """Days from the incident to the report; a few per cent are reported late (> 30 days)."""
    n = len(line)
    geo = rng.geometric(np.array([0.45, 0.12, 0.3, 0.2])[line]) - 1
    same_day = rng.random(n) < np.array([0.55, 0.1, 0.35, 0.2])[line]
    delay = np.where(same_day, 0, geo)
    late = u < 0.025
    delay = np.where(late, rng.integers(31, 121, n), np.minimum(delay, 30))
    return delay.astype(np.int64)


def _providers(rng: np.random.Generator, line: Arr, region: Arr) -> Arr:
    """A hospital (health) or garage (auto) in the claimant's region, an adjuster (property)."""
    out = np.full(len(line), -1, dtype=np.int32)
    for ln, kind in ((HEALTH, "hospital"), (AUTO, "garage"), (PROPERTY, "adjuster")):
        rows = [p for p in names.PROVIDERS if p[1] == kind]
        ids = np.array([p[0] for p in rows], dtype=np.int32)
        reg = np.array([REGIONS.index(p[3]) for p in rows])
        order = np.argsort(reg, kind="stable")
        ids, reg = ids[order], reg[order]
        starts = np.searchsorted(reg, np.arange(len(REGIONS)))
        counts = np.bincount(reg, minlength=len(REGIONS))
        sel = np.flatnonzero(line == ln)
        r = region[sel]
        u = rng.random(len(sel))
        local = counts[r] > 0
        pick = np.where(
            local,
            starts[r] + (u * np.maximum(counts[r], 1)).astype(np.int64),
            (u * len(ids)).astype(np.int64),
        )
        out[sel] = ids[np.minimum(pick, len(ids) - 1)]
    return out


def _customers(rng: np.random.Generator, region: Arr, male: Arr, end_day: int) -> Cols:
    """Names, 18-digit resident ID numbers with valid check digits, phones, birth dates."""
    n = len(region)
    sw = np.array([w for _, w in names.SURNAMES])
    surnames = np.array([x for x, _ in names.SURNAMES])
    gm = np.array(names.GIVEN_MALE + names.GIVEN_NEUTRAL)
    gf = np.array(names.GIVEN_FEMALE + names.GIVEN_NEUTRAL)
    surname = surnames[rng.choice(len(sw), size=n, p=sw / sw.sum())]
    g1 = np.where(male, gm[rng.integers(0, len(gm), n)], gf[rng.integers(0, len(gf), n)])
    g2 = np.where(male, gm[rng.integers(0, len(gm), n)], gf[rng.integers(0, len(gf), n)])
    g2 = np.where(rng.random(n) < 0.72, g2, "")
    name = np.strings.add(np.strings.add(surname, g1), g2)

    age_days = (np.clip(rng.normal(41, 12, n), 18, 80) * 365.25).astype(np.int64)
    birth = (end_day - age_days).astype(np.int32)
    cities = names.CITIES
    city_region = np.array([REGIONS.index(c[0]) for c in cities])
    city_prefix = np.array([int(c[3]) for c in cities], dtype=np.int64)
    order = np.argsort(city_region, kind="stable")
    city_region, city_prefix = city_region[order], city_prefix[order]
    starts = np.searchsorted(city_region, np.arange(len(REGIONS)))
    counts = np.bincount(city_region, minlength=len(REGIONS))
    own = np.array([int(p) for _, p, _ in names.REGIONS], dtype=np.int64)
    pick = starts[region] + (rng.random(n) * np.maximum(counts[region], 1)).astype(np.int64)
    prefix = np.where(counts[region] > 0, city_prefix[np.minimum(pick, len(city_prefix) - 1)], own[region])
    ymd = _ymd(birth)
    seq = 2 * rng.integers(0, 500, n) + male  # the 17th digit is odd for men, even for women
    body = prefix * 10**11 + ymd * 1000 + seq
    while True:  # resident ID numbers are unique: redraw the sequence digits of any repeat
        _, first = np.unique(body, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        seq[dup] = 2 * rng.integers(0, 500, int(dup.sum())) + male[dup]
        body[dup] = prefix[dup] * 10**11 + ymd[dup] * 1000 + seq[dup]
    weights = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    check = np.array([ord(x) for x in "10X98765432"], dtype=np.uint32)[(digits @ weights) % 11]
    id_number = _chars(_digit_codes(body, 17), check[:, None])
    prefixes = np.array([[ord(x) for x in p] for p in names.PHONE_PREFIXES], dtype=np.uint32)
    phone = _chars(prefixes[rng.integers(0, len(prefixes), n)], _digit_codes(rng.integers(0, 10**8, n), 8))
    return {
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "region": region,
        "gender": np.where(male, "M", "F"),
        "birth_date": birth,
    }


def _first(group: Arr, values: Arr, n: int) -> Arr:
    out = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(out, group, values)
    return out


def _policies(rng: np.random.Generator, sk: Cols) -> Cols:
    """One-year policies. A customer's claims on one line within a policy year share its policy;
    planted patterns and claims outside cover get a policy of their own. Sets the claimed amounts
    (they depend on the sum insured) and sk["policy"]."""
    n = len(sk["line"])
    line, customer, inc = sk["line"], sk["customer"].astype(np.int64), sk["incident_date"].astype(np.int64)
    pattern, nif = sk["pattern"], sk["not_in_force"]
    n_cust = int(customer.max()) + 1
    anniversary = rng.integers(0, 365, size=(n_cust, 4))
    a = anniversary[customer, line]
    start = inc - (inc - a) % 365
    key = ((customer * 4 + line) * 100_000 + start).astype(np.int64)
    u = rng.random((n, 4))
    own = (pattern == 1) | (pattern == 3) | nif
    # (a) bought days before the staged accident; (c) close to expiry; outside cover: bought after
    # the incident (before the report) or lapsed before it
    start = np.where(pattern == 1, inc - (u[:, 0] * 30).astype(np.int64), start)
    start = np.where(pattern == 3, inc + (u[:, 0] * 14).astype(np.int64) - 364, start)
    after = nif & (sk["delay"] >= 1) & (u[:, 1] < 0.5)
    start = np.where(after, inc + 1 + (u[:, 0] * sk["delay"]).astype(np.int64), start)
    lapsed = nif & ~after
    start = np.where(lapsed, inc - 365 - 1 - (u[:, 0] * 90).astype(np.int64), start)
    key = np.where(own, -(np.arange(n) + 1), key)
    ring = sk["ring"]
    if (ring >= 0).any():  # each ring holds one health policy bought a while before its first claim
        first_inc = np.full(int(ring.max()) + 1, np.iinfo(np.int64).max)
        np.minimum.at(first_inc, ring[ring >= 0], inc[ring >= 0])
        ring_start = first_inc - rng.integers(20, 200, len(first_inc))
        start = np.where(ring >= 0, ring_start[np.clip(ring, 0, None)], start)
        key = np.where(ring >= 0, -(n + 1 + ring), key)

    keys, first, policy = np.unique(key, return_index=True, return_inverse=True)
    p_start = start[first]
    order = np.lexsort((keys, p_start))  # policies numbered by inception
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    policy = rank[policy].astype(np.int32)
    first = first[order]
    m = len(first)
    p_line, p_start = line[first], start[first]
    si = np.zeros(m, dtype=np.int64)
    ded = np.zeros(m, dtype=np.int64)
    bp = np.zeros(m, dtype=np.int64)
    for ln in range(4):
        sel = p_line == ln
        k = int(sel.sum())
        si[sel] = _pick(rng, SUM_INSURED[ln], k) * 100
        ded[sel] = _pick(rng, DEDUCTIBLE[ln], k) * 100
        bp[sel] = _pick(rng, COINSURANCE_BP[ln], k)
    ded = np.where((p_line == HEALTH) & (si == 200_000_000), 1_000_000, ded)
    is_ring_policy = sk["ring"][first] >= 0
    si = np.where(is_ring_policy, np.maximum(si, 10_000_000), si)
    base = np.array([b for b, _ in PREMIUM])[p_line]
    share = np.array([s for _, s in PREMIUM])[p_line]
    premium = np.round((base * 100 + si * share) * rng.uniform(0.85, 1.15, m), -2).astype(np.int64)
    first_report = _first(policy, sk["reported_at"], m)
    created = np.minimum(
        (p_start - rng.integers(1, 31, m)) * DAY + 10 * HOUR - SHANGHAI_OFFSET, first_report - HOUR
    )
    sk["policy"] = policy
    _amounts(rng, sk, si[policy])
    # claims sharing a policy never exceed its sum insured together (so their settlements are
    # independent of each other's timing); a policy's only claim may run into the limit
    count = np.bincount(policy, minlength=m)
    shared = count[policy] > 1
    total = np.bincount(policy, weights=sk["claimed"], minlength=m)
    cap = (si * 95) // 100
    over = shared & (total[policy] > cap[policy])
    scaled = (sk["claimed"] * cap[policy]) // np.maximum(total[policy], 1).astype(np.int64)
    sk["claimed"] = np.where(over, np.maximum(scaled, 100), sk["claimed"]).astype(np.int64)
    sk["single_policy"] = ~shared
    channel = rng.choice(len(CHANNELS), size=m, p=_channel_p()).astype(np.int8)
    sk["channel"] = np.where(rng.random(n) < 0.65, channel[policy], sk["channel"]).astype(np.int8)
    return {
        "policy_number": _numbers("PL", p_start, np.arange(m)),
        "customer": customer[first].astype(np.int32),
        "line": p_line,
        "effective_from": p_start.astype(np.int32),
        "effective_to": (p_start + 364).astype(np.int32),
        "sum_insured": si,
        "deductible": ded,
        "coinsurance_bp": bp,
        "premium": premium,
        "channel": channel,
        "created_at": created,
    }


def _amounts(rng: np.random.Generator, sk: Cols, si: Arr) -> None:
    """Claimed amounts in cents: lognormal by line, some rounded; planted patterns as described."""
    line, pattern = sk["line"], sk["pattern"]
    n = len(line)
    median = np.array([m for m, _ in AMOUNT])[line]
    sigma = np.array([s for _, s in AMOUNT])[line]
    yuan = median * np.exp(sigma * rng.standard_normal(n))
    cents = np.maximum(np.round(yuan * 100), 20_000).astype(np.int64)
    round_ = rng.random(n) < 0.08
    cents = np.where(round_, np.maximum((cents + 5_000) // 10_000 * 10_000, 10_000), cents)
    cents = np.minimum(cents, si * 13 // 10)
    u = rng.random(n)
    cents = np.where(pattern == 1, (8 + (u * 38).astype(np.int64)) * 100_000, cents)  # round thousands
    large = (si * (55 + (u * 40).astype(np.int64)) // 100) // 100_000 * 100_000
    cents = np.where(pattern == 3, large, cents)  # 55-95 % of the sum insured
    ring = sk["ring"]
    if (ring >= 0).any():
        ring_base = np.exp(np.log(12_000) + 0.5 * rng.standard_normal(int(ring.max()) + 1)) * 100
        similar = ring_base[np.clip(ring, 0, None)] * (0.85 + 0.3 * u) // 1_000 * 1_000
        cents = np.where(ring >= 0, similar.astype(np.int64), cents)
    sk["claimed"] = cents.astype(np.int64)


def _digit_codes(values: Arr, width: int) -> Arr:
    """Zero-padded decimal digits of non-negative ints as (n, width) code points."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values.astype(np.int64)[:, None] // powers) % 10 + ord("0")).astype(np.uint32)


def _chars(*parts: Arr) -> Arr:
    """Fixed-width strings from blocks of code points (one row per string)."""
    codes = np.ascontiguousarray(np.concatenate([np.atleast_2d(p) for p in parts], axis=1), dtype=np.uint32)
    return codes.view(f"<U{codes.shape[1]}")[:, 0]


def _numbers(prefix: str, days: Arr, seq: Arr) -> Arr:
    """prefix + yyyymmdd + an 8-digit sequence number (from 1)."""
    head = np.tile(np.array([ord(x) for x in prefix], dtype=np.uint32), (len(seq), 1))
    return _chars(head, _digit_codes(_ymd(days.astype(np.int64)), 8), _digit_codes(seq + 1, 8))


def _claim_numbers(reported_at: Arr) -> Arr:
    """CL + local report date + an 8-digit sequence in report order: unique."""
    local_day = (reported_at + SHANGHAI_OFFSET) // DAY
    return _numbers("CL", local_day, np.arange(len(reported_at)))


# --- histories ------------------------------------------------------------------------------------


def _lifecycle(rng: np.random.Generator, sk: Cols, pol: Cols, cutoff: int, start_day: int) -> dict[str, Cols]:
    """Script and cut every claim's history in blocks; concatenate the blocks' rows."""
    n = len(sk["line"])
    policy = sk["policy"]
    inc = sk["incident_date"]
    ctx = {
        "line": sk["line"],
        "region": sk["region"],
        "channel": sk["channel"],
        "reported_at": sk["reported_at"],
        "incident_date": inc,
        "delay": sk["delay"],
        "claimed": sk["claimed"],
        "pattern": sk["pattern"],
        "provider": sk["provider"],
        "single_policy": sk["single_policy"],
        "sum_insured": pol["sum_insured"][policy],
        "deductible": pol["deductible"][policy],
        "coinsurance_bp": pol["coinsurance_bp"][policy],
        "effective_from": pol["effective_from"][policy],
        "effective_to": pol["effective_to"][policy],
        "prior_year": _prior_year(sk["customer"], sk["reported_at"]),
        "handler": _handlers(rng, sk["region"]),
        "reviewer": _reviewers(rng, sk["line"]),
    }
    stp_start = (start_day * DAY - SHANGHAI_OFFSET) + int(
        0.4 * (cutoff - (start_day * DAY - SHANGHAI_OFFSET))
    )
    parts: list[dict[str, Cols]] = []
    for lo in range(0, n, LIFE_BLOCK):
        hi = min(lo + LIFE_BLOCK, n)
        block = {k: v[lo:hi] for k, v in ctx.items()}
        parts.append(_script(rng, block, lo, cutoff, stp_start))
    out: dict[str, Cols] = {}
    n_dec = 0
    n_pay = 0
    for part in parts:
        ev = part["events"]
        is_dec = ev["action"] == ACTIONS.index(A.DECIDE)
        is_pay = ev["action"] == ACTIONS.index(A.PAY)
        ev["ref"] = np.where(is_dec, ev["ref"] + n_dec, np.where(is_pay, ev["ref"] + n_pay, ev["ref"]))
        part["payments"]["decision"] = part["payments"]["decision"] + n_dec
        n_dec += len(part["decisions"]["claim"])
        n_pay += len(part["payments"]["claim"])
    for table in ("claims", "events", "decisions", "payments", "documents"):
        out[table] = {k: np.concatenate([p[table][k] for p in parts]) for k in parts[0][table]}
    return out


def _prior_year(customer: Arr, reported_at: Arr) -> Arr:
    """The customer's other claims reported in the 365 days before (the FREQUENT_CLAIMANT rule)."""
    order = np.lexsort((reported_at, customer))
    key = (customer[order].astype(np.int64) << 32) | reported_at[order]
    lower = np.searchsorted(key, (customer[order].astype(np.int64) << 32) | (reported_at[order] - 365 * DAY))
    out = np.empty(len(customer), dtype=np.int64)
    out[order] = np.arange(len(customer)) - lower
    return out


def _handlers(rng: np.random.Generator, region: Arr) -> Arr:
    """Handlers mostly cover fixed regions."""
    n = len(region)
    by_region = HANDLERS[region % len(HANDLERS)]
    other = HANDLERS[rng.integers(0, len(HANDLERS), n)]
    return np.where(rng.random(n) < 0.85, by_region, other).astype(np.int16)


def _reviewers(rng: np.random.Generator, line: Arr) -> Arr:
    """Reviewers by line: two for auto, one for health, one for property and the rest."""
    n = len(line)
    r = np.array([0, 2, 3, 3])[line] + np.where(line == AUTO, rng.integers(0, 2, n), 0)
    return np.asarray(REVIEWERS[r].astype(np.int16))


def _lognormal(
    rng: np.random.Generator, n: int, median: float | Arr, sigma: float, lo: float, hi: float
) -> Arr:
    return np.clip(median * np.exp(sigma * rng.standard_normal(n)), lo, hi)


def settle_cents(
    outcome: Arr,
    assessed: Arr,
    in_force: Arr,
    deductible: Arr,
    bp: Arr,
    remaining: Arr,
    codes: Arr,
) -> tuple[Arr, Arr, Arr]:
    """`settlement.settle` in integer cents for arrays: (outcome, approved, codes) where codes is an
    (n, 3) array of reason indexes (-1 empty) to which the system's reasons are appended."""
    net = np.maximum(assessed - deductible, 0)
    gross = (net * (10_000 - bp) + 5_000) // 10_000  # × (1 − rate), rounded half up to cents
    amount = np.minimum(gross, np.maximum(remaining, 0))
    out = outcome.copy()
    codes = codes.copy()
    pays = in_force & (outcome != DENIED)
    zero = pays & (amount <= 0)
    limited = pays & ~zero & (amount < gross)
    out[~in_force | zero] = DENIED
    out[limited] = PARTIAL
    approved = np.where(pays & ~zero, amount, 0)
    _append_code(codes, ~in_force, REASONS.index("POLICY_NOT_IN_FORCE"))
    _append_code(codes, zero & (gross > 0), REASONS.index("LIMIT_EXHAUSTED"))
    _append_code(codes, zero & (gross <= 0), REASONS.index("BELOW_DEDUCTIBLE"))
    _append_code(codes, limited, REASONS.index("LIMIT_REACHED"))
    return out, approved.astype(np.int64), codes


def _append_code(codes: Arr, where: Arr, code: int) -> None:
    has = (codes == code).any(axis=1)
    free = np.argmax(codes < 0, axis=1)
    rows = np.flatnonzero(where & ~has)
    codes[rows, free[rows]] = code


def _snap(t: Arr, u: Arr) -> Arr:
    """Staff work office hours (08:30-18:30 Shanghai): later moves to the next morning."""
    sod = (t + SHANGHAI_OFFSET) % DAY
    morning = 8 * HOUR + 30 * MINUTE
    early = sod < morning
    late = sod > 18 * HOUR + 30 * MINUTE
    jitter = (u * 2 * HOUR).astype(np.int64)
    return np.where(early, t - sod + morning + jitter, np.where(late, t - sod + DAY + morning + jitter, t))


def _script(rng: np.random.Generator, c: Cols, offset: int, cutoff: int, stp_start: int) -> dict[str, Cols]:
    """Histories of one block of claims: choices, durations, settlement, then the cut at `cutoff`."""
    m = len(c["line"])
    line, pattern, claimed = c["line"], c["pattern"], c["claimed"]
    u = rng.random((m, 24))
    inc = c["incident_date"]
    in_force = (c["effective_from"] <= inc) & (inc <= c["effective_to"])
    fa, fb, fc = pattern == 1, pattern == 2, pattern == 3

    rejected = (pattern == 0) & (u[:, 0] < np.where(in_force, 0.018, 0.35))
    ok = ~rejected
    withdrawn = ok & (u[:, 1] < np.where(fa | fc, 0.1, 0.03))
    p_inv = np.array([0.04, 0.05, 0.1, 0.03])[line] + np.where(claimed > 10_000_000, 0.2, 0.0)
    p_inv = np.where(fa, 0.85, np.where(fc, 0.7, np.where(fb, 0.3, p_inv)))
    inv = ok & (u[:, 2] < p_inv)
    inv_early = inv & (u[:, 3] < 0.5)
    docs1 = ok & (u[:, 4] < np.array([0.22, 0.35, 0.3, 0.2])[line])
    since_inception = inc - c["effective_from"]
    stp = (
        ok
        & ~withdrawn
        & ~docs1
        & ~inv
        & in_force
        & (pattern == 0)
        & (claimed <= STP_LIMIT)
        & (since_inception >= 30)
        & (c["delay"] <= 30)
        & (c["prior_year"] < 3)
        & (c["reported_at"] >= stp_start)
        & (u[:, 6] < 0.6)
    )
    docs2 = ok & ~stp & (u[:, 5] < 0.07)

    # what the decider asks for, then what the settlement rule makes of it
    late = c["delay"] > 30
    r = u[:, 7]
    den = np.where(late, r < 0.3, r < 0.06)
    par = ~den & (r < np.where(late, 0.44, 0.2))
    den = np.where(fa, np.where(inv, r < 0.85, r < 0.1), den)
    par = np.where(fa, ~den & (r > 0.7), par)
    den = np.where(fc, np.where(inv, r < 0.7, r < 0.1), den)
    par = np.where(fc, ~den & (r > 0.5), par)
    den = np.where(fb, np.where(inv, r < 0.6, r < 0.05), den)
    par = np.where(fb, ~den & (r > 0.85), par)
    den &= ~stp
    par &= ~stp
    requested = np.where(den, DENIED, np.where(par, PARTIAL, APPROVED)).astype(np.int8)
    codes = np.full((m, 3), -1, dtype=np.int8)
    deny_code = _lookup(DENIAL_REASONS, line, u[:, 8])
    deny_code = np.where(late, REASONS.index("LATE_REPORT"), deny_code)
    deny_code = np.where(fa, REASONS.index("FRAUD_SUSPECTED"), deny_code)
    deny_code = np.where(
        fb,
        np.where(u[:, 8] < 0.5, REASONS.index("FRAUD_SUSPECTED"), REASONS.index("DUPLICATE_CLAIM")),
        deny_code,
    )
    deny_code = np.where(
        fc,
        np.where(u[:, 8] < 0.6, REASONS.index("FRAUD_SUSPECTED"), REASONS.index("MISREPRESENTATION")),
        deny_code,
    )
    partial_code = np.array([REASONS.index(x) for x in PARTIAL_REASONS])[
        (u[:, 9] * len(PARTIAL_REASONS)).astype(int)
    ]
    codes[:, 0] = np.where(in_force, np.where(den, deny_code, np.where(par, partial_code, -1)), -1)
    adjusted = claimed * (5_000 + (u[:, 10] * 4_500).astype(np.int64)) // 10_000
    assessed1 = np.where(par, adjusted, claimed)
    outcome1, approved1, codes1 = settle_cents(
        requested, assessed1, in_force, c["deductible"], c["coinsurance_bp"], c["sum_insured"], codes
    )
    pays1 = outcome1 != DENIED
    small = (claimed <= 1_000_000) & ~inv & (u[:, 11] < 0.7)
    decider1 = np.where(stp, SYSTEM, np.where(small, c["handler"], c["reviewer"])).astype(np.int16)
    needs1 = pays1 & ((approved1 > AUTHORITY[decider1]) | (assessed1 > claimed))
    approver1 = _approver(approved1, u[:, 12])

    # reopenings: appeals against denials, supplementary claims after payment (own policy only, with
    # room left under the sum insured: the new total adds to what was paid)
    appeal = ~pays1 & in_force & (u[:, 13] < 0.08)
    supplement = pays1 & c["single_policy"] & (approved1 < c["sum_insured"]) & (u[:, 13] < 0.005)
    reopen = appeal | supplement
    overturn = appeal & (u[:, 14] < 0.55)
    requested2 = np.where(
        supplement, APPROVED, np.where(overturn, np.where(u[:, 15] < 0.6, APPROVED, PARTIAL), DENIED)
    ).astype(np.int8)
    codes2 = np.full((m, 3), -1, dtype=np.int8)
    codes2[:, 0] = np.where(
        requested2 == PARTIAL, partial_code, np.where(requested2 == DENIED, codes1[:, 0], -1)
    )
    extra = claimed * (1_000 + (u[:, 16] * 3_000).astype(np.int64)) // 10_000
    assessed2 = np.where(  # a supplementary decision assesses the whole loss, the first part and the extra
        supplement,
        assessed1 + extra,
        np.where(
            requested2 == PARTIAL, claimed * (6_000 + (u[:, 16] * 3_500).astype(np.int64)) // 10_000, claimed
        ),
    )
    # the new total is set against what the claim was paid, which is not counted again against the
    # limit (a single-policy claim: nothing else is paid on its policy)
    paid_before2 = np.where(supplement, approved1, 0)
    outcome2, approved2, codes2 = settle_cents(
        requested2, assessed2, in_force, c["deductible"], c["coinsurance_bp"], c["sum_insured"], codes2
    )
    pays2 = outcome2 != DENIED
    payable2 = np.maximum(approved2 - paid_before2, 0)
    decider2 = c["reviewer"]
    needs2 = (payable2 > 0) & ((approved2 > AUTHORITY[decider2]) | (assessed2 > claimed))
    approver2 = _approver(approved2, u[:, 17])
    provider = c["provider"]
    direct = (provider >= 0) & (((line == HEALTH) & (u[:, 18] < 0.35)) | ((line == AUTO) & (u[:, 18] < 0.45)))
    method = np.where(direct, DIRECT, BANK).astype(np.int8)
    payer = FINANCE[(u[:, 19] * len(FINANCE)).astype(int)]

    # which slots happen
    P = np.zeros((m, NSLOT), dtype=bool)
    P[:, 0] = True
    P[:, 1] = rejected
    P[:, 2] = ok
    P[:, 3] = docs1
    P[:, 4] = inv_early
    P[:, 5] = ok & ~inv_early
    P[:, 6] = inv & ~inv_early
    P[:, 7] = inv
    P[:, 8] = docs2
    P[:, 9] = docs2
    if withdrawn.any():  # withdrawn at a random point before the decision
        W = P[:, PRE_DECISION_SLOTS] & withdrawn[:, None]
        stop = (u[:, 20] * W.sum(axis=1)).astype(np.int64)
        rank = np.cumsum(W, axis=1) - 1
        P[:, PRE_DECISION_SLOTS] &= ~(W & (rank > stop[:, None]))
    P[:, 10] = withdrawn
    decided = ok & ~withdrawn
    P[:, 11] = decided
    P[:, 12] = decided & pays1
    P[:, 13] = decided & pays1
    P[:, 14] = decided
    P[:, 15] = decided & reopen
    P[:, 16] = P[:, 15]
    P[:, 17] = P[:, 15] & (payable2 > 0)
    P[:, 18] = P[:, 17]
    P[:, 19] = P[:, 15]

    # who does each step
    h, rv = c["handler"], c["reviewer"]
    staff_channel = np.isin(c["channel"], [CHANNELS.index(x) for x in names.STAFF_CHANNELS])
    ACT = np.empty((m, NSLOT), dtype=np.int16)
    ACT[:] = rv[:, None]
    for k in (1, 2, 3, 5, 10, 14, 19):
        ACT[:, k] = h
    ACT[:, 0] = np.where(staff_channel, h, SYSTEM)
    ACT[:, 11] = decider1
    ACT[:, 12] = np.where(needs1, approver1, decider1)
    ACT[:, 13] = payer
    ACT[:, 17] = np.where(needs2, approver2, decider2)
    ACT[:, 18] = payer

    # how long each step takes (seconds), with handler, reviewer and region effects
    f_h = HANDLER_SPEED[np.searchsorted(HANDLERS, h)] * REGION_SPEED[c["region"]]
    f_r = REVIEWER_SPEED[np.searchsorted(REVIEWERS, rv)]
    D = np.zeros((m, NSLOT), dtype=np.int64)
    ln = rng  # short name: the duration draws below are long lines
    D[:, 1] = _lognormal(ln, m, 8 * HOUR, 0.8, 10 * MINUTE, 4 * DAY) * f_h
    D[:, 2] = np.minimum(_lognormal(ln, m, 4 * HOUR, 0.9, 5 * MINUTE, 2 * DAY) * f_h, 2 * DAY)
    D[:, 3] = _lognormal(ln, m, 40 * MINUTE, 1.0, 2 * MINUTE, DAY)
    pre = np.where(
        docs1,
        _lognormal(ln, m, 3 * DAY, 0.7, 4 * HOUR, 30 * DAY),
        _lognormal(ln, m, 8 * HOUR, 0.9, 10 * MINUTE, 5 * DAY) * f_h,
    )
    pre = np.where(stp, _lognormal(ln, m, HOUR, 0.8, 5 * MINUTE, DAY), pre)
    D[:, 4] = pre
    D[:, 5] = pre
    D[:, 6] = _lognormal(ln, m, DAY, 0.7, HOUR, 7 * DAY) * f_r
    D[:, 7] = _lognormal(ln, m, 14 * DAY, 0.35, 7 * DAY, 28 * DAY)
    D[:, 8] = _lognormal(ln, m, 2 * DAY, 0.7, HOUR, 10 * DAY) * f_r
    D[:, 9] = _lognormal(ln, m, 4 * DAY, 0.6, 6 * HOUR, 30 * DAY)
    D[:, 10] = _lognormal(ln, m, 3 * DAY, 1.0, HOUR, 40 * DAY)
    review_median = np.array([2.5, 3.5, 5.0, 2.0])[line] * DAY
    review = _lognormal(ln, m, review_median, 0.7, 2 * HOUR, 40 * DAY)
    D[:, 11] = np.where(stp, 0, review * np.where(decider1 == h, f_h, f_r))
    D[:, 12] = np.where(needs1, _lognormal(ln, m, DAY, 0.8, 30 * MINUTE, 7 * DAY), 0)
    D[:, 13] = _lognormal(ln, m, 2 * DAY, 0.45, DAY, 5 * DAY)
    D[:, 14] = np.where(
        pays1,
        _lognormal(ln, m, 6 * HOUR, 1.0, 5 * MINUTE, 5 * DAY),
        _lognormal(ln, m, DAY, 0.8, HOUR, 10 * DAY),
    )
    D[:, 15] = _lognormal(ln, m, 20 * DAY, 0.6, 2 * DAY, 120 * DAY)
    D[:, 16] = _lognormal(ln, m, 7 * DAY, 0.6, DAY, 40 * DAY) * f_r
    D[:, 17] = np.where(needs2, _lognormal(ln, m, DAY, 0.8, 30 * MINUTE, 7 * DAY), 0)
    D[:, 18] = _lognormal(ln, m, 2 * DAY, 0.45, DAY, 5 * DAY)
    D[:, 19] = np.where(
        pays2,
        _lognormal(ln, m, 6 * HOUR, 1.0, 5 * MINUTE, 5 * DAY),
        _lognormal(ln, m, DAY, 0.8, HOUR, 10 * DAY),
    )
    jitter = rng.random((m, NSLOT))
    T = np.empty((m, NSLOT), dtype=np.int64)
    t = c["reported_at"].astype(np.int64).copy()
    T[:, 0] = t
    system_step = stp[:, None] & np.isin(np.arange(NSLOT), [11, 12])[None, :]
    for k in range(1, NSLOT):
        cand = t + D[:, k]
        cand = np.where(system_step[:, k] | (D[:, k] == 0), cand, _snap(cand, jitter[:, k]))
        T[:, k] = cand
        t = np.where(P[:, k], cand, t)

    keep = P & (T < cutoff)
    script: Cols = dict(  # noqa: C408
        in_force=in_force,
        stp=stp,
        docs1_missing=1 + (u[:, 21] < 0.4),
        docs2_code=(u[:, 22] * 3).astype(np.int64),
        outcome1=outcome1,
        assessed1=assessed1,
        approved1=approved1,
        codes1=codes1,
        decider1=decider1,
        needs1=needs1,
        outcome2=outcome2,
        assessed2=assessed2,
        approved2=approved2,
        paid_before2=paid_before2,
        codes2=codes2,
        decider2=decider2,
        needs2=needs2,
        method=method,
        payer=payer,
        appeal=appeal,
        uploads_by_staff=staff_channel,
        bank=(u[:, 23] * len(names.BANKS)).astype(np.int64),
        account=rng.integers(0, 10**15, m),
    )
    return _rows(c, offset, keep, T, ACT, script)


def _lookup(table: tuple[tuple[str, ...], ...], line: Arr, u: Arr) -> Arr:
    """A reason index drawn per claim from its line's list."""
    width = len(table[0])
    grid = np.array([[REASONS.index(x) for x in row] for row in table])
    return grid[line, np.minimum((u * width).astype(np.int64), width - 1)]


def _approver(amount: Arr, u: Arr) -> Arr:
    """Approvers up to their authority, above it the manager, above that the admin."""
    ap = APPROVERS[(u * len(APPROVERS)).astype(int)]
    return np.where(
        amount <= AUTHORITY[APPROVERS[0]], ap, np.where(amount <= AUTHORITY[MANAGER], MANAGER, ADMIN)
    ).astype(np.int16)


def _rows(c: Cols, offset: int, keep: Arr, T: Arr, ACT: Arr, x: Cols) -> dict[str, Cols]:
    """Events, decisions, payments, documents and the claims' resulting state from the kept slots."""
    m = keep.shape[0]
    row, slot = np.nonzero(keep)  # row-major: by claim, then in lifecycle order
    n_ev = len(row)
    first = np.r_[True, row[1:] != row[:-1]] if n_ev else np.zeros(0, dtype=bool)
    to = SLOT_TO[slot]
    frm = np.where(first, -1, np.r_[np.int8(-1), to[:-1]]).astype(np.int8)
    start_of = np.flatnonzero(first)
    seq = np.arange(n_ev) - np.repeat(start_of, np.diff(np.r_[start_of, n_ev])) + 1
    action = SLOT_ACTION[slot].copy()
    approve = ((slot == 12) & x["needs1"][row]) | ((slot == 17) & x["needs2"][row])
    action[approve] = ACTIONS.index(A.APPROVE)

    # decisions: cycle 1 (slot 11) and after a reopening cycle 2 (slot 16)
    d1, d2, reopened = keep[:, 11], keep[:, 16], keep[:, 15]
    dec_claim = np.r_[np.flatnonzero(d1), np.flatnonzero(d2)]
    cycle = np.r_[np.zeros(int(d1.sum()), dtype=np.int8), np.ones(int(d2.sum()), dtype=np.int8)]
    order = np.lexsort((cycle, dec_claim))
    dec_claim, cycle = dec_claim[order], cycle[order]
    two = cycle == 1

    def pick(a: Arr, b: Arr) -> Arr:
        return np.where(two if a.ndim == 1 else two[:, None], b[dec_claim], a[dec_claim])

    dec_outcome = pick(x["outcome1"], x["outcome2"]).astype(np.int8)
    dec_pays = dec_outcome != DENIED
    needs = pick(x["needs1"], x["needs2"])
    approve_slot = np.where(two, 17, 12)
    approved_kept = needs & keep[dec_claim, approve_slot]
    assessed = pick(x["assessed1"], x["assessed2"]).astype(np.int64)
    approved = pick(x["approved1"], x["approved2"]).astype(np.int64)
    paid_before = pick(np.zeros(m, dtype=np.int64), x["paid_before2"]).astype(np.int64)
    above = dec_pays & (assessed > c["claimed"][dec_claim])  # a note says why
    decisions = {
        "claim": (dec_claim + offset).astype(np.int32),
        "cycle": cycle,
        "outcome": dec_outcome,
        "assessed": assessed,
        "approved": approved,
        "paid_before": paid_before,
        "payable": np.maximum(approved - paid_before, 0),
        "recovery": np.maximum(paid_before - approved, 0),
        "reasons": pick(x["codes1"], x["codes2"]).astype(np.int8),
        "method": np.where(dec_pays, x["method"][dec_claim], -1).astype(np.int8),
        "decided_by": pick(x["decider1"], x["decider2"]).astype(np.int16),
        "decided_at": T[dec_claim, np.where(two, 16, 11)],
        "requires_approval": needs,
        "approved_by": np.where(approved_kept, ACT[dec_claim, approve_slot], -1).astype(np.int16),
        "approved_at": np.where(approved_kept, T[dec_claim, approve_slot], -1),
        "current": two | ~reopened[dec_claim],
        "note": np.where(above, N_ABOVE_CLAIMED, np.where(x["stp"][dec_claim] & ~two, N_STP, N_NONE)).astype(
            np.int8
        ),
    }
    dec_key = dec_claim * 2 + cycle

    p1, p2 = keep[:, 13], keep[:, 18]
    pay_claim = np.r_[np.flatnonzero(p1), np.flatnonzero(p2)]
    pay_cycle = np.r_[np.zeros(int(p1.sum()), dtype=np.int64), np.ones(int(p2.sum()), dtype=np.int64)]
    order = np.lexsort((pay_cycle, pay_claim))
    pay_claim, pay_cycle = pay_claim[order], pay_cycle[order]
    pay_dec = np.searchsorted(dec_key, pay_claim * 2 + pay_cycle)
    pay_method = x["method"][pay_claim]
    payments = {
        "claim": (pay_claim + offset).astype(np.int32),
        "decision": pay_dec.astype(np.int64),
        "amount": decisions["payable"][pay_dec],
        "method": pay_method.astype(np.int8),
        "paid_at": T[pay_claim, np.where(pay_cycle == 1, 18, 13)],
        "released_by": x["payer"][pay_claim].astype(np.int16),
        "bank": np.where(pay_method == BANK, x["bank"][pay_claim], -1).astype(np.int8),
        "account": np.where(pay_method == BANK, x["account"][pay_claim], -1),
    }
    pay_key = pay_claim * 2 + pay_cycle

    ev_cycle = (slot >= 15).astype(np.int64)
    ref = np.full(n_ev, -1, dtype=np.int64)
    is_dec = (slot == 11) | (slot == 16)
    ref[is_dec] = np.searchsorted(dec_key, row[is_dec] * 2 + ev_cycle[is_dec])
    is_pay = (slot == 13) | (slot == 18)
    ref[is_pay] = np.searchsorted(pay_key, row[is_pay] * 2 + ev_cycle[is_pay])
    ref[slot == 0] = c["channel"][row[slot == 0]]
    ref[slot == 1] = np.where(
        x["in_force"][row[slot == 1]], REASONS.index("NOT_COVERED"), REASONS.index("POLICY_NOT_IN_FORCE")
    )
    ref[slot == 10] = REASONS.index("WITHDRAWN_BY_CLAIMANT")
    ref[slot == 3] = x["docs1_missing"][row[slot == 3]]
    ref[slot == 8] = 10 + x["docs2_code"][row[slot == 8]]
    note = np.zeros(n_ev, dtype=np.int8)
    note[slot == 1] = np.where(x["in_force"][row[slot == 1]], N_NOT_COVERED, N_NOT_IN_FORCE)
    note[(slot == 3) | (slot == 8)] = N_DOCS
    note[(slot == 4) | (slot == 6)] = N_INVESTIGATE
    note[slot == 7] = N_INVESTIGATED
    note[slot == 10] = N_WITHDRAW
    note[slot == 15] = np.where(x["appeal"][row[slot == 15]], N_APPEAL, N_SUPPLEMENT)
    note[(slot == 11) & x["stp"][row]] = N_STP
    for k, cyc in ((11, "1"), (16, "2")):  # a decision above the claim says why, in its event too
        above_claim = (x[f"outcome{cyc}"] != DENIED) & (x[f"assessed{cyc}"] > c["claimed"])
        note[(slot == k) & above_claim[row]] = N_ABOVE_CLAIMED
    events = {
        "claim": (row + offset).astype(np.int32),
        "seq": seq.astype(np.int16),
        "action": action,
        "from_status": frm,
        "to_status": to,
        "actor": ACT[row, slot],
        "at": T[row, slot],
        "note": note,
        "ref": ref,
    }

    # the claims as they stand at the cutoff
    last = np.r_[start_of[1:] - 1, n_ev - 1] if n_ev else np.zeros(0, dtype=np.int64)
    current = decisions["current"]
    cur_claim = dec_claim[current]
    outcome = np.full(m, -1, dtype=np.int8)
    assessed = np.full(m, -1, dtype=np.int64)
    approved = np.full(m, -1, dtype=np.int64)
    outcome[cur_claim] = decisions["outcome"][current]
    assessed[cur_claim] = decisions["assessed"][current]
    approved[cur_claim] = decisions["approved"][current]
    paid = np.bincount(pay_claim, weights=payments["amount"], minlength=m).astype(np.int64)
    claims = {
        "status": to[last],
        "outcome": outcome,
        "assessed": assessed,
        "approved": approved,
        "paid": paid,
        "handler": np.where(keep[:, 2], c["handler"], -1).astype(np.int16),
        "straight_through": x["stp"] & d1,
        "reopen_count": reopened.astype(np.int8),
        "updated_at": T[row[last], slot[last]],
    }
    return {
        "claims": claims,
        "events": events,
        "decisions": decisions,
        "payments": payments,
        "documents": _documents(c, offset, keep, T, ACT, x),
    }


def _documents(c: Cols, offset: int, keep: Arr, T: Arr, ACT: Arr, x: Cols) -> Cols:
    """Received documents: the line's required ones at acceptance, except those asked for later,
    which arrive when the claim moves on; optional ones asked during review arrive before it resumes.
    Each accepted claim has slots for its required documents and the two optional ones, so the rows
    come out grouped by claim without sorting."""
    line = c["line"]
    accepted = np.flatnonzero(keep[:, 2])
    n_req = np.array([len(r) for r in REQUIRED])[line[accepted]]
    slots = n_req + 2
    claim = np.repeat(accepted, slots)
    pos = np.arange(len(claim)) - np.repeat(np.cumsum(slots) - slots, slots)
    n_of = np.repeat(n_req, slots)
    missing = np.where(keep[claim, 3], x["docs1_missing"][claim], 0)
    optional = pos >= n_of
    late = ~optional & (pos >= n_of - missing)
    resumed = np.where(keep[claim, 4], 4, 5)
    code = x["docs2_code"][claim]
    wanted = np.where(pos == n_of, code != 1, code != 0)  # invoice, bank card
    arrived = np.where(optional, keep[claim, 9] & wanted, np.where(late, keep[claim, resumed], True))
    at = np.where(optional, T[claim, 9], np.where(late, T[claim, resumed], T[claim, 2]))
    width = max(len(r) for r in REQUIRED) + 2
    extra = [DOC_TYPES.index("invoice"), DOC_TYPES.index("bank_card")]
    doc_index = np.array(
        [[DOC_TYPES.index(d) for d in r] + extra + [-1] * (width - len(r) - 2) for r in REQUIRED]
    )
    doc = doc_index[line[claim], pos]
    claim, doc, at = claim[arrived], doc[arrived], at[arrived]
    by = np.where(x["uploads_by_staff"][claim], c["handler"][claim], -1)
    return {
        "claim": (claim + offset).astype(np.int32),
        "doc_type": doc.astype(np.int8),
        "uploaded_at": at.astype(np.int64),
        "uploaded_by": by.astype(np.int16),
    }
