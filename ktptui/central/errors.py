"""How a call to central can fail, sorted by what the station must do next.

* ``TransientError``: central unreachable for now (connection error, timeout,
  5xx, 429) or a reply that breaks the contract. Keep the job, try later.
* ``TokenRefused``: 401. Stop all network work until the token is replaced.
* ``FinalAnswer``: any other 4xx. A final answer about this one job.
* ``TokenFileError``: the station's token file is missing or too open.
"""

from __future__ import annotations

import enum

from ..errors import Kind, KtpError
from ..i18n import Said


class CentralError(KtpError):
    """Anything that went wrong talking to central; ``str()`` is operator-readable."""

    error_kind = Kind.CENTRAL


class Rejection(enum.StrEnum):
    """Central's codes for a request it will not authorise (a ``FinalAnswer``'s
    ``code``, kept as the job's ``error_code``; docs/central-api.yaml)."""

    NOT_RECORDED = "not_recorded"  # no biometric recording: the office issues a Suket
    NOT_VERIFIED = "not_verified"  # recorded, not yet verified centrally
    NO_RECORD = "no_record"  # no population record for the NIK
    ACTIVE_CARD_EXISTS = "active_card_exists"
    ATTEMPT_CONFLICT = "attempt_conflict"


class Trouble(enum.StrEnum):
    UNREACHABLE = "unreachable"  # no answer: connection refused/reset, timeout
    BUSY = "busy"  # an answer that says "later": 5xx, 429
    BAD_REPLY = "bad_reply"  # an answer that breaks the contract


class Cause(enum.StrEnum):
    """What exactly failed, as a code the operator's words come from
    (``link.reason.<cause>``); ``OTHER``: only the raw detail says."""

    TIMEOUT = "timeout"  # no (complete) answer in time
    REFUSED = "refused"  # connection refused: central's host is up, its service is not
    DNS = "dns"  # central's name does not resolve
    TLS = "tls"  # the TLS handshake or central's certificate failed
    NETWORK = "network"  # no route to central's network
    DROPPED = "dropped"  # the connection dropped before the reply
    HTTP_5XX = "http_5xx"  # central's server error
    HTTP_429 = "http_429"  # central asks the station to slow down
    REDIRECT = "redirect"  # a 3xx (never followed)
    BAD_REPLY = "bad_reply"  # a reply that breaks the contract
    TOO_BIG = "too_big"  # a reply over the size limit
    DEGRADED = "degraded"  # central's /health says so
    OTHER = "other"


class TransientError(CentralError):
    def __init__(self, message: str, retry_after: float | None = None,
                 kind: Trouble = Trouble.UNREACHABLE, *, cause: Cause = Cause.OTHER,
                 detail: str = "") -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.kind = kind
        #: What failed (typed), and the raw words from outside (an OS error,
        #: a broken field's name) when there are any: a value, not our prose.
        self.cause = cause
        self.detail = detail


class TokenRefused(CentralError):
    pass


class FinalAnswer(CentralError):
    """A 4xx problem reply: the job cannot go on as asked (e.g. ``not_recorded``)."""

    def __init__(self, status: int, code: str, title: str, detail: str) -> None:
        words = detail or title or f"HTTP {status}"
        super().__init__(f"central refused ({status} {code or 'no code'}): {words}")
        # Central's own words (its problem text) are a value: quoted in Indonesian.
        self.say("central.refused", status=status, code=code or Said("central.no_code"),
                 words=words)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail


class TokenFileError(CentralError):
    pass
