"""The sanitizer for text from outside (issue 10 item 5): what it strips, what
it keeps, and the log formatters that keep one record on one line."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest

from ktptui.logs import JournalFormatter
from ktptui.text import SafeFormatter, clean, for_terminal, log_safe

ATTACKS = [
    ("Siti\x1b[2J\x1b[HAminah", "SitiAminah"),  # clear screen, cursor home
    ("a\x1b]0;owned\x07b", "ab"),  # window title (OSC ... BEL)
    ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "alink"),  # hyperlink (OSC ... ST)
    ("a\x9b31mb", "ab"),  # 8-bit CSI
    ("a\x90qpayload\x9cb", "ab"),  # 8-bit DCS ... ST
    ("x\x1bcy", "xy"),  # ESC c: full reset
    ("bad\x00\x07\x7f\x85z", "bad z"),  # NUL, BEL, DEL, NEL
    ("two\nlines\r\n<3>forged", "two lines <3>forged"),
    ("tab\tsep", "tab sep"),
    ("r\u202eev\u2066x\u2069", "revx"),  # bidi overrides reorder what is shown
    ("lone ESC at the end\x1b", "lone ESC at the end"),
]


@pytest.mark.parametrize(("raw", "want"), ATTACKS)
def test_clean_strips_escape_sequences_and_controls(raw: str, want: str) -> None:
    got = clean(raw)
    assert got == want
    assert got.isprintable()


@pytest.mark.parametrize("text", ["Siti Aminah", "Ni Luh Putu Ayu", "Kartika Maharani",
                                  "Ñoño 李 🙂", "not_recorded", ""])
def test_clean_keeps_ordinary_text(text: str) -> None:
    assert clean(text) == text


def test_for_terminal_keeps_lines_and_cleans_each() -> None:
    assert for_terminal("ID  NAME\nab12  Siti\x1b[2J\nend") == "ID  NAME\nab12  Siti\nend"


def test_log_safe_escapes_rather_than_drops() -> None:
    assert log_safe("code\n<3>forged\x1b[2J") == "code\\n<3>forged\\x1b[2J"
    assert log_safe("r\u202eev") == "r\\u202eev"


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad\nreply")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("ktptui.engine", logging.INFO, __file__, 1, msg, args, exc_info)


def test_a_newline_from_central_cannot_forge_a_journald_line() -> None:
    record = _record("job %s rejected: %s", "ab12", "not_recorded\n<3>ktptui: forged\x1b[2J")
    line = JournalFormatter("%(name)s: %(message)s").format(record)
    assert line == ("<6>ktptui.engine: job ab12 rejected: not_recorded\\n<3>ktptui: forged"
                    "\\x1b[2J")
    assert "\n" not in line and "\x1b" not in line
    # A traceback is one journald entry too.
    tb = JournalFormatter("%(name)s: %(message)s").format(_record("boom", exc=True))
    assert "\n" not in tb and "ValueError: bad\\nreply" in tb


def test_the_file_log_keeps_one_record_per_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    log = logging.getLogger("ktptui.test_text")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("holder %s", "Siti\n2026-11-28 INFO ktptui.engine: forged")
    finally:
        log.removeHandler(handler)
    assert stream.getvalue().count("\n") == 1
    assert "Siti\\n2026-11-28 INFO" in stream.getvalue()


def test_every_log_setup_uses_the_safe_formatter(tmp_path: Path) -> None:
    from ktptui.station import resume
    from ktptui.tui import launch

    root = logging.getLogger("ktptui")
    saved = root.handlers[:], root.level, root.propagate
    try:
        resume.setup_logging()
        assert all(isinstance(h.formatter, SafeFormatter) for h in root.handlers)
        launch.setup_logging(tmp_path)
        assert all(isinstance(h.formatter, SafeFormatter) for h in root.handlers)
    finally:
        for h in root.handlers:
            h.close()
        root.handlers[:], root.level, root.propagate = saved[0], saved[1], saved[2]


def test_the_tuis_one_line_text_is_cleaned_too() -> None:
    # Details, events and reports screens show stored text through one_line.
    from ktptui.fmt import one_line

    assert one_line("SITI\x1b]0;owned\x07 AMINAH\n\x1b[2Jrejected") == "SITI AMINAH rejected"
