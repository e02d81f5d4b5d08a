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

from . import model, nik, phone, roles
from .errors import Kind, KtpError
from .i18n import CATALOGUE, Said, say, t, words
from .model import (
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
from .store import EventKind, MetaKey, OutboxItem, Store, StoreView, Transaction, ledger


class ActionRefused(KtpError):
    """The action cannot be done; the message says why (CLI exit code 1)."""

    error_kind = Kind.REFUSED


def _job(tx: Transaction, ref: str) -> Job:
    job = tx.store.find_job(ref)
    # An archived job is finished and not in the hot set: the state machine refuses it.
    return tx.job(job.id) or job


def _move(tx: Transaction, job: Job, to: State, operator: str, note: str | Said = "",
          lapsed: bool = False, **f: Any) -> Job:
    try:
        moved = transition(job, to, operator=operator, note=note, lapsed=lapsed, **f)
    except IllegalTransition as e:
        allowed = sorted(t.value for (f, t) in model.TRANSITIONS if f is job.state)
        frm, state = say(f"event.state.{job.state.value}"), say(f"event.state.{to.value}")
        if not allowed:
            raise ActionRefused.said("refused.transition_final", job=job.short_id, frm=frm,
                                     to=state) from e
        raise ActionRefused.said("refused.transition", job=job.short_id, frm=frm, to=state,
                                 allowed=words(*(say(f"event.state.{a}") for a in allowed))
                                 ) from e
    tx.put_job(moved)
    return moved


def add(store: Store, nik_text: str, *, operator: str, reason: Reason = Reason.NEW,
        urgent: bool = False, note: str = "", name: str | None = None,
        phone_text: str | None = None, wait_for_citizen: bool = False) -> Job:
    """Queue a citizen's card request (link or no link). A malformed NIK
    raises ``nik.InvalidNik`` (bad input), the same words every front shows;
    a bad name or phone ``phone.InvalidContact``. ``wait_for_citizen``
    (``[office] print_when = "citizen_present"``): the job waits in
    ``waiting_citizen`` until ``arrive``, unless it is urgent."""
    nik_text = nik_text.strip()
    nik.validate(nik_text)
    name = phone.check_name(name) if name is not None else None
    number = phone.normalize(phone_text) if phone_text else None
    with store.transaction() as tx:
        existing = store.active_job_for_nik(nik_text)
        if existing is not None:
            raise ActionRefused.said("refused.active_job", nik=nik.mask(nik_text),
                                     job=existing.short_id,
                                     state=say(f"event.state.{existing.state.value}"))
        job = new_job(nik_text, operator=operator, reason=reason, urgent=urgent, note=note,
                      at=_after_last_request(store), name=name, phone=number,
                      waiting=wait_for_citizen and not urgent)
        tx.put_job(job)
        tx.set_meta(LAST_REQUEST_AT, job.created_at)
    return job


#: Meta key: ``created_at`` of the newest request, so two requests taken in
#: the same millisecond still print first come, first served.
LAST_REQUEST_AT = MetaKey.LAST_REQUEST_AT


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
            raise ActionRefused.said("refused.hurry_final", job=job.short_id,
                                     state=say(f"event.state.{job.state.value}"))
        if (job.priority is Priority.URGENT) == urgent:
            raise ActionRefused.said("why.already_urgent" if urgent else "why.not_urgent",
                                     job=job.short_id)
        priority = Priority.URGENT if urgent else Priority.NORMAL
        if urgent and job.state is State.WAITING_CITIZEN:
            # The citizen is at the desk: an urgent job does not wait (issue 13).
            return _move(tx, job, State.QUEUED, operator, note or "made urgent",
                         priority=priority)
        moved = job.changed(priority=priority)
        tx.put_job(moved)
        detail = "event.urgent" if urgent else "event.not_urgent"
        tx.add_event(EventKind.JOB, operator,
                     say(detail + "_note", note=note) if note else say(detail), job_id=job.id)
        return moved


def settle_card(tx: Transaction, job: Job, outcome: Outcome, *, operator: str,
                note: str | Said = "") -> Job:
    """Record what became of an authorised card: the job's state, one blank
    out of the ledger (printed or spoiled) and the report for central."""
    return _settle(tx, job, outcome, operator=operator, note=note)


def _settle(tx: Transaction, job: Job, outcome: Outcome, *, operator: str,
            note: str | Said = "",
            lapsed: bool = False) -> Job:
    if job.state not in (State.PRINTING, State.INTERRUPTED, State.AUTHORIZED):
        raise ActionRefused.said("refused.not_in_progress", job=job.short_id,
                                 state=say(f"event.state.{job.state.value}"))
    if job.authorization_id is None:
        raise ActionRefused.said("refused.no_authorisation", job=job.short_id)
    item = OutboxItem(job.id, job.attempt, job.authorization_id, outcome.value, operator,
                      str(note),
                      document=job.document)
    try:
        if outcome is Outcome.PRINTED:
            tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator=operator,
                                            job_id=job.id, note=note))
        elif outcome is Outcome.SPOILED:
            tx.add_ledger(ledger.make_entry(ledger.Kind.SPOILED, -1, operator=operator,
                                            job_id=job.id, note=note or say("note.spoiled")))
    except ledger.LedgerError as e:
        raise _refused(e) from None
    to = State.PRINTED if outcome is Outcome.PRINTED else State.QUEUED
    printed: dict[str, Any] = {}
    if outcome is Outcome.PRINTED:
        printed["printed_at"] = model.to_text(model.now_utc())
    moved = _move(tx, job, to, operator, note or say(f"note.outcome.{outcome.value}"),
                  lapsed=lapsed, **printed)
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
            raise ActionRefused.said("refused.still_queued", job=job.short_id, why=why)
    with store.transaction() as tx:
        job = _job(tx, ref)
        if job.state is not State.INTERRUPTED:
            raise ActionRefused.said("refused.not_interrupted", job=job.short_id,
                                     state=say(f"event.state.{job.state.value}"))
        return settle_card(tx, job, outcome, operator=operator,
                           note=note or say("note.checked",
                                            outcome=say(f"note.outcome.{outcome.value}")))


def _ledger_entry(store: Store, kind: ledger.Kind, delta: int, *, operator: str,
                  note: str | Said, job_id: str | None = None, ref: str = "") -> ledger.Entry:
    try:
        entry = ledger.make_entry(kind, delta, operator=operator, note=note, job_id=job_id,
                                  ref=ref)
        with store.transaction() as tx:
            tx.add_ledger(entry)
            what = say(f"event.blanks.{kind.value}")
            told = note if not ref else (f"{note} (ref {ref})" if str(note) else f"ref {ref}")
            tx.add_event(EventKind.BLANKS, operator,
                         say("event.blanks_note", what=what, delta=f"{delta:+d}", note=told)
                         if told else say("event.blanks", what=what, delta=f"{delta:+d}"))
    except ledger.LedgerError as e:
        raise _refused(e) from None
    return entry


def _refused(e: KtpError) -> ActionRefused:
    """A core refusal passed on with its catalogue words (when it has them)."""
    refused = ActionRefused(str(e))
    if e.key is not None:
        refused.say(e.key, **(e.values or {}))
    return refused


def receive_blanks(store: Store, count: int, *, operator: str, note: str | Said = "",
                   ref: str = "") -> ledger.Entry:
    """A shipment; ``ref`` is its delivery letter number (the requisition
    report lists receipts without one)."""
    return _ledger_entry(store, ledger.Kind.RECEIVED, count, operator=operator, note=note,
                         ref=" ".join(ref.split()))


def spoil_blank(store: Store, *, operator: str, note: str = "",
                job_id: str | None = None) -> ledger.Entry:
    return _ledger_entry(store, ledger.Kind.SPOILED, -1, operator=operator, note=note,
                         job_id=job_id)


def adjust_blanks(store: Store, delta: int, *, operator: str, reason: str, who: roles.Who,
                  supervisor_group: str = roles.DEFAULT_SUPERVISOR_GROUP) -> ledger.Entry:
    """Supervisor only (``who``: the Unix account acting, not the label)."""
    roles.require_supervisor(who, t("role.adjust"), supervisor_group=supervisor_group)
    return _ledger_entry(store, ledger.Kind.ADJUSTED, delta, operator=operator, note=reason)


def find_entry(store: Store, ref: str) -> ledger.Entry:
    """A ledger entry by id or a unique prefix of it (at least 4 characters)."""
    ref = ref.strip().lower()
    hits = [e for e in store.ledger_entries() if len(ref) >= 4 and e.id.startswith(ref)]
    if not hits:
        raise ActionRefused(t("approve.unknown", ref=ref[:40]))
    if len(hits) > 1:
        raise ActionRefused(t("approve.ambiguous", n=len(hits), ref=ref))
    return hits[0]


def approve_count(store: Store, ref: str, *, operator: str, who: roles.Who,
                  supervisor_group: str = roles.DEFAULT_SUPERVISOR_GROUP) -> ledger.Entry:
    """A supervisor approves a count difference: an approval entry (0
    blanks) naming it, in the chained ledger. Returns the approved entry."""
    roles.require_supervisor(who, t("role.approve"), supervisor_group=supervisor_group)
    prefix = ref.strip().lower()
    with store.transaction() as tx:
        # Count differences and approvals only, through the archive's index:
        # not years of printed entries while holding the writer lock.
        hits = [e for e in store.ledger_of_kind(ledger.Kind.COUNTED)
                if len(prefix) >= 4 and e.id.startswith(prefix)]
        if not hits:
            other = find_entry(store, prefix)  # unknown (or ambiguous): said there
            raise ActionRefused(t("approve.not_count", ref=other.short_id))
        if len(hits) > 1:
            raise ActionRefused(t("approve.ambiguous", n=len(hits), ref=prefix))
        target = hits[0]
        done = [e for e in store.ledger_of_kind(ledger.Kind.APPROVED) if e.ref == target.id]
        if done:
            raise ActionRefused(t("approve.already", ref=target.short_id, by=done[0].operator))
        by = f"{operator} ({who.user})"
        tx.add_ledger(ledger.make_entry(ledger.Kind.APPROVED, 0, operator=by,
                                        note=target.note, ref=target.id))
        tx.add_event(EventKind.BLANKS, by, say("event.approved", entry=target.short_id,
                                               delta=f"{target.delta:+d}"))
    return target


PAUSED_KEY = MetaKey.PRINTING_PAUSED


def set_paused(store: Store, paused: bool, *, operator: str, note: str = "") -> None:
    """A deliberate operator hold on the whole queue (logged)."""
    with store.transaction() as tx:
        tx.set_meta(PAUSED_KEY, {"by": operator, "note": note} if paused else None)
        what = "event.paused" if paused else "event.resumed"
        tx.add_event(EventKind.PRINTING, operator,
                     say(what + "_note", note=note) if note else say(what))


def pause(store: Store, *, operator: str, note: str = "") -> None:
    """``ktptui pause``: refused when already paused, so nobody's pause is
    silently taken over."""
    paused = store.meta(PAUSED_KEY)
    if paused:
        raise ActionRefused.said("refused.paused_by", by=paused.get("by", "?"))
    set_paused(store, True, operator=operator, note=note)


def unpause(store: Store, *, operator: str, note: str = "") -> None:
    if not store.meta(PAUSED_KEY):
        raise ActionRefused.said("why.not_paused")
    set_paused(store, False, operator=operator, note=note)


PRINTERS_PAUSED_KEY = MetaKey.PRINTERS_PAUSED


def paused_printers(store: StoreView) -> dict[str, dict[str, str]]:
    """Printers paused one by one: name -> {"by", "note"}."""
    value = store.meta(PRINTERS_PAUSED_KEY)
    return {str(k): v for k, v in value.items() if isinstance(v, dict)} \
        if isinstance(value, dict) else {}


def pause_printer(store: Store, name: str, *, operator: str, note: str = "") -> str:
    """``ktptui pause --printer NAME``: that printer starts no new card (its
    card in progress finishes); the others go on. The caller checks that the
    station has a printer of that name."""
    with store.transaction() as tx:
        paused = paused_printers(store)
        if name in paused:
            raise ActionRefused.said("refused.printer_paused", name=name,
                                     by=str(paused[name].get("by", "?")))
        paused[name] = {"by": operator, "note": note}
        tx.set_meta(PRINTERS_PAUSED_KEY, paused)
        tx.add_event(EventKind.PRINTING, operator,
                     say("event.printer_paused_note", name=name, note=note) if note
                     else say("event.printer_paused", name=name))
    return name


def resume_printer(store: Store, name: str, *, operator: str, note: str = "") -> str:
    with store.transaction() as tx:
        paused = paused_printers(store)
        if name not in paused:
            raise ActionRefused.said("refused.printer_not_paused", name=name)
        del paused[name]
        tx.set_meta(PRINTERS_PAUSED_KEY, paused or None)
        tx.add_event(EventKind.PRINTING, operator,
                     say("event.printer_resumed_note", name=name, note=note) if note
                     else say("event.printer_resumed", name=name))
    return name


# -- the engine's steps: the print loop moves jobs only through these -------------------------
# Each is one step of the state table inside the caller's transaction (its
# history entry, and so its "job" event, come with ``tx.put_job``).

#: History note of an authorisation given back because it lapsed unused
#: (records before ``HistoryEntry.lapsed`` are known by this note alone).
LAPSED_NOTE = "authorisation expired before printing"


def authorised(tx: Transaction, job: Job, *, operator: str, authorization_id: str,
               holder_name: str | None = None, expires_at: str | None = None,
               document: str | None = None, document_sha256: str | None = None,
               content_type: str | None = None) -> Job:
    """Central authorised the card: its document is stored, ready to print."""
    return _move(tx, job, State.AUTHORIZED, operator, say("note.authorised"),
                 authorization_id=authorization_id, holder_name=holder_name,
                 expires_at=expires_at, document=document, document_sha256=document_sha256,
                 content_type=content_type, last_error="", next_retry_at=None)


def rejected(tx: Transaction, job: Job, *, operator: str, code: str, status: int | str,
             why: str | Said) -> Job:
    """Central's final answer about this request (e.g. ``not_recorded``)."""
    known = f"note.code.{code}" in CATALOGUE
    return _move(tx, job, State.REJECTED, operator,
                 say("note.rejected", code=say(f"note.code.{code}") if known else code or status),
                 error_code=code, last_error=why)


def ask_later(tx: Transaction, job: Job, *, why: str | Said, at: str) -> Job:
    """Central's reply for this job was unusable: it waits its own backoff."""
    waiting = job.changed(last_error=why, next_retry_at=at)
    tx.put_job(waiting)
    return waiting


#: Meta key: authorisations asked for and not answered yet, {job id: attempt}.
AUTHORISING_KEY = MetaKey.AUTHORISING


def asking(tx: Transaction, job: Job) -> None:
    """Recorded before an authorisation is asked for: if its answer is lost
    (the reply, or the station with it) central may still hold one, and if
    the job will not ask again (cancelled meanwhile) the engine asks under
    the same key to learn it and gives it back."""
    asked = tx.store.meta(AUTHORISING_KEY) or {}
    tx.set_meta(AUTHORISING_KEY, {**asked, job.id: job.attempt})


def answered(tx: Transaction, job_id: str) -> None:
    """Central's answer for the job's authorisation is recorded (in ``tx``)."""
    asked = dict(tx.store.meta(AUTHORISING_KEY) or {})
    if asked.pop(job_id, None) is not None:
        tx.set_meta(AUTHORISING_KEY, asked)


def unanswered(store: Store) -> dict[str, int]:
    """Authorisations asked for and not answered: {job id: attempt}."""
    asked = store.meta(AUTHORISING_KEY) or {}
    return {str(k): v for k, v in asked.items() if isinstance(v, int)} \
        if isinstance(asked, dict) else {}


def given_back(tx: Transaction, job: Job) -> Job:
    """The authorisation that came for a job held meanwhile went back unused:
    its next request is a new attempt, since asking again under the same
    attempt (the same key) would get the given-back authorisation again."""
    moved = job.changed(attempt=job.attempt + 1)
    tx.put_job(moved)
    return moved


def sent_to_printer(tx: Transaction, job: Job, *, operator: str, printer: str) -> Job:
    """The card goes to ``printer``: from here on only its outcome settles it."""
    return _move(tx, job, State.PRINTING, operator, say("note.sent", printer=printer),
                 printer=printer)


def interrupted(tx: Transaction, job: Job, *, operator: str, note: str | Said,
                last_error: str | Said | None = None) -> Job:
    """The card's outcome is unknown: an operator checks the printer and resolves it."""
    fields: dict[str, Any] = {} if last_error is None else {"last_error": last_error}
    count = tx.store.meta(MetaKey.CARDS_INTERRUPTED, 0)  # for monitoring: a counter
    tx.set_meta(MetaKey.CARDS_INTERRUPTED, (count if isinstance(count, int) else 0) + 1)
    return _move(tx, job, State.INTERRUPTED, operator, note, **fields)


def reported(tx: Transaction, job: Job, *, operator: str) -> Job:
    """Central has the printed card's outcome: the job is done."""
    return _move(tx, job, State.DONE, operator, say("note.reported"))


def lapsed(tx: Transaction, job: Job, *, operator: str) -> Job:
    """The authorisation expired unused: given back (not printed), the job asks
    again; its history entry is marked so ``lapses`` can count it."""
    return _settle(tx, job, Outcome.NOT_PRINTED, operator=operator, note=say("note.lapsed"),
                   lapsed=True)


def hold_lapsing(store: Store, ref: str, *, operator: str, note: str | Said) -> Job:
    """Hold a job whose authorisations keep lapsing (asking again would only
    loop); the reason shows where lists show a job's last error."""
    with store.transaction() as tx:
        job = _job(tx, ref)
        _give_back(tx, job, operator, str(note))
        held = _move(tx, job, State.HELD, operator, note, last_error=note)
        tx.add_event(EventKind.JOB, operator,
                     say("event.held_lapsing", job=job.short_id, note=note))
        return held


def lapses(job: Job) -> int:
    """How many authorisations of ``job`` lapsed unused in a row, most
    recent first, until anything else happened to it (printing, a hold)."""
    count = 0
    for entry in reversed(job.history):
        if entry.to_state == State.QUEUED.value and entry.from_state == State.AUTHORIZED.value:
            # Older records carry the note alone: the one place that reads it.
            if not (entry.lapsed or entry.note == LAPSED_NOTE):
                break
            count += 1
        elif not (entry.to_state == State.AUTHORIZED.value
                  and entry.from_state == State.QUEUED.value):
            break
    return count


# -- the card's life after printing (issue 13) ----------------------------------------------

def arrive(store: Store, ref: str, *, operator: str, note: str = "") -> Job:
    """The citizen came back with the receipt: a job waiting for them
    (``[office] print_when = "citizen_present"``) joins the print queue."""
    with store.transaction() as tx:
        job = _job(tx, ref)
        if job.state is not State.WAITING_CITIZEN:
            raise ActionRefused(t("arrive.not_waiting", job=job.short_id,
                                  state=t(f"state.{job.state.value}")))
        return _move(tx, job, State.QUEUED, operator, note or "citizen arrived")


def handover(store: Store, ref: str, *, operator: str, to: str | None = None,
             note: str = "") -> Job:
    """Hand a printed card over in person: who collected it (``to``, else
    the citizen's name), when and which operator, on the job and in the
    hand-over register (a ``handover`` event). Refused for a card not
    printed or handed over already. A job archived meanwhile is changed in
    the archive (its record rewritten in place), then the event is added."""
    to_name = phone.check_name(to) if to is not None else None
    stamp = model.to_text(model.now_utc())

    def check(job: Job) -> None:
        if job.collected_at is not None:
            raise ActionRefused(t("handover.twice", job=job.short_id, at=job.collected_at,
                                  by=job.collected_by or "?"))
        if not job.awaiting_pickup:
            raise ActionRefused(t("handover.not_printed", job=job.short_id,
                                  state=t(f"state.{job.state.value}")))

    def collected(job: Job) -> Job:
        return job.changed(collected_at=stamp, collected_by=operator,
                           collected_to=to_name or job.name, updated_at=stamp)

    detail = say("event.handed_over_note", note=note) if note else say("event.handed_over")
    with store.transaction() as tx:
        job = _job(tx, ref)
        check(job)
        if tx.job(job.id) is not None:
            moved = collected(job)
            tx.put_job(moved)
            # The register's line carries no name: events are read more widely than jobs.
            tx.add_event(EventKind.HANDOVER, operator, detail, job_id=job.id)
            return moved

    def change(doc: dict[str, Any]) -> dict[str, Any] | None:
        check(Job.from_dict(doc))  # again under the lock: two desks, one card
        return collected(Job.from_dict(doc)).to_dict()

    amended = store.amend_archived_job(job.id, change)
    if amended is None:  # it left the archive meanwhile (not possible today)
        raise ActionRefused(t("handover.archived", job=job.short_id))
    with store.transaction() as tx:
        tx.add_event(EventKind.HANDOVER, operator, detail, job_id=job.id)
    return amended
