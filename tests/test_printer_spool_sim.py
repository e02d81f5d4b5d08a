"""The spool-folder and simulated printers."""

from __future__ import annotations

import errno
import os
import random
import stat
from pathlib import Path

import pytest

from ktptui.config import PrinterConfig
from ktptui.printers import PrintResult, make_printer
from ktptui.printers.sim import JAM_REASON, SimPrinter
from ktptui.printers.spool import TMP_PREFIX, SpoolPrinter

DOC = b"%PDF-1.4\ncard\n" * 100


# -- spool ------------------------------------------------------------------------


def test_spool_writes_card_file_atomically_and_privately(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    p = SpoolPrinter(spool)
    out = p.print_card("job1", 2, DOC, "application/pdf")
    assert out.result is PrintResult.PRINTED, out.reason
    final = spool / "job1-2.pdf"
    assert final.read_bytes() == DOC
    assert stat.S_IMODE(final.stat().st_mode) == 0o600
    assert stat.S_IMODE(spool.stat().st_mode) == 0o700
    assert sorted(os.listdir(spool)) == ["job1-2.pdf"]  # no temp file left
    assert p.status().ready


def test_spool_extension_from_content_type(tmp_path: Path) -> None:
    p = SpoolPrinter(tmp_path)
    p.print_card("a", 1, b"x", "application/pdf; charset=binary")
    p.print_card("b", 1, b"x", "image/png")
    p.print_card("c", 1, b"x", "")
    assert {f.name for f in tmp_path.iterdir()} == {"a-1.pdf", "b-1.bin", "c-1.bin"}


def test_spool_disk_full_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = SpoolPrinter(tmp_path)
    real_write = os.write
    calls = 0

    def write(fd: int, data: bytes | memoryview) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            return real_write(fd, bytes(data)[:10])  # a partial write first
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)
    out = p.print_card("job1", 1, DOC, "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED
    assert out.reason == f"disk full in {tmp_path}: free space"
    assert list(tmp_path.iterdir()) == []  # neither the final file nor a temp file


def test_spool_other_write_error_is_not_printed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync)
    out = SpoolPrinter(tmp_path).print_card("job1", 1, DOC, "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED
    assert "Input/output error" in out.reason
    assert list(tmp_path.iterdir()) == []


def test_spool_cleans_leftover_temp_files(tmp_path: Path) -> None:
    leftover = tmp_path / f"{TMP_PREFIX}old-1.pdf.1234.tmp"
    leftover.write_bytes(b"half a card")
    other = tmp_path / "someone-elses.txt"
    other.write_text("keep")
    SpoolPrinter(tmp_path).print_card("new", 1, DOC, "application/pdf")
    assert not leftover.exists()
    assert other.exists()


def test_spool_status_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "missing"
    p = SpoolPrinter(missing)
    assert missing.is_dir() and p.status().ready  # created at start
    missing.rmdir()  # e.g. a share unmounted later: reported, not recreated
    st = p.status()
    assert not st.ready and "does not exist" in st.message and str(missing) in st.message
    out = p.print_card("a", 1, DOC, "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED and "does not exist" in out.reason
    assert not missing.exists()

    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    st = SpoolPrinter(tmp_path).status()
    assert not st.ready and "not writable" in st.message
    monkeypatch.undo()

    import shutil

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda p: type(usage)(usage.total, usage.total, 0))
    st = SpoolPrinter(tmp_path).status()
    assert not st.ready and st.message.startswith("disk full in")


def test_spool_factory_needs_a_dir(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="spool_dir"):
        make_printer(PrinterConfig(backend="spool"))
    p = make_printer(PrinterConfig(backend="spool", spool_dir=tmp_path))
    assert isinstance(p, SpoolPrinter)


# -- sim --------------------------------------------------------------------------


def test_sim_prints_and_remembers() -> None:
    p = SimPrinter(seconds_per_card=0.0)
    assert p.status().ready
    assert p.print_card("a", 1, b"x", "application/pdf").result is PrintResult.PRINTED
    assert p.printed == [("a", 1)]
    assert p.fed == [("a", 1)]


def test_sim_jam_rate_with_seeded_rng() -> None:
    def run(seed: int) -> list[PrintResult]:
        p = SimPrinter(0.0, jam_rate=0.3, rng=random.Random(seed))
        return [p.print_card(f"j{i}", 1, b"x", "application/pdf").result for i in range(200)]

    first = run(42)
    assert first == run(42)  # reproducible
    jams = first.count(PrintResult.SPOILED)
    assert 30 <= jams <= 90  # ~60 expected at 30%
    assert set(first) == {PrintResult.PRINTED, PrintResult.SPOILED}

    p = SimPrinter(0.0, jam_rate=1.0, rng=random.Random(1))
    out = p.print_card("j", 1, b"x", "application/pdf")
    assert out.result is PrintResult.SPOILED and out.reason == JAM_REASON
    assert p.printed == []
    assert p.fed == [("j", 1)]  # a jammed blank did reach the printer


def test_sim_not_ready() -> None:
    p = SimPrinter(0.0)
    p.set_ready(False, "cover open")
    assert p.status().ready is False
    assert p.status().message == "cover open"
    out = p.print_card("a", 1, b"x", "application/pdf")
    assert out.result is PrintResult.NOT_PRINTED and "cover open" in out.reason
    assert p.printed == [] and p.fed == []
    p.set_ready(True, "ready")
    assert p.print_card("a", 1, b"x", "application/pdf").result is PrintResult.PRINTED


def test_sim_factory_seeded() -> None:
    cfg = PrinterConfig(backend="sim", sim_seconds_per_card=0.0, sim_jam_rate=0.5)
    a = make_printer(cfg, rng_seed=3)
    b = make_printer(cfg, rng_seed=3)
    ra = [a.print_card(str(i), 1, b"", "").result for i in range(20)]
    rb = [b.print_card(str(i), 1, b"", "").result for i in range(20)]
    assert ra == rb
