"""Shared fixtures, kept small and generic: a store on tmp_path, NIK makers, and a
private XDG_STATE_HOME for every test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ktptui.store import Store


def nik_for(i: int) -> str:
    """A valid, distinct NIK for every ``i`` below 3 million (Jawa Timur, Sidoarjo).

    The serial, birth day and month vary with ``i``; the year is 1990 ("90").
    """
    serial = 1 + i % 9999
    day = 1 + (i // 9999) % 28
    month = 1 + (i // (9999 * 28)) % 12
    return f"351505{day:02d}{month:02d}90{serial:04d}"


@pytest.fixture(autouse=True)
def _private_state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test (and every process it starts) keeps ktptui's state, such as
    the list of known data folders, in a folder of its own: never the real
    ~/.local/state, and no test sees another's stores. A MonkeyPatch of its
    own, so a test's ``monkeypatch.undo()`` does not undo it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
        yield


@pytest.fixture
def make_nik() -> Callable[[int], str]:
    return nik_for


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Store:
    return Store(data_dir)
