"""NIK rules: each broken rule with its own message, and what a good NIK encodes."""

from __future__ import annotations

from datetime import date

import pytest

from ktptui import nik
from ktptui.nik import InvalidNik, birth_date, mask, validate

GOOD_MAN = "3515051503900011"  # Jawa Timur, 15 March 1990, serial 0011
GOOD_WOMAN = "3515055503900011"  # day 55 = 15 + 40


def refused(text: str) -> str:
    with pytest.raises(InvalidNik) as info:
        validate(text)
    return str(info.value)


def test_a_good_nik_and_what_it_encodes() -> None:
    info = validate(GOOD_MAN)
    assert (info.nik, info.province, info.female) == (GOOD_MAN, "Jawa Timur", False)
    assert (info.birth_day, info.birth_month, info.birth_year_2d) == (15, 3, 90)
    woman = validate(GOOD_WOMAN)
    assert woman.female and woman.birth_day == 15


@pytest.mark.parametrize(("text", "count"), [
    ("351205150390001", 15), ("35120515039000111", 17), ("3512", 4), ("", 0),
])
def test_wrong_length(text: str, count: int) -> None:
    msg = refused(text)
    assert msg.endswith(f"has {count} digits, needs 16")
    if len(text) > 4:
        assert msg == f"NIK {text[:4]}... has {count} digits, needs 16"


def test_fifteen_digits_message_exactly_as_the_issue_shows() -> None:
    assert refused("351205150390001") == "NIK 3512... has 15 digits, needs 16"


@pytest.mark.parametrize(("text", "char", "pos"), [
    ("35150515039000a1", "a", 15), ("3515 51503900011", " ", 5), ("-515051503900011", "-", 1),
    ("351505150390001١", "١", 16),  # an Arabic-Indic digit is not a NIK digit
])
def test_non_digit(text: str, char: str, pos: int) -> None:
    msg = refused(text)
    assert f"has a non-digit {char!r} at position {pos}; a NIK is 16 digits" in msg


@pytest.mark.parametrize("code", ["00", "10", "20", "37", "41", "50", "60", "77", "90", "97"])
def test_province_code_must_exist(code: str) -> None:
    text = code + GOOD_MAN[2:]
    assert refused(text) == f"NIK {text[:4]}...: {code} is not a province code (digits 1-2)"


@pytest.mark.parametrize("code", sorted(nik.PROVINCES))
def test_every_province_code_accepted(code: str) -> None:
    assert validate(code + GOOD_MAN[2:]).province == nik.PROVINCES[code]


def test_province_list_has_the_papua_provinces_of_2022() -> None:
    assert len(nik.PROVINCES) == 38
    assert {"93", "94", "95", "96"} <= set(nik.PROVINCES)


@pytest.mark.parametrize("ddmmyy", [
    "000390",  # day 0
    "320390",  # day 32
    "400390",  # day 40: neither a man's day nor a woman's (41..71)
    "720390",  # woman, day 32
    "150090",  # month 0
    "151390",  # month 13
    "310490",  # 31 April
    "300290",  # 30 February
    "290291",  # 29 February in a non-leap year
    "690291",  # a woman born 29 February in a non-leap year
    "990990",
])
def test_birth_date_must_be_real(ddmmyy: str) -> None:
    text = "351505" + ddmmyy + "0011"
    assert refused(text) == (
        f"NIK 3515...: digits 7-12 ({ddmmyy}) are not a birth date DDMMYY "
        "(day + 40 for women)"
    )


@pytest.mark.parametrize("ddmmyy", [
    "010190", "310190", "290200", "290296", "690296", "410190", "710190", "301190",
])
def test_real_birth_dates_accepted(ddmmyy: str) -> None:
    info = validate("351505" + ddmmyy + "0011")
    assert info.female == (int(ddmmyy[:2]) > 40)


def test_serial_0000_refused_and_0001_accepted() -> None:
    assert refused("3515051503900000") == (
        "NIK 3515...: serial (digits 13-16) is 0000, the first serial is 0001"
    )
    assert validate("3515051503900001").nik.endswith("0001")


def test_rules_are_checked_in_order_and_each_message_differs() -> None:
    messages = {
        refused("35150515039000x1"),  # non-digit
        refused("351505150390001"),  # length
        refused("0015051503900011"),  # province
        refused("3515053203900011"),  # date
        refused("3515051503900000"),  # serial
    }
    assert len(messages) == 5
    # A NIK that breaks several rules gets the first one's message.
    assert "digits, needs 16" in refused("00150532039000")


def test_messages_never_show_more_than_four_digits() -> None:
    for bad in ("3515051503900000", "3515053203900011", "0015051503900011",
                "35150515039000111"):
        assert bad[4:] not in refused(bad)


def test_mask() -> None:
    assert mask(GOOD_MAN) == "351505******0011"
    assert mask("123") == "123..."


@pytest.mark.parametrize(("text", "today", "expected"), [
    (GOOD_MAN, date(2026, 11, 23), date(1990, 3, 15)),
    ("3515051503100011", date(2026, 11, 23), date(2010, 3, 15)),
    ("3515051503260011", date(2026, 11, 23), date(2026, 3, 15)),
    ("3515051503270011", date(2026, 11, 23), date(1927, 3, 15)),
    ("3515056902000011", date(2026, 11, 23), date(2000, 2, 29)),
    # 29 Feb "00" when the century resolves to 1900 (not a leap year): the 28th.
    ("3515052902000011", date(1999, 1, 1), date(1900, 2, 28)),
])
def test_birth_date(text: str, today: date, expected: date) -> None:
    assert birth_date(validate(text), today) == expected
