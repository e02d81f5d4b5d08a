"""The station runner on its own: fake engines (no central, no printer), a
real engine lock on a temporary folder, bounded waits on conditions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest
from tuikit import fixed_status

from ktptui.central.monitor import LinkCause, LinkState, LinkStatus
from ktptui.locks import EngineBusy, EngineLock
from ktptui.station.engine import Engine
from ktptui.station.runner import (
    ExitSummary,
    Notes,
    Phase,
    Restarting,
    RunnerEvent,
    Standby,
    Started,
    StartFailed,
    StationRunner,
    StatusChanged,
    Stopped,
)
from ktptui.station.status import Gate, StationStatus


def until(cond: Callable[[], object], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.01)
    raise AssertionError(f"condition not met: {cond}")


class FakeEngine:
    """What the runner uses of an engine. ``crash``: ``run`` raises this."""

    def __init__(self, on_status: Callable[[StationStatus], None], *,
                 crash: Exception | None = None, notes: tuple[str, ...] = (),
                 drained: bool = False) -> None:
        self.on_status = on_status
        self.crash = crash
        self.notes = notes
        self.drained = drained
        self.stop_event = threading.Event()
        self.running = threading.Event()
        self.recovered = False
        self._status = fixed_status(Gate.IDLE, "Queue empty")
        self.status_at_end = self._status

    def recover(self) -> list[str]:
        self.recovered = True
        return list(self.notes)

    def publish(self, status: StationStatus) -> None:
        self._status = status
        self.on_status(status)

    def status(self) -> StationStatus:
        return self._status

    def run(self, *, until_idle: bool = False, deadline: float | None = None) -> bool:
        self.running.set()
        self.publish(fixed_status(Gate.IDLE, "Queue empty"))
        if self.crash is not None:
            raise self.crash
        if until_idle:
            self.status_at_end = self._status
            return self.drained
        self.stop_event.wait(30)
        self.status_at_end = self._status
        return self.drained

    def stop(self) -> None:
        self.stop_event.set()


class Station:
    """A runner on a temporary folder, with every engine it built and every
    event it told, in order."""

    def __init__(self, tmp_path: Path, engines: list[dict[str, Any]] | None = None,
                 **kw: Any) -> None:
        self.data = tmp_path
        self.plans = list(engines or [{}])
        self.built: list[FakeEngine] = []
        self.events: list[RunnerEvent] = []
        self.runner = StationRunner(EngineLock(tmp_path), self.factory, role="test runner",
                                    on_event=self.events.append, **kw)

    def factory(self, on_status: Callable[[StationStatus], None]) -> Engine:
        plan = self.plans.pop(0) if len(self.plans) > 1 else self.plans[0]
        if "fail" in plan:
            raise plan["fail"]
        engine = FakeEngine(on_status, **plan)
        self.built.append(engine)
        return cast(Engine, engine)

    def kinds(self) -> list[type[RunnerEvent]]:
        return [type(e) for e in self.events]

    def lock_free(self) -> bool:
        other = EngineLock(self.data)
        if other.try_acquire(role="probe"):
            other.release()
            return True
        return False


@pytest.fixture
def stations(tmp_path: Path) -> Iterator[list[Station]]:
    made: list[Station] = []
    yield made
    for st in made:
        st.runner.stop(wait=10)


def test_start_runs_the_engine_and_stop_frees_the_printer(tmp_path: Path,
                                                         stations: list[Station]) -> None:
    st = Station(tmp_path, [{"notes": ("job 1234abcd interrupted",)}])
    stations.append(st)
    st.runner.start()
    until(lambda: st.built and st.built[0].running.is_set())
    assert st.runner.phase is Phase.RUNNING
    assert st.runner.engine is st.built[0] and st.built[0].recovered
    assert not st.lock_free()  # this runner drives the printer
    until(lambda: StatusChanged in st.kinds())
    assert st.kinds()[:3] == [Started, Notes, StatusChanged]
    assert st.events[0] == Started(took_over=False)
    assert st.events[1] == Notes(("job 1234abcd interrupted",))
    assert st.runner.status is not None and st.runner.status.gate is Gate.IDLE
    assert st.runner.stop(wait=10)
    assert st.kinds()[-1] is Stopped and st.events[-1] == Stopped("")
    assert st.lock_free() and st.runner.engine is None
    assert st.runner.summary() == ExitSummary(False, st.built[0].status_at_end)


def test_only_what_a_front_end_shows_is_told(tmp_path: Path, stations: list[Station]) -> None:
    st = Station(tmp_path)
    stations.append(st)
    st.runner.start()
    until(lambda: StatusChanged in st.kinds())
    engine = st.built[0]
    link = LinkStatus(LinkState.DOWN, fixed_status(Gate.LINK).link.since, 4.0,
                      LinkCause.UNREACHABLE, "connection refused")
    down = fixed_status(Gate.LINK, "Not printing: retry in 4 s", link=link)
    engine.publish(down)
    # The countdown and the time move every tick: nothing new to tell.
    engine.publish(replace(down, reason="Not printing: retry in 3 s", at="later",
                           link=replace(link, retry_in_s=3.0)))
    engine.publish(replace(down, current_job="0123456789abcdef", gate=Gate.PRINTING))
    told = [e.status for e in st.events if isinstance(e, StatusChanged)]
    assert [s.gate for s in told] == [Gate.IDLE, Gate.LINK, Gate.PRINTING]
    assert st.runner.status is not None and st.runner.status.current_job == "0123456789abcdef"


def test_an_engine_that_crashes_is_built_again(tmp_path: Path, stations: list[Station]) -> None:
    st = Station(tmp_path, [{"crash": RuntimeError("boom")}, {}], max_restarts=2,
                 restart_s=0.01)
    stations.append(st)
    st.runner.start()
    until(lambda: len(st.built) == 2 and st.built[1].running.is_set())
    assert Restarting("boom", 1) in st.events
    assert st.kinds().count(Started) == 2
    assert st.runner.engine is st.built[1] and not st.lock_free()
    assert st.runner.stop(wait=10)
    assert st.events[-1] == Stopped("") and st.lock_free()


def test_after_the_last_restart_the_runner_stops_with_the_error(
        tmp_path: Path, stations: list[Station]) -> None:
    st = Station(tmp_path, [{"crash": RuntimeError("boom")}], max_restarts=1, restart_s=0.01)
    stations.append(st)
    st.runner.start()
    until(lambda: Stopped in st.kinds())
    assert len(st.built) == 2
    assert st.events[-1] == Stopped("boom")
    assert st.lock_free() and st.runner.phase is Phase.STOPPED


def test_standby_then_take_over(tmp_path: Path, stations: list[Station]) -> None:
    other = EngineLock(tmp_path)
    assert other.try_acquire(role="ktptui --resume")
    st = Station(tmp_path, takeover_s=0.05)
    stations.append(st)
    st.runner.start()
    until(lambda: Standby in st.kinds())
    (standby,) = [e for e in st.events if isinstance(e, Standby)]
    assert standby.holder is not None and standby.holder.startswith("ktptui --resume (")
    assert st.runner.phase is Phase.STANDBY and st.runner.holder == standby.holder
    time.sleep(0.2)  # a few tries: still on standby, told once
    assert st.kinds() == [Standby] and not st.built
    other.release()
    until(lambda: Started in st.kinds())
    assert st.events[1] == Started(took_over=True)
    assert st.runner.holder is None and not st.lock_free()


def test_stop_on_standby_ends_without_an_engine(tmp_path: Path,
                                                stations: list[Station]) -> None:
    other = EngineLock(tmp_path)
    assert other.try_acquire(role="another TUI")
    st = Station(tmp_path, takeover_s=30)
    stations.append(st)
    st.runner.start()
    until(lambda: Standby in st.kinds())
    assert st.runner.stop(wait=10)
    assert st.kinds() == [Standby, Stopped] and not st.built
    other.release()


def test_an_engine_that_cannot_be_built_frees_the_printer(tmp_path: Path,
                                                          stations: list[Station]) -> None:
    st = Station(tmp_path, [{"fail": ValueError("token file missing")}])
    stations.append(st)
    st.runner.start()
    until(lambda: Stopped in st.kinds())
    assert st.events == [Stopped("token file missing")]
    assert st.lock_free()


def test_run_in_this_thread_without_standby(tmp_path: Path) -> None:
    """``--resume``: another holder is an error; a factory's error is given
    as it was raised; a run ends with its summary."""
    other = EngineLock(tmp_path)
    assert other.try_acquire(role="ktptui TUI")
    st = Station(tmp_path, [{"drained": True}], takeover_s=None, until_idle=True)
    with pytest.raises(EngineBusy):
        st.runner.run()
    other.release()
    end = st.runner.run()
    assert end.drained and end.gate is Gate.IDLE and st.lock_free()
    failing = Station(tmp_path, [{"fail": ValueError("bad base URL")}], takeover_s=None)
    with pytest.raises(StartFailed) as caught:
        failing.runner.run()
    assert isinstance(caught.value.error, ValueError) and failing.lock_free()


# -- the App with a fake runner: screens without threads ---------------------------------------

async def test_the_app_shows_what_its_runner_tells(tmp_path: Path) -> None:
    from tuikit import SIZE, FakeRunner
    from tuikit import until as ui_until

    from ktptui.i18n import set_language, t
    from ktptui.store import Store
    from ktptui.tui.app import KtpApp
    from ktptui.tui.screens.confirm import ConfirmScreen
    from ktptui.tui.widgets.status_bar import StatusBar

    set_language("id")
    runner = FakeRunner()
    app = KtpApp(Store(tmp_path / "data"), operator="siti", runner=runner,
                 handle_signals=False)
    app.animation_level = "none"

    def gate() -> str:
        return app.main.query_one(StatusBar).part_text("gate")

    async with app.run_test(size=SIZE) as pilot:
        await ui_until(pilot, lambda: runner.started)
        runner.emit(Standby("ktptui --resume (siti, pid 42)"))
        await ui_until(pilot, lambda: "ktptui --resume (siti, pid 42)" in gate())
        assert app.standby and gate().startswith("Siaga")
        runner.emit(Started(took_over=True))
        await ui_until(pilot, lambda: not app.standby)
        assert t("action.took_over") in [n.message for n in app._notifications]
        runner.emit(StatusChanged(fixed_status(Gate.PRINTING, current_job="0123456789abcdef")))
        await ui_until(pilot, lambda: "01234567" in gate())
        assert app.printing_now
        await pilot.press("q")  # a card is in the printer: ask first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert app.quitting and runner.stopped and app.return_code is None
        runner.finish()  # the card is recorded: now the App exits
        await ui_until(pilot, lambda: app.return_code is not None)


async def test_an_engine_error_from_the_runner_is_said(tmp_path: Path) -> None:
    from tuikit import SIZE, FakeRunner
    from tuikit import until as ui_until

    from ktptui.i18n import set_language
    from ktptui.store import Store
    from ktptui.tui.app import KtpApp
    from ktptui.tui.widgets.status_bar import StatusBar

    set_language("en")
    try:
        runner = FakeRunner()
        app = KtpApp(Store(tmp_path / "data"), operator="siti", runner=runner,
                     handle_signals=False)
        async with app.run_test(size=SIZE) as pilot:
            await ui_until(pilot, lambda: runner.started)
            runner.emit(Restarting("boom", 1))
            runner.emit(Stopped("token file missing"))
            await ui_until(pilot, lambda: app.engine_error == "token file missing")
            gate = app.main.query_one(StatusBar).part_text("gate")
            assert "token file missing" in gate
            assert ("The print engine stopped (boom); starting it again (1 of 3)"
                    in [n.message for n in app._notifications])
    finally:
        set_language("id")
