"""The built-in central simulator over real loopback HTTP: contract rules, registry, faults."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ktptui.central.sim import (
    NO_RECORD,
    NOT_RECORDED,
    NOT_VERIFIED,
    READY,
    CentralSimulator,
    Faults,
    add_arguments,
    citizen_for,
    run,
)

TOKEN = "test-token-7f3a"
REPO = Path(__file__).resolve().parents[1]
#: Plain HTTP on loopback: skip loading CA certificates for every client (~0.1 s each).
PLAIN: dict[str, Any] = {"verify": False, "timeout": 5.0}


def nik(serial: int, i: int = 0) -> str:
    """A valid NIK from Sidoarjo (35.15) with the given serial; odd ``i`` is a woman."""
    day = 1 + i % 28 + (40 if i % 2 else 0)
    return f"351505{day:02d}{1 + i % 12:02d}{80 + i % 20:02d}{serial:04d}"


def new_job() -> str:
    return str(uuid.uuid4())


def auth_body(job_id: str, attempt: int = 1, nik_: str | None = None,
              reason: str = "new") -> dict[str, Any]:
    return {"job_id": job_id, "attempt": attempt, "nik": nik_ or nik(1), "reason": reason,
            "station_id": "st-01", "office_code": "35.15", "operator": "ani",
            "requested_at": "2026-03-02T09:15:00+07:00"}


def result_body(outcome: str) -> dict[str, Any]:
    return {"outcome": outcome, "reported_at": "2026-03-02T09:20:00+07:00", "operator": "ani"}


def authorise(client: httpx.Client, job_id: str, attempt: int = 1, nik_: str | None = None,
              reason: str = "new", key: str | None = None) -> httpx.Response:
    return client.post("/print-authorizations", json=auth_body(job_id, attempt, nik_, reason),
                       headers={"Idempotency-Key": key or f"{job_id}/{attempt}"})


def report(client: httpx.Client, auth: dict[str, Any], outcome: str,
           key: str | None = None) -> httpx.Response:
    default = f"{auth['job_id']}/{auth['attempt']}/result"
    return client.post(f"/print-authorizations/{auth['authorization_id']}/result",
                       json=result_body(outcome), headers={"Idempotency-Key": key or default})


def body_ok(resp: httpx.Response) -> bool:
    """Does a 201 authorisation body keep the contract (fields and checksum)?"""
    try:
        data = resp.json()
    except ValueError:
        return False
    required = {"authorization_id", "job_id", "nik", "document", "content_type", "sha256",
                "expires_at"}
    if not isinstance(data, dict) or not required <= data.keys():
        return False
    document = base64.b64decode(data["document"])
    return bool(hashlib.sha256(document).hexdigest() == data["sha256"])


@pytest.fixture
def sim() -> Iterator[CentralSimulator]:
    with CentralSimulator(port=0, token=TOKEN, seed=7) as s:
        yield s


@pytest.fixture
def client(sim: CentralSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {TOKEN}"},
                      **PLAIN) as c:
        yield c


@pytest.fixture
def control(sim: CentralSimulator) -> Iterator[httpx.Client]:
    root = sim.base_url.removesuffix("/api/v1")
    with httpx.Client(base_url=f"{root}/_control", **PLAIN,
                      headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


# -- basics --------------------------------------------------------------------------


def test_health_ok(sim: CentralSimulator, client: httpx.Client) -> None:
    assert sim.base_url.startswith("http://127.0.0.1:") and sim.base_url.endswith("/api/v1")
    r = client.get("/health")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["status"] == "ok"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", r.json()["time"])


def test_401_without_or_with_wrong_token(sim: CentralSimulator) -> None:
    with httpx.Client(base_url=sim.base_url, **PLAIN) as anon:
        r = anon.get("/health")
        assert r.status_code == 401
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "missing_token"
        r = anon.post("/print-authorizations", json=auth_body(new_job()),
                      headers={"Authorization": "Bearer wrong", "Idempotency-Key": "x/1"})
        assert r.status_code == 401
        assert r.json()["code"] == "token_refused"
        assert TOKEN not in r.text
    assert sim.state()["authorizations"] == []


def test_authorise_ready_nik_returns_pdf(sim: CentralSimulator, client: httpx.Client) -> None:
    job = new_job()
    r = authorise(client, job, nik_=nik(42, 3))
    assert r.status_code == 201, r.text
    data = r.json()
    assert data["authorization_id"].startswith("au_") and len(data["authorization_id"]) == 23
    assert (data["job_id"], data["attempt"], data["nik"]) == (job, 1, nik(42, 3))
    assert data["holder_name"] == sim.citizen(nik(42, 3)).holder_name
    document = base64.b64decode(data["document"], validate=True)
    assert document.startswith(b"%PDF-")
    assert hashlib.sha256(document).hexdigest() == data["sha256"]
    assert data["content_type"] == "application/pdf"
    assert nik(42, 3).encode() in document and job.encode() in document
    assert re.search(r"[+-]\d\d:\d\d$", data["expires_at"])
    assert sim.requests[-1] == ("POST", "/api/v1/print-authorizations", f"{job}/1", 201)


def test_same_key_twice_same_answer_one_authorisation(sim: CentralSimulator,
                                                      client: httpx.Client) -> None:
    job = new_job()
    first, second = authorise(client, job), authorise(client, job)
    assert (first.status_code, first.content) == (second.status_code, second.content)
    assert len(sim.state()["authorizations"]) == 1


def test_concurrent_same_key_commits_once(sim: CentralSimulator, client: httpx.Client) -> None:
    job = new_job()
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def ask() -> None:
        r = authorise(client, job)
        with lock:
            answers.append((r.status_code, r.content))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 8 and len(set(answers)) == 1 and answers[0][0] == 201
    assert len(sim.state()["authorizations"]) == 1


def test_idempotency_key_mismatch_or_missing_is_422(sim: CentralSimulator,
                                                    client: httpx.Client) -> None:
    job = new_job()
    for key in (f"{job}/2", f"{new_job()}/1", "x" * 129):
        r = authorise(client, job, key=key)
        assert r.status_code == 422
        assert r.json()["code"] == "bad_idempotency_key"
    r = client.post("/print-authorizations", json=auth_body(job))
    assert r.status_code == 422 and r.json()["code"] == "bad_idempotency_key"
    # Nothing was stored under the bad key: the right request with it still works.
    assert authorise(client, job).status_code == 201
    auth = authorise(client, job).json()
    r = report(client, auth, "printed", key=f"{job}/2/result")
    assert r.status_code == 422 and r.json()["code"] == "bad_idempotency_key"


def test_same_key_other_request_is_not_a_replay(client: httpx.Client) -> None:
    job = new_job()
    assert authorise(client, job, nik_=nik(11)).status_code == 201
    r = authorise(client, job, nik_=nik(12))
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("change", [
    {"nik": "35150501018000"}, {"nik": "351505010180000a"}, {"nik": "9915050101800001"},
    {"nik": "3515053201800001"}, {"job_id": "not-a-uuid"}, {"attempt": 0},
    {"attempt": "1"}, {"reason": "stolen"}, {"operator": 5},
    {"requested_at": "2026-03-02 09:15"}, {"requested_at": "2026-03-02T09:15:00"},
])
def test_bad_fields_are_422(sim: CentralSimulator, client: httpx.Client,
                            change: dict[str, Any]) -> None:
    job = new_job()
    body = auth_body(job) | change
    key = f"{job}/{body['attempt']}"
    r = client.post("/print-authorizations", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid_request"
    assert sim.state()["authorizations"] == []


def test_missing_field_and_non_json_are_422(client: httpx.Client) -> None:
    job = new_job()
    body = auth_body(job)
    del body["station_id"]
    r = client.post("/print-authorizations", json=body, headers={"Idempotency-Key": f"{job}/1"})
    assert r.status_code == 422 and "station_id" in r.json()["detail"]
    r = client.post("/print-authorizations", content=b"{nope",
                    headers={"Idempotency-Key": f"{job}/1", "Content-Type": "application/json"})
    assert r.status_code == 422


@pytest.mark.parametrize(("serial", "status", "code"), [
    (9001, 409, "not_recorded"), (9002, 409, "not_verified"), (9003, 404, "no_record"),
])
def test_registry_refusals(sim: CentralSimulator, client: httpx.Client, serial: int,
                           status: int, code: str) -> None:
    job = new_job()
    r = authorise(client, job, nik_=nik(serial))
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == code and problem["status"] == status and problem["title"]
    assert nik(serial) not in problem["detail"]  # masked
    assert authorise(client, job, nik_=nik(serial)).content == r.content
    assert sim.state()["authorizations"] == []


def test_attempt_conflict_until_reported(sim: CentralSimulator, client: httpx.Client) -> None:
    job = new_job()
    first = authorise(client, job).json()
    r = authorise(client, job, attempt=2)
    assert r.status_code == 409 and r.json()["code"] == "attempt_conflict"
    assert report(client, first, "spoiled").status_code == 200
    second = authorise(client, job, attempt=2)  # same key as the refused one
    assert second.status_code == 201
    assert report(client, second.json(), "printed").status_code == 200
    r = authorise(client, job, attempt=3)
    assert r.status_code == 409 and r.json()["code"] == "attempt_conflict"
    assert sim.printed_count(job) == 1


def test_result_idempotent_and_outcome_conflict(sim: CentralSimulator,
                                                client: httpx.Client) -> None:
    job = new_job()
    auth = authorise(client, job).json()
    first, again = report(client, auth, "printed"), report(client, auth, "printed")
    assert first.status_code == 200
    assert first.json() == {"authorization_id": auth["authorization_id"], "outcome": "printed"}
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert sim.printed_count(job) == 1
    r = report(client, auth, "spoiled")
    assert r.status_code == 409 and r.json()["code"] == "outcome_conflict"
    state = sim.state()
    assert state["results_recorded"] == 1 and state["printed_by_job"] == {job: 1}
    assert state["authorizations"][0]["outcome"] == "printed"


def test_unknown_authorisation_is_404(client: httpx.Client) -> None:
    fake = {"authorization_id": "au_00000000000000000000", "job_id": new_job(), "attempt": 1}
    r = report(client, fake, "printed")
    assert r.status_code == 404 and r.json()["code"] == "unknown_authorization"


def test_bad_result_body_is_422(client: httpx.Client) -> None:
    auth = authorise(client, new_job()).json()
    r = client.post(f"/print-authorizations/{auth['authorization_id']}/result",
                    json={"outcome": "burnt", "reported_at": "yesterday", "operator": "ani"},
                    headers={"Idempotency-Key": f"{auth['job_id']}/1/result"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    assert "outcome" in r.json()["detail"] and "reported_at" in r.json()["detail"]


def test_active_card_exists_for_new_reason_only(client: httpx.Client) -> None:
    citizen = nik(77, 5)
    auth = authorise(client, new_job(), nik_=citizen).json()
    assert report(client, auth, "printed").status_code == 200
    r = authorise(client, new_job(), nik_=citizen, reason="new")
    assert r.status_code == 409 and r.json()["code"] == "active_card_exists"
    for reason in ("data_change", "damaged", "lost"):
        assert authorise(client, new_job(), nik_=citizen, reason=reason).status_code == 201


# -- registry ------------------------------------------------------------------------


def test_registry_is_deterministic() -> None:
    niks = [nik(serial, i) for i, serial in enumerate(range(9100, 9400))]
    with (CentralSimulator(token=TOKEN, seed=7) as a, CentralSimulator(token=TOKEN, seed=7) as b):
        assert [a.citizen(n) for n in niks] == [b.citizen(n) for n in niks]
        statuses = {a.citizen(n).status for n in niks}
        assert statuses == {READY, NOT_RECORDED, NOT_VERIFIED, NO_RECORD}
        # The same answers over HTTP, from both simulators.
        sample = niks[:12]
        answers = []
        for s in (a, b):
            with httpx.Client(base_url=s.base_url, **PLAIN,
                              headers={"Authorization": f"Bearer {TOKEN}"}) as c:
                answers.append([(r.status_code, r.json().get("code"), r.json().get("holder_name"))
                                for r in (authorise(c, new_job(), nik_=n) for n in sample)])
        assert answers[0] == answers[1]
    other = [citizen_for(8, n) for n in niks]
    assert other != [citizen_for(7, n) for n in niks]
    assert citizen_for(7, nik(9001)).status == NOT_RECORDED
    assert citizen_for(7, nik(9002)).status == NOT_VERIFIED
    assert citizen_for(7, nik(9003)).status == NO_RECORD
    assert citizen_for(7, nik(9099)).status == READY
    assert all(citizen_for(7, nik(s)).status == READY for s in (1, 500, 8999))
    assert citizen_for(7, nik(1)).holder_name == citizen_for(7, nik(1)).holder_name


# -- faults --------------------------------------------------------------------------


def test_down_resets_connections_but_not_control(sim: CentralSimulator, client: httpx.Client,
                                                 control: httpx.Client) -> None:
    sim.faults.down = True
    with pytest.raises(httpx.TransportError):
        client.get("/health")
    with pytest.raises(httpx.TransportError):
        authorise(client, new_job())
    assert control.get("/state").status_code == 200
    assert sim.state()["authorizations"] == []
    sim.faults.down = False
    assert client.get("/health").status_code == 200
    assert [status for *_, status in sim.requests] == [0, 0, 200]


def test_periodic_down_windows(sim: CentralSimulator, client: httpx.Client) -> None:
    faults = Faults(down_every_s=10, down_for_s=3)
    assert [faults.down_at(t) for t in (0, 2.9, 3, 9.9, 10, 12.5, 13)] == [
        True, True, False, False, True, True, False]
    assert not Faults(down_every_s=10).down_at(0)
    sim.faults.update({"down_every_s": 3600, "down_for_s": 3599})  # the first hour is down
    with pytest.raises(httpx.TransportError):
        client.get("/health")
    sim.faults.update({"down_for_s": 0})
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_error_rate_is_503_with_retry_after(sim: CentralSimulator, client: httpx.Client) -> None:
    sim.faults.error_rate = 1.0
    sim.faults.retry_after_s = 7
    for r in (client.get("/health"), authorise(client, new_job())):
        assert r.status_code == 503
        assert r.headers["retry-after"] == "7"
        assert r.headers["content-type"] == "application/problem+json"
    assert sim.state()["authorizations"] == []


def test_503_is_not_stored_under_the_key(sim: CentralSimulator, client: httpx.Client) -> None:
    job = new_job()
    sim.faults.error_rate = 1.0
    assert authorise(client, job).status_code == 503
    sim.reset_faults()
    assert authorise(client, job).status_code == 201


def test_throttle_is_429(sim: CentralSimulator, client: httpx.Client) -> None:
    sim.faults.throttle_rate = 1.0
    r = authorise(client, new_job())
    assert r.status_code == 429 and int(r.headers["retry-after"]) == 2
    assert client.get("/health").status_code == 200  # /health has no 429 in the contract
    assert sim.state()["authorizations"] == []


def test_reset_before_commits_nothing(sim: CentralSimulator, client: httpx.Client) -> None:
    job = new_job()
    sim.faults.reset_before_rate = 1.0
    with pytest.raises(httpx.TransportError):
        authorise(client, job)
    assert sim.state()["authorizations"] == []
    sim.reset_faults()
    assert authorise(client, job).status_code == 201


def test_reset_after_commits_then_loses_the_reply(sim: CentralSimulator,
                                                  client: httpx.Client) -> None:
    job = new_job()
    sim.faults.reset_after_rate = 1.0
    with pytest.raises(httpx.TransportError):
        authorise(client, job)
    [committed] = sim.state()["authorizations"]
    sim.reset_faults()
    r = authorise(client, job)
    assert r.status_code == 201 and body_ok(r)
    assert r.json()["authorization_id"] == committed["authorization_id"]
    assert len(sim.state()["authorizations"]) == 1
    # A lost result reply: recorded once, the retry gets the answer.
    sim.faults.reset_after_rate = 1.0
    with pytest.raises(httpx.TransportError):
        report(client, r.json(), "printed")
    sim.reset_faults()
    assert report(client, r.json(), "printed").status_code == 200
    assert sim.printed_count(job) == 1 and sim.state()["results_recorded"] == 1


def test_garbage_is_committed_but_breaks_the_contract(sim: CentralSimulator,
                                                      client: httpx.Client) -> None:
    sim.faults.garbage_rate = 1.0
    jobs = [new_job() for _ in range(6)]
    for job in jobs:
        r = authorise(client, job)
        assert r.status_code == 201 and not body_ok(r)
    assert len(sim.state()["authorizations"]) == len(jobs)
    sim.reset_faults()
    good = authorise(client, jobs[0])
    assert good.status_code == 201 and body_ok(good)
    sim.faults.garbage_rate = 1.0
    r = report(client, good.json(), "spoiled")
    assert r.status_code == 200
    try:
        data = r.json()
    except ValueError:
        data = None
    assert not (isinstance(data, dict) and {"authorization_id", "outcome"} <= data.keys())
    assert sim.state()["results_recorded"] == 1
    assert client.get("/health").json()["status"] == "degraded"  # /health is never garbage


def test_unauthorized_fault(sim: CentralSimulator, client: httpx.Client,
                            control: httpx.Client) -> None:
    sim.faults.unauthorized = True
    r = client.get("/health")
    assert r.status_code == 401 and r.json()["code"] == "token_refused"
    assert authorise(client, new_job()).status_code == 401
    assert control.get("/faults").json()["unauthorized"] is True


def test_latency_still_answers(sim: CentralSimulator, client: httpx.Client) -> None:
    sim.faults.latency_s = 0.05
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "degraded"
    assert authorise(client, new_job()).status_code == 201


def test_fault_draws_are_deterministic() -> None:
    sequences = []
    for _ in range(2):
        with CentralSimulator(token=TOKEN, seed=3, faults=Faults(error_rate=0.5)) as s, \
                httpx.Client(base_url=s.base_url, **PLAIN,
                             headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            sequences.append([c.get("/health").status_code for _ in range(20)])
    assert sequences[0] == sequences[1]
    assert set(sequences[0]) == {200, 503}


def test_control_endpoint_changes_faults_while_running(sim: CentralSimulator,
                                                       client: httpx.Client,
                                                       control: httpx.Client) -> None:
    r = control.post("/faults", json={"error_rate": 1, "retry_after_s": 4})
    assert r.status_code == 200 and r.json()["error_rate"] == 1.0
    assert sim.faults.error_rate == 1.0
    r = client.get("/health")
    assert r.status_code == 503 and r.headers["retry-after"] == "4"
    for bad in ({"no_such_fault": 1}, {"error_rate": 2}, {"down": "yes"}, {"retry_after_s": 1.5}):
        r = control.post("/faults", json=bad)
        assert r.status_code == 400, bad
        assert r.headers["content-type"] == "application/problem+json"
    assert control.post("/faults", json={"error_rate": 0, "no_such": 1}).status_code == 400
    assert sim.faults.error_rate == 1.0  # all or nothing
    assert control.post("/faults", json={"error_rate": 0}).status_code == 200
    assert client.get("/health").status_code == 200
    with httpx.Client(base_url=str(control.base_url), **PLAIN) as anon:
        assert anon.get("/state").status_code == 401


def test_control_state_and_reset(sim: CentralSimulator, client: httpx.Client,
                                 control: httpx.Client) -> None:
    job = new_job()
    auth = authorise(client, job).json()
    report(client, auth, "printed")
    state = control.get("/state").json()
    assert state == sim.state()
    assert state["authorizations"] == [{"authorization_id": auth["authorization_id"],
                                        "job_id": job, "attempt": 1, "nik": nik(1),
                                        "outcome": "printed"}]
    assert state["printed_by_job"] == {job: 1}
    assert state["requests"] == 2 and state["results_recorded"] == 1
    control.post("/faults", json={"down": True})
    r = control.post("/reset")
    assert r.status_code == 200 and r.json()["authorizations"] == []
    assert sim.faults == Faults() and sim.requests == []
    assert authorise(client, job).status_code == 201  # the key was forgotten too


def test_stop_closes_the_port() -> None:
    s = CentralSimulator(token=TOKEN)
    s.start()
    url = s.base_url
    s.stop()
    s.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/health", headers={"Authorization": f"Bearer {TOKEN}"}, **PLAIN)


def test_constructor_and_faults_validate() -> None:
    with pytest.raises(ValueError):
        CentralSimulator(token="")
    with pytest.raises(ValueError):
        Faults(error_rate=1.5)
    with pytest.raises(RuntimeError):
        _ = CentralSimulator(token=TOKEN).base_url  # port 0: known once started
    assert CentralSimulator(port=8999, token=TOKEN).base_url == "http://127.0.0.1:8999/api/v1"


# -- command line --------------------------------------------------------------------


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_cli_options_and_missing_token(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["--port", "0", "--error-rate", "0.25", "--down-every", "60",
                   "--down-for", "5", "--unauthorized", "--retry-after", "9"])
    assert (args.error_rate, args.down_every, args.down_for) == (0.25, 60.0, 5.0)
    assert args.unauthorized and args.retry_after == 9 and args.token is None
    with pytest.raises(SystemExit):
        _parse(["--throttle-rate", "1.5"])
    capsys.readouterr()
    monkeypatch.delenv("KTPTUI_SIM_TOKEN", raising=False)
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "KTPTUI_SIM_TOKEN" in err


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline() if ready else ""


def test_ktptui_sim_subprocess() -> None:
    env = dict(os.environ, KTPTUI_SIM_TOKEN=TOKEN, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "ktptui", "sim", "--port", "0", "--seed",
                             "5", "--latency", "0.01"], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = _read_line(proc, 20)
        match = re.fullmatch(r"central simulator on (http://127\.0\.0\.1:(\d+)/api/v1) "
                             r"\(seed 5\)\n", line)
        assert match, (line, proc.poll(), proc.stderr.read() if proc.poll() is not None
                       and proc.stderr else "")
        assert int(match.group(2)) > 0
        r = httpx.get(f"{match.group(1)}/health", headers={"Authorization": f"Bearer {TOKEN}"},
                      **PLAIN)
        assert r.status_code == 200 and r.json()["status"] == "degraded"
        root = match.group(1).removesuffix("/api/v1")
        faults = httpx.get(f"{root}/_control/faults",
                           headers={"Authorization": f"Bearer {TOKEN}"}, **PLAIN).json()
        assert faults["latency_s"] == 0.01
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None and TOKEN not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_request_log_never_holds_the_token(sim: CentralSimulator, client: httpx.Client) -> None:
    authorise(client, new_job())
    assert TOKEN not in json.dumps(sim.requests) + json.dumps(sim.state())
