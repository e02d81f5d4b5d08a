"""``ktptui --resume`` as a real subprocess: exit codes, signals, and the
kill-and-restart run that proves no card is lost or printed twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from chaos import TOKEN, run_chaos, write_config

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.model import Outcome, State, transition
from ktptui.store import Store

KILLS = int(os.environ.get("KTPTUI_CHAOS_KILLS", "8"))


def resume(cfg: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ktptui", "--resume", "--config", str(cfg),
                           *extra], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_sigkill_at_random_moments_never_loses_or_duplicates_a_card(tmp_path: Path) -> None:
    result = run_chaos(tmp_path, kills=KILLS, jobs=10, seed=5)
    assert result.problems == []
    assert result.kills == KILLS and result.jobs == 10 + KILLS
    assert result.exit_codes[-signal.SIGKILL] >= 1  # it really was killed mid-run
    assert result.exit_codes[0] >= 1  # and finally drained


def test_sigkill_with_three_printers_never_loses_or_duplicates_a_card(tmp_path: Path) -> None:
    """Issue 15: the same, with three printers sharing the queue and the ledger;
    each card is also in the folder of the printer its job records."""
    result = run_chaos(tmp_path, kills=KILLS, jobs=12, seed=7, printers=3)
    assert result.problems == []
    assert result.kills == KILLS and result.jobs == 12 + KILLS
    assert result.exit_codes[-signal.SIGKILL] >= 1 and result.exit_codes[0] >= 1
    store = Store(tmp_path / "data")
    used = {j.printer for j in store.jobs() + store.archived_jobs()}
    assert used <= {"p1", "p2", "p3"} and len(used) >= 2  # the queue went to several


def test_drains_and_exits_0_with_journald_lines(tmp_path: Path) -> None:
    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        cfg = write_config(tmp_path, sim.base_url)
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="t")
        ids = [actions.add(store, n, operator="t").id
               for n in ("3515054103900011", "3515051212850009")]
        out = resume(cfg)
        assert out.returncode == 0, out.stderr
        store.refresh()
        assert {store.job(i).state for i in ids} == {State.DONE}  # type: ignore[union-attr]
        lines = out.stderr.splitlines()
        assert lines and all(line[:3] in {f"<{n}>" for n in range(2, 8)} for line in lines)
        # The summary in words, in the operator's language (Indonesian default).
        assert lines[-1] == "<6>ktptui.resume: Antrean selesai: 2 selesai"
        assert "{" not in out.stderr
        # NIKs appear masked only, the token never.
        assert "3515054103900011" not in out.stderr and TOKEN not in out.stderr


def test_link_down_max_wait_exits_75_and_keeps_the_jobs(tmp_path: Path) -> None:
    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        sim.faults.down = True
        cfg = write_config(tmp_path, sim.base_url)
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="t")
        job = actions.add(store, "3515054103900011", operator="t")
        out = resume(cfg, "--max-wait", "2")
        assert out.returncode == 75, out.stderr
        assert "central unreachable" in out.stderr
        store.refresh()
        assert store.job(job.id).state is State.QUEUED  # type: ignore[union-attr]


def test_sigterm_finishes_then_exits_75(tmp_path: Path) -> None:
    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        sim.faults.down = True
        cfg = write_config(tmp_path, sim.base_url)
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="t")
        actions.add(store, "3515054103900011", operator="t")
        proc = subprocess.Popen([sys.executable, "-m", "ktptui", "--resume", "--config",
                                 str(cfg)], stderr=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL)
        assert proc.stderr is not None
        # Wait (bounded) until it is running its loop, then ask it to stop.
        deadline = time.monotonic() + 60
        seen = ""
        while "central unreachable" not in seen and time.monotonic() < deadline:
            seen += proc.stderr.readline()
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=60)
        assert proc.returncode == 75, seen + rest
        assert "SIGTERM" in rest


def test_config_error_exits_2_with_the_file_named(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[printer]\nbackend = 'laser'\n")
    out = resume(cfg)
    assert out.returncode == 2
    assert str(cfg) in out.stderr and "backend" in out.stderr


def test_second_engine_is_refused_with_75(tmp_path: Path) -> None:
    from ktptui.locks import EngineLock

    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        cfg = write_config(tmp_path, sim.base_url)
        Store(tmp_path / "data")
        lock = EngineLock(tmp_path / "data")
        lock.acquire(role="ktptui (TUI)")
        try:
            out = resume(cfg)
        finally:
            lock.release()
        assert out.returncode == 75
        assert str(os.getpid()) in out.stderr


def _interrupted_card(store: Store, nik: str) -> str:
    """A card the printer could not account for (after a crash mid-card)."""
    job = actions.add(store, nik, operator="t")
    for to in (State.AUTHORIZED, State.PRINTING, State.INTERRUPTED):
        job = transition(job, to, operator="t", authorization_id="auth-lost",
                         note="sent to printer ektp" if to is State.PRINTING else "")
    with store.transaction() as tx:
        tx.put_job(job)
    return job.id


def test_an_interrupted_card_stops_printing_and_exits_3_in_words(tmp_path: Path) -> None:
    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        cfg = write_config(tmp_path, sim.base_url)
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="t")
        stuck = _interrupted_card(store, "3515054103900011")
        queued = [actions.add(store, n, operator="t").id
                  for n in ("3515051212850009", "3515054103900029")]
        out = resume(cfg, "--max-wait", "60")
        assert out.returncode == 3, out.stderr
        spool = tmp_path / "spool"
        assert not spool.exists() or list(spool.iterdir()) == []  # nothing printed
        lines = out.stderr.splitlines()
        assert "<4>ktptui.resume: Menunggu operator: 2 antre, 1 TERPUTUS" in lines or (
            "<4>ktptui.resume: Menunggu operator: 2 siap cetak, 1 TERPUTUS" in lines), lines
        assert any(f"periksa printer untuk kartu {stuck[:8]}" in line
                   and f"ktptui resolve {stuck[:8]}" in line for line in lines)
        assert "{" not in out.stderr
        # The operator checked: nothing came out. The next run prints all three.
        actions.resolve(store, stuck, Outcome.NOT_PRINTED, operator="t")
        again = resume(cfg, "--max-wait", "60")
        assert again.returncode == 0, again.stderr
        store.refresh()
        assert {store.job(i).state for i in [stuck, *queued]} == {State.DONE}  # type: ignore[union-attr]


def add_to_config(cfg: Path, toml: str) -> None:
    cfg.write_text(cfg.read_text(encoding="utf-8") + toml, encoding="utf-8")


def test_the_summary_follows_the_configured_language(tmp_path: Path) -> None:
    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        cfg = write_config(tmp_path, sim.base_url)
        add_to_config(cfg, '[ui]\nlanguage = "en"\n')
        store = Store(tmp_path / "data")
        stuck = _interrupted_card(store, "3515054103900011")
        out = resume(cfg, "--max-wait", "60")
        assert out.returncode == 3, out.stderr
        lines = out.stderr.splitlines()
        assert "<4>ktptui.resume: Waiting for an operator: 1 INTERRUPTED" in lines
        assert any(f"check the printer for card {stuck[:8]}" in line for line in lines)


def test_a_required_session_not_open_exits_3_without_printing(tmp_path: Path) -> None:
    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        cfg = write_config(tmp_path, sim.base_url)
        add_to_config(cfg, "[office]\nrequire_session = true\n")
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="t")
        job = actions.add(store, "3515054103900011", operator="t")
        out = resume(cfg, "--max-wait", "60")
        assert out.returncode == 3, out.stderr
        assert out.stderr.splitlines()[-1] == (
            "<4>ktptui.resume: buka sesi cetak: ktptui session open --count JUMLAH")
        spool = tmp_path / "spool"
        assert not spool.exists() or list(spool.iterdir()) == []
        store.refresh()
        assert store.job(job.id).state in (State.QUEUED, State.AUTHORIZED)  # type: ignore[union-attr]
