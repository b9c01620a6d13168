"""Section 07 团队建设与培训发展 filled from the training record, drills and teams, in both languages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.deck_sections import default_sections
from claimops.reporting.deck import build
from claimops.reporting.deck.model import all_text
from claimops.reporting.periods import parse_period
from factories import at, held_session, make_lead

Q2 = parse_period("2026-Q2")


def _texts(session: Session, settings: Settings, lang: str) -> list[str]:
    deck = build(session, Q2, settings, sections=default_sections(), lang=lang, today=date(2026, 7, 15))
    team = next(s for s in deck.sections if s.key == "team")
    return all_text(
        type(deck)(deck.lang, deck.title, deck.period, deck.subtitle, deck.generated, deck.scope, [team])
    )


def test_without_training_data_the_notice_stays(staffed_engine: Engine, settings: Settings) -> None:
    with Session(staffed_engine) as empty:
        assert "本期系统中尚无培训数据。" in _texts(empty, settings, "zh")


def test_training_and_teams_fill_the_section_in_both_languages(session: Session, settings: Settings) -> None:
    make_lead(session, "lead-deck", ("handler", "reviewer"))
    held_session(session, course="BASIC-1", starts_at=at(2026, 5, 6), results={"handler": 90, "reviewer": 40})
    zh = _texts(session, settings, "zh")
    joined = "\n".join(zh)
    assert "本期系统中尚无培训数据。" not in joined
    assert "培训开展情况" in joined and "基础课程" in joined and "各团队工作量与质量" in joined
    # 2 people x 2 h = 4 person-hours; 2 of 2 attended; 1 of 2 passed (pass mark 60)
    assert "4.0" in zh and "2/2" in zh and "50.0%" in zh and "lead-deck-team" in zh
    en = "\n".join(_texts(session, settings, "en"))
    assert "Training delivered" in en and "Basic courses" in en and "Workload and quality per team" in en
    assert "holds no training data" not in en
