"""The audit trail: complete (every state change), readable (log), and not editable."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from officekit import (  # noqa: F401  (*_fixture: fixtures)
    BUDI,
    DAY,
    ENGINE,
    NIKS,
    SITI,
    WIB,
    Clock,
    add,
    authorize,
    clock_fixture,
    done,
    event,
    move,
    office_day,
    print_card,
    reject,
    st_fixture,
    wib_local_fixture,
)

from ktptui import actions
from ktptui.model import Outcome, State, transition
from ktptui.office import audit, retention, sessions
from ktptui.store import OutboxItem, Store, Transaction, ledger

# -- complete: every state change is an event -------------------------------------------


def _history_as_events(st: Store, job_id: str) -> tuple[list[tuple[str, str]], ...]:
    job = st.job(job_id) or st.find_job(job_id)
    want = [(h.operator, f"{h.from_state or '-'} -> {h.to_state}"
             + (f": {h.note}" if h.note else "")) for h in job.history]
    got = [(e.operator, e.detail) for e in st.events(job_id=job_id)
           if e.kind == "job" and " -> " in e.detail]
    return want, got


def test_every_job_state_change_is_an_audit_record(st: Store, clock: Clock) -> None:
    clock.at("2026-11-23T01:00")
    actions.receive_blanks(st, 10, operator="admin")
    a = add(st, clock, "2026-11-23T01:00", NIKS[0], BUDI, note="walk-in")
    clock.at("2026-11-23T01:05")
    actions.hold(st, a.id, operator=SITI, note="papers missing")
    actions.release(st, a.id, operator=SITI, note="papers brought")
    authorize(st, a.id, "AGUS")
    print_card(st, a.id, Outcome.SPOILED)
    authorize(st, a.id, "AGUS")
    move(st, a.id, State.PRINTING, ENGINE)
    move(st, a.id, State.INTERRUPTED, ENGINE, "was printing when ktptui stopped")
    actions.resolve(st, a.id, Outcome.PRINTED, operator=BUDI, note="card in the tray")
    done(st, a.id)
    b = add(st, clock, "2026-11-23T02:00", NIKS[1], BUDI)
    authorize(st, b.id)
    actions.cancel(st, b.id, operator=BUDI, note="citizen moved away")
    c = add(st, clock, "2026-11-23T02:10", NIKS[2], SITI)
    actions.make_urgent(st, c.id, operator=SITI)
    reject(st, c.id, "not_recorded")
    for job in (a, b, c):
        want, got = _history_as_events(st, job.id)
        assert got == want and len(want) > 1
    assert len(_history_as_events(st, a.id)[0]) == 11
    assert [e.detail for e in st.events(job_id=c.id)][1] == "made urgent"
    # Every record names who did it; an SSH operator's address is part of it.
    assert all(e.operator for e in st.events())
    assert audit.split_operator(BUDI) == ("budi", "10.0.0.5")
    assert audit.split_operator(ENGINE) == (ENGINE, "")


# -- readable: ktptui log --------------------------------------------------------------

def _some_events(st: Store, clock: Clock) -> str:
    job = add(st, clock, "2026-11-22T16:00", NIKS[0], BUDI, note="first")  # 23:00 WIB 22nd
    event(st, clock, "2026-11-22T17:30", "link", "down: timeout")  # 00:30 WIB 23rd
    clock.at("2026-11-23T01:00")
    actions.hold(st, job.id, operator=SITI, note="wait")
    event(st, clock, "2026-11-23T02:00", "link", "up")
    return job.id


def test_log_since_and_job_filters(st: Store, clock: Clock) -> None:
    job_id = _some_events(st, clock)
    every = audit.trail(st)
    assert [e.kind for e in every] == ["job", "link", "job", "link"]
    assert [e.at for e in every] == sorted(e.at for e in every)
    since = audit.parse_since(DAY, WIB)
    assert since == "2026-11-22T17:00:00.000+00:00"
    assert [e.detail for e in audit.trail(st, since=since)] == [
        "down: timeout", "queued -> held: wait", "up"]
    assert audit.parse_since("2026-11-23T08:00", WIB) == "2026-11-23T01:00:00.000+00:00"
    assert audit.parse_since("2026-11-23T01:00+00:00") == "2026-11-23T01:00:00.000+00:00"
    assert [e.detail for e in audit.trail(st, since=audit.parse_since(
        "2026-11-23T08:00", WIB))] == ["queued -> held: wait", "up"]
    assert [e.detail for e in audit.trail(st, job_id=job_id)] == [
        "- -> queued: first", "queued -> held: wait"]
    with pytest.raises(audit.AuditError, match="not YYYY-MM-DD"):
        audit.parse_since("yesterday")


def test_log_formats(st: Store, clock: Clock) -> None:
    job_id = _some_events(st, clock)
    events = audit.trail(st)
    rows = json.loads(audit.to_json(events))
    assert rows[2] == {"at": "2026-11-23T01:00:00.000+00:00", "kind": "job", "operator": SITI,
                       "address": "10.0.0.9", "job_id": job_id,
                       "detail": "queued -> held: wait", "id": events[2].id}
    assert rows[1]["job_id"] is None and rows[1]["address"] == ""
    table = list(csv.reader(io.StringIO(audit.to_csv(events))))
    assert table[0] == ["at", "kind", "operator", "address", "job_id", "detail", "id"]
    assert table[2] == ["2026-11-22T17:30:00.000+00:00", "link", ENGINE, "", "",
                        "down: timeout", events[1].id]
    assert len(table) == 5
    lines = audit.to_text_lines(events, WIB)  # Indonesian dates (the default language)
    assert lines[0] == (f"22-11-2026 23:00:00  pekerjaan {BUDI:20} {job_id[:8]}  "
                        "- -> antre: first")  # stored with its catalogue key
    # Stored as English text only (an old record): shown as stored.
    assert lines[1] == f"23-11-2026 00:30:00  jaringan  {ENGINE:20} -         down: timeout"


def test_log_includes_archived_events(st: Store, clock: Clock) -> None:
    _some_events(st, clock)
    before = audit.trail(st)
    clock.at("2026-12-05T00:00")
    st.compact()
    assert sorted((st.dir / "archive").glob("events-*.jsonl"))
    assert audit.trail(Store(st.dir)) == before


def test_cli_log(st: Store, clock: Clock, tmp_path: Path, wib_local: None,
                 capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    job_id = _some_events(st, clock)
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{st.dir}"\n', encoding="utf-8")
    c = ["--config", str(cfg)]
    assert main(["log", *c]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and out[0].startswith("22-11-2026 23:00:00  pekerjaan ")
    assert main(["log", "--since", DAY, "--json", *c]) == 0
    assert [r["detail"] for r in json.loads(capsys.readouterr().out)] == [
        "down: timeout", "queued -> held: wait", "up"]
    assert main(["log", "--job", job_id[:8], "--csv", *c]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["log", "--since", "tomorrow", *c]) == 2
    assert main(["log", "--job", "ffffffff", *c]) == 1
    assert main(["log", "--since", "2027-01-01", *c]) == 0
    assert capsys.readouterr().out.endswith("Tidak ada kejadian\n")


# -- not editable ----------------------------------------------------------------------

#: Verbs that would change or remove records.
EDITING = re.compile(r"del|remov|rm\b|edit|modif|updat|truncat|eras|clear|rewrit|amend|"
                     r"prune|drop|replac|set|redact|purge|undo|revert")


def _commands(parser: argparse.ArgumentParser, path: str = "") -> dict[str, set[str]]:
    """Every command path of the CLI with its option strings."""
    found: dict[str, set[str]] = {}
    options = {o for a in parser._actions for o in a.option_strings}
    found[path or "ktptui"] = options
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_commands(sub, f"{path} {name}".strip()))
    return found


def test_no_command_edits_or_removes_audit_records() -> None:
    from ktptui.cli.main import build_parser

    commands = _commands(build_parser())
    assert {"log", "report", "suket", "session open", "session close", "purge"} <= set(commands)
    assert commands["log"] == {"-h", "--help", "--config", "--since", "--job", "--json", "--csv"}
    # No command is about the trail other than reading it; the only command
    # with an editing verb is `purge`, which leaves events byte-identical
    # (test_purge_and_everything_else_leave_earlier_records_byte_identical).
    editing = {c for c in commands if EDITING.search(c)}
    assert editing == {"purge"}
    for c, opts in commands.items():
        assert not any(re.search(r"event|audit|log", o) for o in opts), (c, opts)


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))}


def test_store_has_no_call_that_changes_an_event() -> None:
    for cls in (Store, Transaction):
        names = _public(cls)
        about_events = {n for n in names if "event" in n}
        assert about_events <= {"events", "add_event"}, about_events
    # The rewriting calls in the store are for the jobs archive (retention;
    # a hand-over recorded after archiving, issue 13).
    assert {n for n in _public(Store) if EDITING.search(n)} == {"rewrite_archived_jobs",
                                                                  "amend_archived_job"}
    assert {n for n in _public(Transaction) if EDITING.search(n)} == {
        "remove_outbox", "set_meta"}


def test_transaction_writes_to_events_only_as_new_records(st: Store, clock: Clock) -> None:
    job = add(st, clock, "2026-11-23T01:00", NIKS[0], BUDI)
    known = {e.id for e in st.events()}
    tx = Transaction(st)
    moved = transition(job, State.HELD, operator=SITI, note="x")
    tx.put_job(moved)
    tx.put_job(moved.changed(note="n"))
    tx.add_ledger(ledger.make_entry(ledger.Kind.RECEIVED, 3, operator=SITI))
    tx.put_outbox(OutboxItem(job.id, 1, "auth", "not_printed", SITI))
    tx.remove_outbox(f"{job.id}/1")
    tx.add_event("note", SITI, "x")
    tx.set_meta("k", 1)
    event_ops = [op for op in tx.ops if op[1] == "events"]
    assert len(event_ops) == 2
    assert all(op[0] == "put" and op[2] not in known for op in event_ops)
    assert len({op[2] for op in event_ops}) == 2
    assert all(op[1] != "events" for op in tx.ops if op[0] == "del")


def _event_bytes(st: Store) -> dict[str, str]:
    st.refresh()
    return {e.id: json.dumps(dataclasses.asdict(e), sort_keys=True, ensure_ascii=False)
            for e in st.events()}


def _archive_bytes(st: Store, table: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (st.dir / "archive").glob(f"{table}-*.jsonl")}


def test_purge_and_everything_else_leave_earlier_records_byte_identical(
        st: Store, clock: Clock) -> None:
    office_day(st, clock)
    clock.at("2026-11-25T00:00")
    st.compact()  # part of the trail is archived, part is hot
    first = _event_bytes(st)
    ledger_first = _archive_bytes(st, "ledger")
    events_archive = _archive_bytes(st, "events")
    assert first and events_archive

    # Append more of everything: actions, a session, a purge, compactions.
    job = add(st, clock, "2026-11-25T01:00", NIKS[10], BUDI)
    actions.hold(st, job.id, operator=SITI)
    sessions.open_session(st, 90, operator=SITI, confirm=90, reason="recount")
    sessions.close_session(st, 90, operator=SITI)
    clock.at("2027-06-01T00:00")
    assert retention.purge(st, days=90, operator=BUDI) == 6  # B C E F G I
    st.rewrite_archived_jobs(lambda doc: {**doc, "note": "changed"})
    st.compact()

    after = _event_bytes(Store(st.dir))
    assert {k: after[k] for k in first} == first  # every earlier record, unchanged
    assert len(after) > len(first)
    for name, old in events_archive.items():  # archive files only grow
        assert _archive_bytes(st, "events")[name].startswith(old)
    for name, old in ledger_first.items():
        assert _archive_bytes(st, "ledger")[name].startswith(old)


def test_events_are_read_back_in_the_order_written(st: Store, clock: Clock) -> None:
    clock.at("2026-11-23T01:00")
    with st.transaction() as tx:
        for i in range(5):
            tx.add_event("note", SITI, f"n{i}")
    assert [e.detail for e in audit.trail(Store(st.dir))] == [f"n{i}" for i in range(5)]


def _rows(st: Store) -> list[dict[str, Any]]:
    return [dataclasses.asdict(e) for e in st.events()]


def test_event_records_carry_no_nik_or_holder_name(st: Store, clock: Clock) -> None:
    jobs = office_day(st, clock)
    blob = json.dumps(_rows(st))
    for job in jobs.values():
        assert job.nik not in blob
        if job.holder_name:
            assert job.holder_name not in blob
