"""The built-in central-registry simulator: the station contract over real HTTP.

It serves ``docs/central-api.yaml`` on 127.0.0.1 for ``ktptui --demo``,
``ktptui sim`` and the tests. It is built on the standard library's
``http.server.ThreadingHTTPServer`` because that needs no extra dependency, gives
the station's httpx client real HTTP over a real loopback socket (timeouts,
connection resets and half-written replies behave as they do in the field), and
stays small enough to read in one sitting. Every reply closes its connection
(HTTP/1.0), so no idle keep-alive connection outlives ``stop()``.

Endpoints (under ``/api/v1``, all behind ``Authorization: Bearer <token>``):
``GET /health``, ``POST /print-authorizations`` and
``POST /print-authorizations/{authorization_id}/result``, as in the contract.
Problems are ``application/problem+json`` with ``title``, ``status``, ``code``
and ``detail``.

Registry (deterministic from the seed and the NIK; the serial is the NIK's
last four digits):

* ``9001``: 409 ``not_recorded`` (no biometric recording: the office issues a Suket);
* ``9002``: 409 ``not_verified`` (recording not yet verified centrally);
* ``9003``: 404 ``no_record`` (no population record);
* ``9100``-``9999``: drawn from ``random.Random(f"{seed}:{nik}")``: 70% ready,
  15% not_recorded, 10% not_verified, 5% no_record;
* anything else: ready.

The holder's name is drawn from ``random.Random(f"{seed}:{nik}:name")`` out of
small lists of Indonesian given and family names (female names when the NIK's
birth day has 40 added). Once a ``printed`` outcome is recorded for a NIK, a new
authorisation for it under another job with reason ``new`` gets 409
``active_card_exists``; ``data_change``, ``damaged`` and ``lost`` are allowed.
A NIK that breaks the rules of :mod:`ktptui.nik` (province, birth date, serial
0000) is a 422 like any other malformed field.

Authorisations and results:

* ``Idempotency-Key`` is required (at most 128 characters) and must be
  ``<job_id>/<attempt>`` (authorisations) or ``<job_id>/<attempt>/result``
  (results, matching the authorisation's job and attempt), else 422
  ``bad_idempotency_key``.
* A key seen again with the same request (authorisations: job, attempt, NIK,
  reason; results: authorisation and outcome; timestamps, operator and note may
  differ) gets the first answer again, byte for byte, and changes nothing. The
  same result key with another outcome gets 409 ``outcome_conflict``; an
  authorisation key reused for another NIK or reason gets 422
  ``idempotency_key_reused``.
* Only committed answers are stored under their key: 2xx, the registry's 404 and
  409 answers, ``active_card_exists``, and the result's 404 and 409. Not stored:
  401, 422 (validating again gives the same answer, and a malformed request must
  not poison a good key), 409 ``attempt_conflict`` (it lifts once the earlier
  attempt is reported) and every fault answer (429, 503, resets).
* A new attempt of a job is refused (409 ``attempt_conflict``) while another
  attempt of it is authorised and unreported, or printed. ``expires_at`` is
  informational: an expired, unreported authorisation still blocks until the
  station reports it (``not_printed``).
* At most one ``printed`` outcome is recorded per job.

Faults (:class:`Faults`, at ``sim.faults``; change them from Python or with
``POST /_control/faults`` while running). For each non-control request, in this
order:

1. ``down`` or a periodic down window: the connection is reset (``SO_LINGER`` 0,
   then close) without a reply. Windows: with ``down_every_s > 0`` and
   ``down_for_s > 0``, the first ``down_for_s`` seconds of every
   ``down_every_s`` period since ``start()`` are down.
2. ``latency_s``: a sleep before anything else happens.
3. ``reset_before_rate``: the connection is reset before anything is processed.
4. ``throttle_rate``: 429 with ``Retry-After: retry_after_s`` (not on
   ``/health``, whose contract has only 200 and 503).
5. ``error_rate``: 503 with ``Retry-After: retry_after_s``.
6. ``unauthorized``: 401 ``token_refused`` whatever the token.
7. The token check and the real work (committed under the lock).
8. POSTs only: ``reset_after_rate``: the work is committed, then the connection
   is reset without a reply (the lost reply); ``garbage_rate``: a 2xx answer is
   replaced, on the wire only, by one that breaks the contract (not JSON, JSON
   missing required fields, or a ``sha256`` that does not match the document).
   A retry with the same key gets the stored, correct answer.

9. ``hostile`` (a mode, not a share; see ``HOSTILE``): every contract reply is
   turned into an attack on the station: escape sequences and newlines in
   texts, a 300 MiB body, a reply trickled one byte at a time, or a redirect
   to another host. The work behind the reply is done as usual.

Central's clock: ``clock_skew_s`` (``--clock-skew``) moves the ``Date``
header, ``/health``'s ``time`` and ``expires_at`` together, as a station with a
wrong clock sees an honest central.

Each share is drawn from the simulator's own ``random.Random(seed)``, and only
when it is above 0, so one seed and one sequence of requests give one sequence
of faults. ``/health`` answers ``degraded`` while any share or latency or a down
window is configured. Faults never apply to the control endpoints.

Control (not part of the contract; same bearer token): ``GET /_control/state``,
``GET /_control/faults``, ``POST /_control/faults`` (merges a JSON object of
:class:`Faults` fields; an unknown field or bad value is a 400) and
``POST /_control/reset`` (faults to defaults and every record cleared, as if
restarted with the same seed). Control requests are not counted in
``requests``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import dataclasses
import email.utils
import hashlib
import hmac
import json
import logging
import math
import os
import random
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Final, cast
from urllib.parse import unquote, urlsplit

from .. import nik as nik_rules
from ..pdf import CARD, text_pdf
from .errors import Rejection

__all__ = [
    "CentralSimulator",
    "Citizen",
    "Faults",
    "NOT_RECORDED",
    "NOT_VERIFIED",
    "NO_RECORD",
    "READY",
    "add_arguments",
    "citizen_for",
    "run",
]

_log = logging.getLogger(__name__)

API_PREFIX: Final = "/api/v1"
CONTROL_PREFIX: Final = "/_control"
DEFAULT_PORT: Final = 8787
TOKEN_ENV: Final = "KTPTUI_SIM_TOKEN"
MAX_KEY_LENGTH: Final = 128
MAX_BODY_BYTES: Final = 1 << 20

JSON: Final = "application/json"
PROBLEM_JSON: Final = "application/problem+json"

READY: Final = "ready"
NOT_RECORDED: Final = Rejection.NOT_RECORDED
NOT_VERIFIED: Final = Rejection.NOT_VERIFIED
NO_RECORD: Final = Rejection.NO_RECORD

REASONS: Final = ("new", "data_change", "damaged", "lost")
OUTCOMES: Final = ("printed", "spoiled", "not_printed")
AUTH_REQUIRED: Final = ("job_id", "attempt", "nik", "reason", "station_id", "office_code",
                        "operator", "requested_at")
RESULT_REQUIRED: Final = ("outcome", "reported_at", "operator")

_RESULT_PATH = re.compile(r"^/api/v1/print-authorizations/([^/]+)/result$")
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_RFC3339 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}"
                      r"(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
_NIK16 = re.compile(r"^[0-9]{16}$")

_TITLES: Final = {
    "missing_token": "Bearer token required",
    "token_refused": "Station token refused",
    "invalid_request": "Invalid request",
    "bad_idempotency_key": "Bad Idempotency-Key",
    "idempotency_key_reused": "Idempotency-Key reused for another request",
    "not_recorded": "Biometric recording not done",
    "not_verified": "Recording not yet verified",
    "no_record": "No population record",
    "active_card_exists": "An active card exists",
    "attempt_conflict": "Another attempt is open",
    "outcome_conflict": "A different outcome is recorded",
    "unknown_authorization": "Unknown authorisation",
    "throttled": "Too many requests",
    "unavailable": "Central unavailable",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "bad_faults": "Bad faults",
    "internal": "Internal error",
}

# -- faults ------------------------------------------------------------------------


@dataclass
class Faults:
    """What goes wrong, and how often. Shares are between 0 and 1; see the module doc."""

    down: bool = False
    down_every_s: float = 0.0
    down_for_s: float = 0.0
    error_rate: float = 0.0
    retry_after_s: int = 2
    throttle_rate: float = 0.0
    latency_s: float = 0.0
    reset_before_rate: float = 0.0
    reset_after_rate: float = 0.0
    garbage_rate: float = 0.0
    unauthorized: bool = False
    #: A central that attacks the station (see ``HOSTILE``): "" for none.
    hostile: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            _check_fault(f.name, getattr(self, f.name))

    def update(self, changes: Mapping[str, Any]) -> None:
        """Merge ``changes``, all or nothing; ``ValueError`` names an unknown field or bad value."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(unknown)}")
        for name, value in changes.items():
            _check_fault(name, value)
        for name, value in changes.items():
            default = _FAULT_DEFAULTS[name]
            setattr(self, name, float(value) if isinstance(default, float) else value)

    def reset(self) -> None:
        """Everything back to the defaults: a healthy central."""
        for name, value in _FAULT_DEFAULTS.items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def down_at(self, elapsed_s: float) -> bool:
        """Down at ``elapsed_s`` seconds after start: ``down``, or inside a down window."""
        if self.down:
            return True
        if self.down_every_s > 0 and self.down_for_s > 0:
            return elapsed_s % self.down_every_s < self.down_for_s
        return False

    @property
    def degraded(self) -> bool:
        """Some fault share, latency or down window is configured."""
        shares = (self.error_rate, self.throttle_rate, self.reset_before_rate,
                  self.reset_after_rate, self.garbage_rate, self.latency_s)
        return any(s > 0 for s in shares) or (self.down_every_s > 0 and self.down_for_s > 0)


_FAULT_DEFAULTS: Final[dict[str, Any]] = {f.name: f.default for f in fields(Faults)}
_RATES: Final = frozenset(n for n in _FAULT_DEFAULTS if n.endswith("_rate"))


#: ``Faults.hostile`` modes, each applied to every contract reply while set:
#: ``escapes``: terminal escape sequences and newlines in ``holder_name`` and
#: in problems' ``code``, ``title`` and ``detail``; ``huge``: a 2xx body of
#: ``HUGE_BYTES`` (JSON whitespace, sent without a Content-Length, never held
#: in memory); ``trickle``: the whole reply, status line first, one byte every
#: ``TRICKLE_S``; ``redirect``: 307 to another host.
HOSTILE: Final = ("escapes", "huge", "trickle", "redirect")
HUGE_BYTES: Final = 300 << 20
TRICKLE_S: Final = 0.1
REDIRECT_TO: Final = "http://central.attacker.invalid/api/v1"
_ESCAPE = "\x1b]0;owned\x07\x1b[2J\x1b[H"  # retitle, clear screen, cursor home


def _check_fault(name: str, value: object) -> None:
    default = _FAULT_DEFAULTS.get(name)
    if name == "hostile":
        if value not in ("", *HOSTILE):
            raise ValueError(f"hostile must be one of {', '.join(HOSTILE)} or \"\", "
                             f"got {value!r}")
        return
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, got {value!r}")
        return
    if isinstance(default, int) and not isinstance(default, bool):  # retry_after_s
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of seconds >= 0, got {value!r}")
        return
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or value < 0):
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    if name in _RATES and value > 1:
        raise ValueError(f"{name} is a share between 0 and 1, got {value!r}")


# -- registry ----------------------------------------------------------------------

_MALE = ("Budi", "Agus", "Joko", "Slamet", "Eko", "Hendra", "Rizky", "Dedi", "Bambang",
         "Wahyu", "Ahmad", "Andi", "Made", "Yohanes", "Fajar", "Arif", "Teguh", "Imam")
_FEMALE = ("Siti", "Sri", "Dewi", "Rina", "Lestari", "Ayu", "Nur", "Wulan", "Fitri",
           "Indah", "Ratna", "Kartika", "Maria", "Putri", "Endang", "Yuni", "Anisa", "Ni Luh")
_FAMILY_MALE = ("Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kurniawan",
                "Setiawan", "Nugroho", "Wibowo", "Purnomo", "Susilo", "Gunawan")
_FAMILY_FEMALE = ("Susanti", "Rahmawati", "Handayani", "Wulandari", "Lestari", "Puspita",
                  "Safitri", "Anggraini", "Permatasari", "Kusumawati", "Maharani", "Utami")
_MARGA = ("Siregar", "Nasution", "Simanjuntak", "Hutapea", "Lubis", "Harahap", "Sitompul",
          "Tanjung", "Pasaribu", "Sinaga")


@dataclass(frozen=True)
class Citizen:
    """What the simulated registry knows about a NIK."""

    nik: str
    status: str  # READY, NOT_RECORDED, NOT_VERIFIED or NO_RECORD
    holder_name: str


def citizen_for(seed: int, nik: str) -> Citizen:
    """The registry's answer for a (16-digit) NIK; see the module doc for the rules."""
    serial = nik[-4:]
    fixed = {"9001": NOT_RECORDED, "9002": NOT_VERIFIED, "9003": NO_RECORD}
    status = READY
    if serial in fixed:
        status = fixed[serial]
    elif serial.isdigit() and 9100 <= int(serial) <= 9999:
        r = random.Random(f"{seed}:{nik}").random()
        status = (READY if r < 0.70 else NOT_RECORDED if r < 0.85
                  else NOT_VERIFIED if r < 0.95 else NO_RECORD)
    rng = random.Random(f"{seed}:{nik}:name")
    female = nik[6:8].isdigit() and int(nik[6:8]) > 40
    given = rng.choice(_FEMALE if female else _MALE)
    pick = rng.random()
    if pick < 0.15:
        name = given  # many Indonesians have a single name
    elif pick < 0.30:
        name = f"{given} {rng.choice(_MARGA)}"
    else:
        name = f"{given} {rng.choice(_FAMILY_FEMALE if female else _FAMILY_MALE)}"
    return Citizen(nik, status, name)


# -- replies -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()
    #: How to send it: "" as is, or a hostile mode ("huge", "trickle").
    how: str = ""


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json(status: int, obj: object) -> _Reply:
    return _Reply(status, _dumps(obj))


def _problem(status: int, code: str, detail: str,
             headers: tuple[tuple[str, str], ...] = ()) -> _Reply:
    title = _TITLES.get(code) or HTTPStatus(status).phrase
    body = {"title": title, "status": status, "code": code, "detail": detail}
    return _Reply(status, _dumps(body), PROBLEM_JSON, headers)


def _hostile(reply: _Reply, mode: str) -> _Reply:
    """``reply`` as a hostile central would send it (see ``HOSTILE``)."""
    if mode == "escapes":
        data = _json_object(reply.body)
        if data is None:
            return reply
        if isinstance(data.get("holder_name"), str):
            data["holder_name"] = f"{_ESCAPE}{data['holder_name']}\n<3>forged line\x1b[5m"
        for name in ("code", "title", "detail"):
            if isinstance(data.get(name), str):
                forged = f"\n<3>ktptui.engine: forged {name}{_ESCAPE}"
                data[name] = f"\x1b[31m{data[name]}\x1b[0m{forged}"
        return dataclasses.replace(reply, body=_dumps(data))
    if mode == "huge" and 200 <= reply.status < 300:
        return dataclasses.replace(reply, how="huge")
    if mode == "trickle":
        return dataclasses.replace(reply, how="trickle")
    if mode == "redirect":
        return _Reply(307, b"", JSON, (("Location", REDIRECT_TO),))
    return reply


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat()


def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str) or not _RFC3339.match(value):
        return False
    text = value[:10] + "T" + value[11:]
    text = re.sub(r"(\.[0-9]{1,6})[0-9]*", r"\1", text)
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _check_authorization_body(data: Mapping[str, Any]) -> list[str]:
    errors = [f"{name} is required" for name in AUTH_REQUIRED if name not in data]
    job_id = data.get("job_id")
    if "job_id" in data and not (isinstance(job_id, str) and _UUID.match(job_id)):
        errors.append("job_id must be a UUID")
    attempt = data.get("attempt")
    if "attempt" in data and (isinstance(attempt, bool) or not isinstance(attempt, int)
                              or attempt < 1):
        errors.append("attempt must be an integer >= 1")
    nik = data.get("nik")
    if "nik" in data:
        if not (isinstance(nik, str) and _NIK16.match(nik)):
            errors.append("nik must be 16 ASCII digits")
        else:
            try:
                nik_rules.validate(nik)
            except nik_rules.InvalidNik as e:
                errors.append(str(e))
    if "reason" in data and data["reason"] not in REASONS:
        errors.append(f"reason must be one of {', '.join(REASONS)}")
    for name in ("station_id", "office_code", "operator"):
        if name in data and not _is_str(data[name]):
            errors.append(f"{name} must be a string")
    if "requested_at" in data and not _is_rfc3339(data["requested_at"]):
        errors.append("requested_at must be an RFC 3339 date-time with an offset")
    return errors


def _check_result_body(data: Mapping[str, Any]) -> list[str]:
    errors = [f"{name} is required" for name in RESULT_REQUIRED if name not in data]
    if "outcome" in data and data["outcome"] not in OUTCOMES:
        errors.append(f"outcome must be one of {', '.join(OUTCOMES)}")
    if "reported_at" in data and not _is_rfc3339(data["reported_at"]):
        errors.append("reported_at must be an RFC 3339 date-time with an offset")
    if "operator" in data and not _is_str(data["operator"]):
        errors.append("operator must be a string")
    if "note" in data and not _is_str(data["note"]):
        errors.append("note must be a string")
    return errors


# -- the simulator -----------------------------------------------------------------


@dataclass
class _Authorization:
    authorization_id: str
    job_id: str
    attempt: int
    nik: str
    reason: str
    outcome: str | None = None

    def row(self) -> dict[str, Any]:
        return {"authorization_id": self.authorization_id, "job_id": self.job_id,
                "attempt": self.attempt, "nik": self.nik, "outcome": self.outcome}


@dataclass(frozen=True)
class _Stored:
    """A committed answer under its Idempotency-Key, with what identifies the request."""

    fingerprint: tuple[Any, ...]
    reply: _Reply


#: One entry of ``CentralSimulator.requests``: method, path, Idempotency-Key and the
#: status sent (0: the connection was reset without a reply).
RequestLog = tuple[str, str, str | None, int]


@dataclass
class _Records:
    authorizations: dict[str, _Authorization] = field(default_factory=dict)
    keys: dict[str, _Stored] = field(default_factory=dict)
    printed_by_job: dict[str, int] = field(default_factory=dict)
    printed_niks: set[str] = field(default_factory=set)
    results_recorded: int = 0


class CentralSimulator:
    """The central service on ``http://127.0.0.1:PORT/api/v1``; see the module doc.

    ``with CentralSimulator(token=...) as sim:`` starts and stops it.
    """

    def __init__(self, port: int = 0, *, token: str, seed: int = 0, auth_ttl_s: int = 3600,
                 faults: Faults | None = None, clock_skew_s: float = 0.0) -> None:
        if not token:
            raise ValueError("the simulator needs a non-empty bearer token")
        if auth_ttl_s <= 0:
            raise ValueError(f"auth_ttl_s must be > 0, got {auth_ttl_s!r}")
        self.seed = seed
        self.auth_ttl_s = auth_ttl_s
        #: Central's clock minus the real one: ``Date``, ``/health`` time and
        #: ``expires_at`` all follow it (a station's skew, seen from the other side).
        self.clock_skew_s = clock_skew_s
        self.faults = faults if faults is not None else Faults()
        #: Every non-control request: (method, path, Idempotency-Key, status sent).
        self.requests: list[RequestLog] = []
        self._token = token.encode("utf-8")
        self._port = port
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._records = _Records()
        self._started_at = time.monotonic()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle --

    @property
    def port(self) -> int:
        if self._server is None and self._port == 0:
            raise RuntimeError("the simulator picks its port in start()")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def start(self) -> None:
        """Listen on 127.0.0.1 and serve from a daemon thread; returns once listening."""
        if self._server is not None:
            return
        server = _Server(("127.0.0.1", self._port), self)
        self._port = int(server.server_address[1])
        self._started_at = time.monotonic()
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"central-sim:{self._port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the listening socket (idempotent)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> CentralSimulator:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def now(self) -> datetime:
        """Central's clock (whole seconds, like the ``Date`` header)."""
        moment = datetime.now(UTC) + timedelta(seconds=self.clock_skew_s)
        return moment.replace(microsecond=0)

    # -- inspection --

    def state(self) -> dict[str, Any]:
        """Authorisations, printed counts and counters (as ``GET /_control/state``)."""
        with self._lock:
            return self._state_locked()

    def printed_count(self, job_id: str) -> int:
        with self._lock:
            return self._records.printed_by_job.get(job_id, 0)

    def citizen(self, nik: str) -> Citizen:
        return citizen_for(self.seed, nik)

    def reset_faults(self) -> None:
        with self._lock:
            self.faults.reset()

    def reset(self) -> None:
        """Faults to defaults and every record cleared, as if restarted with the same seed."""
        with self._lock:
            self._reset_locked()

    def _reset_locked(self) -> None:
        self.faults.reset()
        self._records = _Records()
        self.requests.clear()
        self._rng = random.Random(self.seed)
        self._started_at = time.monotonic()

    def _state_locked(self) -> dict[str, Any]:
        r = self._records
        return {
            "authorizations": [a.row() for a in r.authorizations.values()],
            "printed_by_job": dict(r.printed_by_job),
            "requests": len(self.requests),
            "results_recorded": r.results_recorded,
            "faults": self.faults.as_dict(),
            "seed": self.seed,
        }

    # -- serving (called by the handler) --

    def _faults_now(self) -> tuple[Faults, bool]:
        with self._lock:
            faults = copy.copy(self.faults)
            return faults, faults.down_at(time.monotonic() - self._started_at)

    def _log_request(self, entry: RequestLog) -> None:
        with self._lock:
            self.requests.append(entry)

    def _draw(self, share: float) -> bool:
        return share > 0 and self._rng.random() < share

    def _token_ok(self, headers: Message) -> _Reply | None:
        value = headers.get("Authorization") or ""
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _problem(401, "missing_token", "send Authorization: Bearer <station token>",
                            (("WWW-Authenticate", "Bearer"),))
        if not hmac.compare_digest(token.strip().encode("utf-8"), self._token):
            return _problem(401, "token_refused", "the station token is not valid",
                            (("WWW-Authenticate", 'Bearer error="invalid_token"'),))
        return None

    def _answer(self, method: str, path: str, headers: Message, body: bytes,
                faults: Faults) -> _Reply | None:
        """The reply to send, or ``None`` to reset the connection. Logs the request."""
        key = headers.get("Idempotency-Key")
        with self._lock:
            reply = self._answer_locked(method, path, headers, body, faults)
            self.requests.append((method, path, key, reply.status if reply else 0))
            return reply

    def _answer_locked(self, method: str, path: str, headers: Message, body: bytes,
                       faults: Faults) -> _Reply | None:
        reply = self._answer_work(method, path, headers, body, faults)
        return reply if reply is None else _hostile(reply, faults.hostile)

    def _answer_work(self, method: str, path: str, headers: Message, body: bytes,
                     faults: Faults) -> _Reply | None:
        retry = (("Retry-After", str(faults.retry_after_s)),)
        if self._draw(faults.reset_before_rate):
            return None
        if path != f"{API_PREFIX}/health" and self._draw(faults.throttle_rate):
            return _problem(429, "throttled", "too many requests; try again later", retry)
        if self._draw(faults.error_rate):
            return _problem(503, "unavailable", "central is unavailable; try again later", retry)
        if faults.unauthorized:
            return _problem(401, "token_refused", "the station token is not valid",
                            (("WWW-Authenticate", 'Bearer error="invalid_token"'),))
        refused = self._token_ok(headers)
        if refused is not None:
            return refused
        if path == f"{API_PREFIX}/health":
            if method != "GET":
                return _problem(405, "method_not_allowed", "use GET", (("Allow", "GET"),))
            status = "degraded" if faults.degraded else "ok"
            return _json(200, {"status": status, "time": _rfc3339(self.now())})
        result = _RESULT_PATH.match(path)
        if path != f"{API_PREFIX}/print-authorizations" and result is None:
            return _problem(404, "not_found", f"no such endpoint: {path}")
        if method != "POST":
            return _problem(405, "method_not_allowed", "use POST", (("Allow", "POST"),))
        key = headers.get("Idempotency-Key")
        if result is None:
            reply = self._authorize(key, body)
        else:
            reply = self._report(unquote(result.group(1)), key, body)
        if self._draw(faults.reset_after_rate):
            return None
        if 200 <= reply.status < 300 and self._draw(faults.garbage_rate):
            return self._garbage(reply)
        return reply

    def _garbage(self, reply: _Reply) -> _Reply:
        data = _json_object(reply.body) or {}
        kinds = ["not_json", "missing_fields"] + (["bad_sha256"] if "document" in data else [])
        kind = self._rng.choice(kinds)
        if kind == "not_json":
            return _Reply(reply.status, b"<html><body>upstream says hello\x00\xff", JSON)
        if kind == "missing_fields":
            kept = {k: data[k] for k in ("authorization_id", "job_id", "nik") if k in data}
            return _Reply(reply.status, _dumps(kept), JSON)
        document = base64.b64decode(data["document"])
        data["sha256"] = hashlib.sha256(b"garbage" + document).hexdigest()
        return _Reply(reply.status, _dumps(data), JSON)

    @staticmethod
    def _key_problem(key: str | None) -> _Reply | None:
        if not key:
            return _problem(422, "bad_idempotency_key", "the Idempotency-Key header is required")
        if len(key) > MAX_KEY_LENGTH:
            return _problem(422, "bad_idempotency_key",
                            f"Idempotency-Key is longer than {MAX_KEY_LENGTH} characters")
        return None

    def _authorize(self, key: str | None, body: bytes) -> _Reply:
        problem = self._key_problem(key)
        if problem is not None or key is None:  # (no key is a problem too)
            return problem or _problem(422, "bad_idempotency_key", "no Idempotency-Key")
        data = _json_object(body)
        if data is None:
            return _problem(422, "invalid_request", "the body must be a JSON object")
        errors = _check_authorization_body(data)
        if errors:
            return _problem(422, "invalid_request", "; ".join(errors))
        job_id, attempt, nik = str(data["job_id"]), int(data["attempt"]), str(data["nik"])
        reason = str(data["reason"])
        if key != f"{job_id}/{attempt}":
            return _problem(422, "bad_idempotency_key",
                            "Idempotency-Key must be <job_id>/<attempt> of the body")
        fingerprint = ("authorize", job_id, attempt, nik, reason)
        stored = self._records.keys.get(key)
        if stored is not None:
            if stored.fingerprint == fingerprint:
                return stored.reply
            return _problem(422, "idempotency_key_reused",
                            "this Idempotency-Key was first used with another NIK or reason")
        reply, keep, new = self._decide_authorization(data, job_id, attempt, nik, reason)
        if keep:
            r = self._records
            if new is not None:
                r.authorizations[new.authorization_id] = new
            r.keys[key] = _Stored(fingerprint, reply)
        return reply

    def _decide_authorization(self, data: Mapping[str, Any], job_id: str, attempt: int,
                              nik: str, reason: str
                              ) -> tuple[_Reply, bool, _Authorization | None]:
        """(reply, store it under the key, the new authorisation); changes nothing."""
        citizen = self.citizen(nik)
        shown = nik_rules.mask(nik)
        if citizen.status == NO_RECORD:
            return _problem(404, NO_RECORD, f"no population record for NIK {shown}"), True, None
        if citizen.status == NOT_RECORDED:
            return (_problem(409, NOT_RECORDED, f"NIK {shown}: biometric recording not done; "
                             "issue a Suket"), True, None)
        if citizen.status == NOT_VERIFIED:
            return (_problem(409, NOT_VERIFIED,
                             f"NIK {shown}: recording not yet verified centrally"), True, None)
        for other in self._records.authorizations.values():
            if other.job_id == job_id and other.attempt != attempt and other.outcome in (
                    None, "printed"):
                state = "printed" if other.outcome else "authorised and not reported"
                return (_problem(409, "attempt_conflict",
                                 f"attempt {other.attempt} of this job is {state}"), False, None)
        if reason == "new" and nik in self._records.printed_niks:
            return (_problem(409, "active_card_exists",
                             f"a card was already printed for NIK {shown}; reason 'new' does "
                             "not allow another"), True, None)
        auth_id = "au_" + secrets.token_hex(10)
        expires = _rfc3339(self.now() + timedelta(seconds=self.auth_ttl_s))
        document = self._document(citizen, auth_id, job_id, attempt, data, expires)
        body = {
            "authorization_id": auth_id,
            "job_id": job_id,
            "attempt": attempt,
            "nik": nik,
            "holder_name": citizen.holder_name,
            "document": base64.b64encode(document).decode("ascii"),
            "content_type": "application/pdf",
            "sha256": hashlib.sha256(document).hexdigest(),
            "expires_at": expires,
        }
        new = _Authorization(auth_id, job_id, attempt, nik, reason)
        return _json(201, body), True, new

    @staticmethod
    def _document(citizen: Citizen, auth_id: str, job_id: str, attempt: int,
                  data: Mapping[str, Any], expires: str) -> bytes:
        province = nik_rules.PROVINCES.get(citizen.nik[:2], "")
        lines = [
            f"PROVINSI {province.upper()}",
            "KARTU TANDA PENDUDUK - SPESIMEN",
            f"NIK       : {citizen.nik}",
            f"Nama      : {citizen.holder_name.upper()}",
            f"Job       : {job_id}",
            f"Percobaan : {attempt}",
            f"Kantor    : {str(data['office_code'])[:40]}",
            f"Stasiun   : {str(data['station_id'])[:40]}",
            f"Berlaku   : {expires}",
            f"Otorisasi : {auth_id}",
            "central simulator - not a valid card",
        ]
        return text_pdf(lines, size=CARD, font_size=6, title=f"KTP-el {auth_id}")

    def _report(self, auth_id: str, key: str | None, body: bytes) -> _Reply:
        problem = self._key_problem(key)
        if problem is not None or key is None:  # (no key is a problem too)
            return problem or _problem(422, "bad_idempotency_key", "no Idempotency-Key")
        data = _json_object(body)
        if data is None:
            return _problem(422, "invalid_request", "the body must be a JSON object")
        errors = _check_result_body(data)
        if errors:
            return _problem(422, "invalid_request", "; ".join(errors))
        outcome = str(data["outcome"])
        fingerprint = ("result", auth_id, outcome)
        r = self._records
        stored = r.keys.get(key)
        if stored is not None:
            if stored.fingerprint == fingerprint:
                return stored.reply
            if stored.fingerprint[1] == auth_id:
                recorded = r.authorizations[auth_id].outcome
                return _problem(409, "outcome_conflict",
                                f"{recorded} is already recorded for this authorisation")
            return _problem(422, "idempotency_key_reused",
                            "this Idempotency-Key was first used for another authorisation")
        auth = r.authorizations.get(auth_id)
        if auth is None:
            reply = _problem(404, "unknown_authorization", f"no authorisation {auth_id}")
            r.keys[key] = _Stored(fingerprint, reply)
            return reply
        if key != f"{auth.job_id}/{auth.attempt}/result":
            return _problem(422, "bad_idempotency_key", "Idempotency-Key must be "
                            "<job_id>/<attempt>/result of the authorisation")
        if auth.outcome is not None and auth.outcome != outcome:
            reply = _problem(409, "outcome_conflict",
                             f"{auth.outcome} is already recorded for this authorisation")
        elif (auth.outcome is None and outcome == "printed"
              and r.printed_by_job.get(auth.job_id, 0) >= 1):
            reply = _problem(409, "outcome_conflict", "a printed card is already recorded "
                             "for this job")
        else:
            reply = _json(200, {"authorization_id": auth_id, "outcome": outcome})
            if auth.outcome is None:
                auth.outcome = outcome
                r.results_recorded += 1
                if outcome == "printed":
                    r.printed_by_job[auth.job_id] = r.printed_by_job.get(auth.job_id, 0) + 1
                    r.printed_niks.add(auth.nik)
        r.keys[key] = _Stored(fingerprint, reply)
        return reply

    # -- control --

    def _control(self, method: str, path: str, headers: Message, body: bytes) -> _Reply:
        refused = self._token_ok(headers)
        if refused is not None:
            return refused
        with self._lock:
            if path == f"{CONTROL_PREFIX}/state" and method == "GET":
                return _json(200, self._state_locked())
            if path == f"{CONTROL_PREFIX}/faults" and method == "GET":
                return _json(200, self.faults.as_dict())
            if path == f"{CONTROL_PREFIX}/faults" and method == "POST":
                data = _json_object(body)
                if data is None:
                    return _problem(400, "bad_faults", "the body must be a JSON object")
                try:
                    self.faults.update(data)
                except ValueError as e:
                    return _problem(400, "bad_faults", str(e))
                return _json(200, self.faults.as_dict())
            if path == f"{CONTROL_PREFIX}/reset" and method == "POST":
                self._reset_locked()
                return _json(200, self._state_locked())
        if path in (f"{CONTROL_PREFIX}/state", f"{CONTROL_PREFIX}/faults",
                    f"{CONTROL_PREFIX}/reset"):
            return _problem(405, "method_not_allowed", f"{method} is not allowed here")
        return _problem(404, "not_found", f"no such control endpoint: {path}")


# -- HTTP plumbing -----------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sim: CentralSimulator) -> None:
        super().__init__(address, _Handler)
        self.sim = sim

    def handle_error(self, request: Any, client_address: Any) -> None:
        _log.debug("central simulator: error serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server_version = "ktptui-central-sim/1.0"
    sys_version = ""
    protocol_version = "HTTP/1.0"  # one request per connection

    def log_message(self, format: str, *args: Any) -> None:
        # The request line only: never headers, so never the token.
        _log.debug("central simulator: %s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        sim = cast(_Server, self.server).sim
        path = urlsplit(self.path).path
        try:
            if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
                self._send(sim._control(method, path, self.headers, self._read_body()))
                return
            faults, down = sim._faults_now()
            if down:
                sim._log_request((method, path, self.headers.get("Idempotency-Key"), 0))
                self._reset()
                return
            body = self._read_body()
            if faults.latency_s > 0:
                time.sleep(faults.latency_s)
            reply = sim._answer(method, path, self.headers, body, faults)
        except Exception:
            _log.exception("central simulator: %s %s failed", method, path)
            reply = _problem(500, "internal", "the simulator failed; see its log")
        if reply is None:
            self._reset()
        else:
            self._send(reply)

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length <= 0:
            return b""
        return self.rfile.read(min(length, MAX_BODY_BYTES))

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, on the simulated central's clock."""
        sim = cast(_Server, self.server).sim
        return email.utils.formatdate(
            (time.time() if timestamp is None else timestamp) + sim.clock_skew_s, usegmt=True)

    def _send(self, reply: _Reply) -> None:
        with contextlib.suppress(OSError):
            if reply.how == "trickle":
                self._trickle(reply)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if reply.how != "huge":  # close-delimited: the reader cannot size it up front
                self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            if reply.how == "huge":
                chunk = b" " * (1 << 16)
                for _ in range(HUGE_BYTES // len(chunk)):
                    self.wfile.write(chunk)
            self.wfile.write(reply.body)

    def _trickle(self, reply: _Reply) -> None:
        """The whole reply, status line first, one byte every ``TRICKLE_S``."""
        head = [f"HTTP/1.0 {reply.status} {HTTPStatus(reply.status).phrase}",
                f"Date: {self.date_time_string()}", f"Content-Type: {reply.content_type}",
                f"Content-Length: {len(reply.body)}",
                *(f"{name}: {value}" for name, value in reply.headers), "", ""]
        raw = "\r\n".join(head).encode("latin-1") + reply.body
        sim = cast(_Server, self.server).sim
        for i in range(len(raw)):
            if sim._server is None:  # stopping
                return
            self.wfile.write(raw[i:i + 1])
            self.wfile.flush()
            time.sleep(TRICKLE_S)

    def _reset(self) -> None:
        """Abort the connection with a TCP reset: no status line, no FIN."""
        self.close_connection = True
        sock: socket.socket = self.connection
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with contextlib.suppress(OSError):
            sock.close()


# -- command line --------------------------------------------------------------------


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share between 0 and 1, got {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"seconds >= 0, got {text}")
    return value


def _skew(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"a finite number of seconds, got {text}")
    return value


def _whole_seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seconds >= 0, got {text}")
    return value


def _ttl(text: str) -> int:
    value = _whole_seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("the authorisation lifetime must be > 0")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``ktptui sim`` options."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="TCP port on 127.0.0.1; 0 picks a free one (default %(default)s)")
    parser.add_argument("--token", default=None,
                        help=f"bearer token stations must send (default: ${TOKEN_ENV}; prefer "
                             "the variable, since arguments show in ps)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed for the registry and the fault draws (default %(default)s)")
    parser.add_argument("--auth-ttl", type=_ttl, default=3600, metavar="S",
                        help="authorisation lifetime in seconds (default %(default)s)")
    g = parser.add_argument_group("faults", "also changeable while running: "
                                            "POST /_control/faults")
    g.add_argument("--down", action="store_true", help="reset every connection")
    g.add_argument("--down-every", type=_seconds, default=0.0, metavar="S",
                   help="periodic outage: a down window starts every S seconds")
    g.add_argument("--down-for", type=_seconds, default=0.0, metavar="S",
                   help="length of each periodic down window")
    g.add_argument("--error-rate", type=_share, default=0.0, metavar="F",
                   help="share of requests answered 503")
    g.add_argument("--retry-after", type=_whole_seconds, default=2, metavar="S",
                   help="Retry-After on 429/503 (default %(default)s)")
    g.add_argument("--throttle-rate", type=_share, default=0.0, metavar="F",
                   help="share of requests answered 429")
    g.add_argument("--latency", type=_seconds, default=0.0, metavar="S",
                   help="delay before answering")
    g.add_argument("--reset-before", type=_share, default=0.0, metavar="F",
                   help="share of connections reset before anything is done")
    g.add_argument("--reset-after", type=_share, default=0.0, metavar="F",
                   help="share of POSTs committed, then reset without a reply")
    g.add_argument("--garbage-rate", type=_share, default=0.0, metavar="F",
                   help="share of committed 2xx answers sent as contract-breaking garbage")
    g.add_argument("--unauthorized", action="store_true",
                   help="refuse every token (401 token_refused)")
    g.add_argument("--hostile", choices=HOSTILE, default="",
                   help="attack the station: escape sequences in texts, a 300 MiB body, "
                        "a reply trickled a byte at a time, or a redirect to another host")
    parser.add_argument("--clock-skew", type=_skew, default=0.0, metavar="S",
                        help="central's clock this many seconds off the real one "
                             "(Date, /health time, expires_at)")


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; 0 when stopped, 2 without a token, 1 if it cannot listen."""
    token = args.token or os.environ.get(TOKEN_ENV, "")
    if not token:
        sys.stderr.write(f"ktptui sim: no token: set ${TOKEN_ENV} (or pass --token)\n")
        return 2
    faults = Faults(down=args.down, down_every_s=args.down_every, down_for_s=args.down_for,
                    error_rate=args.error_rate, retry_after_s=args.retry_after,
                    throttle_rate=args.throttle_rate, latency_s=args.latency,
                    reset_before_rate=args.reset_before, reset_after_rate=args.reset_after,
                    garbage_rate=args.garbage_rate, unauthorized=args.unauthorized,
                    hostile=args.hostile)
    sim = CentralSimulator(port=args.port, token=token, seed=args.seed,
                           auth_ttl_s=args.auth_ttl, faults=faults,
                           clock_skew_s=args.clock_skew)
    try:
        sim.start()
    except OSError as e:
        sys.stderr.write(f"ktptui sim: cannot listen on 127.0.0.1:{args.port}: "
                         f"{e.strerror or e}\n")
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        sys.stdout.write(f"central simulator on {sim.base_url} (seed {args.seed})\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sim.stop()
    return 0
