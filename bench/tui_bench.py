"""TUI figures: first paint and peak RSS (empty / 10,000 jobs), keypress to
repaint, and bytes written to the terminal in 60 idle seconds.

    .venv/bin/python bench/tui_bench.py [--idle-seconds 60] [--skip-idle]

Method:
* paint: a fresh subprocess per case (so RSS and import time are real) runs
  the App headless (``run_test``, 80x24) on a prepared store and reports the
  time from process start to the first frame that shows the table, and
  ``ru_maxrss``. "10k paint" is App construction to that frame.
* keypress: in the 10k case, 50 x ``down`` (and a ``pagedown``), each timed
  from the key being sent to the frame after it (``pilot.press`` + ``pause``).
* idle: the real App in a real pseudo-terminal (``pty.fork``, 80x24,
  TERM=xterm-256color) with a live engine on the demo station when the
  simulator is importable (else queue-only); after a 5 s settle, every byte
  the App writes to the terminal for N seconds is counted.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent


def make_store(data_dir: Path, jobs: int) -> None:
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


def child_paint(data_dir: str, presses: int) -> None:
    """Runs in a fresh interpreter: prints one JSON line of figures."""
    import asyncio
    import resource

    from ktptui.engine import EngineStatus, Gate
    from ktptui.store import Store
    from ktptui.tui.app import KtpApp

    t_import = time.perf_counter() - T0
    store = Store(Path(data_dir))
    t_store = time.perf_counter() - T0
    status = EngineStatus(Gate.IDLE, "Queue empty", "up", "up", "mains", "ready", True, 500)
    figures: dict[str, float] = {"import_s": t_import, "store_s": t_store}

    async def main() -> None:
        t_app = time.perf_counter()
        app = KtpApp(store, operator="bench", fixed_status=status, handle_signals=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            figures["first_paint_s"] = time.perf_counter() - T0
            figures["app_to_paint_s"] = time.perf_counter() - t_app
            figures["rows"] = app.main.table.total
            times = []
            for key in ["down"] * presses + ["pagedown"] * min(presses, 10):
                t = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                times.append(time.perf_counter() - t)
            if times:
                times.sort()
                figures["key_median_ms"] = 1000 * times[len(times) // 2]
                figures["key_max_ms"] = 1000 * times[-1]

    asyncio.run(main())
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def paint(jobs: int, presses: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_store(data, jobs)
        out = subprocess.run([sys.executable, __file__, "--child-paint", str(data),
                              "--presses", str(presses)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
        return result


IDLE_CHILD = """
import sys, os
from pathlib import Path
os.environ["TEXTUAL_ANIMATIONS"] = "none"
mode, data = sys.argv[1], sys.argv[2]
from ktptui.tui.launch import make_app, setup_logging
if mode == "demo":
    from ktptui.demo import demo_station
    from ktptui.store import Store
    with demo_station(seconds_per_card=0.2, jam_rate=0.0, jobs=3) as st:
        setup_logging(st.config.store.data_dir)
        app = make_app(st.config, Store(st.config.store.data_dir), st.store, station=st)
        app.run()
else:
    from ktptui.config import Config, StoreConfig
    from ktptui.store import Store
    cfg = Config(store=StoreConfig(data_dir=Path(data)))
    app = make_app(cfg, Store(Path(data)), None)
    app.run()
"""


def in_pty(seconds: float, mode: str, jobs: int = 20,
           presses: int = 0) -> tuple[int, int, list[float]]:
    """(bytes in the settle period, bytes in ``seconds`` idle, key-to-output times)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_store(data, jobs)
        pid, fd = pty.fork()
        if pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.chdir(ROOT)
            os.execv(sys.executable, [sys.executable, "-c", IDLE_CHILD, mode, str(data)])
        fcntl_size = struct.pack("HHHH", 24, 80, 0, 0)
        import fcntl

        fcntl.ioctl(fd, termios.TIOCSWINSZ, fcntl_size)

        def drain(duration: float) -> int:
            total = 0
            end = time.monotonic() + duration
            while (left := end - time.monotonic()) > 0:
                ready, _, _ = select.select([fd], [], [], left)
                if ready:
                    try:
                        total += len(os.read(fd, 65536))
                    except OSError:
                        break
            return total

        settle = drain(8.0 if mode == "demo" else 5.0)
        idle = drain(seconds)
        keys: list[float] = []
        for i in range(presses):
            t = time.perf_counter()
            os.write(fd, b"\x1b[B" if i % 10 else b"\x1b[6~")  # down, pagedown
            ready, _, _ = select.select([fd], [], [], 2.0)
            if ready:
                keys.append(time.perf_counter() - t)
            drain(0.15)
        os.kill(pid, signal.SIGTERM)
        drain(3.0)
        os.waitpid(pid, 0)
        return settle, idle, keys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child-paint")
    ap.add_argument("--presses", type=int, default=50)
    ap.add_argument("--idle-seconds", type=float, default=60.0)
    ap.add_argument("--skip-idle", action="store_true")
    args = ap.parse_args()
    if args.child_paint:
        child_paint(args.child_paint, args.presses)
        return
    empty = paint(0, 0)
    print(f"empty queue: first paint {empty['first_paint_s']:.3f} s from process start "
          f"(imports {empty['import_s']:.3f} s), peak RSS {empty['peak_rss_mb']:.1f} MB")
    big = paint(10_000, args.presses)
    print(f"10,000 jobs: store open {big['store_s'] - big['import_s']:.3f} s, App to first "
          f"paint {big['app_to_paint_s']:.3f} s, first paint {big['first_paint_s']:.3f} s "
          f"from process start, peak RSS {big['peak_rss_mb']:.1f} MB, rows {big['rows']:.0f}")
    print(f"keypress to repaint (10k, run_test pilot incl. its idle polling): median "
          f"{big['key_median_ms']:.1f} ms, max {big['key_max_ms']:.1f} ms")
    if not args.skip_idle:
        try:
            import ktptui.central.sim  # noqa: F401

            mode = "demo"
        except ImportError:
            mode = "queue"
        settle, idle, _ = in_pty(args.idle_seconds, mode)
        print(f"idle ({mode}): {settle} bytes while starting, {idle} bytes in "
              f"{args.idle_seconds:.0f} idle seconds")
    _, _, keys = in_pty(0.5, "queue", jobs=10_000, presses=args.presses)
    keys.sort()
    if keys:
        print(f"keypress to first output byte in a pty (10k): median "
              f"{1000 * keys[len(keys) // 2]:.1f} ms, max {1000 * keys[-1]:.1f} ms "
              f"({len(keys)} keys)")


if __name__ == "__main__":
    main()
