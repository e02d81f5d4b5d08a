"""Data retention: old finished jobs keep only what the reports need."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from officekit import (  # noqa: F401  (*_fixture: fixtures)
    BUDI,
    DAY,
    NIKS,
    SITI,
    WIB,
    Clock,
    add,
    authorize,
    clock_fixture,
    done,
    office_day,
    print_card,
    reject,
    st_fixture,
)

from ktptui import actions
from ktptui.model import State
from ktptui.office import audit, reports, retention
from ktptui.store import Store

NOTE = "walk-in, phone 0812-3456-7890"


def _jobs(st: Store, clock: Clock) -> dict[str, str]:
    """P done and Q rejected on 1 Aug (archived on 5 Aug), R cancelled on 10 Aug
    (still hot), S done on 13 Nov, T queued since 1 Aug. Now: 23 Nov."""
    clock.at("2026-08-01T01:00")
    actions.receive_blanks(st, 10, operator="admin")
    p = add(st, clock, "2026-08-01T01:00", NIKS[0], BUDI, note=NOTE)
    authorize(st, p.id, "SITI AMINAH")
    print_card(st, p.id)
    done(st, p.id)
    q = add(st, clock, "2026-08-01T02:00", NIKS[1], BUDI, note="second visit")
    reject(st, q.id, "not_recorded")
    clock.at("2026-08-05T00:00")
    st.compact()
    r = add(st, clock, "2026-08-10T01:00", NIKS[2], SITI, note="lost card, police report")
    actions.cancel(st, r.id, operator=SITI, note="went to another office")
    s = add(st, clock, "2026-11-13T01:00", NIKS[3], SITI)
    authorize(st, s.id, "BAMBANG")
    print_card(st, s.id)
    done(st, s.id)
    t = add(st, clock, "2026-08-01T03:00", NIKS[4], BUDI, note="waiting for blanks")
    clock.at("2026-11-23T00:00")
    return {"P": p.id, "Q": q.id, "R": r.id, "S": s.id, "T": t.id}


def _all_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())


def test_purge_masks_old_finished_jobs_hot_and_archived(st: Store, clock: Clock) -> None:
    ids = _jobs(st, clock)
    assert {j.id for j in st.archived_jobs()} == {ids["P"], ids["Q"]}
    before = {k: st.find_job(v) for k, v in ids.items()}
    assert retention.purge(st, days=90, operator=BUDI) == 3
    fresh = Store(st.dir)
    for k in ("P", "Q", "R"):
        old, new = before[k], fresh.find_job(ids[k])
        assert new.nik == old.nik[:4] + "*" * 12
        assert (new.holder_name, new.note, new.last_error) == (None, "", "")
        assert all(h.note == "" for h in new.history)
        # What the reports need stays.
        assert (new.state, new.error_code, new.created_at, new.updated_at, new.attempt,
                new.operator, new.reason, new.priority) == (
            old.state, old.error_code, old.created_at, old.updated_at, old.attempt,
            old.operator, old.reason, old.priority)
        assert [(h.at, h.from_state, h.to_state, h.operator) for h in new.history] == [
            (h.at, h.from_state, h.to_state, h.operator) for h in old.history]
    assert fresh.find_job(ids["P"]).nik == "3515************"
    assert fresh.find_job(ids["Q"]).error_code == "not_recorded"
    for k in ("S", "T"):  # finished 10 days ago / still active: untouched
        assert fresh.find_job(ids[k]) == before[k]
    assert fresh.counts()["done"] == 2 and fresh.counts()["rejected"] == 1
    assert fresh.reconcile().ok

    # No file of the store still holds the removed data (journals, snapshots,
    # the previous snapshot and archives included).
    blob = _all_bytes(st.dir)
    for k in ("P", "Q", "R"):
        assert before[k].nik.encode() not in blob
    assert b"SITI AMINAH" not in blob
    assert b"central says NIK" not in blob  # Q's last_error quoted the NIK
    assert before["S"].nik.encode() in blob and b"BAMBANG" in blob

    [ev] = [e for e in fresh.events() if e.kind == "retention"]
    assert (ev.operator, ev.detail) == (
        BUDI, "personal data removed from 3 finished job(s) older than 90 days")


def test_purge_is_idempotent_and_quiet_when_nothing_is_due(st: Store, clock: Clock) -> None:
    _jobs(st, clock)
    assert retention.purge(st, days=90) == 3
    assert retention.purge(st, days=90) == 0
    clock.at("2026-11-24T00:00")
    assert retention.purge(st, days=90) == 0
    assert [e.kind for e in st.events()].count("retention") == 1
    with pytest.raises(ValueError):
        retention.purge(st, days=-1)


def test_shorter_retention_takes_more(st: Store, clock: Clock) -> None:
    ids = _jobs(st, clock)
    assert retention.purge(st, days=5) == 4  # S finished 10 days ago too
    assert st.find_job(ids["S"]).holder_name is None
    assert st.find_job(ids["T"]).nik == NIKS[4]  # active jobs are never reduced


def test_reports_and_trail_are_the_same_after_purge(st: Store, clock: Clock) -> None:
    office_day(st, clock)
    day = date.fromisoformat(DAY)
    report = reports.daily(st, day, tz=WIB).to_dict()
    trail = audit.to_json(audit.trail(st))
    clock.at("2027-03-01T00:00")
    requisition = reports.requisition(st, need=500, tz=WIB).to_dict()
    assert retention.purge(st, days=90) == 6
    after = Store(st.dir)
    again = reports.daily(after, day, tz=WIB).to_dict()
    # The purge's own event moved the audit chain on; the ledger's head stays.
    assert again.pop("chain_head").split(".")[0] == report.pop("chain_head").split(".")[0]
    assert again == report
    assert reports.requisition(after, need=500, tz=WIB).to_dict() == requisition
    new_trail = audit.trail(after)
    assert audit.to_json(new_trail[:-1]) == trail
    assert new_trail[-1].kind == "retention"


def test_mask_and_redact() -> None:
    assert retention.mask_nik("3515054103900011") == "3515************"
    assert retention.mask_nik("3515************") == "3515************"


def test_cli_purge(st: Store, clock: Clock, tmp_path: Path,
                   capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.cli.main import main

    ids = _jobs(st, clock)
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{st.dir}"\nretain_personal_days = 30\n'
                   '[station]\noperator = "admin"\n', encoding="utf-8")
    assert main(["purge", "--config", str(cfg)]) == 0
    assert capsys.readouterr().out == (
        "personal data removed from 3 finished job(s) older than 30 days\n")
    assert main(["show", ids["Q"][:8], "--json", "--config", str(cfg)]) == 0
    assert '"nik": "3515************"' in capsys.readouterr().out
    assert Store(st.dir).find_job(ids["Q"]).state is State.REJECTED
