"""The store's read side through the station service (``RemoteStore``):
each read returns what the store itself returns, the office functions read
through it unchanged, and it cannot write.

Most tests route requests through the service's request table with a JSON
round trip (the wire's encoding, no socket: the store does not move under
them); one runs over a real service's socket."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from officekit import (  # noqa: F401  (*_fixture: fixtures)
    DAY,
    WIB,
    Clock,
    clock_fixture,
    office_day,
    old_month,
    st_fixture,
)

from ktptui import actions
from ktptui.config import Config
from ktptui.errors import KtpError
from ktptui.model import State
from ktptui.office import pickup, reports
from ktptui.roles import Role, Who, who_runs_this
from ktptui.station import protocol, service
from ktptui.station.client import _BY_KIND
from ktptui.station.remote_store import READS, ReadOnly, RemoteStore
from ktptui.store import JobNotFound, Store, ledger


class Loopback:
    """A ``Remote`` whose requests go through the service's table over the
    wire's encoding, without a socket, as ``who`` (this process by default)."""

    def __init__(self, store: Store, who: Who | None = None) -> None:
        self.store = store
        self.who = who or who_runs_this()
        self.calls: list[str] = []

    def call(self, kind: str, /, **args: Any) -> dict[str, Any]:
        self.calls.append(kind)
        body = protocol.decode(protocol.encode({"type": kind, "id": 1, **args}))
        call = service.Call(self.store, Config(), self.who, self.who.user)
        try:
            reply = protocol.reply(1, service.run_request(call, kind, body))
        except KtpError as e:
            reply = protocol.error_reply(1, e)
        reply = json.loads(protocol.encode(reply))
        if reply["type"] == "error":
            raise _BY_KIND[reply["kind"]](reply["error"], reply["message"])
        result = reply["result"]
        assert isinstance(result, dict)
        return result

    def close(self) -> None:
        pass


@pytest.fixture
def both(st: Store, clock: Clock) -> tuple[Store, RemoteStore, dict[str, Any]]:
    old_month(st, clock)
    jobs = office_day(st, clock)
    return st, RemoteStore(Loopback(st)), jobs


def test_every_read_returns_what_the_store_returns(
        both: tuple[Store, RemoteStore, dict[str, Any]]) -> None:
    st, rs, jobs = both
    a = jobs["A"]
    assert rs.job(a.id) == st.job(a.id) and rs.job("0" * 32) is None
    assert rs.jobs() == st.jobs() and rs.active_jobs() == st.active_jobs()
    assert rs.jobs([State.DONE]) == st.jobs([State.DONE]) != []
    assert rs.count([State.QUEUED, State.HELD]) == st.count([State.QUEUED, State.HELD]) > 0
    assert rs.find_job(a.id[:8]) == st.find_job(a.id[:8])
    assert rs.counts() == st.counts()
    assert rs.meta("no-such-key", 7) == 7
    assert rs.ledger_entries() == st.ledger_entries() != []
    assert rs.ledger_entries(since="2026-11-23", include_archive=False) == \
        st.ledger_entries(since="2026-11-23", include_archive=False)
    assert rs.ledger_totals() == st.ledger_totals()
    assert rs.ledger_of_kind(ledger.Kind.RECEIVED) == st.ledger_of_kind(ledger.Kind.RECEIVED)
    assert rs.ledger_used("2026-10-01T00", "2026-11-30T00") == \
        st.ledger_used("2026-10-01T00", "2026-11-30T00") > 0
    assert rs.ledger_change("2026-11-23") == st.ledger_change("2026-11-23")
    assert rs.first_ledger_at() == st.first_ledger_at() is not None
    assert rs.reconcile() == st.reconcile()
    assert rs.chain_heads() == st.chain_heads() != {}
    assert rs.events() == st.events() != []
    assert rs.events(job_id=a.id) == st.events(job_id=a.id) != []
    assert rs.events(kind="link", until="2026-11-24", last=True) == \
        st.events(kind="link", until="2026-11-24", last=True) != []
    assert rs.events(job_ids=[a.id, jobs["B"].id]) == st.events(job_ids=[a.id, jobs["B"].id])
    assert rs.jobs_alive("2026-10-01", "2026-11-30") == st.jobs_alive("2026-10-01", "2026-11-30")
    assert list(rs.iter_archived_jobs()) == list(st.iter_archived_jobs()) != []


def test_the_archive_comes_month_by_month_each_read_once(st: Store, clock: Clock) -> None:
    from officekit import BUDI, NIKS, add, authorize, done, print_card

    clock.at("2026-09-01T01:00")
    actions.receive_blanks(st, 5, operator="admin")
    sept = add(st, clock, "2026-09-01T02:00", NIKS[17], BUDI)
    authorize(st, sept.id)
    print_card(st, sept.id)
    done(st, sept.id)
    clock.at("2026-09-05T00:00")
    st.compact()
    old_month(st, clock)  # October, archived too
    assert len(st.history.segments("jobs")) == 2
    loop = Loopback(st)
    rs = RemoteStore(loop)  # type: ignore[arg-type]
    assert [j.id for j in rs.iter_archived_jobs()] == [j.id for j in st.iter_archived_jobs()]
    assert len(list(st.iter_archived_jobs())) == 6
    assert loop.calls.count("store.archived_jobs") == 2  # one request a month


def test_every_read_of_the_table_is_served(both: tuple[Store, RemoteStore, dict[str, Any]]
                                           ) -> None:
    """A read added to ``READS`` without a ``RemoteStore`` method (or the
    reverse) is caught: the test above calls each through the loopback."""
    st, rs, jobs = both
    test_every_read_returns_what_the_store_returns(both)
    pickup.find(rs, jobs["A"].holder_name or "SITI")
    pickup.uncollected(rs, 0)
    reports.daily(rs, date.fromisoformat(DAY), tz=WIB)
    calls = set(rs._remote.calls)  # type: ignore[attr-defined]
    assert {f"store.{name}" for name in READS} - calls == set()


def test_office_functions_read_through_it_unchanged(
        both: tuple[Store, RemoteStore, dict[str, Any]]) -> None:
    st, rs, jobs = both
    day = date.fromisoformat(DAY)
    local = reports.daily(st, day, tz=WIB, office_code="35.15", station_id="ktp-01")
    remote = reports.daily(rs, day, tz=WIB, office_code="35.15",
                           station_id="ktp-01")
    assert reports.daily_text(remote, WIB) == reports.daily_text(local, WIB)
    assert reports.requisition(rs, need=50, tz=WIB).to_dict() == \
        reports.requisition(st, need=50, tz=WIB).to_dict()
    assert pickup.uncollected(rs, 0) == pickup.uncollected(st, 0)
    for text in ("siti", jobs["B"].id[:6], jobs["B"].nik):
        assert pickup.find(rs, text) == pickup.find(st, text)


def test_a_missing_job_is_the_stores_refusal_in_the_operators_words(
        both: tuple[Store, RemoteStore, dict[str, Any]]) -> None:
    _, rs, _ = both
    with pytest.raises(JobNotFound) as e:
        rs.find_job("ffffffff")
    assert "ffffffff" in str(e.value) and "ffffffff" in e.value.message()
    with pytest.raises(KtpError, match="too short"):
        rs.find_job("ab")


def test_it_cannot_write(both: tuple[Store, RemoteStore, dict[str, Any]]) -> None:
    st, rs, jobs = both
    before = st.job(jobs["A"].id)
    with pytest.raises(ReadOnly):
        actions.hold(rs, jobs["A"].id, operator="x")
    assert st.job(jobs["A"].id) == before


def test_pushed_changes_are_taken_once(both: tuple[Store, RemoteStore, dict[str, Any]]
                                       ) -> None:
    _, rs, _ = both
    assert not rs.take_changes()
    rs.pushed(["a"], ["ledger"], False)
    rs.pushed(["b"], [], True)
    changes = rs.take_changes()
    assert changes.jobs == {"a", "b"} and changes.other == {"ledger"} and changes.reloaded
    assert not rs.take_changes()


def test_bad_read_arguments_get_one_line_errors(
        both: tuple[Store, RemoteStore, dict[str, Any]]) -> None:
    _, rs, _ = both
    with pytest.raises(KtpError, match="unknown state"):
        rs.read("jobs", states=["flying"])
    with pytest.raises(KtpError, match="wrong type"):
        rs.read("ledger_used", since=1, until="x")
    with pytest.raises(KtpError, match="unknown argument"):
        rs.read("counts", extra=1)


def test_reads_over_a_real_service_socket(tmp_path: Path) -> None:
    import tempfile

    from configkit import write_config
    from test_service import MY_GROUP, with_service  # the same service setup

    from ktptui.central.sim import CentralSimulator
    from ktptui.config import load
    from ktptui.demo import demo_nik
    from ktptui.station.client import Remote

    sock = Path(tempfile.mkdtemp(prefix="kr", dir="/tmp")) / "ktptui.sock"
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        config, data = write_config(tmp_path, central.base_url, seconds_per_card=0.2)
        with_service(config, sock, f'[office]\noperator_group = "{MY_GROUP}"\n')
        svc = service.StationService(load(config), takeover_s=0.2)
        svc.start()
        try:
            with Remote.attach(sock) as writer:  # type: ignore[union-attr]
                job = writer.call("add", nik=demo_nik(7, 8), name="SITI")["job"]
            remote = Remote.attach(sock)
            assert remote is not None
            rs = RemoteStore(remote)
            try:
                got = rs.find_job(job["id"][:8])
                assert got.id == job["id"] and got.name == "SITI"
                assert got.nik == demo_nik(7, 8) == Store(data).find_job(job["id"]).nik
                assert [e.job_id for e in rs.events(job_id=job["id"])][:1] == [job["id"]]
            finally:
                rs.close()
        finally:
            assert svc.stop(wait=30)
            sock.unlink(missing_ok=True)
            sock.parent.rmdir()


# -- the writes the fronts need, as requests of the service's table --------------------------

OPERATOR = Who("siti", 1001, frozenset(), Role.OPERATOR)
SUPERVISOR = Who("kasi", 1002, frozenset({"ktptui-supervisors"}), Role.SUPERVISOR)


def test_lifecycle_printer_and_session_writes_act_as_the_peer(
        both: tuple[Store, RemoteStore, dict[str, Any]]) -> None:
    st, _, jobs = both
    op = Loopback(st, OPERATOR)
    d = jobs["D"]  # printed, not collected
    got = op.call("handover", job=d.id[:8], to="ADIK")["job"]
    assert got["id"] == d.id
    after = st.job(d.id)
    assert after is not None and after.collected_to == "ADIK" and after.collected_by == "siti"
    with pytest.raises(KtpError):  # twice: refused with the reason
        op.call("handover", job=d.id[:8])

    assert op.call("printer_pause", printer="ektp", note="ribbon")["paused"] is True
    assert actions.paused_printers(st)["ektp"]["by"] == "siti"
    with pytest.raises(KtpError, match="no printer named 'nope'"):
        op.call("printer_pause", printer="nope")
    op.call("printer_resume", printer="ektp")
    assert actions.paused_printers(st) == {}

    balance = st.ledger_totals().balance
    opened = op.call("session_open", count=balance)["session"]
    assert opened["opened_by"] == "siti" and opened["open_count"] == balance
    summary = op.call("session_close", count=balance)["summary"]
    assert summary["close_count"] == balance


def test_purge_and_approve_are_a_supervisors(
        both: tuple[Store, RemoteStore, dict[str, Any]]) -> None:
    st, _, _ = both
    before = st.events()
    with pytest.raises(KtpError, match="siti"):
        Loopback(st, OPERATOR).call("purge")
    assert st.events() == before
    assert Loopback(st, SUPERVISOR).call("purge")["days"] == Config().store.retain_personal_days
    with pytest.raises(KtpError, match="siti"):
        Loopback(st, OPERATOR).call("approve", entry="abcdef12")
