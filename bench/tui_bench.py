"""TUI figures: start-to-first-paint and peak RSS (empty queue and 10,000
jobs), keypress-to-repaint, and bytes written to the terminal while idle.

    .venv/bin/python bench/tui_bench.py [--idle-seconds 60] [--presses 50] [--jobs 10000]

Everything runs the real App in a real pseudo-terminal (``pty.fork``, 80x24,
TERM=xterm-256color), the way an operator's SSH session runs it, and times
what reaches the terminal:

* **first paint**: from just before the fork to the last byte of the first
  frame that shows the queue ("Antrean kosong" / "10000 dari 10000"): the
  interpreter start, imports, store open and the table included. The App is
  queue-only (no engine) on a prepared, compacted store. Peak RSS is the
  child's ``VmHWM`` from ``/proc`` after the keypresses.
* **App to first frame** (headless): in a fresh interpreter, from ``KtpApp()``
  to the first frame of ``run_test`` (80x24): the table's own share.
* **keypress to repaint**: with 10,000 jobs, ``down`` (every tenth a
  ``pagedown``) written to the terminal, timed to the last byte of the repaint
  it causes (the output is read until it has been quiet for 30 ms).
* **idle**: the demo station (central simulator, sim printer, live engine) in
  two states: link up with the queue printed empty, and link down with 20
  citizens waiting (the engine probes central every few seconds). Ages change
  at most every 5 minutes; the waiting jobs are made 4.5 minutes old, so every
  visible age changes inside the window: that is the worst minute, and the
  other four minutes of those five send nothing. After a settle, every byte
  written for ``--idle-seconds`` is counted.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def make_store(data_dir: Path, jobs: int) -> None:
    """A compacted store with ``jobs`` queued citizens and 500 blanks."""
    from ktptui import actions
    from ktptui.model import new_job
    from ktptui.store import Store

    store = Store(data_dir, compact_after=10**9)
    actions.receive_blanks(store, 500, operator="bench", note="bench")
    with store.transaction() as tx:
        for i in range(jobs):
            serial = 1 + i % 9999
            nik = f"3515{1 + i % 28:02d}{1 + i % 28:02d}{1 + i % 12:02d}8{i % 10}{serial:04d}"
            tx.put_job(new_job(nik[:16], operator="bench"))
    store.compact()


# -- headless: App construction to the first frame ------------------------------------------

def app_to_first_frame(data_dir: Path) -> dict[str, float]:
    """In this interpreter: KtpApp() to the first frame of run_test (80x24)."""
    from ktptui.power import PowerStatus, Supply
    from ktptui.printers.base import PrinterStatus
    from ktptui.station.status import Gate, StationStatus
    from ktptui.store import Store
    from ktptui.tui.app import KtpApp

    store = Store(data_dir)
    status = StationStatus(Gate.IDLE, "Queue empty", blanks=500,
                           power=PowerStatus(Supply.MAINS, None, None, False, "mains"),
                           printer=PrinterStatus(True, "ready"))
    figures: dict[str, float] = {}

    async def run() -> None:
        start = time.perf_counter()
        app = KtpApp(store, operator="bench", fixed_status=status, handle_signals=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            figures["app_to_frame_s"] = time.perf_counter() - start
            figures["rows"] = app.main.table.total

    asyncio.run(run())
    return figures


def headless(jobs: int) -> dict[str, float]:
    """``app_to_first_frame`` in a fresh interpreter (imports not counted)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_store(data, jobs)
        out = subprocess.run([sys.executable, __file__, "--child-headless", str(data)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
        return result


# -- the real App in a pseudo-terminal --------------------------------------------------------

CHILD = """
import os, sys
from pathlib import Path
os.environ["TEXTUAL_ANIMATIONS"] = "none"
mode, data = sys.argv[1], sys.argv[2]
from ktptui.tui.launch import make_app, setup_logging
from ktptui.store import Store
if mode == "queue":
    from ktptui.config import Config, StoreConfig
    cfg = Config(store=StoreConfig(data_dir=Path(data)))
    setup_logging(Path(data))
    make_app(cfg, Store(Path(data)), None, operator="bench").run()
else:
    from datetime import timedelta
    from ktptui.demo import demo_nik, demo_station
    from ktptui.model import new_job, now_utc
    with demo_station(seconds_per_card=0.2, jam_rate=0.0, jobs=3) as st:
        if mode == "demo-down":
            st.set_link(False)
            # 4.5 minutes old: every age turns from "<5m" to "5m" at the App's
            # first minute tick, inside the idle window (the worst minute).
            at = now_utc() - timedelta(seconds=270)
            with st.store.transaction() as tx:
                for i in range(20):
                    tx.put_job(new_job(demo_nik(i + 20, 200 + i), operator="bench", at=at))
        setup_logging(st.config.store.data_dir)
        app = make_app(st.config, Store(st.config.store.data_dir), st.store, station=st)
        app.run()
"""


@dataclass
class Term:
    """A child process on the slave side of a pty; we read the master."""

    mode: str
    data: Path
    pid: int = 0
    fd: int = -1
    t0: float = 0.0
    log: list[tuple[float, int]] = field(default_factory=list)  # (time from t0, bytes)
    text: bytearray = field(default_factory=bytearray)

    def start(self) -> Term:
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the App on the slave side
            os.environ["TERM"] = "xterm-256color"
            os.environ["COLUMNS"], os.environ["LINES"] = "80", "24"
            os.chdir(ROOT)
            os.execv(sys.executable, [sys.executable, "-c", CHILD, self.mode, str(self.data)])
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        return self

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.log.append((time.perf_counter() - self.t0, len(chunk)))
        self.text += chunk
        return bool(chunk)

    def until(self, found: Callable[[bytes], bool], timeout: float = 30.0) -> bool:
        end = time.perf_counter() + timeout
        while not found(bytes(self.text)):
            if time.perf_counter() >= end:
                return False
            self._read(end - time.perf_counter())
        return True

    def quiet(self, gap: float, limit: float = 5.0) -> float:
        """Read until nothing came for ``gap`` s; the time of the last byte (from t0)."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end and self._read(gap):
            pass
        return self.log[-1][0] if self.log else 0.0

    def count(self, seconds: float) -> int:
        """Bytes written in the next ``seconds``."""
        total_before = sum(n for _, n in self.log)
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self._read(left)
        return sum(n for _, n in self.log) - total_before

    def key(self, sequence: bytes) -> float:
        """Write a key; seconds from the write to the last byte of its repaint."""
        self.quiet(0.03)
        sent = time.perf_counter() - self.t0
        self.log.append((sent, 0))
        os.write(self.fd, sequence)
        last = self.quiet(0.03)
        return max(0.0, last - sent)

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        os.kill(self.pid, signal.SIGTERM)
        self.quiet(0.2, limit=10.0)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


DOWN, PAGE_DOWN = b"\x1b[B", b"\x1b[6~"


@dataclass
class Paint:
    jobs: int
    first_paint_s: float
    peak_rss_mb: float
    keys_ms: list[float]


def paint(jobs: int, presses: int) -> Paint:
    """Start-to-first-paint, then keypresses, then the peak RSS."""
    needle = b"Antrean kosong" if jobs == 0 else f"{jobs} dari {jobs}".encode()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_store(data, jobs)
        term = Term("queue", data).start()
        try:
            if not term.until(lambda text: needle in text):
                raise RuntimeError(f"the queue never showed ({needle!r})")
            first = term.quiet(0.05)
            keys = [1000 * term.key(PAGE_DOWN if i % 10 == 9 else DOWN) for i in range(presses)]
            rss = term.peak_rss_mb()
        finally:
            term.stop()
    return Paint(jobs, first, rss, keys)


def idle(mode: str, seconds: float, settle: float) -> tuple[int, int]:
    """(bytes while starting and settling, bytes in ``seconds`` idle) for a demo station."""
    with tempfile.TemporaryDirectory() as tmp:
        term = Term(mode, Path(tmp)).start()
        try:
            starting = term.count(settle)
            quiet = term.count(seconds)
        finally:
            term.stop()
    return starting, quiet


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child-headless")
    ap.add_argument("--presses", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=10_000)
    ap.add_argument("--idle-seconds", type=float, default=60.0)
    ap.add_argument("--settle-seconds", type=float, default=10.0)
    args = ap.parse_args()
    if args.child_headless:
        print(json.dumps(app_to_first_frame(Path(args.child_headless))))
        return
    empty = paint(0, 0)
    print(f"empty queue: first paint {empty.first_paint_s:.3f} s from process start, "
          f"peak RSS {empty.peak_rss_mb:.1f} MB")
    big = paint(args.jobs, args.presses)
    print(f"{args.jobs:,} jobs: first paint {big.first_paint_s:.3f} s from process start, "
          f"peak RSS {big.peak_rss_mb:.1f} MB")
    head0, head = headless(0), headless(args.jobs)
    print(f"App to first frame, headless: empty {head0['app_to_frame_s']:.3f} s, "
          f"{args.jobs:,} jobs {head['app_to_frame_s']:.3f} s ({head['rows']:.0f} rows)")
    if big.keys_ms:
        print(f"keypress to repaint ({args.jobs:,} jobs, {len(big.keys_ms)} keys): median "
              f"{percentile(big.keys_ms, 0.5):.1f} ms, p95 {percentile(big.keys_ms, 0.95):.1f} "
              f"ms, max {max(big.keys_ms):.1f} ms")
    for mode, what in (("demo-up", "link up, queue printed empty"),
                       ("demo-down", "link down, 20 citizens waiting, every age changes")):
        starting, quiet = idle(mode, args.idle_seconds, args.settle_seconds)
        per_min = quiet * 60 / args.idle_seconds if args.idle_seconds else 0.0
        print(f"idle, {what}: {quiet} bytes in {args.idle_seconds:.0f} s ({per_min:.0f} "
              f"bytes/min; {starting} bytes in the first {args.settle_seconds:.0f} s)")


if __name__ == "__main__":
    main()
