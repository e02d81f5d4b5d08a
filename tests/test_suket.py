"""Suket slips: who may get one, what the slip says, where it goes, and the record."""

from __future__ import annotations

import logging
import re
import stat
from pathlib import Path

import pytest
from officekit import (  # noqa: F401  (*_fixture: fixtures)
    BUDI,
    NIKS,
    SITI,
    WIB,
    Clock,
    authorize,
    clock_fixture,
    count_decodes,
    damage_old_month,
    done,
    move,
    old_month,
    print_card,
    reject,
    st_fixture,
    wib_local_fixture,
)

from ktptui import actions
from ktptui.actions import ActionRefused
from ktptui.model import Job, State
from ktptui.office import retention, suket
from ktptui.printers.base import Printer, PrinterStatus, PrintOutcome, PrintResult
from ktptui.store import Store


def add(s: Store, clock: Clock, at: str, nik: str, operator: str, note: str = "",
        name: str | None = "Rahmat Hidayat") -> Job:
    """A request taken at ``at``, with the citizen's name (a Suket needs one)."""
    clock.at(at)
    return actions.add(s, nik, operator=operator, note=note, name=name)


def _issue(st: Store, ref: str, **kw: object) -> suket.Issued:
    args: dict[str, object] = {"operator": SITI, "office_code": "35.15",
                               "station_id": "ktp-01", "tz": WIB}
    args.update(kw)
    return suket.issue(st, ref, **args)  # type: ignore[arg-type]


def _suket_events(st: Store) -> list[tuple[str, str | None, str]]:
    st.refresh()
    return [(e.operator, e.job_id, e.detail) for e in st.events() if e.kind == "suket"]


class FakePrinter(Printer):
    name = "fake"

    def __init__(self, result: PrintResult, reason: str = "") -> None:
        self.result, self.reason = result, reason
        self.sent: list[tuple[str, int, bytes, str]] = []

    def status(self) -> PrinterStatus:
        return PrinterStatus(True, "ready")

    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        self.sent.append((job_id, attempt, document, content_type))
        return PrintOutcome(self.result, self.reason)


# -- who may get one -------------------------------------------------------------------

def test_not_recorded_job_gets_a_suket_with_every_field(st: Store, clock: Clock) -> None:
    job = add(st, clock, "2026-11-23T02:00", NIKS[0], BUDI)
    clock.at("2026-11-23T03:00")
    reject(st, job.id, "not_recorded")
    clock.at("2026-11-23T18:30")  # 01:30 WIB on the 24th
    shown: list[str] = []
    got = _issue(st, job.id[:8], show=shown.append)
    slip = got.slip
    assert (slip.basis, slip.copy, slip.nik, slip.holder_name) == (
        "not_recorded", 1, NIKS[0], "Rahmat Hidayat")
    assert slip.number == "470/0001/35.15/2026"
    assert got.outputs == ("screen",)
    text = shown[0]
    assert text == suket.text(slip)
    for needle in (NIKS[0], "35.15", "ktp-01", "24 November 2026 (2026-11-24)", job.short_id,
                   job.id, "Surat Keterangan pengganti KTP-el sementara",
                   "temporary substitute for the electronic identity card",
                   "not_recorded", SITI, "Rahmat Hidayat"):
        assert needle in text, needle
    assert max(len(line) for line in text.splitlines()) <= 78
    assert _suket_events(st) == [
        (SITI, job.id, "issued 470/0001/35.15/2026 (not_recorded): screen")]


def test_long_wait_gets_a_suket_with_the_holder_name(st: Store, clock: Clock) -> None:
    job = add(st, clock, "2026-11-01T02:00", NIKS[1], BUDI, name=None)
    authorize(st, job.id, "SITI AMINAH")
    clock.at("2026-11-16T03:00")  # waited 15 days and an hour
    slip = suket.prepare(st, job.short_id, operator=SITI, office_code="35.15",
                         station_id="ktp-01", wait_days=14, tz=WIB)
    assert (slip.basis, slip.waited_days, slip.holder_name) == ("waiting", 15, "SITI AMINAH")
    text = suket.text(slip)
    assert "SITI AMINAH" in text and "menunggu pencetakan 15 hari" in text


@pytest.mark.parametrize("setup, why", [
    ("young", "has waited 3 day(s); a Suket is issued after 14 days"),
    ("other_code", "rejected with code 'duplicate_request', not 'not_recorded'"),
    ("done", "the card was printed (done)"),
    ("printed", "the card was printed (printed)"),
    ("cancelled", "is cancelled"),
    ("printing", "being printed now"),
    ("redacted", "personal data was removed"),
])
def test_ineligible_jobs_are_refused_and_nothing_is_recorded(
        st: Store, clock: Clock, setup: str, why: str) -> None:
    job = add(st, clock, "2026-11-01T02:00", NIKS[2], BUDI)
    if setup == "young":
        job = add(st, clock, "2026-11-12T02:00", NIKS[3], BUDI)
    elif setup == "other_code":
        reject(st, job.id, "duplicate_request")
    elif setup in ("done", "printed", "printing"):
        actions.receive_blanks(st, 5, operator="admin")
        authorize(st, job.id)
        if setup == "printing":
            move(st, job.id, State.PRINTING, "ktp")
        else:
            print_card(st, job.id)
            if setup == "done":
                done(st, job.id)
    elif setup == "cancelled":
        actions.cancel(st, job.id, operator=BUDI)
    elif setup == "redacted":
        reject(st, job.id, "not_recorded")
    clock.at("2026-11-15T03:00")
    if setup == "redacted":
        assert retention.purge(st, days=0) == 1
    with pytest.raises(ActionRefused, match=re.escape(why)):
        _issue(st, job.short_id, show=print, wait_days=14)
    assert _suket_events(st) == []


def test_unknown_job_is_refused(st: Store, clock: Clock) -> None:
    from ktptui.store import JobNotFound

    with pytest.raises(JobNotFound):
        _issue(st, "abcdef12", show=print)


# -- where it goes ---------------------------------------------------------------------

def _rejected(st: Store, clock: Clock) -> str:
    job = add(st, clock, "2026-11-23T02:00", NIKS[4], BUDI)
    clock.at("2026-11-23T03:00")
    reject(st, job.id, "not_recorded")
    return job.id


def test_pdf_file_is_private_and_holds_the_slip(st: Store, clock: Clock,
                                                tmp_path: Path) -> None:
    job_id = _rejected(st, clock)
    out = tmp_path / "suket.pdf"
    got = _issue(st, job_id, out=out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert NIKS[4].encode() in data and job_id.encode() in data
    assert b"Surat Keterangan pengganti KTP-el sementara" in data
    assert data == suket.to_pdf(got.slip)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert got.outputs == (f"file {out}",)


def test_text_file_and_reprint_is_recorded(st: Store, clock: Clock, tmp_path: Path) -> None:
    job_id = _rejected(st, clock)
    out = tmp_path / "suket.txt"
    out.write_text("old")
    out.chmod(0o644)
    first = _issue(st, job_id, out=out, as_text=True)
    assert out.read_text() == suket.text(first.slip)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    clock.at("2026-11-23T04:00")
    again = _issue(st, job_id, out=out, as_text=True, operator=BUDI)
    assert again.slip.copy == 2 and again.slip.reprint
    assert "SALINAN ke-1 / COPY 1" in out.read_text()
    assert again.slip.number == first.slip.number
    number = first.slip.number
    assert _suket_events(st) == [
        (SITI, job_id, f"issued {number} (not_recorded): file {out}"),
        (BUDI, job_id, f"reprinted (copy 2) {number} (not_recorded): file {out}"),
    ]


def test_printer_gets_the_pdf(st: Store, clock: Clock) -> None:
    job_id = _rejected(st, clock)
    printer = FakePrinter(PrintResult.PRINTED)
    got = _issue(st, job_id, printer=printer, printer_name="kantor")
    assert got.outputs == ("printer kantor",) and got.print_problem == ""
    [(title, copy, doc, ctype)] = printer.sent
    assert (title, copy, ctype) == (f"suket-{job_id[:8]}", 1, "application/pdf")
    assert doc.startswith(b"%PDF-") and NIKS[4].encode() in doc
    assert len(_suket_events(st)) == 1


def test_printer_refusal_without_a_file_issues_nothing(st: Store, clock: Clock) -> None:
    job_id = _rejected(st, clock)
    printer = FakePrinter(PrintResult.NOT_PRINTED, "printer queue 'kantor' does not exist")
    with pytest.raises(ActionRefused, match="not issued: printer kantor: printer queue"):
        _issue(st, job_id, printer=printer, printer_name="kantor")
    assert _suket_events(st) == []


def test_printer_refusal_with_a_file_records_the_file(st: Store, clock: Clock,
                                                      tmp_path: Path) -> None:
    job_id = _rejected(st, clock)
    printer = FakePrinter(PrintResult.NOT_PRINTED, "CUPS is not running")
    got = _issue(st, job_id, out=tmp_path / "s.pdf", printer=printer, printer_name="kantor")
    assert got.outputs == (f"file {tmp_path / 's.pdf'}",)
    assert got.print_problem == "printer kantor: CUPS is not running"
    assert len(_suket_events(st)) == 1


# -- the CLI ---------------------------------------------------------------------------

def _config(tmp_path: Path, st: Store, extra: str = "") -> str:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{st.dir}"\n[station]\nid = "ktp-01"\n'
                   f'office_code = "35.15"\noperator = "siti"\n{extra}', encoding="utf-8")
    return str(cfg)


def test_cli_suket(st: Store, clock: Clock, tmp_path: Path, wib_local: None,
                   monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    monkeypatch.setenv("SSH_CLIENT", "10.0.0.9 50022 22")
    job_id = _rejected(st, clock)
    young = add(st, clock, "2026-11-23T03:00", NIKS[5], BUDI)
    cfg = _config(tmp_path, st)
    out = tmp_path / "slip.pdf"
    assert main(["suket", job_id[:8], "--out", str(out), "--config", cfg]) == 0
    assert capsys.readouterr().out == (
        f"Suket 470/0001/35.15/2026 diterbitkan untuk pekerjaan {job_id[:8]}: berkas {out}\n")
    assert out.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main(["suket", job_id[:8], "--config", cfg]) == 0
    shown = capsys.readouterr().out
    assert NIKS[4] in shown and "SALINAN ke-1 / COPY 1" in shown
    assert main(["suket", young.short_id, "--config", cfg]) == 1
    assert "baru menunggu 0 hari" in capsys.readouterr().err
    assert [(op, job) for op, job, _ in _suket_events(st)] == [
        ("siti@10.0.0.9", job_id), ("siti@10.0.0.9", job_id)]


def test_cli_suket_refuses_the_card_printer(st: Store, clock: Clock, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    job_id = _rejected(st, clock)
    cfg = _config(tmp_path, st, '[printer]\nbackend = "cups"\nqueue = "ektp"\n')
    assert main(["suket", job_id[:8], "--printer", "ektp", "--config", cfg]) == 1
    assert "adalah printer kartu e-KTP" in capsys.readouterr().err
    assert _suket_events(st) == []


def test_cli_suket_refuses_every_card_printer_of_several(
        st: Store, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: with [[printers]], no card printer's queue takes a Suket."""
    from ktptui.cli.main import main

    job_id = _rejected(st, clock)
    cfg = _config(tmp_path, st, "".join(f'[[printers]]\nname = "p{i}"\nbackend = "cups"\n'
                                        f'queue = "ektp{i}"\n' for i in (1, 2)))
    assert main(["suket", job_id[:8], "--printer", "ektp2", "--config", cfg]) == 1
    assert "adalah printer kartu e-KTP" in capsys.readouterr().err
    assert _suket_events(st) == []


def test_cli_suket_waiting_days_come_from_config(st: Store, clock: Clock, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    job = add(st, clock, "2026-11-20T02:00", NIKS[6], BUDI)
    clock.at("2026-11-23T03:00")
    cfg = _config(tmp_path, st, "[office]\nsuket_after_days = 2\n")
    assert main(["suket", job.short_id, "--config", cfg]) == 0
    assert "menunggu pencetakan 3 hari" in capsys.readouterr().out


def test_the_reprint_count_reads_only_that_jobs_sukets(
        st: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The job and its Sukets archived, an older month damaged: a reprint
    reads the job's record and its Suket events, nothing else of history."""
    old_month(st, clock)
    job = add(st, clock, "2026-11-23T01:00", NIKS[0], BUDI)
    clock.at("2026-11-23T02:00")
    reject(st, job.id, "not_recorded")
    for hour in (3, 4):
        clock.at(f"2026-11-23T0{hour}:00")
        _issue(st, job.id, show=lambda text: None)
    clock.at("2026-11-25T06:00")
    st.compact()
    assert st.jobs() == []
    damage_old_month(st)
    decoded = count_decodes(monkeypatch)
    with caplog.at_level(logging.WARNING):
        got = _issue(Store(st.dir), job.id[:8], show=lambda text: None)
    assert (got.slip.copy, got.slip.reprint) == (3, True)
    assert decoded[0] == 1 + 2  # the job; its two Sukets (not its other events)
    assert not [m for m in caplog.messages if "damaged" in m], caplog.messages
