"""Pilot tests of the TUI against the demo station (central simulator, fast
sim printer, no jams). Waits are bounded loops of short pauses; nothing
asserts elapsed time."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from configkit import write_config
from textual.pilot import Pilot
from textual.widgets import Input
from tuikit import SIZE, loaded, until

from ktptui import actions
from ktptui.demo import DemoStation, demo_nik, demo_station
from ktptui.i18n import set_language, t
from ktptui.locks import EngineLock
from ktptui.model import State, new_job, now_utc, to_text, transition
from ktptui.station import engine as engine_module
from ktptui.store import Store
from ktptui.tui.app import KtpApp
from ktptui.tui.commands import station_commands
from ktptui.tui.launch import make_app
from ktptui.tui.screens.add_job import AddJobScreen
from ktptui.tui.screens.blanks import BlankForm, BlanksScreen
from ktptui.tui.screens.confirm import ConfirmScreen
from ktptui.tui.screens.details import DetailsScreen
from ktptui.tui.screens.events import EventsScreen
from ktptui.tui.screens.finished import FinishedScreen
from ktptui.tui.screens.help import HelpScreen
from ktptui.tui.screens.reason import ReasonScreen
from ktptui.tui.screens.resolve import ResolveScreen
from ktptui.tui.widgets.lines_view import LinesView


@contextlib.asynccontextmanager
async def running(jobs: int = 0, *, seconds_per_card: float = 0.05, paused: bool = False,
                  before: Callable[[DemoStation], None] | None = None, language: str = "id",
                  engine: bool = True,
                  ) -> AsyncIterator[tuple[DemoStation, KtpApp, Pilot[Any]]]:
    """The App on a demo station; ``engine=False``: queue-only (nothing prints,
    keys answer faster), for tests of screens that do not need cards to flow."""
    with demo_station(seconds_per_card=seconds_per_card, jam_rate=0.0, jobs=jobs,
                      language=language) as station:
        if paused:
            actions.set_paused(station.store, True, operator="test")
        if before is not None:
            before(station)
        ui_store = Store(station.config.store.data_dir)
        app = make_app(station.config, ui_store, station.store if engine else None,
                       station=station)
        app.animation_level = "none"
        app.takeover_s = 0.2
        app.refresh_s = 0.1
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield station, app, pilot
            if app.engine is not None:
                app.engine.stop()
    set_language("id")


def messages(app: KtpApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def palette(pilot: Pilot[Any], text: str) -> None:
    """Run a command palette command by typing part of its title."""
    await pilot.press("ctrl+p")
    await type_text(pilot, text)
    await pilot.pause(0.1)
    await pilot.press("enter")
    await pilot.pause()


def state_of(station: DemoStation, job_id: str) -> State | None:
    station.store.refresh()
    job = station.store.job(job_id)
    return job.state if job else None


def part_text(app: KtpApp, name: str) -> str:
    from ktptui.tui.widgets.status_bar import StatusBar

    return app.main.query_one(StatusBar).part_text(name)


def gate_text(app: KtpApp) -> str:
    return part_text(app, "gate")


async def select(app: KtpApp, pilot: Pilot[Any], job_id: str) -> None:
    await until(pilot, lambda: app.main.table.select_job(job_id))
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


# -- add and print -------------------------------------------------------------------

async def test_add_then_printed() -> None:
    nik = demo_nik(40, 77)
    async with running() as (station, app, pilot):
        await until(pilot, lambda: app.engine is not None and app.status is not None)
        await pilot.press("a")
        assert isinstance(app.screen, AddJobScreen)
        await type_text(pilot, nik[:-1] + "x")
        assert "posisi 16" in str(app.screen.query_one("#nik-msg").render())
        await pilot.press("backspace")
        await type_text(pilot, nik[-1])
        assert "Jawa Timur" in str(app.screen.query_one("#nik-msg").render())
        await pilot.press("enter")
        assert not isinstance(app.screen, AddJobScreen)
        # (It may be printed already: the sim printer takes 0.05 s a card.)
        job = next((j for j in app.store.jobs() if j.nik == nik), None)
        assert job is not None
        await until(pilot, lambda: state_of(station, job.id) is State.DONE)
        assert station.store.ledger_totals().printed == 1


async def test_add_urgent_damaged_in_three_keys_and_a_rejection_is_told() -> None:
    nik = demo_nik(41, 78)
    async with running(paused=True) as (station, app, pilot):
        await pilot.press("a")
        await type_text(pilot, nik)
        await pilot.press("f5", "f2", "enter")  # damaged, urgent, queue it
        job = app.store.active_job_for_nik(nik)
        assert job is not None and job.reason.value == "damaged" and job.priority.value == "urgent"
        assert app.main.table.selected is not None and app.main.table.selected.id == job.id
        # Central says "not recorded" (serial 9001): the operator is told to issue a Suket.
        await pilot.press("a")
        app.screen.query_one("#nik", Input).value = demo_nik(42, 9001)  # typing: tested above
        await pilot.press("enter")
        await until(pilot, lambda: "Suket" in messages(app))
        assert station.store.active_job_for_nik(demo_nik(42, 9001)) is None


async def test_nik_reasons_as_typed() -> None:
    async with running(engine=False) as (_station, app, pilot):
        await pilot.press("a")

        def said() -> str:
            return str(app.screen.query_one("#nik-msg").render())

        await type_text(pilot, "99")
        assert "99 bukan kode provinsi" in said()
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "35150532")  # day 32
        assert "tanggal lahir" in said()
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "0101800000")
        assert "0000" in said()
        await pilot.press("escape")


async def test_add_refused_nik_stays_open() -> None:
    async with running() as (_station, app, pilot):
        await pilot.press("a")
        await type_text(pilot, "1234")
        await pilot.press("enter")
        assert isinstance(app.screen, AddJobScreen)
        assert "16" in str(app.screen.query_one("#nik-msg").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, AddJobScreen)


# -- the link ------------------------------------------------------------------------------

async def test_link_cut_jobs_wait_then_print() -> None:
    async with running() as (station, app, pilot):
        await until(pilot, lambda: app.engine is not None)
        # Cut the link from the command palette (demo command).
        await pilot.press("ctrl+p")
        await type_text(pilot, "putuskan")
        await pilot.press("enter")
        await until(pilot, lambda: station.central.faults.down)
        ids = [actions.add(app.store, demo_nik(50 + i, 80 + i), operator="t").id
               for i in range(2)]
        app.apply_changes(ids)
        await until(pilot, lambda: "jaringan ke pusat putus" in gate_text(app))
        assert all(state_of(station, i) is State.QUEUED for i in ids)
        station.set_link(True)
        await until(pilot, lambda: all(state_of(station, i) is State.DONE for i in ids),
                    tries=400)


async def test_demo_power_cut_holds_printing_and_mains_back_prints(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "POWER_EVERY_S", 0.05)
    async with running() as (station, app, pilot):
        await until(pilot, lambda: app.engine is not None and app.status is not None)
        station.power.drain_per_read = 0  # the UPS holds its charge while we look
        await palette(pilot, "putus lis")
        assert station.power.on_battery
        await until(pilot, lambda: "BATERAI" in part_text(app, "power"))
        station.power.charge = 15  # low battery: no new card
        await until(pilot, lambda: "daya UPS tidak cukup" in gate_text(app))
        assert "LEMAH" in part_text(app, "power")
        job = app.act(actions.add, demo_nik(43, 79))
        assert job is not None
        await pilot.pause(0.3)
        assert state_of(station, job.id) in (State.QUEUED, State.AUTHORIZED)
        await palette(pilot, "PLN kem")
        await until(pilot, lambda: state_of(station, job.id) is State.DONE, tries=400)
        assert "listrik PLN" in part_text(app, "power")


async def test_every_palette_command_has_a_title_and_demo_switches() -> None:
    async with running(jobs=1, engine=False) as (_station, app, pilot):
        titles = [title for title, _ in station_commands(app)]
        assert len(titles) == len(set(titles))
        for key in ("(a)", "(h)", "(r)", "(c)", "(u)", "(x)", "(p)", "(b)", "(e)", "(s)",
                    "(f)", "(/)", "(?)", "(q)", "(Enter)"):
            assert any(title.endswith(key) for title in titles), key
        assert sum(title.startswith("Demo:") for title in titles) == 4
        await palette(pilot, "Rincian")
        assert isinstance(app.screen, DetailsScreen)
        await pilot.press("escape")
        await palette(pilot, "log kej")
        assert isinstance(app.screen, EventsScreen)


async def test_english() -> None:
    async with running(jobs=1, paused=True, language="en") as (_station, app, pilot):
        await until(pilot, lambda: "paused by" in gate_text(app))
        assert "Not printing" in gate_text(app)
        assert "Queue" in str(app.main.query_one("#queue-info").render())
        assert app.main.table.rows()[0].state.value in ("queued", "authorized")
        await pilot.press("question_mark")
        assert "add a citizen" in "\n".join(app.screen.query_one(LinesView).lines)


# -- job actions ---------------------------------------------------------------------------

def _link_down(station: DemoStation) -> None:
    station.set_link(False)


async def test_hold_release_urgent_cancel() -> None:
    # Link down and paused: nothing is authorised behind the test's back.
    async with running(jobs=3, paused=True, before=_link_down) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 3)
        jobs = app.main.table.rows()
        first, last = jobs[0], jobs[-1]
        await select(app, pilot, first.id)
        await pilot.press("h")  # asks a reason: typed, Enter
        assert isinstance(app.screen, ReasonScreen)
        await type_text(pilot, "warga minta")
        await pilot.press("enter")
        assert state_of(station, first.id) is State.HELD
        job = station.store.job(first.id)
        assert job is not None and job.history[-1].note == "warga minta"
        await pilot.press("r")
        assert state_of(station, first.id) is State.QUEUED
        await select(app, pilot, last.id)
        await pilot.press("u")
        app.store.refresh()
        assert app.main.table.rows()[0].id == last.id  # urgent goes to the top
        await pilot.press("u")  # the same key undoes it
        station.store.refresh()
        undone = station.store.job(last.id)
        assert undone is not None and undone.priority.value == "normal"
        assert app.main.table.rows()[-1].id == last.id
        await select(app, pilot, first.id)
        await pilot.press("c")
        assert isinstance(app.screen, ReasonScreen)
        await type_text(pilot, "salah")
        await pilot.press("escape")  # Escape: not cancelled
        assert not isinstance(app.screen, ReasonScreen)
        assert state_of(station, first.id) is State.QUEUED
        await pilot.press("c", "enter")  # Enter with no reason: cancelled, no note
        assert state_of(station, first.id) is State.CANCELLED
        cancelled = station.store.job(first.id)
        assert cancelled is not None and cancelled.history[-1].note == ""
        assert first.id not in {j.id for j in app.main.table.rows()}
        await pilot.press("s")
        assert isinstance(app.screen, FinishedScreen)
        assert first.id in {j.id for j in app.screen.table.rows()}
        await pilot.press("escape")
        # Link back, resume: the other two print.
        station.set_link(True)
        await pilot.press("p")
        rest = [j.id for j in jobs if j.id != first.id]
        await until(pilot, lambda: all(state_of(station, i) is State.DONE for i in rest),
                    tries=400)


async def test_refused_action_is_notified() -> None:
    async with running(jobs=1, paused=True) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 1)
        job = app.main.table.rows()[0]
        actions.hold(station.store, job.id, operator="other")  # behind the UI's back
        app.job_action("hold", job)  # the UI still thinks it is queued
        await pilot.pause()
        assert any("tidak bisa dari ditahan" in n.message for n in app._notifications)


def _screen_text(screen: object) -> str:
    from textual.widgets import Static

    assert isinstance(screen, ResolveScreen)
    return " ".join(str(w.render()) for w in screen.query(Static))


async def test_resolve_names_the_printer_the_card_was_sent_to() -> None:
    """Issue 15: with several printers the operator must know which to check."""
    box: dict[str, str] = {}

    def before(station: DemoStation) -> None:
        box["id"] = _interrupted(station.store, printer="p2")

    async with running(jobs=0, paused=True, before=before) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 1)
        await pilot.press("x")
        assert isinstance(app.screen, ResolveScreen)
        assert t("resolve.question_printer", printer="p2") in _screen_text(app.screen)
        await pilot.press("escape")


def _interrupted(store: Store, i: int = 60, printer: str | None = None) -> str:
    job = new_job(demo_nik(i, 99), operator="t")
    with store.transaction() as tx:
        tx.put_job(job)
    with store.transaction() as tx:
        job = transition(job, State.AUTHORIZED, operator="engine", authorization_id=f"auth-{i}",
                         holder_name="SITI AMINAH",
                         expires_at=to_text(now_utc() + timedelta(hours=1)),
                         document=None, document_sha256=None, content_type="application/pdf")
        job = transition(job, State.PRINTING, operator="engine", printer=printer)
        job = transition(job, State.INTERRUPTED, operator="engine", note="power cut")
        tx.put_job(job)
    return job.id


async def test_resolve_interrupted_printed() -> None:
    box: dict[str, str] = {}

    def before(station: DemoStation) -> None:
        box["id"] = _interrupted(station.store)

    async with running(jobs=2, paused=True, before=before) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 3)
        assert app.main.table.rows()[0].state is State.INTERRUPTED  # needs the operator: top
        printed = station.store.ledger_totals().printed
        assert "1 KARTU TERPUTUS" in str(app.main.query_one("#queue-info").render())
        await pilot.press("x")
        assert isinstance(app.screen, ResolveScreen)
        await pilot.press("1")
        assert state_of(station, box["id"]) in (State.PRINTED, State.DONE)
        assert station.store.ledger_totals().printed == printed + 1
        # Another one: no card came out, so it goes back to the queue (next attempt).
        other = _interrupted(app.store, 61)
        app.apply_changes({other})
        await pilot.press("x")
        assert isinstance(app.screen, ResolveScreen)
        assert t("resolve.question") in _screen_text(app.screen)  # no printer recorded
        await pilot.press("3")
        station.store.refresh()
        job = station.store.job(other)
        assert job is not None and job.attempt == 2
        assert job.state in (State.QUEUED, State.AUTHORIZED)
        assert station.store.ledger_totals().printed == printed + 1
        await pilot.press("x")  # nothing left to resolve: said, no dialog
        assert not isinstance(app.screen, ResolveScreen)


async def test_resolve_waits_while_the_card_may_still_print_by_itself() -> None:
    box: dict[str, str] = {}
    asked: list[tuple[str, bool]] = []

    def before(station: DemoStation) -> None:
        box["id"] = _interrupted(station.store)

    def still_queued(job_id: str) -> str:
        # Called off the UI thread (a CUPS query may take a while).
        asked.append((job_id, threading.current_thread() is threading.main_thread()))
        return "CUPS job card-7 is held" if len(asked) == 1 else ""

    async with running(jobs=0, paused=True, before=before) as (station, app, pilot):
        app.still_queued = still_queued
        await until(pilot, lambda: app.main.table.total == 1)
        await pilot.press("x", "3")
        await until(pilot, lambda: "card-7" in messages(app))
        assert asked == [(box["id"], False)]
        assert state_of(station, box["id"]) is State.INTERRUPTED
        await pilot.press("x", "3")  # the printer let go of it: now it is settled
        await until(pilot, lambda: state_of(station, box["id"]) is not State.INTERRUPTED)
        assert len(asked) == 2


# -- details, pause, blanks, events, help ---------------------------------------------------

async def test_details_shows_history() -> None:
    async with running(jobs=1, engine=False) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 1)
        job = app.main.table.rows()[0]
        await pilot.press("enter")
        assert isinstance(app.screen, DetailsScreen)
        fields = str(app.screen.query_one("#fields").render())
        assert job.nik in fields
        assert any("antre" in line for line in app.screen.query_one(LinesView).lines)
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailsScreen)


async def test_pause_and_resume_are_logged() -> None:
    async with running(jobs=0) as (station, app, pilot):
        await until(pilot, lambda: app.status is not None)
        await pilot.press("p")
        assert station.store.meta(actions.PAUSED_KEY) or app.store.meta(actions.PAUSED_KEY)
        await until(pilot, lambda: "dijeda" in gate_text(app))
        await pilot.press("p")
        app.store.refresh()
        assert not app.store.meta(actions.PAUSED_KEY)
        details = [e.detail for e in app.store.events() if e.kind == "printing"]
        assert details[-2:] == ["paused", "resumed"]


async def test_blanks_receive_spoil_adjust() -> None:
    async with running(jobs=0, engine=False) as (_station, app, pilot):
        start = app.store.ledger_totals().balance
        await pilot.press("b")
        assert isinstance(app.screen, BlanksScreen)
        await pilot.press("r")
        assert isinstance(app.screen, BlankForm)
        await type_text(pilot, "25")
        await pilot.press("enter")  # Enter on the count goes on to the note
        assert app.store.ledger_totals().balance == start
        await type_text(pilot, "s12")  # the delivery letter number
        await pilot.press("enter")
        assert app.store.ledger_totals().balance == start + 25
        assert app.store.ledger_entries()[-1].ref == "s12"
        await pilot.press("s")
        await type_text(pilot, "jam")
        await pilot.press("enter")
        assert app.store.ledger_totals().spoiled == 1
        await pilot.press("k")
        await type_text(pilot, "-3")
        await pilot.press("tab")
        await type_text(pilot, "count")
        await pilot.press("enter")
        totals = app.store.ledger_totals()
        assert totals.balance == start + 25 - 1 - 3
        assert isinstance(app.screen, BlanksScreen)
        view = app.screen.query_one(LinesView)
        await until(pilot, lambda: "count" in view.lines[0])  # newest first, from a worker
        assert str(totals.balance) in str(app.screen.query_one("#summary").render())
        # An adjustment without a reason is refused by the core: a notification.
        await pilot.press("k")
        await type_text(pilot, "+1")
        await pilot.press("enter", "enter")  # count, then an empty reason
        assert isinstance(app.screen, BlankForm)
        assert any("reason" in n.message for n in app._notifications)
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, BlanksScreen)


async def test_event_log_newest_first_and_help() -> None:
    async with running(jobs=1, paused=True) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 1)
        await pilot.press("e")
        assert isinstance(app.screen, EventsScreen)
        lines = await loaded(pilot, app.screen.query_one(LinesView))
        assert lines and lines[0] >= lines[-1]  # timestamps lead each line
        assert "dijeda" in "\n".join(lines)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(app.screen.query_one(LinesView).lines)
        for key in ("a", "h", "r", "c", "u", "x", "p", "b", "e", "f", "/", "s", "?", "q"):
            assert f" {key} " in f" {text} ".replace("\n", " \n ") or key in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_filter_and_search() -> None:
    async with running(jobs=4, engine=False) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 4)
        rows = app.main.table.rows()
        actions.hold(app.store, rows[1].id, operator="t")
        app.apply_changes({rows[1].id})
        await pilot.press("f")  # queued only
        assert {j.state for j in app.main.table.rows()} == {State.QUEUED}
        await pilot.press("f")  # held only
        assert [j.id for j in app.main.table.rows()] == [rows[1].id]
        await pilot.press("escape")
        assert app.main.table.shown == 4
        await pilot.press("slash")
        await type_text(pilot, rows[2].nik[-6:])
        assert [j.id for j in app.main.table.rows()] == [rows[2].id]
        await pilot.press("enter")
        assert app.main.table.has_focus
        await pilot.press("escape")
        assert app.main.table.shown == 4


# -- standby and takeover ---------------------------------------------------------------------

async def test_standby_then_takeover() -> None:
    other: dict[str, EngineLock] = {}

    def before(station: DemoStation) -> None:
        lock = EngineLock(station.config.store.data_dir)
        assert lock.try_acquire(role="ktptui --resume")
        other["lock"] = lock

    async with running(jobs=0, before=before) as (station, app, pilot):
        await until(pilot, lambda: app.standby)
        assert app.engine is None
        assert "Siaga" in gate_text(app) and "ktptui --resume" in gate_text(app)
        # The queue still works in standby.
        job = app.act(actions.add, demo_nik(70, 120))
        assert job is not None and job.id in {j.id for j in app.main.table.rows()}
        other["lock"].release()
        await until(pilot, lambda: app.engine is not None)
        assert app.lock.held
        await until(pilot, lambda: state_of(station, job.id) is State.DONE, tries=400)


# -- quitting ------------------------------------------------------------------------------------

async def test_quit_asks_while_printing_and_card_finishes() -> None:
    async with running(jobs=1, seconds_per_card=1.0) as (station, app, pilot):
        job_id = app.main.table.rows()[0].id
        await until(pilot, lambda: app.printing_now, tries=400)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert not app.quitting
        await pilot.press("ctrl+q")  # Textual's own quit key asks too
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n", "q", "y")
        assert app.quitting
        await until(pilot, lambda: app.return_code is not None, tries=400)
        assert state_of(station, job_id) in (State.PRINTED, State.DONE)
        assert station.store.ledger_totals().printed == 1


async def test_sighup_finishes_card_then_exits() -> None:
    async with running(jobs=1, seconds_per_card=0.5) as (station, app, pilot):
        job_id = app.main.table.rows()[0].id
        await until(pilot, lambda: app.printing_now, tries=400)
        os.kill(os.getpid(), signal.SIGHUP)
        await until(pilot, lambda: app.return_code is not None, tries=400)
        assert state_of(station, job_id) in (State.PRINTED, State.DONE)


def test_demo_starts_in_a_real_terminal(tmp_path: Path) -> None:
    """``ktptui --demo`` as a person starts it, in a pseudo-terminal. Textual's
    ``run()`` (unlike the pilot's ``run_test``) uses asyncio's eager task
    factory on Python 3.12+; with the main screen in ``MODES`` the App died at
    start there (ScreenStackError) and exited 0. The queue must show, and
    SIGTERM must end it cleanly."""
    import subprocess
    import time

    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-m", "ktptui", "--demo"], stdin=slave,
                             stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    os.set_blocking(master, False)
    seen = bytearray()

    def read_until(done: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            with contextlib.suppress(BlockingIOError, OSError):
                seen.extend(os.read(master, 65536))
            time.sleep(0.05)
        return True

    try:
        shown = read_until(lambda: b"Antrean" in seen or child.poll() is not None, 30)
        assert shown and child.poll() is None, f"exited {child.returncode}: {bytes(seen)[-600:]!r}"
        child.terminate()  # SIGTERM: quit as on q
        assert read_until(lambda: child.poll() is not None, 20), "no exit after SIGTERM"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    assert child.returncode == 0
    assert b"Traceback" not in seen and b"ScreenStackError" not in seen


def test_ssh_hangup_in_a_real_terminal_finishes_the_card_then_exits(tmp_path: Path) -> None:
    """The real ``ktptui`` in a pseudo-terminal; closing the terminal is what a
    dropped SSH session does (SIGHUP, then SIGCONT). The card in the printer is
    recorded, and the process exits instead of hanging in Textual's terminal
    clean-up (it used to: lock held, never exiting)."""
    import pty
    import time

    from ktptui.central.sim import CentralSimulator

    with CentralSimulator(port=0, token="tok", seed=1) as central:
        config, data = write_config(tmp_path, central.base_url)
        store = Store(data)
        actions.receive_blanks(store, 5, operator="t")
        job = actions.add(store, demo_nik(44, 81), operator="t")
        pid, fd = pty.fork()
        if pid == 0:  # the child: the real command line in the terminal
            os.environ["TERM"] = "xterm-256color"
            os.execv(sys.executable, [sys.executable, "-m", "ktptui", "--config", str(config)])

        def state() -> State | None:
            store.refresh()
            found = store.job(job.id)
            return found.state if found else None

        try:
            deadline = time.monotonic() + 20
            while state() is not State.PRINTING:
                assert time.monotonic() < deadline, f"never printed: {state()}"
                with contextlib.suppress(OSError):
                    os.read(fd, 65536)  # keep the terminal drained
                time.sleep(0.05)
        finally:
            os.close(fd)  # the SSH session drops
        deadline = time.monotonic() + 15
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise AssertionError("ktptui did not exit after the hang-up")
            time.sleep(0.05)
        assert state() in (State.PRINTED, State.DONE)
        assert store.ledger_totals().printed == 1
        lock = EngineLock(data)
        assert lock.try_acquire(role="test")  # released
        lock.release()


async def test_quit_when_idle_exits_at_once() -> None:
    async with running(jobs=0) as (_station, app, pilot):
        await until(pilot, lambda: app.engine is not None)
        await pilot.press("q")
        await until(pilot, lambda: app.return_code is not None)


# -- the bench cannot rot ------------------------------------------------------------------------

def test_tui_bench_runs_at_a_tiny_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/tui_bench.py's pieces at a tiny size (no timing asserted)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "tui_bench", Path(__file__).resolve().parent.parent / "bench" / "tui_bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "tui_bench", bench)  # dataclasses look it up
    spec.loader.exec_module(bench)
    bench.make_store(tmp_path / "data", 5)
    figures = bench.app_to_first_frame(tmp_path / "data")
    assert figures["rows"] == 5 and figures["app_to_frame_s"] > 0
    painted = bench.paint(5, 3)
    assert painted.jobs == 5 and len(painted.keys_ms) == 3
    assert painted.first_paint_s > 0 and painted.peak_rss_mb > 0
    starting, idle = bench.idle("demo-down", 0.2, 1.0)
    assert starting > 0 and idle >= 0
    assert bench.percentile([3.0, 1.0, 2.0], 0.5) == 2.0
