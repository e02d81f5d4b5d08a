"""The station service (``ktptui serve``) and its socket: who is who, the
protocol fuzzed, pushes to every screen, two operators on one job, the CLI
acting through it, and SIGKILL mid-card with clients attached.

Waits are bounded loops on conditions; the socket lives in a short folder
under /tmp (a Unix socket path has at most 107 bytes)."""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import random
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chaos import OP, TOKEN, ChaosResult, check, final_checks, nik, settle
from chaos import write_config as chaos_config
from configkit import write_config

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.config import load
from ktptui.demo import demo_nik
from ktptui.errors import Kind, KtpError
from ktptui.model import State
from ktptui.station import protocol
from ktptui.station.client import Remote, ServiceGone
from ktptui.station.service import StationService
from ktptui.store import Store

ME = pwd.getpwuid(os.getuid()).pw_name
MY_GROUP = grp.getgrgid(os.getgid()).gr_name


def wait_for(cond: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def sock_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="ks", dir="/tmp"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def with_service(config: Path, sock: Path, extra: str = "") -> None:
    with config.open("a", encoding="utf-8") as f:
        f.write(f'\n[service]\nsocket = "{sock}"\n{extra}')


@pytest.fixture
def station(tmp_path: Path, sock_dir: Path) -> Iterator[tuple[StationService, Store]]:
    """A service in this process on a simulated central and printer."""
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        config, data = write_config(tmp_path, central.base_url, seconds_per_card=0.2)
        with_service(config, sock_dir / "run" / "ktptui.sock",
                     f'[office]\noperator_group = "{MY_GROUP}"\n')
        service = StationService(load(config), takeover_s=0.2)
        service.start()
        try:
            yield service, Store(data)
        finally:
            assert service.stop(wait=30)


def raw(path: Path) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(str(path))
    return s


def read_reply(f: Any) -> dict[str, Any]:
    line = f.readline()
    assert line.endswith(b"\n"), line
    message = json.loads(line)
    assert isinstance(message, dict)
    return message


def test_socket_modes_group_and_the_peer_is_who_the_kernel_says(
        station: tuple[StationService, Store]) -> None:
    service, _ = station
    mode = service.path.stat()
    assert stat.S_ISSOCK(mode.st_mode) and stat.S_IMODE(mode.st_mode) == 0o660
    assert stat.S_IMODE(service.path.parent.stat().st_mode) == 0o750
    assert mode.st_gid == os.getgid()
    with Remote.attach(service.path) as remote:  # type: ignore[union-attr]
        hello = remote.call("hello")
    assert hello["user"] == ME and hello["protocol"] == 1 and hello["pid"] == os.getpid()
    assert hello["role"] == ("supervisor" if os.getuid() == 0 else "operator")


def test_requests_act_as_the_peer_not_as_the_label_it_could_claim(
        station: tuple[StationService, Store]) -> None:
    service, store = station
    with Remote.attach(service.path) as remote:  # type: ignore[union-attr]
        # An "operator" argument is not the protocol's: refused, not believed.
        with pytest.raises(KtpError) as refused:
            remote.call("add", nik=demo_nik(1, 2), operator="someone-else")
        assert refused.value.error_kind is Kind.BAD_INPUT
        job = remote.call("add", nik=demo_nik(1, 2))["job"]
    store.refresh()
    found = store.job(job["id"])
    assert found is not None and found.history[0].operator == ME


def test_fuzz_bad_messages_get_error_replies_and_never_stop_the_service(
        station: tuple[StationService, Store]) -> None:
    service, _ = station
    rng = random.Random(7)
    bad: list[bytes] = [
        b"not json\n", b"{\"v\": 1, \"type\": \"hold\", \"job\"\n", b"[1, 2]\n", b"null\n",
        b"{\"type\": \"hello\"}\n", b"{\"v\": 2, \"type\": \"hello\"}\n",
        b"{\"v\": true, \"type\": \"hello\"}\n", b"{\"v\": 1}\n", b"{\"v\": 1, \"type\": 5}\n",
        b"{\"v\": 1, \"type\": \"format_disk\"}\n",
        b"{\"v\": 1, \"type\": \"hold\"}\n",
        b"{\"v\": 1, \"type\": \"hold\", \"job\": 12}\n",
        b"{\"v\": 1, \"type\": \"add\", \"nik\": \"123\"}\n",
        b"{\"v\": 1, \"type\": \"add\", \"nik\": [\"x\"]}\n",
        b"{\"v\": 1, \"type\": \"blanks_receive\", \"count\": true}\n",
        b"{\"v\": 1, \"type\": \"blanks_receive\", \"count\": -5}\n",
        b"{\"v\": 1, \"type\": \"resolve\", \"job\": \"zz\", \"outcome\": \"maybe\"}\n",
        b"{\"v\": 1, \"type\": \"hello\", \"id\": {\"a\": 1}}\n",
        b"\xff\xfe\x00garbage\n",
        b"{\"v\": 1, \"type\": \"hello\", \"pad\": \"" + b"x" * (protocol.MAX_REQUEST + 10)
        + b"\"}\n",
    ]
    bad += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))).replace(b"\n", b"")
            + b"\n" for _ in range(40)]
    with raw(service.path) as s, s.makefile("rb") as f:
        for line in bad:
            s.sendall(line)
            reply = read_reply(f)
            assert reply["type"] == "error", (line[:80], reply)
            assert reply["kind"] in {k.value for k in Kind}
            for text in (reply["error"], reply["message"]):
                assert text and "\n" not in text and "Traceback" not in text
        s.sendall(protocol.encode({"type": "hello", "id": "after"}))
        assert read_reply(f) == {"v": 1, "type": "ok", "id": "after",
                                 "result": {"protocol": 1, "pid": os.getpid(), "user": ME,
                                            "role": "supervisor" if os.getuid() == 0
                                            else "operator", "clients": 1}}
    # Half a message, then gone; a client that floods and never reads.
    with raw(service.path) as s:
        s.sendall(b"{\"v\": 1, \"type\": \"hel")
    flood = raw(service.path)
    flood.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    flood.settimeout(0.5)
    sent = 0
    try:
        while sent < 50_000:
            flood.sendall(b"{\"v\": 1, \"type\": \"status\"}\n")
            sent += 1
    except (TimeoutError, OSError):
        pass
    # Everyone else is still served, at once.
    with Remote.attach(service.path, timeout=5) as remote:  # type: ignore[union-attr]
        assert remote.call("hello")["user"] == ME
    flood.close()
    with Remote.attach(service.path, timeout=5) as remote:  # type: ignore[union-attr]
        assert "jobs" in remote.call("status")


def test_every_screen_sees_a_change_pushed_within_a_second(
        station: tuple[StationService, Store]) -> None:
    service, store = station
    screens = [Remote.attach(service.path) for _ in range(3)]
    seen: list[list[float]] = [[] for _ in screens]
    added: dict[str, float] = {}

    def watch(i: int, remote: Remote) -> None:
        try:
            for message in remote.pushes():
                if message.get("type") == "changed":
                    for job in message["jobs"]:
                        if job in added and len(seen[i]) < len(added):
                            seen[i].append(time.monotonic() - added[job])
        except ServiceGone:
            pass

    for i, remote in enumerate(screens):
        assert remote is not None
        remote.subscribe()
        threading.Thread(target=watch, args=(i, remote), daemon=True).start()
    with Remote.attach(service.path) as actor:  # type: ignore[union-attr]
        t0 = time.monotonic()
        job = actor.call("add", nik=demo_nik(3, 4), note="via the service")["job"]["id"]
        added[job] = t0
    # Another process's commit (a command run without the service) too.
    t1 = time.monotonic()
    other = actions.hold(store, actions.add(store, demo_nik(5, 6), operator="t").id,
                         operator="t").id
    added[other] = t1
    assert wait_for(lambda: all(len(s) == 2 for s in seen), 5), seen
    for remote in screens:
        assert remote is not None
        remote.close()
    assert max(max(s) for s in seen) < 1.0, seen


def test_two_operators_on_one_job_one_success_one_clear_refusal(
        station: tuple[StationService, Store]) -> None:
    service, store = station
    actions.pause(store, operator="t")  # the job stays queued
    job = actions.add(store, demo_nik(7, 8), operator="t")
    results: list[object] = []
    go = threading.Barrier(2)

    def cancel() -> None:
        with Remote.attach(service.path) as remote:  # type: ignore[union-attr]
            go.wait()
            try:
                results.append(remote.call("cancel", job=job.short_id, note="mine"))
            except KtpError as e:
                results.append(e)

    threads = [threading.Thread(target=cancel) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ok = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, KtpError)]
    assert len(ok) == 1 and len(refused) == 1, results
    assert refused[0].error_kind is Kind.REFUSED and refused[0].exit_code == 1
    assert "cancelled" in str(refused[0]) and job.short_id in str(refused[0])
    store.refresh()
    cancelled = [h for h in store.job(job.id).history  # type: ignore[union-attr]
                 if h.to_state == State.CANCELLED.value]
    assert len(cancelled) == 1


# -- the real process --------------------------------------------------------------------------

def serve(cfg: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as err:
        return subprocess.Popen([sys.executable, "-m", "ktptui", "serve", "--config", str(cfg)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, env=env)


def ktptui(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ktptui", *args, "--config", str(cfg)],
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def attach_when_up(sock: Path, log: Path) -> Remote:
    deadline = time.monotonic() + 30
    while (remote := Remote.attach(sock)) is None:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    return remote


def test_the_cli_acts_through_the_service_and_resume_steps_aside(
        tmp_path: Path, sock_dir: Path) -> None:
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        cfg, data = write_config(tmp_path, central.base_url, seconds_per_card=0.2)
        sock = sock_dir / "ktptui.sock"
        with_service(cfg, sock, '[station]\noperator = "label-typed-by-anyone"\n')
        proc = serve(cfg, tmp_path / "serve.log")
        try:
            assert wait_for(sock.exists, 30), (tmp_path / "serve.log").read_text()
            out = ktptui(cfg, "blanks", "receive", "3")
            assert out.returncode == 0, out.stderr
            out = ktptui(cfg, "add", demo_nik(9, 10))
            assert out.returncode == 0, out.stderr
            job = out.stdout.strip()
            # The service printed it, and wrote the socket peer's account, not the label.
            store = Store(data)

            def done() -> bool:
                store.refresh()
                return store.job(job).state is State.DONE  # type: ignore[union-attr]

            assert wait_for(done, 30)
            assert store.job(job).history[0].operator == ME  # type: ignore[union-attr]
            refused = ktptui(cfg, "cancel", job)
            assert refused.returncode == 1 and "selesai" in refused.stderr  # done, in Indonesian
            assert refused.stderr.count("\n") == 1
            status = ktptui(cfg, "status", "--json")
            assert json.loads(status.stdout)["jobs"]["done"] == 1
            resumed = ktptui(cfg, "--resume")
            assert resumed.returncode == 0, resumed.stderr
            assert f"pid {proc.pid}" in resumed.stderr
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(60)
        assert code == 0, (tmp_path / "serve.log").read_text()
        assert not sock.exists()
        # With no service the same command works on the store as before.
        out = ktptui(cfg, "add", demo_nik(11, 12))
        assert out.returncode == 0, out.stderr
        store.refresh()
        new = store.job(out.stdout.strip())
        assert new is not None and new.history[0].operator == "label-typed-by-anyone"


def test_sigkill_mid_card_with_clients_attached_loses_and_doubles_nothing(
        tmp_path: Path, sock_dir: Path) -> None:
    """Kill the service at random moments while screens are subscribed and a
    client adds jobs through it; each restart recovers as ``--resume`` does.
    Then drain: every card printed once, every outcome reported once, the
    ledger exact."""
    rng = random.Random(3)
    result = ChaosResult()
    kills, jobs = 4, 6
    with CentralSimulator(port=0, token=TOKEN, seed=3) as sim:
        sim.faults.error_rate = 0.1
        sim.faults.retry_after_s = 0
        cfg = chaos_config(tmp_path, sim.base_url)
        sock = sock_dir / "ktptui.sock"
        with_service(cfg, sock)
        spool, log = tmp_path / "spool", tmp_path / "serve.log"
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, jobs + kills + 10, operator=OP)
        for i in range(jobs):
            actions.add(store, nik(i), operator=OP)
        added = jobs
        gone = 0
        for _ in range(kills):
            proc = serve(cfg, log)  # the killed one's socket file is still there
            screen = attach_when_up(sock, log)
            screen.subscribe()
            pushes: list[dict[str, Any]] = []

            def watch(remote: Remote = screen, into: list[dict[str, Any]] = pushes) -> None:
                nonlocal gone
                try:
                    for message in remote.pushes():
                        into.append(message)
                except ServiceGone:
                    gone += 1

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            time.sleep(rng.uniform(0.3, 1.5))
            with Remote.attach(sock) as actor:  # type: ignore[union-attr]
                actor.call("add", nik=nik(added))
            added += 1
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(30) == -signal.SIGKILL
            watcher.join(10)
            assert not watcher.is_alive()  # the screen noticed; it did not hang
            screen.close()
            result.kills += 1
            settle(store, spool, result)
            check(store, spool, result)
        assert gone == kills
        sim.reset_faults()
        proc = serve(cfg, log)
        try:
            def drained() -> bool:
                settle(store, spool, result)
                store.refresh()
                return (all(j.state is State.DONE for j in store.jobs())
                        and not store.outbox())

            assert wait_for(drained, 120), [j.state for j in store.jobs()]
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0, log.read_text()[-2000:]
        result.jobs = added
        final_checks(store, sim, [spool], result)
    assert result.problems == []


def pushed_until(remote: Remote, cond: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The first pushed message ``cond`` accepts (the socket's timeout bounds it)."""
    for message in remote.pushes():
        if cond(message):
            return message
    raise AssertionError("pushes ended")


def test_killed_mid_card_the_restarted_service_recovers_it_as_resume_does(
        tmp_path: Path, sock_dir: Path) -> None:
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        cfg, data = write_config(tmp_path, central.base_url, seconds_per_card=5.0)
        sock, log = sock_dir / "ktptui.sock", tmp_path / "serve.log"
        with_service(cfg, sock)
        store = Store(data)
        actions.receive_blanks(store, 3, operator="t")
        job = actions.add(store, demo_nik(13, 14), operator="t").id
        proc = serve(cfg, log)
        try:
            with attach_when_up(sock, log) as screen:
                screen.subscribe()
                pushed_until(screen, lambda m: m.get("type") == "status"
                             and m["status"]["current_job"] == job)
                proc.send_signal(signal.SIGKILL)  # the card is in the printer
                assert proc.wait(30) == -signal.SIGKILL
                with pytest.raises(ServiceGone):
                    pushed_until(screen, lambda m: False)
        finally:
            proc.kill()
            proc.wait(30)
        store.refresh()
        assert store.job(job).state is State.PRINTING  # type: ignore[union-attr]
        proc = serve(cfg, log)
        try:
            with attach_when_up(sock, log) as screen:
                screen.subscribe()
                status = pushed_until(screen, lambda m: m.get("type") == "status"
                                      and m["status"]["gate"] == "interrupted")["status"]
                assert status["interrupted"]["job"] == job
                store.refresh()
                assert store.job(job).state is State.INTERRUPTED  # type: ignore[union-attr]
                # The operator looked: it came out. Settled once, reported once.
                screen.call("resolve", job=job[:8], outcome="printed")

                def done() -> bool:
                    store.refresh()
                    return store.job(job).state is State.DONE  # type: ignore[union-attr]

                assert wait_for(done, 30)
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0, log.read_text()[-2000:]
        assert central.printed_count(job) == 1
        assert store.ledger_totals().printed == 1 and store.reconcile().ok


def test_a_tui_killed_mid_card_leaves_the_services_card_alone(
        tmp_path: Path, sock_dir: Path) -> None:
    """``serve`` prints; a TUI in a pseudo-terminal attaches (one more
    client), is killed while the card is in the printer, and the card
    completes and is recorded once."""
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        cfg, data = write_config(tmp_path, central.base_url, seconds_per_card=3.0)
        sock, log = sock_dir / "ktptui.sock", tmp_path / "serve.log"
        with_service(cfg, sock)
        store = Store(data)
        actions.receive_blanks(store, 3, operator="t")
        proc = serve(cfg, log)
        tui: subprocess.Popen[bytes] | None = None
        master = -1
        try:
            probe = attach_when_up(sock, log)
            master, slave = os.openpty()
            tui = subprocess.Popen([sys.executable, "-m", "ktptui", "--config", str(cfg)],
                                   stdin=slave, stdout=slave, stderr=slave,
                                   env={**os.environ, "TERM": "xterm-256color"},
                                   start_new_session=True, close_fds=True)
            os.close(slave)
            os.set_blocking(master, False)

            def attached() -> bool:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)  # keep the terminal drained
                return bool(probe.call("hello")["clients"] >= 2)

            assert wait_for(attached, 60), "the TUI never attached"
            job = probe.call("add", nik=demo_nik(15, 16))["job"]["id"]

            def state() -> State | None:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)
                store.refresh()
                found = store.job(job)
                return found.state if found else None

            assert wait_for(lambda: state() is State.PRINTING, 30), state()
            tui.kill()  # mid-card
            assert tui.wait(30) == -signal.SIGKILL
            assert wait_for(lambda: state() is State.DONE, 30), state()
            assert probe.call("hello")["clients"] == 1  # the TUI is gone, the service is not
            probe.close()
        finally:
            if tui is not None and tui.poll() is None:
                tui.kill()
                tui.wait(30)
            if master >= 0:
                os.close(master)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0, log.read_text()[-2000:]
        assert central.printed_count(job) == 1
        assert store.ledger_totals().printed == 1
        done = store.job(job)
        assert done is not None
        assert [h.to_state for h in done.history].count(State.PRINTED.value) == 1


async def test_the_tui_attached_shows_what_the_service_pushes_and_runs_no_engine(
        station: tuple[StationService, Store]) -> None:
    from ktptui.station.client import ServiceRunner
    from ktptui.tui.launch import make_app

    service, store = station
    runner = ServiceRunner(service.path)
    assert runner.attach()
    app = make_app(service.config, Store(service.config.store.data_dir), None, runner=runner)
    app.refresh_s = 600  # no disk poll in this test: only pushes can show the job
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        job = actions.add(store, demo_nik(17, 18), operator="elsewhere").id
        for _ in range(100):  # bounded: 10 s
            await pilot.pause(0.1)
            if app.main.table.get(job) is not None and app.status is not None:
                break
        assert app.main.table.get(job) is not None
        assert app.status is not None and app.engine is None
        assert not app.printing_now  # quitting never waits for (or stops) the service's card
        await pilot.press("q")
        await pilot.pause(0.5)
    assert service.runner.running  # the service prints on


def test_serve_with_a_config_it_cannot_run_exits_2_and_leaves_no_socket(
        tmp_path: Path, sock_dir: Path) -> None:
    cfg, _ = write_config(tmp_path, "http://127.0.0.1:9")
    (tmp_path / "token").unlink()  # [central] token_file is gone
    sock = sock_dir / "ktptui.sock"
    with_service(cfg, sock)
    out = subprocess.run([sys.executable, "-m", "ktptui", "serve", "--config", str(cfg)],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 2, out.stderr  # the unit's RestartPreventExitStatus: no loop
    assert "token_file" in out.stderr and "Traceback" not in out.stderr
    assert not sock.exists()


def test_jobs_and_show_through_the_service(station: tuple[StationService, Store]) -> None:
    service, store = station
    actions.pause(store, operator="t")
    held = actions.hold(store, actions.add(store, demo_nik(19, 20), operator="t").id,
                        operator="t")
    with Remote.attach(service.path) as remote:  # type: ignore[union-attr]
        listed = remote.call("jobs", states=["held"])["jobs"]
        assert [j["id"] for j in listed] == [held.id]
        assert remote.call("jobs", states=["queued"])["jobs"] == []
        shown = remote.call("show", job=held.short_id)["job"]
        assert shown["state"] == "held" and len(shown["history"]) == 2
        for bad in ({"states": [5]}, {"states": ["lost"]}, {"states": "held"}):
            with pytest.raises(KtpError) as refused:
                remote.call("jobs", **bad)
            assert refused.value.error_kind is Kind.BAD_INPUT
        with pytest.raises(KtpError) as missing:
            remote.call("show", job="ffffffff")
        assert missing.value.error_kind is Kind.REFUSED
