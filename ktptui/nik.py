"""NIK (Nomor Induk Kependudukan) checks, each failure with its own message.

Layout: PP KK CC DDMMYY SSSS - province, regency, district, birth date
(day + 40 for women), serial. Messages show only the first four digits, since
they end up on screens and in logs.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date

from . import model
from .errors import Kind, KtpError, english

# Kemendagri province codes, including the Papua provinces formed in 2022.
PROVINCES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau",
    "15": "Jambi", "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
    "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
    "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah",
    "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip


class Rule(enum.StrEnum):
    """The rules a NIK can break, in the order they are checked."""

    DIGIT = "digit"
    LENGTH = "length"
    PROVINCE = "province"
    DATE = "date"
    SERIAL = "serial"


class InvalidNik(KtpError, ValueError):
    """A NIK that cannot be right: ``rule`` is the rule it breaks.

    ``message()`` is the catalogue's line (``nik.bad.<rule>``) in the
    operator's language, the one every front shows; ``str()`` is the same line
    in English (logs, the central simulator's replies).
    """

    error_kind = Kind.BAD_INPUT

    def __init__(self, nik: str, rule: Rule, **values: object) -> None:
        values = {"shown": f"NIK {nik[:4]}..." if len(nik) > 4 else f"NIK {nik!r}", **values}
        super().__init__(english(f"nik.bad.{rule.value}", **values))
        self.rule = rule
        self.say(f"nik.bad.{rule.value}", **values)


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province: str
    female: bool
    birth_day: int
    birth_month: int
    birth_year_2d: int


def mask(nik: str) -> str:
    """Enough for an operator to tell citizens apart in logs, not the whole NIK."""
    if len(nik) < 10:
        return nik[:4] + "..."
    return nik[:6] + "*" * (len(nik) - 10) + nik[-4:]


def _date_problem(digits: str) -> bool:
    """True when the birth-date digits (NIK digits 7-12, or as many of them as
    are typed so far) cannot be right: DDMMYY, day + 40 for women."""
    if len(digits) >= 2:
        day = int(digits[:2])
        if not (1 <= day <= 31 or 41 <= day <= 71):
            return True
    if len(digits) >= 4 and not 1 <= int(digits[2:4]) <= 12:
        return True
    if len(digits) >= 6:
        day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
        real = day - 40 if day > 40 else day
        # Two-digit years: treat years divisible by 4 as leap (1900 is out of
        # range for living citizens, 2000 was a leap year).
        full = 2000 + year if year % 4 == 0 else 2001
        return real > calendar.monthrange(full, month)[1]
    return False


def problem(nik: str, *, partial: bool = False) -> InvalidNik | None:
    """The first rule ``nik`` breaks, or None. ``partial``: the digits typed
    so far, judged only on what is there (a short NIK is not yet wrong)."""
    bad = next((i for i, c in enumerate(nik) if c not in "0123456789"), None)
    if bad is not None:
        return InvalidNik(nik, Rule.DIGIT, char=repr(nik[bad]), pos=bad + 1)
    if len(nik) > 16 or (len(nik) < 16 and not partial):
        return InvalidNik(nik, Rule.LENGTH, n=len(nik))
    if len(nik) >= 2 and nik[:2] not in PROVINCES:
        return InvalidNik(nik, Rule.PROVINCE, code=nik[:2])
    if _date_problem(nik[6:12]):
        return InvalidNik(nik, Rule.DATE, digits=nik[6:12])
    if len(nik) == 16 and nik[12:] == "0000":
        return InvalidNik(nik, Rule.SERIAL)
    return None


def validate(nik: str) -> NikInfo:
    """Return what the NIK encodes, or raise ``InvalidNik`` naming the broken rule."""
    if (wrong := problem(nik)) is not None:
        raise wrong
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    return NikInfo(nik, PROVINCES[nik[:2]], female, day - 40 if female else day, month, year)


def birth_date(info: NikInfo, today: date | None = None) -> date:
    """Resolve the two-digit year: the latest year not in the future."""
    today = today or model.now_utc().astimezone().date()
    year = 2000 + info.birth_year_2d
    if year > today.year:
        year -= 100
    last_day = calendar.monthrange(year, info.birth_month)[1]
    return date(year, info.birth_month, min(info.birth_day, last_day))
