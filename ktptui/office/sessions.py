"""Print sessions (shifts): a physical count of blanks at open and at close.

``open_session(store, count)`` and ``close_session(store, count)`` compare the
count with the ledger balance. A count that differs books nothing until the
same number is given again (``confirm``, a second count) with a reason; the
difference is then its own ledger entry (``Kind.COUNTED``, "selisih hitung")
in the same transaction, unapproved until a supervisor approves it
(``actions.approve_count``). So a typo (4670 for 467) cannot slip in as
thousands of phantom blanks. One session at a time.

Storage uses the store's own mechanisms: meta key ``print_session`` holds the
open session, ``print_session_last`` the last closed one's summary, and each
open and close is a ``session`` event in the audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from .. import fmt, model
from ..actions import ActionRefused
from ..errors import BadInput
from ..i18n import say, t
from ..model import from_text, to_text
from ..store import EventKind, MetaKey, Store, StoreView, Transaction, chain, ledger
from . import reports

OPEN_KEY = MetaKey.PRINT_SESSION
LAST_KEY = MetaKey.PRINT_SESSION_LAST
EVENT_KIND = EventKind.SESSION


@dataclass(frozen=True)
class Session:
    id: str
    opened_at: str
    opened_by: str
    open_count: int
    open_ledger: int

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def open_adjustment(self) -> int:
        return self.open_count - self.open_ledger

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "opened_at": self.opened_at, "opened_by": self.opened_by,
                "open_count": self.open_count, "open_ledger": self.open_ledger}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Session:
        return cls(d["id"], d["opened_at"], d["opened_by"], int(d["open_count"]),
                   int(d["open_ledger"]))


@dataclass(frozen=True)
class Summary:
    """A session's figures: at close, or so far (``closed_at`` None) while open."""

    session: Session
    until: datetime
    activity: reports.Activity
    closed_by: str | None = None
    close_count: int | None = None
    close_ledger: int | None = None
    #: Count differences (ids) in the span no supervisor has approved yet.
    unapproved: tuple[str, ...] = ()
    #: The ledger and audit chains' head when the summary was made (see
    #: ``store.chain``): printed, so a signed summary pins the log.
    head: str = ""

    @property
    def closed(self) -> bool:
        return self.closed_by is not None

    @property
    def close_adjustment(self) -> int:
        if self.close_count is None or self.close_ledger is None:
            return 0
        return self.close_count - self.close_ledger

    @property
    def duration(self) -> timedelta:
        return self.until - from_text(self.session.opened_at)

    @property
    def adjustments(self) -> tuple[ledger.Entry, ...]:
        """Every adjustment from open to close, the count differences included."""
        return self.activity.adjustments

    @property
    def operators(self) -> list[str]:
        names = set(self.activity.operators)
        names.add(reports.operator_name(self.session.opened_by))
        if self.closed_by:
            names.add(reports.operator_name(self.closed_by))
        return sorted(names)

    def to_dict(self) -> dict[str, Any]:
        a = self.activity
        return {
            **self.session.to_dict(),
            "open_adjustment": self.session.open_adjustment,
            "closed": self.closed,
            "closed_at": to_text(self.until) if self.closed else None,
            "as_of": to_text(self.until),
            "closed_by": self.closed_by,
            "close_count": self.close_count,
            "close_ledger": self.close_ledger,
            "close_adjustment": self.close_adjustment if self.closed else None,
            "duration_s": int(self.duration.total_seconds()),
            "printed": a.printed,
            "spoiled": a.spoiled,
            "sukets": a.sukets_issued,
            "rejected": a.rejected_total,
            "rejected_by_code": dict(a.rejected),
            "adjustments": [{"at": e.at, "delta": e.delta, "operator": e.operator,
                             "note": e.note, "id": e.id, "kind": e.kind.value}
                            for e in self.adjustments],
            "adjusted": sum(e.delta for e in self.adjustments),
            "operators": self.operators,
            "unapproved": list(self.unapproved),
            "chain_head": self.head,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Summary:
        """What ``summary_text`` needs of ``to_dict``'s object (a front
        attached to the service gets the summary as JSON)."""
        until = from_text(d["closed_at"] or d["as_of"])
        adjustments = tuple(
            ledger.Entry(str(a.get("id", "")), a["at"], ledger.Kind(a.get("kind", "counted")),
                         int(a["delta"]), a["operator"], note=a["note"])
            for a in d["adjustments"])
        act = reports.Activity(until, until, int(d["printed"]), int(d["spoiled"]),
                               dict(d["rejected_by_code"]), 0, int(d["sukets"]), 0,
                               adjustments, {name: reports.OperatorCounts()
                                             for name in d["operators"]})
        close_count, close_ledger = d["close_count"], d["close_ledger"]
        return cls(Session.from_dict(d), until, act, d["closed_by"],
                   None if close_count is None else int(close_count),
                   None if close_ledger is None else int(close_ledger),
                   tuple(d["unapproved"]), d["chain_head"])


def _now(now: datetime | None) -> datetime:
    return (now or model.now_utc()).astimezone(UTC)


def current(store: StoreView) -> Session | None:
    """The open session, if any."""
    store.refresh()
    doc = store.meta(OPEN_KEY)
    return Session.from_dict(doc) if doc else None


def last_closed(store: StoreView) -> dict[str, Any] | None:
    """The last closed session's summary (``Summary.to_dict``), if any."""
    store.refresh()
    doc = store.meta(LAST_KEY)
    return dict(doc) if doc else None


class BadCount(BadInput):
    """A count that is not a whole number >= 0."""


class CountDiffers(ActionRefused):
    """A count that differs from the balance, not (or wrongly) confirmed:
    nothing was booked. ``count``/``ledger`` let a dialog ask again."""

    def __init__(self, message: str, count: int, ledger_: int) -> None:
        super().__init__(message)
        self.count = count
        self.ledger = ledger_


def parse_count(text: str) -> int:
    """A count typed by an operator (CLI argument, TUI field): a whole number >= 0."""
    s = text.strip()
    if not s.isascii() or not s.isdigit():
        raise BadCount(t("count.bad", text=repr(text[:20])))
    return int(s)


def _check_count(count: int) -> None:
    if type(count) is not int or count < 0:
        raise BadCount(t("count.bad", text=repr(str(count)[:20])))


def _adjust(tx: Transaction, count: int, balance: int, what: str, operator: str,
            at: datetime, confirm: int | None, reason: str) -> ledger.Entry | None:
    """The count difference, booked only when confirmed and explained."""
    if count == balance:
        return None
    diff = fmt.number(count - balance, signed=True)
    if confirm is None:
        raise CountDiffers(t("count.differs", count=count, ledger=balance, diff=diff),
                           count, balance)
    if confirm != count:
        raise CountDiffers(t("count.confirm_differs", confirm=confirm, count=count),
                           count, balance)
    if not reason.strip():
        raise CountDiffers(t("count.needs_reason", diff=diff), count, balance)
    note = t("count.note", what=t(f"count.what.{what}"), count=count, ledger=balance,
             reason=reason.strip())
    entry = ledger.make_entry(ledger.Kind.COUNTED, count - balance, operator=operator,
                              note=note, at=at)
    tx.add_ledger(entry)
    return entry


def open_session(store: Store, count: int, *, operator: str, confirm: int | None = None,
                 reason: str = "", now: datetime | None = None) -> Session:
    """Start a session with a physical count of the blanks on hand; a count
    that differs from the balance needs ``confirm`` (the same count) and a
    ``reason``, or ``CountDiffers`` says so and nothing is booked."""
    _check_count(count)
    now = _now(now)
    with store.transaction() as tx:
        doc = store.meta(OPEN_KEY)
        if doc:
            s = Session.from_dict(doc)
            raise ActionRefused.said("refused.session.open", id=s.short_id, by=s.opened_by,
                                     at=s.opened_at)
        balance = store.ledger_totals().balance
        session = Session(str(uuid.uuid4()), to_text(now), operator, count, balance)
        _adjust(tx, count, balance, "open", operator, now, confirm, reason)
        tx.set_meta(OPEN_KEY, session.to_dict())
        tx.add_event(EVENT_KIND, operator, say(
            "event.session_opened_adj" if count != balance else "event.session_opened",
            id=session.short_id, count=count, balance=balance, diff=f"{count - balance:+d}"))
    return session


def summarize(store: StoreView, session: Session, until: datetime, *,
              records: reports.Records | None = None) -> reports.Activity:
    """The session's activity up to ``until``, from what the store holds for
    that span (``reports.Records.span``), as the caller last saw the store."""
    start = from_text(session.opened_at).astimezone(UTC)
    rec = records or reports.Records.span(store, start, until, outages=False)
    return reports.activity(rec, start, until)


def so_far(store: StoreView, *, now: datetime | None = None) -> Summary | None:
    """The open session's figures up to now (None: no session open)."""
    session = current(store)
    if session is None:
        return None
    until = _now(now)
    return _pinned(store, Summary(session, until, summarize(store, session, until)))


def _unapproved(store: StoreView, s: Summary) -> Summary:
    """``s`` with its count differences no supervisor has approved (the
    approvals read through the archive's index, not the span's entries)."""
    approvals = store.ledger_of_kind(ledger.Kind.APPROVED)
    return replace(s, unapproved=tuple(
        e.id for e in ledger.unapproved([*s.adjustments, *approvals])))


def _pinned(store: StoreView, s: Summary) -> Summary:
    """``s`` with its unapproved count differences and the chain head."""
    return replace(_unapproved(store, s), head=chain.head_text(store.chain_heads()))


def close_session(store: Store, count: int, *, operator: str, confirm: int | None = None,
                  reason: str = "", now: datetime | None = None) -> Summary:
    """End the open session with a physical count (confirmed as in
    ``open_session`` when it differs); returns its summary."""
    _check_count(count)
    now = _now(now)
    with store.transaction() as tx:
        doc = store.meta(OPEN_KEY)
        if not doc:
            raise ActionRefused.said("refused.session.none")
        session = Session.from_dict(doc)
        balance = store.ledger_totals().balance
        # What happened up to now (committed), then this close's own adjustment.
        act = summarize(store, session, now)
        entry = _adjust(tx, count, balance, "close", operator, now, confirm, reason)
        if entry is not None:
            act = reports.Activity(
                act.start, act.end, act.printed, act.spoiled, act.rejected,
                act.not_recorded_with_suket, act.sukets_issued, act.suket_reprints,
                (*act.adjustments, entry), act.operators)
        summary = _unapproved(store, Summary(session, now, act, operator, count, balance))
        tx.set_meta(OPEN_KEY, None)
        tx.set_meta(LAST_KEY, summary.to_dict())
        tx.add_event(EVENT_KIND, operator, say(
            "event.session_closed_adj" if count != balance else "event.session_closed",
            id=session.short_id, count=count, balance=balance, diff=f"{count - balance:+d}",
            printed=act.printed, spoiled=act.spoiled, sukets=act.sukets_issued,
            rejected=act.rejected_total))
    # The head after this close's own records: what its printed summary pins.
    return replace(summary, head=chain.head_text(store.chain_heads()))


def _count_line(key: str, count: int, ledger_: int) -> str:
    if count == ledger_:
        return t(key, count=fmt.number(count), ledger=fmt.number(ledger_))
    return t(f"{key}_adj", count=fmt.number(count), ledger=fmt.number(ledger_),
             diff=count - ledger_)


def summary_text(s: Summary, tz: tzinfo | None = None) -> str:
    """A session's summary in the operator's language: what ``ktptui session
    close|show`` prints and the TUI's session screen shows."""
    sess = s.session
    a = s.activity
    lines = [
        t("summary.head_closed" if s.closed else "summary.head_open", id=sess.short_id)
        + " (" + fmt.duration(s.duration.total_seconds()) + ")",
        t("summary.opened", at=fmt.stamp(from_text(sess.opened_at), tz), by=sess.opened_by),
        t("summary.closed", at=fmt.stamp(s.until, tz), by=s.closed_by or "-") if s.closed
        else t("summary.until", at=fmt.stamp(s.until, tz)),
        _count_line("summary.count_open", sess.open_count, sess.open_ledger),
    ]
    if s.closed and s.close_count is not None and s.close_ledger is not None:
        lines.append(_count_line("summary.count_close", s.close_count, s.close_ledger))
    total = sum(e.delta for e in s.adjustments)
    lines += [
        reports.rule(),
        reports.row(t("report.printed"), fmt.number(a.printed)),
        reports.row(t("report.spoiled"), fmt.number(a.spoiled)),
        reports.row(t("report.sukets"), fmt.number(a.sukets_issued)),
        reports.row(t("report.rejected"), fmt.number(a.rejected_total)),
        reports.row(t("summary.adjustments"), fmt.number(len(s.adjustments)),
                    f"   ({fmt.number(total, signed=True)})" if s.adjustments else ""),
    ]
    lines += [f"  {fmt.number(e.delta, signed=True)}  {e.shown_note()}"
              + (f"  [{t('summary.entry_unapproved')}]" if e.id in s.unapproved else "")
              for e in s.adjustments]
    if s.unapproved:
        lines.append(t("summary.unapproved", n=len(s.unapproved)))
    lines.append(t("summary.operators", names=", ".join(s.operators)))
    if s.head:
        lines.append(t("report.chain_head") + ": " + s.head)
    return "\n".join(lines)
