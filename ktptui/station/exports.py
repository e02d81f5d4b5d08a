"""What the station tells the outside: metrics for the regency's monitoring and
a status notice for the public.

* ``[monitor] textfile``: Prometheus text exposition for node_exporter's
  textfile collector (jobs by state, blanks, link, printers, card totals,
  clock offset, the last report central accepted).
* ``[notice] html``: one Indonesian page for a lobby screen or the office
  website (printing or not, link down since when, requests still accepted,
  cards waiting, blanks available or not), no personal data.

Both are rewritten atomically (a temporary file renamed over the old one, so
a reader never sees half a file) when the station's status changes and at
least once a minute. The work runs on one thread per process with its own
store instance: the engine's callback only hands over the newest status.
"""

from __future__ import annotations

import atexit
import contextlib
import html
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from ..config import Config
from ..fsutil import fsync_dir
from ..i18n import t_in
from ..model import State, from_text
from ..store import MetaKey, Store
from .status import Gate, StationStatus

#: At least this often each file is rewritten (its ages and "updated" tick).
EVERY_S = 60.0
NOTICE_LANGUAGE = "id"  # the public notice is for citizens: Indonesian always

#: States a citizen's card waits in (not yet out of the printer).
WAITING = (State.QUEUED, State.AUTHORIZED, State.PRINTING, State.HELD, State.INTERRUPTED)


# -- rendering (pure) -----------------------------------------------------------------------

def _label(value: str) -> str:
    """A Prometheus label value: backslash, quote and newline escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def metrics_text(status: StationStatus | None, store: Store, now: datetime, *,
                 printer_name: str = "printer") -> str:
    """The exposition text (version 0.0.4) for this moment."""
    out: list[str] = []

    def metric(name: str, kind: str, help_text: str,
               samples: list[tuple[dict[str, str], float]]) -> None:
        out.append(f"# HELP {name} {help_text}")
        out.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            number = repr(float(value)) if isinstance(value, float) else str(value)
            out.append(f"{name}{{{text}}} {number}" if text else f"{name} {number}")

    counts = store.counts()
    metric("ktptui_jobs", "gauge", "Jobs by state, archived ones included.",
           [({"state": state}, n) for state, n in sorted(counts.items())])
    totals = store.ledger_totals()
    metric("ktptui_blanks_balance", "gauge", "Blank cards on hand by the ledger.",
           [({}, totals.balance)])
    metric("ktptui_blanks_received_total", "counter", "Blank cards received in shipments.",
           [({}, totals.received)])
    metric("ktptui_blanks_adjusted", "gauge", "Net counted corrections of the blank stock.",
           [({}, totals.adjusted)])
    metric("ktptui_cards_printed_total", "counter", "Cards printed good.",
           [({}, totals.printed)])
    metric("ktptui_cards_spoiled_total", "counter", "Blanks lost to bad prints.",
           [({}, totals.spoiled)])
    interrupted = store.meta(MetaKey.CARDS_INTERRUPTED, 0)
    metric("ktptui_cards_interrupted_total", "counter",
           "Cards interrupted mid-print (counted since this version).",
           [({}, interrupted if isinstance(interrupted, int) else 0)])
    stamp = store.meta(MetaKey.LAST_REPORT_AT)
    last = from_text(stamp) if isinstance(stamp, str) else None
    metric("ktptui_last_report_timestamp_seconds", "gauge",
           "When central last accepted an outcome report (0: never).",
           [({}, last.timestamp() if last else 0.0)])
    if status is not None:
        link = status.link
        metric("ktptui_link_up", "gauge", "1 when the link to central is up.",
               [({}, 1 if link.state.value == "up" else 0)])
        metric("ktptui_link_state", "gauge", "The link's state (1 for the current one).",
               [({"state": s}, 1 if link.state.value == s else 0)
                for s in ("up", "degraded", "down")])
        metric("ktptui_link_state_seconds", "gauge", "Seconds since the link's state changed.",
               [({}, round(max(0.0, (now - link.since).total_seconds()), 1))])
        # One sample per printer of the station (one printer: the station's own).
        printers = ([(line.name, line.printer) for line in status.printers]
                    or [(printer_name, status.printer)])
        metric("ktptui_printer_ready", "gauge", "1 when the card printer is ready.",
               [({"printer": name, "reason": ",".join(p.reasons) or ("" if p.ready
                                                                     else "unknown")},
                 1 if p.ready else 0) for name, p in printers])
        metric("ktptui_gate", "gauge", "Why the station prints or not (1 for the current gate).",
               [({"gate": g.value}, 1 if status.gate is g else 0) for g in Gate])
        if status.clock_offset_s is not None:
            metric("ktptui_clock_offset_seconds", "gauge",
                   "The station's clock minus central's.",
                   [({}, round(float(status.clock_offset_s), 1))])
        at = from_text(status.at)
        metric("ktptui_status_timestamp_seconds", "gauge", "When the engine last said its status.",
               [({}, at.timestamp())])
    return "\n".join(out) + "\n"


def notice_html(status: StationStatus | None, store: Store, now: datetime, *,
                office: str = "") -> str:
    """The public page: Indonesian, large type, refreshes itself, no names."""
    def say(key: str, **values: object) -> str:
        return html.escape(t_in(NOTICE_LANGUAGE, key, **values))

    counts = store.counts()
    waiting = sum(counts.get(s.value, 0) for s in WAITING)
    balance = store.ledger_totals().balance
    lines: list[tuple[str, str]] = []  # (css class, text)
    if status is None:
        lines.append(("warn", say("notice.unknown")))
    elif status.printing:
        lines.append(("ok", say("notice.printing")))
    else:
        lines.append(("warn", say("notice.not_printing")))
    if status is not None and status.link.state.value != "up":
        since = status.link.since.astimezone().strftime("%H:%M")
        lines.append(("bad", say("notice.link_down", since=since)))
    lines.append(("ok", say("notice.accepting")))
    lines.append(("", say("notice.waiting", n=_id_number(waiting))))
    lines.append(("ok", say("notice.blanks_yes")) if balance > 0
                 else ("bad", say("notice.blanks_no")))
    title = say("notice.title")
    heading = html.escape(office) if office else title
    items = "\n".join(f'<li class="{cls}">{text}</li>' if cls else f"<li>{text}</li>"
                      for cls, text in lines)
    updated = say("notice.updated", at=now.astimezone().strftime("%d-%m-%Y %H:%M"))
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; font-size: 2rem; margin: 1rem; line-height: 1.3; }}
h1 {{ font-size: 2.4rem; margin: 0 0 1rem; }}
ul {{ list-style: none; padding: 0; }}
li {{ margin: 0 0 1rem; padding: .5rem 1rem; border-left: .6rem solid #888; }}
.ok {{ border-color: #1a7f37; }}
.warn {{ border-color: #bf8700; }}
.bad {{ border-color: #cf222e; font-weight: bold; }}
p {{ font-size: 1.2rem; color: #444; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<ul>
{items}
</ul>
<p>{updated}</p>
</body>
</html>
"""


def _id_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 1.234, whatever [ui] language says


# -- writing --------------------------------------------------------------------------------

def write_public(path: Path, text: str) -> None:
    """Atomically, 0644 (node_exporter and a web server read it; nothing
    personal is in it), never through a symlink left in the temp name."""
    tmp = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with open(fd, "w", encoding="utf-8", closefd=False) as f:
            f.write(text)
            f.flush()
            os.fchmod(fd, 0o644)
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        fsync_dir(path.parent)


class Exporter:
    """One per process and station: hands the newest status to its thread."""

    def __init__(self, config: Config, *, every_s: float = EVERY_S) -> None:
        self.config = config
        self.every_s = every_s
        self._status: StationStatus | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.errors: list[str] = []
        self._thread = threading.Thread(target=self._run, name="ktptui-exports", daemon=True)
        self._thread.start()

    def update(self, status: StationStatus) -> None:
        with self._lock:
            self._status = status
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread and write once more: a run that ends (``--resume``
        drained) leaves files that say how it ended."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake.set()
        self._thread.join(10)
        with contextlib.suppress(Exception):
            self.write_now(Store(self.config.store.data_dir))

    def write_now(self, store: Store, now: datetime | None = None) -> None:
        with self._lock:
            status = self._status
        now = now or datetime.now(UTC)
        store.refresh()
        monitor, notice = self.config.monitor.textfile, self.config.notice.html
        if monitor is not None:
            write_public(monitor, metrics_text(status, store, now))
        if notice is not None:
            write_public(notice, notice_html(status, store, now))

    def _run(self) -> None:
        import logging

        log = logging.getLogger("ktptui.exports")
        store: Store | None = None
        while not self._stop.is_set():
            try:
                store = store or Store(self.config.store.data_dir)
                self.write_now(store)
            except Exception as e:  # noqa: BLE001 - monitoring must never stop printing
                if str(e) not in self.errors[-1:]:
                    log.error("cannot write the monitoring files: %s", e)
                self.errors.append(str(e))
            self._wake.wait(self.every_s)
            self._wake.clear()


_exporters: dict[tuple[Path | None, Path | None], Exporter] = {}
_exporters_lock = threading.Lock()


def exporter_for(config: Config) -> Exporter | None:
    """The process's exporter for these files (None: none configured); an
    engine restarted by the runner keeps the same one."""
    key = (config.monitor.textfile, config.notice.html)
    if key == (None, None):
        return None
    with _exporters_lock:
        found = _exporters.get(key)
        if found is None or not found._thread.is_alive():
            found = _exporters[key] = Exporter(config)
            atexit.register(found.stop)
        return found
