"""Every CLI command attached to a running station service (issue 15): with
the service's socket answering, no command opens the data folder. One real
service runs in this process for the module (simulated central, two
simulated printers); each test makes ``Store`` unopenable, then runs
commands in-process through ``ktptui.cli.main.main``, and checks that
their effect landed in the service's store with the socket peer's account
as operator (``root`` here; the config's label ``siti`` would show a command
that ran on the folder itself).

Waits are bounded loops on conditions; the socket lives in a short folder
under /tmp (a Unix socket path has at most 107 bytes)."""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_cli import Result, Run
from test_service import wait_for

from ktptui import actions, i18n
from ktptui.central.sim import CentralSimulator
from ktptui.cli import main as cli
from ktptui.config import load
from ktptui.demo import demo_nik
from ktptui.model import FINAL_STATES, State
from ktptui.office import suket
from ktptui.station.service import StationService
from ktptui.store import MetaKey, Store
from ktptui.store import journal as journal_module

ME = pwd.getpwuid(os.getuid()).pw_name
MY_GROUP = grp.getgrgid(os.getgid()).gr_name
LABEL = "siti"  # [station] operator: what a command acting on the folder would write


@dataclass
class Station:
    service: StationService
    store: Store  # the test's own view, opened before the folder is made unopenable
    config: Path
    tmp: Path


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    tmp = tmp_path_factory.mktemp("attached")
    sock_dir = Path(tempfile.mkdtemp(prefix="ka", dir="/tmp"))
    token = tmp / "token"
    token.write_text("tok")
    token.chmod(0o600)
    data = tmp / "data"
    config = tmp / "config.toml"
    # cups_server: where `suket --printer` finds no CUPS (nothing listens on port 9).
    printers = "".join(f'[[printers]]\nname = "p{i}"\nbackend = "sim"\n'
                       f'sim_seconds_per_card = 0.1\ncups_server = "127.0.0.1:9"\n'
                       for i in (1, 2))
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        config.write_text(f"""
[store]
data_dir = "{data}"
retain_personal_days = 0
[station]
operator = "{LABEL}"
office_code = "35.15"
id = "ktp-01"
[central]
base_url = "{central.base_url}"
token_file = "{token}"
{printers}
[power]
source = "none"
[ui]
language = "en"
[office]
operator_group = "{MY_GROUP}"
print_when = "citizen_present"
[service]
socket = "{sock_dir / 'run' / 'ktptui.sock'}"
""", encoding="utf-8")
        service = StationService(load(config), takeover_s=0.2)
        service.start()
        try:
            # The engine's first retention pass (it keeps 0 days) done: later
            # ones are a day away, so the jobs made here keep their data
            # until ``purge`` is asked.
            def purged_once() -> bool:
                engine = service.runner.engine
                return engine is not None and engine._purged_at is not None

            assert wait_for(purged_once, 30)
            yield Station(service, Store(data), config, tmp)
        finally:
            assert service.stop(wait=30)
            shutil.rmtree(sock_dir, ignore_errors=True)


@pytest.fixture
def run(station: Station, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """``run("add", NIK)`` -> Result, with the data folder unopenable: any
    ``Store`` a command opened would fail the test."""
    for var in ("SUDO_USER", "SSH_CLIENT", "SSH_CONNECTION", "KTPTUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    opened: list[Path] = []

    def refuse(self: Store, data_dir: Path, *args: object, **kwargs: object) -> None:
        opened.append(data_dir)
        raise PermissionError(13, "Permission denied (test: the folder is 0700)")

    monkeypatch.setattr(journal_module.Store, "__init__", refuse)

    def go(*args: str) -> Result:
        capsys.readouterr()
        try:
            rc = cli.main([*args, "--config", str(station.config)])
        except SystemExit as e:
            rc = int(e.code or 0)
        out, err = capsys.readouterr()
        assert not opened, f"ktptui {' '.join(args)} opened the store folder"
        return Result(rc, out, err)

    yield go
    i18n.set_language("id")  # the CLI set the config's language for this process


def job_of(station: Station, job_id: str) -> object:
    station.store.refresh()
    job = station.store.job(job_id) or station.store.find_job(job_id)
    return job


def ok(r: Result) -> str:
    assert r.rc == 0, (r.rc, r.err)
    assert r.err == ""
    return r.out


def add(run: Run, serial: int, *extra: str) -> str:
    return ok(run("add", demo_nik(serial, serial + 100), "--name", f"Warga {serial}",
                  "--phone", "081234567890", *extra)).strip()


def printed(station: Station, job_id: str) -> None:
    def done() -> bool:
        station.store.refresh()
        job = station.store.job(job_id)
        return job is not None and job.state in (State.PRINTED, State.DONE)

    assert wait_for(done, 30), station.store.job(job_id)


def test_add_jobs_show_hold_release_act_as_the_peer(station: Station, run: Run) -> None:
    job_id = add(run, 1)
    st = station.store
    st.refresh()
    job = st.job(job_id)
    assert job is not None and job.state is State.WAITING_CITIZEN  # print_when from the service
    assert job.history[0].operator == ME != LABEL
    assert job.name == "Warga 1" and job.phone is not None
    assert job.short_id in ok(run("jobs"))
    assert job_id in [j["id"] for j in json.loads(ok(run("jobs", "--json")))]
    shown = ok(run("show", job.short_id))
    assert job_id in shown and ME in shown
    assert "held" in ok(run("hold", job.short_id, "--note", "papers"))
    assert "queued" in ok(run("release", job.short_id))
    assert "cancelled" in ok(run("cancel", job.short_id))
    st.refresh()
    job = st.job(job_id)
    assert job is not None and job.state is State.CANCELLED
    assert [h.operator for h in job.history] == [ME, ME, ME, ME]
    missing = run("show", "ffffffff")
    assert missing.rc == 1 and missing.err.count("\n") == 1


def test_blanks_receive_show_and_entries(station: Station, run: Run) -> None:
    before = station.store.ledger_totals().received
    assert "blanks: 40 left" in ok(run("blanks", "receive", "40", "--ref", "SP-7"))
    station.store.refresh()
    assert station.store.ledger_totals().received == before + 40
    entry = station.store.ledger_entries()[-1]
    assert (entry.delta, entry.operator, entry.ref) == (40, ME, "SP-7")
    summary = json.loads(ok(run("blanks", "show", "--json")))
    assert summary["received"] == before + 40 and summary["reconciled"]
    listed = ok(run("blanks", "entries"))
    assert entry.id in listed and "ref SP-7" in listed
    assert [e["id"] for e in json.loads(ok(run("blanks", "entries", "--json")))][-1] == entry.id


def test_arrive_prints_then_receipt_handover_uncollected_find(station: Station, run: Run,
                                                              tmp_path: Path) -> None:
    job_id = add(run, 2)
    short = job_id[:8]
    assert ok(run("arrive", short)) == f"job {short}: queued\n"
    printed(station, job_id)
    receipt = tmp_path / "receipt.pdf"
    assert ok(run("receipt", short, "--out", str(receipt))) == f"{receipt}\n"
    assert receipt.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(receipt.stat().st_mode) == 0o600
    assert "Warga 2" in ok(run("receipt", short))
    listed = ok(run("uncollected", "--days", "0"))
    assert short in listed and "Warga 2" in listed
    assert [j["id"] for j in json.loads(ok(run("find", "Warga 2", "--json")))] == [job_id]
    assert short in ok(run("find", demo_nik(2, 102)))
    ok(run("handover", short, "--to", "Ibu Warga"))
    job = job_of(station, job_id)
    assert job.collected_at is not None  # type: ignore[attr-defined]
    assert (job.collected_by, job.collected_to) == (ME, "Ibu Warga")  # type: ignore[attr-defined]
    assert job.history[1].operator == ME  # type: ignore[attr-defined]  # the arrival
    assert short not in ok(run("uncollected", "--days", "0"))
    everything = json.loads(ok(run("jobs", "--all", "--json")))
    assert job_id in [j["id"] for j in everything]


def test_pause_and_unpause_one_printer(station: Station, run: Run) -> None:
    assert "printer p2 paused" in ok(run("pause", "--printer", "p2", "--note", "ribbon"))
    station.store.refresh()
    assert actions.paused_printers(station.store) == {"p2": {"by": ME, "note": "ribbon"}}
    assert "printer p2 resumed" in ok(run("unpause", "--printer", "p2"))
    station.store.refresh()
    assert actions.paused_printers(station.store) == {}
    assert run("pause", "--printer", "p9").rc == 2


def test_session_open_show_close_and_approve(station: Station, run: Run) -> None:
    station.store.refresh()
    n = station.store.ledger_totals().balance + 1  # one more found on the shelf
    differs = run("session", "open", "--count", str(n))
    assert differs.rc == 1 and differs.err.count("\n") == 1  # confirm it first
    ok(run("session", "open", "--count", str(n), "--confirm", str(n), "--reason", "shelf"))
    counted = json.loads(ok(run("blanks", "entries", "--unapproved", "--json")))
    assert [(e["delta"], e["operator"]) for e in counted] == [(1, ME)]
    assert "+1" in ok(run("approve", counted[0]["id"][:8]))
    station.store.refresh()
    approval = station.store.ledger_entries()[-1]
    assert (approval.kind.value, approval.ref) == ("approved", counted[0]["id"])
    assert ME in approval.operator
    assert ok(run("blanks", "entries", "--unapproved")) == ""
    station.store.refresh()
    assert station.store.meta(MetaKey.PRINT_SESSION)["opened_by"] == ME
    assert "Session" in ok(run("session", "show"))
    assert json.loads(ok(run("session", "show", "--json")))["opened_by"] == ME
    closed = ok(run("session", "close", "--count", str(n)))
    assert "closed" in closed and ME in closed
    station.store.refresh()
    assert station.store.meta(MetaKey.PRINT_SESSION) is None
    assert station.store.meta(MetaKey.PRINT_SESSION_LAST)["closed_by"] == ME
    assert ok(run("session", "show")).strip() != ""
    status = json.loads(ok(run("status", "--json")))
    assert status["session_open"] is False and status["blanks"]["balance"] == n


def test_report_daily_text_and_out_and_log(station: Station, run: Run, tmp_path: Path) -> None:
    text = ok(run("report", "daily"))
    assert "35.15" in text
    out = tmp_path / "daily.csv"
    assert str(out) in ok(run("report", "daily", "--out", str(out)))
    assert out.read_text(encoding="utf-8").count("\n") > 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    log = json.loads(ok(run("log", "--json")))
    assert log and {e["operator"] for e in log if e["kind"] == "blanks"} >= {ME}
    station.store.refresh()
    some = next(j for j in station.store.jobs() if j.history[0].operator == ME)
    assert f"{some.short_id}  - -> waiting for citizen" in ok(run("log", "--job", some.short_id))


def _not_recorded(station: Station, run: Run) -> str:
    """An urgent request (it does not wait for the citizen) that central
    rejects as not_recorded (the simulator's serial 9001)."""
    job_id = ok(run("add", demo_nik(3, 9001), "--urgent", "--name", "Warga 3")).strip()

    def rejected() -> bool:
        station.store.refresh()
        job = station.store.job(job_id)
        return job is not None and job.state is State.REJECTED

    assert wait_for(rejected, 30)
    return job_id


def test_suket_recorded_by_the_service_delivered_by_the_cli(station: Station, run: Run,
                                                            tmp_path: Path) -> None:
    job_id = _not_recorded(station, run)
    short = job_id[:8]
    nowhere = tmp_path / "no-such-folder" / "s.pdf"
    refused = run("suket", short, "--out", str(nowhere))
    assert refused.rc == 1 and refused.err.count("\n") == 1 and str(nowhere) in refused.err
    # No CUPS answers on the config's cups_server: refused before a number is taken.
    no_cups = run("suket", short, "--printer", "kantor")
    assert no_cups.rc == 1 and no_cups.err.count("\n") == 1
    assert "not issued: printer kantor: CUPS is not running on 127.0.0.1:9" in no_cups.err
    station.store.refresh()
    assert station.store.events(job_id=job_id, kind="suket") == []  # no number taken
    assert station.store.meta(MetaKey.SUKET_REGISTER) is None
    out = tmp_path / "suket.pdf"
    said = ok(run("suket", short, "--out", str(out)))
    number = f"470/0001/35.15/{time.gmtime().tm_year}"
    assert said == f"Suket {number} issued for job {short}: file {out}\n"
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and demo_nik(3, 9001).encode() in data
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    shown = ok(run("suket", short))  # a copy, shown on the terminal
    assert "SALINAN ke-1 / COPY 1" in shown and number in shown
    station.store.refresh()
    events = station.store.events(job_id=job_id, kind="suket")
    assert [(e.operator, e.detail) for e in events] == [
        (ME, f"issued {number} (not_recorded): file {out}"),
        (ME, f"reprinted (copy 2) {number} (not_recorded): screen")]
    assert "Officer" in shown and ME in shown  # the slip names the peer's account


def test_the_suket_request_checks_where_the_slip_goes(station: Station) -> None:
    from ktptui.errors import Kind, KtpError
    from ktptui.station.client import Remote

    remote = Remote.attach(station.service.path)
    assert remote is not None
    with remote:
        for bad in ([], [5], [["screen", ""]] * 4, [["file", "x" * 301]], "screen",
                    ["screen"], [["fax", "123"]], [["screen"]]):
            with pytest.raises(KtpError) as refused:
                remote.call("suket", job="ffffffff", outputs=bad)
            assert refused.value.error_kind is Kind.BAD_INPUT, bad
        with pytest.raises(KtpError) as missing:
            remote.call("suket", job="ffffffff", outputs=[["screen", ""]])
        assert missing.value.error_kind is Kind.REFUSED


def test_purge_through_the_service(station: Station, run: Run) -> None:
    """Last: it removes the personal data of every finished job (0 days kept)."""
    station.store.refresh()
    finished = [j for j in station.store.jobs() if j.state in FINAL_STATES]
    assert finished
    said = ok(run("purge"))
    assert said.startswith("personal data removed from ") and "older than 0 days" in said
    station.store.refresh()
    assert all(suket.is_redacted(station.store.job(j.id))  # type: ignore[arg-type]
               for j in finished)
    events = station.store.events(kind="retention")
    assert events[-1].operator == ME
    # ``jobs --all`` (its archive part read through the service too).
    listed = {j["id"] for j in json.loads(ok(run("jobs", "--all", "--json")))}
    assert {j.id for j in finished} <= listed


def test_verify_is_the_station_accounts_command(station: Station, run: Run,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    data = str(station.store.dir)
    real = os.access
    monkeypatch.setattr(os, "access",
                        lambda p, mode, **kw: False if str(p) == data else real(p, mode, **kw))
    r = run("verify")
    assert r.rc == 1 and r.out == "" and r.err.count("\n") == 1
    assert f"sudo -u {ME} ktptui verify" in r.err and data in r.err


def test_the_slip_survives_json() -> None:
    slip = suket.Slip("a" * 32, demo_nik(1, 2), "Warga", "35.15", "ktp-01",
                      suket.datetime(2026, 11, 23, 2, 0, tzinfo=suket.UTC),
                      suket.date(2026, 11, 23), "waiting", 15, 2, ME, number="470/0009",
                      birth=suket.date(1990, 3, 1), female=True,
                      valid_until=suket.date(2027, 5, 22))
    again = suket.Slip.from_dict(json.loads(json.dumps(slip.to_dict())))
    assert again == slip and suket.text(again) == suket.text(slip)


def test_a_session_summary_survives_json() -> None:
    """``session close`` attached prints the summary the service sent as JSON:
    the same text as from the summary itself."""
    from datetime import UTC, datetime

    from ktptui.office import reports, sessions
    from ktptui.store import ledger

    start, end = datetime(2026, 11, 23, 1, 0, tzinfo=UTC), datetime(2026, 11, 23, 9, 30,
                                                                     tzinfo=UTC)
    counted = [ledger.make_entry(ledger.Kind.COUNTED, d, operator=who, note=note, at=end)
               for d, who, note in ((-2, "siti", "two torn"), (1, "budi", "one found"))]
    activity = reports.Activity(start, end, 3, 1, {"not_recorded": 1}, 1, 1, 0,
                                tuple(counted), {"ktp": reports.OperatorCounts(printed=3)})
    summary = sessions.Summary(
        sessions.Session("b" * 32, "2026-11-23T01:00:00.000+00:00", "siti@10.0.0.9", 118, 120),
        end, activity, "budi", 115, 114, unapproved=(counted[1].id,), head="1:" + "c" * 31)
    again = sessions.Summary.from_dict(json.loads(json.dumps(summary.to_dict())))
    for language in ("en", "id"):
        i18n.set_language(language)
        assert sessions.summary_text(again) == sessions.summary_text(summary)
    text = sessions.summary_text(again)  # Indonesian, the default, last
    assert "  -2  two torn\n" in text and "  +1  one found  [belum disetujui]\n" in text
