"""Wrong station clocks (issue 10 item 4): an authorisation's lifetime is
judged on central's clock, measured from each reply's ``Date`` header and
kept with the monotonic clock. The station's clock is skewed for real with
``faketime`` on a ``--resume`` subprocess, or in-process through the
simulator's ``clock_skew_s`` (central off by as much, seen from the station)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chaos import TOKEN, write_config
from test_engine import OP, Station, make_station, new_engine

from ktptui import actions
from ktptui.central import CentralClient
from ktptui.central.clock import CentralClock
from ktptui.central.sim import CentralSimulator
from ktptui.model import State
from ktptui.station import engine
from ktptui.store import Store

FAKETIME = shutil.which("faketime")
HOUR = 3600.0


def faketime_resume(cfg: Path, offset: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``ktptui --resume`` with the station's wall clock moved by ``offset``
    (monotonic left alone, as a wrong RTC leaves it)."""
    assert FAKETIME, "faketime is needed (Debian package faketime, see .ci/run)"
    env = {**os.environ, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
    return subprocess.run([FAKETIME, "-f", offset, sys.executable, "-m", "ktptui", "--resume",
                           "--config", str(cfg), *extra], capture_output=True, text=True,
                          timeout=120, env=env, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("offset", "seconds"), [("+3h", -3 * HOUR), ("+24h", -24 * HOUR),
                                                 ("-24h", 24 * HOUR)])
def test_resume_with_a_wrong_station_clock_prints_each_card_once(
        tmp_path: Path, offset: str, seconds: float) -> None:
    # Seen: 3 h ahead, --resume looped authorise -> give back (attempt 60, 0 cards).
    with CentralSimulator(port=0, token=TOKEN, seed=4) as sim:
        cfg = write_config(tmp_path, sim.base_url)
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="t")
        ids = [actions.add(store, n, operator="t").id
               for n in ("3515054103900011", "3515051212850009")]
        out = faketime_resume(cfg, offset, "--max-wait", "30")
        assert out.returncode == 0, out.stderr[-2000:]
        store.refresh()
        assert {store.job(i).state for i in ids} == {State.DONE}  # type: ignore[union-attr]
        assert {(a["attempt"], a["outcome"]) for a in sim.state()["authorizations"]} == {
            (1, "printed")}
        assert len(sim.state()["authorizations"]) == 2
        assert sorted(p.name for p in (tmp_path / "spool").iterdir()) == sorted(
            f"{i}-1.pdf" for i in ids)
        assert "clock is" in out.stderr  # the offset is logged once, in words
        # `ktptui status --json` (right clock) shows what the station measured.
        status = subprocess.run([sys.executable, "-m", "ktptui", "status", "--json",
                                 "--config", str(cfg)], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL)
        measured = json.loads(status.stdout)["engine"]["clock_offset_s"]
        assert abs(measured - seconds) < 30


def test_a_lapse_is_judged_on_centrals_clock_with_the_station_a_day_behind(
        tmp_path: Path) -> None:
    """The station's clock is 24 h behind: by its own clock an authorisation
    would look good for a day more. Central's time (kept monotonic) lapses it."""
    mono = [1000.0]
    with CentralSimulator(port=0, token="engine-test-token", seed=3, auth_ttl_s=600,
                          clock_skew_s=24 * HOUR) as sim:
        st = make_station(tmp_path, sim, blanks=0, ahead=1)  # no blanks: nothing prints
        st.engine = engine.Engine(
            st.store, st.engine.config, client=st.engine.client, printer=st.printer,
            power=st.power, link=st.engine.link, operator=OP,
            clock=CentralClock(monotonic=lambda: mono[0]))
        (job_id,) = st.add(10)
        st.engine.network_step()
        job = st.store.job(job_id)
        assert job is not None and job.state is State.AUTHORIZED and job.attempt == 1
        offset = st.engine.clock.offset_s()
        assert offset is not None and abs(offset - 24 * HOUR) < 5
        mono[0] += 550  # 50 s left: inside the 60 s margin on central's clock
        st.engine.network_step()
        job = st.store.job(job_id)
        assert job is not None and job.attempt == 2  # given back, asked again
        assert {(a["attempt"], a["outcome"]) for a in sim.state()["authorizations"]} == {
            (1, "not_printed"), (2, None)}


def test_an_authorisation_that_keeps_lapsing_is_held_after_three(tmp_path: Path) -> None:
    """Lifetimes shorter than the safety margin can never print: the job is
    held with the reason after 3 give-backs instead of looping forever."""
    with CentralSimulator(port=0, token="engine-test-token", seed=3, auth_ttl_s=30) as sim:
        st = make_station(tmp_path, sim, ahead=1)
        (job_id,) = st.add(10)
        for _ in range(12):
            st.engine.network_step()
        job = st.store.job(job_id)
        assert job is not None and job.state is State.HELD
        assert "lapsed unused 3 times" in job.history[-1].note
        assert sum(h.lapsed for h in job.history) == engine.MAX_LAPSES - 1  # typed, not by note
        assert "check the station clock" in job.last_error  # shown in `jobs` and the table
        auths = sim.state()["authorizations"]
        assert len(auths) == engine.MAX_LAPSES
        assert {a["outcome"] for a in auths} == {"not_printed"}
        assert st.store.outbox() == [] and st.printer.fed == []
        assert any("held" in e.detail for e in st.store.events())
        # Released by the operator, it may try again (the count starts over).
        actions.release(st.store, job_id, operator=OP)
        st.engine.network_step()
        assert st.store.job(job_id).state is State.AUTHORIZED  # type: ignore[union-attr]


def _authorised_then_stopped(tmp_path: Path, sim: CentralSimulator) -> Station:
    st = make_station(tmp_path, sim, blanks=0)
    st.add(10)
    st.engine.network_step()
    assert st.store.count([State.AUTHORIZED]) == 1
    actions.receive_blanks(st.store, 5, operator=OP)
    return st


def test_restart_in_the_same_boot_keeps_the_measured_offset(tmp_path: Path) -> None:
    """A restart (same boot) prints what is authorised even with central down."""
    with CentralSimulator(port=0, token="engine-test-token", seed=3,
                          clock_skew_s=-3 * HOUR) as sim:
        st = _authorised_then_stopped(tmp_path, sim)
        sim.faults.down = True
        again = new_engine(st.engine.config, st.store, st.printer, st.power)
        offset = again.clock.offset_s()
        assert offset is not None and abs(offset + 3 * HOUR) < 5
        assert again.run(until_idle=False, deadline=time.monotonic() + 3) is False
        assert len(st.printer.printed) == 1  # printed with the link down


def test_after_a_reboot_the_lifetime_is_unknown_until_central_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with CentralSimulator(port=0, token="engine-test-token", seed=3,
                          clock_skew_s=-3 * HOUR) as sim:
        st = _authorised_then_stopped(tmp_path, sim)
        sim.faults.down = True
        monkeypatch.setattr(engine, "boot_id", lambda: "another-boot")
        again = new_engine(st.engine.config, st.store, st.printer, st.power)
        assert again.clock.now() is None
        status = again.evaluate()
        assert status.gate is engine.Gate.WAITING and "central's clock" in status.reason
        assert again.print_step() is False and st.printer.fed == []
        assert again.network_step() is False  # central down: nothing given back either
        assert st.store.count([State.AUTHORIZED]) == 1
        sim.faults.down = False
        assert again.run(until_idle=True, deadline=time.monotonic() + 30)
        assert len(st.printer.printed) == 1 and sim.state()["results_recorded"] == 1


def test_every_reply_carries_a_date_on_centrals_clock() -> None:
    with CentralSimulator(port=0, token="t", seed=1, clock_skew_s=5 * HOUR) as sim:
        client = CentralClient(sim.base_url, "t", station_id="s", office_code="35.15")
        for path in ("/health", "/print-authorizations", "/nowhere"):
            reply = client._http.get(path)
            date = datetime.strptime(reply.headers["Date"], "%a, %d %b %Y %H:%M:%S GMT")
            skew = date.replace(tzinfo=UTC) - datetime.now(UTC)
            assert abs(skew - timedelta(hours=5)) < timedelta(seconds=5), path
        client.close()


def test_clock_words_and_the_status_json_field(tmp_path: Path) -> None:
    assert engine.clock_words(-3 * HOUR) == "3 h ahead of"
    assert engine.clock_words(25 * 60) == "25 min behind"
    with CentralSimulator(port=0, token="engine-test-token", seed=3,
                          clock_skew_s=-3 * HOUR) as sim:
        st = make_station(tmp_path, sim)
        st.engine.network_step()
        status = st.engine.evaluate()
        assert status.clock_offset_s is not None and abs(status.clock_offset_s + 3 * HOUR) < 5
        published = st.store.meta("engine_status")
        assert published["clock_offset_s"] == status.clock_offset_s


def test_the_tui_says_how_far_off_the_station_clock_is() -> None:
    from tuikit import fixed_status

    from ktptui import i18n
    from ktptui.central.monitor import LinkState, LinkStatus
    from ktptui.station.status import StationStatus
    from ktptui.tui.status import BlanksInfo, engine_lines, standby_lines

    # 09:18 on the station's clock, whatever its time zone
    link = LinkStatus(LinkState.UP, datetime.now().astimezone().replace(hour=9, minute=18))

    def link_text(offset: float | None) -> tuple[str, str]:
        status = fixed_status(engine.Gate.IDLE, "Queue empty", blanks=10, link=link,
                              clock_offset_s=offset)
        part = engine_lines(status, BlanksInfo(10, 5, None)).link
        return part.text, part.level

    try:
        assert link_text(-3 * HOUR) == ("Jaringan: tersambung sejak 09:18; "
                                        "jam stasiun 3 jam lebih cepat", "warn")
        assert link_text(25 * 60)[0].endswith("jam stasiun 25 menit lebih lambat")
        assert link_text(90) == ("Jaringan: tersambung sejak 09:18", "ok")
        assert link_text(None) == ("Jaringan: tersambung sejak 09:18", "ok")
        other = StationStatus.from_json(fixed_status(engine.Gate.IDLE, link=link,
                                                     clock_offset_s=-3 * HOUR).to_json())
        standby = standby_lines("ktptui --resume", other, BlanksInfo(10, 5, None))
        assert standby.link.text.endswith("jam stasiun 3 jam lebih cepat")
        i18n.set_language("en")
        assert link_text(24 * HOUR)[0].endswith("station clock 24 h slow")
    finally:
        i18n.set_language("id")


def test_cli_status_says_the_clock_is_off(tmp_path: Path) -> None:
    from tuikit import fixed_status

    from ktptui.cli import main as cli

    store = Store(tmp_path / "data")
    status = fixed_status(engine.Gate.IDLE, "Queue empty", clock_offset_s=-3 * HOUR)
    with store.transaction() as tx:
        tx.set_meta("engine_status", status.to_json())
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n')
    out = subprocess.run([sys.executable, "-m", "ktptui", "status", "--config", str(cfg)],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "jam stasiun 3 jam lebih cepat" in out.stdout, out.stderr  # Indonesian by default
    assert out.returncode == cli.EXIT_OK


def test_a_lapse_is_counted_by_its_mark_and_old_records_by_their_note() -> None:
    """``actions.lapses`` counts history entries marked ``lapsed`` (the mark
    is stored only where true); entries written before the mark existed are
    known by their note."""
    from ktptui.model import Job, new_job, transition

    def authorised(j: Job, n: int) -> Job:
        return transition(j, State.AUTHORIZED, operator=OP, authorization_id=f"a{n}")

    job = authorised(new_job("3515051503900011", operator=OP), 1)
    job = transition(job, State.QUEUED, operator=OP, note="expired", lapsed=True)
    job = transition(authorised(job, 2), State.QUEUED, operator=OP, note=actions.LAPSED_NOTE)
    job = authorised(job, 3)
    assert actions.lapses(job) == 2
    stored = job.to_dict()
    assert [("lapsed" in h) for h in stored["history"]] == [False, False, True, False, False,
                                                           False]
    assert actions.lapses(Job.from_dict(stored)) == 2
    given_back = transition(job, State.QUEUED, operator=OP, note="not printed")  # not a lapse
    assert actions.lapses(given_back) == 0
