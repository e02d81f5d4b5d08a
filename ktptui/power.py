"""Where the station's power comes from, and whether a new card may start.

A card that has started always finishes; the gate here only holds back the
*next* card while the UPS is running down, so a power cut never catches a
card half printed.

"unknown" (no UPS link, no readable power supply) allows printing: many
offices have no UPS link at all, and refusing to print there would stop the
office. The status detail still says "power state unknown: ..." so the
operator sees it.
"""

from __future__ import annotations

import enum
import os
import shutil
import subprocess
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from .config import PowerConfig

SYSFS_ROOT = Path("/sys/class/power_supply")
#: sysfs batteries report no "low battery" flag like a UPS does; below this
#: charge on battery (or capacity_level Low/Critical) counts as low.
SYSFS_LOW_PERCENT = 10
#: When neither NUT nor sysfs answers, ``AutoPower`` asks again this often
#: (not on every read: an unreachable UPS host costs a timeout each time).
AUTO_RETRY_S = 60.0

class Supply(enum.StrEnum):
    """Where the power comes from (a StrEnum: it compares equal to its value)."""

    MAINS = "mains"
    BATTERY = "battery"
    UNKNOWN = "unknown"


MAINS, BATTERY, UNKNOWN = Supply.MAINS, Supply.BATTERY, Supply.UNKNOWN


@dataclass(frozen=True)
class PowerStatus:
    """One power reading, typed: the engine's ``power_reading()`` and the
    station status carry it as it is."""

    source: str  # a ``Supply`` value
    charge: int | None
    runtime_s: int | None
    low_battery: bool
    detail: str  # plain words for the operator


def unknown(detail: str) -> PowerStatus:
    return PowerStatus(UNKNOWN, None, None, False, f"power state unknown: {detail}")


def describe_battery(charge: int | None, runtime_s: int | None, low: bool) -> str:
    """ "on battery 62%, ~18 min left" with whatever is known."""
    text = "on battery"
    if charge is not None:
        text += f" {charge}%"
    if runtime_s is not None:
        text += f", ~{runtime_s // 60} min left"
    if low:
        text += ", battery low"
    return text


def may_start_card(status: PowerStatus, min_runtime_s: int) -> tuple[bool, str]:
    """The gate for starting a NEW card: (allowed, why not)."""
    if status.source != BATTERY:
        # Mains, or unknown: allowed (see the module docstring).
        return True, ""
    if status.low_battery:
        return False, "low battery: printing held until mains returns"
    if status.runtime_s is not None and status.runtime_s < min_runtime_s:
        need = -(-min_runtime_s // 60)  # round up: never claim less than required
        return False, (f"on battery, ~{status.runtime_s // 60} min left "
                       f"(minimum {need} min): printing held")
    return True, ""


class PowerSource(ABC):
    @abstractmethod
    def read(self) -> PowerStatus:
        """The current power state; never raises (trouble is "unknown")."""


class NoPower(PowerSource):
    """``[power] source = "none"``: the station is assumed to be on mains."""

    def read(self) -> PowerStatus:
        return PowerStatus(MAINS, None, None, False, "mains")


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None


# -- NUT ------------------------------------------------------------------------


def parse_upsc(text: str) -> dict[str, str]:
    """``upsc UPS`` output ("key: value" lines) as a dict."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def status_from_nut(values: dict[str, str]) -> PowerStatus:
    raw = values.get("ups.status", "")
    tokens = set(raw.split())
    charge = _int(values.get("battery.charge"))
    runtime = _int(values.get("battery.runtime"))
    low = "LB" in tokens
    if "OB" in tokens:
        return PowerStatus(BATTERY, charge, runtime, low, describe_battery(charge, runtime, low))
    if "OL" in tokens:
        # On line with LB (battery flat, mains just back) is still mains: the
        # UPS feeds the load from mains, so a card can start.
        return PowerStatus(MAINS, charge, runtime, low, "mains")
    # WAIT (driver starting), OFF, BYPASS...: not a state we can judge.
    return PowerStatus(UNKNOWN, charge, runtime, low,
                       f"power state unknown: UPS status {raw or '(none)'}")


class NutPower(PowerSource):
    """A UPS through NUT's ``upsc`` (e.g. ``ups@localhost``, ``dummy@127.0.0.1:3494``)."""

    def __init__(self, ups: str, timeout_s: float = 5.0) -> None:
        self.ups = ups
        self.timeout_s = timeout_s

    def read(self) -> PowerStatus:
        try:
            out = subprocess.run(
                ["upsc", self.ups], capture_output=True, text=True, timeout=self.timeout_s,
                env={**os.environ, "LC_ALL": "C"}, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            return unknown("upsc not found: install nut-client or set [power] source")
        except subprocess.TimeoutExpired:
            return unknown(f"upsc failed: no answer from {self.ups} within "
                           f"{self.timeout_s:g} s")
        except OSError as e:
            return unknown(f"upsc failed: {e.strerror or e}")
        if out.returncode != 0:
            return unknown(f"upsc failed: {_upsc_error(out.stderr) or f'exit {out.returncode}'}"
                           f" ({self.ups})")
        return status_from_nut(parse_upsc(out.stdout))


def _upsc_error(stderr: str) -> str:
    """upsc's stderr without the harmless SSL notice, on one line."""
    lines = [ln.strip() for ln in stderr.splitlines()
             if ln.strip() and "Init SSL without certificate database" not in ln]
    return "; ".join(lines)


# -- sysfs ----------------------------------------------------------------------

_MAINS_TYPES = {"Mains", "USB", "USB_C", "USB_PD", "USB_PD_DRP", "USB_DCP", "USB_CDP",
                "USB_ACA", "BrickID", "Wireless"}


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None


#: Batteries that can carry the station: a laptop's own battery, or a UPS.
_BATTERY_TYPES = {"Battery", "UPS"}


def _system_scope(sup: Path) -> bool:
    """Whether a supply powers the station itself. A wireless mouse's or
    keyboard's battery has ``scope`` Device: it must never read as a UPS. Most
    system supplies have no ``scope`` file at all."""
    scope = _read(sup / "scope")
    return scope is None or scope == "System"


class SysfsPower(PowerSource):
    """The kernel's view: an AC adapter's ``online`` and a battery's ``capacity``,
    counting only supplies of scope System."""

    def __init__(self, root: Path = SYSFS_ROOT) -> None:
        self.root = Path(root)

    def read(self) -> PowerStatus:
        try:
            supplies = sorted(p for p in self.root.iterdir() if p.is_dir())
        except OSError:
            supplies = []
        mains_online: list[bool] = []
        batteries: list[Path] = []
        for sup in supplies:
            if not _system_scope(sup):
                continue
            kind = _read(sup / "type")
            if kind in _BATTERY_TYPES:
                if _read(sup / "present") != "0":
                    batteries.append(sup)
            elif kind in _MAINS_TYPES:
                online = _read(sup / "online")
                if online is not None:
                    mains_online.append(online == "1")
        if not mains_online and not batteries:
            return unknown(f"no power supplies found in {self.root}")
        bat = batteries[0] if batteries else None
        charge = _int(_read(bat / "capacity")) if bat else None
        runtime = self._runtime(bat) if bat else None
        if any(mains_online):
            return PowerStatus(MAINS, charge, None, False, "mains")
        if bat is None:  # (no adapter and no battery was answered above)
            return unknown(f"mains adapter offline and no battery found in {self.root}")
        if not mains_online and (_read(bat / "status") or "") != "Discharging":
            # No adapter listed: judge by the battery's own status.
            return PowerStatus(MAINS, charge, None, False, "mains")
        level = _read(bat / "capacity_level") or ""
        low = level in ("Low", "Critical") or (charge is not None and charge <= SYSFS_LOW_PERCENT)
        return PowerStatus(BATTERY, charge, runtime, low, describe_battery(charge, runtime, low))

    @staticmethod
    def _runtime(bat: Path) -> int | None:
        """Seconds left, from the driver's estimate or energy/power."""
        direct = _int(_read(bat / "time_to_empty_now"))
        if direct is not None and direct > 0:
            return direct
        for amount, rate in (("energy_now", "power_now"), ("charge_now", "current_now")):
            a, r = _int(_read(bat / amount)), _int(_read(bat / rate))
            if a is not None and r:
                return int(a * 3600 / abs(r))
        return None


# -- auto -----------------------------------------------------------------------


class AutoPower(PowerSource):
    """NUT if ``upsc`` is installed and the UPS answers, else sysfs, else unknown.

    The first source that gives a real reading is kept: a UPS that later stops
    answering then reads "unknown" (which is the truth) rather than silently
    switching to the laptop battery.
    """

    def __init__(self, ups: str, *, sysfs_root: Path = SYSFS_ROOT,
                 timeout_s: float = 5.0) -> None:
        self.nut = NutPower(ups, timeout_s)
        self.sysfs = SysfsPower(sysfs_root)
        self.chosen: PowerSource | None = None
        self._last: PowerStatus | None = None
        self._next_probe = 0.0

    def read(self) -> PowerStatus:
        if self.chosen is not None:
            return self.chosen.read()
        now = time.monotonic()
        if self._last is not None and now < self._next_probe:
            return self._last
        why: list[str] = []
        if shutil.which("upsc"):
            got = self.nut.read()
            if got.source != UNKNOWN:
                self.chosen = self.nut
                return got
            why.append(got.detail.removeprefix("power state unknown: "))
        else:
            why.append("no UPS link (upsc not installed)")
        got = self.sysfs.read()
        if got.source != UNKNOWN:
            self.chosen = self.sysfs
            return got
        why.append(got.detail.removeprefix("power state unknown: "))
        self._last = unknown("; ".join(why))
        self._next_probe = now + AUTO_RETRY_S
        return self._last


def make_power(cfg: PowerConfig) -> PowerSource:
    if cfg.source == "nut":
        return NutPower(cfg.ups)
    if cfg.source == "sysfs":
        return SysfsPower()
    if cfg.source == "none":
        return NoPower()
    if cfg.source == "auto":
        return AutoPower(cfg.ups)
    raise ValueError(f"[power] source must be auto, nut, sysfs or none, got {cfg.source!r}")
