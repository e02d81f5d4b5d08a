"""Print sessions: counts at open and close become explained ledger adjustments."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from officekit import (  # noqa: F401  (*_fixture: fixtures)
    BUDI,
    ENGINE,
    NIKS,
    SITI,
    WIB,
    Clock,
    add,
    authorize,
    clock_fixture,
    damage_old_month,
    done,
    old_month,
    print_card,
    reject,
    st_fixture,
    wib_local_fixture,
)

from ktptui import actions
from ktptui.actions import ActionRefused
from ktptui.i18n import set_language
from ktptui.model import Outcome
from ktptui.office import sessions, suket
from ktptui.store import Store, ledger


def _adjustments(st: Store) -> list[tuple[int, str, str]]:
    st.refresh()
    return [(e.delta, e.operator, e.note) for e in st.ledger_entries()
            if e.kind is ledger.Kind.COUNTED]


def _shift(st: Store, clock: Clock) -> sessions.Summary:
    """Open 08:00 WIB with 118 of 120 counted; three cards, one spoil, one
    not_recorded with a Suket; close 16:30 WIB with 115 counted (ledger 114)."""
    clock.at("2026-11-23T00:30")
    actions.receive_blanks(st, 120, operator="admin", note="SP-001")
    clock.at("2026-11-23T01:00")
    opened = sessions.open_session(st, 118, operator=SITI, confirm=118, reason="two torn")
    assert (opened.open_count, opened.open_ledger, opened.open_adjustment) == (118, 120, -2)
    assert opened.opened_at == "2026-11-23T01:00:00.000+00:00"

    a = add(st, clock, "2026-11-23T01:30", NIKS[0], SITI)
    b = add(st, clock, "2026-11-23T01:31", NIKS[1], BUDI)
    c = add(st, clock, "2026-11-23T01:32", NIKS[2], BUDI)
    d = add(st, clock, "2026-11-23T01:33", NIKS[3], BUDI)
    clock.at("2026-11-23T02:00")
    for job in (a, b):
        authorize(st, job.id)
        print_card(st, job.id)
    authorize(st, c.id)
    print_card(st, c.id, Outcome.SPOILED)
    authorize(st, c.id)
    print_card(st, c.id)
    reject(st, d.id, "not_recorded")
    clock.at("2026-11-23T03:00")
    suket.issue(st, d.id, operator=BUDI, office_code="35.15", station_id="ktp-01",
                show=lambda text: None)
    assert st.ledger_totals().balance == 114
    clock.at("2026-11-23T09:30")
    return sessions.close_session(st, 115, operator=BUDI, confirm=115, reason="one found")


def test_open_and_close_record_the_differences_and_summarise(st: Store, clock: Clock) -> None:
    summary = _shift(st, clock)
    open_note = "selisih hitung saat buka sesi: hitungan 118, buku besar 120: two torn"
    close_note = "selisih hitung saat tutup sesi: hitungan 115, buku besar 114: one found"
    assert _adjustments(st) == [(-2, SITI, open_note), (1, BUDI, close_note)]
    rec = st.reconcile()
    assert rec.ok and rec.totals.balance == 115  # the ledger now says what was counted
    assert summary.duration == timedelta(hours=8, minutes=30)
    assert (summary.close_count, summary.close_ledger, summary.close_adjustment) == (115, 114, 1)
    a = summary.activity
    assert (a.printed, a.spoiled, a.sukets_issued, a.rejected_total) == (3, 1, 1, 1)
    assert [e.delta for e in summary.adjustments] == [-2, 1]
    assert summary.operators == ["budi", "ktp", "siti"]
    assert sessions.current(st) is None
    d = summary.to_dict()
    # What is stored at close cannot hold its own chain head; the rest it does.
    assert {**d, "chain_head": ""} == sessions.last_closed(st)
    assert {k: d[k] for k in ("open_count", "open_ledger", "open_adjustment", "close_count",
                              "close_ledger", "close_adjustment", "duration_s", "printed",
                              "spoiled", "sukets", "rejected", "adjusted", "closed",
                              "closed_at", "opened_by", "closed_by", "operators")} == {
        "open_count": 118, "open_ledger": 120, "open_adjustment": -2, "close_count": 115,
        "close_ledger": 114, "close_adjustment": 1, "duration_s": 30600, "printed": 3,
        "spoiled": 1, "sukets": 1, "rejected": 1, "adjusted": -1, "closed": True,
        "closed_at": "2026-11-23T09:30:00.000+00:00", "opened_by": SITI, "closed_by": BUDI,
        "operators": ["budi", "ktp", "siti"]}
    assert d["rejected_by_code"] == {"not_recorded": 1}
    set_language("en")
    try:
        text = sessions.summary_text(summary, WIB)
    finally:
        set_language("id")
    assert text.splitlines() == [
        f"Session {summary.session.short_id} closed (8 h 30 min)",
        f"opened 2026-11-23 08:00 by {SITI}",
        f"closed 2026-11-23 16:30 by {BUDI}",
        "count at open 118 (ledger 120, adjusted -2)",
        "count at close 115 (ledger 114, adjusted +1)",
        "-" * 77,
        f"{'Cards printed':40}{'3':>14}",
        f"{'Blanks spoiled':40}{'1':>14}",
        f"{'Sukets issued':40}{'1':>14}",
        f"{'Jobs rejected by central':40}{'1':>14}",
        f"{'Blank adjustments':40}{'2':>14}   (-1)",
        f"  -2  {open_note}  [not approved]",
        f"  +1  {close_note}  [not approved]",
        "NOT YET APPROVED by a supervisor: 2 count difference(s) (ktptui approve)",
        "operators: budi, ktp, siti",
        f"Chain head (ktptui verify --head): {summary.head}",
    ]
    assert summary.unapproved == tuple(e.id for e in summary.adjustments)
    assert len(summary.head) == 33 and summary.head == d["chain_head"]
    # Indonesian (the default): its dates and words.
    assert sessions.summary_text(summary, WIB).splitlines()[:3] == [
        f"Sesi {summary.session.short_id} ditutup (8 jam 30 menit)",
        f"dibuka 23-11-2026 08:00 oleh {SITI}",
        f"ditutup 23-11-2026 16:30 oleh {BUDI}",
    ]
    details = [(e.operator, e.detail) for e in st.events() if e.kind == "session"]
    sid = summary.session.short_id
    assert details == [
        (SITI, f"opened session {sid}: count 118, ledger 120, adjusted -2"),
        (BUDI, f"closed session {sid}: count 115, ledger 114, adjusted +1; printed 3, "
               "spoiled 1, Sukets 1, rejected 1"),
    ]


def test_only_one_session_and_close_needs_one(st: Store, clock: Clock) -> None:
    with pytest.raises(ActionRefused, match="no session is open"):
        sessions.close_session(st, 0, operator=BUDI)
    clock.at("2026-11-23T01:00")
    s = sessions.open_session(st, 0, operator=SITI)
    with pytest.raises(ActionRefused, match=f"session {s.short_id} opened by {SITI}"):
        sessions.open_session(st, 0, operator=BUDI)
    sessions.close_session(st, 0, operator=BUDI)
    with pytest.raises(ActionRefused, match="no session is open"):
        sessions.close_session(st, 0, operator=BUDI)
    with pytest.raises(sessions.BadCount, match="bilangan bulat >= 0"):
        sessions.open_session(st, -1, operator=BUDI)
    assert _adjustments(st) == []  # counts equal to the ledger: nothing to adjust


def test_a_count_matching_the_ledger_adds_no_adjustment(st: Store, clock: Clock) -> None:
    clock.at("2026-11-23T00:30")
    actions.receive_blanks(st, 50, operator="admin")
    clock.at("2026-11-23T01:00")
    sessions.open_session(st, 50, operator=SITI)
    clock.at("2026-11-23T02:00")
    summary = sessions.close_session(st, 50, operator=SITI)
    assert summary.adjustments == () and _adjustments(st) == []
    assert summary.operators == ["siti"]


def test_show_the_open_session_so_far(st: Store, clock: Clock) -> None:
    assert sessions.so_far(st) is None
    clock.at("2026-11-23T00:30")
    actions.receive_blanks(st, 10, operator="admin")
    clock.at("2026-11-23T01:00")
    sessions.open_session(st, 12, operator=SITI, confirm=12, reason="box of 2 found")
    job = add(st, clock, "2026-11-23T01:10", NIKS[0], BUDI)
    authorize(st, job.id)
    print_card(st, job.id)
    clock.at("2026-11-23T03:00")
    now = sessions.so_far(st)
    assert now is not None and not now.closed
    assert now.duration == timedelta(hours=2)
    assert (now.activity.printed, [e.delta for e in now.adjustments]) == (1, [2])
    assert now.operators == ["budi", ENGINE, "siti"]
    d = now.to_dict()
    assert (d["closed"], d["closed_at"], d["as_of"], d["close_count"]) == (
        False, None, "2026-11-23T03:00:00.000+00:00", None)
    assert sessions.summary_text(now, WIB).splitlines()[:3] == [
        f"Sesi {now.session.short_id} terbuka (2 jam)",
        f"dibuka 23-11-2026 08:00 oleh {SITI}",
        "sejauh ini s.d. 23-11-2026 10:00",
    ]


def test_cli_session(st: Store, clock: Clock, tmp_path: Path, wib_local: None,
                     capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{st.dir}"\n[station]\noperator = "siti"\n',
                   encoding="utf-8")
    c = ["--config", str(cfg)]
    clock.at("2026-11-23T00:30")
    actions.receive_blanks(st, 120, operator="admin")
    clock.at("2026-11-23T01:00")
    assert main(["session", "show", *c]) == 0
    assert capsys.readouterr().out == "Tidak ada sesi terbuka.\n"
    assert main(["session", "show", "--json", *c]) == 0
    assert capsys.readouterr().out == "null\n"
    # A count that differs books nothing until confirmed with a reason.
    assert main(["session", "open", "--count", "4670", *c]) == 1
    assert capsys.readouterr().err == (
        "ktptui: hitungan 4670 berbeda dari buku besar 120 (+4.550): tidak ada yang dicatat. "
        "Hitung lagi; bila benar, ulangi dengan --confirm 4670 --reason ALASAN\n")
    assert main(["session", "open", "--count", "4670", "--confirm", "467", "--reason", "x",
                 *c]) == 1
    assert "--confirm 467 tidak sama dengan --count 4670" in capsys.readouterr().err
    assert main(["session", "open", "--count", "118", "--confirm", "118", *c]) == 1
    assert "perlu alasan (--reason)" in capsys.readouterr().err
    assert sessions.current(st) is None and st.ledger_totals().balance == 120
    assert main(["session", "open", "--count", "118", "--confirm", "118", "--reason",
                 "dua sobek", *c]) == 0
    out = capsys.readouterr().out
    assert out.endswith(": hitungan 118, buku besar 120; selisih -2 dicatat sebagai koreksi\n")
    assert main(["session", "open", "--count", "118", *c]) == 1
    assert "masih terbuka: tutup dulu" in capsys.readouterr().err
    assert main(["session", "show", "--json", *c]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["open_count"], shown["closed"]) == (118, False)
    clock.at("2026-11-23T02:00")
    assert main(["session", "close", "--count", "118", "--json", *c]) == 0
    closed = json.loads(capsys.readouterr().out)
    assert (closed["closed"], closed["close_adjustment"], closed["duration_s"]) == (
        True, 0, 3600)
    assert main(["session", "close", "--count", "118", *c]) == 1
    assert "belum ada sesi yang terbuka" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["session", "open", "--count", "-3", *c])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["session", "open", *c])
    assert e.value.code == 2


def test_a_session_reads_only_its_own_span_of_the_archive(
        st: Store, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    """A session whose cards are already archived, an older month damaged
    record by record: the figures come from the session's span, and no
    older record is read (reading one would log it as damaged)."""
    old_month(st, clock)
    damage_old_month(st)
    with caplog.at_level(logging.WARNING):
        clock.at("2026-11-23T00:30")
        actions.receive_blanks(st, 10, operator="admin")
        clock.at("2026-11-23T01:00")
        sessions.open_session(st, 10, operator=SITI)
        job = add(st, clock, "2026-11-23T01:10", NIKS[0], BUDI)
        authorize(st, job.id)
        print_card(st, job.id)
        done(st, job.id)
        clock.at("2026-11-25T01:00")
        st.compact()
        assert st.jobs() == []  # the card, its ledger entry and events: archived
        now = sessions.so_far(st)
        assert now is not None
        closed = sessions.close_session(st, 9, operator=SITI)
    for s in (now, closed):
        a = s.activity
        assert (a.printed, a.spoiled, a.adjusted) == (1, 0, 0)
        assert {k: v.to_dict() for k, v in a.operators.items()} == {
            "budi": {"printed": 0, "spoiled": 0, "added": 1, "actions": 1},
            "ktp": {"printed": 1, "spoiled": 0, "added": 0, "actions": 4},
            "siti": {"printed": 0, "spoiled": 0, "added": 0, "actions": 1},
        }
    assert not [m for m in caplog.messages if "damaged" in m], caplog.messages
