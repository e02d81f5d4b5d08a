"""What the status bar says, rendered from the typed station status
(``station.status.StationStatus``; no Textual, no text parsed back).

Levels: ``ok`` / ``warn`` / ``bad`` become CSS classes, and every bad or warn
part also says so in words, so a monochrome console loses nothing.

Everything shown is in the operator's language: the link's cause and a
printer's reason codes are typed values said from the catalogue (an unknown
code quoted as it came); in English the core's own words (a printer's
message, the OS error) follow the summary. Nothing shown counts down:
a status that changes every second would repaint every second.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .. import fmt
from ..fmt import one_line
from ..i18n import language, t, t_opt

if TYPE_CHECKING:
    from ..central.monitor import LinkStatus
    from ..power import PowerStatus
    from ..station.status import InterruptedCard, PrinterLine, StationStatus

OK, WARN, BAD = "ok", "warn", "bad"

#: ``engine.Gate`` values (a StrEnum: its members compare equal to these).
_GATE_LEVEL = {
    "printing": OK, "idle": OK, "waiting": WARN, "paused": WARN, "stopping": WARN,
    "token": BAD, "blanks": BAD, "power": BAD, "printer": BAD, "link": BAD,
    "interrupted": BAD, "session": WARN, "reserved": WARN,
}


@dataclass(frozen=True)
class BlanksInfo:
    balance: int
    low_threshold: int
    days_left: float | None
    #: The forecast is still being worked out (a worker reads its window).
    loading: bool = False


@dataclass(frozen=True)
class Part:
    text: str
    level: str = OK


@dataclass(frozen=True)
class StatusLines:
    gate: Part
    link: Part
    power: Part
    blanks: Part
    printer: Part
    #: One line per printer when the station has several (else none: the
    #: gate line and the printer part say it all).
    printers: tuple[Part, ...] = ()


def core_words(detail: str) -> str:
    """A core detail (an OS error, central's or CUPS's own text: English) is
    shown in English only; in Indonesian the translated summary stands alone
    (the journal keeps the words)."""
    return one_line(detail) if language() == "en" else ""


def cause_words(link: LinkStatus) -> str:
    """Why the link is not up, in the operator's language."""
    if language() == "en":
        return one_line(link.detail)
    return link.reason_words()


def _detail(summary: str, detail: str) -> str:
    detail = one_line(detail)
    if not detail or detail.casefold() == summary.casefold():
        return summary
    return f"{summary} - {detail}"


# -- the link --------------------------------------------------------------------------

_UNREACHABLE = "central unreachable: "


def link_cause(error: str) -> str:
    """A job's last error without the transport's prefix (the job table,
    toasts); in Indonesian, "no answer from central" says it (the OS error
    stays in the journal)."""
    error = one_line(error)
    if error.startswith(_UNREACHABLE) and language() != "en":
        return t("link.cause.unreachable")
    return error.removeprefix(_UNREACHABLE)


def link_part(link: LinkStatus) -> Part:
    prefix = t("status.link") + ": "
    detail = cause_words(link) if not link.token_refused else core_words(link.detail)
    if link.token_refused:
        return Part(prefix + t("link.token") + (f" ({detail})" if detail else ""), BAD)
    state = link.state.value
    text = prefix + t_opt(f"link.{state}", state)
    text += " " + t("status.since", at=link.since.astimezone().strftime("%H:%M"))
    if detail and state != "up":
        text += f" ({detail})"
    return Part(text, {"up": OK, "degraded": WARN}.get(state, BAD))


#: The station's clock is worth a word when it is off by more than this
#: (``engine.CLOCK_SHOWN_S``; not imported: the engine loads after the first paint).
CLOCK_SHOWN_S = 120.0


def clock_text(offset_s: object) -> str:
    """"jam stasiun 3 jam lebih cepat" when central's clock (minus the
    station's) says the station is off by over 2 minutes, else ""."""
    if isinstance(offset_s, bool) or not isinstance(offset_s, int | float):
        return ""
    size = abs(float(offset_s))
    if not CLOCK_SHOWN_S < size < float("inf"):
        return ""
    amount = (t("unit.hours", n=f"{size / 3600:.0f}") if size >= 5400
              else t("unit.minutes", n=f"{size / 60:.0f}"))
    return t("status.clock_fast" if offset_s < 0 else "status.clock_slow", amount=amount)


def with_clock(part: Part, offset_s: object) -> Part:
    """The link part, with the station's clock when it is off (a warning)."""
    words = clock_text(offset_s)
    if not words:
        return part
    return Part(f"{part.text}; {words}", WARN if part.level == OK else part.level)


# -- power, blanks, printer ------------------------------------------------------------

def power_part(power: PowerStatus | None, *, held: bool = False) -> Part:
    """``held``: the engine holds printing for power (the part is then bad)."""
    prefix = t("status.power") + ": "
    if power is None:
        return Part(prefix + t("power.unknown"), WARN)
    if power.source == "mains":
        return Part(prefix + t("power.mains"))
    if power.source == "battery":
        minutes = (power.runtime_s or 0) // 60
        text = t("power.battery", charge=power.charge if power.charge is not None else "?",
                 minutes=minutes if power.runtime_s is not None else "?")
        if power.low_battery:
            text += " " + t("power.low")
        return Part(prefix + text, BAD if held or power.low_battery else WARN)
    detail = core_words(power.detail)
    return Part(prefix + t("power.unknown") + (f" ({detail})" if detail else ""), WARN)


def blanks_part(info: BlanksInfo) -> Part:
    text = f"{t('status.blanks')}: {fmt.number(info.balance)}"
    if info.loading and info.balance > 0:
        text += " " + t("status.blanks_loading")
    elif info.days_left is not None and info.balance > 0:
        text += " " + t("status.blanks_days", days=fmt.number(round(info.days_left)))
    if info.balance <= 0:
        return Part(f"{text} {t('status.blanks_out')}", BAD)
    if info.balance < info.low_threshold:
        return Part(f"{text} {t('status.blanks_low')}", WARN)
    return Part(text)


def printer_words(codes: Any, kind: str) -> str:
    """Reason (``kind`` "reason") or warning ("warn") codes in the operator's
    language; "" when there are none or one is unknown (the caller then shows
    the core's English message)."""
    if language() != "en":  # an unknown code quoted: CUPS's English stays in the journal
        from ..printers.base import reason_words

        return reason_words(codes or (), kind)
    words = [t_opt(f"printer.{kind}.{c}", "") for c in codes or ()]
    return ", ".join(words) if words and all(words) else ""


def printer_part(ready: bool, busy: bool, message: str, reasons: Any = (),
                 warnings: Any = ()) -> Part:
    if busy:
        word, level = t("status.printer_busy"), OK
    elif ready:
        word, level = t("status.printer_ready"), OK
    else:
        word, level = t("status.printer_stopped"), BAD
    text = f"{t('status.printer')}: {word}"
    if not ready and not busy:
        why = printer_words(reasons, "reason") or core_words(message)
        if why:
            text += f" ({why})"
    if warn := printer_words(warnings, "warn"):
        text += f" - {warn}"
        level = WARN if level == OK else level
    return Part(text, level)


# -- the gate line -----------------------------------------------------------------------

def gate_line(status: StationStatus, *, paused: dict[str, Any] | None = None,
              printing: str = "") -> Part:
    """Can we print right now, and if not, why: one line.

    ``paused``: the store's pause record ({"by", "note"}); ``printing``: who
    the card in the printer is for (name or masked NIK)."""
    gate = str(status.gate.value)
    level = _GATE_LEVEL.get(gate, WARN)
    link = status.link
    match gate:
        case "printing" if status.current_job:
            text = t("gate.printing_job", job=status.current_job[:8])
            if printing:
                text += f" ({printing})"
        case "paused":
            paused = paused or {}
            text = t("gate.paused", by=paused.get("by") or "?")
            if paused.get("note"):
                text += f" ({one_line(str(paused['note']))})"
        case "token":
            text = _detail(t("gate.token"), core_words(link.detail))
        case "printer":
            text = _detail(t("gate.printer"), printer_words(status.printer.reasons, "reason")
                           or core_words(status.printer.message))
        case "link":
            down = link.state.value == "down"
            text = t("gate.link" if down else "gate.link_busy")
            if not down and link.detail:
                text = _detail(text, cause_words(link))
        case "interrupted":
            text = interrupted_text(status.interrupted)
        case ("printing" | "idle" | "waiting" | "blanks" | "power" | "stopping" | "session"
              | "reserved"):
            text = t(f"gate.{gate}")
        case _:  # a gate this TUI does not know yet: the core's own words
            text = one_line(status.reason)
    return Part(text, level)


def interrupted_text(card: InterruptedCard | None) -> str:
    """Which card to look for: job, the holder's name when known, and when it
    was sent to the printer (local time)."""
    if card is None:
        return t("gate.interrupted", job="?", at=fmt.stamp(None))
    short = one_line(card.job)[:8]
    name = one_line(card.holder or "")
    at = fmt.stamp(card.started_at)
    text = (t("gate.interrupted_name", job=short, name=name, at=at) if name
            else t("gate.interrupted", job=short, at=at))
    more = card.count - 1
    return text + (f" ({t('gate.interrupted_more', n=more)})" if more > 0 else "")


def printer_line(status: StationStatus, line: PrinterLine) -> Part:
    """One printer of several: its name, its own gate, ribbon low."""
    gate = str(line.gate.value)
    if gate == "paused" and line.paused_by is not None:
        part = Part(t("printers.paused", by=one_line(line.paused_by)), WARN)
    else:
        own = replace(status, gate=line.gate, printer=line.printer,
                      current_job=line.current_job, interrupted=line.interrupted)
        part = gate_line(own)
    text = f"{one_line(line.name)}: {part.text}"
    level = part.level
    if line.ribbon_low:
        text += f" - {t('printer.warn.marker-supply-low')}"
        level = WARN if level == OK else level
    return Part(text, level)


def printer_lines(status: StationStatus) -> tuple[Part, ...]:
    return tuple(printer_line(status, ln) for ln in status.printers) \
        if len(status.printers) > 1 else ()


def engine_lines(status: StationStatus, blanks: BlanksInfo, *,
                 paused: dict[str, Any] | None = None, printing: str = "") -> StatusLines:
    printer = status.printer
    return StatusLines(
        gate=gate_line(status, paused=paused, printing=printing),
        link=with_clock(link_part(status.link), status.clock_offset_s),
        power=power_part(status.power, held=status.gate == "power"),
        blanks=blanks_part(blanks),
        printer=printer_part(printer.ready, status.printer_busy, printer.message,
                             printer.reasons, printer.warnings),
        printers=printer_lines(status),
    )


def holder_text(holder: Any) -> str:
    """Who holds the engine lock, short: "ktptui --resume (siti, pid 4242)"."""
    if holder is None:
        return ""
    return f"{holder.role} ({holder.user}, pid {holder.pid})"


def standby_lines(who: str | None, other: StationStatus | None, blanks: BlanksInfo, *,
                  paused: dict[str, Any] | None = None) -> StatusLines:
    """This process does not print: say who does, and what it last published
    (``other``: the store's status record, read back typed)."""
    if not who:
        gate = Part(t("gate.standby_none"), WARN)
    else:
        text = t("gate.standby", who=who)
        other_gate = "" if other is None else other.gate.value
        if other_gate == "paused":
            text += " | " + t("gate.other", what=t("gate.paused", by=(paused or {}).get("by")
                                                   or "?"))
        elif other_gate == "interrupted" and other is not None:
            text += " | " + t("gate.other", what=interrupted_text(other.interrupted))
        elif other_gate in _GATE_LEVEL:
            text += " | " + t("gate.other", what=t(f"gate.{other_gate}"))
        gate = Part(text, WARN)
    if other is None:
        unknown = t("status.unknown")
        return StatusLines(
            gate=gate,
            link=Part(f"{t('status.link')}: {unknown}", WARN),
            power=Part(f"{t('status.power')}: {unknown}", WARN),
            blanks=blanks_part(blanks),
            printer=Part(f"{t('status.printer')}: {unknown}", WARN),
        )
    printer = other.printer
    printer_line = printer_part(printer.ready, False, printer.message, printer.reasons,
                                printer.warnings)
    return StatusLines(
        gate=gate,
        link=with_clock(link_part(other.link), other.clock_offset_s),
        power=power_part(other.power, held=other.gate == "power"),
        blanks=blanks_part(blanks),
        printer=Part(printer_line.text, WARN if printer_line.level == BAD
                     else printer_line.level),
        printers=printer_lines(other),
    )


def placeholder_lines(gate_key: str, blanks: BlanksInfo, detail: str = "") -> StatusLines:
    """Before the first engine status, or when the engine cannot start."""
    level = BAD if gate_key == "gate.no_engine" else WARN
    return StatusLines(
        gate=Part(_detail(t(gate_key), detail), level),
        link=Part(f"{t('status.link')}: {t('status.unknown')}", WARN),
        power=Part(f"{t('status.power')}: {t('status.unknown')}", WARN),
        blanks=blanks_part(blanks),
        printer=Part(f"{t('status.printer')}: {t('status.unknown')}", WARN),
    )
