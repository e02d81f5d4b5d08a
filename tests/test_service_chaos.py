"""Issue 15, exactly once with the service: ``ktptui serve`` with three
printers, SIGKILLed mid-card at random with clients attached through its
socket (a screen, an operator acting by requests, a client that drops
abruptly), restarted each time; each restart recovers the interrupted cards
as ``--resume`` does. The long run is ``bench/reliability_bench.py
--service`` (docs/reliability.md)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_chaos import run_service_chaos

KILLS = int(os.environ.get("KTPTUI_CHAOS_KILLS", "4"))


@pytest.fixture
def sock() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="kc", dir="/tmp"))  # a socket path is short
    try:
        yield folder / "ktptui.sock"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_sigkill_the_service_mid_card_with_three_printers_and_clients_attached(
        tmp_path: Path, sock: Path) -> None:
    result = run_service_chaos(tmp_path, sock, kills=KILLS, jobs=9, seed=11)
    assert result.problems == []
    assert result.kills == KILLS
    assert result.kills_mid_card >= 1 and result.recovered >= 1  # cards really were cut
    assert result.settled_printed + result.settled_not_printed == result.recovered
    assert result.jobs >= 9 + result.requests["add"] and result.done >= 1
    assert result.jobs == result.done + result.cancelled
    # The clients were there the whole time and did their part.
    assert result.requests["add"] >= 1 and result.pushes >= KILLS and result.rude >= 1
    assert sum(result.requests[op] for op in ("hold", "release", "urgent", "cancel")) >= 1
