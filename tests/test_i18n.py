"""The message catalogues: both languages hold the same keys (English adds singulars), no area
redefines another's key, and a field named alike in two forms carries each form's own label."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimops import i18n
from claimops.errors import InvalidInput
from claimops.partners.schemas import MeetingIn
from claimops.schemas import parse
from claimops.team.training.schemas import CourseIn
from claimops.web.pagekit import error_text


def test_both_languages_load_with_the_same_keys() -> None:
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    assert len(zh) > 1000
    assert sorted(set(zh) - set(en)) == []
    # English alone has singular forms ("1 claim"); Chinese needs none
    assert all(k.endswith("_one") and k.removesuffix("_one") in zh for k in set(en) - set(zh))


def test_an_area_redefining_another_areas_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "a.toml").write_text('[web.field]\nminutes = "纪要"\n', encoding="utf-8")
    (tmp_path / "zh" / "b.toml").write_text('[web.field]\nminutes = "时长"\n', encoding="utf-8")
    monkeypatch.setattr(i18n.resources, "files", lambda _pkg: tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"zh/b.toml redefines web.field.minutes of zh/a.toml"):
            i18n.catalogue("zh")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


def _message(model: type, data: dict[str, object]) -> str:
    with pytest.raises(InvalidInput) as exc:
        parse(model, data)
    return error_text(exc.value, "zh")


def test_a_field_named_alike_in_two_forms_is_labelled_by_its_own_form() -> None:
    course = _message(CourseIn, {"code": "C1", "title": "理赔流程", "kind": "basic", "minutes": "0"})
    assert "时长（分钟）" in course and "纪要" not in course
    meeting = _message(MeetingIn, {"held_on": "2026-05-10", "minutes": "x" * 20001})
    assert "纪要" in meeting and "时长" not in meeting
