"""The job model and its state machine. Pure data and rules: no I/O here.

A job is one citizen's card request. Every allowed state change is declared in
``TRANSITIONS``; anything else raises ``IllegalTransition``. Changes return a
new ``Job`` (jobs are immutable values), so a failed transaction never leaves a
half-changed job in memory.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import Kind, KtpError
from .i18n import Said, said_fields, shown


class State(enum.StrEnum):
    QUEUED = "queued"  # waiting for central
    HELD = "held"  # operator hold
    AUTHORIZED = "authorized"  # print document stored locally, ready to print
    PRINTING = "printing"  # sent to the printer, outcome not known
    PRINTED = "printed"  # card out, outcome not yet reported to central
    DONE = "done"  # printed and reported
    INTERRUPTED = "interrupted"  # was printing when the process died
    REJECTED = "rejected"  # final answer from central (e.g. not_recorded -> Suket)
    CANCELLED = "cancelled"
    #: ``[office] print_when = "citizen_present"``: the job waits, before
    #: authorisation (nothing expires), until ``actions.arrive``.
    WAITING_CITIZEN = "waiting_citizen"


class Reason(enum.StrEnum):
    NEW = "new"
    DATA_CHANGE = "data_change"
    DAMAGED = "damaged"
    LOST = "lost"


class Priority(enum.StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


class Outcome(enum.StrEnum):
    """What became of an authorised card, as reported to central."""

    PRINTED = "printed"
    SPOILED = "spoiled"  # a blank was used up by a bad print
    NOT_PRINTED = "not_printed"  # no blank was used (cancelled, expired, never sent)


#: Finished jobs: nothing more will happen to them.
FINAL_STATES = frozenset({State.DONE, State.REJECTED, State.CANCELLED})
#: Jobs that still need something: printing, reporting or an operator.
ACTIVE_STATES = frozenset(State) - FINAL_STATES
#: States in which the job holds an unused authorisation (a document on disk).
HOLDS_AUTHORIZATION = frozenset({State.AUTHORIZED, State.PRINTING, State.INTERRUPTED})

# (from, to) -> does this change start a new attempt?  A new attempt is only
# ever started after the previous one ended as spoiled / not_printed, which the
# caller reports through the outbox (the central contract's rule).
TRANSITIONS: dict[tuple[State, State], bool] = {
    (State.QUEUED, State.HELD): False,
    (State.QUEUED, State.AUTHORIZED): False,
    (State.QUEUED, State.REJECTED): False,
    (State.QUEUED, State.CANCELLED): False,
    (State.HELD, State.QUEUED): False,
    (State.HELD, State.CANCELLED): False,
    # Authorised but not printed: the authorisation is given back as
    # not_printed (hold, cancel, or it expired) and the job asks again later.
    (State.AUTHORIZED, State.PRINTING): False,
    (State.AUTHORIZED, State.QUEUED): True,
    (State.AUTHORIZED, State.HELD): True,
    (State.AUTHORIZED, State.CANCELLED): False,
    (State.PRINTING, State.PRINTED): False,
    (State.PRINTING, State.QUEUED): True,  # spoiled or not printed
    (State.PRINTING, State.INTERRUPTED): False,  # process died mid-card
    (State.INTERRUPTED, State.PRINTED): False,  # operator: the card came out
    (State.INTERRUPTED, State.QUEUED): True,  # operator: spoiled / not printed
    (State.PRINTED, State.DONE): False,
    # Print on arrival: the citizen shows the receipt (or the job is made urgent).
    (State.WAITING_CITIZEN, State.QUEUED): False,
    (State.WAITING_CITIZEN, State.HELD): False,
    (State.WAITING_CITIZEN, State.CANCELLED): False,
}


class IllegalTransition(KtpError, ValueError):
    """A state change the table does not allow."""

    error_kind = Kind.REFUSED

    def __init__(self, job: Job, to: State) -> None:
        allowed = sorted(t.value for (f, t) in TRANSITIONS if f is job.state)
        hint = f"allowed from {job.state.value}: {', '.join(allowed)}" if allowed else (
            f"{job.state.value} is final"
        )
        super().__init__(
            f"job {job.short_id} cannot go from {job.state.value} to {to.value} ({hint})"
        )
        self.job = job
        self.to = to


def now_utc() -> datetime:
    """The one clock of the core: everything that stamps or judges "now"
    calls ``model.now_utc()`` (through the module, so a test that patches it
    here moves every clock at once)."""
    return datetime.now(UTC)


def to_text(t: datetime) -> str:
    """RFC 3339 with an offset, as the central contract requires."""
    return t.astimezone(UTC).isoformat(timespec="milliseconds")


def from_text(s: str) -> datetime:
    return datetime.fromisoformat(s)


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    from_state: str | None
    to_state: str
    operator: str
    note: str = ""
    #: An authorisation given back because it expired unused (``actions.lapsed``);
    #: stored only when true, so other entries keep their old form.
    lapsed: bool = False
    #: The note as a catalogue key and values (``i18n.Said``), shown in the
    #: operator's language; ``note`` keeps its English line. Stored only when set.
    note_key: str | None = None
    note_values: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        if not self.lapsed:
            del d["lapsed"]
        if self.note_key is None:
            del d["note_key"], d["note_values"]
        return d

    def shown_note(self) -> str:
        """The note in the operator's language (as stored for old records)."""
        return shown(self.note, self.note_key, self.note_values)


@dataclass(frozen=True)
class Job:
    id: str
    nik: str
    reason: Reason
    priority: Priority
    state: State
    attempt: int
    created_at: str
    updated_at: str
    operator: str
    note: str = ""
    last_error: str = ""
    #: Problem code from central when rejected (e.g. "not_recorded").
    error_code: str = ""
    next_retry_at: str | None = None
    authorization_id: str | None = None
    holder_name: str | None = None
    expires_at: str | None = None
    #: File name of the stored card document (beside the store), with its hash.
    document: str | None = None
    document_sha256: str | None = None
    content_type: str | None = None
    #: The printer (its queue name) the card was last sent to: an interrupted
    #: card stops that printer until the operator resolves it.
    printer: str | None = None
    history: tuple[HistoryEntry, ...] = field(default_factory=tuple)
    # -- the card's life after printing (issue 13); old records load without them --
    #: The citizen's name and mobile number (+628...) taken at intake: personal data.
    name: str | None = None
    phone: str | None = None
    #: When the card came out of the printer, and when it was handed over, by
    #: which operator, to whom (the citizen or who collected for them).
    printed_at: str | None = None
    collected_at: str | None = None
    collected_by: str | None = None
    collected_to: str | None = None
    #: ``last_error`` as a catalogue key and values (``i18n.Said``: e.g. why a
    #: job was held for lapsing), shown in the operator's language;
    #: ``last_error`` keeps its English line. Stored only when set.
    last_error_key: str | None = None
    last_error_values: dict[str, Any] | None = None

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def card_printed_at(self) -> str | None:
        """When the card was printed: ``printed_at``, or for records from
        before that field, the history entry that moved it to printed."""
        if self.printed_at is not None:
            return self.printed_at
        return next((h.at for h in reversed(self.history)
                     if h.to_state == State.PRINTED.value), None)

    @property
    def awaiting_pickup(self) -> bool:
        """Printed and not yet handed over ("siap diambil")."""
        return (self.state in (State.PRINTED, State.DONE) and self.collected_at is None
                and self.card_printed_at is not None)

    def changed(self, **fields: Any) -> Job:
        """A copy with some fields changed (no state change, no history);
        ``last_error`` may be a ``Said``."""
        return dataclasses.replace(self, **error_fields(fields))

    def shown_error(self) -> str:
        """The last error in the operator's language (as stored for old records)."""
        return shown(self.last_error, self.last_error_key, self.last_error_values)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["reason"] = self.reason.value
        d["priority"] = self.priority.value
        d["state"] = self.state.value
        d["history"] = [h.to_dict() for h in self.history]
        if self.last_error_key is None:
            del d["last_error_key"], d["last_error_values"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Job:
        d = dict(d)
        d["reason"] = Reason(d["reason"])
        d["priority"] = Priority(d["priority"])
        d["state"] = State(d["state"])
        d["history"] = tuple(HistoryEntry(**h) for h in d.get("history", ()))
        # dataclasses.fields() is slow enough to matter when 10,000 jobs load.
        known = _FIELDS.get(cls) or _FIELDS.setdefault(
            cls, frozenset(f.name for f in dataclasses.fields(cls)))
        return cls(**{k: v for k, v in d.items() if k in known})


_FIELDS: dict[type, frozenset[str]] = {}


def error_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with a ``last_error`` (text or ``Said``) spread over the
    job's ``last_error``, ``last_error_key`` and ``last_error_values``."""
    if "last_error" not in fields:
        return fields
    out = dict(fields)
    error = out.pop("last_error")
    out.update({"last_error_key": None, "last_error_values": None},
               **said_fields(error, "last_error"))
    return out


def started_printing(job: Job) -> str | None:
    """When ``job``'s card was last sent to a printer (UTC text), or None."""
    return next((h.at for h in reversed(job.history) if h.to_state == State.PRINTING.value),
                None)


def new_job(
    nik: str,
    *,
    operator: str,
    reason: Reason = Reason.NEW,
    urgent: bool = False,
    note: str = "",
    at: datetime | None = None,
    name: str | None = None,
    phone: str | None = None,
    waiting: bool = False,
) -> Job:
    """``waiting``: print on arrival, the job starts in ``waiting_citizen``."""
    stamp = to_text(at or now_utc())
    state = State.WAITING_CITIZEN if waiting else State.QUEUED
    return Job(
        id=str(uuid.uuid4()),
        nik=nik,
        reason=reason,
        priority=Priority.URGENT if urgent else Priority.NORMAL,
        state=state,
        attempt=1,
        created_at=stamp,
        updated_at=stamp,
        operator=operator,
        note=note,
        history=(HistoryEntry(stamp, None, state.value, operator, note),),
        name=name,
        phone=phone,
    )


def can_transition(frm: State, to: State) -> bool:
    return (frm, to) in TRANSITIONS


def transition(
    job: Job,
    to: State,
    *,
    operator: str,
    note: str | Said = "",
    at: datetime | None = None,
    lapsed: bool = False,
    **fields: Any,
) -> Job:
    """Move ``job`` to ``to`` by the table, recording history (``lapsed``:
    marks the entry of an authorisation that expired unused).

    A change that starts a new attempt bumps ``attempt`` and drops the old
    attempt's authorisation fields. Extra ``fields`` are set on the new job.
    """
    try:
        new_attempt = TRANSITIONS[(job.state, to)]
    except KeyError:
        raise IllegalTransition(job, to) from None
    stamp = to_text(at or now_utc())
    changes: dict[str, Any] = {"state": to, "updated_at": stamp}
    if new_attempt:
        changes.update(
            attempt=job.attempt + 1,
            authorization_id=None,
            expires_at=None,
            document=None,
            document_sha256=None,
            content_type=None,
        )
    if to is State.QUEUED:
        changes.update(next_retry_at=None)
    changes.update(error_fields(fields))
    entry = HistoryEntry(stamp, job.state.value, to.value, operator, lapsed=lapsed,
                         **said_fields(note, "note"))
    return dataclasses.replace(job, history=(*job.history, entry), **changes)


def queue_key(job: Job) -> tuple[int, str, str]:
    """Queue order: urgent before normal, then oldest first (id breaks ties)."""
    return (0 if job.priority is Priority.URGENT else 1, job.created_at, job.id)


def queue_order(jobs: list[Job]) -> list[Job]:
    return sorted(jobs, key=queue_key)
