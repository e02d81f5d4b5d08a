"""Helpers for the office-operations tests: a pinned clock and jobs moved
through their states with known times and operators (no wall clock).

Test modules import the fixtures ``clock_fixture``, ``st_fixture`` and
``wib_local_fixture``; tests ask for them as ``clock``, ``st``, ``wib_local``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ktptui import actions, model
from ktptui.model import Job, Outcome, State
from ktptui.store import Store

#: Station time in the tests: WIB (UTC+7), the Jakarta / Surabaya offices' zone.
WIB = timezone(timedelta(hours=7))
ENGINE = "ktp"
#: The card printer's queue name in these tests' history.
PRINTER = "ektp"
BUDI = "budi@10.0.0.5"
SITI = "siti@10.0.0.9"

NIKS = [f"3515054103{n:02d}0011" for n in range(90, 99)] + [
    f"3578011203{n:02d}0021" for n in range(80, 89)]


def utc(text: str) -> datetime:
    """``"2026-11-23T01:00"`` -> that instant in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    """Stands in for ``model.now_utc``, the core's one clock."""

    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def at(self, text: str) -> Clock:
        self.t = utc(text)
        return self

    def advance(self, **kw: float) -> None:
        self.t += timedelta(**kw)


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(utc("2026-11-01T00:00"))
    monkeypatch.setattr(model, "now_utc", c)
    return c


@pytest.fixture(name="wib_local")
def wib_local_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone is WIB (for the CLI, which uses local time)."""
    monkeypatch.setenv("TZ", "WIB-7")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(name="st")
def st_fixture(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


# -- moving jobs ---------------------------------------------------------------------

def add(s: Store, clock: Clock, at: str, nik: str, operator: str, note: str = "") -> Job:
    """A request taken at ``at``, with a citizen's name (a Suket needs one)."""
    clock.at(at)
    return actions.add(s, nik, operator=operator, note=note, name=f"Warga {nik[-6:]}")


Step = Callable[..., Job]


def step(s: Store, job_id: str, action: Step, **kw: object) -> Job:
    """One of the engine's ``actions`` on ``job_id``, in its own transaction."""
    with s.transaction() as tx:
        job = tx.job(job_id)
        assert job is not None
        return action(tx, job, **kw)


def move(s: Store, job_id: str, to: State, operator: str = ENGINE, note: str = "") -> Job:
    """The engine's step to ``to`` (printing: sent to this test's printer;
    interrupted: with ``note``)."""
    if to is State.PRINTING:
        return step(s, job_id, actions.sent_to_printer, operator=operator, printer=PRINTER)
    if to is State.INTERRUPTED:
        return step(s, job_id, actions.interrupted, operator=operator, note=note)
    raise ValueError(f"no engine step to {to.value}: use the helper for it")


def authorize(s: Store, job_id: str, holder: str | None = None) -> Job:
    job = s.job(job_id)
    assert job is not None
    return step(s, job_id, actions.authorised, operator=ENGINE,
                authorization_id=f"auth-{job_id[:8]}-{job.attempt}", holder_name=holder)


def print_card(s: Store, job_id: str, outcome: Outcome = Outcome.PRINTED) -> Job:
    """PRINTING, then settled (ledger entry + outbox) as the engine does."""
    move(s, job_id, State.PRINTING, ENGINE)
    return step(s, job_id, actions.settle_card, outcome=outcome, operator=ENGINE)


def done(s: Store, job_id: str) -> Job:
    with s.transaction() as tx:
        job = tx.job(job_id)
        assert job is not None
        tx.remove_outbox(f"{job.id}/{job.attempt}")
        return actions.reported(tx, job, operator=ENGINE)


def reject(s: Store, job_id: str, code: str) -> Job:
    nik = s.job(job_id).nik  # type: ignore[union-attr]
    return step(s, job_id, actions.rejected, operator=ENGINE, code=code, status=409,
                why=f"central says NIK {nik} is {code}")


def event(s: Store, clock: Clock, at: str, kind: str, detail: str,
          operator: str = ENGINE) -> None:
    clock.at(at)
    with s.transaction() as tx:
        tx.add_event(kind, operator, detail)


# -- the day the report tests describe -------------------------------------------------

#: 2026-11-23 in WIB runs from 2026-11-22T17:00Z to 2026-11-23T17:00Z.
DAY = "2026-11-23"


def office_day(s: Store, clock: Clock, suket_issue: object = None) -> dict[str, Job]:
    """A known day at a WIB office. Returns the jobs by letter.

    Before the day: 100 blanks, job A queued (still waiting at the end), link down
    at 16:00Z. In the day: B printed and done; C spoiled once then printed and
    done; D printed (not yet reported); E and F rejected not_recorded, G rejected
    duplicate_request; E gets a Suket and a reprint; H held; I cancelled; one
    blank spoiled by hand. After the day: J printed.
    """
    from ktptui.office import suket

    jobs: dict[str, Job] = {}
    clock.at("2026-11-22T10:00")
    actions.receive_blanks(s, 100, operator="admin", note="SP-001")
    jobs["A"] = add(s, clock, "2026-11-22T10:00", NIKS[0], BUDI, "walk-in")
    event(s, clock, "2026-11-22T16:00", "link", "down: central unreachable: timeout")
    event(s, clock, "2026-11-22T18:30", "link", "up")  # 1.5 h inside the day

    jobs["B"] = add(s, clock, "2026-11-23T01:00", NIKS[1], BUDI)
    authorize(s, jobs["B"].id, "SITI AMINAH")
    print_card(s, jobs["B"].id)
    done(s, jobs["B"].id)

    jobs["C"] = add(s, clock, "2026-11-23T01:05", NIKS[2], SITI)
    authorize(s, jobs["C"].id)
    print_card(s, jobs["C"].id, Outcome.SPOILED)
    authorize(s, jobs["C"].id, "AGUS")
    print_card(s, jobs["C"].id)
    done(s, jobs["C"].id)

    jobs["D"] = add(s, clock, "2026-11-23T02:00", NIKS[3], SITI)
    authorize(s, jobs["D"].id, "DEWI")
    print_card(s, jobs["D"].id)

    jobs["E"] = add(s, clock, "2026-11-23T02:10", NIKS[4], BUDI)
    jobs["F"] = add(s, clock, "2026-11-23T02:20", NIKS[5], BUDI)
    jobs["G"] = add(s, clock, "2026-11-23T02:30", NIKS[6], SITI)
    clock.at("2026-11-23T03:00")
    reject(s, jobs["E"].id, "not_recorded")
    reject(s, jobs["F"].id, "not_recorded")
    reject(s, jobs["G"].id, "duplicate_request")

    event(s, clock, "2026-11-23T03:00", "power", "on battery 80%, ~30 min left")
    event(s, clock, "2026-11-23T03:15", "power", "mains")  # 0.25 h
    clock.at("2026-11-23T04:00")
    suket.issue(s, jobs["E"].id[:8], operator=SITI, office_code="35.15", station_id="ktp-01",
                show=lambda text: None)
    event(s, clock, "2026-11-23T05:00", "link", "degraded")  # not down
    clock.at("2026-11-23T05:00")
    suket.issue(s, jobs["E"].id[:8], operator=BUDI, office_code="35.15", station_id="ktp-01",
                show=lambda text: None)

    jobs["H"] = add(s, clock, "2026-11-23T05:00", NIKS[7], BUDI)
    clock.at("2026-11-23T05:10")
    actions.hold(s, jobs["H"].id, operator=SITI, note="citizen asked to wait")
    jobs["I"] = add(s, clock, "2026-11-23T06:00", NIKS[8], BUDI)
    clock.at("2026-11-23T06:05")
    actions.cancel(s, jobs["I"].id, operator=BUDI, note="duplicate visit")
    clock.at("2026-11-23T07:00")
    actions.spoil_blank(s, operator=SITI, note="dropped a blank")

    event(s, clock, "2026-11-23T10:00", "power", "on battery 95%")
    event(s, clock, "2026-11-23T10:30", "power", "power state unknown: upsc failed")  # 0.5 h
    event(s, clock, "2026-11-23T16:30", "link", "down: central unreachable: refused")
    event(s, clock, "2026-11-23T16:45", "link", "down: central unreachable: refused")

    jobs["J"] = add(s, clock, "2026-11-23T18:00", NIKS[9], BUDI)  # 01:00 WIB next day
    authorize(s, jobs["J"].id, "JOKO")
    print_card(s, jobs["J"].id)
    clock.at("2026-11-24T02:00")  # 09:00 WIB on the 24th: "now"
    for k, job in jobs.items():
        current = s.job(job.id)
        assert current is not None
        jobs[k] = current
    return jobs


# -- an older month in the archive, then damaged -------------------------------------

OLD_MONTH = "2026-10"


def old_month(s: Store, clock: Clock) -> list[Job]:
    """Five jobs printed and done in October, a shipment, link events, all
    archived (compacted in October). Returns the jobs."""
    clock.at(f"{OLD_MONTH}-01T01:00")
    actions.receive_blanks(s, 5, operator="admin", note="SP-000")
    jobs: list[Job] = []
    for n in range(5):
        job = add(s, clock, f"{OLD_MONTH}-01T0{n + 2}:00", NIKS[10 + n], BUDI)
        authorize(s, job.id)
        print_card(s, job.id)
        jobs.append(done(s, job.id))
    event(s, clock, f"{OLD_MONTH}-02T01:00", "link", "down: central unreachable: timeout")
    event(s, clock, f"{OLD_MONTH}-02T02:00", "link", "up")
    clock.at(f"{OLD_MONTH}-05T00:00")
    s.compact()
    assert s.jobs() == []
    return jobs


def damage_old_month(s: Store) -> list[Path]:
    """Flip one byte in every record of the October segments, in place: a
    read of any of them is logged as damaged. Returns the segments."""
    segments = sorted((s.dir / "archive").glob(f"*-{OLD_MONTH}.jsonl"))
    assert {p.name.split("-")[0] for p in segments} == {"jobs", "ledger", "events"}
    for path in segments:
        lines = path.read_bytes().splitlines(keepends=True)
        with open(path, "r+b") as f:  # same file, same size: the index still trusts it
            f.write(b"".join(line[:20] + bytes([line[20] ^ 1]) + line[21:] for line in lines))
    return segments


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter of archive records decoded from now on (``[n]``): a read
    scoped to its span decodes only what it returns."""
    import ktptui.store.history as history

    seen = [0]
    real = history.decode_line

    def counting(line: bytes) -> object:
        seen[0] += 1
        return real(line)

    monkeypatch.setattr(history, "decode_line", counting)
    return seen
