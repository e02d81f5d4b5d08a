"""Issue 15, found by the service chaos run (tests/service_chaos.py): an
authorisation whose job moved while it was asked for. Held meanwhile: it is
given back and the released job asks as a new attempt (the same key would
get the given-back one again, then print on it: central would hold
``not_printed`` for a card that came out). Its answer lost and the job
cancelled: the engine asks again under the same key and gives back what
central holds, so no authorisation is left unreported."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from test_engine import OP, make_station, sim  # noqa: F401 - sim is a fixture

from ktptui import actions
from ktptui.central import CentralClient, TransientError
from ktptui.central.sim import CentralSimulator
from ktptui.model import Job, State


def outcomes(central: CentralSimulator) -> list[tuple[int, str | None]]:
    return sorted((a["attempt"], a["outcome"]) for a in central.state()["authorizations"])


def conflicts(central: CentralSimulator) -> list[Any]:
    return [r for r in central.requests if r[1].endswith("/result") and r[3] == 409]


def test_a_job_held_while_authorising_asks_again_as_a_new_attempt(
        tmp_path: Path, sim: CentralSimulator, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    st = make_station(tmp_path, sim, ahead=1)
    (job_id,) = st.add(10)
    real = CentralClient.authorize

    def authorize(self: CentralClient, job: Job, operator: str) -> Any:
        auth = real(self, job, operator)  # central holds it now
        if job.attempt == 1:
            actions.hold(st.store, job.id, operator=OP, note="the citizen left")
        return auth

    monkeypatch.setattr(CentralClient, "authorize", authorize)
    st.engine.network_step()
    held = st.store.job(job_id)
    assert held is not None and held.state is State.HELD and held.attempt == 2
    actions.release(st.store, job_id, operator=OP)
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 30)
    done = st.store.job(job_id)
    assert done is not None and done.state is State.DONE and done.attempt == 2
    assert sim.printed_count(job_id) == 1 and conflicts(sim) == []
    assert outcomes(sim) == [(1, "not_printed"), (2, "printed")]


def test_an_authorisation_whose_answer_was_lost_is_given_back_when_the_job_is_cancelled(
        tmp_path: Path, sim: CentralSimulator, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    st = make_station(tmp_path, sim, ahead=1)
    (job_id,) = st.add(10)
    real = CentralClient.authorize

    def reply_lost(self: CentralClient, job: Job, operator: str) -> Any:
        real(self, job, operator)  # central commits; the station never hears
        raise TransientError("connection reset")

    monkeypatch.setattr(CentralClient, "authorize", reply_lost)
    st.engine.network_step()
    monkeypatch.undo()
    assert outcomes(sim) == [(1, None)]
    assert actions.unanswered(st.store) == {job_id: 1}
    actions.cancel(st.store, job_id, operator=OP, note="the citizen left")
    assert not st.engine.idle()  # an outcome is still to be reported
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 30)
    assert outcomes(sim) == [(1, "not_printed")]  # the same one, asked for again
    assert actions.unanswered(st.store) == {} and st.store.outbox() == []
    assert st.printer.fed == [] and sim.printed_count(job_id) == 0


def test_a_held_job_whose_answer_was_lost_gets_the_same_authorisation_when_released(
        tmp_path: Path, sim: CentralSimulator, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    st = make_station(tmp_path, sim, ahead=1)
    (job_id,) = st.add(10)
    real = CentralClient.authorize

    def reply_lost(self: CentralClient, job: Job, operator: str) -> Any:
        real(self, job, operator)
        raise TransientError("connection reset")

    monkeypatch.setattr(CentralClient, "authorize", reply_lost)
    st.engine.network_step()
    monkeypatch.undo()
    actions.hold(st.store, job_id, operator=OP)
    st.engine.network_step()  # a held job will ask again: nothing is given back yet
    assert outcomes(sim) == [(1, None)] and st.engine.idle()
    actions.release(st.store, job_id, operator=OP)
    assert st.engine.run(until_idle=True, deadline=time.monotonic() + 30)
    assert outcomes(sim) == [(1, "printed")] and sim.printed_count(job_id) == 1
    assert actions.unanswered(st.store) == {} and conflicts(sim) == []
