"""The operator's keys (issues 12 and 17): one action table behind the key
bar, the palette, the help and the bindings; a refused key says why;
notifications never cover the queue; the key bar fits a small terminal; and
the everyday tasks take at most 3 keys beyond the citizen's data."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets._toast import Toast
from tuikit import SIZE, until

from ktptui import actions
from ktptui.demo import DemoStation, demo_nik, demo_station
from ktptui.fmt import one_line
from ktptui.i18n import set_language, t
from ktptui.model import Job, State, new_job, now_utc, to_text, transition
from ktptui.store import Store
from ktptui.tui import keymap
from ktptui.tui.app import KtpApp
from ktptui.tui.commands import station_commands
from ktptui.tui.launch import make_app
from ktptui.tui.screens.help import HelpScreen
from ktptui.tui.screens.reason import ReasonScreen
from ktptui.tui.screens.resolve import ResolveScreen
from ktptui.tui.screens.suket import SuketScreen
from ktptui.tui.widgets.key_bar import KeyBar, fit
from ktptui.tui.widgets.lines_view import LinesView


@contextlib.asynccontextmanager
async def running(jobs: int = 0, *, before: Callable[[DemoStation], None] | None = None,
                  size: tuple[int, int] = SIZE, notifications: bool = False,
                  ) -> AsyncIterator[tuple[DemoStation, KtpApp, Pilot[Any]]]:
    """A queue-only App (nothing prints) on a demo station with 40 blanks."""
    with demo_station(seconds_per_card=0.05, jam_rate=0.0, jobs=jobs) as station:
        if before is not None:
            before(station)
        app = make_app(station.config, Store(station.config.store.data_dir), None,
                       station=station)
        app.animation_level = "none"
        app.refresh_s = 0.1
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await pilot.pause()
            yield station, app, pilot
    set_language("id")


def _card(store: Store, i: int, to: State, *, name: str = "SITI AMINAH",
          days_ago: int = 0) -> Job:
    """A job moved by the engine's steps to ``to`` (authorized and beyond)."""
    job = new_job(demo_nik(i, 99), operator="t", at=now_utc() - timedelta(days=days_ago))
    job = transition(job, State.AUTHORIZED, operator="engine", authorization_id=f"auth-{i}",
                     holder_name=name, expires_at=to_text(now_utc() + timedelta(hours=1)),
                     document=None, document_sha256=None, content_type="application/pdf")
    for step in (State.PRINTING, State.PRINTED, State.INTERRUPTED):
        if job.state is to:
            break
        if step is State.PRINTED and to is State.INTERRUPTED:
            continue
        job = transition(job, step, operator="engine")
    with store.transaction() as tx:
        tx.put_job(job)
    return job


def messages(app: KtpApp) -> str:
    return "\n".join(n.message for n in app._notifications)


def bar(app: KtpApp) -> list[tuple[str, str]]:
    return [item for line in app.main.query_one(KeyBar).lines for item in line]


# -- one action table ------------------------------------------------------------------------

async def test_key_bar_palette_help_and_bindings_list_the_same_actions_and_keys() -> None:
    def before(station: DemoStation) -> None:
        _card(station.store, 60, State.INTERRUPTED)
        held = actions.add(station.store, demo_nik(61, 98), operator="t")
        actions.hold(station.store, held.id, operator="t")
        urgent = actions.add(station.store, demo_nik(62, 97), operator="t")
        actions.make_urgent(station.store, urgent.id, operator="t")

    async with running(jobs=2, before=before) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 5)
        titles = [title for title, _ in station_commands(app)]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one(LinesView).lines
        await pilot.press("escape")
        bound = {(b.action, b.key_display) for bs in app.main._bindings.key_to_bindings.values()
                 for b in bs}
        for a in keymap.ACTIONS:
            # The help: one line per action, its key first; a second key
            # (``b s``) is named on the first key's line.
            first, *then = [a.shown] if a.in_help else a.shown.split(" ")
            lines = [line for line in help_text if line.strip().startswith(f"{first}  ")]
            if not a.in_help and not then:  # named on a related key's line (``P`` on ``p``'s)
                lines = [line for line in help_text if f"{a.shown}: " in line]
                then = [""]
            assert lines, a
            if a.in_help:
                assert any(line.endswith(t(a.help)) for line in lines), a
            else:
                assert any(f"({then[0]}" in line for line in lines), a
            if a.command:  # the palette: its title and the same key
                assert f"{t(a.command)} ({a.shown})" in titles, a
            if a.keys:  # the bindings: the same action and key
                assert (a.action, a.shown) in bound, a
        seen: set[tuple[str, str]] = set()
        for job in app.main.table.rows():  # the key bar, for every kind of row
            await until(pilot, lambda job=job: app.main.table.select_job(job.id))
            await pilot.pause()
            now = app.main.now()
            shown = bar(app)
            assert shown == keymap.bar_items(now)
            for key, label in shown:  # each item is a table action that applies now
                entry = next(a for a in keymap.ACTIONS
                             if a.label and (a.shown, t(a.label)) == (key, label))
                assert entry.why_not(now) == ""
                assert app.main.check_action(entry.name, entry.args)
                assert f"{t(entry.command)} ({key})" in titles
            seen.update(shown)
        # Urgent is one thing everywhere: "u Desak" on a normal job, "u Biasa" on an urgent one.
        assert ("u", t("key.urgent")) in seen and ("u", t("key.not_urgent")) in seen


async def test_a_refused_key_says_why() -> None:
    box: dict[str, Job] = {}

    def before(station: DemoStation) -> None:
        box["printed"] = _card(station.store, 63, State.PRINTED)

    async with running(before=before) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.select_job(box["printed"].id))
        await pilot.pause()
        await pilot.press("h")
        assert not isinstance(app.screen, ReasonScreen)
        assert "kartu sudah dicetak, tidak bisa ditahan" in messages(app)
        await pilot.press("c")
        assert "kartu sudah dicetak, tidak bisa dibatalkan" in messages(app)
        await pilot.press("u")
        assert "kartu sudah dicetak, tidak bisa didesak" in messages(app)
        await pilot.press("x")
        assert t("resolve.none") in messages(app)
        station.store.refresh()
        job = station.store.job(box["printed"].id)
        assert job is not None and job.state is State.PRINTED


async def test_the_palette_refuses_with_the_same_reason_as_the_key() -> None:
    async with running(jobs=1) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 1)
        job = app.main.table.rows()[0]
        run = dict(station_commands(app))
        undo = keymap.find("urgent", (False,))
        hurry = keymap.find("urgent", (True,))
        assert undo is not None and hurry is not None
        run[keymap.palette_title(undo)]()  # undo urgent: it is not urgent
        await pilot.pause()
        assert t("why.not_urgent", job=job.short_id) in messages(app)
        run[keymap.palette_title(hurry)]()  # make urgent
        await pilot.pause()
        app.store.refresh()
        found = app.store.job(job.id)
        assert found is not None and found.priority.value == "urgent"


def test_a_reason_is_one_line_without_control_characters() -> None:
    assert one_line("  warga\x1b[31m minta\tbesok\n ") == "warga minta besok"
    assert one_line("\x07") == ""


def test_refusals_in_english() -> None:
    set_language("en")
    try:
        job = new_job(demo_nik(68, 94), operator="t")
        job = transition(job, State.HELD, operator="t")
        why = keymap.find("hold", ())
        assert why is not None
        assert why.why_not(keymap.Now(job, 0, False)) == (
            "the job is already held: it cannot be held")
    finally:
        set_language("id")


# -- notifications and small terminals ---------------------------------------------------------

async def test_notifications_never_cover_the_queue_rows() -> None:
    async with running(jobs=30, notifications=True) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 30)
        table = app.main.table
        rows = table.rows()
        for job in rows[table.size.height - 3:table.size.height]:  # the bottom rows
            await until(pilot, lambda job=job: table.select_job(job.id))
            await pilot.press("h", "enter")
        await until(pilot, lambda: len(app.screen.query(Toast)) >= 3)
        await pilot.pause()
        toasts = [toast.region for toast in app.screen.query(Toast) if toast.region]
        assert toasts
        rows_region = table.region
        for region in toasts:
            assert not region.overlaps(rows_region), (region, rows_region)
        held = [j for j in app.main.table.rows() if j.state is State.HELD]
        assert len(held) == 3


async def test_key_bar_keeps_every_action_reachable_at_60x20() -> None:
    async with running(jobs=3, size=(60, 20)) as (_station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 3)
        await pilot.pause()
        keys_bar = app.main.query_one(KeyBar)
        lines = keys_bar.lines
        assert 1 < len(lines) <= 2
        for line in lines:
            assert len(" ".join(f"{k} {label}" for k, label in line)) <= 58
        shown = [item for line in lines for item in line]
        assert shown == keymap.bar_items(app.main.now())  # none cut at 60 columns
        assert shown[-2] == ("?", t("key.help"))
        assert keys_bar.region.bottom <= 20 and keys_bar.region.height == len(lines)
        await pilot.press("f1")  # and the help lists all of them
        assert isinstance(app.screen, HelpScreen)


def test_key_bar_too_narrow_keeps_the_help_key() -> None:
    items = [("a", "Tambah"), ("h", "Tahan"), ("c", "Batal"), ("u", "Desak"),
             ("?", "Bantu"), ("q", "Keluar")]
    assert fit(items, 80) == [items]
    assert fit(items, 20) == [items[:2], [items[2], items[4]]]  # q, u left out: ? kept
    lines = fit(items, 10)
    assert lines == [[("a", "Tambah")], [("?", "Bantu")]]


def test_key_bar_is_one_line_at_80_columns_with_the_most_keys() -> None:
    """A queued job selected and an interrupted card waiting: every key that
    applies, in one line of 78 columns (80, less the bar's padding)."""
    job = new_job(demo_nik(67, 95), operator="t")
    items = keymap.bar_items(keymap.Now(job, 1, False))
    assert [key for key, _ in items] == ["a", "h", "c", "u", "x", "b", "/", "?", "q"]
    assert fit(items, 78) == [items]


# -- key counts (docs/tui.md) -----------------------------------------------------------------

class Keys:
    """Presses keys and counts them; typed data is not counted."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)


async def test_everyday_tasks_take_at_most_three_keys() -> None:
    box: dict[str, Job] = {}

    def before(station: DemoStation) -> None:
        box["interrupted"] = _card(station.store, 64, State.INTERRUPTED)
        box["waiting"] = _card(station.store, 65, State.AUTHORIZED, name="BUDI SANTOSO",
                               days_ago=30)

    async with running(jobs=2, before=before) as (station, app, pilot):
        await until(pilot, lambda: app.main.table.total == 4)
        counts: dict[str, int] = {}

        keys = Keys(pilot)  # add a citizen
        nik = demo_nik(66, 96)
        await keys.press("a")
        await keys.type(nik)
        await keys.press("enter")
        assert app.store.active_job_for_nik(nik) is not None
        counts["add"] = keys.count

        keys = Keys(pilot)  # receive a shipment
        received = station.store.ledger_totals().received
        await keys.press("t")
        await keys.type("500")
        await keys.press("enter")
        await keys.type("SJ-12")
        await keys.press("enter")
        await until(pilot, lambda: (station.store.refresh(),
                                    station.store.ledger_totals().received)[1] == received + 500)
        await pilot.press("escape")  # back to the queue: the task is done
        counts["receive"] = keys.count

        keys = Keys(pilot)  # resolve an interrupted card
        await keys.press("x")
        assert isinstance(app.screen, ResolveScreen)
        await keys.press("1")
        await until(pilot, lambda: (station.store.refresh(), station.store.job(
            box["interrupted"].id).state is not State.INTERRUPTED)[1])  # type: ignore[union-attr]
        counts["resolve"] = keys.count

        keys = Keys(pilot)  # a Suket for a citizen found by name
        await keys.press("slash")
        await keys.type("BUDI")
        await until(pilot, lambda: [j.id for j in app.main.table.rows()] == [box["waiting"].id])
        await keys.press("f7")
        assert isinstance(app.screen, SuketScreen)
        await until(pilot, lambda: "SURAT KETERANGAN" in "\n".join(
            app.screen.query_one(LinesView).lines))
        await keys.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, SuketScreen))
        station.store.refresh()
        events = station.store.events(job_id=box["waiting"].id)
        assert [e for e in events if e.kind == "suket"]
        counts["suket"] = keys.count

        assert counts == {"add": 2, "receive": 3, "resolve": 2, "suket": 3}


async def test_shift_p_pauses_and_resumes_one_printer_of_several() -> None:
    """Issue 15: with several printers, ``P`` picks one to pause; the others go on."""
    from ktptui.printers.base import PrinterStatus
    from ktptui.station.status import STATUS_KEY, Gate, PrinterLine, StationStatus
    from ktptui.tui.screens.printers import PrinterPicker

    async with running() as (station, app, pilot):
        await pilot.press("P")
        assert not isinstance(app.screen, PrinterPicker)
        assert t("why.one_printer") in messages(app)
        lines = tuple(PrinterLine(n, Gate.IDLE, PrinterStatus(True, "ready"))
                      for n in ("p1", "p2", "p3"))
        with station.store.transaction() as tx:  # as a printing process publishes it
            tx.set_meta(STATUS_KEY, StationStatus(Gate.IDLE, printers=lines).to_json())
        app.status = None
        await until(pilot, lambda: app.printer_names() == ["p1", "p2", "p3"])
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PrinterPicker))
        await pilot.press("down", "enter")
        await until(pilot, lambda: not isinstance(app.screen, PrinterPicker))
        station.store.refresh()
        assert set(actions.paused_printers(station.store)) == {"p2"}
        assert t("printers.paused_now", name="p2") in messages(app)
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PrinterPicker))
        await pilot.press("down", "enter")
        await until(pilot, lambda: not isinstance(app.screen, PrinterPicker))
        station.store.refresh()
        assert actions.paused_printers(station.store) == {}
