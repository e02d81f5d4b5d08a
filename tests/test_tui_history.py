"""Issue 11: the TUI's UI thread never reads history.

Whatever the archive holds, the first paint and every keypress use only the
hot set and carried totals; what history a screen shows (the forecast's
week, the ledger's month, the event log, the week's finished jobs) is read
by a worker, the screen saying "loading" until it is in.

Checked without timing: the store's archive is wrapped in a spy that notes
on which thread each read happens (the App runs on the test's thread), or
that holds a read until the test lets it go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Static
from tuikit import SIZE, fixed_status, loaded, until, wib_indonesian

from ktptui.central.monitor import LinkState, LinkStatus
from ktptui.i18n import t
from ktptui.model import Job, State, new_job, to_text, transition
from ktptui.station.status import Gate
from ktptui.store import Store, ledger
from ktptui.tui.app import KtpApp
from ktptui.tui.screens.blanks import BlanksScreen
from ktptui.tui.screens.details import DetailsScreen
from ktptui.tui.screens.events import EventsScreen
from ktptui.tui.screens.finished import FinishedScreen
from ktptui.tui.widgets.job_table import JobTable
from ktptui.tui.widgets.lines_view import LinesView
from ktptui.tui.widgets.status_bar import StatusBar

NOW = datetime.now(UTC)


class ArchiveSpy:
    """Stands in for ``Store.history``: every call is passed on, noting its
    thread; ``hold`` (when set) keeps calls of the given names waiting."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[tuple[str, bool]] = []  # (method, on the UI thread)
        self.hold: dict[str, threading.Event] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.real, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            on_ui = threading.current_thread() is threading.main_thread()
            self.calls.append((name, on_ui))
            gate = self.hold.get(name)
            if gate is not None and not on_ui:
                gate.wait(30)
            return value(*args, **kwargs)

        return call

    def on_ui(self) -> list[str]:
        return [name for name, ui in self.calls if ui]


def _finished(nik: str, at: datetime) -> Job:
    job = new_job(nik, operator="op", at=at)
    for to in (State.AUTHORIZED, State.PRINTING, State.PRINTED, State.DONE):
        job = transition(job, to, operator="op", at=at, authorization_id="a")
    return job


def _nik(i: int) -> str:
    return f"35150501{(i % 12) + 1:02d}90{i + 1:04d}"


def _store(data_dir: Path) -> tuple[Store, Job, Job]:
    """An archive with an old job (40 days ago) and a recent one (2 days
    ago), 20 cards printed this week (the forecast has a rate), one queued."""
    store = Store(data_dir)
    old = _finished(_nik(0), NOW - timedelta(days=40))
    recent = _finished(_nik(1), NOW - timedelta(days=2))
    docs = [old.to_dict(), recent.to_dict()]
    entries = [ledger.make_entry(ledger.Kind.RECEIVED, 500, operator="op",
                                 at=NOW - timedelta(days=41)).to_dict()]
    entries += [ledger.make_entry(ledger.Kind.PRINTED, -1, operator="op",
                                  at=NOW - timedelta(days=1, minutes=i)).to_dict()
                for i in range(20)]
    trail = [{"id": f"e{i}", "at": j.updated_at, "kind": "job", "operator": "op",
              "job_id": j.id, "detail": "printed -> done"} for i, j in enumerate((old, recent))]
    store.import_history(docs, entries, trail)
    with store.transaction() as tx:
        tx.put_job(new_job(_nik(2), operator="loket"))
    return store, old, recent


def _app(store: Store) -> KtpApp:
    status = fixed_status(Gate.IDLE, "Not printing: nothing to print",
                          link=LinkStatus(LinkState.UP, NOW),
                          blanks=store.ledger_totals().balance, at=to_text(NOW))
    return KtpApp(store, operator="siti", low_threshold=10, fixed_status=status,
                  handle_signals=False)


def _blanks_text(app: KtpApp) -> str:
    return app.main.query_one(StatusBar).part_text("blanks")


def _spied(tmp_path: Path) -> tuple[Store, ArchiveSpy, Job, Job]:
    store, old, recent = _store(tmp_path / "data")
    spy = ArchiveSpy(store.history)
    store.history = spy  # type: ignore[assignment]
    return store, spy, old, recent


async def test_no_keypress_reads_history_on_the_ui_thread(tmp_path: Path) -> None:
    store, spy, old, recent = _spied(tmp_path)
    with wib_indonesian():
        app = _app(store)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "~168 hari" in _blanks_text(app))  # 480 / (20 / 7)
            assert spy.on_ui() == []  # first paint: carried totals and the hot set only
            await pilot.press("b")
            assert isinstance(app.screen, BlanksScreen)
            ledger_lines = await loaded(pilot, app.screen.query_one(LinesView))
            assert len(ledger_lines) == 20  # the month's entries, not the shipment 41 days ago
            assert "480" in str(app.screen.query_one("#summary", Static).render())
            await pilot.press("escape", "e")
            assert isinstance(app.screen, EventsScreen)
            events = "\n".join(await loaded(pilot, app.screen.query_one(LinesView)))
            assert recent.id[:8] in events and old.id[:8] not in events  # the last week's
            await pilot.press("escape", "s")
            assert isinstance(app.screen, FinishedScreen)
            screen = app.screen
            table = screen.query_one(JobTable)
            await until(pilot, lambda: t("common.loading") not in str(
                screen.query_one("#title", Static).render()))
            assert [j.id for j in table.rows()] == [recent.id]  # the week, not 40 days ago
            await until(pilot, lambda: table.select_job(recent.id))
            await pilot.press("d")
            assert isinstance(app.screen, DetailsScreen)
            assert recent.short_id in str(app.screen.query_one("#title", Static).render())
            await pilot.press("escape", "e")
            assert isinstance(app.screen, EventsScreen)  # that job's events, all of them
            assert recent.id[:8] in "\n".join(await loaded(pilot,
                                                           app.screen.query_one(LinesView)))
            await pilot.press("escape", "escape", "down", "up")
        assert spy.calls, "the screens read no history at all"
        assert spy.on_ui() == []


async def test_the_bar_says_loading_until_the_forecast_is_in(tmp_path: Path) -> None:
    store, spy, _old, _recent = _spied(tmp_path)
    gate = spy.hold["ledger_used"] = threading.Event()
    with wib_indonesian():
        app = _app(store)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: app.blanks.loading)
                await until(pilot, lambda: "memuat" in _blanks_text(app))
                assert "480" in _blanks_text(app)  # the balance at once: carried
                await pilot.press("b")  # a key answers while the worker waits
                assert isinstance(app.screen, BlanksScreen)
                forecast = app.screen.query_one("#forecast", Static)
                assert t("common.loading") in str(forecast.render())
                gate.set()
                await until(pilot, lambda: "~168 hari" in str(forecast.render()))
                await pilot.press("escape")
                await until(pilot, lambda: "~168 hari" in _blanks_text(app))
                assert "memuat" not in _blanks_text(app)
        finally:
            gate.set()
    assert spy.on_ui() == []


def _counting(spy: ArchiveSpy) -> Callable[[], int]:
    return lambda: sum(1 for name, _ui in spy.calls if name == "ledger_used")


async def test_a_card_keeps_the_last_forecast_until_the_new_one(tmp_path: Path) -> None:
    """After a card the balance changes at once and the days stay shown (no
    'loading' flicker over SSH) until the worker's new rate comes in."""
    store, spy, _old, _recent = _spied(tmp_path)
    reads = _counting(spy)
    with wib_indonesian():
        app = _app(store)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: not app.blanks.loading)
            before = reads()
            gate = spy.hold["ledger_used"] = threading.Event()
            try:
                with store.transaction() as tx:
                    tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator="op"))
                app.apply_changes((), {"ledger"})
                await until(pilot, lambda: reads() > before)
                assert "479" in _blanks_text(app) and "hari" in _blanks_text(app)
                assert "memuat" not in _blanks_text(app)
            finally:
                gate.set()
            await until(pilot, lambda: app.blanks.days_left is not None
                        and round(app.blanks.days_left) == 160)  # 479 / (21 / 7)
    assert spy.on_ui() == []


def test_the_history_bench_times_the_tui_and_resume_on_both_stations(tmp_path: Path) -> None:
    """The bench's start block runs end to end on two tiny stations."""
    import json
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    bench = repo / "bench" / "history_bench.py"
    stations: dict[str, tuple[Path, dict[str, Any]]] = {}
    for name, days in (("old", 3), ("fresh", 1)):
        out = subprocess.run([sys.executable, str(bench), "--build", str(tmp_path / name),
                              "--days", str(days), "--per-day", "20", "--queued", "3"],
                             capture_output=True, text=True, timeout=120, check=True)
        stations[name] = (tmp_path / f"{name}.toml", json.loads(out.stdout))
    sys.path.insert(0, str(repo / "bench"))
    try:
        import history_bench
    finally:
        sys.path.remove(str(repo / "bench"))
    rows = history_bench.start_rows(stations, 1, tmp_path)
    assert [r["operation"] for r in rows] == [
        "TUI first paint (wall)", "TUI forecast in (wall)", "--resume 1st card (wall)"]
    for r in rows:
        assert r["old_cpu_s"] > 0 and r["fresh_cpu_s"] > 0 and r["old_rss_mb"] > 10
    # --resume printed a card on each station (and was stopped after it).
    assert all(any((tmp_path / f"{name}-spool").iterdir()) for name in stations)
