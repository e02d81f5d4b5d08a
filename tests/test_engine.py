"""The print engine in-process against the real central simulator over
loopback HTTP, with the ``sim`` printer. Waits are bounded loops."""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ktptui import actions, model
from ktptui.central import Backoff, CentralClient, LinkMonitor
from ktptui.central.sim import CentralSimulator
from ktptui.config import (
    BlanksConfig,
    CentralConfig,
    Config,
    EngineConfig,
    OfficeConfig,
    PowerConfig,
    StationConfig,
    StoreConfig,
)
from ktptui.model import Outcome, State, started_printing, transition
from ktptui.power import PowerSource, PowerStatus
from ktptui.printers.base import PrintOutcome, PrintResult
from ktptui.printers.sim import SimPrinter
from ktptui.station.engine import Engine, EngineStatus, Gate
from ktptui.station.status import InterruptedCard, StationStatus
from ktptui.store import Store

OP = "tester"
TOKEN = "engine-test-token"


def nik(serial: int, i: int = 0) -> str:
    return f"3515054103{90 + i % 10:02d}{serial:04d}"


class FakePower(PowerSource):
    def __init__(self) -> None:
        self.status = PowerStatus("mains", 100, None, False, "mains")

    def read(self) -> PowerStatus:
        return self.status


@dataclass
class Station:
    store: Store
    sim: CentralSimulator
    printer: SimPrinter
    power: FakePower
    engine: Engine

    def add(self, *serials: int) -> list[str]:
        return [actions.add(self.store, nik(s, i), operator=OP).id
                for i, s in enumerate(serials)]


@pytest.fixture
def sim() -> Iterator[CentralSimulator]:
    with CentralSimulator(port=0, token=TOKEN, seed=11) as s:
        yield s


def make_station(tmp_path: Path, sim: CentralSimulator, *, blanks: int = 50,
                 ahead: int = 3, require_session: bool = False, reserve: int = 0) -> Station:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o600)
    config = Config(
        station=StationConfig(id="st-test", office_code="35.15", operator=OP),
        central=CentralConfig(base_url=sim.base_url, token_file=token_file, timeout_s=5,
                              retry_min_s=0.02, retry_max_s=0.2, health_interval_s=0.1),
        power=PowerConfig(source="none", min_runtime_s=300),
        engine=EngineConfig(authorize_ahead=ahead),
        office=OfficeConfig(require_session=require_session),
        blanks=BlanksConfig(reserve=reserve),
    )
    store = Store(tmp_path / "data")
    if blanks:
        actions.receive_blanks(store, blanks, operator=OP, note="shipment")
    printer = SimPrinter(0.0, 0.0)
    power = FakePower()
    return Station(store, sim, printer, power, new_engine(config, store, printer, power))


def new_engine(config: Config, store: Store, printer: SimPrinter, power: FakePower) -> Engine:
    """An engine runs once (``run`` ends stopped); a restart is a new one."""

    def factory() -> CentralClient:
        return CentralClient.from_config(config.central, config.station)

    return Engine(store, config, client=factory(), client_factory=factory, printer=printer,
                  power=power, link=LinkMonitor(health_interval_s=0.1,
                                                backoff=Backoff(0.02, 0.2)),
                  operator=OP)


def until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


@pytest.fixture
def running() -> Iterator[Callable[[Engine], threading.Thread]]:
    started: list[tuple[Engine, threading.Thread]] = []

    def start(engine: Engine) -> threading.Thread:
        thread = threading.Thread(target=engine.run, daemon=True)
        thread.start()
        started.append((engine, thread))
        return thread

    yield start
    for engine, thread in started:
        engine.stop()
        thread.join(timeout=30)


def assert_printed_once_everywhere(st: Station, job_ids: list[str]) -> None:
    for job_id in job_ids:
        assert st.sim.printed_count(job_id) == 1
        assert [k for k in st.printer.printed if k[0] == job_id] != []
        assert len([k for k in st.printer.printed if k[0] == job_id]) == 1
    st.store.refresh()
    assert st.store.outbox() == []
    # The engine marks a job done, then deletes its card document: a running
    # engine may be between the two when the caller saw "done".
    until(lambda: list(st.store.documents.dir.iterdir()) == [])
    assert st.store.reconcile().ok


def test_drains_the_queue_and_reports_every_card(tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    ids = st.add(*range(10, 16))
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    assert {st.store.job(i).state for i in ids} == {State.DONE}  # type: ignore[union-attr]
    assert_printed_once_everywhere(st, ids)
    totals = st.store.ledger_totals()
    assert (totals.printed, totals.balance) == (6, 44)


def test_urgent_first_then_oldest(tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim, ahead=1)
    ids = st.add(10, 11, 12)
    # Added within one millisecond, two jobs would tie on created_at (the id
    # breaks the tie): make "oldest" unambiguous.
    with st.store.transaction() as tx:
        for n, job_id in enumerate(ids):
            job = tx.job(job_id)
            assert job is not None
            tx.put_job(job.changed(created_at=f"2026-11-23T03:10:0{n}.000+00:00"))
    actions.make_urgent(st.store, ids[2], operator=OP)
    st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    assert [k[0] for k in st.printer.printed] == [ids[2], ids[0], ids[1]]


def test_final_answers_reject_with_the_code(tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    suket, unverified, ok = st.add(9001, 9002, 10)
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    job = st.store.job(suket)
    assert job is not None and job.state is State.REJECTED and job.error_code == "not_recorded"
    job = st.store.job(unverified)
    assert job is not None and job.error_code == "not_verified"
    assert st.printer.printed == [(ok, 1)]


def test_lost_replies_and_garbage_never_make_a_second_card(tmp_path: Path,
                                                           sim: CentralSimulator) -> None:
    sim.faults.reset_after_rate = 0.3
    sim.faults.garbage_rate = 0.2
    sim.faults.error_rate = 0.15
    sim.faults.retry_after_s = 0
    st = make_station(tmp_path, sim)
    ids = st.add(*range(20, 32))
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 120)
    assert_printed_once_everywhere(st, ids)
    state = sim.state()
    assert all(a["outcome"] == "printed" for a in state["authorizations"])
    assert len(state["authorizations"]) == len(ids)


def test_link_down_jobs_wait_with_the_reason_then_print(tmp_path: Path, sim: CentralSimulator,
                                                        running: Callable[[Engine], object]
                                                        ) -> None:
    sim.faults.down = True
    st = make_station(tmp_path, sim)
    ids = st.add(10, 11)
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.LINK)
    assert "central unreachable since" in st.engine.status().reason
    assert st.printer.fed == []
    # Accepted while the link is down.
    ids += st.add(12)
    sim.faults.down = False
    until(lambda: st.store.count([State.DONE]) == 3)
    assert_printed_once_everywhere(st, ids)


def test_the_journal_hears_link_lost_as_a_warning_and_its_return_as_a_notice(
        tmp_path: Path, sim: CentralSimulator, running: Callable[[Engine], object],
        caplog: pytest.LogCaptureFixture) -> None:
    from ktptui.logs import NOTICE

    sim.faults.down = True
    st = make_station(tmp_path, sim)
    ids = st.add(10)
    with caplog.at_level(logging.INFO, logger="ktptui.engine"):
        running(st.engine)
        until(lambda: st.engine.status().gate is Gate.LINK)
        sim.faults.down = False
        until(lambda: st.store.count([State.DONE]) == 1)
    records = [r for r in caplog.records if r.name == "ktptui.engine"]
    lost = [r for r in records if r.getMessage().startswith("link down")]
    back = [r for r in records if r.getMessage() == "link up"]
    assert lost and all(r.levelno == logging.WARNING for r in lost)
    assert back and back[-1].levelno == NOTICE  # recovered
    printing = [r for r in records if r.getMessage().startswith("printing job")]
    assert printing and printing[0].ktptui_fields["job"] == ids[0][:8]  # type: ignore[attr-defined]
    nik = st.store.job(ids[0]).nik  # type: ignore[union-attr]
    assert not any(nik[:6] in r.getMessage() or nik[-4:] in r.getMessage()
                   for r in records)  # no NIK, not even masked


def test_token_refused_stops_network_work_until_fixed(tmp_path: Path, sim: CentralSimulator,
                                                      running: Callable[[Engine], object]
                                                      ) -> None:
    sim.faults.unauthorized = True
    st = make_station(tmp_path, sim)
    st.add(10)
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.TOKEN)
    assert "token" in st.engine.status().reason
    sim.faults.unauthorized = False
    until(lambda: st.store.count([State.DONE]) == 1)


def test_no_blanks_no_printing(tmp_path: Path, sim: CentralSimulator,
                               running: Callable[[Engine], object]) -> None:
    st = make_station(tmp_path, sim, blanks=0)
    st.add(10)
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.BLANKS)
    until(lambda: st.store.count([State.AUTHORIZED]) == 1)  # authorised ahead all the same
    assert st.printer.fed == []
    actions.receive_blanks(st.store, 1, operator=OP)
    until(lambda: st.store.count([State.DONE]) == 1)
    assert st.store.ledger_totals().balance == 0


def test_low_battery_holds_new_cards(tmp_path: Path, sim: CentralSimulator,
                                     running: Callable[[Engine], object]) -> None:
    st = make_station(tmp_path, sim)
    st.power.status = PowerStatus("battery", 9, 120, True, "on battery 9%, LOW")
    st.add(10)
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.POWER)
    assert st.printer.fed == []
    st.power.status = PowerStatus("mains", 100, None, False, "mains")
    until(lambda: st.store.count([State.DONE]) == 1)


def test_pause_is_a_gate(tmp_path: Path, sim: CentralSimulator,
                         running: Callable[[Engine], object]) -> None:
    st = make_station(tmp_path, sim)
    actions.set_paused(st.store, True, operator=OP, note="lunch")
    st.add(10)
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.PAUSED)
    assert "lunch" in st.engine.status().reason
    actions.set_paused(st.store, False, operator=OP)
    until(lambda: st.store.count([State.DONE]) == 1)


def test_a_card_printing_at_a_crash_becomes_interrupted_never_reprinted(
        tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    (job_id,) = st.add(10)
    st.engine.network_step()
    job = st.store.job(job_id)
    assert job is not None and job.state is State.AUTHORIZED
    with st.store.transaction() as tx:  # as if the process died mid-card
        tx.put_job(transition(job, State.PRINTING, operator=OP))
    notes = st.engine.recover()
    assert any(job_id[:8] in n and "interrupted" in n for n in map(str, notes))
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 10)
    assert st.printer.fed == [] and st.store.job(job_id).state is State.INTERRUPTED  # type: ignore[union-attr]
    # The operator saw the card: printed. Reported once, job done.
    actions.resolve(st.store, job_id, Outcome.PRINTED, operator=OP)
    st.engine = new_engine(st.engine.config, st.store, st.printer, st.power)
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 30)
    assert st.store.job(job_id).state is State.DONE  # type: ignore[union-attr]
    assert sim.printed_count(job_id) == 1 and st.store.ledger_totals().printed == 1


def test_expired_authorisations_are_given_back(tmp_path: Path) -> None:
    with CentralSimulator(port=0, token=TOKEN, seed=3, auth_ttl_s=30) as short_sim:
        st = make_station(tmp_path, short_sim, ahead=1)
        (job_id,) = st.add(10)
        st.engine.network_step()  # authorises: expires within the safety margin
        # Gives it back (not_printed reported first), then asks again: attempt 2.
        st.engine.network_step()
        job = st.store.job(job_id)
        assert job is not None and job.attempt == 2 and job.state is State.AUTHORIZED
        outcomes = {(a["attempt"], a["outcome"]) for a in short_sim.state()["authorizations"]}
        assert outcomes == {(1, "not_printed"), (2, None)}
        assert st.printer.fed == []


def test_jobs_changed_while_authorising_give_the_authorisation_back(
        tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim, ahead=2)
    a, b = st.add(10, 11)
    st.engine.network_step()
    actions.hold(st.store, a, operator=OP, note="citizen left")
    actions.cancel(st.store, b, operator=OP)
    st.engine.network_step()
    assert st.store.outbox() == []
    outcomes = sorted(x["outcome"] for x in sim.state()["authorizations"])
    assert outcomes == ["not_printed", "not_printed"]
    assert st.printer.fed == []


def test_engine_applies_data_retention(tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    old = actions.add(st.store, nik(10), operator=OP, note="citizen phoned")
    actions.cancel(st.store, old.id, operator=OP)
    config = dataclasses.replace(st.engine.config, store=StoreConfig(
        data_dir=tmp_path / "data", retain_personal_days=0))
    engine = new_engine(config, st.store, st.printer, st.power)
    assert engine.run(until_idle=True, deadline=time.monotonic() + 30)
    st.store.refresh()
    (job,) = [j for j in st.store.jobs() + st.store.archived_jobs() if j.id == old.id]
    assert job.nik != nik(10) and job.nik.startswith("3515") and job.note == ""


def test_a_due_retention_pass_does_not_stand_before_the_first_card(
        tmp_path: Path, sim: CentralSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: at start (``--resume``, the TUI) the first job is authorised
    before retention reads history; retention still runs, right after."""
    import ktptui.station.engine as engine_module

    st = make_station(tmp_path, sim)
    job = actions.add(st.store, nik(11), operator=OP)
    seen: list[str] = []

    def purge(store: Store, **kw: object) -> int:
        store.refresh()
        seen.append(f"purge with the job {store.job(job.id).state.value}")  # type: ignore[union-attr]
        return 0

    monkeypatch.setattr(engine_module, "purge", purge)
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 30)
    assert seen and seen[0] != f"purge with the job {State.QUEUED.value}"


def test_requests_in_the_same_millisecond_print_first_come_first_served(
        tmp_path: Path, sim: CentralSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    frozen = datetime(2026, 11, 28, 3, 0, 0, tzinfo=UTC)
    monkeypatch.setattr(model, "now_utc", lambda: frozen)
    st = make_station(tmp_path, sim, ahead=1)
    ids = st.add(10, 11, 12, 13)
    monkeypatch.undo()
    stamps = [st.store.job(i).created_at for i in ids]  # type: ignore[union-attr]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    assert [k[0] for k in st.printer.printed] == ids


class LockedAfterPrinting(SimPrinter):
    """Another process takes the store lock while the card comes out and
    keeps it past the lock wait a few times over."""

    def __init__(self, lock_path: Path, hold_s: float) -> None:
        super().__init__(0.0, 0.0)
        self.lock_path, self.hold_s = lock_path, hold_s

    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        out = super().print_card(job_id, attempt, document, content_type)
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
             "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); "
             "time.sleep(float(sys.argv[2]))", str(self.lock_path), str(self.hold_s)],
            stdout=subprocess.PIPE, text=True)
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        return out


def test_a_printed_card_is_recorded_even_when_the_store_lock_is_busy(
        tmp_path: Path, sim: CentralSimulator, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import ktptui.locks

    monkeypatch.setattr(ktptui.locks, "LOCK_WAIT_S", 0.1)
    st = make_station(tmp_path, sim)
    st.printer = printer = LockedAfterPrinting(st.store.dir / "store.lock", hold_s=1.0)
    st.engine.printer = printer
    [job_id] = st.add(10)
    with caplog.at_level("WARNING", logger="ktptui.engine"):
        assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    assert "not recorded yet, retrying" in caplog.text
    job = st.store.job(job_id)
    assert job is not None and job.state is State.DONE
    assert_printed_once_everywhere(st, [job_id])


def _interrupt(st: Station, job_id: str, printer: str | None) -> model.Job:
    """As the engine leaves a card whose outcome the printer could not tell."""
    job = st.store.job(job_id)
    assert job is not None and job.state is State.AUTHORIZED
    job = transition(job, State.PRINTING, operator=OP, note="sent", printer=printer)
    job = transition(job, State.INTERRUPTED, operator=OP, note="printer outcome unknown")
    with st.store.transaction() as tx:
        tx.put_job(job)
    return job


def test_an_interrupted_card_stops_its_printer_until_the_operator_resolves_it(
        tmp_path: Path, sim: CentralSimulator, running: Callable[[Engine], object]) -> None:
    st = make_station(tmp_path, sim, ahead=2)
    (first,) = st.add(10)
    st.engine.network_step()
    stuck = _interrupt(st, first, st.engine.printer_name)
    assert stuck.printer == st.engine.printer_name
    later = st.add(11, 12)
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.INTERRUPTED)
    status = st.engine.status()
    card = status.interrupted
    assert card is not None and card.job == first and card.count == 1
    assert status.job == first
    assert card.holder == stuck.holder_name and stuck.holder_name
    assert card.started_at == started_printing(stuck)
    assert first[:8] in status.reason and "resolve" in status.reason
    published = st.store.meta("engine_status")
    assert published["gate"] == "interrupted"
    assert published["interrupted"]["job"] == first
    assert published["interrupted"]["started_at"] == started_printing(stuck)
    # The network side goes on authorising ahead; only printing stops.
    until(lambda: st.store.count([State.AUTHORIZED]) == 2)
    assert st.engine.status().gate is Gate.INTERRUPTED and st.printer.fed == []
    actions.resolve(st.store, first, Outcome.NOT_PRINTED, operator=OP)
    until(lambda: st.store.count([State.DONE]) == 3)
    assert_printed_once_everywhere(st, [first, *later])


def test_an_interrupted_card_with_no_printer_recorded_stops_the_printer(
        tmp_path: Path, sim: CentralSimulator) -> None:
    """Records from before the printer was noted: it may sit in this one."""
    st = make_station(tmp_path, sim)
    (first,) = st.add(10)
    st.engine.network_step()
    stuck = _interrupt(st, first, None)
    assert stuck.printer is None
    st.add(11)
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 20) is False
    assert st.engine.status_at_end.gate is Gate.INTERRUPTED and st.printer.fed == []


def test_the_printer_is_recorded_when_a_card_is_sent(tmp_path: Path,
                                                     sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    (job_id,) = st.add(10)
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 30)
    job = st.store.job(job_id) or st.store.find_job(job_id)
    assert job.printer == st.engine.printer_name == st.engine.config.printer.queue


def test_no_card_without_an_open_session_when_required(
        tmp_path: Path, sim: CentralSimulator, running: Callable[[Engine], object]) -> None:
    from ktptui.office import sessions

    st = make_station(tmp_path, sim, require_session=True)
    (job_id,) = st.add(10)
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.SESSION)
    assert "session" in st.engine.status().reason
    assert st.store.meta("engine_status")["gate"] == "session"
    until(lambda: st.store.count([State.AUTHORIZED]) == 1)  # authorising goes on
    assert st.engine.status().gate is Gate.SESSION and st.printer.fed == []
    sessions.open_session(st.store, 50, operator=OP)
    until(lambda: st.store.count([State.DONE]) == 1)
    assert_printed_once_everywhere(st, [job_id])


def test_the_last_blanks_are_kept_for_first_time_cards(
        tmp_path: Path, sim: CentralSimulator, running: Callable[[Engine], object]) -> None:
    st = make_station(tmp_path, sim, blanks=3, reserve=3)
    lost = actions.add(st.store, nik(20, 0), operator=OP, reason=model.Reason.LOST).id
    new = actions.add(st.store, nik(21, 1), operator=OP).id  # a first-time card
    urgent = actions.add(st.store, nik(22, 2), operator=OP, reason=model.Reason.DAMAGED,
                         urgent=True).id
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.RESERVED)
    until(lambda: st.store.count([State.DONE]) == 2 and _settled(st))
    assert st.engine.status().gate is Gate.RESERVED
    assert "kept for new cards; 1 job(s) wait for the next shipment" in (
        st.engine.status().reason)
    assert_printed_once_everywhere(st, [new, urgent])
    held = st.store.job(lost)
    assert held is not None and held.state is State.QUEUED  # never asked for
    assert not [k for k in st.printer.printed if k[0] == lost]
    actions.receive_blanks(st.store, 10, operator=OP, ref="471/2026")  # stock arrives
    until(lambda: st.store.count([State.DONE]) == 3 and _settled(st))
    assert_printed_once_everywhere(st, [new, urgent, lost])


def _settled(st: Station) -> bool:
    """Every outcome reported and its card document gone (just after DONE)."""
    return st.store.outbox() == [] and not list(st.store.documents.dir.iterdir())


def test_cli_pause_and_unpause_stop_and_restart_a_running_engine(
        tmp_path: Path, sim: CentralSimulator, running: Callable[[Engine], object]) -> None:
    from ktptui.cli import main as cli

    st = make_station(tmp_path, sim)
    cfg = tmp_path / "cli.toml"
    cfg.write_text(f'[station]\noperator = "budi"\n[store]\ndata_dir = "{tmp_path / "data"}"\n',
                   encoding="utf-8")
    running(st.engine)
    until(lambda: st.engine.status().gate is Gate.IDLE)
    assert cli.main(["pause", "--config", str(cfg), "--note", "lunch"]) == 0
    until(lambda: st.engine.status().gate is Gate.PAUSED)
    assert "budi" in st.engine.status().reason and "lunch" in st.engine.status().reason
    (job_id,) = st.add(10)
    until(lambda: st.store.count([State.AUTHORIZED]) == 1)
    assert st.engine.status().gate is Gate.PAUSED and st.printer.fed == []
    assert cli.main(["unpause", "--config", str(cfg)]) == 0
    until(lambda: st.store.count([State.DONE]) == 1)
    assert_printed_once_everywhere(st, [job_id])
    st.store.refresh()
    said = [(e.operator, e.detail) for e in st.store.events() if e.kind == "printing"]
    assert said == [("budi", "paused: lunch"), ("budi", "resumed")]


def test_the_status_line_says_which_card_to_look_for() -> None:
    from ktptui import i18n
    from ktptui.fmt import stamp
    from ktptui.tui.status import (
        BAD,
        WARN,
        BlanksInfo,
        gate_line,
        standby_lines,
    )

    started = "2026-11-28T02:14:00.000+00:00"
    at = stamp(started)  # the operator's date, e.g. 28-11-2026 09:14
    card = InterruptedCard("0123456789abcdef", "SITI AMINAH", started, 2)
    status = EngineStatus(Gate.INTERRUPTED, "Not printing: card ...", blanks=40,
                          interrupted=card)
    try:
        line = gate_line(status)
        assert line.level == BAD
        assert line.text == (f"BERHENTI: cari kartu 01234567 atas nama SITI AMINAH (dikirim ke "
                             f"printer {at}); periksa printer, lalu selesaikan "
                             f"(+1 kartu terputus lain)")
        nameless = dataclasses.replace(status, interrupted=dataclasses.replace(
            card, holder=None, count=1))
        assert gate_line(nameless).text == (
            f"BERHENTI: kartu 01234567 terputus (dikirim ke printer {at}); periksa printer, "
            "lalu selesaikan")
        session = dataclasses.replace(status, gate=Gate.SESSION)
        assert gate_line(session).level == WARN
        assert "sesi cetak" in gate_line(session).text
        # Another process prints: the card it published, in the same words.
        other = StationStatus.from_json(nameless.to_json())
        assert other == nameless
        bar = standby_lines("ktptui --resume (siti, pid 1)", other, BlanksInfo(40, 10, None))
        assert f"kartu 01234567 terputus (dikirim ke printer {at})" in bar.gate.text
        i18n.set_language("en")
        at = stamp(started)  # 2026-11-28 09:14 in English
        assert gate_line(nameless).text == (
            f"STOPPED: card 01234567 was interrupted (sent to the printer at {at}); check the "
            "printer, then resolve it")
    finally:
        i18n.set_language("id")


# -- several printers in one station (issue 15) -------------------------------------------------

class UnknownOnce(SimPrinter):
    """A printer whose first card's outcome cannot be told (a jam mid-card)."""

    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        if not self.fed:
            self.fed.append((job_id, attempt))
            return PrintOutcome(PrintResult.UNKNOWN, "printer stopped mid-card")
        return super().print_card(job_id, attempt, document, content_type)


def three_printers(st: Station, *printers: SimPrinter) -> list[tuple[str, SimPrinter]]:
    """Replace the station's engine by one driving p1..p3."""
    named = [(f"p{i}", p) for i, p in enumerate(printers or [SimPrinter(0.02) for _ in range(3)],
                                                  1)]
    config = st.engine.config

    def factory() -> CentralClient:
        return CentralClient.from_config(config.central, config.station)

    st.engine = Engine(st.store, config, client=factory(), client_factory=factory,
                       printers=named, power=st.power,
                       link=LinkMonitor(health_interval_s=0.1, backoff=Backoff(0.02, 0.2)),
                       operator=OP)
    return named


def printed_where(named: list[tuple[str, SimPrinter]], job_id: str) -> list[str]:
    return [name for name, p in named for key in p.printed if key[0] == job_id]


def test_three_printers_print_each_card_once_spread_over_them(
        tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    named = three_printers(st)
    ids = st.add(*range(10, 40))
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    for job_id in ids:
        job = st.store.find_job(job_id)
        assert job.state is State.DONE and sim.printed_count(job_id) == 1
        assert printed_where(named, job_id) == [job.printer]
    assert all(p.printed for _, p in named), [len(p.printed) for _, p in named]
    assert sum(len(p.fed) for _, p in named) == len(ids)
    assert st.store.ledger_totals().printed == len(ids) and st.store.reconcile().ok
    assert st.store.outbox() == []
    lines = st.engine.status().printers
    assert [ln.name for ln in lines] == ["p1", "p2", "p3"]
    assert [ln["name"] for ln in st.store.meta("engine_status")["printers"]] == ["p1", "p2", "p3"]


def test_a_jam_on_one_printer_stops_only_that_printer(
        tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    named = three_printers(st, SimPrinter(0.02), UnknownOnce(0.02), SimPrinter(0.02))
    ids = st.add(*range(10, 25))
    st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    (stuck,) = st.store.jobs([State.INTERRUPTED])
    assert stuck.printer == "p2" and printed_where(named, stuck.id) == []
    lines = {ln.name: ln for ln in st.engine.status_at_end.printers}
    assert lines["p2"].gate is Gate.INTERRUPTED and lines["p2"].interrupted is not None
    assert lines["p2"].interrupted.job == stuck.id
    assert lines["p1"].gate is not Gate.INTERRUPTED and lines["p3"].gate is not Gate.INTERRUPTED
    others = [i for i in ids if i != stuck.id]
    assert all(st.store.find_job(i).state is State.DONE for i in others)
    assert all(len(printed_where(named, i)) == 1 for i in others)
    assert named[1][1].fed == [(stuck.id, stuck.attempt)]  # p2 took no new card


def test_an_offline_printer_takes_no_card_while_the_others_drain(
        tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    named = three_printers(st)
    named[2][1].set_ready(False, "printer offline (simulated)")
    ids = st.add(*range(10, 22))
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    assert named[2][1].fed == [] and all(len(printed_where(named, i)) == 1 for i in ids)
    line = st.engine.status_at_end.printers[2]
    assert line.gate is Gate.PRINTER and "offline" in line.reason


def test_one_printer_paused_alone_while_the_others_go_on(
        tmp_path: Path, sim: CentralSimulator) -> None:
    st = make_station(tmp_path, sim)
    named = three_printers(st)
    actions.pause_printer(st.store, "p1", operator=OP, note="ribbon change")
    with pytest.raises(actions.ActionRefused, match="already paused by tester"):
        actions.pause_printer(st.store, "p1", operator=OP)
    ids = st.add(*range(10, 22))
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 60)
    assert named[0][1].fed == [] and all(len(printed_where(named, i)) == 1 for i in ids)
    line = st.engine.status_at_end.printers[0]
    assert line.gate is Gate.PAUSED and line.paused_by == OP and "ribbon change" in line.reason
    actions.resume_printer(st.store, "p1", operator=OP)
    with pytest.raises(actions.ActionRefused, match="not paused"):
        actions.resume_printer(st.store, "p1", operator=OP)
    assert [e.detail for e in st.store.events() if e.kind == "printing"] == [
        "printer p1 paused: ribbon change", "printer p1 resumed"]


def test_three_printers_start_no_more_cards_than_there_are_blanks(
        tmp_path: Path, sim: CentralSimulator, running: Callable[[Engine], object]) -> None:
    st = make_station(tmp_path, sim, blanks=2)
    named = three_printers(st, *(SimPrinter(0.3) for _ in range(3)))
    st.add(*range(10, 16))
    running(st.engine)
    until(lambda: st.store.count([State.AUTHORIZED]) >= 4)  # more ready than blanks
    until(lambda: st.engine.status().gate is Gate.BLANKS)
    st.engine.stop()
    until(lambda: st.engine.status().gate is Gate.STOPPING and not st.store.count(
        [State.PRINTING]))
    assert sum(len(p.fed) for _, p in named) == 2
    assert st.store.ledger_totals().balance == 0 and st.store.reconcile().ok


def test_cli_pauses_one_printer_of_a_running_station_and_status_lists_them(
        tmp_path: Path, sim: CentralSimulator, running: Callable[[Engine], object],
        capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli import main as cli

    st = make_station(tmp_path, sim)
    named = three_printers(st)
    cfg = tmp_path / "cli.toml"
    cfg.write_text(f'[station]\noperator = "budi"\n[store]\ndata_dir = "{tmp_path / "data"}"\n'
                   + '[ui]\nlanguage = "en"\n'  # the exact English lines below
                   + "".join(f'[[printers]]\nname = "{n}"\n' for n, _ in named),
                   encoding="utf-8")
    assert cli.main(["pause", "--config", str(cfg), "--printer", "p9"]) == 2
    assert "no printer named 'p9'; this station's printers: p1, p2, p3" in capsys.readouterr().err
    assert cli.main(["pause", "--config", str(cfg), "--printer", "p2", "--note", "ribbon"]) == 0
    running(st.engine)
    ids = st.add(*range(10, 19))
    until(lambda: st.store.count([State.DONE]) == len(ids))
    assert named[1][1].fed == [] and named[0][1].printed and named[2][1].printed
    until(lambda: st.engine.status().printers[1].gate is Gate.PAUSED)
    capsys.readouterr()
    assert cli.main(["status", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "printer p2: paused by budi (ribbon); `ktptui unpause --printer p2` resumes it" in out
    assert "printer p2: paused; ready" in out and "printer p1: " in out and "printer p3: " in out
    assert cli.main(["status", "--config", str(cfg), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in data["engine"]["printers"]] == ["p1", "p2", "p3"]
    assert data["engine"]["printers"][1]["paused_by"] == "budi"
    assert data["printers_paused"] == {"p2": {"by": "budi", "note": "ribbon"}}
    assert cli.main(["unpause", "--config", str(cfg), "--printer", "p2"]) == 0
    more = st.add(30, 31, 32, 33, 34, 35)
    until(lambda: st.store.count([State.DONE]) == len(ids) + len(more))
    assert all(len(printed_where(named, i)) == 1 for i in [*ids, *more])


def test_resolve_names_the_printer_the_card_was_sent_to(
        tmp_path: Path, sim: CentralSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli import main as cli

    st = make_station(tmp_path, sim)
    (first,) = st.add(10)
    st.engine.network_step()
    _interrupt(st, first, "p3")
    cfg = tmp_path / "cli.toml"
    cfg.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n[ui]\nlanguage = "en"\n',
                   encoding="utf-8")
    assert cli.main(["status", "--config", str(cfg)]) == 0
    assert f"INTERRUPTED: check the printer p3 for card {first[:8]}" in capsys.readouterr().out
    assert cli.main(["resolve", "--config", str(cfg), first[:8], "not-printed"]) == 0
    assert capsys.readouterr().out.endswith(": queued (attempt 2, printer p3)\n")
