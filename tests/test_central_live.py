"""The real client against the real simulator over loopback HTTP, one fault
kind at a time: what the station sees, and what central ends up holding."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from ktptui.central import (
    Backoff,
    CentralClient,
    FinalAnswer,
    LinkMonitor,
    LinkState,
    TokenRefused,
    TransientError,
    Trouble,
)
from ktptui.central.sim import CentralSimulator
from ktptui.model import Job, Outcome, new_job

TOKEN = "live-token"
READY = "3515054103900011"


@pytest.fixture
def sim() -> Iterator[CentralSimulator]:
    with CentralSimulator(port=0, token=TOKEN, seed=4) as s:
        yield s


@pytest.fixture
def client(sim: CentralSimulator) -> Iterator[CentralClient]:
    c = CentralClient(sim.base_url, TOKEN, station_id="st", office_code="35.15", timeout_s=5)
    yield c
    c.close()


def job(nik: str = READY) -> Job:
    return new_job(nik, operator="op")


def test_happy_path_authorise_then_report(sim: CentralSimulator, client: CentralClient) -> None:
    j = job()
    auth = client.authorize(j, "op")
    assert auth.document.startswith(b"%PDF-") and auth.holder_name
    client.report(auth.authorization_id, j.id, j.attempt, Outcome.PRINTED, "op")
    client.report(auth.authorization_id, j.id, j.attempt, Outcome.PRINTED, "op")  # resend
    assert sim.printed_count(j.id) == 1
    assert client.health() == "ok"


def test_down_is_unreachable_and_the_monitor_says_so(sim: CentralSimulator,
                                                     client: CentralClient) -> None:
    sim.faults.down = True
    link = LinkMonitor()
    with pytest.raises(TransientError) as err:
        client.authorize(job(), "op")
    assert err.value.kind is Trouble.UNREACHABLE
    link.record_failure(err.value)
    assert link.state is LinkState.DOWN and "central unreachable since" in link.describe()
    sim.faults.down = False
    assert link.probe(client) is LinkState.UP


def test_lost_reply_after_commit_retried_with_the_same_key_is_one_card(
        sim: CentralSimulator, client: CentralClient) -> None:
    j = job()
    sim.faults.reset_after_rate = 1.0
    with pytest.raises(TransientError):
        client.authorize(j, "op")
    assert len(sim.state()["authorizations"]) == 1  # central did commit it
    sim.faults.reset_after_rate = 0.0
    auth = client.authorize(j, "op")
    assert [a["authorization_id"] for a in sim.state()["authorizations"]] == [
        auth.authorization_id]
    sim.faults.reset_after_rate = 1.0
    with pytest.raises(TransientError):
        client.report(auth.authorization_id, j.id, 1, Outcome.PRINTED, "op")
    sim.faults.reset_after_rate = 0.0
    client.report(auth.authorization_id, j.id, 1, Outcome.PRINTED, "op")
    assert sim.printed_count(j.id) == 1 and sim.state()["results_recorded"] == 1


def test_reset_before_commit_leaves_nothing_at_central(sim: CentralSimulator,
                                                       client: CentralClient) -> None:
    sim.faults.reset_before_rate = 1.0
    with pytest.raises(TransientError):
        client.authorize(job(), "op")
    assert sim.state()["authorizations"] == []


def test_garbage_is_a_bad_reply_and_the_retry_gets_the_real_answer(
        sim: CentralSimulator, client: CentralClient) -> None:
    j = job()
    sim.faults.garbage_rate = 1.0
    for _ in range(5):  # each garbage kind the simulator picks
        with pytest.raises(TransientError) as err:
            client.authorize(j, "op")
        assert err.value.kind is Trouble.BAD_REPLY
    sim.faults.garbage_rate = 0.0
    auth = client.authorize(j, "op")
    assert len(sim.state()["authorizations"]) == 1 and auth.job_id == j.id


@pytest.mark.parametrize(("field", "status"), [("error_rate", 503), ("throttle_rate", 429)])
def test_busy_replies_carry_retry_after_into_the_backoff(
        sim: CentralSimulator, client: CentralClient, field: str, status: int) -> None:
    setattr(sim.faults, field, 1.0)
    sim.faults.retry_after_s = 7
    with pytest.raises(TransientError) as err:
        client.authorize(job(), "op")
    assert err.value.kind is Trouble.BUSY and err.value.retry_after == 7
    assert str(err.value) == f"central busy: {status}"
    link = LinkMonitor(backoff=Backoff(0.01, 10, rng=random.Random(1)))
    link.record_failure(err.value)
    assert link.blocked() and 6.5 < link.waiting() <= 7


def test_unauthorized_is_token_refused(sim: CentralSimulator, client: CentralClient) -> None:
    sim.faults.unauthorized = True
    with pytest.raises(TokenRefused, match="refused the station token"):
        client.health()


def test_wrong_token(sim: CentralSimulator) -> None:
    other = CentralClient(sim.base_url, "not-the-token", station_id="st", office_code="35.15")
    with pytest.raises(TokenRefused):
        other.authorize(job(), "op")


@pytest.mark.parametrize(("serial", "status", "code"), [
    (9001, 409, "not_recorded"), (9002, 409, "not_verified"), (9003, 404, "no_record")])
def test_final_answers_from_the_registry(client: CentralClient, serial: int, status: int,
                                         code: str) -> None:
    with pytest.raises(FinalAnswer) as err:
        client.authorize(job(f"351505410390{serial:04d}"), "op")
    assert (err.value.status, err.value.code) == (status, code)
    assert f"{status} {code}" in str(err.value)


def test_attempt_conflict_until_the_first_attempt_is_reported(
        client: CentralClient) -> None:
    j = job()
    auth = client.authorize(j, "op")
    second = j.changed(attempt=2)
    with pytest.raises(FinalAnswer) as err:
        client.authorize(second, "op")
    assert err.value.code == "attempt_conflict"
    client.report(auth.authorization_id, j.id, 1, Outcome.SPOILED, "op", "jam")
    assert client.authorize(second, "op").attempt == 2


def test_a_different_outcome_for_a_reported_card_is_refused(client: CentralClient) -> None:
    j = job()
    auth = client.authorize(j, "op")
    client.report(auth.authorization_id, j.id, 1, Outcome.PRINTED, "op")
    with pytest.raises(FinalAnswer) as err:
        client.report(auth.authorization_id, j.id, 1, Outcome.SPOILED, "op")
    assert err.value.status == 409


def test_latency_still_answers(sim: CentralSimulator, client: CentralClient) -> None:
    sim.faults.latency_s = 0.2
    assert client.health() == "degraded"  # the simulator says so while faults are set
