"""The central client's classification of every kind of reply, through
httpx's transport seam (no network), and the link monitor's backoff."""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ktptui.central import (
    Backoff,
    CentralClient,
    FinalAnswer,
    LinkMonitor,
    LinkState,
    TokenFileError,
    TokenRefused,
    TransientError,
    Trouble,
    check_base_url,
    read_token,
)
from ktptui.model import Outcome, new_job

NIK = "3515054103900011"
DOC = b"%PDF-1.4 card"


def _auth_body(job_id: str, attempt: int = 1, **over: Any) -> dict[str, Any]:
    body = {
        "authorization_id": "au_1", "job_id": job_id, "attempt": attempt, "nik": NIK,
        "holder_name": "SITI AMINAH", "document": base64.b64encode(DOC).decode(),
        "content_type": "application/pdf", "sha256": hashlib.sha256(DOC).hexdigest(),
        "expires_at": "2026-11-23T12:00:00+07:00",
    }
    body.update(over)
    return body


Handler = Callable[[httpx.Request], httpx.Response]


def client_with(handler: Handler) -> CentralClient:
    return CentralClient("https://central.example.invalid/api/v1", "tok-123",
                         station_id="st-1", office_code="35.15",
                         transport=httpx.MockTransport(handler))


def test_authorize_sends_the_contract_request_and_checks_the_reply() -> None:
    job = new_job(NIK, operator="ani")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=_auth_body(job.id))

    auth = client_with(handler).authorize(job, "ani@10.0.0.5")
    assert auth.document == DOC and auth.holder_name == "SITI AMINAH"
    request = seen[0]
    assert request.url.path == "/api/v1/print-authorizations"
    assert request.headers["Idempotency-Key"] == f"{job.id}/1"
    assert request.headers["Authorization"] == "Bearer tok-123"
    body = json.loads(request.content)
    assert body["nik"] == NIK and body["attempt"] == 1 and body["reason"] == "new"
    assert body["station_id"] == "st-1" and body["office_code"] == "35.15"
    assert body["operator"] == "ani@10.0.0.5" and "+00:00" in body["requested_at"]


def test_report_uses_the_result_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"authorization_id": "au/7", "outcome": "spoiled"})

    client_with(handler).report("au/7", "job-1", 2, Outcome.SPOILED, "ani", "jam")
    assert seen[0].url.raw_path == b"/api/v1/print-authorizations/au%2F7/result"
    assert seen[0].headers["Idempotency-Key"] == "job-1/2/result"
    assert json.loads(seen[0].content)["note"] == "jam"


@pytest.mark.parametrize("body", [
    b"<html>oops</html>",
    b"[]",
    json.dumps({"job_id": "x"}).encode(),
])
def test_garbage_replies_are_transient_bad_replies(body: bytes) -> None:
    job = new_job(NIK, operator="ani")
    client = client_with(lambda r: httpx.Response(201, content=body))
    with pytest.raises(TransientError) as err:
        client.authorize(job, "ani")
    assert err.value.kind is Trouble.BAD_REPLY
    assert str(err.value).startswith("central sent a bad reply")


@pytest.mark.parametrize("change", [
    {"sha256": "0" * 64},
    {"document": "not base64!!"},
    {"expires_at": "2026-11-23T12:00:00"},  # no offset
    {"attempt": 2},
])
def test_replies_that_break_the_contract_are_refused(change: dict[str, Any]) -> None:
    job = new_job(NIK, operator="ani")
    client = client_with(lambda r: httpx.Response(201, json=_auth_body(job.id, **change)))
    with pytest.raises(TransientError) as err:
        client.authorize(job, "ani")
    assert err.value.kind is Trouble.BAD_REPLY


def test_a_reply_for_another_job_is_refused() -> None:
    job = new_job(NIK, operator="ani")
    other = new_job(NIK, operator="ani")
    client = client_with(lambda r: httpx.Response(201, json=_auth_body(other.id)))
    with pytest.raises(TransientError, match="another job"):
        client.authorize(job, "ani")


@pytest.mark.parametrize(("status", "headers", "after"), [
    (503, {"Retry-After": "30"}, 30.0),
    (429, {"Retry-After": "7"}, 7.0),
    (500, {}, None),
    (502, {"Retry-After": "soon"}, None),
])
def test_busy_answers_are_transient_and_keep_retry_after(
        status: int, headers: dict[str, str], after: float | None) -> None:
    client = client_with(lambda r: httpx.Response(status, headers=headers))
    with pytest.raises(TransientError) as err:
        client.health()
    assert err.value.kind is Trouble.BUSY and err.value.retry_after == after
    assert str(err.value) == f"central busy: {status}"


def test_connection_errors_and_timeouts_are_unreachable() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(TransientError, match="connection refused") as err:
        client_with(refused).health()
    assert err.value.kind is Trouble.UNREACHABLE
    with pytest.raises(TransientError, match="timed out"):
        client_with(slow).health()


def test_401_is_token_refused_and_names_the_file_not_the_token(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("secret-token\n")
    token_file.chmod(0o600)
    client = CentralClient("https://c.example.invalid", read_token(token_file),
                           station_id="s", office_code="35.15", token_file=token_file,
                           transport=httpx.MockTransport(lambda r: httpx.Response(401)))
    with pytest.raises(TokenRefused) as err:
        client.health()
    assert str(token_file) in str(err.value) and "secret-token" not in str(err.value)


@pytest.mark.parametrize(("status", "code"), [(404, "no_record"), (409, "not_recorded"),
                                              (422, "invalid_request")])
def test_final_answers_keep_code_and_detail(status: int, code: str) -> None:
    problem = {"title": "Nope", "status": status, "code": code, "detail": "ask the citizen"}
    client = client_with(lambda r: httpx.Response(
        status, json=problem, headers={"Content-Type": "application/problem+json"}))
    with pytest.raises(FinalAnswer) as err:
        client.authorize(new_job(NIK, operator="a"), "a")
    assert err.value.code == code and err.value.status == status
    assert "ask the citizen" in str(err.value)


def test_a_final_answer_with_a_garbled_body_still_is_final() -> None:
    client = client_with(lambda r: httpx.Response(409, content=b"\xff\xfe"))
    with pytest.raises(FinalAnswer) as err:
        client.authorize(new_job(NIK, operator="a"), "a")
    assert err.value.status == 409 and err.value.code == ""


def test_token_file_rules(tmp_path: Path) -> None:
    f = tmp_path / "token"
    f.write_text("abc\n")
    f.chmod(0o644)
    with pytest.raises(TokenFileError, match="chmod 600"):
        read_token(f)
    f.chmod(0o600)
    assert read_token(f) == "abc"
    with pytest.raises(TokenFileError, match="not set"):
        read_token(None)
    with pytest.raises(TokenFileError, match="not found"):
        read_token(tmp_path / "missing")
    f.write_text("")
    with pytest.raises(TokenFileError, match="one token"):
        read_token(f)


@pytest.mark.parametrize("url", ["https://central.go.id/api/v1", "http://127.0.0.1:8787/api/v1",
                                 "http://localhost/api", "http://[::1]:80/api"])
def test_base_url_accepted(url: str) -> None:
    assert check_base_url(url) == url


@pytest.mark.parametrize("url", ["http://central.go.id/api/v1", "http://10.0.0.1/api",
                                 "ftp://127.0.0.1/x", "central.go.id"])
def test_base_url_refused(url: str) -> None:
    with pytest.raises(ValueError, match="https://"):
        check_base_url(url)


# -- backoff and the link monitor ------------------------------------------------

def test_backoff_doubles_up_to_the_cap_with_full_jitter() -> None:
    backoff = Backoff(2, 300, rng=random.Random(1))
    assert [backoff.cap(n) for n in (1, 2, 3, 4, 8, 9, 50)] == [2, 4, 8, 16, 256, 300, 300]
    waits = [backoff.delay(5) for _ in range(500)]
    assert all(0 <= w <= 32 for w in waits)
    assert min(waits) < 8 and max(waits) > 24  # spread over the whole range


def test_backoff_never_waits_less_than_retry_after() -> None:
    backoff = Backoff(2, 300, rng=random.Random(2))
    assert all(backoff.delay(1, retry_after=30) >= 30 for _ in range(100))


class Health:
    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)

    def health(self) -> str:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_monitor_down_then_back_up() -> None:
    link = LinkMonitor(health_interval_s=30, backoff=Backoff(2, 300, rng=random.Random(3)))
    assert link.state is LinkState.UP and link.probe_due() and not link.blocked()
    link.record_failure(TransientError("central unreachable: connection refused"))
    assert link.state is LinkState.DOWN and link.blocked()
    assert "central unreachable since" in link.describe()
    assert "connection refused" in link.describe()
    # Down: probes are never further apart than DOWN_PROBE_MAX_S, however long.
    for _ in range(20):
        link.record_failure(TransientError("central unreachable: connection refused"))
        assert link.waiting() <= 4.0
    assert link.probe(Health("ok")) is LinkState.UP
    assert not link.blocked() and link.failures == 0 and link.last_error == ""


def test_monitor_busy_waits_for_retry_after_and_degrades() -> None:
    link = LinkMonitor(backoff=Backoff(2, 300, rng=random.Random(4)))
    link.record_failure(TransientError("central busy: 503", retry_after=30, kind=Trouble.BUSY))
    assert link.state is LinkState.DEGRADED and link.blocked()
    assert 29 < link.waiting() <= 30
    assert "central busy: 503" in link.describe() and "retry in" in link.describe()
    link.record_success()
    assert link.state is LinkState.UP and not link.blocked()


def test_monitor_token_refused_blocks_until_a_probe_succeeds() -> None:
    link = LinkMonitor(health_interval_s=0)
    link.record_failure(TokenRefused("central refused the station token (401)"))
    assert link.token_refused and link.blocked()
    assert link.probe(Health(TokenRefused("again"))) is LinkState.UP
    assert link.token_refused
    link.probe(Health("ok"))
    assert not link.token_refused and not link.blocked()


def test_monitor_health_degraded() -> None:
    link = LinkMonitor()
    assert link.probe(Health("degraded")) is LinkState.DEGRADED
    assert not link.blocked()  # degraded still works, just slower
    assert link.probe(Health("ok")) is LinkState.UP


def test_final_answers_do_not_touch_the_link() -> None:
    link = LinkMonitor()
    link.record_failure(FinalAnswer(409, "not_recorded", "t", "d"))
    assert link.state is LinkState.UP and not link.blocked()
