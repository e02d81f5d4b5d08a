"""Screens and the App: one typed interface (the Desk) and store changes as
messages (``StoreChanged``, ``BlanksKnown``), no hooks looked up by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from tuikit import SIZE, fixed_status, until

from ktptui import actions
from ktptui.station.status import Gate
from ktptui.store import Store
from ktptui.tui.app import KtpApp
from ktptui.tui.desk import AtDesk, BlanksKnown, StoreChanged, desk


class Recorder(AtDesk, Screen[None]):
    """A screen that keeps what the App told it."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[tuple[set[str], set[str], bool]] = []
        self.blanks_known = 0

    def on_store_changed(self, message: StoreChanged) -> None:
        self.changes.append((message.jobs, message.other, message.reloaded))

    def on_blanks_known(self, message: BlanksKnown) -> None:
        self.blanks_known += 1


def _app(tmp_path: Path) -> KtpApp:
    return KtpApp(Store(tmp_path / "data"), operator="siti", handle_signals=False,
                  fixed_status=fixed_status(Gate.IDLE, "Queue empty"))


async def test_screens_hear_store_changes_as_messages(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = Recorder()
        await app.push_screen(screen)
        await until(pilot, lambda: not app.blanks.loading)
        assert screen.ktp is app and desk(screen) is app
        # Another process (another Store on the folder) adds a job: the poll tells.
        other = Store(app.store.dir)
        job = actions.add(other, "3515051503900011", operator="loket")
        app.poll_store()
        await until(pilot, lambda: any(job.id in jobs for jobs, _o, _r in screen.changes))
        # The App's own action: ledger, meta and events, and the forecast after it.
        known = screen.blanks_known
        app.act(actions.receive_blanks, 50, note="shipment")
        await until(pilot, lambda: any("ledger" in o for _j, o, _r in screen.changes))
        await until(pilot, lambda: screen.blanks_known > known)


async def test_a_screen_outside_a_station_app_has_no_desk() -> None:
    class Plain(App[None]):
        pass

    plain = Plain()
    async with plain.run_test(size=SIZE):
        screen = Recorder()
        await plain.push_screen(screen)
        with pytest.raises(LookupError):
            _ = screen.ktp


def test_the_app_is_its_own_desk(tmp_path: Path) -> None:
    app: Any = _app(tmp_path)
    assert app.desk is app
