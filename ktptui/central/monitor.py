"""The link to central: ``up`` / ``degraded`` / ``down``, and when to try again.

Driven by every real call's outcome and by a ``/health`` probe:

* ``up``: calls go through. A probe every ``health_interval_s`` keeps the
  state honest when there is no work.
* ``degraded``: central answers but not well (busy 5xx/429, bad replies, or
  its health says ``degraded``). No call before ``retry_at``, which grows by
  exponential backoff with full jitter and honours ``Retry-After``.
* ``down``: no answer at all. Only ``/health`` is tried, on the same backoff
  but capped at ``DOWN_PROBE_MAX_S`` so jobs move within seconds of the link
  coming back (a /health GET every few seconds costs next to nothing).
* ``token_refused``: 401. No network work at all until the token is replaced;
  the engine re-reads the token file at each probe.

All times are ``time.monotonic()`` (wall-clock jumps after a power cut must not
stall retries); ``changed_at`` is wall-clock for display.
"""

from __future__ import annotations

import enum
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..i18n import Said, say, t, t_opt
from ..text import clean
from .errors import Cause, CentralError, TokenRefused, TransientError, Trouble

DOWN_PROBE_MAX_S = 4.0


class LinkState(enum.StrEnum):
    UP = "up"
    DEGRADED = "degraded"
    DOWN = "down"


class LinkCause(enum.StrEnum):
    """Why the link is not up, as a code front ends translate."""

    NONE = "none"
    UNREACHABLE = "unreachable"  # no answer at all
    BUSY = "busy"  # 5xx / 429: "later"
    BAD_REPLY = "bad_reply"  # an answer that breaks the contract
    DEGRADED = "degraded"  # central's /health says so
    TOKEN = "token"  # 401: the station token was refused


@dataclass(frozen=True)
class LinkStatus:
    """The link as typed values: what ``LinkMonitor.snapshot`` returns."""

    state: LinkState
    #: When the state last changed (wall clock, aware).
    since: datetime
    #: Seconds until calls may go again (None: they may now).
    retry_in_s: float | None = None
    cause: LinkCause = LinkCause.NONE
    #: The failure in the core's words (central's problem text, the OS error),
    #: without the transport's prefix; "" when up. English: for logs.
    detail: str = ""
    #: What exactly failed (a timeout, a refused connection, DNS, TLS, an HTTP
    #: status class...); None when up or not known (an older record).
    reason: Cause | None = None

    @property
    def token_refused(self) -> bool:
        return self.cause is LinkCause.TOKEN

    def reason_words(self) -> str:
        """Why the link is not up, in the operator's language: the known
        cause's words, else the core's own words as a quoted value (an
        unknown failure), else the broad cause ("" when up)."""
        if self.cause is LinkCause.NONE:
            return ""
        if self.reason is not None and self.reason is not Cause.OTHER:
            return t(f"link.reason.{self.reason.value}")
        if self.reason is Cause.OTHER and self.detail:
            return t("link.raw", text=" ".join(clean(self.detail).split())[:120])
        return t_opt(f"link.cause.{self.cause.value}", "")


class Backoff:
    """Exponential backoff with full jitter: the n-th wait is uniform in
    ``[0, min(max_s, min_s * 2**(n-1))]``, never shorter than ``Retry-After``
    and never longer than ``max_s`` (a ``Retry-After`` is central's word, and
    central's replies are untrusted: 999999999 must not stop the link)."""

    def __init__(self, min_s: float = 2.0, max_s: float = 300.0,
                 rng: random.Random | None = None) -> None:
        self.min_s = max(0.0, min_s)
        self.max_s = max(self.min_s, max_s)
        self._rng = rng or random.Random()

    def cap(self, failures: int) -> float:
        return min(self.max_s, self.min_s * 2.0 ** max(0, min(failures - 1, 30)))

    def delay(self, failures: int, retry_after: float | None = None,
              cap_s: float | None = None) -> float:
        ceiling = self.cap(failures) if cap_s is None else min(cap_s, self.cap(failures))
        wait = self._rng.uniform(0.0, ceiling)
        asked = min(retry_after or 0.0, self.max_s)
        return max(wait, asked)


class HealthProbe(Protocol):
    def health(self) -> str: ...


class LinkMonitor:
    def __init__(self, *, health_interval_s: float = 30.0,
                 backoff: Backoff | None = None) -> None:
        self.health_interval_s = health_interval_s
        self.backoff = backoff or Backoff()
        self.state = LinkState.UP  # optimistic: the first call or probe tells
        self.changed_at = datetime.now().astimezone()
        self.last_error = ""
        #: The last failure, typed: its cause, its words for the operator
        #: (the error's catalogue text) and the English detail for logs.
        self.reason: Cause | None = None
        self.words: Said | str = ""
        self.detail = ""
        self.token_refused = False
        self.cause = LinkCause.NONE
        self.failures = 0
        self.retry_at = 0.0  # monotonic; no call before this
        self._next_probe = 0.0  # probe at once on start
        self._lock = threading.Lock()

    # -- what the engine asks -------------------------------------------------
    def waiting(self) -> float:
        """Seconds until calls may be made again (0 when they may)."""
        return max(0.0, self.retry_at - time.monotonic())

    def blocked(self) -> bool:
        """No authorise/report calls now: token refused, down, or backing off."""
        return self.token_refused or self.state is LinkState.DOWN or self.waiting() > 0

    def probe_due(self) -> bool:
        return time.monotonic() >= self._next_probe

    def describe(self) -> str:
        """One line for the status bar and logs."""
        since = self.changed_at.strftime("%H:%M")
        wait = self.waiting()
        retry = f", retry in {wait:.0f} s" if wait >= 1 else ""
        if self.token_refused:
            return self.last_error
        if self.state is LinkState.UP:
            return f"up since {since}"
        if self.state is LinkState.DOWN:
            return f"central unreachable since {since}{retry} ({self.detail})"
        return f"{self.last_error} (since {since}){retry}"

    def snapshot(self) -> LinkStatus:
        """The link now, typed (what ``describe`` says in English)."""
        with self._lock:
            wait = self.waiting()
            cause = LinkCause.TOKEN if self.token_refused else self.cause
            if self.state is LinkState.UP and not self.token_refused:
                cause = LinkCause.NONE
            if cause is LinkCause.NONE:
                return LinkStatus(self.state, self.changed_at, wait if wait > 0 else None)
            return LinkStatus(self.state, self.changed_at, wait if wait > 0 else None, cause,
                              self.detail, self.reason)

    # -- what happened ------------------------------------------------------------
    def _set(self, state: LinkState) -> None:
        if state is not self.state:
            self.state = state
            self.changed_at = datetime.now().astimezone()

    def _failed(self, line: str, reason: Cause | None, words: Said | str,
                detail: str | None = None) -> None:
        """The last failure ("" and None: none)."""
        self.last_error, self.reason, self.words = line, reason, words
        self.detail = line if detail is None else detail

    def record_success(self) -> None:
        """A real call went through."""
        with self._lock:
            self.failures = 0
            self.retry_at = 0.0
            self.token_refused = False
            self._failed("", None, "")
            self.cause = LinkCause.NONE
            self._set(LinkState.UP)
            self._next_probe = time.monotonic() + self.health_interval_s

    def record_failure(self, error: CentralError) -> None:
        now = time.monotonic()
        with self._lock:
            self._failed(str(error), getattr(error, "cause", None), error.words(),
                         getattr(error, "detail", "") or str(error))
            if isinstance(error, TokenRefused):
                self.token_refused = True
                self._next_probe = now + self.health_interval_s
                return
            if not isinstance(error, TransientError):
                return  # a final answer is about one job, not the link
            self.failures += 1
            self.cause = LinkCause(error.kind.value)
            if error.kind is Trouble.UNREACHABLE:
                delay = self.backoff.delay(self.failures, error.retry_after, DOWN_PROBE_MAX_S)
                self._set(LinkState.DOWN)
                self._next_probe = now + delay
            else:
                delay = self.backoff.delay(self.failures, error.retry_after)
                self._set(LinkState.DEGRADED)
                self._next_probe = now + max(delay, self.health_interval_s)
            self.retry_at = now + delay

    def probe(self, client: HealthProbe) -> LinkState:
        """Ask ``/health``; returns the new state."""
        try:
            health = client.health()
        except CentralError as e:
            self.record_failure(e)
            return self.state
        with self._lock:
            self.token_refused = False
            if self.state is LinkState.DOWN:
                # Back from down: calls may go at once, backoff starts over.
                self.failures, self.retry_at = 0, 0.0
                self._failed("", None, "")
                self.cause = LinkCause.NONE
            if health == "degraded":
                said = say("link.reason.degraded")
                self._failed(str(said), Cause.DEGRADED, said)
                self.cause = LinkCause.DEGRADED
                self._set(LinkState.DEGRADED)
            elif self.waiting() == 0:
                self._failed("", None, "")
                self.cause = LinkCause.NONE
                self._set(LinkState.UP)
            self._next_probe = time.monotonic() + self.health_interval_s
        return self.state
