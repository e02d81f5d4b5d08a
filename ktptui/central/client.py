"""The central API client: speaks ``docs/central-api.yaml`` and nothing else.

One method per endpoint. Each call is made once; retrying is the caller's job
(the engine, paced by ``LinkMonitor``), because what to do after a failure
depends on the job and the link, not on the request. Idempotency keys follow
the contract exactly, so a retry after a lost reply can never make a second
card or count an outcome twice.

Every reply is checked against the contract before it is believed: a reply
that does not match (bad JSON, missing fields, a document whose sha256
differs) is a ``TransientError`` of kind ``BAD_REPLY``, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import json
import ssl
import stat
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from ..config import CentralConfig, StationConfig
from ..model import Job, Outcome, now_utc, to_text
from .errors import FinalAnswer, TokenFileError, TokenRefused, TransientError, Trouble

USER_AGENT = "ktptui/0.1"


@dataclass(frozen=True)
class Authorization:
    """A 201 from ``/print-authorizations``: permission to print one card."""

    authorization_id: str
    job_id: str
    attempt: int
    nik: str
    holder_name: str | None
    document: bytes
    content_type: str
    sha256: str
    expires_at: str


def read_token(path: Path | None) -> str:
    """The bearer token, refusing a file that others could read."""
    if path is None:
        raise TokenFileError(
            "[central] token_file is not set; put the station token in a file "
            "(chmod 600) and name it there")
    try:
        st = path.stat()
        if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TokenFileError(
                f"{path} can be read by group or others; run: chmod 600 {path}")
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise TokenFileError(f"{path}: token file not found; fix [central] token_file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise TokenFileError(f"{path}: cannot read the token file ({e})") from None
    if not token or any(c.isspace() for c in token):
        raise TokenFileError(f"{path}: the token file must hold one token on one line")
    return token


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """``https://`` anywhere; plain ``http://`` only to this machine."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ValueError(
        f"[central] base_url {url!r} must be https:// (http:// is allowed only for "
        "127.0.0.1/localhost); fix it in the config")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now_utc()).total_seconds())


def _bad(what: str) -> TransientError:
    return TransientError(f"central sent a bad reply: {what}", kind=Trouble.BAD_REPLY)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _bad(f"{response.status_code} with a body that is not JSON") from None
    if not isinstance(body, dict):
        raise _bad(f"{response.status_code} with JSON that is not an object")
    return body


def _text(body: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise _bad(f"field {key!r} missing or not a string")
    return value


def _unreachable(e: httpx.TransportError) -> TransientError:
    if isinstance(e, httpx.TimeoutException):
        why = "timed out"
    elif isinstance(e, httpx.ConnectError):
        why = "connection refused" if "refused" in str(e).lower() else f"cannot connect ({e})"
    elif isinstance(e, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        why = "connection dropped before the reply"
    else:
        why = str(e) or type(e).__name__
    return TransientError(f"central unreachable: {why}", kind=Trouble.UNREACHABLE)


class CentralClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        station_id: str,
        office_code: str,
        timeout_s: float = 10.0,
        ca_bundle: Path | None = None,
        transport: httpx.BaseTransport | None = None,
        token_file: Path | None = None,
    ) -> None:
        self.station_id = station_id
        self.office_code = office_code
        self.token_file = token_file
        verify: ssl.SSLContext | bool = True
        if ca_bundle is not None:
            verify = ssl.create_default_context(cafile=str(ca_bundle))
        self._http = httpx.Client(
            base_url=check_base_url(base_url),
            timeout=timeout_s,
            verify=verify,
            transport=transport,
            headers={"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    @classmethod
    def from_config(cls, central: CentralConfig, station: StationConfig,
                    transport: httpx.BaseTransport | None = None) -> CentralClient:
        """Raises ``TokenFileError`` or ``ValueError`` (bad base URL)."""
        check_base_url(central.base_url)
        return cls(central.base_url, read_token(central.token_file),
                   station_id=station.id, office_code=station.office_code,
                   timeout_s=central.timeout_s, ca_bundle=central.ca_bundle,
                   transport=transport, token_file=central.token_file)

    def close(self) -> None:
        self._http.close()

    # -- one request ---------------------------------------------------------
    def _send(self, method: str, path: str, *, key: str | None = None,
              body: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"Idempotency-Key": key} if key else {}
        try:
            response = self._http.request(method, path, json=body, headers=headers)
        except httpx.TransportError as e:
            raise _unreachable(e) from None
        status = response.status_code
        if status == 401:
            where = f"; put a valid token in {self.token_file}" if self.token_file else ""
            raise TokenRefused(f"central refused the station token (401){where}")
        if status == 429 or status >= 500:
            after = _retry_after(response)
            raise TransientError(f"central busy: {status}", retry_after=after,
                                 kind=Trouble.BUSY)
        if 400 <= status < 500:
            raise self._problem(response)
        if not 200 <= status < 300:
            raise _bad(f"unexpected HTTP status {status}")
        return response

    @staticmethod
    def _problem(response: httpx.Response) -> FinalAnswer:
        # A garbled problem body still carries a final status; keep what we can.
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {}
        if not isinstance(body, dict):
            body = {}

        def field(name: str) -> str:
            value = body.get(name)
            return value if isinstance(value, str) else ""

        return FinalAnswer(response.status_code, field("code"), field("title"), field("detail"))

    # -- the contract ------------------------------------------------------------
    def health(self) -> str:
        """``ok`` or ``degraded``; raises ``CentralError`` otherwise."""
        body = _json_object(self._send("GET", "/health"))
        status = body.get("status")
        if status not in ("ok", "degraded"):
            raise _bad(f"health status {status!r}")
        return str(status)

    def authorize(self, job: Job, operator: str) -> Authorization:
        response = self._send("POST", "/print-authorizations", key=f"{job.id}/{job.attempt}", body={
            "job_id": job.id,
            "attempt": job.attempt,
            "nik": job.nik,
            "reason": job.reason.value,
            "station_id": self.station_id,
            "office_code": self.office_code,
            "operator": operator,
            "requested_at": to_text(now_utc()),
        })
        body = _json_object(response)
        if _text(body, "job_id") != job.id:
            raise _bad("authorisation is for another job")
        if body.get("attempt", job.attempt) != job.attempt:
            raise _bad("authorisation is for another attempt")
        try:
            document = base64.b64decode(_text(body, "document"), validate=True)
        except (binascii.Error, ValueError):
            raise _bad("document is not base64") from None
        sha = _text(body, "sha256").lower()
        if hashlib.sha256(document).hexdigest() != sha:
            raise _bad("document does not match its sha256")
        expires = _text(body, "expires_at")
        try:
            if datetime.fromisoformat(expires).utcoffset() is None:
                raise ValueError
        except ValueError:
            raise _bad(f"expires_at {expires!r} is not a time with an offset") from None
        name = body.get("holder_name")
        return Authorization(
            authorization_id=_text(body, "authorization_id"),
            job_id=job.id,
            attempt=job.attempt,
            nik=_text(body, "nik"),
            holder_name=name if isinstance(name, str) and name else None,
            document=document,
            content_type=_text(body, "content_type"),
            sha256=sha,
            expires_at=expires,
        )

    def report(self, authorization_id: str, job_id: str, attempt: int, outcome: Outcome,
               operator: str, note: str = "") -> None:
        """Report one card's outcome; the key makes a resend count once."""
        body: dict[str, Any] = {"outcome": outcome.value, "reported_at": to_text(now_utc()),
                                "operator": operator}
        if note:
            body["note"] = note
        path = f"/print-authorizations/{quote(authorization_id, safe='')}/result"
        response = self._send("POST", path, key=f"{job_id}/{attempt}/result", body=body)
        reply = _json_object(response)
        if _text(reply, "authorization_id") != authorization_id:
            raise _bad("result reply names another authorisation")
        if _text(reply, "outcome") != outcome.value:
            raise _bad("result reply names another outcome")
