"""Text that came from outside, made safe to store, show and log.

A string from central (a holder's name, a problem's code or detail) could
carry terminal escape sequences that repaint the operator's screen, or a
newline that forges a log line. ``clean`` removes them before the text is
stored or shown; ``log_safe`` escapes what a log line must not contain.
"""

from __future__ import annotations

import logging
import re

# ESC-introduced sequences first (CSI ... final byte, OSC/DCS/SOS/PM/APC ...
# terminator, or ESC + one character), so their printable tails go too;
# then every single control character: C0, DEL, C1, and the bidirectional
# overrides that reorder what the terminal shows.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|[\x90\x9d\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit string controls
    r"|\x1b.?", re.DOTALL)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")


def clean(text: str) -> str:
    """``text`` without escape sequences or control characters; whitespace
    controls (tab, newline) become one space so words stay apart."""
    if text.isprintable():  # the common case: nothing to do
        return text
    text = _ESCAPES.sub("", text)
    text = _BREAKS.sub(" ", text)
    return _CONTROLS.sub("", text)


def for_terminal(text: str) -> str:
    """``text`` with its lines kept and each line ``clean``: for CLI output,
    where data stored before it was cleaned may still carry escapes."""
    if text.isprintable():
        return text
    return "\n".join(clean(line) for line in text.split("\n"))


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def log_safe(text: str) -> str:
    """One log line: newlines and other controls shown escaped (``\\n``,
    ``\\x1b``), so a record can never forge or repaint another."""
    return _CONTROLS.sub(_escape, text)


class SafeFormatter(logging.Formatter):
    """Escapes controls in each record's message (args included), so one
    record is one line. A traceback, when there is one, follows as usual;
    ``whole=True`` escapes it too (journald: one record, one entry)."""

    def __init__(self, fmt: str | None = None, *, whole: bool = False) -> None:
        super().__init__(fmt)
        self.whole = whole

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return log_safe(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return log_safe(text) if self.whole else text
