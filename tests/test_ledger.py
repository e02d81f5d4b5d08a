"""The blank ledger: entry rules, derived balance never below zero,
reconciliation, the forecast, and the ledger kept by the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from officekit import count_decodes

from ktptui import actions, roles
from ktptui.i18n import set_language
from ktptui.model import Outcome, State, transition
from ktptui.store import Store, ledger
from ktptui.store.ledger import Entry, Kind, LedgerError, Totals, make_entry

TODAY = date(2026, 11, 23)

#: Root counts as a supervisor (the tests run as root).
ROOT = roles.who_for_uid(0)


def at_noon(day: date) -> datetime:
    """Local noon: safely inside ``day`` whatever the station's time zone."""
    return datetime.combine(day, time(12)).astimezone()


def entry(kind: Kind, delta: int, day: date = TODAY, job: str | None = None,
          note: str = "n") -> Entry:
    return make_entry(kind, delta, operator="op", job_id=job, note=note, at=at_noon(day))


# -- entries -------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "delta", "job", "note", "message"), [
    (Kind.RECEIVED, 0, None, "", "a shipment must add at least one blank, got 0"),
    (Kind.RECEIVED, -5, None, "", "a shipment must add at least one blank, got -5"),
    (Kind.PRINTED, 1, "j", "", "a printed entry uses exactly one blank, got 1"),
    (Kind.PRINTED, -2, "j", "", "a printed entry uses exactly one blank, got -2"),
    (Kind.SPOILED, 0, "j", "", "a spoiled entry uses exactly one blank, got 0"),
    (Kind.SPOILED, -1, None, "  ", "a spoiled blank needs a job or a note saying what happened"),
    (Kind.ADJUSTED, 0, None, "count", "an adjustment of 0 changes nothing"),
    (Kind.ADJUSTED, 3, None, "", "an adjustment needs a reason (--reason)"),
    (Kind.ADJUSTED, -3, None, " \t", "an adjustment needs a reason (--reason)"),
])
def test_entry_rules(kind: Kind, delta: int, job: str | None, note: str, message: str) -> None:
    with pytest.raises(LedgerError) as info:
        make_entry(kind, delta, operator="op", job_id=job, note=note)
    assert str(info.value) == message


def test_good_entries() -> None:
    e = make_entry(Kind.RECEIVED, 200, operator="siti", note="SJ-7")
    assert (e.kind, e.delta, e.operator, e.note) == (Kind.RECEIVED, 200, "siti", "SJ-7")
    assert make_entry(Kind.SPOILED, -1, operator="o", job_id="j").job_id == "j"
    assert make_entry(Kind.SPOILED, -1, operator="o", note="jam").note == "jam"
    assert make_entry(Kind.ADJUSTED, -4, operator="o", note="count").delta == -4
    assert make_entry(Kind.ADJUSTED, 4, operator="o", note="count").delta == 4
    assert Entry.from_dict(e.to_dict()) == e
    assert e.to_dict()["kind"] == "received"


def test_balance_is_derived_from_the_entries() -> None:
    t = ledger.totals([entry(Kind.RECEIVED, 10), entry(Kind.PRINTED, -1, job="a"),
                       entry(Kind.SPOILED, -1, job="a"), entry(Kind.ADJUSTED, -3),
                       entry(Kind.ADJUSTED, 1), entry(Kind.RECEIVED, 5)])
    assert t == Totals(received=15, printed=1, spoiled=1, adjusted=-2)
    assert t.balance == 11
    assert t.to_dict() == {"received": 15, "printed": 1, "spoiled": 1, "adjusted": -2,
                           "balance": 11}
    assert Totals.from_dict(t.to_dict()) == t
    assert ledger.totals([entry(Kind.RECEIVED, 2)], start=t).balance == 13


@pytest.mark.parametrize(("kind", "delta"), [
    (Kind.PRINTED, -1), (Kind.SPOILED, -1), (Kind.ADJUSTED, -3),
])
def test_the_balance_never_goes_below_zero(kind: Kind, delta: int) -> None:
    two = Totals(received=2)
    ledger.check_balance(Totals(received=3), entry(kind, delta, job="j"))
    if delta == -1:
        ledger.check_balance(Totals(received=1), entry(kind, delta, job="j"))
    else:
        with pytest.raises(LedgerError) as info:
            ledger.check_balance(two, entry(kind, delta, job="j"))
        assert str(info.value).startswith("the ledger has 2 blank(s); this adjusted entry")
    with pytest.raises(LedgerError, match="would make it negative. Record the shipment first"):
        ledger.check_balance(Totals(), entry(kind, delta, job="j"))


def test_reconciliation() -> None:
    entries = [entry(Kind.RECEIVED, 10), entry(Kind.PRINTED, -1, job="aaaaaaaa-1"),
               entry(Kind.SPOILED, -1, note="jam"), entry(Kind.ADJUSTED, -2, note="count")]
    t = ledger.totals(entries)
    rec = ledger.reconcile(entries, t)
    assert rec.ok and rec.totals == t
    assert rec.describe() == "received 10 - printed 1 - spoiled 1 - adjusted 2 = 6"
    plus = ledger.reconcile([entry(Kind.RECEIVED, 1), entry(Kind.ADJUSTED, 2)], Totals(1, 0, 0, 2))
    assert plus.describe() == "received 1 - printed 0 - spoiled 0 + adjusted 2 = 3"

    off = ledger.reconcile(entries, Totals(received=10, printed=1))
    assert not off.ok
    assert off.describe().endswith("; MISMATCH: the store carries a balance of 9")

    twice = [*entries, entry(Kind.PRINTED, -1, job="aaaaaaaa-1")]
    rec2 = ledger.reconcile(twice, ledger.totals(twice))
    assert not rec2.ok and rec2.double_printed_jobs == ("aaaaaaaa-1",)
    assert rec2.describe().endswith("; jobs printed twice: aaaaaaaa")


def test_reconciliation_fails_below_zero() -> None:
    # Entries forced in without check_balance (e.g. an edited file) cannot reconcile.
    entries = [entry(Kind.PRINTED, -1, job="a")]
    assert not ledger.reconcile(entries, ledger.totals(entries)).ok


def test_forecast_over_the_last_seven_days() -> None:
    entries = [entry(Kind.RECEIVED, 100, day=TODAY - timedelta(days=20))]
    entries += [entry(Kind.PRINTED, -1, day=TODAY - timedelta(days=d), job=f"j{d}-{k}")
                for d in range(7) for k in range(2)]  # 14 in the window
    entries += [entry(Kind.SPOILED, -1, day=TODAY - timedelta(days=3), note="jam")]  # 15
    entries += [entry(Kind.PRINTED, -1, day=TODAY - timedelta(days=7), job="old")]  # outside
    entries += [entry(Kind.PRINTED, -1, day=TODAY + timedelta(days=1), job="future")]
    entries += [entry(Kind.ADJUSTED, -5, day=TODAY, note="count")]  # not use
    fc = ledger.forecast(entries, 30, today=TODAY)
    assert fc.window_days == 7
    assert fc.per_day == pytest.approx(15 / 7)
    assert fc.days_left == pytest.approx(30 / (15 / 7))
    assert ledger.forecast(entries, 30, today=TODAY, window_days=1).per_day == 2


def test_forecast_without_recent_use_has_no_days_left() -> None:
    fc = ledger.forecast([entry(Kind.RECEIVED, 10)], 10, today=TODAY)
    assert (fc.per_day, fc.days_left) == (0, None)
    assert ledger.forecast([], 0, today=TODAY).days_left is None


# -- the ledger in the store -------------------------------------------------------------

def test_store_ledger_is_append_only_and_refuses_going_negative(
        store: Store, data_dir: Path) -> None:
    with pytest.raises(actions.ActionRefused, match="the ledger has 0 blank"):
        actions.spoil_blank(store, operator="op", note="jam")
    first = actions.receive_blanks(store, 3, operator="op", note="SJ-1")
    actions.spoil_blank(store, operator="op", note="jam")
    with pytest.raises(actions.ActionRefused, match="the ledger has 2 blank"):
        actions.adjust_blanks(store, -3, operator="op", reason="count", who=ROOT)
    with pytest.raises(actions.ActionRefused, match="needs a reason"):
        actions.adjust_blanks(store, -1, operator="op", reason="", who=ROOT)
    with pytest.raises(actions.ActionRefused, match="at least one blank"):
        actions.receive_blanks(store, 0, operator="op")
    actions.adjust_blanks(store, -2, operator="op", reason="count on 23 Nov", who=ROOT)
    entries = store.ledger_entries()
    assert [(e.kind, e.delta) for e in entries] == [
        (Kind.RECEIVED, 3), (Kind.SPOILED, -1), (Kind.ADJUSTED, -2)]
    assert entries[0] == first
    assert store.ledger_totals() == Totals(received=3, spoiled=1, adjusted=-2)
    assert store.ledger_totals().balance == 0 and store.reconcile().ok
    blanks_events = [e.detail for e in store.events() if e.kind == "blanks"]
    assert blanks_events == ["received +3: SJ-1", "spoiled -1: jam", "adjusted -2: count on 23 Nov"]
    again = Store(data_dir)
    assert again.ledger_entries() == entries


def test_printed_and_spoiled_cards_take_one_blank_each(store: Store,
                                                       make_nik: Callable[[int], str]) -> None:
    actions.receive_blanks(store, 5, operator="op")
    job = actions.add(store, make_nik(1), operator="op")
    for outcome, want_state in ((Outcome.SPOILED, State.QUEUED), (Outcome.PRINTED, State.PRINTED)):
        with store.transaction() as tx:
            j = tx.job(job.id)
            assert j is not None
            j = transition(j, State.AUTHORIZED, operator="e", authorization_id=f"a-{outcome}")
            j = transition(j, State.PRINTING, operator="e")
            tx.put_job(j)
        with store.transaction() as tx:
            j = tx.job(job.id)
            assert j is not None
            assert actions.settle_card(tx, j, outcome, operator="e").state is want_state
    entries = store.ledger_entries()
    assert [(e.kind, e.job_id) for e in entries[1:]] == [
        (Kind.SPOILED, job.id), (Kind.PRINTED, job.id)]
    assert store.ledger_totals().balance == 3 and store.reconcile().ok


def test_totals_carry_over_compaction_and_a_tampered_carry_is_caught(
        data_dir: Path) -> None:
    store = Store(data_dir)
    actions.receive_blanks(store, 10, operator="op")
    actions.spoil_blank(store, operator="op", note="jam")
    store.compact()
    actions.adjust_blanks(store, 2, operator="op", reason="found a box", who=ROOT)
    assert store.ledger_totals() == Totals(received=10, spoiled=1, adjusted=2)
    assert store.reconcile().ok and len(store.ledger_entries()) == 3
    assert store.ledger_entries(include_archive=False)[0].kind is Kind.ADJUSTED
    # Someone edits the carried totals in the snapshot: reconciliation says so.
    snap = data_dir / "snapshot.json"
    raw = json.loads(snap.read_bytes())
    raw["ledger_carry"]["received"] = 50
    snap.write_text(json.dumps(raw))
    rec = Store(data_dir).reconcile()
    assert not rec.ok
    assert rec.describe() == ("received 10 - printed 0 - spoiled 1 + adjusted 2 = 11; "
                              "MISMATCH: the store carries a balance of 51")


def test_blanks_show_forecasts_from_the_hourly_counts_not_the_entries(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    today = datetime.now().astimezone().date()
    with store.transaction() as tx:
        tx.add_ledger(make_entry(Kind.RECEIVED, 500, operator="op", note="SJ-1",
                                 at=at_noon(today - timedelta(days=20))))
        for back in range(12):  # 3 a day for 12 days, a spoiled one every other day
            for n in range(3):
                tx.add_ledger(make_entry(Kind.PRINTED, -1, operator="op", job_id=f"j{back}.{n}",
                                         at=at_noon(today - timedelta(days=back))))
            if back % 2:
                tx.add_ledger(make_entry(Kind.SPOILED, -1, operator="op", note="jam",
                                         at=at_noon(today - timedelta(days=back))))
    store.compact()  # every entry archived
    with store.transaction() as tx:  # and one hot, today
        tx.add_ledger(make_entry(Kind.PRINTED, -1, operator="op", job_id="k"))
    expected = ledger.forecast(store.ledger_entries(), store.ledger_totals().balance)
    decoded = count_decodes(monkeypatch)
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{store.dir}"\n', encoding="utf-8")
    assert main(["blanks", "show", "--json", "--config", str(cfg)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert expected.per_day == (7 * 3 + 3 + 1) / 7
    assert shown["used_per_day_7d"] == round(expected.per_day, 2)
    assert shown["days_left"] == round(expected.days_left or 0, 1)
    assert shown["reconciled"] and shown["balance"] == 500 - 36 - 6 - 1
    assert decoded[0] == 0


# -- roles, approvals, entries (issue 14) -----------------------------------------------

NOBODY = roles.who_for_uid(65534)  # a real account that is no supervisor


def test_only_a_supervisor_adjusts_or_approves(store: Store) -> None:
    from ktptui.office import sessions

    actions.receive_blanks(store, 10, operator="op", ref="470/0123/35.12/2026")
    assert not NOBODY.supervisor and ROOT.supervisor
    with pytest.raises(roles.NotSupervisor, match="member of group ktptui-supervisors"):
        actions.adjust_blanks(store, -1, operator="op", reason="count", who=NOBODY)
    sessions.open_session(store, 8, operator="op", confirm=8, reason="two torn")
    (counted,) = ledger.unapproved(store.ledger_entries())
    assert (counted.kind, counted.delta) == (Kind.COUNTED, -2)
    with pytest.raises(roles.NotSupervisor, match="nobody"):
        actions.approve_count(store, counted.id[:8], operator="op", who=NOBODY)
    before = store.ledger_entries()
    assert len(before) == 2  # nothing booked by the refusals

    approved = actions.approve_count(store, counted.id[:8], operator="kasi", who=ROOT)
    assert approved == counted and ledger.unapproved(store.ledger_entries()) == []
    last = store.ledger_entries()[-1]
    assert (last.kind, last.delta, last.ref, last.operator) == (
        Kind.APPROVED, 0, counted.id, "kasi (root)")
    assert store.ledger_totals().balance == 8  # an approval moves no blank
    received = store.ledger_entries()[0]
    with pytest.raises(actions.ActionRefused, match="sudah disetujui oleh kasi"):
        actions.approve_count(store, counted.id, operator="kasi", who=ROOT)
    with pytest.raises(actions.ActionRefused, match="bukan selisih hitung"):
        actions.approve_count(store, received.id, operator="kasi", who=ROOT)
    with pytest.raises(actions.ActionRefused, match="tidak ada catatan buku besar"):
        actions.approve_count(store, "ffffffff", operator="kasi", who=ROOT)
    assert len(store.ledger_entries()) == 3
    assert received.ref == "470/0123/35.12/2026"


def test_the_cli_refuses_a_non_supervisor_in_one_line(tmp_path: Path) -> None:
    """``sudo -u root ktptui ...`` run by nobody: the role follows the account
    that ran sudo (the interpreter lives under /root, closed to nobody, so
    the child is root with sudo's variables rather than setuid nobody)."""
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n[ui]\nlanguage = "en"\n',
                   encoding="utf-8")
    for args in (["blanks", "adjust", "-3", "--reason", "count"], ["approve", "abcd1234"]):
        p = subprocess.run([sys.executable, "-m", "ktptui", *args, "--config", str(cfg)],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "SUDO_UID": "65534", "SUDO_USER": "nobody"})
        assert p.returncode == 1 and p.stdout == ""
        assert p.stderr.startswith("ktptui: only a supervisor (a member of group "
                                   "ktptui-supervisors) may ") and p.stderr.count("\n") == 1
        assert "nobody is not" in p.stderr
    assert not (tmp_path / "data").exists()  # refused before the store was touched


def test_blanks_entries_lists_ids_and_the_unapproved(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main
    from ktptui.office import sessions

    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{store.dir}"\n[ui]\nlanguage = "en"\n',
                   encoding="utf-8")
    c = ["--config", str(cfg)]
    try:
        assert main(["blanks", "receive", "10", "--ref", "470/0123/35.12/2026", *c]) == 0
        capsys.readouterr()
        sessions.open_session(store, 9, operator="op", confirm=9, reason="one torn")
        assert main(["blanks", "entries", "--unapproved", "--json", *c]) == 0
        (shown,) = json.loads(capsys.readouterr().out)
        assert (shown["kind"], shown["delta"], shown["approved_by"]) == ("counted", -1, None)
        assert main(["blanks", "entries", *c]) == 0
        out = capsys.readouterr().out.splitlines()
        assert len(out) == 2 and "ref 470/0123/35.12/2026" in out[0]
        assert out[1].startswith(shown["id"]) and out[1].endswith("[not approved]")
        assert main(["approve", shown["id"][:8], *c]) == 0  # root: a supervisor
        assert capsys.readouterr().out.startswith(f"count difference {shown['id'][:8]} (-1) "
                                                  "approved by root")
        assert main(["blanks", "entries", "--unapproved", *c]) == 0
        assert capsys.readouterr().out == ""
        assert main(["blanks", "entries", *c]) == 0
        counted = capsys.readouterr().out.splitlines()[1]
        assert "[approved by " in counted and counted.endswith(" (root)]")
        assert main(["approve", shown["id"][:8], *c]) == 1
        assert "was already approved" in capsys.readouterr().err
    finally:
        set_language("id")  # the CLI set the config's language for the process
