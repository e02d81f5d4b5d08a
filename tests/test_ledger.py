"""The blank ledger: entry rules, derived balance never below zero,
reconciliation, the forecast, and the ledger kept by the store."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from officekit import count_decodes

from ktptui import actions, roles
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
