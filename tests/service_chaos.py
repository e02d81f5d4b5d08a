"""Kill-and-restart harness for ``ktptui serve`` with clients attached (used
by tests/test_service_chaos.py and ``bench/reliability_bench.py --service``).

A real central simulator (faults on) in this process; ``ktptui serve`` as a
real subprocess with three ``spool`` printers (``tests/chaos.py``'s
``[[printers]]`` p1..p3) whose cards take time (``tests/slow_serve.py``), so
kills land mid-card. While it runs, clients stay attached through its
socket the whole time:

* a screen: subscribed, reading every push;
* an operator: adds jobs, and holds, releases, cancels and hurries jobs it
  lists, all through requests (a refusal is fine: the engine got there
  first; any other error is a problem);
* a rude client: connects and drops at once, half a request, subscribes and
  never reads, or resets the connection.

The service is SIGKILLed at random moments (every other kill as soon as a
card is in a printer) and restarted. After each restart, every card that was
printing at the kill must be ``interrupted`` on the printer that had it, as
``ktptui --resume`` recovers it (``Engine.recover``), and its printer must
start nothing new until it is settled; the harness then settles it through
the socket the way an operator does (``resolve``: printed if the card file
reached that printer's spool folder, else not printed). At the end, faults
off and no kills, until every job is final; then the checks: 0 lost (every
job a client was told was added is there), 0 printed twice (the spool
folders, the printers' own records), every job done or cancelled, each done
job's card once in the folder of the printer it records and one ``printed``
outcome at central, no card for a cancelled job, every authorisation's
outcome reported once (no conflict at central), the outbox empty, and the
ledger exact.
"""

from __future__ import annotations

import collections
import contextlib
import grp
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaos import FAULTS, OP, TOKEN, nik, reached, spool_cards, spool_dirs, write_config

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.errors import Kind, KtpError
from ktptui.model import State
from ktptui.station import protocol
from ktptui.station.client import Remote, ServiceGone
from ktptui.store import Store

SLOW_SERVE = Path(__file__).with_name("slow_serve.py")
FINAL = {State.DONE, State.CANCELLED}


@dataclass
class ServiceChaosResult:
    kills: int = 0
    #: Kills that left at least one card in a printer, and those cards.
    kills_mid_card: int = 0
    recovered: int = 0
    settled_printed: int = 0
    settled_not_printed: int = 0
    jobs: int = 0
    done: int = 0
    cancelled: int = 0
    #: Requests answered ok / refused (the engine or another client got there first).
    requests: collections.Counter[str] = field(default_factory=collections.Counter)
    refused: collections.Counter[str] = field(default_factory=collections.Counter)
    pushes: int = 0
    rude: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Book:
    """What the clients were told, across every run of the service."""

    rng: random.Random
    max_adds: int
    next_nik: int = 0
    #: Jobs a client was told were added (must all be there at the end).
    acked: set[str] = field(default_factory=set)
    #: Every NIK a client asked to add (a killed reply may or may not have added it).
    asked: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def config(root: Path, base_url: str, sock: Path, printers: int) -> Path:
    cfg = write_config(root, base_url, printers)
    group = grp.getgrgid(os.getgid()).gr_name
    with cfg.open("a", encoding="utf-8") as f:
        f.write(f'[service]\nsocket = "{sock}"\n[office]\noperator_group = "{group}"\n')
    return cfg


def serve(cfg: Path, log: Path, card_s: float) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as err:
        return subprocess.Popen([sys.executable, str(SLOW_SERVE), str(card_s), "serve",
                                 "--config", str(cfg)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, env=env)


def tail(log: Path) -> str:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return " | ".join(lines[-3:])


def attach(sock: Path, proc: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> Remote:
    """A client as soon as the (re)started service answers."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"ktptui serve exited {proc.returncode}: {tail(log)}")
        with contextlib.suppress(OSError):
            remote = Remote.attach(sock, timeout=30)
            if remote is not None:
                return remote
        if time.monotonic() > deadline:
            raise AssertionError(f"ktptui serve did not answer in {seconds:g} s: {tail(log)}")
        time.sleep(0.05)


def wait_for(cond: Any, seconds: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


# -- the clients ---------------------------------------------------------------------------------

class Screen(threading.Thread):
    """A subscribed client reading every push until the service goes."""

    def __init__(self, sock: Path, proc: subprocess.Popen[bytes], log: Path) -> None:
        super().__init__(daemon=True, name="chaos-screen")
        self.remote = attach(sock, proc, log)
        self.remote.subscribe()
        self.remote.sock.settimeout(None)  # pushes come when something changes
        self.pushes: list[dict[str, Any]] = []
        self.changed: set[str] = set()
        self.gone = False

    def run(self) -> None:
        try:
            for message in self.remote.pushes():
                self.pushes.append(message)
                if message.get("type") == "changed":
                    self.changed.update(message.get("jobs", []))
        except ServiceGone:
            self.gone = True

    def close(self) -> None:
        self.remote.close()


class Operator(threading.Thread):
    """Adds, holds, releases, cancels and hurries jobs through requests."""

    OPS = ("add", "hold", "release", "urgent", "cancel")
    WEIGHTS = (4, 2, 3, 2, 1)

    def __init__(self, sock: Path, proc: subprocess.Popen[bytes], log: Path, book: Book,
                 result: ServiceChaosResult) -> None:
        super().__init__(daemon=True, name="chaos-operator")
        self.remote = attach(sock, proc, log)
        self.book, self.result = book, result
        self.rng = random.Random(book.rng.random())
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.wait(self.rng.uniform(0.02, 0.12)):
                self.one()
        except ServiceGone:
            pass
        finally:
            self.remote.close()

    def one(self) -> None:
        op = self.rng.choices(self.OPS, self.WEIGHTS)[0]
        args: dict[str, Any]
        if op == "add":
            with self.book.lock:
                if self.book.next_nik >= self.book.max_adds:
                    return
                number = nik(self.book.next_nik)
                self.book.next_nik += 1
                self.book.asked.add(number)
            args = {"nik": number, "urgent": self.rng.random() < 0.2}
        else:
            wanted = {"hold": ("queued", "authorized"), "release": ("held",),
                      "urgent": ("queued", "authorized", "held"),
                      "cancel": ("queued", "held", "authorized")}[op]
            jobs = [j for j in self.remote.call("jobs")["jobs"] if j["state"] in wanted]
            self.result.requests["jobs"] += 1
            if not jobs:
                return
            job = self.rng.choice(jobs)
            args = {"job": job["id"][:8], "note": "chaos"}
            if op == "urgent":
                args["urgent"] = job["priority"] != "urgent"
        try:
            reply = self.remote.call(op, **args)
        except ServiceGone:
            raise
        except KtpError as e:
            if e.error_kind is Kind.REFUSED:
                self.result.refused[op] += 1  # the engine or another client got there first
            else:
                self.result.problems.append(f"{op} {args}: {e.error_kind.value}: {e}")
            return
        self.result.requests[op] += 1
        if op == "add":
            with self.book.lock:
                self.book.acked.add(reply["job"]["id"])


class Rude(threading.Thread):
    """Connects and drops abruptly, in every way it can."""

    def __init__(self, sock: Path, seed: float, result: ServiceChaosResult) -> None:
        super().__init__(daemon=True, name="chaos-rude")
        self.sock, self.result = sock, result
        self.rng = random.Random(seed)
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.rng.uniform(0.03, 0.2)):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.settimeout(2)
                s.connect(str(self.sock))
                match self.rng.randrange(4):
                    case 0:
                        pass  # gone at once
                    case 1:
                        s.sendall(b'{"v": 1, "type": "ad')  # half a request
                    case 2:
                        s.sendall(protocol.encode({"type": "subscribe"}))  # never reads
                        time.sleep(self.rng.uniform(0, 0.3))
                    case _:
                        s.sendall(protocol.encode({"type": "jobs", "all": True}))
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     struct.pack("ii", 1, 0))  # reset, unread reply and all
                self.result.rude += 1
            except OSError:
                pass  # the service is down (killed): it comes back
            finally:
                s.close()


# -- recovery and settling -----------------------------------------------------------------------

def recovered(remote: Remote, store: Store, cards: dict[str, tuple[int, str | None]],
              result: ServiceChaosResult, seconds: float = 60) -> None:
    """Every card printing at the kill is ``interrupted`` after the restart,
    as ``--resume`` leaves it: same attempt, the engine's note, and its
    printer shows it and starts nothing new until it is settled."""
    if not cards:
        return

    def all_recovered() -> bool:
        store.refresh()
        return all(store.job(j) is not None and store.job(j).state is not State.PRINTING  # type: ignore[union-attr]
                   for j in cards)

    if not wait_for(all_recovered, seconds):
        result.problems.append(f"cards printing at the kill not recovered: {sorted(cards)}")
        return
    for job_id, (attempt, _printer) in cards.items():
        job = store.job(job_id)
        assert job is not None
        last = job.history[-1]
        if (job.state is not State.INTERRUPTED or job.attempt != attempt
                or last.note_key != "note.stopped_printing"):
            result.problems.append(f"job {job.short_id} printing at the kill is "
                                   f"{job.state.value} (attempt {job.attempt}, was {attempt}; "
                                   f"note {last.note!r}), not interrupted as --resume leaves it")
        else:
            result.recovered += 1
    stopped = {printer: job_id for job_id, (_, printer) in cards.items() if printer}

    def printers_stopped() -> bool:
        status = remote.call("status")["engine"] or {}
        lines = {line["name"]: line for line in status.get("printers", [])}
        return all(lines.get(printer, {}).get("gate") == "interrupted"
                   and (lines[printer].get("interrupted") or {}).get("job") == job_id
                   for printer, job_id in stopped.items())

    if not wait_for(printers_stopped, 15, every=0.1):
        result.problems.append(f"printers {sorted(stopped)} do not show their interrupted card")


def settle(remote: Remote, store: Store, spool: list[Path], result: ServiceChaosResult) -> None:
    """The operator's part, through the service: every interrupted card,
    settled by what reached its printer's spool folder."""
    store.refresh()
    for job in store.jobs([State.INTERRUPTED]):
        came_out = reached(spool, job.id, job.attempt)
        if reached(spool, job.id, job.attempt + 1):
            result.problems.append(f"job {job.short_id}: printed again while interrupted")
        remote.call("resolve", job=job.id, outcome="printed" if came_out else "not-printed",
                    note="checked the spool folder")
        if came_out:
            result.settled_printed += 1
        else:
            result.settled_not_printed += 1


def check(store: Store, spool: list[Path], result: ServiceChaosResult) -> None:
    """What must hold after every kill."""
    twice = [j for j, n in spool_cards(spool).items() if n > 1]
    if twice:
        result.problems.append(f"cards printed twice: {twice}")
    if not store.reconcile().ok:
        result.problems.append(f"ledger does not reconcile: {store.reconcile().describe()}")


def printing_now(store: Store) -> dict[str, tuple[int, str | None]]:
    store.refresh()
    return {j.id: (j.attempt, j.printer) for j in store.jobs([State.PRINTING])}


# -- the run -------------------------------------------------------------------------------------

def run_service_chaos(root: Path, sock: Path, *, kills: int, jobs: int, seed: int = 1,
                      printers: int = 3, card_s: float = 0.3, max_adds: int | None = None,
                      kill_window: tuple[float, float] = (0.3, 1.5),
                      faults: dict[str, Any] | None = None,
                      drain_wait: float = 180.0) -> ServiceChaosResult:
    rng = random.Random(seed)
    result = ServiceChaosResult()
    book = Book(rng, max_adds=jobs + (3 * kills + 5 if max_adds is None else max_adds))
    with CentralSimulator(port=0, token=TOKEN, seed=seed) as sim:
        for key, value in (FAULTS if faults is None else faults).items():
            setattr(sim.faults, key, value)
        cfg = config(root, sim.base_url, sock, printers)
        spool, log = spool_dirs(root, printers), root / "serve.log"
        store = Store(root / "data")
        actions.receive_blanks(store, book.max_adds + 10, operator=OP, note="chaos shipment")
        for _ in range(jobs):
            number = nik(book.next_nik)
            book.next_nik += 1
            book.asked.add(number)
            book.acked.add(actions.add(store, number, operator=OP).id)
        cards: dict[str, tuple[int, str | None]] = {}
        for k in range(kills):
            proc = serve(cfg, log, card_s)
            try:
                with attach(sock, proc, log) as desk:
                    recovered(desk, store, cards, result)
                    settle(desk, store, spool, result)
                screen = Screen(sock, proc, log)
                operator = Operator(sock, proc, log, book, result)
                rude = Rude(sock, rng.random(), result)
                for client in (screen, operator, rude):
                    client.start()
                if k % 2:  # as soon as a card is in a printer (bounded)
                    wait_for(lambda: bool(printing_now(store)), kill_window[1], every=0.01)
                    time.sleep(rng.uniform(0, card_s / 2))
                else:
                    time.sleep(rng.uniform(*kill_window))
                if proc.poll() is not None:
                    result.problems.append(f"ktptui serve exited {proc.returncode} by itself: "
                                           f"{tail(log)}")
            finally:
                proc.send_signal(signal.SIGKILL)
                code = proc.wait(30)
            if code != -signal.SIGKILL and not result.problems:
                result.problems.append(f"ktptui serve exited {code}, not killed: {tail(log)}")
            result.kills += 1
            operator.stop.set()
            rude.stop.set()
            for client in (screen, operator, rude):
                client.join(15)
                if client.is_alive():
                    result.problems.append(f"{client.name} hung after the service was killed")
            if not screen.gone:
                result.problems.append("the screen did not notice the service was killed")
            result.pushes += len(screen.pushes)
            screen.close()
            cards = printing_now(store)
            if cards:
                result.kills_mid_card += 1
            check(store, spool, result)
        sim.reset_faults()
        drain(cfg, sock, log, card_s, store, spool, cards, result)
        final_checks(store, sim, spool, book, result)
    return result


def drain(cfg: Path, sock: Path, log: Path, card_s: float, store: Store, spool: list[Path],
          cards: dict[str, tuple[int, str | None]], result: ServiceChaosResult,
          seconds: float = 180.0) -> None:
    """No more kills: a screen stays attached, held jobs are released, until
    every job is final and every outcome reported; then SIGTERM exits 0."""
    proc = serve(cfg, log, card_s)
    try:
        with attach(sock, proc, log) as desk:
            recovered(desk, store, cards, result)
            screen = Screen(sock, proc, log)
            screen.start()
            store.refresh()  # after subscribing: each later change must be pushed
            open_jobs = {j.id for j in store.jobs() if j.state not in FINAL}

            def drained() -> bool:
                settle(desk, store, spool, result)
                for job in store.jobs([State.HELD]):
                    with contextlib.suppress(KtpError):  # refused: it moved meanwhile
                        desk.call("release", job=job.id, note="chaos: drain")
                store.refresh()
                return (all(j.state in FINAL for j in store.jobs())
                        and not store.outbox())

            if not wait_for(drained, seconds, every=0.2):
                result.problems.append("not drained: " + ", ".join(
                    f"{j.short_id}:{j.state.value}" for j in store.jobs()
                    if j.state not in FINAL) + f"; outbox {len(store.outbox())}")
            # Every screen sees each change (pushed within a second).
            if not wait_for(lambda: open_jobs <= screen.changed, 5):
                result.problems.append(f"the screen was never told of "
                                       f"{len(open_jobs - screen.changed)} finished jobs")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(120)
    screen.join(15)
    result.pushes += len(screen.pushes)
    if code != 0:
        result.problems.append(f"ktptui serve exited {code} on SIGTERM: {tail(log)}")
    if screen.is_alive() or not screen.gone:
        result.problems.append("the screen did not notice the service stopping")
    screen.close()


def final_checks(store: Store, sim: CentralSimulator, spool: list[Path], book: Book,
                 result: ServiceChaosResult) -> None:
    store.refresh()
    all_jobs = {j.id: j for j in store.jobs() + store.archived_jobs()}
    result.jobs = len(all_jobs)
    lost = book.acked - set(all_jobs)
    if lost:
        result.problems.append(f"jobs a client was told were added are gone: {sorted(lost)}")
    strangers = [j.short_id for j in all_jobs.values() if j.nik not in book.asked]
    if strangers:
        result.problems.append(f"jobs nobody asked for: {strangers}")
    cards = spool_cards(spool)
    twice = [j for j, n in cards.items() if n > 1]
    if twice:
        result.problems.append(f"cards printed twice: {twice}")
    for job in all_jobs.values():
        if job.state is State.DONE:
            result.done += 1
            here = spool_cards([d for d in spool if d.name == job.printer])[job.id]
            if cards[job.id] != 1 or here != 1:
                result.problems.append(f"job {job.short_id}: {cards[job.id]} cards, {here} in "
                                       f"the folder of its printer {job.printer}")
            if sim.printed_count(job.id) != 1:
                result.problems.append(f"job {job.short_id}: {sim.printed_count(job.id)} "
                                       "printed outcomes at central")
        elif job.state is State.CANCELLED:
            result.cancelled += 1
            if cards[job.id] or sim.printed_count(job.id):
                result.problems.append(f"cancelled job {job.short_id}: {cards[job.id]} cards, "
                                       f"{sim.printed_count(job.id)} printed at central")
        else:
            result.problems.append(f"job {job.short_id} not final: {job.state.value}")
    state = sim.state()
    unreported = [a["authorization_id"] for a in state["authorizations"] if a["outcome"] is None]
    if unreported:
        result.problems.append(f"authorisations never reported: {unreported}")
    if state["results_recorded"] != len(state["authorizations"]):
        result.problems.append(f"{state['results_recorded']} outcomes recorded for "
                               f"{len(state['authorizations'])} authorisations")
    conflicts = [r for r in sim.requests if r[1].endswith("/result") and r[3] == 409]
    if conflicts:
        result.problems.append(f"outcomes reported twice, differently: {conflicts}")
    if store.outbox():
        result.problems.append(f"outbox not empty: {len(store.outbox())}")
    totals = store.ledger_totals()
    if totals.printed != result.done:
        result.problems.append(f"ledger printed {totals.printed}, jobs done {result.done}")
    if not store.reconcile().ok:
        result.problems.append(f"ledger does not reconcile: {store.reconcile().describe()}")
