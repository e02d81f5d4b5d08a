"""NIK (Nomor Induk Kependudukan) checks, each failure with its own message.

Layout: PP KK CC DDMMYY SSSS - province, regency, district, birth date
(day + 40 for women), serial. Messages show only the first four digits, since
they end up on screens and in logs.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

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


class InvalidNik(ValueError):
    """A NIK that cannot be right; the message says which rule it breaks."""


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


def validate(nik: str) -> NikInfo:
    """Return what the NIK encodes, or raise ``InvalidNik`` naming the broken rule."""
    shown = f"NIK {nik[:4]}..." if len(nik) > 4 else f"NIK {nik!r}"
    bad = next((i for i, c in enumerate(nik) if c not in "0123456789"), None)
    if bad is not None:
        raise InvalidNik(
            f"{shown} has a non-digit {nik[bad]!r} at position {bad + 1}; a NIK is 16 digits"
        )
    if len(nik) != 16:
        raise InvalidNik(f"{shown} has {len(nik)} digits, needs 16")
    province = nik[:2]
    if province not in PROVINCES:
        raise InvalidNik(f"{shown}: {province} is not a province code (digits 1-2)")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    real_day = day - 40 if female else day
    # Two-digit years: treat years divisible by 4 as leap (1900 is out of range
    # for living citizens, 2000 was a leap year).
    full_year = 2000 + year if year % 4 == 0 else 2001
    days_in_month = calendar.monthrange(full_year, month)[1] if 1 <= month <= 12 else 0
    if not (1 <= month <= 12 and 1 <= real_day <= days_in_month):
        raise InvalidNik(
            f"{shown}: digits 7-12 ({nik[6:12]}) are not a birth date DDMMYY "
            "(day + 40 for women)"
        )
    if nik[12:] == "0000":
        raise InvalidNik(f"{shown}: serial (digits 13-16) is 0000, the first serial is 0001")
    return NikInfo(nik, PROVINCES[province], female, real_day, month, year)


def birth_date(info: NikInfo, today: date | None = None) -> date:
    """Resolve the two-digit year: the latest year not in the future."""
    today = today or date.today()
    year = 2000 + info.birth_year_2d
    if year > today.year:
        year -= 100
    last_day = calendar.monthrange(year, info.birth_month)[1]
    return date(year, info.birth_month, min(info.birth_day, last_day))
