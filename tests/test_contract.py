"""The simulator's answers against ``docs/central-api.yaml``, status by status.

Every (path, method, status) the contract lists is produced by driving the
simulator over loopback HTTP, and each answer's content type, body schema and
``Retry-After`` header are checked against the spec.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml

from ktptui.central.sim import CentralSimulator

REPO = Path(__file__).resolve().parents[1]
SPEC_PATH = REPO / "docs" / "central-api.yaml"
SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "central-api.yaml"
TOKEN = "contract-token"
AUTH = "/print-authorizations"
RESULT = "/print-authorizations/{authorization_id}/result"
HEALTH = "/health"


def load_spec() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(spec, dict)
    return spec


SPEC = load_spec()


def inline(node: Any, spec: dict[str, Any] = SPEC) -> Any:
    """``node`` with every local ``$ref`` (``#/components/...``) replaced by its target."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            assert isinstance(ref, str) and ref.startswith("#/"), ref
            target: Any = spec
            for part in ref[2:].split("/"):
                target = target[part]
            return inline(target, spec)
        return {key: inline(value, spec) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(item, spec) for item in node]
    return node


def listed() -> list[tuple[str, str, int]]:
    """Every (path, method, status) the contract lists."""
    return [(path, method, int(status))
            for path, item in SPEC["paths"].items()
            for method, operation in item.items()
            for status in operation["responses"]]


def response_spec(path: str, method: str, status: int) -> dict[str, Any]:
    spec = inline(SPEC["paths"][path][method]["responses"][str(status)])
    assert isinstance(spec, dict)
    return spec


def request_schema(path: str) -> dict[str, Any]:
    schema = inline(SPEC["paths"][path]["post"]["requestBody"])["content"]["application/json"]
    assert isinstance(schema["schema"], dict)
    return schema["schema"]


def validate(schema: dict[str, Any], instance: Any) -> None:
    cls = jsonschema.Draft202012Validator
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(instance)


def check_against_spec(path: str, method: str, resp: httpx.Response) -> None:
    spec = response_spec(path, method, resp.status_code)
    [(media_type, content)] = spec["content"].items()
    assert resp.headers["content-type"].split(";")[0].strip() == media_type
    validate(content["schema"], resp.json())
    for name, header in spec.get("headers", {}).items():
        assert name in resp.headers, f"{resp.status_code} without {name}"
        if header["schema"]["type"] == "integer":
            assert int(resp.headers[name]) >= 0


# -- driving the simulator through every status -----------------------------------------


def _auth_body(job_id: str, nik: str, attempt: int = 1, reason: str = "new") -> dict[str, Any]:
    return {"job_id": job_id, "attempt": attempt, "nik": nik, "reason": reason,
            "station_id": "st-contract", "office_code": "35.15.05", "operator": "budi",
            "requested_at": "2026-03-02T09:15:00+07:00"}


def _result_body(outcome: str) -> dict[str, Any]:
    return {"outcome": outcome, "reported_at": "2026-03-02T09:20:00Z", "operator": "budi",
            "note": "contract test"}


def _nik(serial: int) -> str:
    return f"351505410280{serial:04d}"  # a woman born 1 Feb 1980 in Sidoarjo


Gathered = dict[tuple[str, str, int], list[httpx.Response]]


@pytest.fixture(scope="module")
def sim() -> Iterator[CentralSimulator]:
    with CentralSimulator(port=0, token=TOKEN, seed=11) as s:
        yield s


@pytest.fixture(scope="module")
def gathered(sim: CentralSimulator) -> Gathered:
    out: Gathered = defaultdict(list)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=sim.base_url, headers=headers, timeout=5.0, verify=False) as c:

        def authorise(job: str, nik: str, attempt: int = 1, reason: str = "new",
                      key: str | None = None, **kw: Any) -> httpx.Response:
            r = c.post(AUTH, json=_auth_body(job, nik, attempt, reason),
                       headers={"Idempotency-Key": key or f"{job}/{attempt}", **kw})
            out[(AUTH, "post", r.status_code)].append(r)
            return r

        def report(auth: dict[str, Any], outcome: str, **kw: Any) -> httpx.Response:
            url = f"/print-authorizations/{auth['authorization_id']}/result"
            r = c.post(url, json=_result_body(outcome),
                       headers={"Idempotency-Key": f"{auth['job_id']}/{auth['attempt']}/result",
                                **kw})
            out[(RESULT, "post", r.status_code)].append(r)
            return r

        def health() -> httpx.Response:
            r = c.get(HEALTH)
            out[(HEALTH, "get", r.status_code)].append(r)
            return r

        health()
        job = str(uuid.uuid4())
        auth = authorise(job, _nik(1)).json()                          # 201
        authorise(job, _nik(1))                                        # 201 replay
        authorise(job, _nik(1), attempt=2)                             # 409 attempt_conflict
        authorise(str(uuid.uuid4()), _nik(9001))                       # 409 not_recorded
        authorise(str(uuid.uuid4()), _nik(9002))                       # 409 not_verified
        authorise(str(uuid.uuid4()), _nik(9003))                       # 404 no_record
        authorise(str(uuid.uuid4()), "1234")                           # 422
        authorise(str(uuid.uuid4()), _nik(1), key="nope")              # 422
        authorise(str(uuid.uuid4()), _nik(1), Authorization="Bearer x")  # 401
        report(auth, "printed")                                        # 200
        report(auth, "printed")                                        # 200 replay
        report(auth, "spoiled")                                        # 409 outcome_conflict
        unknown = {"authorization_id": "au_ffffffffffffffffffff", "job_id": str(uuid.uuid4()),
                   "attempt": 1}
        report(unknown, "printed")                                     # 404
        report(auth, "printed", Authorization="Bearer x")              # 401
        authorise(str(uuid.uuid4()), _nik(1))                          # 409 active_card_exists
        authorise(str(uuid.uuid4()), _nik(1), reason="lost")           # 201
        sim.faults.throttle_rate = 1.0
        authorise(str(uuid.uuid4()), _nik(2))                          # 429
        report(auth, "printed")                                        # 429 (not listed)
        sim.reset_faults()
        sim.faults.error_rate = 1.0
        health()                                                       # 503
        authorise(str(uuid.uuid4()), _nik(2))                          # 503
        report(auth, "printed")                                        # 503
        sim.reset_faults()
    return out


@pytest.mark.parametrize(("path", "method", "status"), listed(),
                         ids=[f"{m.upper()} {p} {s}" for p, m, s in listed()])
def test_every_listed_status_keeps_the_contract(gathered: Gathered, path: str, method: str,
                                                status: int) -> None:
    responses = gathered.get((path, method, status))
    assert responses, f"the simulator never answered {status} to {method.upper()} {path}"
    for resp in responses:
        check_against_spec(path, method, resp)


def test_the_expected_codes_were_seen(gathered: Gathered) -> None:
    codes = {r.json().get("code") for rs in gathered.values() for r in rs if r.status_code >= 400}
    assert {"attempt_conflict", "not_recorded", "not_verified", "no_record",
            "active_card_exists", "outcome_conflict", "invalid_request", "bad_idempotency_key",
            "token_refused", "throttled", "unavailable"} <= codes


def test_unlisted_answers_are_problems(gathered: Gathered) -> None:
    problem = inline(SPEC["components"]["schemas"]["Problem"])
    listed_set = set(listed())
    extra = [r for key, rs in gathered.items() if key not in listed_set for r in rs]
    assert extra  # e.g. 429 on the result report, which the general rule covers
    for r in extra:
        assert r.status_code >= 400
        assert r.headers["content-type"] == "application/problem+json"
        validate(problem, r.json())
        if r.status_code in (429, 503):
            assert int(r.headers["retry-after"]) >= 0


def test_replays_are_byte_identical(gathered: Gathered) -> None:
    first, replay = gathered[(AUTH, "post", 201)][:2]
    assert first.content == replay.content
    recorded, again = gathered[(RESULT, "post", 200)][:2]
    assert recorded.content == again.content


def test_requests_we_send_keep_the_request_schemas() -> None:
    validate(request_schema(AUTH), _auth_body(str(uuid.uuid4()), _nik(1)))
    validate(request_schema(RESULT), _result_body("not_printed"))


@pytest.mark.parametrize("path", [AUTH, RESULT])
def test_each_missing_required_field_is_422(sim: CentralSimulator, path: str) -> None:
    schema = request_schema(path)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=sim.base_url, headers=headers, timeout=5.0, verify=False) as c:
        job = str(uuid.uuid4())
        auth = c.post(AUTH, json=_auth_body(job, _nik(3)),
                      headers={"Idempotency-Key": f"{job}/1"}).json()
        for field in schema["required"]:
            if path == AUTH:
                job = str(uuid.uuid4())
                body = _auth_body(job, _nik(4))
                url, key = AUTH, f"{job}/1"
            else:
                body = _result_body("spoiled")
                url = f"/print-authorizations/{auth['authorization_id']}/result"
                key = f"{auth['job_id']}/1/result"
            del body[field]
            with pytest.raises(jsonschema.ValidationError):
                validate(schema, body)
            r = c.post(url, json=body, headers={"Idempotency-Key": key})
            assert r.status_code == 422, (field, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert field in r.json()["detail"]
    assert all(a["outcome"] is None for a in sim.state()["authorizations"]
               if a["authorization_id"] == auth["authorization_id"])


def test_spec_copy_matches_the_shared_contract() -> None:
    assert SPEC["openapi"].startswith("3.") and {AUTH, RESULT, HEALTH} <= SPEC["paths"].keys()
    if SHARED_SPEC.exists():
        assert SPEC_PATH.read_bytes() == SHARED_SPEC.read_bytes()
