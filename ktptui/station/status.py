"""The station's status as typed values: one model for every front end.

The engine builds a ``StationStatus`` from the link monitor's snapshot, the
power reading, the printer's status, the ledger and the queue; the TUI renders
it in the operator's language, ``ktptui status`` prints it and
``ktptui status --json`` dumps it. The engine keeps the last one in the
store's meta (``STATUS_KEY``) as JSON with a ``schema`` number, so another
process (a TUI on standby, ``ktptui status``) reads the same values back: no
front end parses text. ``reason`` is the one English line, for the log only.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..central.errors import Cause
from ..central.monitor import LinkCause, LinkState, LinkStatus
from ..model import now_utc, to_text
from ..power import PowerStatus, Supply
from ..printers.base import PrinterStatus
from ..store import MetaKey

#: The version of ``StationStatus.to_json``; a reader refuses other numbers.
#: 2: ``printers``, one entry per printer (issue 15).
SCHEMA = 2
#: Store meta: the engine's last published status (``to_json``).
STATUS_KEY = MetaKey.ENGINE_STATUS


class Gate(enum.StrEnum):
    """Why the printer is (not) printing: a code front ends translate."""

    PRINTING = "printing"
    IDLE = "idle"  # nothing to print
    PAUSED = "paused"
    TOKEN = "token"
    BLANKS = "blanks"
    POWER = "power"
    PRINTER = "printer"
    LINK = "link"
    WAITING = "waiting"  # jobs queued, authorisation under way
    STOPPING = "stopping"
    INTERRUPTED = "interrupted"  # a card on this printer waits for the operator's check
    SESSION = "session"  # ``[office] require_session`` and no print session open
    #: ``[blanks] reserve``: the blanks left are kept for first-time cards
    #: ("blangko dicadangkan untuk KTP pemula"); the jobs queued wait.
    RESERVED = "reserved"


#: Gates only an operator can open: ``--resume`` stops there (exit 3).
OPERATOR_GATES = frozenset({Gate.INTERRUPTED, Gate.SESSION})


@dataclass(frozen=True)
class InterruptedCard:
    """Gate ``interrupted``: the card to look for (the oldest when several),
    whose it is when central said, when it was sent to the printer, and how
    many interrupted cards stop this printer in all."""

    job: str
    holder: str | None = None
    started_at: str | None = None
    count: int = 1


#: The printer warning code of a low ribbon (IPP ``marker-supply-low``).
RIBBON_LOW = "marker-supply-low"


@dataclass(frozen=True)
class PrinterLine:
    """One printer of the station: its own gate (a jam or an offline printer
    stops only this one), the card in it, and whether it alone is paused."""

    name: str
    gate: Gate
    printer: PrinterStatus = field(default_factory=lambda: _not_checked())
    current_job: str | None = None
    interrupted: InterruptedCard | None = None
    #: Who paused this printer alone (``ktptui pause --printer``); None: not paused.
    paused_by: str | None = None
    #: One line, English, for the log.
    reason: str = ""

    @property
    def ribbon_low(self) -> bool:
        return RIBBON_LOW in self.printer.warnings

    @property
    def paused(self) -> bool:
        return self.paused_by is not None

    def to_json(self) -> dict[str, Any]:
        card = self.interrupted
        return {
            "name": self.name, "gate": self.gate.value, "ready": self.printer.ready,
            "busy": self.current_job is not None, "current_job": self.current_job,
            "reasons": list(self.printer.reasons), "warnings": list(self.printer.warnings),
            "message": self.printer.message, "ribbon_low": self.ribbon_low,
            "paused_by": self.paused_by, "reason": self.reason,
            "interrupted": None if card is None else _card_json(card),
        }

    @classmethod
    def from_json(cls, data: Any) -> PrinterLine:
        card = data.get("interrupted")
        return cls(str(data["name"]), Gate(data["gate"]),
                   PrinterStatus(bool(data["ready"]), str(data["message"]),
                                 tuple(str(c) for c in data["reasons"]),
                                 tuple(str(c) for c in data["warnings"])),
                   _opt_str(data.get("current_job")),
                   None if card is None else _card(card),
                   _opt_str(data.get("paused_by")), str(data.get("reason", "")))


def _card_json(card: InterruptedCard) -> dict[str, Any]:
    return {"job": card.job, "holder": card.holder, "started_at": card.started_at,
            "count": card.count}


def _card(card: Any) -> InterruptedCard:
    return InterruptedCard(str(card["job"]), _opt_str(card.get("holder")),
                           _opt_str(card.get("started_at")), int(card.get("count", 1)))


def _not_read() -> PowerStatus:
    return PowerStatus(Supply.UNKNOWN, None, None, False, "power not read yet")


def _not_checked() -> PrinterStatus:
    return PrinterStatus(False, "printer not checked yet")


def _link_unknown() -> LinkStatus:
    return LinkStatus(LinkState.UP, now_utc())


@dataclass(frozen=True)
class StationStatus:
    gate: Gate
    #: One line, English, for the log and the ``--resume`` summary.
    reason: str = ""
    link: LinkStatus = field(default_factory=_link_unknown)
    power: PowerStatus = field(default_factory=_not_read)
    printer: PrinterStatus = field(default_factory=_not_checked)
    #: Blank cards left (the ledger's balance) and the low mark from the config.
    blanks: int = 0
    low_threshold: int = 0
    #: Jobs by state (``State`` values), when the status was made.
    queue: Mapping[str, int] = field(default_factory=dict)
    #: The card in the printer now.
    current_job: str | None = None
    #: Central's clock minus the station's, in seconds (None: not measured yet).
    clock_offset_s: float | None = None
    interrupted: InterruptedCard | None = None
    at: str = field(default_factory=lambda: to_text(now_utc()))
    #: One line per printer, in config order (empty: not known, e.g. a
    #: status made before the engine ran).
    printers: tuple[PrinterLine, ...] = ()

    @property
    def printing(self) -> bool:
        return self.gate is Gate.PRINTING

    @property
    def printer_busy(self) -> bool:
        return self.current_job is not None

    @property
    def job(self) -> str | None:
        """The job the gate is about: the card printing, or the interrupted one."""
        if self.current_job is not None:
            return self.current_job
        return self.interrupted.job if self.interrupted is not None else None

    @property
    def blanks_low(self) -> bool:
        return self.blanks < self.low_threshold

    # -- JSON (store meta, ``ktptui status --json``) -------------------------------
    def to_json(self) -> dict[str, Any]:
        link, power, printer, card = self.link, self.power, self.printer, self.interrupted
        return {
            "schema": SCHEMA,
            "at": self.at,
            "gate": self.gate.value,
            "job": self.job,
            "current_job": self.current_job,
            "reason": self.reason,
            "link": {
                "state": link.state.value, "since": link.since.isoformat(),
                "retry_in_s": None if link.retry_in_s is None else round(link.retry_in_s, 1),
                "cause": link.cause.value, "detail": link.detail,
                "reason": None if link.reason is None else link.reason.value,
            },
            "power": {
                "source": str(power.source), "charge_percent": power.charge,
                "runtime_s": power.runtime_s, "low": power.low_battery, "detail": power.detail,
            },
            "printer": {
                "ready": printer.ready, "busy": self.printer_busy,
                "reasons": list(printer.reasons), "warnings": list(printer.warnings),
                "message": printer.message,
            },
            "clock_offset_s": self.clock_offset_s,
            "blanks": {"balance": self.blanks, "low_threshold": self.low_threshold,
                       "low": self.blanks_low},
            "queue": dict(self.queue),
            "interrupted": None if card is None else _card_json(card),
            "printers": [line.to_json() for line in self.printers],
        }

    @classmethod
    def from_json(cls, data: object) -> StationStatus | None:
        """What ``to_json`` wrote; None for anything else (another schema, an
        older record, damage): the caller says "unknown"."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            return None
        try:
            link, power, printer = data["link"], data["power"], data["printer"]
            blanks, card = data["blanks"], data.get("interrupted")
            retry = link.get("retry_in_s")
            offset = data.get("clock_offset_s")
            return cls(
                gate=Gate(data["gate"]),
                reason=str(data.get("reason", "")),
                link=LinkStatus(LinkState(link["state"]), datetime.fromisoformat(link["since"]),
                                None if retry is None else float(retry),
                                LinkCause(link["cause"]), str(link["detail"]),
                                Cause(link["reason"]) if link.get("reason") else None),
                power=PowerStatus(Supply(power["source"]), _opt_int(power["charge_percent"]),
                                  _opt_int(power["runtime_s"]), bool(power["low"]),
                                  str(power["detail"])),
                printer=PrinterStatus(bool(printer["ready"]), str(printer["message"]),
                                      tuple(str(c) for c in printer["reasons"]),
                                      tuple(str(c) for c in printer["warnings"])),
                blanks=int(blanks["balance"]),
                low_threshold=int(blanks["low_threshold"]),
                queue={str(k): int(v) for k, v in dict(data.get("queue") or {}).items()},
                current_job=_opt_str(data.get("current_job")),
                clock_offset_s=None if offset is None else float(offset),
                interrupted=None if card is None else _card(card),
                at=str(data["at"]),
                printers=tuple(PrinterLine.from_json(line)
                               for line in list(data.get("printers") or [])),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def gate_words(status: StationStatus) -> str:
    """Why the station is (not) printing, short, in the operator's language
    (``reason`` is the English line for the log): the gate, and what exactly
    stops the link or the printer."""
    from ..i18n import t, t_opt
    from ..printers.base import reason_words

    gate = status.gate
    if gate is Gate.LINK:
        down = status.link.state is LinkState.DOWN
        text = t("gate.link" if down else "gate.link_busy")
        why = status.link.reason_words()
    elif gate is Gate.TOKEN:
        text, why = t("gate.token"), ""
    elif gate is Gate.PRINTER:
        text, why = t("gate.printer"), reason_words(status.printer.reasons)
    elif gate is Gate.PAUSED:
        text, why = t("event.paused"), ""
    elif gate is Gate.INTERRUPTED:
        text, why = t("state.interrupted"), ""
    elif gate is Gate.PRINTING and status.current_job:
        text, why = t("gate.printing_job", job=status.current_job[:8]), ""
    else:
        text, why = t_opt(f"gate.{gate.value}", gate.value), ""
    return f"{text} ({why})" if why else text


def _opt_int(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return int(value)


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
