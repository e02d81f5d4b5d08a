"""Office operations in the TUI (issue #6): settings, and the figures of the
core's reports, sessions and Sukets as lines in the operator's language.

No Textual here. The core builds the figures (``reports``, ``sessions``,
``suket``); this module only words them: the core's own text (``daily_text``,
``summary_text``) is English, for the CLI and for files sent to the ministry.
Notes written by the core (an adjustment's reason, the ledger's reconciliation)
stay in its words, like every core detail in the TUI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import language, t, t_opt

if TYPE_CHECKING:
    from ..config import Config
    from ..office.reports import DailyReport, Requisition
    from ..office.sessions import Summary
    from ..office.suket import Slip
    from ..printers.base import Printer

#: The width of a report line (the screens have 80 columns, a cell of padding each side).
WIDTH = 78
LABEL = 40


@dataclass
class OfficeSettings:
    """What the office screens need from the config, and what they remember
    while the App runs (the last folder and printer queue a Suket went to)."""

    office_code: str = "00.00"
    station_id: str = ""
    suket_after_days: int = 14
    cups_server: str = ""
    #: The card printer's CUPS queue: a Suket never goes there.
    card_queue: str = ""
    #: Makes the printer for a queue name (tests); None: CUPS.
    printer_factory: Callable[[str], Printer] | None = None
    last_queue: str = ""
    last_folder: Path | None = None

    @classmethod
    def from_config(cls, config: Config) -> OfficeSettings:
        return cls(office_code=config.station.office_code, station_id=config.station.id,
                   suket_after_days=config.office.suket_after_days,
                   cups_server=config.printer.cups_server,
                   card_queue=config.printer.queue if config.printer.backend == "cups" else "")

    def printer(self, queue: str) -> Printer:
        """The office paper printer ``queue`` (refused: the card printer's queue)."""
        from ..actions import ActionRefused

        if self.card_queue and queue == self.card_queue:
            raise ActionRefused(t("suket.card_queue", queue=queue))
        if self.printer_factory is not None:
            return self.printer_factory(queue)
        from ..printers.cups import CupsPrinter

        return CupsPrinter(queue, server=self.cups_server, timeout_s=60.0)


# -- numbers in the operator's language ------------------------------------------------

def num(n: int) -> str:
    """35,000 (en) / 35.000 (id)."""
    text = f"{n:,}"
    return text.replace(",", ".") if language() == "id" else text


def dec(x: float, places: int = 2) -> str:
    """1,234.50 (en) / 1.234,50 (id)."""
    text = f"{x:,.{places}f}"
    return text.translate(str.maketrans(",.", ".,")) if language() == "id" else text


def hours_text(hours: float) -> str:
    if hours >= 24:
        whole = int(hours)
        return t("report.days_hours", d=whole // 24, h=whole % 24)
    return t("report.hours", h=dec(hours))


def local_text(when: datetime, tz: tzinfo | None = None) -> str:
    local = when.astimezone(tz) if tz is not None else when.astimezone()
    return local.strftime("%Y-%m-%d %H:%M")


def _row(label: str, value: str, extra: str = "") -> str:
    label = label if len(label) < LABEL else label[: LABEL - 2] + "~"
    return f"{label:{LABEL}}{value:>12}{extra}".rstrip()


def _where(office_code: str, station_id: str) -> str:
    return t("report.where", office=office_code or "-", station=station_id or "-")


def rule() -> str:
    return "-" * WIDTH


# -- the daily report -----------------------------------------------------------------

def daily_lines(r: DailyReport, tz: tzinfo | None = None) -> list[str]:
    a = r.activity
    lines = [
        f"{_where(r.office_code, r.station_id)} | "
        + t("report.as_of", at=local_text(r.as_of, tz), offset=r.utc_offset),
        rule(),
        _row(t("report.printed"), num(a.printed)),
        _row(t("report.spoiled"), num(a.spoiled)),
        _row(t("report.rejected"), num(a.rejected_total)),
    ]
    lines += [_row(f"  {t_opt(f'code.{code}', code)}", num(n)) for code, n in a.rejected.items()]
    lines += [
        _row(t("report.not_recorded"), num(a.not_recorded)),
        _row(t("report.with_suket"), num(a.not_recorded_with_suket)),
        _row(t("report.sukets"), num(a.sukets_issued),
             f"   {t('report.reprints', n=a.suket_reprints)}" if a.suket_reprints else ""),
        _row(t("report.waiting"), num(r.waiting)),
    ]
    oldest = r.oldest_waiting_hours
    if r.oldest_waiting_job and oldest is not None:
        lines.append(t("report.oldest", job=r.oldest_waiting_job[:8], time=hours_text(oldest)))
    lines += [
        _row(t("report.link_down"), hours_text(r.link_down_hours)),
        _row(t("report.battery"), hours_text(r.battery_hours)),
        "",
        f"{t('report.op'):26}{t('report.op_printed'):>13}{t('report.op_spoiled'):>13}"
        f"{t('report.op_added'):>13}{t('report.op_actions'):>13}",
    ]
    for name, c in a.operators.items():
        lines.append(f"{name[:25]:26}{num(c.printed):>13}{num(c.spoiled):>13}"
                     f"{num(c.added):>13}{num(c.actions):>13}")
    if not a.operators:
        lines.append(t("report.no_operators"))
    return lines


# -- the blank requisition ---------------------------------------------------------------

def requisition_lines(r: Requisition, tz: tzinfo | None = None) -> list[str]:
    tot = r.totals
    days = "-" if r.days_left is None else dec(r.days_left, 1)
    lines = [
        f"{_where(r.office_code, r.station_id)} | "
        + t("report.as_of", at=local_text(r.as_of, tz), offset=r.utc_offset),
        rule(),
        _row(t("req.received"), num(tot.received)),
        _row(t("req.used"), num(tot.printed)),
        _row(t("req.spoiled"), num(tot.spoiled)),
        _row(t("req.adjusted"), f"{'+' if tot.adjusted > 0 else ''}{num(tot.adjusted)}"),
        _row(t("req.balance"), num(tot.balance)),
        _row(t("req.per_day", days=r.window_days), dec(r.per_day)),
        _row(t("req.days_left"), days),
        _row(t("req.waiting"), num(r.waiting)),
    ]
    if r.need is not None and r.short is not None:
        lines += [
            _row(t("req.need"), num(r.need)),
            _row(t("req.short"), num(r.short)),
            "",
            t("req.sentence", need=num(r.need), received=num(tot.received),
              short=num(r.short)),
        ]
    else:
        lines += ["", t("req.no_need")]
    lines.append(t("req.ledger", text=r.reconciliation)
                 + ("" if r.reconciled else f"  -- {t('req.not_reconciled')}"))
    return lines


# -- print sessions ------------------------------------------------------------------------

def _count_line(key: str, count: int, ledger: int) -> str:
    if count == ledger:
        return t(key, count=num(count), ledger=num(ledger))
    return t(f"{key}_adj", count=num(count), ledger=num(ledger), diff=count - ledger)


def summary_lines(s: Summary, tz: tzinfo | None = None) -> list[str]:
    from ..model import from_text

    sess = s.session
    a = s.activity
    minutes = int(s.duration.total_seconds()) // 60
    lines = [
        t("summary.head_closed" if s.closed else "summary.head_open", id=sess.short_id)
        + " (" + t("summary.duration", h=minutes // 60, m=minutes % 60) + ")",
        t("summary.opened", at=local_text(from_text(sess.opened_at), tz), by=sess.opened_by),
        t("summary.closed", at=local_text(s.until, tz), by=s.closed_by or "-") if s.closed
        else t("summary.until", at=local_text(s.until, tz)),
        _count_line("summary.count_open", sess.open_count, sess.open_ledger),
    ]
    if s.closed and s.close_count is not None and s.close_ledger is not None:
        lines.append(_count_line("summary.count_close", s.close_count, s.close_ledger))
    lines += [
        rule(),
        _row(t("report.printed"), num(a.printed)),
        _row(t("report.spoiled"), num(a.spoiled)),
        _row(t("report.sukets"), num(a.sukets_issued)),
        _row(t("report.rejected"), num(a.rejected_total)),
    ]
    total = sum(e.delta for e in s.adjustments)
    lines.append(_row(t("summary.adjustments"), f"{len(s.adjustments)}",
                      f"   ({total:+d})" if s.adjustments else ""))
    lines += [f"  {e.delta:+d}  {e.note}" for e in s.adjustments]
    lines.append(t("summary.operators", names=", ".join(s.operators)))
    return lines


def last_summary_line(doc: dict[str, Any], tz: tzinfo | None = None) -> str:
    """One line for ``sessions.last_closed`` (a ``Summary.to_dict``)."""
    from ..model import from_text

    closed = doc.get("closed_at")
    return t("session.last", id=str(doc.get("id", ""))[:8],
             at=local_text(from_text(closed), tz) if closed else "-",
             by=doc.get("closed_by") or "-", printed=doc.get("printed", 0),
             spoiled=doc.get("spoiled", 0), sukets=doc.get("sukets", 0))


def session_badge(doc: dict[str, Any] | None, now: datetime) -> str:
    """What the queue line says while a session is open ("" when none is):
    its opening time, with the date when it is not today."""
    from ..model import from_text

    if not doc:
        return ""
    try:
        opened = from_text(str(doc["opened_at"])).astimezone()
    except (KeyError, ValueError):
        return t("session.badge", at="?")
    today: date = now.astimezone().date()
    at = opened.strftime("%H:%M" if opened.date() == today else "%d/%m %H:%M")
    return t("session.badge", at=at)


# -- Suket files ---------------------------------------------------------------------------

def suket_filename(slip: Slip) -> str:
    """``SKT-35.15-20301115-1a2b3c4d.pdf`` (``-2`` ... for reprints)."""
    copy = f"-{slip.copy}" if slip.reprint else ""
    return f"{slip.number.replace('/', '-')}{copy}.pdf"


def suket_target(typed: str, default: Path, base: Path) -> tuple[Path, bool]:
    """Where to save a Suket from what the operator typed: empty means
    ``default``; a folder (existing, or typed with a trailing ``/``) gets the
    default file name; a relative path is taken from ``base`` (the data
    folder). Returns the path and whether it is plain text (``.txt``)."""
    text = typed.strip()
    if not text:
        path = default
    else:
        path = Path(os.path.expanduser(text))
        if not path.is_absolute():
            path = base / path
        if text.endswith(("/", os.sep)) or path.is_dir():
            path = path / default.name
    return path, path.suffix.lower() == ".txt"
