"""Daily report and blank requisition: exact figures from a store with known inputs."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest
from officekit import (  # noqa: F401  (*_fixture: fixtures)
    DAY,
    ENGINE,
    WIB,
    Clock,
    clock_fixture,
    count_decodes,
    damage_old_month,
    office_day,
    old_month,
    st_fixture,
    utc,
    wib_local_fixture,
)

from ktptui import actions
from ktptui.i18n import set_language
from ktptui.office import reports
from ktptui.store import Store, chain, ledger


def test_daily_report_figures(st: Store, clock: Clock) -> None:
    jobs = office_day(st, clock)
    r = reports.daily(st, date.fromisoformat(DAY), tz=WIB, office_code="35.15",
                      station_id="ktp-01")
    a = r.activity
    assert r.start == utc("2026-11-22T17:00")
    assert r.as_of == utc("2026-11-23T17:00")  # the whole day: it is over
    assert r.utc_offset == "+07:00"
    assert (a.printed, a.spoiled) == (3, 2)
    assert a.rejected == {"not_recorded": 2, "duplicate_request": 1}
    assert a.rejected_total == 3
    assert (a.not_recorded, a.not_recorded_with_suket) == (2, 1)
    assert (a.sukets_issued, a.suket_reprints) == (2, 1)
    assert r.waiting == 2  # A (queued since the day before) and H (held)
    assert r.oldest_waiting_job == jobs["A"].id
    assert r.oldest_waiting_hours == 31.0
    assert r.link_down_hours == 2.0  # 17:00-18:30Z, then 16:30-17:00Z (still down)
    assert r.battery_hours == 0.75  # 03:00-03:15Z, then 10:00-10:30Z (unknown ends it)
    assert {k: v.to_dict() for k, v in a.operators.items()} == {
        "budi": {"printed": 0, "spoiled": 0, "added": 5, "actions": 7},
        "ktp": {"printed": 3, "spoiled": 1, "added": 0, "actions": 17},
        "siti": {"printed": 0, "spoiled": 1, "added": 3, "actions": 6},
    }


def test_today_runs_up_to_now_and_ongoing_outage_is_counted(st: Store, clock: Clock) -> None:
    jobs = office_day(st, clock)  # now: 2026-11-24T02:00Z = 09:00 WIB
    r = reports.daily(st, tz=WIB)  # default day: today, station time
    assert r.day == date(2026, 11, 24)
    assert (r.start, r.as_of) == (utc("2026-11-23T17:00"), utc("2026-11-24T02:00"))
    assert r.activity.printed == 1  # J, at 01:00 WIB
    assert r.activity.spoiled == 0 and r.activity.rejected == {}
    assert r.link_down_hours == 9.0  # down since 23:30 WIB yesterday, still down
    assert r.battery_hours == 0.0
    assert (r.waiting, r.oldest_waiting_job) == (2, jobs["A"].id)
    assert r.oldest_waiting_hours == 40.0
    assert {k: v.to_dict() for k, v in r.activity.operators.items()} == {
        "budi": {"printed": 0, "spoiled": 0, "added": 1, "actions": 1},
        "ktp": {"printed": 1, "spoiled": 0, "added": 0, "actions": 3},
    }


def test_waiting_is_replayed_from_history_for_a_past_day(st: Store, clock: Clock) -> None:
    jobs = office_day(st, clock)
    r = reports.daily(st, date(2026, 11, 22), tz=WIB)
    # At the end of the 22nd (WIB) only A existed, queued for 7 hours.
    assert (r.waiting, r.oldest_waiting_job, r.oldest_waiting_hours) == (1, jobs["A"].id, 7.0)
    assert r.link_down_hours == 1.0  # 16:00-17:00Z
    assert r.activity.printed == 0
    assert {k: v.to_dict() for k, v in r.activity.operators.items()} == {
        "admin": {"printed": 0, "spoiled": 0, "added": 0, "actions": 1},
        "budi": {"printed": 0, "spoiled": 0, "added": 1, "actions": 1},
    }


def test_future_day_is_refused(st: Store, clock: Clock) -> None:
    clock.at("2026-11-24T02:00")
    with pytest.raises(reports.ReportError, match="25-11-2026 belum dimulai"):
        reports.daily(st, date(2026, 11, 25), tz=WIB)


def test_empty_store_report(st: Store, clock: Clock) -> None:
    clock.at("2026-11-24T02:00")
    r = reports.daily(st, tz=WIB)
    assert r.to_dict()["printed"] == 0 and r.waiting == 0 and r.oldest_waiting_job is None
    assert "(tidak ada kegiatan operator)" in reports.daily_text(r, WIB)


def test_daily_json_shape(st: Store, clock: Clock) -> None:
    jobs = office_day(st, clock)
    d = json.loads(reports.daily_json(reports.daily(
        st, date(2026, 11, 23), tz=WIB, office_code="35.15", station_id="ktp-01")))
    assert d == {
        "date": "2026-11-23", "utc_offset": "+07:00", "office_code": "35.15",
        "station_id": "ktp-01", "from": "2026-11-22T17:00:00.000+00:00",
        "as_of": "2026-11-23T17:00:00.000+00:00",
        "printed": 3, "spoiled": 2,
        "rejected": {"total": 3, "by_code": {"not_recorded": 2, "duplicate_request": 1}},
        "suket": {"not_recorded": 2, "not_recorded_with_suket": 1, "issued": 2, "reprints": 1},
        "waiting": {"count": 2, "oldest_job": jobs["A"].id,
                    "oldest_since": "2026-11-22T10:00:00.000+00:00", "oldest_hours": 31.0},
        "link_down_hours": 2.0, "battery_hours": 0.75,
        "blanks": {"opening": 100, "received": 0, "printed": 3, "spoiled": 2, "adjusted": 0,
                   "closing": 95},
        "count_differences": [],
        "chain_head": chain.head_text(st.chain_heads()),
        "operators": {
            "budi": {"printed": 0, "spoiled": 0, "added": 5, "actions": 7},
            "ktp": {"printed": 3, "spoiled": 1, "added": 0, "actions": 17},
            "siti": {"printed": 0, "spoiled": 1, "added": 3, "actions": 6},
        },
        # Issue 13: the three cards printed that day wait to be collected.
        "handed_over": 0, "uncollected": {"0-7": 3, "8-30": 0, "31-90": 0, ">90": 0},
    }


def test_daily_csv_columns_and_rows(st: Store, clock: Clock) -> None:
    jobs = office_day(st, clock)
    text = reports.daily_csv(reports.daily(st, date(2026, 11, 23), tz=WIB))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "section", "key", "value"]
    assert all(r[0] == "2026-11-23" and len(r) == 4 for r in rows[1:])
    got = {(r[1], r[2]): r[3] for r in rows[1:]}
    assert got[("printed", "")] == "3"
    assert got[("spoiled", "")] == "2"
    assert got[("rejected", "total")] == "3"
    assert got[("rejected", "not_recorded")] == "2"
    assert got[("rejected", "duplicate_request")] == "1"
    assert got[("suket", "issued")] == "2"
    assert got[("suket", "not_recorded_with_suket")] == "1"
    assert got[("waiting", "count")] == "2"
    assert got[("waiting", "oldest_job")] == jobs["A"].id
    assert got[("waiting", "oldest_hours")] == "31.00"
    assert got[("outage", "link_down_hours")] == "2.00"
    assert got[("outage", "battery_hours")] == "0.75"
    assert got[("operator_printed", "ktp")] == "3"
    assert got[("operator_added", "budi")] == "5"
    assert got[("operator_actions", "siti")] == "6"
    assert len(rows) == 1 + 14 + 6 + 3 * 4 + 1 + 4  # + handed over, uncollected by age
    assert got[("handover", "handed_over")] == "0" and got[("uncollected", "0-7")] == "3"
    assert got[("blanks", "opening")] == "100" and got[("blanks", "closing")] == "95"


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    try:
        yield
    finally:
        set_language("id")


ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def row(label: str, value: str) -> str:
    """A report line: the label, then the value right-aligned."""
    return f"{label:{reports.LABEL}}{value:>{reports.VALUE}}"


def test_daily_text_fits_80_columns(st: Store, clock: Clock, english: None) -> None:
    jobs = office_day(st, clock)
    text = reports.daily_text(reports.daily(st, date(2026, 11, 23), tz=WIB,
                                            office_code="35.15", station_id="ktp-01"), WIB)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0] == "Daily report 23 Nov 2026"
    assert lines[1] == ("office 35.15, station ktp-01 | as of 2026-11-24 00:00 (UTC+07:00)")
    assert row("Blanks at the start of the day", "100") in lines
    assert row("Cards printed", "3") in lines
    assert row("Blanks at the end of the day", "95") in lines
    assert row("  duplicate_request", "1") in lines
    assert row("  not recorded: issue a Suket", "2") in lines
    assert row("Sukets issued", "2") + "   (1 reprinted)" in lines
    assert f"  oldest: job {jobs['A'].short_id}, waiting 1 d 7 h" in lines
    assert row("Link to central down", "2 h") in lines
    assert row("On UPS battery", "45 min") in lines
    assert (f"{'ktp':25}{'3':>13}{'1':>13}{'0':>13}{'17':>13}") in lines


def test_daily_text_in_indonesian_has_indonesian_numbers_and_dates(
        st: Store, clock: Clock) -> None:
    """Indonesian mode: 9.973 not 9,973, 21-11-2026 / 20 Nov 2026, no ISO date."""
    _ledger_history(st, clock)
    r = reports.daily(st, date(2026, 11, 20), tz=WIB, office_code="35.15",
                      station_id="ktp-01")
    text = reports.daily_text(r, WIB)
    lines = text.splitlines()
    assert lines[0] == "Laporan harian 20 Nov 2026"
    assert lines[1] == "kantor 35.15, stasiun ktp-01 | per 21-11-2026 00:00 (UTC+07:00)"
    assert row("Stok awal blangko", "9.973") in lines
    assert row("Koreksi blangko", "-3") in lines
    assert row("Stok akhir blangko", "9.967") in lines
    assert row("Memakai baterai UPS", "0 menit") in lines
    assert not ISO_DATE.search(text), text
    assert max(len(line) for line in lines) <= 80
    pdf = reports.daily_pdf(r, WIB)
    assert pdf.startswith(b"%PDF-1.4") and b"(Stok akhir blangko" in pdf
    assert b"9.967" in pdf and b"2026-11" not in pdf


def test_daily_stock_opening_received_closing(st: Store, clock: Clock) -> None:
    """opening + received - printed - spoiled + adjusted = closing: a day with
    the shipment, a past working day, today so far, and a past day with an
    adjustment (the ledger history below)."""
    office_day(st, clock)
    got = {}
    for day in ("2026-11-21", "2026-11-22", DAY, "2026-11-24"):
        r = reports.daily(st, date.fromisoformat(day), tz=WIB)
        a = r.activity
        assert r.opening_stock + a.received - a.printed - a.spoiled + a.adjusted == \
            r.closing_stock
        got[day] = (r.opening_stock, a.received, a.printed, a.spoiled, a.adjusted,
                    r.closing_stock)
        assert r.to_dict()["blanks"] == dict(zip(
            ("opening", "received", "printed", "spoiled", "adjusted", "closing"),
            got[day], strict=True))
    assert got == {
        "2026-11-21": (0, 0, 0, 0, 0, 0),
        "2026-11-22": (0, 100, 0, 0, 0, 100),  # the shipment at 17:00 WIB
        DAY: (100, 0, 3, 2, 0, 95),
        "2026-11-24": (95, 0, 1, 0, 0, 94),  # today: up to now (J printed)
    }
    assert st.ledger_totals().balance == 94


def test_daily_stock_on_a_past_day_with_an_adjustment(st: Store, clock: Clock) -> None:
    _ledger_history(st, clock)
    st.compact()  # archived: the figures come through the index
    r = reports.daily(st, date(2026, 11, 20), tz=WIB)
    a = r.activity
    assert (r.opening_stock, a.received, a.printed, a.spoiled, a.adjusted,
            r.closing_stock) == (9_973, 0, 2, 1, -3, 9_967)
    rows = list(csv.reader(io.StringIO(reports.daily_csv(r))))
    blanks = {row[2]: row[3] for row in rows if row[1] == "blanks"}
    assert blanks == {"opening": "9973", "received": "0", "printed": "2", "spoiled": "1",
                      "adjusted": "-3", "closing": "9967"}
    assert all(row[0] == "2026-11-20" for row in rows[1:])  # CSV keeps ISO dates
    # A shipment today, still hot beside the archive: the past day's figures stay.
    actions.receive_blanks(st, 500, operator="admin", note="SP-002")
    again = reports.daily(st, date(2026, 11, 20), tz=WIB)
    assert (again.opening_stock, again.closing_stock) == (9_973, 9_967)
    assert st.ledger_totals().balance == 10_460


def test_outage_intervals() -> None:
    from ktptui.store import Event

    def ev(at: str, detail: str) -> Event:
        return Event(at, f"{at}:00.000+00:00", "link", ENGINE, detail)

    evs = [ev("2026-11-23T01:00", "up"), ev("2026-11-23T02:00", "down: x"),
           ev("2026-11-23T02:30", "down: y"), ev("2026-11-23T03:00", "degraded"),
           ev("2026-11-23T04:00", "down: z")]
    got = reports.outages(evs, "link", reports.link_is_down)
    assert got == [(utc("2026-11-23T02:00"), utc("2026-11-23T03:00")),
                   (utc("2026-11-23T04:00"), None)]
    assert reports.hours_within(got, utc("2026-11-23T02:30"), utc("2026-11-23T05:00")) == 1.5
    assert reports.power_on_battery("on battery 62%, ~18 min left")
    assert not reports.power_on_battery("power state unknown: no UPS")
    assert not reports.power_on_battery("mains")


# -- blank requisition ---------------------------------------------------------------

def _ledger_history(st: Store, clock: Clock) -> None:
    clock.at("2026-11-01T02:00")
    with st.transaction() as tx:
        tx.add_ledger(ledger.make_entry(ledger.Kind.RECEIVED, 10_000, operator="admin",
                                        note="SP-001"))
        # 21 printed and 1 spoiled before the window (up to 17 Nov, 23:30 WIB).
        for _ in range(20):
            tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=ENGINE))
        tx.add_ledger(ledger.make_entry(ledger.Kind.SPOILED, -1, operator=ENGINE,
                                        note="jam"))
        tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=ENGINE,
                                        at=utc("2026-11-17T16:30")))
        # 14 printed and 1 spoiled in the window (18-24 Nov WIB).
        tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=ENGINE,
                                        at=utc("2026-11-17T17:30")))
        for day in range(18, 24):
            for _ in range(2):
                tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=ENGINE,
                                                at=utc(f"2026-11-{day}T03:00")))
        tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=ENGINE,
                                        at=utc("2026-11-24T01:00")))
        tx.add_ledger(ledger.make_entry(ledger.Kind.SPOILED, -1, operator=ENGINE,
                                        note="ribbon", at=utc("2026-11-20T03:00")))
        tx.add_ledger(ledger.make_entry(ledger.Kind.ADJUSTED, -3, operator="admin",
                                        note="count on 20 Nov", at=utc("2026-11-20T09:00")))
    clock.at("2026-11-24T02:00")


def test_requisition_figures(st: Store, clock: Clock) -> None:
    _ledger_history(st, clock)
    r = reports.requisition(st, need=35_000, tz=WIB, office_code="35.15", station_id="ktp-01")
    t = r.totals
    assert (t.received, t.printed, t.spoiled, t.adjusted, t.balance) == (
        10_000, 35, 2, -3, 9_960)
    assert (r.window_days, r.days_counted, r.used_in_window) == (14, 14, 16)
    assert round(r.per_day, 2) == 1.14
    assert r.days_left == 8715.0
    assert [(e.at, e.ref, e.delta) for e in r.receipts] == [
        ("2026-11-01T02:00:00.000+00:00", "", 10_000)]
    assert (r.need, r.short) == (35_000, 25_000)
    assert r.reconciled


def test_requisition_text_csv_json(st: Store, clock: Clock) -> None:
    _ledger_history(st, clock)
    r = reports.requisition(st, need=35_000, tz=WIB, office_code="35.15", station_id="ktp-01")
    set_language("en")
    try:
        text = reports.requisition_text(r, WIB)
    finally:
        set_language("id")
    assert "need 35,000, received 10,000, short 25,000" in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert row("Received", "10,000") in lines
    assert row("Balance (on hand)", "9,960") in lines
    assert row("Adjusted", "-3") in lines
    assert row("Average use per day (14 days)", "1.14") in lines
    assert row("Days of stock left", "8,715.0") in lines
    assert lines[-2:] == ["Shipments received (date, letter number, count)",
                          f"  2026-11-01  {'NO LETTER NUMBER':30} {'10,000':>10}"]
    text = reports.requisition_text(r, WIB)  # Indonesian
    assert "kebutuhan 35.000, diterima 10.000, kurang 25.000" in text.splitlines()
    assert row("Sisa (di tangan)", "9.960") in text.splitlines()
    assert row("Cukup untuk (hari)", "8.715,0") in text.splitlines()
    assert "per 24-11-2026 09:00 (UTC+07:00)" in text and not ISO_DATE.search(text)
    rows = list(csv.reader(io.StringIO(reports.requisition_csv(r))))
    assert rows == [
        list(reports.REQUISITION_CSV_COLUMNS),
        ["35.15", "ktp-01", "2026-11-24T02:00:00.000+00:00", "10000", "35", "2", "-3", "9960",
         "1.14", "14", "8715.0", "0", "35000", "25000", "true"],
    ]
    assert json.loads(reports.requisition_json(r)) == {
        "office_code": "35.15", "station_id": "ktp-01",
        "as_of": "2026-11-24T02:00:00.000+00:00", "utc_offset": "+07:00",
        "received": 10000, "used": 35, "spoiled": 2, "adjusted": -3, "balance": 9960,
        "used_per_day": 1.14, "window_days": 14, "days_left": 8715.0, "waiting": 0,
        "need": 35000, "short": 25000, "reconciled": True, "days_counted": 14,
        "receipts": [{"at": "2026-11-01T02:00:00.000+00:00", "ref": "", "count": 10000}],
    }


def test_a_young_station_paces_over_the_days_it_existed_and_names_its_shipments(
        st: Store, clock: Clock) -> None:
    clock.at("2026-11-20T02:00")  # 20 Nov WIB: the station's first day
    actions.receive_blanks(st, 100, operator="admin", ref="470/0123/35.12/2026")
    with st.transaction() as tx:
        for day in (20, 21, 22, 23, 24):
            for _ in range(4):
                tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=ENGINE,
                                                at=utc(f"2026-11-{day}T03:00")))
    clock.at("2026-11-24T02:00")
    actions.receive_blanks(st, 50, operator="admin")  # no letter number
    r = reports.requisition(st, tz=WIB)
    assert (r.window_days, r.days_counted, r.used_in_window) == (14, 5, 20)
    assert r.per_day == 4.0 and r.days_left == 130 / 4  # not 20/14 a day
    set_language("en")
    try:
        lines = reports.requisition_text(r, WIB).splitlines()
    finally:
        set_language("id")
    assert row("Use per day (5 days since start)", "4.00") in lines
    assert lines[-2:] == [f"  2026-11-20  {'470/0123/35.12/2026':30} {'100':>10}",
                          f"  2026-11-24  {'NO LETTER NUMBER':30} {'50':>10}"]


def test_requisition_without_need_or_use(st: Store, clock: Clock) -> None:
    clock.at("2026-11-24T02:00")
    r = reports.requisition(st, tz=WIB)
    assert (r.need, r.short, r.per_day, r.days_left) == (None, None, 0.0, None)
    text = reports.requisition_text(r, WIB)
    assert "Kekurangan" not in text
    assert row("Cukup untuk (hari)", "-") in text.splitlines()
    with pytest.raises(reports.ReportError):
        reports.requisition(st, need=-1, tz=WIB)
    over = reports.requisition(st, need=0, tz=WIB)
    assert over.short == 0


# -- the CLI -------------------------------------------------------------------------

def _config(tmp_path: Path, st: Store) -> str:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{st.dir}"\n[station]\nid = "ktp-01"\n'
                   'office_code = "35.15"\noperator = "budi"\n', encoding="utf-8")
    return str(cfg)


def test_cli_report(st: Store, clock: Clock, tmp_path: Path, wib_local: None,
                    capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    office_day(st, clock)
    cfg = _config(tmp_path, st)
    assert main(["report", "--date", DAY, "--json", "--config", cfg]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["printed"], d["spoiled"], d["link_down_hours"], d["utc_offset"]) == (
        3, 2, 2.0, "+07:00")
    assert d["office_code"] == "35.15"
    assert main(["report", "daily", "--date", DAY, "--csv", "--config", cfg]) == 0
    assert capsys.readouterr().out.startswith("date,section,key,value\n2026-11-23,printed,,3\n")
    assert main(["report", "--config", cfg]) == 0  # today, 24 Nov WIB, in Indonesian
    assert capsys.readouterr().out.startswith(
        "Laporan harian 24 Nov 2026\nkantor 35.15, stasiun ktp-01 | per 24-11-2026 09:00")
    assert main(["report", "blanks", "--need", "35000", "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "kebutuhan 35.000, diterima 100, kurang 34.900" in out
    english = tmp_path / "en.toml"
    english.write_text(Path(cfg).read_text() + '[ui]\nlanguage = "en"\n')
    try:
        assert main(["report", "blanks", "--need", "35000", "--config", str(english)]) == 0
    finally:
        set_language("id")
    assert "need 35,000, received 100, short 34,900" in capsys.readouterr().out
    assert main(["report", "blanks", "--csv", "--config", cfg]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("35.15,ktp-01,")


def test_cli_report_usage_errors(st: Store, clock: Clock, tmp_path: Path, wib_local: None,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    clock.at("2026-11-24T02:00")
    cfg = _config(tmp_path, st)
    assert main(["report", "--need", "5", "--config", cfg]) == 2
    assert "--need is for" in capsys.readouterr().err
    assert main(["report", "blanks", "--date", DAY, "--config", cfg]) == 2
    assert main(["report", "--date", "2026-11-25", "--config", cfg]) == 2
    assert "25-11-2026 belum dimulai" in capsys.readouterr().err
    assert main(["report", "--pdf", "--config", cfg]) == 2
    assert "--out" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["report", "--date", "23/11/2026", "--config", cfg])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["report", "--csv", "--json", "--config", cfg])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["report", "blanks", "--need", "-4", "--config", cfg])
    assert e.value.code == 2


def test_cli_report_out_saves_pdf_csv_and_text_with_their_modes(
        st: Store, clock: Clock, tmp_path: Path, wib_local: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    office_day(st, clock)
    cfg = _config(tmp_path, st)
    out = tmp_path / "out" / "harian.pdf"  # the folder is made
    assert main(["report", "--date", DAY, "--out", str(out), "--config", cfg]) == 0
    assert capsys.readouterr().out == f"Laporan disimpan: {out}\n"
    assert out.read_bytes().startswith(b"%PDF-1.4") and b"(Laporan harian 23 Nov 2026)" in \
        out.read_bytes()
    assert out.stat().st_mode & 0o777 == 0o600  # operators' names and counts
    csv_out = tmp_path / "out" / "blangko.txt"
    assert main(["report", "blanks", "--csv", "--out", str(csv_out), "--config", cfg]) == 0
    assert csv_out.read_text().startswith("office_code,station_id,as_of,")
    assert csv_out.stat().st_mode & 0o777 == 0o644  # office figures only
    text_out = tmp_path / "out" / "harian.txt"
    assert main(["report", "--date", DAY, "--out", str(text_out), "--config", cfg]) == 0
    capsys.readouterr()
    assert main(["report", "--date", DAY, "--config", cfg]) == 0
    assert text_out.read_text() == capsys.readouterr().out
    # A "folder" that is a file: one line, exit 1.
    (tmp_path / "afile").write_text("")
    assert main(["report", "--out", str(tmp_path / "afile" / "x.csv"), "--config", cfg]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ktptui: Laporan tidak tersimpan:") and err.count("\n") == 1


def test_requisition_window_matches_blanks_show_in_local_time(
        st: Store, clock: Clock, wib_local: None) -> None:
    _ledger_history(st, clock)
    r = reports.requisition(st, window_days=7)  # station local time = WIB here
    fc = ledger.forecast(st.ledger_entries(), r.totals.balance, today=date(2026, 11, 24))
    assert (r.used_in_window, r.per_day, r.days_left) == (15, fc.per_day, fc.days_left)


# -- reading only what the day needs -------------------------------------------------

def test_a_report_reads_only_its_day_from_the_archive(
        st: Store, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    """The day itself archived, an older month damaged record by record: the
    figures are those of the day as it was hot, and no older record is read
    (reading one would log it as damaged)."""
    old_month(st, clock)
    jobs = office_day(st, clock)
    now = utc("2026-11-24T02:00")
    hot = {d: reports.daily(st, date.fromisoformat(d), tz=WIB, now=now).to_dict()
           for d in (DAY, "2026-11-24")}
    clock.at("2026-11-25T06:00")
    st.compact()  # every finished job of the day, its ledger and events: archived
    assert {j.id for j in st.jobs()} == {jobs[k].id for k in "ADHJ"}
    segments = damage_old_month(st)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = Store(st.dir)
        got = {d: reports.daily(again, date.fromisoformat(d), tz=WIB, now=now).to_dict()
               for d in hot}
    assert got == hot
    r = got["2026-11-23"]
    assert (r["printed"], r["spoiled"], r["rejected"]["total"]) == (3, 2, 3)
    assert r["suket"] == {"not_recorded": 2, "not_recorded_with_suket": 1, "issued": 2,
                          "reprints": 1}
    assert (r["waiting"]["count"], r["waiting"]["oldest_job"]) == (2, jobs["A"].id)
    assert (r["link_down_hours"], r["battery_hours"]) == (2.0, 0.75)
    assert not [m for m in caplog.messages if "damaged" in m], caplog.messages
    # The damage is real: reading the whole archive runs into it.
    assert {j.id for j in again.archived_jobs()} == {jobs[k].id for k in "BCEFGI"}
    assert all(str(p) in caplog.text for p in segments if p.name.startswith("jobs"))


def test_earlier_sukets_and_an_outage_running_into_the_day_are_found(
        st: Store, clock: Clock) -> None:
    """A Suket issued the day before makes the day's one a reprint and the
    day's rejection one "with a Suket"; a link down since the day before
    counts from midnight: both found though they are outside the day."""
    from officekit import BUDI, NIKS, add, event, reject

    from ktptui.office import suket

    job = add(st, clock, "2026-11-01T01:00", NIKS[0], BUDI)
    clock.at("2026-11-20T01:00")  # waited 19 days: a Suket
    suket.issue(st, job.id, operator=BUDI, office_code="35.15", station_id="ktp-01",
                show=lambda text: None)
    event(st, clock, "2026-11-22T12:00", "link", "down: central unreachable: timeout")
    event(st, clock, "2026-11-22T13:00", "power", "on battery 90%")
    event(st, clock, "2026-11-22T14:00", "power", "mains")
    clock.at("2026-11-23T03:00")
    reject(st, job.id, "not_recorded")
    clock.at("2026-11-23T04:00")
    suket.issue(st, job.id, operator=BUDI, office_code="35.15", station_id="ktp-01",
                show=lambda text: None)
    clock.at("2026-11-25T06:00")
    st.compact()
    assert st.jobs() == []
    r = reports.daily(st, date.fromisoformat(DAY), tz=WIB)
    a = r.activity
    assert (a.rejected, a.not_recorded_with_suket) == ({"not_recorded": 1}, 1)
    assert (a.sukets_issued, a.suket_reprints) == (1, 1)
    assert (r.link_down_hours, r.battery_hours) == (24.0, 0.0)


def test_the_requisition_counts_use_from_the_hourly_totals_not_the_entries(
        st: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    _ledger_history(st, clock)
    st.compact()  # every entry archived
    decoded = count_decodes(monkeypatch)
    r = reports.requisition(st, need=35_000, tz=WIB)
    assert (r.used_in_window, r.totals.balance, r.reconciled) == (16, 9_960, True)
    assert decoded[0] == 1  # the one shipment, through the index
    assert len(r.receipts) == 1
    # A zone whose days do not start on a UTC hour: counted from the entries.
    ist = timezone(timedelta(hours=5, minutes=30))
    entries = st.ledger_entries()
    fc = reports.requisition(st, tz=ist)
    last = reports.today(ist)
    first = last - timedelta(days=13)
    assert fc.used_in_window == sum(
        1 for e in entries if e.kind in (ledger.Kind.PRINTED, ledger.Kind.SPOILED)
        and first <= reports.local(reports._at(e.at), ist).date() <= last) > 0


def test_the_daily_report_shows_count_differences_and_pins_the_chain_head(
        st: Store, clock: Clock) -> None:
    from ktptui import roles
    from ktptui.office import sessions

    clock.at("2026-11-23T01:00")
    actions.receive_blanks(st, 120, operator="admin", ref="470/0123/35.12/2026")
    clock.at("2026-11-23T02:00")
    sessions.open_session(st, 118, operator="siti", confirm=118, reason="two torn")
    (diff,) = ledger.unapproved(st.ledger_entries())
    clock.at("2026-11-23T10:00")
    set_language("en")
    try:
        r = reports.daily(st, date(2026, 11, 23), tz=WIB)
        lines = reports.daily_text(r, WIB).splitlines()
        assert row("Count differences", "1") in lines
        assert (f"  -2  {diff.id[:8]} {diff.note}  [not approved]") in lines
        assert lines[-1] == f"Chain head (ktptui verify --head): {r.head}"
        assert r.head == chain.head_text(st.chain_heads())
        assert reports.daily(st, date(2026, 11, 23), tz=WIB).to_dict()["count_differences"][0][
            "approved"] is False
        actions.approve_count(st, diff.id, operator="kasi", who=roles.who_for_uid(0))
        again = reports.daily(st, date(2026, 11, 23), tz=WIB)
        assert f"  -2  {diff.id[:8]} {diff.note}" in reports.daily_text(again, WIB).splitlines()
        assert again.head != r.head  # the approval moved the chain on
    finally:
        set_language("id")
