"""One masking policy for every shape of identifier: examples per shape, and properties that hold for any
input (the masked form never shows more of the original than the policy allows)."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimops.masking import (
    SEPARATORS,
    MaskingFilter,
    install_log_masking,
    mask_account,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("110101199003077719", "110101********7719"),  # resident ID: birth date hidden
        ("11010119900307771X", "110101********771X"),
        ("110101900307771", "110101******771"),  # old 15-digit ID: birth date hidden
        ("E12345678", "E******78"),  # passport
        ("EA1234567", "E******67"),
        ("H12345678", "H******78"),  # Hong Kong/Macau permit for mainland residents
        ("C12345678", "C******78"),  # exit-entry permit to HK/Macau
        ("H123456789", "H*******89"),  # 10 characters
        ("12345678", "1*****78"),  # Taiwan compatriot permit
        ("1234567", "*******"),  # too short to show anything
        ("", ""),
    ],
)
def test_id_numbers(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("+86-138-1234-5678", "+86-138-****-5678"),
        ("008613812345678", "0086138****5678"),
        ("8613812345678", "86138****5678"),
        ("010-12345678", "010-******78"),  # landline with a 3-digit area code
        ("0755-1234567", "0755-*****67"),  # 4-digit area code, 7-digit number
        ("01012345678", "010******78"),
        ("1234567", "*****67"),  # 7-digit local number
        ("12345678", "******78"),
        ("123456", "******"),
    ],
)
def test_phones(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("6222020200112233445", "***************3445"),
        ("6222 0202 0011 2233", "**** **** **** 2233"),
        ("12345678", "********"),
    ],
)
def test_accounts(raw: str, masked: str) -> None:
    assert mask_account(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("张三丰", "张*丰"), ("王五", "王*"), ("李", "*"), ("欧阳娜娜", "欧**娜"), ("阿依·买买提", "阿*·**提")],
)
def test_names(raw: str, masked: str) -> None:
    assert mask_name(raw) == masked


# --- properties: any input, any shape -------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
PHONEISH = st.text(alphabet="0123456789+- ()", max_size=24)
IDISH = st.text(alphabet="0123456789XEHCMAxe-()", max_size=24)


def shown(original: str, masked: str, separators: frozenset[str] = SEPARATORS) -> list[int]:
    """Positions (among the significant characters) still visible; checks the layout on the way."""
    assert len(masked) == len(original)
    visible, k = [], 0
    for o, m in zip(original, masked, strict=True):
        if o in separators:
            assert m == o
            continue
        assert m in (o, "*")
        if m == o and o != "*":
            visible.append(k)
        k += 1
    return visible


def significant(value: str, separators: frozenset[str] = SEPARATORS) -> int:
    return sum(1 for c in value if c not in separators)


def edges_only(visible: list[int], n: int, head: int, tail: int) -> bool:
    return all(i < head or i >= n - tail for i in visible)


@given(st.one_of(IDISH, TEXT))
def test_an_id_number_never_shows_more_than_region_and_last_four(value: str) -> None:
    n = significant(value)
    visible = shown(value, mask_id_number(value))
    assert len(visible) <= 10
    assert n - len(visible) >= min(n, 5)
    assert edges_only(visible, n, 6, 4)
    if n == 18:  # the birth date (positions 6-13) never shows
        assert not set(visible) & set(range(6, 14))
    if 8 <= n <= 14:
        assert len(visible) <= 3


@given(st.one_of(PHONEISH, TEXT))
def test_a_phone_always_hides_at_least_four_digits(value: str) -> None:
    n = significant(value)
    visible = shown(value, mask_phone(value))
    assert n - len(visible) >= min(n, 4)
    # visible: a country code (<= 4), a prefix or area code (<= 4), and at most the last 4
    assert edges_only(visible, n, 8, 4)


@given(st.one_of(st.text(alphabet="0123456789 -", max_size=30), TEXT))
def test_an_account_shows_at_most_its_last_four(value: str) -> None:
    n = significant(value)
    visible = shown(value, mask_account(value))
    assert edges_only(visible, n, 0, 4)
    if n <= 8:
        assert visible == []


@given(TEXT)
def test_a_name_shows_at_most_two_characters(value: str) -> None:
    seps = frozenset(" ·.-")
    n = significant(value, seps)
    visible = shown(value, mask_name(value), seps)
    assert len(visible) <= min(2, n // 2 + (n >= 3))


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), st.from_regex(r"\d{17}[0-9X]", fullmatch=True))
def test_free_text_never_keeps_a_whole_phone_or_id(phone: str, id_number: str) -> None:
    text = f"payee {phone} paid, holder ID {id_number}, account 6222020200112233445."
    masked = mask_text(text)
    assert phone not in masked and id_number not in masked and "6222020200112233445" not in masked
    assert masked.startswith("payee ") and masked.endswith("3445.")


def test_free_text_shapes() -> None:
    text = "call +86 138 1234 5678 or 010-12345678; passport E12345678; claim CL2026112512345678"
    assert mask_text(text) == (
        "call +86 138 **** 5678 or 010-******78; passport E******78; claim CL2026112512345678"
    )


def test_log_records_are_masked_whatever_the_logger(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    with caplog.at_level(logging.INFO):
        logging.getLogger("claimops.anything").info("payee %s, ID %s", "13812345678", "110101199003077719")
        logging.getLogger("claimops.tests.access").info(  # uvicorn's access record: arguments kept apart
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1", "GET", "/?q=13812345678", "1.1", 200
        )
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "payee 138****5678, ID **************7719"  # digits only: the stricter mask
    assert messages[1] == '127.0.0.1 - "GET /?q=138****5678 HTTP/1.1" 200'


def test_the_filter_masks_records_of_handlers_configured_elsewhere() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "account %s", ("6222020200112233445",), None)
    assert MaskingFilter().filter(record)
    assert record.getMessage() == "account ***************3445"
