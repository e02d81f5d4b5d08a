"""An unexpected error: one line on stderr, the traceback in a log file.

A crash is never "success": the process exits ``EXIT_CRASH`` (70,
EX_SOFTWARE). The TUI's traceback goes to its log (``data_dir/tui.log``);
every other command's, the demo's (its data folder is temporary) and anything
that fails before the TUI's log is set up, to
``$XDG_STATE_HOME/ktptui/ktptui.log`` (``~/.local/state/...``), which needs no
config and no data folder. NIKs are masked in both the line and the
traceback. Headless: never imports Textual.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from datetime import datetime
from pathlib import Path

EXIT_CRASH = 70

_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def mask_niks(text: str) -> str:
    """Every 16-digit run (a NIK) masked as in the engine's log lines."""
    from .nik import mask

    return _NIK.sub(lambda m: mask(m.group()), text)


def describe(error: BaseException) -> str:
    """``Type: first line of the message``: one line, no control characters."""
    message = str(error).strip().splitlines()
    text = type(error).__name__ + (f": {message[0]}" if message else "")
    text = _CONTROL.sub("?", mask_niks(text))
    return text if len(text) <= 200 else text[:199] + "…"


def traceback_text(error: BaseException) -> str:
    return mask_niks("".join(traceback.format_exception(error)))


def state_log() -> Path:
    """Where a command's crash is written: ``$XDG_STATE_HOME/ktptui/ktptui.log``."""
    from .paths import crash_log

    return crash_log()


def record(details: str, what: str, path: Path) -> str:
    """Append a traceback to ``path`` (0600, no symlink followed); "" or why it failed."""
    entry = f"{datetime.now().astimezone().isoformat(timespec='seconds')} {what}: " \
            f"unexpected error\n{details}"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o600)
        try:
            os.write(fd, entry.encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except OSError as e:
        return e.strerror or type(e).__name__
    return ""


def say(error_text: str, log_path: Path | None, *, failed: str = "", prefix: str = "") -> None:
    """The one line on stderr."""
    if log_path is None:
        where = ""
    elif failed:
        where = f"; the log {log_path} could not be written ({failed})"
    else:
        where = f"; details in {log_path}"
    line = f"{prefix}ktptui: stopped by an unexpected error ({error_text}){where}"
    try:
        sys.stderr.write(_CONTROL.sub("?", line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # no stderr left (a closed terminal): the log has it
        pass


def report(error: BaseException, what: str, *, prefix: str = "") -> int:
    """A command's crash: traceback to the state log, one line on stderr."""
    path = state_log()
    failed = record(traceback_text(error), what, path)
    say(describe(error), path, failed=failed, prefix=prefix)
    return EXIT_CRASH
