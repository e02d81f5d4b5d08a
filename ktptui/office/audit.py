"""The audit trail: the store's events, oldest first, hot and archived.

Every operator action and state change is an event: time (UTC), kind,
operator (``name`` or ``name@ssh-address``), the job when there is one, and a
detail with the reason or note. Every job state change goes through
``Transaction.put_job``, which records a ``job`` event ``from -> to: note``
with the operator, so the trail holds everything the jobs' own histories hold
(the log therefore lists events only and does not merge job histories).

The trail cannot be changed through ktptui: the store has no call that
changes or removes an event, events are appended to the journal and to the
archive and never rewritten (data retention rewrites only the jobs archive),
and nothing here writes.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from .. import fmt
from ..errors import Kind, KtpError
from ..i18n import t_opt
from ..model import from_text, to_text
from ..store import Event, StoreView

COLUMNS = ("at", "kind", "operator", "address", "job_id", "detail", "id")


class AuditError(KtpError, ValueError):
    """A log request that cannot be understood (CLI usage error)."""

    error_kind = Kind.BAD_INPUT


def parse_since(text: str, tz: tzinfo | None = None) -> str:
    """``YYYY-MM-DD`` (local midnight) or an ISO time (local when it has no
    offset) -> the UTC text the store compares with."""
    text = text.strip()
    try:
        if len(text) == 10:
            t = datetime.combine(date.fromisoformat(text), time(0))
        else:
            t = datetime.fromisoformat(text)
    except ValueError:
        raise AuditError.said("refused.since", text=repr(text)) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=tz) if tz is not None else t.astimezone()
    return to_text(t.astimezone(UTC))


def split_operator(label: str) -> tuple[str, str]:
    """``budi@10.0.0.5`` -> (``budi``, ``10.0.0.5``); no address -> (label, "")."""
    name, sep, addr = label.partition("@")
    return (name, addr) if sep else (label, "")


def trail(store: StoreView, *, since: str | None = None, job_id: str | None = None) -> list[Event]:
    """Events oldest first (archive included); ``since`` is a UTC text."""
    store.refresh()
    return store.events(since=since, job_id=job_id)


def row(e: Event) -> dict[str, Any]:
    name, addr = split_operator(e.operator)
    return {"at": e.at, "kind": e.kind, "operator": e.operator, "address": addr,
            "job_id": e.job_id, "detail": e.detail, "id": e.id}


def to_json(events: list[Event]) -> str:
    return json.dumps([row(e) for e in events], ensure_ascii=False, indent=1)


def to_csv(events: list[Event]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in events:
        r = row(e)
        w.writerow(["" if r[c] is None else r[c] for c in COLUMNS])
    return buf.getvalue()


def to_text_lines(events: list[Event], tz: tzinfo | None = None) -> list[str]:
    """``local time  kind  operator  job  detail`` per event (the time the
    operator's way, ``fmt.stamp``; ``to_json`` / ``to_csv`` keep RFC 3339)."""
    out = []
    for e in events:
        when = fmt.stamp(from_text(e.at), tz, seconds=True)
        job = e.job_id[:8] if e.job_id else "-"
        kind = t_opt(f"event.kind.{e.kind}", e.kind)
        out.append(f"{when}  {kind:9} {e.operator:20} {job:8}  {e.shown()}".rstrip())
    return out
