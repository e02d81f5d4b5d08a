"""Where ktptui keeps things on disk (XDG base directories), in one place."""

from __future__ import annotations

import os
from pathlib import Path


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback


def config_file() -> Path:
    """``--config`` wins, then ``KTPTUI_CONFIG``, then the XDG default."""
    env = os.environ.get("KTPTUI_CONFIG")
    if env:
        return Path(env)
    return _xdg("XDG_CONFIG_HOME", ".config") / "ktptui" / "config.toml"


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "ktptui"


def state_dir() -> Path:
    """``$XDG_STATE_HOME/ktptui`` (default ~/.local/state/ktptui): what ktptui
    must remember outside its data folder."""
    return _xdg("XDG_STATE_HOME", ".local/state") / "ktptui"


def known_stores_file() -> Path:
    """The data folders that have held a store, one absolute path a line: one
    of them missing later is an unmounted disk, not a reason for a new store."""
    return state_dir() / "stores"


def crash_log() -> Path:
    """Where a command (not the TUI, which has its own log) writes a crash's traceback."""
    return state_dir() / "ktptui.log"
