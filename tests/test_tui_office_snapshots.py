"""Snapshots of the office screens at 80x24 (pytest-textual-snapshot): the
daily report, the blank requisition, a print session's closing summary, and
the queue line while a session is open.

Deterministic by construction: the stores are built by the tests with a
pinned clock (``officekit``: the model, ledger and store read it), the App's
clock is pinned too, ids are handed out in order, and the time zone is WIB.
Regenerate with ``pytest tests/test_tui_office_snapshots.py --snapshot-update``
after a deliberate change, and look at each one.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from officekit import (  # noqa: F401  (clock_fixture: the `clock` fixture)
    BUDI,
    NIKS,
    SITI,
    Clock,
    add,
    authorize,
    clock_fixture,
    done,
    office_day,
    print_card,
    reject,
    utc,
)
from textual.pilot import Pilot
from tuikit import fixed_status, wib_indonesian

from ktptui import actions
from ktptui.central.monitor import LinkState, LinkStatus
from ktptui.model import to_text
from ktptui.office import sessions, suket
from ktptui.station.status import Gate
from ktptui.store import Store, chain
from ktptui.tui.app import KtpApp
from ktptui.tui.office import OfficeSettings

SESSION_ID = uuid.UUID("5e55a0c1-0000-4000-8000-000000000001")


@pytest.fixture(autouse=True)
def _ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Job, event and ledger ids in order (a job's short id is on screen)."""
    counter = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(
        f"{(n := next(counter)):08x}-0000-4000-8000-{n:012x}"))


@pytest.fixture(autouse=True)
def _wib() -> Iterator[None]:
    with wib_indonesian():
        yield


def _app(store: Store, clock: Clock) -> KtpApp:
    now = clock.t
    at = now - timedelta(minutes=5)
    status = fixed_status(Gate.IDLE, "Not printing: nothing to print",
                          link=LinkStatus(LinkState.UP, at),
                          blanks=store.ledger_totals().balance, at=to_text(at))
    office = OfficeSettings(office_code="35.15", station_id="ktp-01")
    return KtpApp(store, operator=SITI, low_threshold=10, clock=lambda: now,
                  fixed_status=status, handle_signals=False,
                  office=office)


async def _settle(pilot: Pilot[Any]) -> None:
    """Every worker done, its answer applied, and no toast over the screen."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def _day_store(tmp_path: Path, clock: Clock) -> Store:
    """``officekit.office_day`` (2026-11-23 at a WIB office), seen at 17:00 WIB."""
    store = Store(tmp_path / "data")
    office_day(store, clock)
    clock.at("2026-11-23T10:00")
    return store


def test_daily_report(snap_compare: Any, tmp_path: Path, clock: Clock,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(_day_store(tmp_path, clock), clock)
    # The chain head hashes random record ids: a fixed one for the picture.
    monkeypatch.setattr(chain, "head_text", lambda heads: "0123456789abcdef.fedcba9876543210")

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("l")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_requisition_with_need(snap_compare: Any, tmp_path: Path, clock: Clock) -> None:
    app = _app(_day_store(tmp_path, clock), clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("l", "b")
        await _settle(pilot)
        await pilot.press(*"35000", "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _session_store(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A shift on 2030-01-15 from 08:00 WIB: counted 118 of 120 at open; two
    cards printed (one after a spoiled blank), a blank dropped, a citizen not
    recorded at central given a Suket; seen at 10:00 WIB."""
    store = Store(tmp_path / "data")
    clock.at("2030-01-15T00:30")
    actions.receive_blanks(store, 120, operator="admin", note="SP-007/2030")
    with monkeypatch.context() as m:
        m.setattr(sessions.uuid, "uuid4", lambda: SESSION_ID)
        sessions.open_session(store, 118, operator=SITI, confirm=118, reason="dua sobek",
                              now=utc("2030-01-15T01:00"))
    a = add(store, clock, "2030-01-15T01:10", NIKS[0], SITI)
    authorize(store, a.id, "SITI AMINAH")
    print_card(store, a.id)
    done(store, a.id)
    b = add(store, clock, "2030-01-15T01:20", NIKS[1], BUDI)
    authorize(store, b.id)
    print_card(store, b.id)
    done(store, b.id)
    clock.at("2030-01-15T01:40")
    actions.spoil_blank(store, operator=BUDI, note="dropped a blank")
    c = add(store, clock, "2030-01-15T02:00", NIKS[2], BUDI)
    clock.at("2030-01-15T02:10")
    reject(store, c.id, "not_recorded")
    clock.at("2030-01-15T02:20")
    suket.issue(store, c.id, operator=SITI, office_code="35.15", station_id="ktp-01",
                show=lambda text: None)
    add(store, clock, "2030-01-15T02:30", NIKS[3], SITI)  # still waiting at 10:00
    clock.at("2030-01-15T03:00")
    return store


def test_session_close_summary(snap_compare: Any, tmp_path: Path, clock: Clock,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(_session_store(tmp_path, clock, monkeypatch), clock)
    # The chain head hashes random record ids: a fixed one for the picture.
    monkeypatch.setattr(chain, "head_text", lambda heads: "0123456789abcdef.fedcba9876543210")

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("o")
        await _settle(pilot)
        await pilot.press(*"114", "enter")  # the ledger says 115: the count dialog
        await _settle(pilot)
        await pilot.press(*"114", "enter", *"satu hilang", "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_main_screen_with_a_session_open(snap_compare: Any, tmp_path: Path, clock: Clock,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(_session_store(tmp_path, clock, monkeypatch), clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
