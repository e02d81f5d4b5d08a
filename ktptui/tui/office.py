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

from .. import fmt
from ..i18n import t

if TYPE_CHECKING:
    from ..config import Config
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
    #: Where the report screen saves (None: ``reports.default_folder()``).
    reports_dir: Path | None = None

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
    return fmt.number(n)


def local_text(when: datetime, tz: tzinfo | None = None) -> str:
    """28-11-2026 14:05 (id) / 2026-11-28 14:05 (en)."""
    return fmt.stamp(when, tz)


def _row(label: str, value: str, extra: str = "") -> str:
    label = label if len(label) < LABEL else label[: LABEL - 2] + "~"
    return f"{label:{LABEL}}{value:>12}{extra}".rstrip()


def _where(office_code: str, station_id: str) -> str:
    return t("report.where", office=office_code or "-", station=station_id or "-")


def rule() -> str:
    return "-" * WIDTH


# -- print sessions ------------------------------------------------------------------------

def _count_line(key: str, count: int, ledger: int) -> str:
    if count == ledger:
        return t(key, count=num(count), ledger=num(ledger))
    return t(f"{key}_adj", count=num(count), ledger=num(ledger), diff=count - ledger)


def summary_lines(s: Summary, tz: tzinfo | None = None) -> list[str]:
    from ..model import from_text

    sess = s.session
    a = s.activity
    lines = [
        t("summary.head_closed" if s.closed else "summary.head_open", id=sess.short_id)
        + " (" + fmt.duration(s.duration.total_seconds()) + ")",
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
    lines.append(_row(t("summary.adjustments"), num(len(s.adjustments)),
                      f"   ({fmt.number(total, signed=True)})" if s.adjustments else ""))
    lines += [f"  {fmt.number(e.delta, signed=True)}  {e.note}" for e in s.adjustments]
    lines.append(t("summary.operators", names=", ".join(s.operators)))
    return lines


def last_summary_line(doc: dict[str, Any], tz: tzinfo | None = None) -> str:
    """One line for ``sessions.last_closed`` (a ``Summary.to_dict``)."""
    from ..model import from_text

    closed = doc.get("closed_at")
    return t("session.last", id=str(doc.get("id", ""))[:8],
             at=local_text(from_text(closed), tz) if closed else "-",
             by=doc.get("closed_by") or "-", printed=_count(doc.get("printed")),
             spoiled=_count(doc.get("spoiled")), sukets=_count(doc.get("sukets")))


def _count(value: object) -> str:
    return num(value) if isinstance(value, int) else "0"


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
    at = fmt.clock(opened) if opened.date() == today else fmt.short_stamp(opened)
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
