"""Logs with meaning: journald's native protocol with priorities and fields
(a real datagram socket stands in for journald's), stderr prefixes otherwise,
and the TUI's log file private and rotated."""

from __future__ import annotations

import logging
import os
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ktptui import logs


def parse_datagram(data: bytes) -> dict[str, str]:
    """journald's native format: KEY=value lines, or KEY\\n<u64 len><data>\\n."""
    out: dict[str, str] = {}
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            out[key.decode()] = value.decode()
            i = nl + 1
        else:
            (size,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            out[line.decode()] = data[nl + 9:nl + 9 + size].decode()
            i = nl + 9 + size + 1
    return out


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[tuple[socket.socket, Path]]:
    path = tmp_path / "journal.socket"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(10)
    yield sock, path
    sock.close()


@pytest.fixture
def ktptui_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger("ktptui")
    saved = root.handlers[:], root.level, root.propagate
    yield logging.getLogger("ktptui.station.engine")
    for h in root.handlers:
        if h not in saved[0]:
            h.close()
    root.handlers[:], root.level, root.propagate = saved


def test_records_reach_journald_with_their_priority_and_fields(
        journal: tuple[socket.socket, Path], ktptui_logger: logging.Logger,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sock, path = journal
    monkeypatch.setenv("JOURNAL_STREAM", "8:1234")
    logs.setup_service_logging(path)
    assert isinstance(logging.getLogger("ktptui").handlers[0], logs.JournaldHandler)
    ktptui_logger.warning("link to central lost", extra=logs.fields(state="down"))
    ktptui_logger.error("card %s interrupted: %s", "1a2b3c4d", "jam\n<3>forged",
                        extra=logs.fields(job="1a2b3c4d", state="interrupted", printer="p1",
                                          operator="ani"))
    ktptui_logger.log(logs.NOTICE, "link back", extra=logs.fields(state="up"))
    got = [parse_datagram(sock.recv(65536)) for _ in range(3)]
    assert [g["PRIORITY"] for g in got] == ["4", "3", "5"]
    assert got[0]["MESSAGE"] == "link to central lost" and got[0]["KTPTUI_STATE"] == "down"
    card = got[1]
    assert card["MESSAGE"] == "card 1a2b3c4d interrupted: jam\\n<3>forged"  # one entry, escaped
    assert (card["KTPTUI_JOB"], card["KTPTUI_STATE"], card["KTPTUI_PRINTER"],
            card["KTPTUI_OPERATOR"]) == ("1a2b3c4d", "interrupted", "p1", "ani")
    assert card["SYSLOG_IDENTIFIER"] == "ktptui"
    assert card["KTPTUI_LOGGER"] == "ktptui.station.engine"


def test_without_journald_each_record_is_one_prefixed_line(
        journal: tuple[socket.socket, Path], ktptui_logger: logging.Logger,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    _, path = journal
    logs.setup_service_logging(path)  # the socket is there, but not run by systemd
    handler = logging.getLogger("ktptui").handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    assert isinstance(handler.formatter, logs.JournalFormatter)
    record = logging.LogRecord("ktptui.x", logs.NOTICE, __file__, 1, "recovered", (), None)
    assert handler.formatter.format(record) == "<5>ktptui.x: recovered"


def test_unknown_fields_are_a_programming_error_not_a_silent_loss() -> None:
    with pytest.raises(ValueError, match="unknown log fields"):
        logs.fields(nik="3515050101800010")


def test_the_tui_log_is_private_and_rotated(tmp_path: Path,
                                            ktptui_logger: logging.Logger) -> None:
    old = tmp_path / "tui.log"
    old.write_text("from an older version\n")
    old.chmod(0o644)
    logs.setup_file_logging(old, max_bytes=2_000, backups=2)
    for i in range(200):
        ktptui_logger.info("line %d of the engine's day", i)
    files = sorted(tmp_path.glob("tui.log*"))
    assert [f.name for f in files] == ["tui.log", "tui.log.1", "tui.log.2"]
    assert all((f.stat().st_mode & 0o777) == 0o600 for f in files), [
        oct(f.stat().st_mode) for f in files]
    assert all(f.stat().st_size <= 2_100 for f in files)


def test_the_tui_log_is_never_written_through_a_symlink(tmp_path: Path,
                                                        ktptui_logger: logging.Logger) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    (tmp_path / "tui.log").symlink_to(target)
    logs.setup_file_logging(tmp_path / "tui.log")  # refused: the TUI runs without a file log
    ktptui_logger.warning("should not land in the symlink's target")
    assert target.read_text() == ""


def test_resume_logs_to_journald_when_systemd_runs_it(journal: tuple[socket.socket, Path],
                                                      tmp_path: Path) -> None:
    """A real --resume process, as the unit runs it: records arrive as
    journald entries (here: a bad config, one error entry)."""
    sock, path = journal
    code = ("import sys, ktptui.logs as l; l.JOURNAL_SOCKET = l.Path(sys.argv[1]); "
            "from ktptui.cli.main import main; "
            "sys.exit(main(['--resume', '--config', sys.argv[2]]))")
    cfg = tmp_path / "config.toml"
    cfg.write_text("[store]\ndata_dir = 5\n")
    env = {**os.environ, "JOURNAL_STREAM": "8:1"}
    subprocess.run([sys.executable, "-c", code, str(path), str(cfg)], env=env, timeout=60,
                   capture_output=True, text=True, stdin=subprocess.DEVNULL)
    entry = parse_datagram(sock.recv(65536))
    assert entry["PRIORITY"] in {"2", "3"} and "data_dir" in entry["MESSAGE"], entry
