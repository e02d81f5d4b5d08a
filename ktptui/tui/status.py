"""What the status bar says, computed from the engine's status (no Textual).

Levels: ``ok`` / ``warn`` / ``bad`` become CSS classes, and every bad or warn
part also says so in words, so a monochrome console loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import EngineStatus, Gate
from .fmt import local_time, one_line
from .i18n import t, t_opt

OK, WARN, BAD = "ok", "warn", "bad"

_GATE_LEVEL = {
    Gate.PRINTING: OK, Gate.IDLE: OK, Gate.WAITING: WARN, Gate.PAUSED: WARN,
    Gate.STOPPING: WARN, Gate.TOKEN: BAD, Gate.BLANKS: BAD, Gate.POWER: BAD,
    Gate.PRINTER: BAD, Gate.LINK: BAD,
}


@dataclass(frozen=True)
class PowerInfo:
    """The structured power reading, when the engine exposes one."""

    source: str  # mains / battery / unknown
    charge: int | None = None
    runtime_s: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class BlanksInfo:
    balance: int
    low_threshold: int
    days_left: float | None


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


def _detail(summary: str, detail: str) -> str:
    detail = one_line(detail)
    if not detail or detail.casefold() == summary.casefold():
        return summary
    return f"{summary} - {detail}"


def core_detail(reason: str) -> str:
    """The core's English reason without the prefix the summary already says."""
    for prefix in ("Not printing: ", "Printing", "Queue empty"):
        if reason.startswith(prefix):
            return reason[len(prefix):].strip(" :")
    return reason


def gate_line(status: EngineStatus) -> Part:
    summary = t(f"gate.{status.gate.value}")
    return Part(_detail(summary, core_detail(status.reason)), _GATE_LEVEL.get(status.gate, WARN))


def link_part(state: str, detail: str, since: str | None = None) -> Part:
    label = t_opt(f"link.{state}", state)
    text = f"{t('status.link')}: {label}"
    if since:
        text += " " + t("status.since", at=local_time(since))
    if detail and detail.casefold() != state.casefold():
        text += f" ({one_line(detail)})"
    level = {"up": OK, "degraded": WARN}.get(state, BAD)
    return Part(text, level)


def power_part(power: PowerInfo | None, detail: str) -> Part:
    prefix = t("status.power") + ": "
    if power is None:
        known = detail.strip()
        if known == "mains":
            return Part(prefix + t("power.mains"))
        return Part(prefix + (one_line(known) or t("power.unknown")), WARN if known else OK)
    if power.source == "mains":
        return Part(prefix + t("power.mains"))
    if power.source == "battery":
        minutes = (power.runtime_s or 0) // 60
        text = t("power.battery", charge=power.charge if power.charge is not None else "?",
                 minutes=minutes if power.runtime_s is not None else "?")
        return Part(prefix + text, BAD)
    return Part(prefix + t("power.unknown") + (f" ({one_line(power.detail)})"
                                               if power.detail else ""), WARN)


def blanks_part(info: BlanksInfo) -> Part:
    text = f"{t('status.blanks')}: {info.balance}"
    if info.days_left is not None:
        text += " " + t("status.blanks_days", days=f"{info.days_left:.0f}")
    if info.balance <= 0:
        return Part(f"{text} {t('status.blanks_out')}", BAD)
    if info.balance < info.low_threshold:
        return Part(f"{text} {t('status.blanks_low')}", WARN)
    return Part(text)


def printer_part(ready: bool, busy: bool, message: str) -> Part:
    if busy:
        word, level = t("status.printer_busy"), OK
    elif ready:
        word, level = t("status.printer_ready"), OK
    else:
        word, level = t("status.printer_stopped"), BAD
    text = f"{t('status.printer')}: {word}"
    if message and not ready:
        text += f" ({one_line(message)})"
    return Part(text, level)


def engine_lines(status: EngineStatus, blanks: BlanksInfo, power: PowerInfo | None,
                 link_since: str | None = None) -> StatusLines:
    return StatusLines(
        gate=gate_line(status),
        link=link_part(status.link, status.link_detail, link_since),
        power=power_part(power, status.power),
        blanks=blanks_part(blanks),
        printer=printer_part(status.printer_ready, status.current_job is not None,
                             status.printer),
    )


def standby_lines(who: str | None, other: dict[str, Any] | None, blanks: BlanksInfo) -> StatusLines:
    """This process does not print: say who does, and what it last published."""
    gate = Part(t("gate.standby", who=who) if who else t("gate.standby_none"), WARN)
    other = other or {}
    if other.get("reason") and who:
        gate = Part(f"{gate.text}. {t('gate.other', reason=one_line(str(other['reason'])))}",
                    WARN)
    link_detail = str(other.get("link", "") or "")
    link_state = link_detail.split()[0].rstrip(":,") if link_detail else "?"
    return StatusLines(
        gate=gate,
        link=link_part(link_state, link_detail),
        power=power_part(None, str(other.get("power", "") or "")),
        blanks=blanks_part(blanks),
        printer=Part(f"{t('status.printer')}: {one_line(str(other.get('printer', '?')))}",
                     OK),
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
