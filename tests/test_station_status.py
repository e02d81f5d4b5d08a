"""The typed station status: the link monitor's snapshot, and the JSON the
engine keeps in the store's meta (read back typed, other shapes refused)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from tuikit import fixed_status

from ktptui.central.errors import Cause, TokenRefused, TransientError, Trouble
from ktptui.central.monitor import LinkCause, LinkMonitor, LinkState
from ktptui.power import PowerStatus, Supply
from ktptui.printers.base import PrinterStatus
from ktptui.station.status import SCHEMA, Gate, InterruptedCard, PrinterLine, StationStatus


class Health:
    def __init__(self, answer: str) -> None:
        self.answer = answer

    def health(self) -> str:
        return self.answer


def test_the_link_snapshot_says_state_cause_and_wait_as_values() -> None:
    link = LinkMonitor()
    up = link.snapshot()
    assert (up.state, up.cause, up.detail, up.retry_in_s) == (LinkState.UP, LinkCause.NONE,
                                                             "", None)
    link.record_failure(TransientError("central unreachable: connection refused", 30.0,
                                       cause=Cause.REFUSED, detail="connection refused"))
    down = link.snapshot()
    assert (down.state, down.cause, down.detail, down.reason) == (
        LinkState.DOWN, LinkCause.UNREACHABLE, "connection refused", Cause.REFUSED)
    assert down.retry_in_s is not None and 0 < down.retry_in_s <= 300
    assert down.since >= up.since and not down.token_refused
    link.probe(Health("degraded"))
    degraded = link.snapshot()
    assert (degraded.state, degraded.cause) == (LinkState.DEGRADED, LinkCause.DEGRADED)
    link.record_failure(TransientError("central busy: 503", None, Trouble.BUSY))
    assert link.snapshot().cause is LinkCause.BUSY
    link.record_failure(TokenRefused("central refused the station token (401)"))
    refused = link.snapshot()
    assert refused.token_refused and refused.cause is LinkCause.TOKEN
    assert refused.detail == "central refused the station token (401)"
    link.record_success()
    assert link.snapshot().cause is LinkCause.NONE and link.snapshot().state is LinkState.UP


def _full() -> StationStatus:
    monitor = LinkMonitor()
    monitor.record_failure(TransientError("bad reply: not JSON", None, Trouble.BAD_REPLY))
    return fixed_status(
        Gate.INTERRUPTED, "Not printing: card 01234567 was interrupted",
        link=replace(monitor.snapshot(), retry_in_s=2.5),
        power=PowerStatus(Supply.BATTERY, 62, 1080, True, "on battery 62%"),
        printer=PrinterStatus(False, "out of cards", ("media-empty",), ("media-low",)),
        blanks=3, low_threshold=100, queue={"queued": 2, "interrupted": 1},
        clock_offset_s=12.5, interrupted=InterruptedCard("0123456789abcdef", "SITI", None, 2))


def test_the_status_goes_to_json_and_back_unchanged() -> None:
    status = _full()
    data = status.to_json()
    assert data["schema"] == SCHEMA == 2
    assert data["job"] == "0123456789abcdef" and data["gate"] == "interrupted"
    assert data["link"]["cause"] == "bad_reply" and data["link"]["state"] == "degraded"
    assert data["power"] == {"source": "battery", "charge_percent": 62, "runtime_s": 1080,
                             "low": True, "detail": "on battery 62%"}
    assert data["blanks"] == {"balance": 3, "low_threshold": 100, "low": True}
    assert StationStatus.from_json(data) == status


@pytest.mark.parametrize("change", [
    {"schema": 1},
    {"printers": [{"name": "p1"}]},
    {"gate": "flying"},
    {"link": {"state": "up"}},
    {"power": "mains"},
    {"blanks": {"balance": "many", "low_threshold": 1}},
    {"printer": None},
])
def test_another_shape_reads_as_no_status(change: dict[str, Any]) -> None:
    data = {**_full().to_json(), **change}
    assert StationStatus.from_json(data) is None


def test_an_old_text_record_reads_as_no_status() -> None:
    old = {"gate": "idle", "reason": "Queue empty", "link": "up since 09:18",
           "power": "mains", "printer": "ready", "at": "2026-11-23T03:10:00.000+00:00"}
    assert StationStatus.from_json(old) is None
    assert StationStatus.from_json(None) is None and StationStatus.from_json([1]) is None


def test_printer_lines_go_to_json_and_back() -> None:
    lines = (
        PrinterLine("p1", Gate.PRINTING, PrinterStatus(True, "ready", (), ("marker-supply-low",)),
                    current_job="0123456789abcdef", reason="Printing job 01234567"),
        PrinterLine("p2", Gate.INTERRUPTED, PrinterStatus(False, "jam", ("media-jam",)),
                    interrupted=InterruptedCard("fedcba9876543210", None, None, 1)),
        PrinterLine("p3", Gate.PAUSED, PrinterStatus(True, "ready"), paused_by="siti"),
    )
    status = replace(_full(), printers=lines)
    data = status.to_json()
    assert [p["name"] for p in data["printers"]] == ["p1", "p2", "p3"]
    assert data["printers"][0]["ribbon_low"] and data["printers"][0]["busy"]
    assert data["printers"][2]["paused_by"] == "siti"
    assert StationStatus.from_json(data) == status
    assert lines[0].ribbon_low and not lines[1].ribbon_low and lines[2].paused
