"""ktptui.fmt: numbers, dates, times and durations in both languages (issue 17)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ktptui import fmt
from ktptui.i18n import set_language

WIB = timezone(timedelta(hours=7))
MOMENT = datetime(2026, 11, 28, 7, 5, 9, tzinfo=UTC)  # 14:05:09 WIB


@pytest.fixture
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    set_language(request.param)
    try:
        yield request.param
    finally:
        set_language("id")


@pytest.mark.parametrize(("lang", "n", "digits", "want"), [
    ("id", 1234, 0, "1.234"), ("en", 1234, 0, "1,234"),
    ("id", 1234567, 0, "1.234.567"), ("en", 1234567, 0, "1,234,567"),
    ("id", 12.5, 1, "12,5"), ("en", 12.5, 1, "12.5"),
    ("id", 1234.5, 2, "1.234,50"), ("en", 1234.5, 2, "1,234.50"),
    ("id", -35000, 0, "-35.000"), ("en", 7, 0, "7"), ("id", 0, 0, "0"),
], indirect=["lang"])
def test_number(lang: str, n: float, digits: int, want: str) -> None:
    assert fmt.number(n, digits) == want


@pytest.mark.parametrize(("lang", "want"), [("id", "+1.200"), ("en", "+1,200")],
                         indirect=["lang"])
def test_number_signed(lang: str, want: str) -> None:
    assert fmt.number(1200, signed=True) == want
    assert fmt.number(-3, signed=True) == "-3"


@pytest.mark.parametrize(("lang", "short", "long", "dm"), [
    ("id", "28-11-2026", "28 Nov 2026", "28-11"),
    ("en", "2026-11-28", "28 Nov 2026", "11-28"),
], indirect=["lang"])
def test_days(lang: str, short: str, long: str, dm: str) -> None:
    d = date(2026, 11, 28)
    assert fmt.day(d) == short
    assert fmt.day_long(d) == long
    assert fmt.day_month(d) == dm


@pytest.mark.parametrize(("lang", "months"), [
    ("id", "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des"),
    ("en", "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"),
], indirect=["lang"])
def test_day_long_month_names(lang: str, months: str) -> None:
    got = [fmt.day_long(date(2026, m, 5)).split()[1] for m in range(1, 13)]
    assert got == months.split()
    assert fmt.day_long(date(2027, 1, 5)) == "5 Jan 2027"


@pytest.mark.parametrize(("lang", "want"), [
    ("id", "28-11-2026 14:05"), ("en", "2026-11-28 14:05"),
], indirect=["lang"])
def test_clock_and_stamp(lang: str, want: str) -> None:
    assert fmt.clock(MOMENT, WIB) == "14:05"
    assert fmt.clock(MOMENT, WIB, seconds=True) == "14:05:09"
    assert fmt.stamp(MOMENT, WIB) == want
    # A stored RFC 3339 text reads the same; nothing stored reads "-".
    assert fmt.stamp("2026-11-28T07:05:09.000+00:00", WIB) == want
    assert fmt.stamp(None) == fmt.clock("not a time") == "-"
    assert fmt.short_stamp(MOMENT, WIB) == ("11-28 14:05" if lang == "en" else "28-11 14:05")


@pytest.mark.parametrize(("lang", "seconds", "want"), [
    ("id", 0, "0 menit"), ("en", 0, "0 min"), ("id", 30, "<1 mnt"), ("en", 59, "<1 min"),
    ("id", 35 * 60, "35 menit"), ("en", 35 * 60, "35 min"),
    ("id", 2 * 3600 + 5 * 60, "2 jam 5 menit"), ("en", 2 * 3600 + 5 * 60, "2 h 5 min"),
    ("id", 2 * 3600, "2 jam"), ("en", 2 * 3600 + 59, "2 h"),
    ("id", 31 * 3600, "1 hari 7 jam"), ("en", 31 * 3600, "1 d 7 h"),
    ("id", 3 * 86400 + 59 * 60, "3 hari"), ("en", 3 * 86400, "3 d"),
    ("id", -5, "0 menit"),
], indirect=["lang"])
def test_duration(lang: str, seconds: float, want: str) -> None:
    assert fmt.duration(seconds) == want


@pytest.mark.parametrize(("lang", "want"), [
    ("id", ["<5m", "5m", "55m", "3j", "47j", "2h"]),
    ("en", ["<5m", "5m", "55m", "3h", "47h", "2d"]),
], indirect=["lang"])
def test_age_units_are_the_operators(lang: str, want: list[str]) -> None:
    now = MOMENT
    ages = [timedelta(minutes=4), timedelta(minutes=9), timedelta(minutes=59),
            timedelta(hours=3), timedelta(hours=47, minutes=59), timedelta(days=2)]
    got = [fmt.age((now - a).isoformat(), now) for a in ages]
    assert got == want
    assert max(len(x) for x in got) <= 4  # the queue's age column
