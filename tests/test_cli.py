"""The command line, run in-process: output, JSON shapes and exit codes as the
README documents them (0 ok, 1 refused with the reason on stderr, 2 usage or
config error)."""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ktptui import actions, i18n, identity
from ktptui.cli import main as cli
from ktptui.model import State, new_job, transition
from ktptui.store import Store

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
JOB_KEYS = ["id", "nik", "state", "attempt", "reason", "priority", "holder_name",
            "created_at", "updated_at", "last_error", "error_code",
            "name", "phone", "printed_at", "collected_at"]
NIK = "3515051503900011"


@dataclass
class Result:
    rc: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    # English: these tests read the CLI's exact lines; test_i18n walks it in Indonesian.
    path.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n[ui]\nlanguage = "en"\n',
                    encoding="utf-8")
    return path


@pytest.fixture
def run(config_file: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """``run("add", NIK)`` -> Result; the config file is appended unless given."""
    for var in ("SUDO_USER", "SSH_CLIENT", "SSH_CONNECTION", "KTPTUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("USER", "siti")
    monkeypatch.setenv("LOGNAME", "siti")
    monkeypatch.setenv("KTPTUI_LANG", "en")  # English before the config is read, too

    def go(*args: str, config: Path | None = config_file) -> Result:
        argv = [*args, "--config", str(config)] if config is not None else list(args)
        capsys.readouterr()
        try:
            rc = cli.main(argv)
        except SystemExit as e:  # argparse: usage errors and --help
            rc = int(e.code or 0)
        out, err = capsys.readouterr()
        return Result(rc, out, err)

    yield go
    i18n.set_language("id")  # the CLI set the config's language for this process


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """The CLI's store, opened by the test to set things up and look."""
    return Store(tmp_path / "data")


def add(run: Run, nik: str = NIK, *extra: str) -> str:
    r = run("add", nik, *extra)
    assert r.rc == 0, r.err
    return r.out.strip()


def jobs_json(run: Run, *extra: str) -> list[dict[str, Any]]:
    r = run("jobs", "--json", *extra)
    assert r.rc == 0 and r.err == "", r.err
    data: list[dict[str, Any]] = json.loads(r.out)
    return data


def put(store: Store, job: Any) -> None:
    store.refresh()
    with store.transaction() as tx:
        tx.put_job(job)


# -- add ---------------------------------------------------------------------------------

def test_add_prints_the_new_id_alone(run: Run, store: Store) -> None:
    r = run("add", NIK)
    assert r.rc == 0 and r.err == ""
    assert r.out.endswith("\n") and r.out.count("\n") == 1
    job_id = r.out.strip()
    assert UUID.match(job_id)
    store.refresh()
    job = store.job(job_id)
    assert job is not None and (job.nik, job.state, job.operator) == (NIK, State.QUEUED, "siti")


def test_add_options(run: Run) -> None:
    job_id = add(run, NIK, "--reason", "lost", "--urgent", "--note", "lost in the flood")
    shown = json.loads(run("show", job_id, "--json").out)
    assert (shown["reason"], shown["priority"], shown["note"]) == (
        "lost", "urgent", "lost in the flood")


def test_add_refuses_a_nik_with_an_active_job(run: Run) -> None:
    first = add(run)
    r = run("add", NIK)
    assert (r.rc, r.out) == (1, "")
    assert r.err == (f"ktptui: NIK 351505******0011 already has an active job {first[:8]} "
                     f"(queued); see `ktptui show {first[:8]}`\n")
    assert run("hold", first).rc == 0
    assert run("add", NIK).rc == 1  # held is still active
    assert run("cancel", first).rc == 0
    assert UUID.match(add(run))  # a finished job does not block a new request
    assert len(jobs_json(run, "--all")) == 2


@pytest.mark.parametrize(("nik", "reason"), [
    ("351205150390001", "NIK 3512... has 15 digits, needs 16"),
    ("35150515039000111", "NIK 3515... has 17 digits, needs 16"),
    ("3515O51503900011", "NIK 3515... has a non-digit 'O' at position 5; a NIK is 16 digits"),
    ("9915051503900011", "NIK 9915...: 99 is not a province code (digits 1-2)"),
    ("3515053203900011", "NIK 3515...: digits 7-12 (320390) are not a birth date DDMMYY "
                         "(day + 40 for women)"),
    ("3515051503900000", "NIK 3515...: serial (digits 13-16) is 0000, the first serial is 0001"),
])
def test_add_refuses_a_malformed_nik_with_the_exact_reason(run: Run, config_file: Path,
                                                           nik: str, reason: str) -> None:
    """Bad input: exit 2 (errors.Kind.BAD_INPUT), the reason in the
    operator's language (``[ui] language``)."""
    english = config_file.read_text(encoding="utf-8")
    config_file.write_text(english.replace('[ui]\nlanguage = "en"\n', ""), encoding="utf-8")
    r = run("add", nik)
    assert (r.rc, r.out) == (2, "") and r.err.count("\n") == 1
    assert r.err != f"ktptui: {reason}\n" and "NIK" in r.err  # Indonesian by default
    config_file.write_text(english, encoding="utf-8")
    try:
        r = run("add", nik)
    finally:
        i18n.set_language("id")  # the CLI set the config's language for this process
    assert (r.rc, r.out, r.err) == (2, "", f"ktptui: {reason}\n")
    assert jobs_json(run) == []


def test_usage_errors_exit_2(run: Run) -> None:
    for args in (("add",), ("add", NIK, "--reason", "stolen"), ("frobnicate",),
                 ("blanks",), ("blanks", "adjust", "+3"), ("resolve", "abcd", "maybe")):
        r = run(*args)
        assert r.rc == 2, args
        assert "error:" in r.err and r.out == ""


# -- jobs and show ---------------------------------------------------------------------------

def test_jobs_json_shape_and_queue_order(run: Run, store: Store) -> None:
    normal = add(run, "3515051503900011")
    urgent = add(run, "3515051503900012", "--urgent")
    older = add(run, "3515051503900013")
    cancelled = add(run, "3515051503900014")
    run("cancel", cancelled)
    rows = jobs_json(run)
    assert [r["id"] for r in rows] == [urgent, normal, older]
    for row in rows:
        assert list(row) == JOB_KEYS
    row = rows[0]
    assert (row["nik"], row["state"], row["attempt"], row["reason"], row["priority"]) == (
        "3515051503900012", "queued", 1, "new", "urgent")
    assert row["holder_name"] is None and row["last_error"] == "" and row["error_code"] == ""
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", row["created_at"])
    assert row["updated_at"] >= row["created_at"]
    assert {r["id"] for r in jobs_json(run, "--all")} == {normal, urgent, older, cancelled}
    assert [r["id"] for r in jobs_json(run, "--state", "cancelled")] == [cancelled]
    assert [r["id"] for r in jobs_json(run, "--state", "cancelled", "--state", "queued")] == [
        urgent, normal, older, cancelled]
    assert jobs_json(run, "--state", "held") == []


def test_jobs_include_archived_finished_ones_with_all(run: Run, store: Store) -> None:
    old = new_job("3515051503900021", operator="op", at=_days_ago(3))
    old = transition(old, State.CANCELLED, operator="op", at=_days_ago(3))
    put(store, old)
    store.compact()
    assert jobs_json(run) == []
    assert [r["id"] for r in jobs_json(run, "--all")] == [old.id]
    assert json.loads(run("show", old.id[:6], "--json").out)["state"] == "cancelled"


def _days_ago(days: int) -> Any:
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) - timedelta(days=days)


def test_jobs_text(run: Run) -> None:
    assert run("jobs").out == "no jobs\n"
    job_id = add(run)
    lines = run("jobs").out.splitlines()
    assert lines[0].split() == ["ID", "NIK", "STATE", "TRY", "PRIO", "REASON", "LAST", "ERROR"]
    assert lines[1].split() == [job_id[:8], NIK, "queued", "1", "normal", "new"]


def test_jobs_unknown_state_is_a_usage_error(run: Run) -> None:
    r = run("jobs", "--state", "lost")
    assert r.rc == 2 and "unknown state in --state ['lost']; known: queued, held," in r.err


def test_show(run: Run) -> None:
    job_id = add(run, NIK, "--note", "first visit")
    run("hold", job_id[:4], "--note", "citizen asked")
    r = run("show", job_id[:4])
    assert r.rc == 0
    lines = r.out.splitlines()
    assert lines[0] == f"{'id':12} {job_id}"
    assert f"{'state':12} held" in lines and f"{'note':12} first visit" in lines
    assert lines[-3] == "history:"
    assert re.match(r"^  \S+ +- -> queued +siti  first visit$", lines[-2])
    assert re.match(r"^  \S+ +queued -> held +siti  citizen asked$", lines[-1])
    data = json.loads(run("show", job_id, "--json").out)
    assert data["id"] == job_id and data["state"] == "held"
    assert [h["to_state"] for h in data["history"]] == ["queued", "held"]


def test_job_references(run: Run, store: Store) -> None:
    a = new_job("3515051503900031", operator="op").changed(
        id="abcd1234-0000-4000-8000-000000000001")
    b = new_job("3515051503900032", operator="op").changed(
        id="abcd5678-0000-4000-8000-000000000002")
    put(store, a)
    put(store, b)
    assert json.loads(run("show", "abcd1", "--json").out)["id"] == a.id
    assert json.loads(run("show", "ABCD5678", "--json").out)["id"] == b.id
    for args, message in (
        (("show", "abcd"), "2 jobs start with 'abcd': give more characters"),
        (("show", "abc"), "job reference 'abc' is too short: give at least 4 characters"),
        (("show", "ffff0"), "no job with id starting 'ffff0' (see `ktptui jobs --all`)"),
        (("hold", "ffff0"), "no job with id starting 'ffff0'"),
        (("cancel", "abcd"), "2 jobs start with 'abcd'"),
        (("resolve", "9999", "printed"), "no job with id starting '9999'"),
    ):
        r = run(*args)
        assert (r.rc, r.out) == (1, ""), args
        assert r.err.startswith(f"ktptui: {message}"), (args, r.err)
        assert r.err.count("\n") == 1


# -- operator actions -----------------------------------------------------------------------

def test_hold_release_cancel_urgent(run: Run, store: Store) -> None:
    job_id = add(run)
    short = job_id[:8]
    assert run("hold", short, "--note", "asked").out == f"job {short}: held (normal)\n"
    assert run("urgent", short).out == f"job {short}: held (urgent)\n"
    assert run("release", short).out == f"job {short}: queued (urgent)\n"
    r = run("release", short)
    assert (r.rc, r.out) == (1, "")
    assert r.err == (f"ktptui: job {short} cannot go from queued to queued "
                     "(allowed from queued: authorized, cancelled, held, rejected)\n")
    assert run("cancel", short, "--note", "moved away").out == f"job {short}: cancelled (urgent)\n"
    for action in ("hold", "release", "cancel"):
        r = run(action, short)
        assert r.rc == 1 and "cancelled is final" in r.err, action
    r = run("urgent", short)
    assert r.rc == 1 and r.err == f"ktptui: job {short} is cancelled; nothing to hurry\n"
    store.refresh()
    job = store.job(job_id)
    assert job is not None
    assert [(h.to_state, h.operator, h.note) for h in job.history] == [
        ("queued", "siti", ""), ("held", "siti", "asked"), ("queued", "siti", ""),
        ("cancelled", "siti", "moved away")]
    assert any(e.detail == "made urgent" for e in store.events(job_id=job_id))


def test_hold_gives_back_an_unused_authorisation(run: Run, store: Store) -> None:
    job_id = add(run)
    store.refresh()
    job = store.job(job_id)
    assert job is not None
    put(store, transition(job, State.AUTHORIZED, operator="e", authorization_id="auth-7",
                          document="d.pdf"))
    assert run("hold", job_id).rc == 0
    store.refresh()
    assert [(i.authorization_id, i.outcome, i.document) for i in store.outbox()] == [
        ("auth-7", "not_printed", "d.pdf")]
    held = store.job(job_id)
    assert held is not None and held.attempt == 2 and held.authorization_id is None


def _interrupted(run: Run, store: Store, nik: str = NIK) -> str:
    job_id = add(run, nik)
    store.refresh()
    job = store.job(job_id)
    assert job is not None
    for to in (State.AUTHORIZED, State.PRINTING, State.INTERRUPTED):
        job = transition(job, to, operator="e", authorization_id="auth-1")
    put(store, job)
    return job_id


def test_resolve_refuses_a_job_that_is_not_interrupted(run: Run) -> None:
    job_id = add(run)
    r = run("resolve", job_id, "printed")
    assert (r.rc, r.out) == (1, "")
    assert r.err == (f"ktptui: job {job_id[:8]} is queued; only interrupted jobs are resolved\n")


@pytest.mark.parametrize(("outcome", "state", "attempt", "blanks", "reported"), [
    ("printed", "printed", 1, 4, "printed"),
    ("spoiled", "queued", 2, 4, "spoiled"),
    ("not-printed", "queued", 2, 5, "not_printed"),
])
def test_resolve_an_interrupted_card(run: Run, store: Store, outcome: str, state: str,
                                     attempt: int, blanks: int, reported: str) -> None:
    assert run("blanks", "receive", "5").rc == 0
    job_id = _interrupted(run, store)
    r = run("resolve", job_id[:6], outcome)
    assert r.rc == 0 and r.out == f"job {job_id[:8]}: {state} (attempt {attempt})\n"
    store.refresh()
    assert store.ledger_totals().balance == blanks
    assert [(i.job_id, i.attempt, i.outcome) for i in store.outbox()] == [
        (job_id, 1, reported)]
    status = json.loads(run("status", "--json").out)
    assert status["jobs"][state] == 1 and status["outbox"] == 1


def test_resolve_printed_without_a_blank_in_the_ledger_is_refused(run: Run,
                                                                  store: Store) -> None:
    job_id = _interrupted(run, store)
    r = run("resolve", job_id, "printed")
    assert r.rc == 1 and "the ledger has 0 blank(s)" in r.err
    store.refresh()
    assert store.job(job_id).state is State.INTERRUPTED  # type: ignore[union-attr]
    assert store.outbox() == []


# -- blanks ---------------------------------------------------------------------------------

BLANK_KEYS = {"received", "printed", "spoiled", "adjusted", "balance", "reconciled",
              "reconciliation", "used_per_day_7d", "days_left"}


def test_blanks(run: Run, store: Store) -> None:
    r = run("blanks", "receive", "200", "--note", "SJ-12/2026")
    assert r.rc == 0
    assert r.out == ("blanks: 200 left (received 200 - printed 0 - spoiled 0 + adjusted 0 "
                     "= 200); 0.0/day over 7 days\n")
    job_id = add(run)
    assert run("blanks", "spoil", "--job", job_id[:6]).rc == 0
    assert run("blanks", "spoil", "--note", "dropped").rc == 0
    assert run("blanks", "adjust", "-3", "--reason", "physical count").rc == 0
    r = run("blanks", "adjust", "+1", "--reason", "found one")
    assert r.rc == 0
    assert r.out == ("blanks: 196 left (received 200 - printed 0 - spoiled 2 - adjusted 2 = 196)"
                     "; 0.29/day over 7 days, about 686.0 days of stock\n")
    data = json.loads(run("blanks", "show", "--json").out)
    assert set(data) == BLANK_KEYS
    assert (data["received"], data["printed"], data["spoiled"], data["adjusted"],
            data["balance"]) == (200, 0, 2, -2, 196)
    assert data["reconciled"] is True and data["used_per_day_7d"] == 0.29
    assert data["days_left"] == 686.0
    store.refresh()
    spoiled = [e for e in store.ledger_entries() if e.kind.value == "spoiled"]
    assert [e.job_id for e in spoiled] == [job_id, None]
    assert [e.operator for e in store.ledger_entries()] == ["siti"] * 5


def test_blanks_refusals(run: Run) -> None:
    r = run("blanks", "spoil", "--note", "jam")
    assert r.rc == 1 and r.err.startswith("ktptui: the ledger has 0 blank(s); this spoiled")
    run("blanks", "receive", "2")
    for args, rc, message in (
        (("blanks", "adjust", "-3", "--reason", "count"), 1, "the ledger has 2 blank(s)"),
        (("blanks", "adjust", "+2", "--reason", " "), 1, "an adjustment needs a reason"),
        (("blanks", "adjust", "0", "--reason", "x"), 1, "an adjustment of 0 changes nothing"),
        (("blanks", "adjust", "two", "--reason", "x"), 2, "adjust needs +N or -N, got 'two'"),
        (("blanks", "receive", "0"), 1, "a shipment must add at least one blank, got 0"),
        (("blanks", "receive", "-4"), 1, "a shipment must add at least one blank, got -4"),
        (("blanks", "spoil"), 1, "a spoiled blank needs a job or a note"),
        (("blanks", "spoil", "--job", "ffff"), 1, "no job with id starting 'ffff'"),
    ):
        r = run(*args)
        assert (r.rc, r.out) == (rc, ""), args
        assert r.err.startswith(f"ktptui: {message}") and r.err.count("\n") == 1, (args, r.err)
    assert json.loads(run("blanks", "show", "--json").out)["balance"] == 2


def test_blanks_show_exits_1_when_the_ledger_does_not_reconcile(run: Run,
                                                                tmp_path: Path) -> None:
    run("blanks", "receive", "10")
    store = Store(tmp_path / "data")
    store.compact()
    snap = tmp_path / "data" / "snapshot.json"
    raw = json.loads(snap.read_bytes())
    raw["ledger_carry"]["received"] = 12
    snap.write_text(json.dumps(raw))
    r = run("blanks", "show")
    assert r.rc == 1 and "MISMATCH: the store carries a balance of 12" in r.out
    assert json.loads(run("blanks", "show", "--json").out)["reconciled"] is False


# -- status -----------------------------------------------------------------------------------

def test_status_json_has_the_engines_status_typed(run: Run, store: Store) -> None:
    """What the engine published is read back as typed values (enums, numbers),
    never as text; an older untyped record reads as no status at all."""
    from tuikit import fixed_status

    from ktptui.central.errors import Cause
    from ktptui.central.monitor import LinkCause, LinkState, LinkStatus
    from ktptui.power import PowerStatus, Supply
    from ktptui.station.status import STATUS_KEY, Gate, InterruptedCard

    since = datetime(2030, 1, 15, 2, 18, tzinfo=UTC)
    status = fixed_status(
        Gate.LINK, "Not printing: central unreachable", blanks=7, low_threshold=10,
        link=LinkStatus(LinkState.DOWN, since, 3.4, LinkCause.UNREACHABLE, "connection refused",
                        Cause.REFUSED),
        power=PowerStatus(Supply.BATTERY, 38, 240, False, "on battery 38%, ~4 min left"),
        clock_offset_s=-10800.0, queue={"queued": 3},
        interrupted=InterruptedCard("0123456789abcdef", None, "2030-01-15T01:00:00.000Z", 1))
    with store.transaction() as tx:
        tx.set_meta(STATUS_KEY, status.to_json())
    engine = json.loads(run("status", "--json").out)["engine"]
    assert engine["schema"] == 2 and engine["gate"] == "link" and engine["printers"] == []
    assert engine["job"] == "0123456789abcdef"
    assert engine["link"] == {"state": "down", "since": since.isoformat(), "retry_in_s": 3.4,
                              "cause": "unreachable", "detail": "connection refused",
                              "reason": "refused"}
    assert engine["power"] == {"source": "battery", "charge_percent": 38, "runtime_s": 240,
                               "low": False, "detail": "on battery 38%, ~4 min left"}
    assert engine["printer"] == {"ready": True, "busy": False, "reasons": [], "warnings": [],
                                 "message": "ready"}
    assert engine["blanks"] == {"balance": 7, "low_threshold": 10, "low": True}
    assert engine["clock_offset_s"] == -10800.0 and engine["queue"] == {"queued": 3}
    text = run("status").out
    assert "link: down since " in text and "(connection refused)" in text
    assert "clock: the station's clock is 3 h ahead of central's" in text
    with store.transaction() as tx:  # the text a version before the typed status wrote
        tx.set_meta(STATUS_KEY, {"gate": "idle", "link": "up since 09:18", "power": "mains"})
    assert json.loads(run("status", "--json").out)["engine"] is None


def test_status_json_shape(run: Run, store: Store) -> None:
    run("blanks", "receive", "200")
    add(run, "3515051503900011")
    run("cancel", add(run, "3515051503900012"))
    r = run("status", "--json")
    assert r.rc == 0 and r.err == ""
    data = json.loads(r.out)
    assert list(data) == ["schema", "jobs", "blanks", "outbox", "engine", "paused",
                          "interrupted", "printers_paused", "session_required", "session_open"]
    assert data["schema"] == 2 and data["engine"] is None and data["printers_paused"] == {}
    assert (data["paused"], data["interrupted"]) == (None, [])
    assert (data["session_required"], data["session_open"]) == (False, False)
    assert list(data["jobs"]) == [s.value for s in State]
    assert set(data["jobs"]) == {"queued", "held", "authorized", "printing", "printed", "done",
                                 "interrupted", "rejected", "cancelled", "waiting_citizen"}
    assert data["jobs"]["queued"] == 1 and data["jobs"]["cancelled"] == 1
    assert sum(data["jobs"].values()) == 2
    assert data["blanks"] == {"received": 200, "printed": 0, "spoiled": 0, "adjusted": 0,
                              "balance": 200}
    assert data["outbox"] == 0
    assert data["engine"] is None  # no engine has run
    from tuikit import LINK_SINCE, fixed_status

    from ktptui.station.status import Gate

    engine = fixed_status(Gate.PRINTING, "Printing",
                          at="2026-11-23T03:10:00.000+00:00").to_json()
    store.refresh()
    with store.transaction() as tx:
        tx.set_meta("engine_status", engine)
    assert json.loads(run("status", "--json").out)["engine"] == engine
    text = run("status").out.splitlines()
    assert text[0] == "jobs: queued 1, cancelled 1"
    assert text[1] == "blanks: 200 left (received 200, printed 0, spoiled 0, adjusted +0)"
    since = LINK_SINCE.astimezone().strftime("%H:%M")
    assert f"link: up since {since}; power: mains; printer: ready" in text


def test_status_on_an_empty_store(run: Run) -> None:
    data = json.loads(run("status", "--json").out)
    assert set(data["jobs"].values()) == {0} and data["blanks"]["balance"] == 0
    assert run("status").out.splitlines()[0] == "jobs: none"


# -- config and store errors ----------------------------------------------------------------

@pytest.mark.parametrize(("body", "key"), [
    ("[store]\ndatadir = \"/x\"\n", "[store] datadir: unknown key"),
    ("[station]\noperator = 5\n", "[station] operator must be str, got int 5"),
    ("[printer]\nbackend = \"lpd\"\n", "[printer] backend must be one of sim, cups, spool"),
    ("[nope]\n", "unknown section [nope]"),
])
def test_a_bad_config_exits_2_naming_file_and_key(run: Run, tmp_path: Path, body: str,
                                                  key: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(body, encoding="utf-8")
    for args in (("status",), ("add", NIK), ("jobs", "--json"), ("blanks", "show")):
        r = run(*args, config=bad)
        assert (r.rc, r.out) == (2, ""), args
        assert r.err.startswith(f"ktptui: {bad}: {key}"), r.err
        assert r.err.count("\n") == 1


def test_a_missing_config_file_exits_2(run: Run, tmp_path: Path) -> None:
    r = run("status", config=tmp_path / "missing.toml")
    assert r.rc == 2 and f"{tmp_path / 'missing.toml'}: no such config file" in r.err


def test_config_from_the_environment(run: Run, config_file: Path,
                                     monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KTPTUI_CONFIG", str(config_file))
    job_id = run("add", NIK, config=None).out.strip()
    assert UUID.match(job_id)
    assert Store(tmp_path / "data").job(job_id) is not None


def test_a_corrupt_store_exits_1_naming_the_file_and_changes_nothing(run: Run,
                                                                     tmp_path: Path) -> None:
    add(run)
    store = Store(tmp_path / "data")
    store.compact()
    snap = tmp_path / "data" / "snapshot.json"
    snap.write_bytes(b"{\"format\": 1, \"gen")
    for args in (("status",), ("add", "3515051503900012"), ("jobs",)):
        r = run(*args)
        assert (r.rc, r.out) == (1, ""), args
        assert r.err.startswith(f"ktptui: store snapshot {snap} is unreadable")
        assert r.err.count("\n") == 1
    assert snap.read_bytes() == b"{\"format\": 1, \"gen"


def test_a_full_disk_exits_1_in_one_line(run: Run, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first = add(run)
    real = os.write
    data = str(tmp_path / "data")

    def full(fd: int, b: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, b)

    monkeypatch.setattr(os, "write", full)
    r = run("add", "3515051503900012")
    monkeypatch.setattr(os, "write", real)
    assert (r.rc, r.out) == (1, "")
    assert re.fullmatch(r"ktptui: disk full writing \S+journal-1\.jsonl: free some space on "
                        r"that disk; nothing was changed\n", r.err)
    assert [row["id"] for row in jobs_json(run)] == [first]


# -- who is acting ----------------------------------------------------------------------------

def test_operator_label(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SUDO_USER", "SSH_CLIENT", "SSH_CONNECTION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("USER", "ktp")
    assert identity.operator_label() == "ktp"
    monkeypatch.setenv("SUDO_USER", "siti")
    assert identity.operator_label() == "siti"
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.9 50000 10.0.0.1 22")
    assert identity.operator_label() == "siti@10.0.0.9"
    monkeypatch.setenv("SSH_CLIENT", "192.168.1.7 51234 22")
    assert identity.operator_label() == "siti@192.168.1.7"
    assert identity.operator_label("ani") == "ani@192.168.1.7"
    monkeypatch.delenv("SUDO_USER")
    monkeypatch.delenv("USER")
    monkeypatch.delenv("LOGNAME", raising=False)
    assert identity.operator_name() not in ("", "ktp", "siti")  # the passwd name, or uid<N>


def test_the_operator_recorded_by_the_cli(run: Run, monkeypatch: pytest.MonkeyPatch,
                                          config_file: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("SSH_CLIENT", "10.20.30.40 51234 22")
    first = add(run, "3515051503900011")
    monkeypatch.setenv("SUDO_USER", "budi")
    second = add(run, "3515051503900012")
    named = tmp_path / "named.toml"
    named.write_text(config_file.read_text() + '[station]\noperator = "loket-2"\n')
    third = run("add", "3515051503900013", "--config", str(named), config=None).out.strip()
    store = Store(tmp_path / "data")
    who = {j.id: j.history[0].operator for j in store.jobs()}
    assert who == {first: "siti@10.20.30.40", second: "budi@10.20.30.40",
                   third: "loket-2@10.20.30.40"}


# -- pause / unpause, and what status says about cards waiting ---------------------------

def test_pause_and_unpause_are_recorded_with_the_operator(run: Run, store: Store) -> None:
    r = run("pause", "--note", "lunch")
    assert (r.rc, r.err) == (0, "") and "paused" in r.out
    store.refresh()
    assert store.meta(actions.PAUSED_KEY) == {"by": "siti", "note": "lunch"}
    status = run("status")
    assert "printing: paused by siti (lunch); `ktptui unpause` resumes it\n" in status.out
    assert json.loads(run("status", "--json").out)["paused"] == {"by": "siti", "note": "lunch"}
    again = run("pause")
    assert again.rc == 1
    assert again.err == ("ktptui: printing is already paused by siti; "
                         "`ktptui unpause` resumes it\n")
    assert run("unpause").rc == 0
    store.refresh()
    assert store.meta(actions.PAUSED_KEY) is None
    assert run("unpause").err == "ktptui: printing is not paused\n"
    said = [(e.operator, e.detail) for e in store.events() if e.kind == "printing"]
    assert said == [("siti", "paused: lunch"), ("siti", "resumed")]


def test_status_names_the_interrupted_card_to_look_for(run: Run, store: Store) -> None:
    job_id = add(run)
    store.refresh()
    job = store.job(job_id)
    assert job is not None
    job = transition(job, State.AUTHORIZED, operator="e", authorization_id="a-1",
                     holder_name="SITI AMINAH")
    job = transition(job, State.PRINTING, operator="e", note="sent to printer ektp")
    sent_at = job.history[-1].at
    put(store, transition(job, State.INTERRUPTED, operator="e"))
    out = run("status").out
    assert (f"INTERRUPTED: check the printer for card {job_id[:8]} (SITI AMINAH), sent at "
            f"{sent_at}; then `ktptui resolve {job_id[:8]} ...`\n") in out
    status = json.loads(run("status", "--json").out)
    assert status["interrupted"] == [{"job": job_id, "holder": "SITI AMINAH",
                                      "printer": None, "started_at": sent_at}]


def test_status_says_a_print_session_is_required(run: Run, tmp_path: Path,
                                                 store: Store) -> None:
    from ktptui.office import sessions

    cfg = tmp_path / "session.toml"
    cfg.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n'
                   "[office]\nrequire_session = true\n[ui]\nlanguage = \"en\"\n",
                   encoding="utf-8")
    line = "print session: none open, and one is required to print"
    assert line in run("status", config=cfg).out
    assert line not in run("status").out  # not required: not said
    status = json.loads(run("status", "--json", config=cfg).out)
    assert (status["session_required"], status["session_open"]) == (True, False)
    sessions.open_session(store, 0, operator="siti")
    assert line not in run("status", config=cfg).out
    assert json.loads(run("status", "--json", config=cfg).out)["session_open"] is True


def test_urgent_records_its_note_and_can_be_undone(run: Run, store: Store) -> None:
    job_id = add(run)
    short = job_id[:8]
    assert run("urgent", short, "--note", "lansia").out == f"job {short}: queued (urgent)\n"
    r = run("urgent", short)
    assert (r.rc, r.err) == (1, f"ktptui: job {short} is already urgent\n")
    assert run("urgent", short, "--undo", "--note", "salah pilih").out == (
        f"job {short}: queued (normal)\n")
    r = run("urgent", short, "--undo")
    assert (r.rc, r.err) == (1, f"ktptui: job {short} is not urgent\n")
    store.refresh()
    assert [e.detail for e in store.events(job_id=job_id)][1:] == [
        "made urgent: lansia", "urgent undone: salah pilih"]
