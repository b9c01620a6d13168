"""Team and training in a real browser: a lead sees their people's workload and training record,
schedules a course, records attendance and a score, builds a drill from a closed claim; the trainee
works the drill and gets it scored; the lead reviews the attempt."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from claimops.claims import service as claims
from claimops.claims.lifecycle import Action
from claimops.claims.payouts import release_payment
from claimops.claims.schemas import ActionIn
from claimops.clock import local, utcnow
from claimops.db import unit_of_work
from claimops.mining.service.scoring import score_for_review as RISK_SCORER
from claimops.payments.schemas import PaymentIn
from claimops.team.service import add_member, create_team
from claimops.team.training.schemas import CourseIn
from claimops.team.training.service import create_course
from claimops.users.actor import system_actor
from claimops.users.service import create_user
from e2e.test_workbench import _actor, login, no_stack_trace, seed_claim

if TYPE_CHECKING:
    from e2e.conftest import Live

pytestmark = pytest.mark.e2e


def closed_claim(live: Live) -> str:
    number = seed_claim(live, decided=True)
    now = utcnow()
    with unit_of_work(live.engine) as s:
        release_payment(
            session=s,
            actor=_actor(s, live, "finance"),
            claim_number=number,
            cmd=PaymentIn(method="bank_transfer", payee={"name": "李四海", "account": "6222020200112233445"}),
            idempotency_key=f"walk-{number}",
            now=now,
        )
        claims.perform(
            session=s,
            actor=_actor(s, live, "finance"),
            claim_number=number,
            action=Action.CLOSE,
            cmd=ActionIn(),
            now=now,
            settings=live.settings,
            risk_scorer=RISK_SCORER,
        )
    return number


def test_lead_schedules_scores_builds_a_drill_and_the_trainee_is_scored(page: Page, live: Live) -> None:
    admin = system_actor()
    with unit_of_work(live.engine) as s:
        create_user(
            session=s, username="e2e_lead", password=live.password, role="team_lead", full_name="张组长"
        )
        create_team(session=s, actor=admin, name="理赔一组", lead="e2e_lead")
        add_member(
            session=s,
            actor=admin,
            team="理赔一组",
            username=live.username("handler"),
            joined_on=date(2026, 1, 1),
        )
        create_course(
            session=s,
            actor=admin,
            cmd=CourseIn(code="LAW-TIME", title="法律法规：保险法理赔时效", kind="basic", minutes=90),
        )
    number = closed_claim(live)

    # the lead: the team's workload, then a person's record
    page.context.clear_cookies()
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", "e2e_lead")
    page.fill("input[name=password]", live.password)
    page.click("button[type=submit]")
    page.click("#nav-team")
    row = page.locator("tr.person[data-username=e2e_handler]")
    expect(row).to_be_visible()
    expect(page.locator("h2.team-name")).to_contain_text("理赔一组")
    row.locator("a").click()
    expect(page.locator("#training-record")).to_be_visible()
    expect(page.locator("#person-figures")).to_be_visible()

    # schedules a course that began an hour ago, enrols the handler, records attendance and a score
    page.click("#nav-training")
    page.select_option("#schedule-form select[name=course]", "LAW-TIME")
    started = local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#schedule-form input[name=starts_at]", started)
    page.fill("#schedule-form input[name=trainer]", "王老师")
    page.click("#schedule-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/training/sessions/\d+$"))
    page.fill("#enrol-form input[name=usernames]", live.username("handler"))
    page.click("#enrol-form button[type=submit]")
    expect(page.locator("#attendees tr[data-username=e2e_handler]")).to_be_visible()
    page.fill("#result-form input[name=score]", "150")  # outside the scale: refused, nothing stored
    page.click("#result-form button[type=submit]")
    expect(page.locator(".alert.error")).to_be_visible()
    expect(page.locator("#attendees tr[data-username=e2e_handler] td.passed")).to_have_text("—")
    page.fill("#result-form input[name=score]", "85")
    page.click("#result-form button[type=submit]")
    expect(page.locator("#attendees tr[data-username=e2e_handler] td.passed")).to_have_text("✓")

    # builds a drill from the closed claim
    page.click("#nav-drills")
    page.fill("#build-form input[name=claim_number]", number)
    page.click("#build-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/drills/SBX-\d+$"))
    drill_url = page.url
    assert "李四海" not in page.content() and number not in page.content()
    no_stack_trace(page)

    # the trainee works it and gets it scored
    login(page, live, "handler")
    page.goto(drill_url)
    page.click("#start-form button[type=submit]")
    page.select_option("#attempt-form select[name=outcome]", "approved")
    page.fill("#attempt-form input[name=amount]", "8800")  # (12,000 - 1,000) x 0.8
    page.click("#attempt-form button[type=submit]")
    expect(page.locator("#drill-score")).to_be_visible()
    assert int(page.locator("#drill-score").inner_text()) >= 65  # outcome 40 + amount 25 at least
    attempt_url = page.url

    # the lead reviews the attempt
    page.context.clear_cookies()
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", "e2e_lead")
    page.fill("input[name=password]", live.password)
    page.click("button[type=submit]")
    page.goto(attempt_url)
    page.fill("#review-form textarea[name=note]", "结论正确，金额计算无误。")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#review-note")).to_contain_text("结论正确")
