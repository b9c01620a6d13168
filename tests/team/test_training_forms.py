"""The team, training and drill writes through their page forms (CSRF, zh/en): teams and members,
courses, required courses, certifications, onboarding plans, sessions, attendance and scores, drills
and a lead's review; each refusal shown on the form with the field named, and nothing stored."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, func, select

from api_helpers import Api, csrf_in, web_login
from claimops.claims.models import ClaimEvent
from claimops.payments.models import Payment
from claimops.team.drills.models import Drill, DrillAttempt
from claimops.team.models import Team, TeamMember
from claimops.team.training import models as tm
from factories import make_user


def _web(client: TestClient, username: str) -> TestClient:
    c = TestClient(client.app)
    web_login(c, username)
    return c


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


def _post(web: TestClient, page: str, action: str, data: dict[str, str]) -> Response:
    """The form posted from `page`, in the page's language (zh unless the page names one)."""
    if "lang=" not in page:
        page += ("&" if "?" in page else "?") + "lang=zh"
    return web.post(action, data={"csrf": csrf_in(web.get(page).text), **data}, follow_redirects=False)


def test_course_required_course_certification_and_onboarding_forms(
    client: TestClient, engine: Engine
) -> None:
    web = _web(client, "manager")
    code = f"F-{uuid.uuid4().hex[:8]}"
    added = _post(
        web,
        "/training",
        "/training/courses",
        {"code": code, "title": "反欺诈", "kind": "professional", "minutes": "90"},
    )
    assert added.status_code == 303
    assert "反欺诈" in web.get("/training?lang=zh").text
    n = _count(engine, tm.Course)
    again = _post(
        web, "/training", "/training/courses", {"code": code, "title": "x", "kind": "basic", "minutes": "60"}
    )
    assert again.status_code == 409 and "课程编号已存在" in again.text
    bad = _post(
        web,
        "/training?lang=en",
        "/training/courses",
        {"code": "", "title": "x", "kind": "basic", "minutes": "0"},
    )
    assert bad.status_code == 422 and "Course code" in bad.text and "Length (minutes)" in bad.text
    assert _count(engine, tm.Course) == n

    role = "approver"
    required = _post(web, "/training", "/training/required", {"role": role, "course": code})
    assert required.status_code == 303
    n = _count(engine, tm.RequiredCourse)
    twice = _post(web, "/training", "/training/required", {"role": role, "course": code})
    assert twice.status_code == 409 and "该角色已要求此课程" in twice.text
    unknown = _post(web, "/training?lang=en", "/training/required", {"role": "astronaut", "course": code})
    assert unknown.status_code == 422 and "No such role" in unknown.text
    assert _count(engine, tm.RequiredCourse) == n
    assert 'class="required-row"' in web.get("/training").text

    person = make_user(engine)
    n = _count(engine, tm.Certification)
    for expires, text in (("2026-04-01", "到期日须晚于发证日"), ("2026-13-01", "到期日：")):
        cert = {"username": person, "name": "理赔师", "issued_on": "2026-05-01", "expires_on": expires}
        refused = _post(web, "/training", "/training/certifications", cert)
        assert refused.status_code == 422 and text in refused.text
    assert _count(engine, tm.Certification) == n
    ok = _post(
        web,
        "/training",
        "/training/certifications",
        {"username": person, "name": "理赔师", "issued_on": "2026-05-01", "expires_on": "2028-05-01"},
    )
    assert ok.status_code == 303 and _count(engine, tm.Certification) == n + 1
    assert "理赔师" in web.get(f"/team/people/{person}").text

    plan = {"username": person, "started_on": "2026-06-01", "due_on": "2026-08-31", "mentor": "reviewer"}
    assert _post(web, "/training", "/training/onboarding", plan).status_code == 303
    n = _count(engine, tm.OnboardingPlan)
    dup = _post(web, "/training?lang=en", "/training/onboarding", plan)
    assert dup.status_code == 409 and "already has an onboarding plan" in dup.text
    nobody = _post(web, "/training", "/training/onboarding", {**plan, "username": "nobody-here"})
    assert nobody.status_code == 404 and "没有该账号" in nobody.text
    assert _count(engine, tm.OnboardingPlan) == n
    # without the form's CSRF token nothing is written
    forged = web.post(
        "/training/onboarding", data={**plan, "username": make_user(engine)}, follow_redirects=False
    )
    assert forged.status_code in (400, 403) and _count(engine, tm.OnboardingPlan) == n


def test_session_results_and_drill_forms_refuse_bad_input(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    web = _web(client, "manager")
    code = f"S-{uuid.uuid4().hex[:8]}"
    _post(
        web,
        "/training",
        "/training/courses",
        {"code": code, "title": "理赔流程", "kind": "basic", "minutes": "60"},
    )
    n = _count(engine, tm.TrainingSession)
    bad_time = _post(
        web, "/training", "/training/sessions", {"course": code, "starts_at": "明天", "trainer": "周老师"}
    )
    assert bad_time.status_code == 422 and "请填写开始日期和时间" in bad_time.text
    mark = _post(
        web,
        "/training",
        "/training/sessions",
        {
            "course": code,
            "starts_at": "2026-01-05T09:00",
            "trainer": "周老师",
            "max_score": "10",
            "pass_mark": "60",
        },
    )
    assert mark.status_code == 422 and "及格分高于满分" in mark.text
    assert _count(engine, tm.TrainingSession) == n
    held = _post(
        web,
        "/training",
        "/training/sessions",
        {"course": code, "starts_at": "2026-01-05T09:00", "trainer": "周老师"},
    )
    assert held.status_code == 303
    page = held.headers["location"]
    trainee = make_user(engine)
    assert _post(web, page, f"{page}/enrol", {"usernames": trainee}).status_code == 303
    for score, status, text in (("101", 422, "成绩超出本场考核的分值范围"), ("八十", 422, "成绩：")):
        refused = _post(
            web, page, f"{page}/results", {"username": trainee, "attended": "yes", "score": score}
        )
        assert refused.status_code == status and text in refused.text
    absent = _post(web, page, f"{page}/results", {"username": trainee, "attended": "no", "score": "70"})
    assert absent.status_code == 422 and "缺勤学员不能记录成绩" in absent.text
    with engine.connect() as conn:
        row = conn.execute(select(tm.Enrolment.attended, tm.Enrolment.score).join(tm.TrainingSession)).all()
    assert all(r != (True, 101) for r in row)
    saved = _post(web, page, f"{page}/results", {"username": trainee, "attended": "yes", "score": "75"})
    assert saved.status_code == 303 and 'class="passed">✓' in web.get(page).text

    api = Api(client, tokens)
    closed = [api.paid_and_closed("3000.00") for _ in range(2)]
    drills = _count(engine, Drill)
    one = _post(web, "/drills", "/drills/emergency", {"scenario": "typhoon", "claim_numbers": closed[0]})
    assert one.status_code == 422 and "案件号：" in one.text
    assert _count(engine, Drill) == drills
    built = _post(
        web, "/drills", "/drills/emergency", {"scenario": "typhoon", "claim_numbers": ",".join(closed)}
    )
    assert built.status_code == 303 and _count(engine, Drill) == drills + 1
    case = _post(web, "/drills", "/drills", {"claim_number": closed[0]})
    number = case.headers["location"].rsplit("/", 1)[1]
    # the sandbox number on the staff claim pages: not shown, not paid, not closed; nothing stored
    events = _count(engine, ClaimEvent), _count(engine, Payment)
    assert "这是沙盒演练案件" in web.get(f"/claims/{number}?lang=zh").text
    for action in ("pay", "close"):
        refused = _post(web, "/", f"/claims/{number}/act/{action}", {"payee_name": "某人"})
        assert refused.status_code == 409 and "这是沙盒演练案件" in refused.text
    assert (_count(engine, ClaimEvent), _count(engine, Payment)) == events
    trainee_web = _web(client, "handler")
    started = _post(trainee_web, f"/drills/{number}", f"/drills/{number}/attempts", {})
    attempt = started.headers["location"]
    review_early = _post(web, attempt, f"{attempt}/review", {"note": "好"})
    assert review_early.status_code == 409 and "演练尚未提交评分" in review_early.text
    not_a_number = _post(trainee_web, attempt, f"{attempt}/submit", {"outcome": "approved", "amount": "三千"})
    assert not_a_number.status_code == 422 and "金额须为数字" in not_a_number.text
    assert (
        _post(
            trainee_web, attempt, f"{attempt}/submit", {"outcome": "approved", "amount": "3000"}
        ).status_code
        == 303
    )
    empty = _post(web, attempt, f"{attempt}/review", {"note": ""})
    assert empty.status_code == 422 and "alert error" in empty.text
    reviewed = _post(web, f"{attempt}?lang=en", f"{attempt}/review", {"note": "材料核对到位"})
    assert reviewed.status_code == 303 and "材料核对到位" in web.get(attempt).text
    with engine.connect() as conn:
        assert conn.scalar(
            select(DrillAttempt.review_note).where(DrillAttempt.id == int(attempt.rsplit("/", 1)[1]))
        )


def test_team_forms_create_a_team_and_add_people_once(client: TestClient, engine: Engine) -> None:
    web = _web(client, "manager")
    lead, member = make_user(engine, role="team_lead"), make_user(engine)
    name = f"组-{lead}"
    assert _post(web, "/team", "/team/teams", {"name": name, "lead": lead}).status_code == 303
    n = _count(engine, Team)
    again = _post(web, "/team", "/team/teams", {"name": name, "lead": lead})
    assert again.status_code == 409 and "alert error" in again.text and _count(engine, Team) == n
    joined = {"team": name, "username": member, "joined_on": "2026-02-01"}
    assert _post(web, "/team", "/team/members", joined).status_code == 303
    assert f'data-username="{member}"' in web.get("/team").text
    m = _count(engine, TeamMember)
    twice = _post(web, "/team", "/team/members", joined)
    assert twice.status_code == 409 and "alert error" in twice.text
    no_date = _post(
        web, "/team", "/team/members", {**joined, "username": make_user(engine), "joined_on": "二月"}
    )
    assert no_date.status_code == 422 and "入组日期：" in no_date.text
    assert _count(engine, TeamMember) == m
