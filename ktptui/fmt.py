"""Small formatters shared by widgets and screens (no Textual here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from . import model
from .i18n import t, t_opt
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
    """Coarse age: "<5m", then 5-minute steps ("5m" ... "55m"), hours up to two
    days ("3h"), then days ("2d"). A waiting job's age text changes at most
    every 5 minutes: each change is a repaint sent to the terminal, and a
    queue of young jobs ticking every minute would cost ~2 KB/min idle."""
    start = parse(stamp)
    if start is None:
        return "?"
    minutes = max(0, int((now - start).total_seconds() // 60))
    if minutes < 5:
        return "<5m"
    if minutes < 60:
        return f"{minutes // 5 * 5}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


def local_time(stamp: str | None, *, with_date: bool = False) -> str:
    when = parse(stamp)
    if when is None:
        return "-"
    local = when.astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M")


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
