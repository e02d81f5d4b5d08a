"""History figures: does an old station cost what a fresh one does?

    .venv/bin/python bench/history_bench.py --build DIR --days N --per-day M --queued Q
    .venv/bin/python bench/history_bench.py [--days N --per-day M --queued Q] [--runs R]

``--build DIR`` only builds a store in DIR (a config whose ``data_dir`` is DIR
opens it): N days of history ending yesterday, M finished jobs a day (97%
done with their ledger entry, 2% rejected, 1% cancelled; five events each),
a shipment of blanks every morning, and Q queued jobs. Jobs older than
``retain_personal_days`` (90 days) are already reduced, as retention would have
left them. It prints one JSON line with the counts, ``"oldest_job"`` and
``"suket_job"`` (a job rejected ``not_recorded`` on the last day).

The history goes in through the store's own bulk path
(``Store.import_history``: the archive segments and their index, a month at
a time), the queue through ordinary transactions; each job record is built
once per day through ``model`` and copied with new ids and times, so the
build costs the format's writing, not the model's checks a million times.

Without ``--build``: builds an old station (default 5 years: 1,826 days x
600, 2,000 queued) and a fresh one (one day of history, the same queue), then
runs each operation as its own ``ktptui`` process against each, alternately,
``--runs`` times, and prints per operation the median CPU time and peak RSS
of each and the ratio old/fresh (one JSON line per operation, then a table).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ktptui.model import State, new_job, to_text, transition  # noqa: E402
from ktptui.office import retention  # noqa: E402
from ktptui.store import Store, ledger  # noqa: E402

RETAIN_DAYS = 90
#: Days of history imported at once (memory stays a few weeks' worth).
CHUNK_DAYS = 7


def nik_for(i: int) -> str:
    serial = 1 + i % 9999
    day = 1 + (i // 9999) % 28
    month = 1 + (i // (9999 * 28)) % 12
    return f"351505{day:02d}{month:02d}90{serial:04d}"


def phone_for(i: int) -> str:
    return f"+62812{i % 100_000_000:08d}"


def templates(at: datetime) -> dict[str, dict[str, Any]]:
    """One finished job of each kind, built through the model."""
    base = new_job(nik_for(0), operator="loket", at=at, note="datang pagi")
    done = transition(base, State.AUTHORIZED, operator="engine", at=at,
                      authorization_id="auth", holder_name="SITI AMINAH",
                      expires_at=(at + timedelta(hours=24)).isoformat())
    for to in (State.PRINTING, State.PRINTED, State.DONE):
        done = transition(done, to, operator="engine", at=at)
    rejected = transition(base, State.REJECTED, operator="engine", at=at,
                          note="not_recorded", error_code="not_recorded")
    cancelled = transition(base, State.CANCELLED, operator="loket", at=at, note="batal")
    return {"done": done.to_dict(), "rejected": rejected.to_dict(),
            "cancelled": cancelled.to_dict(),
            "done-old": retention.redact(done).to_dict(),
            "rejected-old": retention.redact(rejected).to_dict(),
            "cancelled-old": retention.redact(cancelled).to_dict()}


def day_of_history(day: date, per_day: int, first: int, old: bool,
                   tmpl: dict[str, dict[str, Any]]) -> tuple[
                       list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    start = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
    jobs: list[dict[str, Any]] = []
    entries = [ledger.make_entry(ledger.Kind.RECEIVED, per_day, operator="gudang",
                                 note=f"SJ-{day.isoformat()}",
                                 at=start - timedelta(minutes=30)).to_dict()]
    trail: list[dict[str, Any]] = []
    step = timedelta(hours=8) / max(per_day, 1)
    for n in range(per_day):
        at = to_text(start + step * n)
        kind = "rejected" if n % 50 == 7 else "cancelled" if n % 100 == 13 else "done"
        t = tmpl[kind + ("-old" if old else "")]
        job_id = str(uuid.uuid4())
        nik = t["nik"] if old else nik_for(first + n)
        history = [{**h, "at": at} for h in t["history"]]
        job = {**t, "id": job_id, "nik": nik, "created_at": at, "updated_at": at,
               "history": history}
        if not old:
            # Issue 13: the citizen's name and phone (retention removes them
            # after 90 days); printed cards are collected but one in twenty.
            job.update(name=f"Warga {first + n:07d}", phone=phone_for(first + n))
            if kind == "done":
                job.update(printed_at=at, collected_at=None if n % 20 == 3 else at)
        jobs.append(job)
        for h in history:
            trail.append({"id": str(uuid.uuid4()), "at": at, "kind": "job",
                          "operator": h["operator"], "job_id": job_id,
                          "detail": f"{h['from_state'] or '-'} -> {h['to_state']}"})
        if kind == "done":
            entries.append({"id": str(uuid.uuid4()), "at": at, "kind": "printed", "delta": -1,
                            "operator": "engine", "job_id": job_id, "note": ""})
    return jobs, entries, trail


def build(data_dir: Path, days: int, per_day: int, queued: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    store = Store(data_dir)
    today = datetime.now(UTC).date()
    tmpl = templates(datetime.now(UTC))
    oldest: str | None = None
    counts = {"jobs": 0, "ledger": 0, "events": 0}
    chunk: tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]] = (
        [], [], [])
    chunk_last: list[dict[str, Any]] = []
    for i in range(days):
        day = today - timedelta(days=days - i)
        jobs, entries, trail = day_of_history(day, per_day, i * per_day,
                                              (today - day).days >= RETAIN_DAYS, tmpl)
        if oldest is None and jobs:
            oldest = jobs[0]["id"]
        chunk_last = jobs
        for part, new in zip(chunk, (jobs, entries, trail), strict=True):
            part.extend(new)
        if (i + 1) % CHUNK_DAYS == 0 or i == days - 1:
            store.import_history(*chunk)
            for name, part in zip(counts, chunk, strict=True):
                counts[name] += len(part)
            chunk = ([], [], [])
    # A rejection of the last day (not_recorded, not reduced yet): gets a Suket.
    suket_id = next((j["id"] for j in reversed(chunk_last) if j["state"] == "rejected"), None)
    queued_id: str | None = None
    with store.transaction() as tx:
        for n in range(queued):
            job = new_job(nik_for(days * per_day + n), operator="loket")
            tx.put_job(job)
            queued_id = queued_id or job.id
    store.compact()
    return {"dir": str(data_dir), "days": days, "per_day": per_day, "queued": queued,
            "archived_jobs": counts["jobs"], "ledger_entries": counts["ledger"],
            "events": counts["events"], "oldest_job": oldest, "queued_job": queued_id,
            "suket_job": suket_id, "last_first": (days - 1) * per_day,
            "build_s": round(time.perf_counter() - t0, 1)}


@dataclasses.dataclass
class Run:
    cpu_s: float
    rss_mb: float
    code: int


def run_cli(config: Path, args: list[str]) -> Run:
    """One ktptui command as its own process: its CPU time and peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "ktptui", *args, "--config", str(config)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                         cwd=ROOT)  # `-m` puts the working folder first on the path
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return Run(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, p.returncode)


def operations(info: dict[str, Any], n: int) -> list[tuple[str, list[str]]]:
    yesterday = (datetime.now().astimezone().date() - timedelta(days=1)).isoformat()
    return [
        ("status", ["status"]),
        ("add", ["add", nik_for(9_000_000 + n), "--note", "bench"]),
        ("hold", ["hold", info["queued_job"]]),
        ("release", ["release", info["queued_job"]]),
        ("jobs", ["jobs"]),
        ("show <oldest job>", ["show", info["oldest_job"]]),
        ("log --job <oldest job>", ["log", "--job", info["oldest_job"]]),
        ("log --since yesterday", ["log", "--since", yesterday]),
        ("blanks show", ["blanks", "show"]),
        ("report (yesterday)", ["report", "--date", yesterday]),
        ("report blanks", ["report", "blanks"]),
        ("suket <rejected job> (reprint count)", ["suket", info["suket_job"]]),
        ("jobs --all --json", ["jobs", "--all", "--json"]),
        ("purge (nothing due)", ["purge"]),
        # Issue 13: finding anyone through the archive index, and the
        # uncollected cards (hot set + index), on a 5-year store.
        ("find <name fragment>", ["find", f"warga {info['last_first']:07d}"[:-1]]),
        ("find <nik>", ["find", nik_for(info["last_first"])]),
        ("find <phone>", ["find", "0" + phone_for(info["last_first"])[3:]]),
        ("uncollected --days 0", ["uncollected", "--days", "0", "--json"]),
    ]


def measure(days: int, per_day: int, queued: int, runs: int, workdir: Path,
            skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    stations: dict[str, tuple[Path, dict[str, Any]]] = {}
    for name, size in (("old", (days, per_day, queued)), ("fresh", (1, per_day, queued))):
        data = workdir / name
        out = subprocess.run([sys.executable, __file__, "--build", str(data), "--days",
                              str(size[0]), "--per-day", str(size[1]), "--queued",
                              str(size[2])], capture_output=True, text=True, check=True)
        info = json.loads(out.stdout)
        print(json.dumps({"built": name, **info}), file=sys.stderr, flush=True)
        config = workdir / f"{name}.toml"
        config.write_text(f'[store]\ndata_dir = "{data}"\n'
                          f"retain_personal_days = {RETAIN_DAYS}\n")
        stations[name] = (config, info)
    results: dict[tuple[str, str], list[Run]] = {}
    names: list[str] = []
    for r in range(runs):
        for station in ("old", "fresh") if r % 2 == 0 else ("fresh", "old"):
            config, info = stations[station]
            for op, args in operations(info, r):
                if any(op.startswith(name) for name in skip):
                    continue
                if op not in names:
                    names.append(op)
                results.setdefault((op, station), []).append(run_cli(config, args))
    rows: list[dict[str, Any]] = []
    for op in names:
        old, fresh = results[(op, "old")], results[(op, "fresh")]
        o_cpu = statistics.median(x.cpu_s for x in old)
        f_cpu = statistics.median(x.cpu_s for x in fresh)
        o_rss = statistics.median(x.rss_mb for x in old)
        f_rss = statistics.median(x.rss_mb for x in fresh)
        rows.append({"operation": op, "old_cpu_s": round(o_cpu, 3),
                     "fresh_cpu_s": round(f_cpu, 3), "time_ratio": round(o_cpu / f_cpu, 2),
                     "old_rss_mb": round(o_rss, 1), "fresh_rss_mb": round(f_rss, 1),
                     "rss_ratio": round(o_rss / f_rss, 2),
                     "exit_codes": sorted({x.code for x in old + fresh})})
    rows += start_rows(stations, runs, workdir, skip)  # the TUI and --resume: their own block
    return rows


# -- TUI first paint and --resume to the first card (issue 11, phase 2b) ---------------------
#
# Kept apart from the CLI operations above: they need a terminal (the TUI, in
# a real pty as bench/tui_bench.py runs it) and a central and a printer
# (--resume: the built-in simulator and a spool printer). Rows have the same
# shape as ``measure``'s; the time is wall time to the event, RSS the child's
# VmHWM at that moment.

START_OPS = ("TUI first paint", "TUI forecast in", "--resume 1st card")
PAINTED = re.compile(rb"\d+ dari \d+")  # the queue's count: the table is on screen
FORECAST = re.compile(rb"~\d+ hari")  # the bar's forecast, from its worker


def _vmhwm_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def tui_start(data: Path) -> tuple[Run, Run]:
    """The queue-only TUI in a pty: (first paint, forecast in), wall seconds from the fork."""
    sys.path.insert(0, str(ROOT / "bench"))
    from tui_bench import Term

    term = Term("queue", data).start()
    try:
        if not term.until(lambda text: PAINTED.search(text) is not None, timeout=120):
            raise RuntimeError("the TUI never showed the queue")
        paint = Run(term.quiet(0.05), _vmhwm_mb(term.pid), 0)
        if not term.until(lambda text: FORECAST.search(text) is not None, timeout=120):
            raise RuntimeError("the TUI never showed the blanks forecast")
        forecast = Run(term.log[-1][0], _vmhwm_mb(term.pid), 0)
    finally:
        term.stop()
    return paint, forecast


def resume_config(workdir: Path, name: str, data: Path, base_url: str, token: Path) -> Path:
    config = workdir / f"{name}-resume.toml"
    config.write_text(f'''[store]
data_dir = "{data}"
retain_personal_days = {RETAIN_DAYS}
[central]
base_url = "{base_url}"
token_file = "{token}"
[printer]
backend = "spool"
spool_dir = "{workdir / (name + '-spool')}"
[power]
source = "none"
''')
    return config


def resume_first_card(config: Path, spool: Path) -> Run:
    """``ktptui --resume`` until the first card reaches the printer (a file in
    the spool folder), then SIGTERM (it finishes that card and exits)."""
    before = set(spool.iterdir()) if spool.exists() else set()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "ktptui", "--resume", "--config", str(config)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                         cwd=ROOT, stdin=subprocess.DEVNULL)
    try:
        while True:
            if p.poll() is not None:
                raise RuntimeError(f"ktptui --resume exited {p.returncode} before a card")
            if spool.exists() and any(not f.name.startswith(".")
                                      for f in set(spool.iterdir()) - before):
                took = time.perf_counter() - t0
                rss = _vmhwm_mb(p.pid)
                break
            if time.perf_counter() - t0 > 300:
                raise RuntimeError("no card within 300 s")
            time.sleep(0.005)
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        p.wait(timeout=300)
    return Run(took, rss, 0)


def start_rows(stations: dict[str, tuple[Path, dict[str, Any]]], runs: int, workdir: Path,
               skip: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """The TUI's first paint and --resume's first card on each station, alternately."""
    from ktptui.central.sim import CentralSimulator

    wanted = [op for op in START_OPS if not any(op.startswith(name) for name in skip)]
    if not wanted:
        return []
    token = workdir / "token"
    token.write_text("history-bench")
    token.chmod(0o600)
    results: dict[tuple[str, str], list[Run]] = {}
    with CentralSimulator(port=0, token="history-bench", seed=1) as sim:
        configs = {name: resume_config(workdir, name, Path(info["dir"]), sim.base_url, token)
                   for name, (_config, info) in stations.items()}
        for r in range(runs):
            for station in ("old", "fresh") if r % 2 == 0 else ("fresh", "old"):
                data = Path(stations[station][1]["dir"])
                if any(op.startswith("TUI") for op in wanted):
                    paint, forecast = tui_start(data)
                    results.setdefault(("TUI first paint", station), []).append(paint)
                    results.setdefault(("TUI forecast in", station), []).append(forecast)
                if "--resume 1st card" in wanted:
                    results.setdefault(("--resume 1st card", station), []).append(
                        resume_first_card(configs[station], workdir / f"{station}-spool"))
    rows: list[dict[str, Any]] = []
    for op in wanted:
        old, fresh = results[(op, "old")], results[(op, "fresh")]
        o_s, f_s = (statistics.median(x.cpu_s for x in xs) for xs in (old, fresh))
        o_mb, f_mb = (statistics.median(x.rss_mb for x in xs) for xs in (old, fresh))
        rows.append({"operation": op + " (wall)", "old_cpu_s": round(o_s, 3),
                     "fresh_cpu_s": round(f_s, 3), "time_ratio": round(o_s / f_s, 2),
                     "old_rss_mb": round(o_mb, 1), "fresh_rss_mb": round(f_mb, 1),
                     "rss_ratio": round(o_mb / f_mb, 2), "exit_codes": [0]})
    return rows


#: Stand-in station facts: ``operations`` only for its names (``--only``).
_NAMES: dict[str, Any] = {"queued_job": "", "oldest_job": "", "suket_job": "",
                          "last_first": 0}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--build", type=Path, metavar="DIR", help="only build a store in DIR")
    p.add_argument("--days", type=int, default=1826)
    p.add_argument("--per-day", type=int, default=600)
    p.add_argument("--queued", type=int, default=2000)
    p.add_argument("--runs", type=int, default=3, help="runs of each operation per station")
    p.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    p.add_argument("--only", default="", metavar="OPS",
                   help="comma-separated operations to run alone, by the start of their name")
    p.add_argument("--skip", default="", metavar="OPS",
                   help="comma-separated operations not to run, by the start of their "
                        "name (e.g. 'jobs --all': it writes every job ever printed)")
    args = p.parse_args(argv)
    if args.build is not None:
        print(json.dumps(build(args.build, args.days, args.per_day, args.queued)))
        return 0
    with tempfile.TemporaryDirectory(prefix="ktptui-history-", dir=args.dir) as tmp:
        skip = frozenset(s.strip() for s in args.skip.split(",") if s.strip())
        if args.only:
            only = [s.strip() for s in args.only.split(",") if s.strip()]
            skip = frozenset(op for op, _ in operations(_NAMES, 0)
                             if not any(op.startswith(o) for o in only)) | frozenset(
                                 op for op in START_OPS if not any(op.startswith(o)
                                                                  for o in only))
        rows = measure(args.days, args.per_day, args.queued, args.runs, Path(tmp), skip)
    for row in rows:
        print(json.dumps(row))
    print(f"{'operation':38} {'old cpu s':>9} {'fresh':>7} {'ratio':>6} "
          f"{'old MB':>7} {'fresh':>7} {'ratio':>6}")
    for r in rows:
        print(f"{r['operation']:38} {r['old_cpu_s']:>9.3f} {r['fresh_cpu_s']:>7.3f} "
              f"{r['time_ratio']:>6.2f} {r['old_rss_mb']:>7.1f} {r['fresh_rss_mb']:>7.1f} "
              f"{r['rss_ratio']:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
