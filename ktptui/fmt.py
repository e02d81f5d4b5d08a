"""Small formatters shared by widgets, screens, reports and the CLI (no Textual
here): numbers, dates, times and durations the operator's way.

In Indonesian: ``1.234`` and ``12,5``, ``28-11-2026`` (tables) or
``28 Nov 2026`` (headings, Indonesian month names), ``2 jam 5 menit``; in
English ``1,234``, ``2026-11-28`` / ``28 Nov 2026``, ``2 h 5 min``. Times are
``14:05`` in both languages: a dot (the other Indonesian style) would read as a
thousands separator next to counts. Machine formats (CSV, JSON, file names)
do not come from here: they stay ISO and plain.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo

from . import model
from .i18n import language, t, t_opt
from .model import Job, State, to_text

Clock = Callable[[], datetime]

#: A text marker per state, so the table reads without colour too.
MARKERS: dict[State, str] = {
    State.QUEUED: "-",
    State.HELD: "=",
    State.AUTHORIZED: "+",
    State.PRINTING: ">",
    State.PRINTED: "*",
    State.DONE: "v",
    State.INTERRUPTED: "!",
    State.REJECTED: "x",
    State.CANCELLED: "/",
    State.WAITING_CITIZEN: "~",
}


def utc_now() -> datetime:
    return model.now_utc()  # the core's one clock


def parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None


def age(stamp: str, now: datetime) -> str:
    """Coarse age in at most 4 cells: "<5m", then 5-minute steps ("5m" ...
    "55m"), hours up to two days ("3j" / "3h"), then days ("2h" / "2d": the
    units are the operator's, ``fmt.age_*``). A waiting job's age text changes at most
    every 5 minutes: each change is a repaint sent to the terminal, and a
    queue of young jobs ticking every minute would cost ~2 KB/min idle."""
    start = parse(stamp)
    if start is None:
        return "?"
    minutes = max(0, int((now - start).total_seconds() // 60))
    if minutes < 5:
        return t("fmt.age_min", n="<5")
    if minutes < 60:
        return t("fmt.age_min", n=minutes // 5 * 5)
    if minutes < 48 * 60:
        return t("fmt.age_hours", n=minutes // 60)
    return t("fmt.age_days", n=minutes // 1440)


# -- numbers, dates, times and durations the operator's way -------------------------

Moment = datetime | str | None


def number(n: int | float, digits: int = 0, *, signed: bool = False) -> str:
    """``1.234`` / ``12,5`` (id), ``1,234`` / ``12.5`` (en); ``signed``: ``+5``."""
    text = f"{n:{'+' if signed else ''},.{digits}f}"
    return text.translate(_SWAP) if language() == "id" else text


_SWAP = str.maketrans(",.", ".,")


def day(d: date) -> str:
    """Short, for tables: ``28-11-2026`` (id), ``2026-11-28`` (en)."""
    return d.strftime("%d-%m-%Y") if language() == "id" else d.isoformat()


def day_long(d: date) -> str:
    """For headings: ``28 Nov 2026``; month names in the operator's language."""
    return f"{d.day} {t('fmt.months').split()[d.month - 1]} {d.year}"


def day_month(d: date) -> str:
    """Day and month only, for narrow columns: ``28-11`` (id), ``11-28`` (en)."""
    return d.strftime("%d-%m") if language() == "id" else d.strftime("%m-%d")


def _local(when: Moment, tz: tzinfo | None) -> datetime | None:
    found = parse(when) if isinstance(when, str) or when is None else when
    if found is None:
        return None
    if found.tzinfo is None:  # naive: already local
        return found
    return found.astimezone(tz) if tz is not None else found.astimezone()


def clock(dt: Moment, tz: tzinfo | None = None, *, seconds: bool = False) -> str:
    """Local time of day ``14:05`` (``14:05:09`` with ``seconds``); ``-`` for none.
    ``dt``: an aware datetime (or a stored RFC 3339 text); ``tz``: the
    station's zone (None: the system's)."""
    local = _local(dt, tz)
    if local is None:
        return "-"
    return local.strftime("%H:%M:%S" if seconds else "%H:%M")


def stamp(dt: Moment, tz: tzinfo | None = None, *, seconds: bool = False) -> str:
    """Local date and time: ``28-11-2026 14:05`` (id), ``2026-11-28 14:05`` (en)."""
    local = _local(dt, tz)
    if local is None:
        return "-"
    return f"{day(local.date())} {local.strftime('%H:%M:%S' if seconds else '%H:%M')}"


def short_stamp(dt: Moment, tz: tzinfo | None = None) -> str:
    """Local day, month and time for narrow columns: ``28-11 14:05``."""
    local = _local(dt, tz)
    if local is None:
        return "-"
    return f"{day_month(local.date())} {local.strftime('%H:%M')}"


def duration(seconds: float) -> str:
    """``0 menit`` / ``<1 mnt`` / ``35 menit`` / ``2 jam 5 menit`` / ``1 hari 7 jam`` / ``3 hari``
    (en ``<1 min`` / ``35 min`` / ``2 h 5 min`` / ``1 d 7 h`` / ``3 d``):
    the two largest units, whole, rounded down."""
    if seconds <= 0:
        return t("fmt.minutes", n=0)
    minutes = int(seconds // 60)
    if minutes < 1:
        return t("fmt.under_minute")
    if minutes < 60:
        return t("fmt.minutes", n=minutes)
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return t("fmt.hours", n=hours) + (f" {t('fmt.minutes', n=rest)}" if rest else "")
    days, hours = divmod(hours, 24)
    return t("fmt.days", n=days) + (f" {t('fmt.hours', n=hours)}" if hours else "")


def state_label(state: State) -> str:
    return t(f"state.{state.value}")


def reason_label(job: Job) -> str:
    return t_opt(f"reason.{job.reason.value}", job.reason.value)


def fit(text: str, width: int) -> str:
    """Cut or pad ``text`` to exactly ``width`` cells (ASCII-ish content)."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: max(0, width - 1)] + "~" if width > 1 else text[:width]
    return text.ljust(width)


def one_line(text: str) -> str:
    """Stored text on one line, without escapes or control characters (text
    stored before central's replies were cleaned may still carry them)."""
    from .text import clean

    return " ".join(clean(text).split())


def window_start(today: date, days: int) -> str:
    """Where a window of ``days`` local days ending ``today`` starts (local
    midnight), as stored times are compared: history reads ask for this range
    instead of the whole archive."""
    first = datetime.combine(today - timedelta(days=days - 1), time.min).astimezone()
    return to_text(first)
