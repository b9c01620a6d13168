"""Section 06 of the deck from survey data, in both languages; the no-data notice goes once data exists."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.deck_sections import default_sections
from claimops.reporting.deck import build
from claimops.reporting.deck.model import Notice, all_text
from claimops.reporting.periods import parse_period
from claimops.surveys import service
from claimops.surveys.models import SurveyResponse
from factories import at, staff_actor

Q = parse_period("2026-Q2")
CJK = re.compile(r"[\u4e00-\u9fff]")


def satisfaction(deck: object) -> object:
    return next(s for s in deck.sections if s.key == "satisfaction")  # type: ignore[attr-defined]


def test_section_06_is_filled_from_the_survey_data(session: Session, settings: Settings) -> None:
    before = build(session, Q, settings, sections=default_sections(), lang="zh", today=date(2026, 7, 5))
    assert any(isinstance(b, Notice) for s in satisfaction(before).slides for b in s.blocks)  # type: ignore[attr-defined]
    answers = [
        (5, 4, 10, "处理很快，服务态度好"),
        (2, 1, 3, "理赔太慢，等了很久"),
        (4, 3, 8, "材料太多，手续繁琐"),
    ]
    for i, (overall, timeliness, nps, comment) in enumerate(answers):
        session.add(
            SurveyResponse(
                channel="review",
                overall=overall,
                timeliness=timeliness,
                communication=4,
                professionalism=5,
                nps=nps,
                comment=comment,
                responded_at=at(2026, 5, 3 + i),
            )
        )
    session.flush()
    service.add_action(
        session=session,
        actor=staff_actor(session, "manager"),
        problem="审核时效慢",
        source="survey_theme",
        metric="timeliness",
        owner="审核组",
        due_date=date(2026, 6, 30),
        started_on=date(2026, 5, 4),
        now=at(2026, 5, 4),
    )
    zh = build(session, Q, settings, sections=default_sections(), lang="zh", today=date(2026, 7, 5))
    section = satisfaction(zh)
    blocks = [b for s in section.slides for b in s.blocks]  # type: ignore[attr-defined]
    assert not any(isinstance(b, Notice) for b in blocks)
    text = "\n".join(all_text(zh))
    # 2 of 3 answered 4 or 5 → 66.7%; NPS: 1 promoter, 1 detractor of 3 → 0
    assert (
        "66.7%" in text and "满意度与净推荐值" in text and "改进措施及效果" in text and "审核时效慢" in text
    )
    assert "时效" in text and "理赔太慢，等了很久" in text
    en = build(session, Q, settings, sections=default_sections(), lang="en", today=date(2026, 7, 5))
    en_text = "\n".join(t for t in all_text(en) if t)
    assert "Satisfaction and NPS" in en_text and "66.7%" in en_text and "timeliness" in en_text.lower()


def test_the_slow_stages_of_a_theme_are_listed_in_the_deck_language(
    session: Session, settings: Settings
) -> None:
    from factories import Walk, make_policy

    policy = make_policy(session, effective_from="2026-01-01", effective_to="2026-12-31")
    slow_acceptance = (
        Walk(session, settings, policy, at(2026, 4, 1), "3000").do("accept", 6).do("start_review", 1)
    )
    slow_review = (
        Walk(session, settings, policy, at(2026, 4, 2), "3000").do("accept", 0.1).do("start_review", 1)
    )
    slow_acceptance.decide(1, "approved", "3000")
    slow_review.decide(20, "approved", "3000")
    for i, w in enumerate((slow_acceptance, slow_review)):
        session.add(
            SurveyResponse(
                claim_id=w.claim.id,
                channel="phone",
                overall=2,
                comment="理赔太慢，等了很久",
                responded_at=at(2026, 5, 3 + i),
            )
        )
    session.flush()
    en = build(session, Q, settings, sections=default_sections(), lang="en", today=date(2026, 7, 5))
    rows = [r for s in satisfaction(en).slides for b in s.blocks for r in getattr(b, "rows", [])]  # type: ignore[attr-defined]
    stages = next(r[3] for r in rows if r[0] == "timeliness")
    assert set(stages.split(", ")) == {"acceptance 1", "review 1"}, stages
