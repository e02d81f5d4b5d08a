"""Snapshots of the main screen at 80x24 and 60x20 (pytest-textual-snapshot).

Deterministic by construction: a store built with fixed job ids, NIKs, names
and times, a fixed EngineStatus (no live engine), a fixed clock for ages and
the WIB time zone. Regenerate with ``pytest tests/test_tui_snapshots.py
--snapshot-update`` after a deliberate change of the screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tuikit import LINK_SINCE, fixed_status, until, wib_indonesian

from ktptui import actions
from ktptui.central.monitor import LinkCause, LinkState, LinkStatus
from ktptui.model import Job, Reason, State, new_job, to_text, transition
from ktptui.power import PowerStatus, Supply
from ktptui.station.status import Gate, StationStatus
from ktptui.store import Store
from ktptui.tui.app import KtpApp

NOW = datetime(2030, 1, 15, 3, 0, tzinfo=UTC)  # 10:00 WIB
NIKS = [f"351505{10 + i:02d}0385{i + 1:04d}" for i in range(20)]
NAMES = ["SITI AMINAH", "BUDI SANTOSO", "DEWI LESTARI", "AGUS SALIM", "RINA WATI",
         "JOKO SUSILO", "NUR HAYATI", "ANDI WIJAYA", "SRI MULYANI", "HENDRA GUNAWAN"]


@pytest.fixture(autouse=True)
def _wib() -> Iterator[None]:
    with wib_indonesian():
        yield


def _job(i: int, state: State, *, minutes_ago: int, urgent: bool = False, name: bool = False,
         error: str = "") -> Job:
    at = NOW - timedelta(minutes=minutes_ago)
    job = new_job(NIKS[i], operator="siti", reason=list(Reason)[i % 4], urgent=urgent, at=at)
    job = job.changed(id=f"{i:08d}-0000-4000-8000-{i:012d}")
    step = at + timedelta(minutes=1)
    auth: dict[str, Any] = {
            "authorization_id": f"auth-{i}", "holder_name": NAMES[i] if name else None,
            "expires_at": to_text(NOW + timedelta(hours=1)), "document": f"doc{i}",
            "document_sha256": "0" * 64, "content_type": "application/pdf"}
    if state is State.HELD:
        job = transition(job, State.HELD, operator="siti", at=step)
    elif state in (State.AUTHORIZED, State.PRINTING, State.INTERRUPTED):
        job = transition(job, State.AUTHORIZED, operator="engine", at=step, **auth)
        if state is not State.AUTHORIZED:
            job = transition(job, State.PRINTING, operator="engine", at=step)
        if state is State.INTERRUPTED:
            job = transition(job, State.INTERRUPTED, operator="engine", at=step,
                             note="was printing when ktptui stopped")
    if error:
        job = job.changed(last_error=error)
    return job


def _store(tmp_path: Path, jobs: list[Job], blanks: int = 250) -> Store:
    store = Store(tmp_path / "data")
    if blanks:
        actions.receive_blanks(store, blanks, operator="siti", note="shipment 7/2030")
    with store.transaction() as tx:
        for job in jobs:
            tx.put_job(job)
    return store


def _status(gate: Gate, reason: str, **kw: Any) -> StationStatus:
    base: dict[str, Any] = {"blanks": 250, "at": to_text(NOW - timedelta(minutes=42))}
    base.update(kw)
    return fixed_status(gate, reason, **base)


def _app(store: Store, status: StationStatus) -> KtpApp:
    app = KtpApp(store, operator="siti", low_threshold=100, clock=lambda: NOW,
                 fixed_status=status, handle_signals=False)
    app.animation_level = "none"  # no animation; no Input is focused, so no cursor blinks
    return app


async def _forecast_in(pilot: Pilot[Any]) -> None:
    """The bar's forecast comes from a worker: snapshot it once it is in."""
    app = pilot.app
    assert isinstance(app, KtpApp)
    await until(pilot, lambda: not app.blanks.loading)
    await pilot.pause()


def _queue() -> list[Job]:
    return [
        _job(0, State.PRINTING, minutes_ago=30, name=True),
        _job(1, State.AUTHORIZED, minutes_ago=25, name=True),
        _job(2, State.QUEUED, minutes_ago=20, urgent=True),
        _job(3, State.QUEUED, minutes_ago=12),
        _job(4, State.HELD, minutes_ago=90),
        _job(5, State.QUEUED, minutes_ago=3),
    ]


def test_printing(snap_compare: Any, tmp_path: Path) -> None:
    store = _store(tmp_path, _queue())
    status = _status(Gate.PRINTING, "Printing job 00000000", current_job=_queue()[0].id)
    assert snap_compare(_app(store, status), terminal_size=(80, 24), run_before=_forecast_in)


def test_link_down(snap_compare: Any, tmp_path: Path) -> None:
    jobs = [_job(i, State.QUEUED, minutes_ago=40 - i * 5,
                 error="central unreachable: connection refused") for i in range(5)]
    store = _store(tmp_path, jobs)
    # Down since 09:18, retrying in 3 s: the countdown is never shown.
    link = LinkStatus(LinkState.DOWN, LINK_SINCE, 3.0, LinkCause.UNREACHABLE,
                      "connection refused")
    status = _status(Gate.LINK, "Not printing: central unreachable", link=link)
    assert snap_compare(_app(store, status), terminal_size=(80, 24), run_before=_forecast_in)


def test_on_battery(snap_compare: Any, tmp_path: Path) -> None:
    store = _store(tmp_path, _queue()[1:])
    power = PowerStatus(Supply.BATTERY, 38, 240, False, "on battery 38%, ~4 min left")
    status = _status(Gate.POWER, "Not printing: on battery, ~4 min left (minimum 5 min): "
                     "printing held", power=power)
    assert snap_compare(_app(store, status), terminal_size=(80, 24), run_before=_forecast_in)


def test_out_of_blanks(snap_compare: Any, tmp_path: Path) -> None:
    store = _store(tmp_path, [_job(i, State.QUEUED, minutes_ago=5 + i) for i in range(4)],
                   blanks=0)
    status = _status(Gate.BLANKS, "Not printing: no blanks left; record a shipment", blanks=0)
    assert snap_compare(_app(store, status), terminal_size=(80, 24), run_before=_forecast_in)


def test_interrupted_job(snap_compare: Any, tmp_path: Path) -> None:
    jobs = [_job(0, State.INTERRUPTED, minutes_ago=15, name=True), *_queue()[2:5]]
    store = _store(tmp_path, jobs)
    status = _status(Gate.PRINTING, "Printing")
    assert snap_compare(_app(store, status), terminal_size=(80, 24), run_before=_forecast_in)


def _full_queue() -> list[Job]:
    """More jobs than rows: the queue fills the screen."""
    return [*_queue(), *(_job(i, State.QUEUED, minutes_ago=2 + i) for i in range(6, 20))]


def test_small_terminal_60x20(snap_compare: Any, tmp_path: Path) -> None:
    """A queued job selected: the key bar takes two lines, with every key that
    applies, and ?."""
    store = _store(tmp_path, _full_queue())
    status = _status(Gate.PRINTING, "Printing job 00000000", current_job=_queue()[0].id)

    async def select_queued(pilot: Pilot[Any]) -> None:
        await _forecast_in(pilot)
        app = pilot.app
        assert isinstance(app, KtpApp)
        await until(pilot, lambda: app.main.table.select_job(_queue()[3].id))
        await pilot.pause()

    assert snap_compare(_app(store, status), terminal_size=(60, 20), run_before=select_queued)


def test_notification_at_80x24_leaves_the_queue_visible(snap_compare: Any,
                                                        tmp_path: Path) -> None:
    """A job held with a reason: the notice is over the status bar, the rows stay."""
    store = _store(tmp_path, _full_queue())
    status = _status(Gate.PRINTING, "Printing job 00000000", current_job=_queue()[0].id)

    async def hold_one(pilot: Pilot[Any]) -> None:
        await _forecast_in(pilot)
        app = pilot.app
        assert isinstance(app, KtpApp)
        await until(pilot, lambda: app.main.table.select_job(_queue()[3].id))
        await pilot.press("h", *"warga minta", "enter")
        await until(pilot, lambda: bool(app._notifications))
        await pilot.pause()

    assert snap_compare(_app(store, status), terminal_size=(80, 24), run_before=hold_one)


def test_three_printers_one_line_each(snap_compare: Any, tmp_path: Path) -> None:
    """Issue 15: one line per printer (printing, an interrupted card, paused
    alone with a low ribbon), all within 80x24."""
    from ktptui.printers.base import PrinterStatus
    from ktptui.station.status import InterruptedCard, PrinterLine

    stuck = _job(6, State.INTERRUPTED, minutes_ago=15, name=True)
    jobs = [*_queue(), stuck]
    store = _store(tmp_path, jobs)
    lines = (
        PrinterLine("p1", Gate.PRINTING, PrinterStatus(True, "ready"), current_job=jobs[0].id),
        PrinterLine("p2", Gate.INTERRUPTED, PrinterStatus(True, "ready"),
                    interrupted=InterruptedCard(stuck.id, stuck.holder_name,
                                                to_text(NOW - timedelta(minutes=14)))),
        PrinterLine("p3", Gate.PAUSED, PrinterStatus(True, "ready", (), ("marker-supply-low",)),
                    paused_by="budi"),
    )
    status = _status(Gate.PRINTING, "Printing job 00000000", current_job=jobs[0].id,
                     printers=lines)
    assert snap_compare(_app(store, status), terminal_size=(80, 24), run_before=_forecast_in)
