"""Configuration: one TOML file read with ``tomllib``, checked key by key.

The dataclasses below are the schema: every key, its type and its default.
``config.toml.example`` documents the same keys; a test keeps them in step.
Unknown keys and wrong types are errors naming the key and the file.
"""

from __future__ import annotations

import dataclasses
import math
import re
import socket
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .errors import Kind, KtpError
from .i18n import Said, say


class ConfigError(KtpError):
    """A config problem, in one line that names the file, the key and the fix."""

    error_kind = Kind.CONFIG


def _choice(*values: str) -> Any:
    return field(metadata={"choices": values}, default=values[0])


def _reasons(value: tuple[str, ...]) -> Said | None:
    """What is wrong with a list of job reasons, or None."""
    from .model import Reason

    known = [r.value for r in Reason]
    if any(v not in known for v in value):
        return say("config.problem.reasons", known=", ".join(known))
    return None


def _printer_uri(value: str) -> Said | None:
    """What is wrong with a printer URI, or None (empty is allowed: not set)."""
    import urllib.parse

    if not value:
        return None
    try:
        parts = urllib.parse.urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if (parts.scheme not in ("ipp", "ipps") or not parts.hostname or not port_ok
            or not value.isprintable() or " " in value):
        return say("config.problem.printer_uri")
    return None


@dataclass(frozen=True)
class StationConfig:
    id: str = field(default_factory=socket.gethostname)
    office_code: str = "00.00"
    operator: str = ""  # empty: the login user


@dataclass(frozen=True)
class StoreConfig:
    data_dir: Path = field(default_factory=paths.data_dir)
    #: Finished jobs older than this keep only what the reports need.
    retain_personal_days: int = 90


@dataclass(frozen=True)
class CentralConfig:
    base_url: str = "http://127.0.0.1:8787/api/v1"
    token_file: Path | None = None
    ca_bundle: Path | None = None
    timeout_s: float = 10.0
    retry_min_s: float = 2.0
    retry_max_s: float = 300.0
    health_interval_s: float = 30.0


#: A printer's name: short, plain, safe on a screen and in a file name.
PRINTER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}")


def _printer_name(value: str) -> Said | None:
    """What is wrong with a printer name, or None (empty: the queue's name)."""
    if not value or PRINTER_NAME.fullmatch(value):
        return None
    return say("config.problem.printer_name")


@dataclass(frozen=True)
class PrinterConfig:
    backend: str = _choice("sim", "cups", "spool")
    #: How screens, logs and the job history name this printer; empty: the
    #: queue's name. Required and unique in ``[[printers]]`` tables.
    name: str = field(default="", metadata={"check": _printer_name})
    queue: str = "ektp"
    #: CUPS server (host:port); empty means the system default.
    cups_server: str = ""
    #: The card printer's own IPP address, asked for its state when the
    #: queue's device URI is not ipp(s); empty: the queue's device URI.
    device_uri: str = field(default="", metadata={"check": _printer_uri})
    spool_dir: Path | None = None
    #: ``sim`` backend: seconds per card, and the share of cards that jam.
    sim_seconds_per_card: float = 2.0
    sim_jam_rate: float = 0.0


@dataclass(frozen=True)
class PowerConfig:
    source: str = _choice("auto", "nut", "sysfs", "none")
    ups: str = "ups@localhost"
    #: On battery, start a new card only while the UPS reports at least this runtime.
    min_runtime_s: int = 300


@dataclass(frozen=True)
class EngineConfig:
    #: Jobs authorised ahead of the printer, so it never waits on the network.
    authorize_ahead: int = 3


@dataclass(frozen=True)
class BlanksConfig:
    low_threshold: int = 100
    #: The last ``reserve`` blanks are kept for jobs of the ``reserve_for``
    #: reasons (first-time cards): at or below it, other jobs wait for the
    #: next shipment, unless urgent or already authorised. 0: off.
    reserve: int = 0
    reserve_for: tuple[str, ...] = field(default=("new",), metadata={"check": _reasons})


def _suket_number_format(value: str) -> Said | None:
    """What is wrong with a Suket number format, or None."""
    try:
        value.format(seq=1, year=2026, office_code="35.12")
    except (KeyError, IndexError, ValueError) as e:
        return say("config.problem.suket_format", why=str(e))
    return None


def _nip(value: str) -> Said | None:
    """A civil servant's NIP: 18 digits (or empty: not set)."""
    digits = value.replace(" ", "")
    if digits and not (len(digits) == 18 and digits.isascii() and digits.isdigit()):
        return say("config.problem.nip")
    return None


@dataclass(frozen=True)
class OfficeConfig:
    #: A citizen whose card has waited longer than this may get a Suket.
    suket_after_days: int = 14
    #: No card is started without an open print session (a shift with its
    #: counts of blanks): ``ktptui session open --count N`` first.
    require_session: bool = False
    #: Members of this Unix group are supervisors (kepala seksi): they may
    #: adjust the blank stock and approve count differences (ktptui/roles.py).
    supervisor_group: str = "ktptui-supervisors"
    #: The group whose members may reach the station service's socket.
    operator_group: str = "ktptui-operators"
    # --- lifecycle (issue 13) ---
    #: "queued": jobs print as soon as central authorises them; "citizen_present":
    #: a job waits (``waiting_citizen``) until ``ktptui arrive`` (urgent ones do not).
    print_when: str = _choice("queued", "citizen_present")
    #: The office and regency names and the office's address, printed on the
    #: intake receipt and the Suket.
    name: str = ""
    regency: str = ""
    address: str = ""
    #: ``ktptui uncollected`` without ``--days``: cards older than this many days.
    uncollected_days: int = 14
    #: The Suket's number from the yearly register, its validity, its signatory.
    suket_number_format: str = field(default="470/{seq:04d}/{office_code}/{year}",
                                     metadata={"check": _suket_number_format})
    suket_valid_days: int = 180
    signatory_name: str = ""
    signatory_nip: str = field(default="", metadata={"check": _nip})
    signatory_title: str = ""


def _prom_file(value: Path | None) -> Said | None:
    if value is not None and value.suffix != ".prom":
        return say("config.problem.prom")
    return None


@dataclass(frozen=True)
class MonitorConfig:
    #: Prometheus text for node_exporter's textfile collector (None: off).
    textfile: Path | None = field(default=None, metadata={"check": _prom_file})


@dataclass(frozen=True)
class NoticeConfig:
    #: A one-page Indonesian status for a lobby screen or website (None: off).
    html: Path | None = None

DEFAULT_SOCKET = Path("/run/ktptui/ktptui.sock")


@dataclass(frozen=True)
class ServiceConfig:
    #: The station service's socket (``ktptui serve``); the systemd unit's
    #: ``RuntimeDirectory=ktptui`` makes its folder.
    socket: Path = DEFAULT_SOCKET


@dataclass(frozen=True)
class UiConfig:
    language: str = _choice("id", "en")


@dataclass(frozen=True)
class Config:
    station: StationConfig = field(default_factory=StationConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    central: CentralConfig = field(default_factory=CentralConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    power: PowerConfig = field(default_factory=PowerConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    blanks: BlanksConfig = field(default_factory=BlanksConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    office: OfficeConfig = field(default_factory=OfficeConfig)
    monitor: MonitorConfig = field(default_factory=MonitorConfig)
    notice: NoticeConfig = field(default_factory=NoticeConfig)
    service: ServiceConfig = field(default_factory=ServiceConfig)
    #: ``[[printers]]`` tables: several printers in one station. Empty: the
    #: one ``[printer]`` table is the station's only printer.
    printers: tuple[PrinterConfig, ...] = ()
    #: The file this came from (None: built-in defaults).
    source: Path | None = None

    def printer_list(self) -> tuple[tuple[str, PrinterConfig], ...]:
        """Every printer this station drives, with its name, in config order."""
        if self.printers:
            return tuple((p.name, p) for p in self.printers)
        return ((self.printer.name or self.printer.queue, self.printer),)


#: The sane range of every numeric key, (section, key): (lowest, highest). A
#: value outside it is a typo or a misunderstanding (``authorize_ahead = 0``
#: never prints, ``sim_jam_rate = 7.5`` is not a share), so it is refused. A
#: test checks that every int/float key is listed here.
RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("store", "retain_personal_days"): (0, 3650),
    ("central", "timeout_s"): (0.1, 600),
    ("central", "retry_min_s"): (0.01, 3600),
    ("central", "retry_max_s"): (0.01, 86400),
    ("central", "health_interval_s"): (0.1, 3600),
    ("printer", "sim_seconds_per_card"): (0, 3600),
    ("printer", "sim_jam_rate"): (0, 1),
    ("power", "min_runtime_s"): (0, 86400),
    ("engine", "authorize_ahead"): (1, 100),
    ("blanks", "low_threshold"): (0, 1_000_000),
    ("blanks", "reserve"): (0, 1_000_000),
    ("office", "suket_after_days"): (0, 3650),
    ("office", "uncollected_days"): (0, 3650),
    ("office", "suket_valid_days"): (1, 3650),
}


def _check_range(value: Any, section: str, key: str, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError.said("config.finite", where=where, got=repr(value))
    bounds = RANGES.get((section, key))
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        lo, hi = (str(int(b)) if b == int(b) else str(b) for b in bounds)
        raise ConfigError.said("config.range", where=where, lo=lo, hi=hi, got=repr(value))


def _coerce(value: Any, hint: Any, where: str, base: Path) -> Any:
    """Check one value against its annotation; paths resolve beside the file."""
    optional = isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)
    if optional:
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
        if value == "":
            return None
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError.said("config.path", where=where, got=repr(value))
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p
    if typing.get_origin(hint) is tuple:  # a list of strings in TOML
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError.said("config.list", where=where, got=repr(value))
        return tuple(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if hint is int and isinstance(value, bool) or not isinstance(value, hint):
        raise ConfigError.said("config.type", where=where, type=hint.__name__,
                               got_type=type(value).__name__, got=repr(value))
    return value


def _section(cls: type, raw: Any, name: str, file: Path, label: str = "") -> Any:
    label = label or f"[{name}]"
    if not isinstance(raw, dict):
        raise ConfigError.said("config.table", file=str(file), label=label)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{file}: {label} {key}"
        if key not in fields:
            raise ConfigError.said("config.unknown_key", where=where, known=", ".join(fields))
        value = _coerce(value, hints[key], where, file.parent)
        if hints[key] in (int, float):
            _check_range(value, name, key, where)
        choices = fields[key].metadata.get("choices")
        if choices and value not in choices:
            raise ConfigError.said("config.choice", where=where, choices=", ".join(choices),
                                   got=repr(value))
        check = fields[key].metadata.get("check")
        if check and (problem := check(value)):
            raise ConfigError.said("config.check", where=where, problem=problem,
                                   got=repr(value))
        values[key] = value
    return cls(**values)


def parse(text: str, file: Path) -> Config:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError.said("config.toml", file=str(file), why=str(e)) from None
    sections = {f.name: f for f in dataclasses.fields(Config)
                if f.name not in ("source", "printers")}
    values: dict[str, Any] = {}
    for name, body in raw.items():
        if name == "printers":
            values[name] = _printers(body, "printer" in raw, file)
            continue
        if name not in sections:
            raise ConfigError.said("config.unknown_section", file=str(file), name=name,
                                   known=", ".join(sections))
        values[name] = _section(typing.get_type_hints(Config)[name], body, name, file)
    central = values.get("central")
    if central is not None and central.retry_min_s > central.retry_max_s:
        raise ConfigError.said("config.retry_order", file=str(file),
                               low=f"{central.retry_min_s:g}", high=f"{central.retry_max_s:g}")
    return Config(**values, source=file)


#: More printers than one station's engine is meant to drive is a typo.
MAX_PRINTERS = 16


def _printers(raw: Any, single: bool, file: Path) -> tuple[PrinterConfig, ...]:
    """``[[printers]]``: each a ``[printer]`` table with a name of its own."""
    if single:
        raise ConfigError.said("config.printer_and_printers", file=str(file))
    if not isinstance(raw, list) or not raw or len(raw) > MAX_PRINTERS:
        raise ConfigError.said("config.printers_count", file=str(file), most=MAX_PRINTERS)
    printers: list[PrinterConfig] = []
    for i, body in enumerate(raw, 1):
        printer = _section(PrinterConfig, body, "printer", file, f"[[printers]] #{i}")
        if not printer.name:
            raise ConfigError.said("config.printer_unnamed", file=str(file), i=i)
        if any(p.name == printer.name for p in printers):
            raise ConfigError.said("config.printer_twice", file=str(file), i=i,
                                   name=repr(printer.name))
        printers.append(printer)
    return tuple(printers)


def load(path: Path | None = None) -> Config:
    """Read the config file. No file at the default path means built-in defaults;
    an explicitly named file that is missing is an error."""
    explicit = path is not None
    file = path or paths.config_file()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError.said("config.missing", file=str(file)) from None
        return Config()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError.said("config.unreadable", file=str(file), why=str(e)) from None
    return parse(text, file)
