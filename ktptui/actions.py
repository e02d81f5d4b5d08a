"""What operators (and the engine) do to jobs and blanks, one function each.

Every front end calls these, so the CLI, the TUI and ``--resume`` can never
disagree about what "hold" or "resolve printed" means. Each function is one
store transaction: the job's state change, its ledger entry and its outbox
entry commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from . import model, nik
from .i18n import t
from .model import (
    HOLDS_AUTHORIZATION,
    IllegalTransition,
    Job,
    Outcome,
    Priority,
    Reason,
    State,
    from_text,
    new_job,
    transition,
)
from .store import OutboxItem, Store, Transaction, ledger


class ActionRefused(Exception):
    """The action cannot be done; the message says why (CLI exit code 1)."""


def _job(tx: Transaction, ref: str) -> Job:
    job = tx.store.find_job(ref)
    # An archived job is finished and not in the hot set: the state machine refuses it.
    return tx.job(job.id) or job


def _move(tx: Transaction, job: Job, to: State, operator: str, note: str = "", **f: Any) -> Job:
    try:
        moved = transition(job, to, operator=operator, note=note, **f)
    except IllegalTransition as e:
        raise ActionRefused(str(e)) from None
    tx.put_job(moved)
    return moved


def add(store: Store, nik_text: str, *, operator: str, reason: Reason = Reason.NEW,
        urgent: bool = False, note: str = "") -> Job:
    """Queue a citizen's card request (link or no link)."""
    nik_text = nik_text.strip()
    try:
        nik.validate(nik_text)
    except nik.InvalidNik as e:
        raise ActionRefused(str(e)) from None
    with store.transaction() as tx:
        existing = store.active_job_for_nik(nik_text)
        if existing is not None:
            raise ActionRefused(
                f"NIK {nik.mask(nik_text)} already has an active job {existing.short_id} "
                f"({existing.state.value}); see `ktptui show {existing.short_id}`"
            )
        job = new_job(nik_text, operator=operator, reason=reason, urgent=urgent, note=note,
                      at=_after_last_request(store))
        tx.put_job(job)
        tx.set_meta(LAST_REQUEST_AT, job.created_at)
    return job


#: Meta key: ``created_at`` of the newest request, so two requests taken in
#: the same millisecond still print first come, first served.
LAST_REQUEST_AT = "last_request_at"


def _after_last_request(store: Store) -> datetime:
    now = model.now_utc()
    last = store.meta(LAST_REQUEST_AT)
    if last is None:
        return now
    after = from_text(last) + timedelta(milliseconds=1)
    # Only a same-instant tie is broken; a clock set back by hours is the
    # clock's problem, not a reason to stamp every later request in the future.
    return after if now < after <= now + timedelta(seconds=1) else now


def _give_back(tx: Transaction, job: Job, operator: str, note: str) -> None:
    """Queue a not_printed report for an authorisation that will not be used."""
    if job.state is State.AUTHORIZED and job.authorization_id:
        tx.put_outbox(OutboxItem(job.id, job.attempt, job.authorization_id,
                                 Outcome.NOT_PRINTED.value, operator, note,
                                 document=job.document))


def hold(store: Store, ref: str, *, operator: str, note: str = "") -> Job:
    with store.transaction() as tx:
        job = _job(tx, ref)
        _give_back(tx, job, operator, note or "held by operator")
        return _move(tx, job, State.HELD, operator, note)


def release(store: Store, ref: str, *, operator: str, note: str = "") -> Job:
    with store.transaction() as tx:
        return _move(tx, _job(tx, ref), State.QUEUED, operator, note)


def cancel(store: Store, ref: str, *, operator: str, note: str = "") -> Job:
    with store.transaction() as tx:
        job = _job(tx, ref)
        _give_back(tx, job, operator, note or "cancelled by operator")
        return _move(tx, job, State.CANCELLED, operator, note)


def make_urgent(store: Store, ref: str, *, operator: str, note: str = "",
                urgent: bool = True) -> Job:
    """Print the job before normal ones; ``urgent=False`` undoes it. The
    event records the operator's note."""
    with store.transaction() as tx:
        job = _job(tx, ref)
        if job.is_final:
            raise ActionRefused(f"job {job.short_id} is {job.state.value}; nothing to hurry")
        if (job.priority is Priority.URGENT) == urgent:
            raise ActionRefused(t("why.already_urgent" if urgent else "why.not_urgent",
                                  job=job.short_id))
        moved = job.changed(priority=Priority.URGENT if urgent else Priority.NORMAL)
        tx.put_job(moved)
        detail = "made urgent" if urgent else "urgent undone"
        tx.add_event("job", operator, f"{detail}: {note}" if note else detail, job_id=job.id)
        return moved


def settle_card(tx: Transaction, job: Job, outcome: Outcome, *, operator: str,
                note: str = "") -> Job:
    """Record what became of an authorised card: the job's state, one blank
    out of the ledger (printed or spoiled) and the report for central."""
    if job.state not in (State.PRINTING, State.INTERRUPTED, State.AUTHORIZED):
        raise ActionRefused(f"job {job.short_id} is {job.state.value}, not a card in progress")
    if job.authorization_id is None:
        raise ActionRefused(f"job {job.short_id} has no authorisation to report")
    item = OutboxItem(job.id, job.attempt, job.authorization_id, outcome.value, operator, note,
                      document=job.document)
    try:
        if outcome is Outcome.PRINTED:
            tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=operator,
                                            job_id=job.id, note=note))
        elif outcome is Outcome.SPOILED:
            tx.add_ledger(ledger.make_entry(ledger.Kind.SPOILED, -1, operator=operator,
                                            job_id=job.id, note=note or "spoiled print"))
    except ledger.LedgerError as e:
        raise ActionRefused(str(e)) from None
    to = State.PRINTED if outcome is Outcome.PRINTED else State.QUEUED
    moved = _move(tx, job, to, operator, note or outcome.value)
    tx.put_outbox(item)
    return moved


RESOLUTIONS = {"printed": Outcome.PRINTED, "spoiled": Outcome.SPOILED,
               "not-printed": Outcome.NOT_PRINTED}


def resolve(store: Store, ref: str, outcome: Outcome, *, operator: str, note: str = "",
            still_queued: Callable[[str], str] | None = None) -> Job:
    """The operator says what happened to an interrupted card.

    ``still_queued`` (the printer backend's check, see
    ``printers.still_queued_check``) says why the card may yet print by
    itself: while it may, any answer could make a second card or lose one.
    """
    if still_queued is not None:
        job = store.find_job(ref)
        if job.state is State.INTERRUPTED and (why := still_queued(job.id)):
            raise ActionRefused(f"job {job.short_id} not resolved: {why}")
    with store.transaction() as tx:
        job = _job(tx, ref)
        if job.state is not State.INTERRUPTED:
            raise ActionRefused(
                f"job {job.short_id} is {job.state.value}; only interrupted jobs are resolved"
            )
        return settle_card(tx, job, outcome, operator=operator,
                           note=note or f"operator checked the printer: {outcome.value}")


def _ledger_entry(store: Store, kind: ledger.Kind, delta: int, *, operator: str,
                  note: str, job_id: str | None = None) -> ledger.Entry:
    try:
        entry = ledger.make_entry(kind, delta, operator=operator, note=note, job_id=job_id)
        with store.transaction() as tx:
            tx.add_ledger(entry)
            tx.add_event("blanks", operator, f"{kind.value} {delta:+d}: {note}".rstrip(": "))
    except ledger.LedgerError as e:
        raise ActionRefused(str(e)) from None
    return entry


def receive_blanks(store: Store, count: int, *, operator: str, note: str = "") -> ledger.Entry:
    return _ledger_entry(store, ledger.Kind.RECEIVED, count, operator=operator, note=note)


def spoil_blank(store: Store, *, operator: str, note: str = "",
                job_id: str | None = None) -> ledger.Entry:
    return _ledger_entry(store, ledger.Kind.SPOILED, -1, operator=operator, note=note,
                         job_id=job_id)


def adjust_blanks(store: Store, delta: int, *, operator: str, reason: str) -> ledger.Entry:
    return _ledger_entry(store, ledger.Kind.ADJUSTED, delta, operator=operator, note=reason)


PAUSED_KEY = "printing_paused"


def set_paused(store: Store, paused: bool, *, operator: str, note: str = "") -> None:
    """A deliberate operator hold on the whole queue (logged)."""
    with store.transaction() as tx:
        tx.set_meta(PAUSED_KEY, {"by": operator, "note": note} if paused else None)
        tx.add_event("printing", operator, ("paused" if paused else "resumed")
                     + (f": {note}" if note else ""))


def pause(store: Store, *, operator: str, note: str = "") -> None:
    """``ktptui pause``: refused when already paused, so nobody's pause is
    silently taken over."""
    paused = store.meta(PAUSED_KEY)
    if paused:
        raise ActionRefused(f"printing is already paused by {paused.get('by', '?')}; "
                            "`ktptui unpause` resumes it")
    set_paused(store, True, operator=operator, note=note)


def unpause(store: Store, *, operator: str, note: str = "") -> None:
    if not store.meta(PAUSED_KEY):
        raise ActionRefused("printing is not paused")
    set_paused(store, False, operator=operator, note=note)


def needs_document(job: Job) -> bool:
    return job.state in HOLDS_AUTHORIZATION
