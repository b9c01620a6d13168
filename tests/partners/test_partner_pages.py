"""The partner and dispute pages' forms (CSRF like every page): selection criteria and weights, a
candidate's scored evaluation with who decided, the responsibilities matrix, the emergency-contact
chain, meetings with action items; and the issue's "Bad input" list on the pages: each refusal shown
on the form again with the field named, and nothing stored."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api_helpers import Api, csrf_in, web_login
from claimops.disputes.models import Dispute, DisputeStep
from claimops.partners.models import (
    ActionItem,
    Agreement,
    Assignment,
    Evaluation,
    Insurer,
    InsurerContact,
    Meeting,
    Provider,
    Responsibility,
    SelectionCriterion,
)
from partners.test_partners_api import agreement, claim, count, denied_claim, provider

TODAY = date.today()


def browser(client: TestClient, username: str) -> TestClient:
    c = TestClient(client.app)
    web_login(c, username)
    return c


def error_of(r: Any, status: int) -> str:
    """The flash message of a form shown again."""
    assert r.status_code == status, r.text[:500]
    found = re.search(r'<div class="alert error" role="alert">(.*?)</div>', r.text, re.S)
    assert found is not None, r.text[:500]
    return html.unescape(found[1])


def post(c: TestClient, page: str, action: str, data: dict[str, str]) -> Any:
    return c.post(action, data={"csrf": csrf_in(c.get(page).text), **data}, follow_redirects=False)


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def test_criteria_evaluation_and_who_decided(client: TestClient, engine: Engine) -> None:
    c = browser(client, "partner")
    kind = "towing"  # a type of its own in this test: criteria are per type
    name = f"资质{uuid4().hex[:4]}"
    weights = {name: "60", f"网点{name}": "40"}
    for criterion, weight in weights.items():
        r = post(
            c,
            "/partners",
            "/partners/criteria",
            {"provider_type": kind, "criterion": criterion, "weight": weight},
        )
        assert r.status_code == 303
    assert name in c.get("/partners").text
    before = count(engine, SelectionCriterion)
    for bad in ("0", "101", "x"):
        msg = error_of(
            post(
                c,
                "/partners",
                "/partners/criteria",
                {"provider_type": kind, "criterion": "价格", "weight": bad},
            ),
            422,
        )
        assert msg.startswith("输入有误") and "权重" in msg
    msg = error_of(
        post(
            c,
            "/partners",
            "/partners/criteria",
            {"provider_type": "spaceship", "criterion": "价格", "weight": "5"},
        ),
        422,
    )
    assert "服务机构类型无效" in msg
    assert count(engine, SelectionCriterion) == before

    r = post(c, "/partners", "/partners/providers/new", {"name": "评估拖车", "type": kind, "region": "北京"})
    page = r.headers["location"]
    pid = int(page.rsplit("/", 1)[1])
    assert 'id="evaluation-form"' in c.get(page).text
    scores = {f"score:{n}": "80" for n in weights}
    # a score above 100 is named by its criterion; nothing stored, the candidate stays a candidate
    msg = error_of(
        post(c, page, f"{page}/evaluations", {**scores, f"score:{name}": "120", "decision": "select"}), 422
    )
    assert f"{name}：不能大于 100" in msg
    msg = error_of(
        post(c, page, f"{page}/evaluations", {**scores, f"score:{name}": "", "decision": "select"}), 422
    )
    assert f"{name}：请输入整数" in msg
    assert count(engine, Evaluation, provider_id=pid) == 0
    r = post(c, page, f"{page}/evaluations", {**scores, "decision": "select", "note": "资质齐全"})
    assert r.status_code == 303
    shown = c.get(page).text
    # (60 × 80 + 40 × 80) / 100 = 80.00; selected by the partner manager; now active
    assert "80.00" in shown and "选用" in shown and 'class="decided-by">partner<' in shown
    assert 'id="evaluation-form"' not in shown
    with Session(engine) as s:
        p = s.get(Provider, pid)
        assert p is not None and p.status == "active"
    # evaluated once: a second evaluation is refused on the page
    msg = error_of(post(c, page, f"{page}/evaluations", {**scores, "decision": "reject"}), 409)
    assert "只有候选机构" in msg
    # a type without criteria (no test sets any for legal work): the page says so instead of a form
    r = post(c, "/partners", "/partners/providers/new", {"name": "无标准", "type": "legal", "region": "北京"})
    assert 'id="no-criteria"' in c.get(r.headers["location"]).text
    # and in English
    assert "Selection criteria and weights" in c.get("/partners?lang=en").text


def test_insurer_chain_responsibilities_and_meetings(api: Api, client: TestClient, engine: Engine) -> None:
    c = browser(client, "partner")
    code = f"PG{uuid4().hex[:6]}"
    assert (
        post(
            c,
            "/partners",
            "/partners/insurers/new",
            {"code": code, "name": "页面保险", "contact1_name": "值班一", "contact1_phone": "13800000001"},
        ).status_code
        == 303
    )
    with Session(engine) as s:
        iid = s.scalar(select(Insurer.id).where(Insurer.code == code))
    assert iid is not None
    base = f"/partners/insurers/{iid}"
    contact = {"insurer_id": str(iid), "name": "值班二", "phone": "13800000002", "hours": "24h"}
    assert post(c, "/partners", f"{base}/contacts", {**contact, "emergency_order": "2"}).status_code == 303
    # the first place is taken; a phone with letters; an order out of range: refused, field named
    msg = error_of(post(c, "/partners", f"{base}/contacts", {**contact, "emergency_order": "1"}), 409)
    assert "该顺序已有联系人" in msg
    assert "电话" in error_of(post(c, "/partners", f"{base}/contacts", {**contact, "phone": "call me"}), 422)
    shown = post(c, "/partners", f"{base}/contacts", {**contact, "emergency_order": "10"})
    assert "紧急联络顺序" in error_of(shown, 422) and 'value="值班二"' in shown.text
    assert count(engine, InsurerContact, insurer_id=iid) == 2
    # the API adds contacts through the same service, with the JSON error shape
    taken = api.post("partner", f"{base[9:]}/contacts", json={"name": "值班三", "emergency_order": 2})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "CHAIN_ORDER_TAKEN"
    third = api.ok(
        api.post("partner", f"{base[9:]}/contacts", json={"name": "值班三", "emergency_order": 3}), 201
    )
    assert third["emergency_order"] == 3 and count(engine, InsurerContact, insurer_id=iid) == 3

    step = {"insurer_id": str(iid), "step": "review", "responsible": "理赔部", "approver": "保险公司"}
    assert post(c, "/partners", f"{base}/responsibilities", {**step, "within_hours": "48"}).status_code == 303
    assert "时限（小时）" in error_of(
        post(c, "/partners", f"{base}/responsibilities", {**step, "within_hours": "-1"}), 422
    )
    assert "流程环节无效" in error_of(
        post(c, "/partners", f"{base}/responsibilities", {**step, "step": "lunch", "within_hours": "4"}), 422
    )
    with Session(engine) as s:
        rows = s.scalars(select(Responsibility).where(Responsibility.insurer_id == iid)).all()
        assert [(r.step, r.within_hours) for r in rows] == [("review", 48)]

    meeting = {
        "insurer_id": str(iid),
        "held_on": TODAY.isoformat(),
        "attendees": "双方",
        "minutes": "季度例会",
    }
    bad = {**meeting, "action_title": "缩短审核时限", "action_owner": "", "action_due_on": TODAY.isoformat()}
    assert "负责人" in error_of(post(c, "/partners", f"{base}/meetings", bad), 422)
    assert count(engine, Meeting, insurer_id=iid) == 0
    good = {**bad, "action_owner": "理赔部", "action_due_on": (TODAY - timedelta(days=1)).isoformat()}
    assert post(c, "/partners", f"{base}/meetings", good).status_code == 303
    with Session(engine) as s:
        item = s.scalar(
            select(ActionItem)
            .join(Meeting, Meeting.id == ActionItem.meeting_id)
            .where(Meeting.insurer_id == iid)
        )
        assert item is not None and item.status == "open"
    assert post(c, "/partners", f"/partners/action-items/{item.id}/done", {}).status_code == 303
    assert "该事项已完成" in error_of(post(c, "/partners", f"/partners/action-items/{item.id}/done", {}), 409)


def test_bad_agreements_and_assignments_on_the_pages(api: Api, client: TestClient, engine: Engine) -> None:
    c = browser(client, "partner")
    pid = provider(api)
    page = f"/partners/providers/{pid}"
    terms = {
        "number": f"PGA-{uuid4().hex[:6]}",
        "start_on": TODAY.isoformat(),
        "end_on": (TODAY + timedelta(days=100)).isoformat(),
    }
    cases = [
        ({"end_on": (TODAY - timedelta(days=1)).isoformat()}, "协议结束日期不能早于开始日期"),
        ({"on_site_hours": "-4"}, "到场时限：服务标准不能为负数"),
        ({"fee_item": "查勘费", "fee_amount": "-300"}, "收费标准：不能为负数"),
        ({"fee_item": "", "fee_amount": "300"}, "收费项目：必填"),
    ]
    for over, words in cases:
        assert words in error_of(post(c, page, f"{page}/agreements", {**terms, **over}), 422)
    assert count(engine, Agreement, provider_id=pid) == 0

    h = browser(client, "handler")
    number = claim(api)

    def assign(provider_id: int, kind: str = "investigation") -> Any:
        p = f"/partners/providers/{provider_id}"
        return post(h, p, f"{p}/assignments", {"claim_number": number, "kind": kind})

    assert "没有有效的合作协议" in error_of(assign(pid), 409)  # no agreement yet
    agreement(api, pid)
    assert "类型不能承担" in error_of(assign(pid, "repair"), 409)
    api.ok(api.post("partner", f"/providers/{pid}/status", json={"status": "suspended"}))
    assert "不在合作状态" in error_of(assign(pid), 409)
    done = provider(api)
    agreement(api, done)
    api.ok(api.post("partner", f"/providers/{done}/status", json={"status": "terminated"}))
    assert "不在合作状态" in error_of(assign(done), 409)
    assert count(engine, Assignment, provider_id=pid) == count(engine, Assignment, provider_id=done) == 0


def test_bad_disputes_on_the_pages(api: Api, client: TestClient, engine: Engine) -> None:
    c = browser(client, "handler")
    body = {"party": "customer", "reason": "amount", "disputed_amount": "5000"}
    before = count(engine, Dispute)
    assert "案件不存在" in error_of(
        post(c, "/disputes", "/disputes/new", {**body, "claim_number": "NO-SUCH"}), 404
    )
    withdrawn = claim(api)
    api.act("handler", withdrawn, "withdraw", {"note": "客户撤回"})
    assert "已撤案" in error_of(
        post(c, "/disputes", "/disputes/new", {**body, "claim_number": withdrawn}), 409
    )
    number = denied_claim(api)
    r = post(c, "/disputes", "/disputes/new", {**body, "claim_number": number})
    assert r.status_code == 303
    page = r.headers["location"]
    did = int(page.rsplit("/", 1)[1])
    assert "已有未结争议" in error_of(
        post(c, "/disputes", "/disputes/new", {**body, "claim_number": number}), 409
    )
    assert "争议金额" in error_of(
        post(
            c,
            "/disputes",
            "/disputes/new",
            {**body, "claim_number": number, "party": "insurer", "disputed_amount": "-1"},
        ),
        422,
    )
    assert count(engine, Dispute) == before + 1
    assert post(c, page, f"{page}/stage", {"stage": "mediation"}).status_code == 303
    steps = count(engine, DisputeStep, dispute_id=did)
    assert "不能回退" in error_of(post(c, page, f"{page}/stage", {"stage": "negotiation"}), 409)
    above = {"stage": "resolved", "settled_amount": "5000.01"}
    assert "和解金额不能高于争议金额" in error_of(post(c, page, f"{page}/stage", above), 422)
    assert count(engine, DisputeStep, dispute_id=did) == steps
    assert "Stage" in c.get(f"{page}?lang=en").text
