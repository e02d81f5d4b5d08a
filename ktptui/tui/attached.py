"""What the TUI does through the station service when attached to it.

An operator logged in as themselves cannot open the station's data folder
(0700): the screens read through a ``RemoteStore`` and every change is a
request of the service's table (``station.service.REQUESTS``), which acts as
the socket's peer. ``ACTS`` maps each ``actions`` function a screen runs
through ``Desk.act`` onto its request; the reply is turned back into what
the action returns (a ``Job`` is read again through the store), so screens
do not know which way they run. Sessions open and close through
``session_open`` / ``session_close`` (``session``).
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import actions
from ..model import Job, Outcome
from ..office import sessions
from ..station.client import RemoteError
from ..station.remote_store import ReadOnly
from ..store import ledger

if TYPE_CHECKING:
    from ..station.client import Remote
    from ..store import StoreView

#: The reply -> what the action returns.
Result = Callable[["StoreView", dict[str, Any]], Any]


def _job(store: StoreView, reply: dict[str, Any]) -> Job:
    job_id = str(reply["job"]["id"])
    return store.job(job_id) or store.find_job(job_id)  # archived meanwhile: found there


def _entry(store: StoreView, reply: dict[str, Any]) -> ledger.Entry:
    """The ledger entry the request booked (the service sends it back)."""
    return ledger.Entry.from_dict(reply["entry"])


def _nothing(store: StoreView, reply: dict[str, Any]) -> None:
    return None


def _printer(store: StoreView, reply: dict[str, Any]) -> str:
    return str(reply["printer"])


@dataclass(frozen=True)
class Via:
    """An action as a request: its type (or how the arguments choose it),
    request argument -> the action's parameter, and how its reply reads."""

    request: str | Callable[[dict[str, Any]], str]
    args: dict[str, str]
    result: Result = _job


_NOTE = {"note": "note"}
_ON_JOB = {"job": "ref", **_NOTE}

#: ``actions`` function -> its request. An action not here is refused
#: (``ReadOnly``) rather than tried on a store this process cannot write.
ACTS: dict[Callable[..., Any], Via] = {
    actions.add: Via("add", {"nik": "nik_text", "reason": "reason", "urgent": "urgent",
                             "note": "note", "name": "name", "phone": "phone_text"}),
    actions.hold: Via("hold", _ON_JOB),
    actions.release: Via("release", _ON_JOB),
    actions.cancel: Via("cancel", _ON_JOB),
    actions.make_urgent: Via("urgent", {**_ON_JOB, "urgent": "urgent"}),
    actions.arrive: Via("arrive", _ON_JOB),
    actions.handover: Via("handover", {**_ON_JOB, "to": "to"}),
    actions.resolve: Via("resolve", {**_ON_JOB, "outcome": "outcome"}),
    actions.set_paused: Via(lambda a: "pause" if a["paused"] else "unpause", _NOTE, _nothing),
    actions.pause_printer: Via("printer_pause", {"printer": "name", **_NOTE}, _printer),
    actions.resume_printer: Via("printer_resume", {"printer": "name", **_NOTE}, _printer),
    actions.receive_blanks: Via("blanks_receive", {"count": "count", "ref": "ref", **_NOTE},
                                _entry),
    actions.spoil_blank: Via("blanks_spoil", {"job": "job_id", **_NOTE},
                             _entry),
    # The service asks the kernel who the peer is: ``who`` is not sent.
    actions.adjust_blanks: Via("blanks_adjust", {"delta": "delta", "reason": "reason"},
                               _entry),
}

_OUTCOMES = {outcome: name for name, outcome in actions.RESOLUTIONS.items()}


def _wire(value: Any) -> Any:
    """An argument as the protocol has it (an outcome by its request name)."""
    if isinstance(value, Outcome):
        return _OUTCOMES[value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def act(remote: Remote, store: StoreView, fn: Callable[..., Any], args: tuple[Any, ...],
        kwargs: dict[str, Any]) -> Any:
    """``fn(store, *args, operator=..., **kwargs)`` done by the service."""
    via = ACTS.get(fn)
    if via is None:
        raise ReadOnly.said("service.read_only")
    bound = inspect.signature(fn).bind(None, *args, operator="", **kwargs)
    bound.apply_defaults()
    params = bound.arguments
    request = via.request if isinstance(via.request, str) else via.request(params)
    reply = remote.call(request, **{name: _wire(params[p]) for name, p in via.args.items()})
    return via.result(store, reply)


def session(remote: Remote, store: StoreView, opening: bool, count: int, *,
            confirm: int | None, reason: str) -> sessions.Session | sessions.Summary:
    """Open or close the print session through the service; a count that
    differs from the ledger comes back as ``CountDiffers`` (its dialog asks
    again), as when this process books it."""
    try:
        reply = remote.call("session_open" if opening else "session_close", count=count,
                            confirm=confirm, reason=reason)
    except RemoteError as e:
        raise _count_differs(e, store, opening, count) from None
    if opening:
        return sessions.Session.from_dict(reply["session"])
    return sessions.Summary.from_dict(reply["summary"])


def _count_differs(e: RemoteError, store: StoreView, opening: bool,
                   count: int) -> RemoteError | sessions.CountDiffers:
    """The reply carries the refusal's words, not its figures: a refused
    count that differs from the ledger, on a session in the state the
    request needs, is the count's refusal (the others are about the state,
    or a bad number)."""
    from ..errors import Kind

    balance = store.ledger_totals().balance
    is_open = bool(store.meta(sessions.OPEN_KEY))
    if e.error_kind is Kind.REFUSED and count != balance and is_open is not opening:
        return sessions.CountDiffers(e.message(), count, balance)
    return e
