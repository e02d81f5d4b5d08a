"""Office operations in the TUI (issue #6): settings, and small helpers of
the session and Suket screens.

No Textual here. The core builds and words the reports and session summaries
(``reports.daily_text``, ``sessions.summary_text``: the same text the CLI
prints, in the operator's language); numbers and times come from ``fmt``.
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
    from ..config import Config, OfficeConfig
    from ..office.sessions import Summary
    from ..office.suket import Slip
    from ..printers.base import Printer


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
    #: The other card printers' queues (``[[printers]]``): refused too.
    card_queues: tuple[str, ...] = ()
    #: Makes the printer for a queue name (tests); None: CUPS.
    printer_factory: Callable[[str], Printer] | None = None
    last_queue: str = ""
    last_folder: Path | None = None
    #: Where the report screen saves (None: ``reports.default_folder()``).
    reports_dir: Path | None = None
    #: Who may adjust the blank count (``[office] supervisor_group``).
    supervisor_group: str = "ktptui-supervisors"
    #: ``[office] print_when = "citizen_present"``: new jobs wait for the citizen.
    print_when_present: bool = False
    #: The office's name, regency and address (the intake receipt).
    office_name: str = ""
    regency: str = ""
    address: str = ""
    #: The ``[office]`` section (the Suket's register format, signatory...).
    config: OfficeConfig | None = None
    #: When the last outage began (UTC text), set when the link came back:
    #: the call-back list is of the cards printed since.
    callback_since: str | None = None

    @classmethod
    def from_config(cls, config: Config) -> OfficeSettings:
        return cls(office_code=config.station.office_code, station_id=config.station.id,
                   suket_after_days=config.office.suket_after_days,
                   cups_server=config.printer_list()[0][1].cups_server,
                   card_queue=config.printer.queue if config.printer.backend == "cups" else "",
                   card_queues=tuple(p.queue for _, p in config.printer_list()
                                     if p.backend == "cups"),
                   supervisor_group=config.office.supervisor_group,
                   print_when_present=config.office.print_when == "citizen_present",
                   office_name=config.office.name, regency=config.office.regency,
                   address=config.office.address, config=config.office)

    def printer(self, queue: str) -> Printer:
        """The office paper printer ``queue`` (refused: the card printer's queue)."""
        from ..actions import ActionRefused

        if self.card_queue and queue == self.card_queue or queue in self.card_queues:
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


# -- print sessions ------------------------------------------------------------------------

def summary_lines(s: Summary, tz: tzinfo | None = None) -> list[str]:
    """The core's session summary (the text ``ktptui session close`` prints)."""
    from ..office.sessions import summary_text

    return summary_text(s, tz).splitlines()


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
    """``470-0012-35.15-2030.pdf`` (the number, ``/`` made ``-``; ``-2`` ... for copies)."""
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
