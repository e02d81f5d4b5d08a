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
import contextlib
import errno
import hashlib
import ipaddress
import json
import os
import socket
import ssl
import stat
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from .. import model
from ..config import CentralConfig, ConfigError, StationConfig
from ..errors import english
from ..i18n import Said, say
from ..model import Job, Outcome, to_text
from ..text import clean
from .clock import CentralClock
from .errors import Cause, FinalAnswer, TokenFileError, TokenRefused, TransientError, Trouble

USER_AGENT = "ktptui/0.1"
#: The largest reply read: a card document is tens of KiB; past this, the
#: reply is refused while being read, so memory stays flat.
MAX_REPLY_BYTES = 1 << 20
#: Longest text (name, problem detail) and identifier kept from a reply.
MAX_TEXT = 500
MAX_ID = 128


@dataclass(frozen=True)
class _Reply:
    """A whole reply, read within the size cap and the call's deadline."""

    status: int
    headers: httpx.Headers
    body: bytes


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
        raise TokenFileError.said("central.token_unset")
    try:
        st = path.stat()
        if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TokenFileError.said("central.token_open", path=str(path))
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise TokenFileError.said("central.token_missing", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise TokenFileError.said("central.token_unreadable", path=str(path),
                                  why=str(e)) from None
    if not token or any(c.isspace() for c in token):
        raise TokenFileError.said("central.token_lines", path=str(path))
    return token


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BaseUrlError(ConfigError, ValueError):
    """``[central] base_url`` that would send the token in the clear."""


def check_base_url(url: str) -> str:
    """``https://`` anywhere; plain ``http://`` only to this machine."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise BaseUrlError.said("central.base_url", url=repr(url))


def _retry_after(reply: _Reply, central_now: datetime | None) -> float | None:
    """Seconds to wait, from ``Retry-After`` (seconds or an HTTP date, read
    against central's own clock). The link monitor caps it at retry_max_s."""
    value = reply.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return min(float(value), 1e9)  # inf for 400 digits: a number, whatever was sent
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (central_now or model.now_utc())).total_seconds())


def _transient(kind: Trouble, cause: Cause, key: str, **values: object) -> TransientError:
    """A ``TransientError`` whose line is a catalogue text: ``str()`` English,
    ``message()`` in the operator's language, ``detail`` the English line
    without the transport's "central unreachable: " (the link's detail)."""
    e = TransientError(english(key, **values), kind=kind, cause=cause,
                       detail=str(values["why"]) if key == "central.unreachable"
                       else english(key, **values))
    e.say(key, **values)
    return e


def _bad(what: str, cause: Cause = Cause.BAD_REPLY) -> TransientError:
    return _transient(Trouble.BAD_REPLY, cause, "central.bad_reply", what=what)


def _too_big(status: int) -> TransientError:
    return _bad(f"{status} with a body over {MAX_REPLY_BYTES // 1024} KiB (refused unread)",
                Cause.TOO_BIG)


def _json_object(reply: _Reply) -> dict[str, Any]:
    try:
        body = json.loads(reply.body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise _bad(f"{reply.status} with a body that is not JSON") from None
    if not isinstance(body, dict):
        raise _bad(f"{reply.status} with JSON that is not an object")
    return body


def _text(body: dict[str, Any], key: str, *, required: bool = True) -> str:
    """A text field, cleaned of control characters and cut to a sane length."""
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise _bad(f"field {key!r} missing or not a string")
    return clean(value)[:MAX_TEXT]


def _id(body: dict[str, Any], key: str) -> str:
    """An identifier the station sends back: used as is, so it must be plain."""
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise _bad(f"field {key!r} missing or not a string")
    if len(value) > MAX_ID or not value.isprintable() or value != value.strip():
        raise _bad(f"field {key!r} is not a plain identifier")
    return value


#: Causes of a connection that could not be made (``link.connect.<cause>``).
CONNECT_CAUSES = frozenset({Cause.DNS, Cause.TLS, Cause.NETWORK})


def _cause_of(e: BaseException) -> Cause | None:
    """The cause of a failed connection, by the exception types below httpx
    (its own message is not read)."""
    seen: set[int] = set()
    err: BaseException | None = e
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, socket.gaierror):
            return Cause.DNS
        if isinstance(err, ssl.SSLError | ssl.CertificateError):
            return Cause.TLS
        if isinstance(err, ConnectionRefusedError):
            return Cause.REFUSED
        if isinstance(err, OSError) and err.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return Cause.NETWORK
        if isinstance(err, TimeoutError | socket.timeout):
            return Cause.TIMEOUT
        err = err.__cause__ or err.__context__
    return None


def _unreachable(e: httpx.TransportError) -> TransientError:
    cause = _cause_of(e)
    why: str | Said
    if isinstance(e, httpx.TimeoutException):
        cause, why = Cause.TIMEOUT, say("link.reason.timeout")
    elif isinstance(e, httpx.ConnectError):
        if cause is Cause.REFUSED or (cause is None and "refused" in str(e).lower()):
            cause, why = Cause.REFUSED, say("link.reason.refused")
        else:
            cause = cause or Cause.OTHER
            connect = cause.value if cause in CONNECT_CAUSES else Cause.OTHER.value
            why = say(f"link.connect.{connect}", detail=clean(str(e))[:200])
    elif isinstance(e, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        cause, why = Cause.DROPPED, say("link.reason.dropped")
    else:
        cause, why = cause or Cause.OTHER, say("link.raw", text=clean(str(e))[:200]
                                               or type(e).__name__)
    return _transient(Trouble.UNREACHABLE, cause, "central.unreachable", why=why)


class _Watchdog:
    """The call's total deadline. httpx's timeouts are per read, so a server
    sending one byte a second would hold a call forever; at the deadline this
    shuts the call's socket down, which ends any read in progress."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def trace(self, name: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` extension: note each new connection's socket."""
        if name != "connection.connect_tcp.complete":
            return
        sock = getattr(info.get("return_value"), "get_extra_info", lambda _: None)("socket")
        if not isinstance(sock, socket.socket):
            return
        # A duplicate descriptor: TLS wrapping detaches the original object,
        # and shutdown() acts on the connection whatever descriptor names it.
        own = socket.socket(fileno=os.dup(sock.fileno()))
        with self._lock:
            self._socks.append(own)
            if self.expired:
                _shutdown(own)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                _shutdown(sock)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._socks:
                sock.close()
            self._socks.clear()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


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
        clock: CentralClock | None = None,
    ) -> None:
        self.station_id = station_id
        self.office_code = office_code
        self.token_file = token_file
        self.timeout_s = timeout_s
        #: Central's clock, read from every reply; the engine shares its own.
        self.clock = clock or CentralClock()
        verify: ssl.SSLContext | bool = True
        if ca_bundle is not None:
            verify = ssl.create_default_context(cafile=str(ca_bundle))
        self._http = httpx.Client(
            base_url=check_base_url(base_url),
            timeout=timeout_s,
            verify=verify,
            transport=transport,
            # Identity only: a compressed reply could inflate past the cap
            # inside one read. No kept-alive connections: each call's socket
            # is its own, so the deadline watchdog can end it.
            headers={"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT,
                     "Accept-Encoding": "identity"},
            limits=httpx.Limits(max_keepalive_connections=0),
            follow_redirects=False,
        )

    @classmethod
    def from_config(cls, central: CentralConfig, station: StationConfig,
                    transport: httpx.BaseTransport | None = None,
                    clock: CentralClock | None = None) -> CentralClient:
        """Raises ``TokenFileError`` or ``ValueError`` (bad base URL)."""
        check_base_url(central.base_url)
        return cls(central.base_url, read_token(central.token_file),
                   station_id=station.id, office_code=station.office_code,
                   timeout_s=central.timeout_s, ca_bundle=central.ca_bundle,
                   transport=transport, token_file=central.token_file, clock=clock)

    def close(self) -> None:
        self._http.close()

    # -- one request ---------------------------------------------------------
    def _exchange(self, method: str, path: str, headers: dict[str, str],
                  body: dict[str, Any] | None) -> _Reply:
        """One request and its whole reply, within ``timeout_s`` in total and
        ``MAX_REPLY_BYTES``; raises ``TransientError`` otherwise."""
        deadline = time.monotonic() + self.timeout_s
        too_slow = _transient(Trouble.UNREACHABLE, Cause.TIMEOUT, "central.unreachable",
                              why=say("link.reason.too_slow", s=f"{self.timeout_s:g}"))
        with _Watchdog(self.timeout_s) as watchdog:
            try:
                with self._http.stream(method, path, json=body, headers=headers,
                                       extensions={"trace": watchdog.trace}) as response:
                    encoding = response.headers.get("Content-Encoding", "identity")
                    if encoding.strip().lower() != "identity":
                        raise _bad("a compressed reply (identity was asked for)")
                    length = response.headers.get("Content-Length", "")
                    if length.isascii() and length.isdigit() and int(length) > MAX_REPLY_BYTES:
                        raise _too_big(response.status_code)
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():  # identity: the raw bytes
                        size += len(chunk)
                        if size > MAX_REPLY_BYTES:
                            raise _too_big(response.status_code)
                        if time.monotonic() > deadline:
                            raise too_slow
                        chunks.append(chunk)
            except httpx.TransportError as e:
                if watchdog.expired:
                    raise too_slow from None
                raise _unreachable(e) from None
        return _Reply(response.status_code, response.headers, b"".join(chunks))

    def _observe(self, reply: _Reply, sent: float, received: float) -> None:
        """Central's clock from the reply's ``Date`` (whole seconds: the middle
        of that second is the best guess)."""
        value = reply.headers.get("Date", "")
        try:
            when = parsedate_to_datetime(value) if value else None
        except (TypeError, ValueError, IndexError, OverflowError):
            when = None
        if when is not None and when.tzinfo is not None:
            self.clock.observe(when + timedelta(seconds=0.5), sent=sent, received=received)

    def _send(self, method: str, path: str, *, key: str | None = None,
              body: dict[str, Any] | None = None) -> _Reply:
        headers = {"Idempotency-Key": key} if key else {}
        sent = self.clock.monotonic()
        reply = self._exchange(method, path, headers, body)
        self._observe(reply, sent, self.clock.monotonic())
        status = reply.status
        if status == 401:
            if self.token_file:
                raise TokenRefused.said("central.token_refused_file", file=str(self.token_file))
            raise TokenRefused.said("central.token_refused")
        if status == 429 or status >= 500:
            after = _retry_after(reply, self.clock.now())
            busy = _transient(Trouble.BUSY,
                              Cause.HTTP_429 if status == 429 else Cause.HTTP_5XX,
                              "central.busy", status=status)
            busy.retry_after = after
            raise busy
        if 300 <= status < 400:
            where = clean(reply.headers.get("Location", ""))[:100] or "nowhere"
            raise _bad(f"{status} redirect to {where}; redirects are not followed "
                       "(check [central] base_url)", Cause.REDIRECT)
        if 400 <= status < 500:
            raise self._problem(reply)
        if not 200 <= status < 300:
            raise _bad(f"unexpected HTTP status {status}")
        return reply

    @staticmethod
    def _problem(reply: _Reply) -> FinalAnswer:
        # A garbled problem body still carries a final status; keep what we can.
        try:
            body = json.loads(reply.body)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            body = {}
        if not isinstance(body, dict):
            body = {}

        def field(name: str) -> str:
            value = body.get(name)
            return clean(value)[:MAX_TEXT] if isinstance(value, str) else ""

        return FinalAnswer(reply.status, field("code"), field("title"), field("detail"))

    def _now(self) -> datetime:
        """Central's time when known: the station's own clock may be hours off."""
        return self.clock.now() or model.now_utc()

    # -- the contract ------------------------------------------------------------
    def health(self) -> str:
        """``ok`` or ``degraded``; raises ``CentralError`` otherwise."""
        sent = self.clock.monotonic()
        body = _json_object(self._send("GET", "/health"))
        received = self.clock.monotonic()
        status = body.get("status")
        if status not in ("ok", "degraded"):
            raise _bad(f"health status {clean(repr(status))[:40]}")
        # ``time`` is finer than Date's whole seconds: prefer it when sound.
        stamp = body.get("time")
        try:
            central = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
        except ValueError:
            central = None
        if central is not None and central.utcoffset() is not None:
            self.clock.observe(central, sent=sent, received=received)
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
            "requested_at": to_text(self._now()),
        })
        body = _json_object(response)
        if body.get("job_id") != job.id:
            raise _bad("authorisation is for another job")
        if body.get("nik") != job.nik:
            raise _bad("authorisation is for another NIK")
        if body.get("attempt", job.attempt) != job.attempt:
            raise _bad("authorisation is for another attempt")
        encoded = body.get("document")
        if not isinstance(encoded, str) or not encoded:
            raise _bad("field 'document' missing or not a string")
        try:
            document = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _bad("document is not base64") from None
        sha = body.get("sha256")
        if not isinstance(sha, str) or hashlib.sha256(document).hexdigest() != sha.lower():
            raise _bad("document does not match its sha256")
        expires = _text(body, "expires_at")
        try:
            if datetime.fromisoformat(expires).utcoffset() is None:
                raise ValueError
        except ValueError:
            raise _bad(f"expires_at {expires[:40]!r} is not a time with an offset") from None
        name = body.get("holder_name")
        name = clean(name).strip()[:MAX_TEXT] if isinstance(name, str) else None
        return Authorization(
            authorization_id=_id(body, "authorization_id"),
            job_id=job.id,
            attempt=job.attempt,
            nik=job.nik,
            holder_name=name or None,
            document=document,
            content_type=_text(body, "content_type"),
            sha256=sha.lower(),
            expires_at=expires,
        )

    def report(self, authorization_id: str, job_id: str, attempt: int, outcome: Outcome,
               operator: str, note: str = "") -> None:
        """Report one card's outcome; the key makes a resend count once."""
        body: dict[str, Any] = {"outcome": outcome.value, "reported_at": to_text(self._now()),
                                "operator": operator}
        if note:
            body["note"] = note
        path = f"/print-authorizations/{quote(authorization_id, safe='')}/result"
        response = self._send("POST", path, key=f"{job_id}/{attempt}/result", body=body)
        reply = _json_object(response)
        if reply.get("authorization_id") != authorization_id:
            raise _bad("result reply names another authorisation")
        if reply.get("outcome") != outcome.value:
            raise _bad("result reply names another outcome")
