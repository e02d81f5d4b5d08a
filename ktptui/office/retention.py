"""Data retention: finished jobs keep personal data for ``[store] retain_personal_days``.

A job that finished (done, rejected or cancelled) more than that many days ago
keeps only what the reports need: its id, state, reason, priority, attempts,
times, error code, operators and the states of its history. Removed: the NIK
is masked to its province and regency digits (``3515************``), the
holder name, the job's note and the notes of its history, the last error text
(central's message may quote the citizen) and any card document reference.

``purge`` does this in the hot set (one transaction) and in the jobs archive
(``Store.rewrite_archived_jobs``: only what is due is read, each segment is
rebuilt outside the store lock and swapped in under it), and compacts the store (twice when hot jobs
changed) so no journal and no previous snapshot still holds old copies. The
events and the blank ledger (the audit trail) are never changed: they name
jobs by id and hold no NIK or name, but an operator's note is kept there as
typed, so notes must not contain personal data.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import model
from ..i18n import say
from ..model import FINAL_STATES, Job, from_text, to_text
from ..store import EventKind, Store

EVENT_KIND = EventKind.RETENTION


def mask_nik(nik: str) -> str:
    """Province + regency digits, the rest masked: ``3515************``."""
    return nik[:4] + "*" * max(0, len(nik) - 4)


def redact(job: Job) -> Job:
    """``job`` with its personal fields reduced (idempotent)."""
    return dataclasses.replace(
        job,
        nik=mask_nik(job.nik),
        holder_name=None,
        name=None,
        phone=None,
        collected_to=None,
        note="",
        last_error="",
        last_error_key=None,
        last_error_values=None,
        document=None,
        document_sha256=None,
        history=tuple(dataclasses.replace(h, note="") for h in job.history),
    )


def due(job: Job, cutoff: datetime) -> bool:
    """Finished before ``cutoff`` and not yet reduced."""
    return (job.state in FINAL_STATES and from_text(job.updated_at) < cutoff
            and redact(job) != job)


def purge(store: Store, now: datetime | None = None, days: int = 90, *,
          operator: str = "retention") -> int:
    """Reduce finished jobs older than ``days`` days; returns how many changed.

    Records one ``retention`` event when anything changed.
    """
    if days < 0:
        raise ValueError(f"retain_personal_days must be 0 or more, got {days}")
    now = (now or model.now_utc()).astimezone(UTC)
    cutoff = now - timedelta(days=days)
    changed: set[str] = set()
    with store.transaction() as tx:
        for job in store.jobs(FINAL_STATES):
            if due(job, cutoff):
                tx.put_job(redact(job))
                changed.add(job.id)
    if changed:
        store.compact()  # the reduced hot jobs move to the archive

    def archived(doc: dict[str, Any]) -> dict[str, Any] | None:
        job = Job.from_dict(doc)
        if not due(job, cutoff):
            return None
        changed.add(job.id)
        return {**doc, **redact(job).to_dict()}

    # Only jobs finished before the cutoff, and not offered at an earlier
    # one, are read: with nothing due, the archive is not read at all.
    store.rewrite_archived_jobs(archived, older_than=to_text(cutoff))
    if changed:
        with store.transaction() as tx:
            tx.add_event(EVENT_KIND, operator,
                         say("event.purged", n=len(changed), days=days))
        # The last good copy (snapshot.prev.json and the journal after it) may
        # still hold old copies: one more compaction replaces it with this one.
        store.compact()
        store.history.scrub()  # the archive index's copies of names and phones
    return len(changed)
