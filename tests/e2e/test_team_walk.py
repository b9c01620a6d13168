"""Team and training in a real browser, through the pages only: a manager sets up a team; its lead
sees each person's workload and training record, adds a course, schedules it, records attendance and
scores, builds a drill from a closed claim; the trainee works the drill and gets it scored; the lead
reviews the attempt and finds the score on the person's record."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from claimops.claims import service as claims
from claimops.claims.lifecycle import Action
from claimops.claims.payouts import release_payment
from claimops.claims.schemas import ActionIn
from claimops.clock import local, utcnow
from claimops.db import unit_of_work
from claimops.mining.service.scoring import score_for_review as RISK_SCORER
from claimops.payments.schemas import PaymentIn
from claimops.users.models import User
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


def sign_in(page: Page, live: Live, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", live.password)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_be_visible()


def test_lead_schedules_scores_builds_a_drill_and_the_trainee_is_scored(page: Page, live: Live) -> None:
    # what `make demo` gives: logins (a manager, a lead) and closed claims; the rest through the pages
    with unit_of_work(live.engine) as s:
        create_user(
            session=s, username="e2e_lead", password=live.password, role="team_lead", full_name="张组长"
        )
        if s.scalar(select(User.id).where(User.username == live.username("manager"))) is None:
            create_user(session=s, username=live.username("manager"), password=live.password, role="manager")
    number = closed_claim(live)
    members = (live.username("handler"), live.username("reviewer"))

    # a manager sets up the team: its lead and two people
    sign_in(page, live, live.username("manager"))
    page.click("#nav-team")
    page.fill("#team-form input[name=name]", "理赔一组")
    page.fill("#team-form input[name=lead]", "e2e_lead")
    page.click("#team-form button[type=submit]")
    expect(page.locator("h2.team-name")).to_contain_text("理赔一组")
    for username in members:
        page.select_option("#member-form select[name=team]", "理赔一组")
        page.fill("#member-form input[name=username]", username)
        page.fill("#member-form input[name=joined_on]", "2026-01-05")
        page.click("#member-form button[type=submit]")
        expect(page.locator(f"tr.person[data-username={username}]")).to_be_visible()
    page.fill("#member-form input[name=username]", members[0])  # twice: refused, said so
    page.fill("#member-form input[name=joined_on]", "2026-01-05")
    page.click("#member-form button[type=submit]")
    expect(page.locator(".alert.error")).to_be_visible()
    expect(page.locator(f"tr.person[data-username={members[0]}]")).to_have_count(1)

    # the lead: the team's workload, then each person's workload and training record
    sign_in(page, live, "e2e_lead")
    page.click("#nav-team")
    expect(page.locator("h2.team-name")).to_contain_text("理赔一组")
    for username in members:
        page.locator(f"tr.person[data-username={username}] a").click()
        expect(page.locator("#person-figures")).to_be_visible()
        expect(page.locator("#training-record")).to_be_visible()
        page.go_back()

    # adds a course to the catalogue, schedules a session of it that began an hour ago, enrols both
    page.click("#nav-training")
    page.fill("#course-form input[name=code]", "LAW-TIME")
    page.fill("#course-form input[name=title]", "法律法规：保险法理赔时效")
    page.select_option("#course-form select[name=kind]", "basic")
    page.fill("#course-form input[name=minutes]", "90")
    page.click("#course-form button[type=submit]")
    expect(page.locator("#catalogue")).to_contain_text("保险法理赔时效")
    page.select_option("#schedule-form select[name=course]", "LAW-TIME")
    started = local(utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#schedule-form input[name=starts_at]", started)
    page.fill("#schedule-form input[name=trainer]", "王老师")
    page.click("#schedule-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/training/sessions/\d+$"))
    page.fill("#enrol-form input[name=usernames]", ",".join(members))
    page.click("#enrol-form button[type=submit]")
    for username in members:
        expect(page.locator(f"#attendees tr[data-username={username}]")).to_be_visible()

    # records attendance and scores: a score outside the scale is refused and nothing stored
    handler_row = page.locator(f"#attendees tr[data-username={members[0]}]")
    page.select_option("#result-form select[name=username]", members[0])
    page.fill("#result-form input[name=score]", "150")
    page.click("#result-form button[type=submit]")
    expect(page.locator(".alert.error")).to_be_visible()
    expect(handler_row.locator("td.passed")).to_have_text("—")
    page.select_option("#result-form select[name=username]", members[0])
    page.fill("#result-form input[name=score]", "85")
    page.click("#result-form button[type=submit]")
    expect(handler_row.locator("td.passed")).to_have_text("✓")
    page.select_option("#result-form select[name=username]", members[1])
    page.select_option("#result-form select[name=attended]", "no")
    page.click("#result-form button[type=submit]")
    expect(page.locator(f"#attendees tr[data-username={members[1]}]")).to_contain_text("✗")

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

    # the lead reviews the attempt, and finds the session and its score on the person's record
    sign_in(page, live, "e2e_lead")
    page.goto(attempt_url)
    page.fill("#review-form textarea[name=note]", "结论正确，金额计算无误。")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#review-note")).to_contain_text("结论正确")
    page.click("#nav-team")
    page.locator(f"tr.person[data-username={members[0]}] a").click()
    expect(page.locator("#training-record tr.training-row")).to_contain_text("85")
    no_stack_trace(page)
