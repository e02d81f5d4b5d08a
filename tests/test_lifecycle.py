"""The citizen's card from request to hand-over (issue 13): intake with name
and phone, the receipt, hand-over, the uncollected list, print on arrival,
finding anyone, and bad input refused with one line and nothing changed."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from officekit import (  # noqa: F401  (*_fixture: fixtures)
    BUDI,
    NIKS,
    SITI,
    Clock,
    authorize,
    clock_fixture,
    done,
    print_card,
    st_fixture,
)
from test_cli import Result, Run  # the CLI tests' in-process runner types

from ktptui import actions, i18n, pdf, phone
from ktptui.cli import main as cli
from ktptui.model import Job, State
from ktptui.office import pickup, retention
from ktptui.store import EventKind, Store

NIK = "3512050101900001"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The refusals' words in English (the catalogue's default is Indonesian)."""
    i18n.set_language("en")
    yield
    i18n.set_language("id")


# -- phone and name ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["081234567890", "+6281234567890", "6281234567890",
                                  "0812-3456-7890", " 0812 3456 7890 ", "(0812) 345.678.90"])
def test_mobile_numbers_are_stored_as_plus_628(text: str) -> None:
    assert phone.normalize(text) == "+6281234567890"


@pytest.mark.parametrize(("text", "key"), [
    ("0212345678", "phone.bad.prefix"),  # a Jakarta landline
    ("+1 555 0100", "phone.bad.prefix"),
    ("08123", "phone.bad.length"),
    ("0812345678901234", "phone.bad.length"),
    ("08x2345678", "phone.bad.digits"),
    ("", "phone.bad.digits"),
    ("０８１２３４５６７８９０", "phone.bad.digits"),  # full-width digits
])
def test_bad_phone_numbers_are_named(text: str, key: str) -> None:
    with pytest.raises(phone.InvalidContact) as e:
        phone.normalize(text)
    assert e.value.key == key
    assert "\n" not in e.value.message()


def test_names_are_trimmed_and_bad_ones_refused() -> None:
    assert phone.check_name("  Siti   Aminah ") == "Siti Aminah"
    assert phone.check_name("José Núñez O’Brien") == "José Núñez O’Brien"
    for bad, key in [("", "name.bad.empty"), ("x" * 101, "name.bad.length"),
                     ("Siti\x1b[2J", "name.bad.control"), ("Siti\nAminah", "name.bad.control"),
                     ("Siti\u202eAminah", "name.bad.control")]:
        with pytest.raises(phone.InvalidContact) as e:
            phone.check_name(bad)
        assert e.value.key == key


# -- intake, hand-over ---------------------------------------------------------------------

def _printed(st: Store, clock: Clock, at: str, nik: str, name: str | None = None,
             number: str | None = None) -> Job:
    clock.at(at)
    job = actions.add(st, nik, operator=SITI, name=name, phone_text=number)
    authorize(st, job.id, "HOLDER")
    print_card(st, job.id)
    return done(st, job.id)


def test_add_keeps_name_and_phone_and_printing_stamps_printed_at(st: Store,
                                                                  clock: Clock) -> None:
    actions.receive_blanks(st, 10, operator="admin")
    job = _printed(st, clock, "2026-11-02T01:00", NIKS[0], "Siti Aminah", "0812 3456 7890")
    assert (job.name, job.phone) == ("Siti Aminah", "+6281234567890")
    assert job.printed_at == "2026-11-02T01:00:00.000+00:00"
    assert job.collected_at is None and job.awaiting_pickup


def test_old_records_without_the_new_fields_load() -> None:
    old = {"id": "0" * 36, "nik": NIK, "reason": "new", "priority": "normal", "state": "done",
           "attempt": 1, "created_at": "2025-01-01T00:00:00.000+00:00",
           "updated_at": "2025-01-01T01:00:00.000+00:00", "operator": "op",
           "history": [{"at": "2025-01-01T00:30:00.000+00:00", "from_state": "printing",
                        "to_state": "printed", "operator": "op"}]}
    job = Job.from_dict(old)
    assert (job.name, job.phone, job.printed_at, job.collected_at) == (None, None, None, None)
    assert job.card_printed_at == "2025-01-01T00:30:00.000+00:00"  # from its history


def test_handover_records_who_when_and_is_refused_twice_or_unprinted(st: Store,
                                                                   clock: Clock) -> None:
    actions.receive_blanks(st, 10, operator="admin")
    job = _printed(st, clock, "2026-11-02T01:00", NIKS[0], "Siti Aminah")
    queued = actions.add(st, NIKS[1], operator=SITI)
    clock.at("2026-11-05T03:00")
    with pytest.raises(actions.ActionRefused, match="not printed"):
        actions.handover(st, queued.id, operator=BUDI)
    got = actions.handover(st, job.short_id, operator=BUDI, note="showed the receipt")
    assert (got.collected_at, got.collected_by, got.collected_to) == (
        "2026-11-05T03:00:00.000+00:00", BUDI, "Siti Aminah")
    before = st.find_job(job.id)
    with pytest.raises(actions.ActionRefused, match="already handed over"):
        actions.handover(st, job.id, operator=SITI, to="Someone Else")
    assert st.find_job(job.id) == before
    register = [e for e in st.events() if e.kind == EventKind.HANDOVER]
    assert [(e.job_id, e.operator, e.detail) for e in register] == [
        (job.id, BUDI, "handed over: showed the receipt")]
    assert "Siti" not in register[0].detail


def test_handover_of_an_archived_job_rewrites_its_record(st: Store, clock: Clock) -> None:
    actions.receive_blanks(st, 10, operator="admin")
    job = _printed(st, clock, "2026-09-02T01:00", NIKS[0], "Siti Aminah", "081234567890")
    clock.at("2026-10-01T00:00")
    st.compact()
    assert st.job(job.id) is None  # archived
    assert [j.id for j in pickup.uncollected(st, 14)] == [job.id]
    clock.at("2026-11-05T03:00")
    got = actions.handover(st, job.id, operator=BUDI, to="Ahmad (husband)")
    assert got.collected_to == "Ahmad (husband)"
    fresh = Store(st.dir)
    assert fresh.find_job(job.id).collected_at == "2026-11-05T03:00:00.000+00:00"
    assert [j.id for j in fresh.archived_jobs()] == [job.id]
    assert fresh.counts()["done"] == 1
    assert pickup.uncollected(fresh, 0) == []
    with pytest.raises(actions.ActionRefused, match="already handed over"):
        actions.handover(fresh, job.id, operator=SITI)


def test_uncollected_lists_old_cards_oldest_first(st: Store, clock: Clock) -> None:
    actions.receive_blanks(st, 10, operator="admin")
    a = _printed(st, clock, "2026-10-01T01:00", NIKS[0], "Siti", "081234567890")
    b = _printed(st, clock, "2026-09-01T01:00", NIKS[1], "Bambang", "081298765432")
    c = _printed(st, clock, "2026-11-20T01:00", NIKS[2], "Dewi")
    clock.at("2026-11-23T00:00")
    assert [j.id for j in pickup.uncollected(st, 14)] == [b.id, a.id]
    assert [j.id for j in pickup.uncollected(st, 0)] == [b.id, a.id, c.id]
    actions.handover(st, a.id, operator=BUDI)
    assert [j.id for j in pickup.uncollected(st, 0)] == [b.id, c.id]
    assert pickup.age_counts(st) == {"0-7": 1, "8-30": 0, "31-90": 1, ">90": 0}
    rows = pickup.uncollected_csv(pickup.uncollected(st, 0)).splitlines()
    assert rows[0] == "name,phone,job,printed_at,days"
    assert rows[1].startswith(f"Bambang,081298765432,{b.short_id},2026-09-01")


# -- print on arrival ------------------------------------------------------------------------

def test_print_on_arrival_waits_before_authorisation(st: Store) -> None:
    job = actions.add(st, NIK, operator=SITI, wait_for_citizen=True)
    assert job.state is State.WAITING_CITIZEN and job.authorization_id is None
    urgent = actions.add(st, NIKS[0], operator=SITI, wait_for_citizen=True, urgent=True)
    assert urgent.state is State.QUEUED  # the citizen is at the desk
    later = actions.add(st, NIKS[1], operator=SITI, wait_for_citizen=True)
    assert actions.make_urgent(st, later.id, operator=SITI).state is State.QUEUED
    arrived = actions.arrive(st, job.id, operator=BUDI)
    assert arrived.state is State.QUEUED
    with pytest.raises(actions.ActionRefused, match="not waiting"):
        actions.arrive(st, job.id, operator=BUDI)


# -- finding anyone ------------------------------------------------------------------------

def test_find_by_nik_name_phone_and_prefix_archived_included(st: Store, clock: Clock) -> None:
    actions.receive_blanks(st, 10, operator="admin")
    old = _printed(st, clock, "2026-08-02T01:00", NIKS[0], "José Núñez", "081234567890")
    clock.at("2026-09-01T00:00")
    st.compact()
    hot = actions.add(st, NIKS[1], operator=SITI, name="Siti Aminah", phone_text="08111111111")
    assert st.job(old.id) is None
    for text, want in [(NIKS[0], [old.id]), ("núñez", [old.id]), ("JOSÉ", [old.id]),
                       ("+62 812 3456 7890", [old.id]), ("081234567890", [old.id]),
                       (old.id[:6], [old.id]), ("aminah", [hot.id]), (NIKS[1], [hot.id]),
                       ("nobody", []), ("50%", []), ("_", [])]:
        assert [j.id for j in pickup.find(st, text)] == want, text


# -- the PDF -------------------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    """The shown strings of a ``pdf.text_pdf`` page, decoded as its font says."""
    assert b"/Encoding /WinAnsiEncoding" in data
    stream = data.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    out = []
    for m in re.finditer(rb"\(((?:\\.|[^\\)])*)\) Tj", stream):
        raw = re.sub(rb"\\(.)", rb"\1", m.group(1))
        out.append(raw.decode(pdf.ENCODING))
    return "\n".join(out)


def test_pdf_prints_winansi_letters() -> None:
    lines = ["José Núñez O’Brien (ü)", "back\\slash"]
    assert _pdf_text(pdf.text_pdf(lines)) == "\n".join(lines)


def test_receipt_masks_the_nik_and_says_how_pickup_works(st: Store) -> None:
    from ktptui.config import OfficeConfig

    job = actions.add(st, NIK, operator=SITI, name="José Núñez")
    office = OfficeConfig(name="Disdukcapil", regency="Kabupaten Malang")
    text = "\n".join(pickup.receipt_lines(job, office))
    assert "351205******0001" in text and NIK not in text
    assert "José Núñez" in text and job.id in text and "Kabupaten Malang" in text
    assert "José Núñez" in _pdf_text(pickup.receipt_pdf(job, office))


# -- retention -----------------------------------------------------------------------------

def test_purge_removes_name_and_phone_everywhere(st: Store, clock: Clock) -> None:
    actions.receive_blanks(st, 10, operator="admin")
    job = _printed(st, clock, "2026-05-02T01:00", NIKS[0], "Siti Aminah", "081234567890")
    clock.at("2026-06-01T00:00")
    st.compact()
    assert [j.id for j in pickup.find(st, "aminah")] == [job.id]  # indexed
    clock.at("2026-11-23T00:00")
    assert retention.purge(st, days=90, operator=BUDI) == 1
    got = Store(st.dir).find_job(job.id)
    assert (got.name, got.phone) == (None, None)
    blob = b"".join(p.read_bytes() for p in sorted(st.dir.rglob("*")) if p.is_file())
    assert b"Siti Aminah" not in blob and b"siti aminah" not in blob
    assert b"6281234567890" not in blob
    assert pickup.find(st, "aminah") == []


# -- the command line ----------------------------------------------------------------------

@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Run:
    for var in ("SUDO_USER", "SSH_CLIENT", "SSH_CONNECTION", "KTPTUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("USER", "siti")
    config = tmp_path / "config.toml"

    def go(*args: str, office: str = "") -> Result:
        config.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n'
                          f'[ui]\nlanguage = "en"\n[office]\n{office}\n', encoding="utf-8")
        capsys.readouterr()
        try:
            rc = cli.main([*args, "--config", str(config)])
        except SystemExit as e:
            rc = int(e.code or 0)
        out, err = capsys.readouterr()
        return Result(rc, out, err)

    return go


def test_cli_intake_receipt_handover_and_bad_input(run: Run, tmp_path: Path) -> None:
    r = run("add", NIK, "--name", "Siti Aminah", "--phone", "0812-3456-7890")
    assert r.rc == 0, r.err
    job_id = r.out.strip()
    data = tmp_path / "data"
    files = sorted(p for p in data.rglob("*") if p.is_file())
    snapshot = {p: p.read_bytes() for p in files}
    for args, words in [
        (("add", NIKS[0], "--phone", "12345"), "phone"),
        (("add", NIKS[0], "--name", "x" * 101), "too long"),
        (("add", NIKS[0], "--name", "Siti\x1b[31m"), "control"),
        (("handover", "ffffffff"), "ffffffff"),
        (("handover", job_id[:8]), "not printed"),
        (("arrive", job_id[:8]), "not waiting"),
    ]:
        bad = run(*args)
        assert bad.rc in (1, 2), args
        assert words in bad.err and bad.err.count("\n") == 1 and "\x1b" not in bad.err, args
    assert {p: p.read_bytes() for p in files} == snapshot  # nothing changed
    rows = json.loads(run("jobs", "--json").out)
    assert (rows[0]["name"], rows[0]["phone"], rows[0]["printed_at"],
            rows[0]["collected_at"]) == ("Siti Aminah", "+6281234567890", None, None)
    out = tmp_path / "receipt.pdf"
    r = run("receipt", job_id[:8], "--out", str(out))
    assert r.rc == 0, r.err
    assert "Siti Aminah" in _pdf_text(out.read_bytes())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = run("receipt", job_id[:8]).out
    assert "351205******0001" in text and NIK not in text
    for p in data.rglob("*"):
        if p.is_file():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p


def test_cli_print_on_arrival_find_and_uncollected(run: Run) -> None:
    wait = 'print_when = "citizen_present"'
    r = run("add", NIK, "--name", "Dewi", office=wait)
    job_id = r.out.strip()
    assert json.loads(run("show", job_id[:8], "--json").out)["state"] == "waiting_citizen"
    assert run("arrive", job_id[:8]).rc == 0
    assert json.loads(run("show", job_id[:8], "--json").out)["state"] == "queued"
    found = json.loads(run("find", "dewi", "--json").out)
    assert [j["id"] for j in found] == [job_id]
    assert json.loads(run("uncollected", "--days", "0", "--json").out) == []
    assert run("uncollected", "--csv").out == "name,phone,job,printed_at,days\n"
    assert run("uncollected", "--days", "-3").rc == 2



def test_daily_report_counts_handed_over_and_uncollected_by_age(st: Store,
                                                                clock: Clock) -> None:
    from datetime import UTC, date

    from ktptui.office import reports

    actions.receive_blanks(st, 10, operator="admin")
    a = _printed(st, clock, "2026-11-20T01:00", NIKS[0], "Siti")
    _printed(st, clock, "2026-10-01T01:00", NIKS[1], "Dewi")
    _printed(st, clock, "2026-06-01T01:00", NIKS[2], "Bambang")
    clock.at("2026-11-23T05:00")
    actions.handover(st, a.id, operator=BUDI)
    clock.advance(minutes=1)
    r = reports.daily(st, date(2026, 11, 23), tz=UTC)
    assert r.handed_over == 1
    assert r.uncollected == {"0-7": 0, "8-30": 0, "31-90": 1, ">90": 1}
    text = reports.daily_text(r, UTC)
    assert "Cards handed over" in text and "31-90 days" in text


# -- the Suket an office can sign --------------------------------------------------------------

def test_suket_has_the_register_number_birth_sex_office_and_signatory(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    from ktptui.config import OfficeConfig
    from ktptui.office import suket

    office = OfficeConfig(name="UPT Dukcapil Kepanjen", regency="Kabupaten Malang",
                          address="Jl. Panji 1", signatory_name="Drs. Hadi Purnomo",
                          signatory_nip="196805121990031004", signatory_title="Kepala Dinas")
    clock.at("2026-12-30T02:00")
    # NIK day 41 = the 1st, a woman; born 01-01-90.
    a = actions.add(st, "3512054101900002", operator=SITI, name="Renée Núñez")
    b = actions.add(st, NIK, operator=SITI, name="Budi")
    c = actions.add(st, NIKS[0], operator=SITI)  # no name
    for job in (a, b, c):
        actions.cancel(st, job.id, operator=SITI)  # (not eligible: made so below)
    with st.transaction() as tx:  # rejected not_recorded: eligible for a Suket
        for job in (a, b, c):
            j = Job.from_dict({**st.find_job(job.id).to_dict(), "state": "rejected",
                               "error_code": "not_recorded"})
            tx.put_job(j)

    def issue(ref: str, out: Path) -> suket.Issued:
        return suket.issue(st, ref, operator=SITI, office_code="35.07", station_id="k1",
                           out=out, office=office)

    first = issue(a.id, tmp_path / "a.pdf")
    slip = first.slip
    assert slip.number == "470/0001/35.07/2026" and slip.holder_name == "Renée Núñez"
    assert (slip.birth, slip.female) == (date(1990, 1, 1), True)
    assert slip.valid_until == slip.issue_day + timedelta(days=180)
    text = "\n".join(suket.lines(slip))
    for needle in ("KABUPATEN MALANG", "UPT Dukcapil Kepanjen", "Jl. Panji 1",
                   "1 Januari 1990", "Perempuan", "Drs. Hadi Purnomo",
                   "NIP 196805121990031004", "Kepala Dinas", "Berlaku"):
        assert needle in text, needle
    assert "Renée Núñez" in _pdf_text((tmp_path / "a.pdf").read_bytes())
    assert issue(b.id, tmp_path / "b.pdf").slip.number == "470/0002/35.07/2026"
    copy = issue(a.id, tmp_path / "a2.pdf").slip
    assert (copy.number, copy.copy) == ("470/0001/35.07/2026", 2)
    assert "SALINAN" in "\n".join(suket.lines(copy))
    with pytest.raises(actions.ActionRefused, match="no citizen's name"):
        issue(c.id, tmp_path / "c.pdf")
    assert not (tmp_path / "c.pdf").exists()
    clock.at("2027-01-02T02:00")  # a new year: a new register
    d = actions.add(st, NIKS[1], operator=SITI, name="Dewi")
    with st.transaction() as tx:
        tx.put_job(Job.from_dict({**d.to_dict(), "state": "rejected",
                                  "error_code": "not_recorded"}))
    assert issue(d.id, tmp_path / "d.pdf").slip.number == "470/0001/35.07/2027"


def test_suket_config_is_checked(tmp_path: Path) -> None:
    from ktptui import config

    for line, words in [('suket_number_format = "470/{nomor}/{year}"', "suket_number_format"),
                        ('signatory_nip = "12345"', "18-digit NIP"),
                        ("suket_valid_days = 0", "suket_valid_days")]:
        path = tmp_path / "c.toml"
        path.write_text(f"[office]\n{line}\n", encoding="utf-8")
        with pytest.raises(config.ConfigError, match=words):
            config.load(path)


def test_switching_the_print_policy_keeps_every_job(run: Run) -> None:
    waiting = run("add", NIK, office='print_when = "citizen_present"').out.strip()
    queued = run("add", NIKS[0]).out.strip()  # back to "queued": only new jobs change
    rows = {r["id"]: r["state"] for r in json.loads(run("jobs", "--json").out)}
    assert rows == {waiting: "waiting_citizen", queued: "queued"}
    assert run("arrive", waiting[:8]).rc == 0  # and it still arrives
