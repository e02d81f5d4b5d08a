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


class TransientError(CentralError):
    def __init__(self, message: str, retry_after: float | None = None,
                 kind: Trouble = Trouble.UNREACHABLE) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.kind = kind


class TokenRefused(CentralError):
    pass


class FinalAnswer(CentralError):
    """A 4xx problem reply: the job cannot go on as asked (e.g. ``not_recorded``)."""

    def __init__(self, status: int, code: str, title: str, detail: str) -> None:
        words = detail or title or f"HTTP {status}"
        super().__init__(f"central refused ({status} {code or 'no code'}): {words}")
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail


class TokenFileError(CentralError):
    pass
