"""Office reports: the daily report and the blank requisition. Read-only, headless.

Times. The store keeps UTC (RFC 3339 strings). A report *day* is a calendar day
in the station's local time zone (the system's ``TZ`` / ``/etc/localtime``, the
same clock ``ktptui blanks show`` uses for its forecast): from 00:00 to 24:00
local time, compared in UTC. Every builder takes ``tz`` (None: station local)
and ``now`` (None: the clock), so other front ends and tests can pin both.

What each figure counts (all over ``[day start, as_of)``, where ``as_of`` is the
end of the day, or now for today):

* printed / spoiled: blank-ledger entries of that kind (the ledger is the
  authority for blanks, including ``resolve`` and ``blanks spoil``);
* rejected: jobs whose history moved them to ``rejected`` then, by their
  ``error_code`` (``not_recorded`` means: issue a Suket);
* Sukets: ``suket`` events (a second one for a job is a reprint); "with a
  Suket" counts that day's ``not_recorded`` rejections that had one by ``as_of``;
* waiting: jobs whose state at ``as_of`` (replayed from their history) is one
  of ``WAITING_STATES``, and the oldest one's age at ``as_of``;
* link down / on battery: from the engine's ``link`` and ``power`` events. An
  outage runs from a ``down`` (``on battery``) event to the next event of the
  same kind that says otherwise (``up``/``degraded``; ``mains``/unknown),
  clipped to the day; one still open runs up to ``as_of``;
* per operator (the name without ``@address``): printed and spoiled ledger
  entries, jobs added, and actions (every event except the monitors' ``link``
  and ``power`` observations);
* blank stock: closing = the ledger's balance now minus every entry at
  ``as_of`` or later; opening = closing minus the day's entries, so
  opening + received - printed - spoiled + adjusted = closing by construction
  (the entries since are summed by the archive's index, not read).

One renderer per report and format, used by the CLI and the TUI alike: text
(``*_text``, in the operator's language through ``i18n`` and ``fmt``), PDF
(``*_pdf``, that text on a page), CSV and JSON (machine formats: ISO dates,
plain numbers, English keys).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from .. import fmt, model
from ..central.errors import Rejection
from ..errors import Kind, KtpError
from ..fmt import one_line
from ..fsutil import write_atomic
from ..i18n import t, t_opt
from ..model import Job, State, from_text
from ..pdf import text_pdf
from ..store import Event, EventKind, StoreView, chain, ledger
from . import pickup

#: A citizen is still waiting for a card in these states (a card that is out
#: but not yet reported, ``printed``, is no longer waiting).
WAITING_STATES = frozenset(
    {State.QUEUED, State.HELD, State.AUTHORIZED, State.PRINTING, State.INTERRUPTED,
     State.WAITING_CITIZEN}
)
#: Event kinds recorded by the monitors, not by people: not "actions".
MONITOR_KINDS = frozenset({"link", "power"})
NOT_RECORDED = Rejection.NOT_RECORDED
SUKET_KIND = EventKind.SUKET
#: Text reports fit the TUI's report view (80 columns less a cell each side
#: and a scrollbar) and an 80-column terminal: a label, then its value
#: right-aligned (wide enough for "1 jam 30 menit").
WIDTH = 77
LABEL, VALUE = 40, 14


# -- time ----------------------------------------------------------------------------

def now_utc(now: datetime | None = None) -> datetime:
    return (now or model.now_utc()).astimezone(UTC)


def local(t: datetime, tz: tzinfo | None = None) -> datetime:
    """``t`` in the station's time zone (``tz``, or the system's)."""
    return t.astimezone(tz) if tz is not None else t.astimezone()


def today(tz: tzinfo | None = None, now: datetime | None = None) -> date:
    return local(now_utc(now), tz).date()


def day_bounds(day: date, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight starting ``day`` and the next one."""

    def midnight(d: date) -> datetime:
        naive = datetime.combine(d, time(0))
        aware = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
        return aware.astimezone(UTC)

    return midnight(day), midnight(day + timedelta(days=1))


def utc_offset(t: datetime, tz: tzinfo | None = None) -> str:
    """``+07:00`` for WIB."""
    off = local(t, tz).utcoffset() or timedelta(0)
    minutes = int(off.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def operator_name(label: str) -> str:
    """``budi@10.0.0.5`` -> ``budi`` (the SSH address is kept in the audit log)."""
    return label.split("@", 1)[0] or label


def _at(text: str) -> datetime:
    return from_text(text).astimezone(UTC)


# -- what the store holds, read once per report ------------------------------------

@dataclass(frozen=True)
class Records:
    """The jobs, ledger entries and events a report on a span needs."""

    jobs: tuple[Job, ...]
    entries: tuple[ledger.Entry, ...]
    events: tuple[Event, ...]

    @classmethod
    def span(cls, store: StoreView, start: datetime, end: datetime, *,
             outages: bool = True) -> Records:
        """What ``activity`` and ``waiting_at`` over ``[start, end)`` need, read
        through the archive index, not the whole history: the span's ledger
        entries and events; every job alive in it (added, rejected or
        waiting then: any such job changed last at ``start`` or later); the
        earlier Sukets of the span's Suket and rejected jobs (a reprint, or
        a rejection already given one); and with ``outages`` the last link
        and power event before ``start`` (an outage already running). Does
        not refresh: a caller inside a transaction sees the store as it is."""
        lo, hi = model.to_text(start), model.to_text(end)
        # A job created at the very instant ``end`` is waiting "at" ``end``.
        jobs = store.jobs_alive(lo, model.to_text(end + timedelta(milliseconds=1)))
        events = store.events(since=lo, until=hi)
        rejected = State.REJECTED.value
        ids = {e.job_id for e in events if e.kind == SUKET_KIND and e.job_id} | {
            j.id for j in jobs if j.error_code == NOT_RECORDED
            and any(h.to_state == rejected and lo <= h.at < hi for h in j.history)}
        before = store.events(until=lo, kind=SUKET_KIND, job_ids=ids) if ids else []
        monitors = [e for k in sorted(MONITOR_KINDS)
                    for e in store.events(until=lo, kind=k, last=True)] if outages else []
        return cls(tuple(jobs), tuple(store.ledger_entries(since=lo, until=hi)),
                   tuple(sorted([*before, *monitors, *events], key=lambda e: e.at)))


def state_at(job: Job, t: datetime) -> str | None:
    """The job's state at instant ``t`` from its history (None: not yet created)."""
    state = None
    for h in job.history:
        if _at(h.at) <= t:
            state = h.to_state
    return state


def waiting_at(jobs: Iterable[Job], t: datetime) -> list[Job]:
    """Jobs waiting for a card at ``t``, oldest first."""
    waiting = {s.value for s in WAITING_STATES}
    found = [j for j in jobs if state_at(j, t) in waiting]
    return sorted(found, key=lambda j: (j.created_at, j.id))


# -- outages -----------------------------------------------------------------------

def link_is_down(detail: str) -> bool:
    """The engine records ``up``, ``degraded`` or ``down: <why>``."""
    return detail.split(":", 1)[0].strip() == "down"


def power_on_battery(detail: str) -> bool:
    """The engine records ``mains``, ``on battery 62%, ...`` or ``power state unknown: ...``."""
    return detail.startswith("on battery") or detail.split(":", 1)[0].strip() == "battery"


Interval = tuple[datetime, datetime | None]


def outages(events: Iterable[Event], kind: str, bad: Callable[[str], bool]) -> list[Interval]:
    """(start, end) from a bad event to the next good one of ``kind``; end None: ongoing."""
    out: list[Interval] = []
    start: datetime | None = None
    for e in sorted((e for e in events if e.kind == kind), key=lambda e: _at(e.at)):
        if bad(e.detail):
            if start is None:
                start = _at(e.at)
        elif start is not None:
            out.append((start, _at(e.at)))
            start = None
    if start is not None:
        out.append((start, None))
    return out


def hours_within(intervals: Iterable[Interval], lo: datetime, hi: datetime) -> float:
    """Hours of ``intervals`` inside ``[lo, hi)``; an ongoing interval runs to ``hi``."""
    seconds = 0.0
    for start, end in intervals:
        a, b = max(start, lo), min(end or hi, hi)
        if b > a:
            seconds += (b - a).total_seconds()
    return seconds / 3600


# -- activity over a span (the daily report and print sessions) --------------------

@dataclass(frozen=True)
class OperatorCounts:
    printed: int = 0
    spoiled: int = 0
    added: int = 0
    actions: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"printed": self.printed, "spoiled": self.spoiled, "added": self.added,
                "actions": self.actions}


@dataclass(frozen=True)
class Activity:
    """What happened in ``[start, end)``."""

    start: datetime
    end: datetime
    printed: int
    spoiled: int
    #: Rejections by error code, most first.
    rejected: dict[str, int]
    not_recorded_with_suket: int
    sukets_issued: int
    suket_reprints: int
    adjustments: tuple[ledger.Entry, ...]
    operators: dict[str, OperatorCounts] = field(default_factory=dict)
    #: Blanks received (shipments) in the span.
    received: int = 0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def not_recorded(self) -> int:
        return self.rejected.get(NOT_RECORDED, 0)

    @property
    def adjusted(self) -> int:
        return sum(e.delta for e in self.adjustments)


def activity(records: Records, start: datetime, end: datetime) -> Activity:
    def inside(text: str) -> bool:
        return start <= _at(text) < end

    per_op: dict[str, Counter[str]] = {}

    def bump(label: str, what: str) -> None:
        per_op.setdefault(operator_name(label), Counter())[what] += 1

    printed = spoiled = received = 0
    adjustments: list[ledger.Entry] = []
    for e in records.entries:
        if not inside(e.at):
            continue
        if e.kind is ledger.Kind.RECEIVED:
            received += e.delta
        elif e.kind is ledger.Kind.PRINTED:
            printed += 1
            bump(e.operator, "printed")
        elif e.kind is ledger.Kind.SPOILED:
            spoiled += 1
            bump(e.operator, "spoiled")
        elif e.kind in (ledger.Kind.ADJUSTED, ledger.Kind.COUNTED):
            adjustments.append(e)

    suket_at: dict[str, datetime] = {}  # job -> first Suket up to `end`
    sukets = reprints = 0
    for ev in sorted(records.events, key=lambda ev: _at(ev.at)):
        t = _at(ev.at)
        if ev.kind == SUKET_KIND and ev.job_id and t < end:
            if start <= t:
                sukets += 1
                reprints += ev.job_id in suket_at
            suket_at.setdefault(ev.job_id, t)
        if start <= t < end and ev.kind not in MONITOR_KINDS:
            bump(ev.operator, "actions")

    rejected: Counter[str] = Counter()
    with_suket = 0
    for job in records.jobs:
        if job.history and inside(job.history[0].at) and job.history[0].from_state is None:
            bump(job.history[0].operator, "added")
        if any(h.to_state == State.REJECTED.value and inside(h.at) for h in job.history):
            code = job.error_code or "unknown"
            rejected[code] += 1
            with_suket += code == NOT_RECORDED and job.id in suket_at
    operators = {
        name: OperatorCounts(c["printed"], c["spoiled"], c["added"], c["actions"])
        for name, c in sorted(per_op.items())
    }
    return Activity(start, end, printed, spoiled,
                    dict(sorted(rejected.items(), key=lambda kv: (-kv[1], kv[0]))),
                    with_suket, sukets, reprints, tuple(adjustments), operators, received)


# -- the daily report --------------------------------------------------------------

@dataclass(frozen=True)
class DailyReport:
    day: date
    utc_offset: str
    start: datetime
    #: End of the day, or now when the day is today.
    as_of: datetime
    activity: Activity
    waiting: int
    oldest_waiting_job: str | None
    oldest_waiting_since: datetime | None
    link_down_hours: float
    battery_hours: float
    #: Blanks on hand at the day's start and at ``as_of``.
    opening_stock: int
    closing_stock: int
    office_code: str = ""
    station_id: str = ""
    #: Cards handed over in the day, and the cards not collected at ``as_of``
    #: by days since printing (``pickup.AGE_BANDS``; issue 13).
    handed_over: int = 0
    uncollected: dict[str, int] = field(default_factory=dict)
    #: The day's count differences no supervisor has approved (ids).
    unapproved: tuple[str, ...] = ()
    #: The ledger and audit chains' head when the report was made: a signed
    #: report pins the log (``ktptui verify --head``).
    head: str = ""

    @property
    def count_differences(self) -> tuple[ledger.Entry, ...]:
        return tuple(e for e in self.activity.adjustments if e.kind is ledger.Kind.COUNTED)

    @property
    def oldest_waiting_hours(self) -> float | None:
        if self.oldest_waiting_since is None:
            return None
        return (self.as_of - self.oldest_waiting_since).total_seconds() / 3600

    def to_dict(self) -> dict[str, Any]:
        a = self.activity
        oldest = self.oldest_waiting_hours
        return {
            "date": self.day.isoformat(),
            "utc_offset": self.utc_offset,
            "office_code": self.office_code,
            "station_id": self.station_id,
            "from": model.to_text(self.start),
            "as_of": model.to_text(self.as_of),
            "printed": a.printed,
            "spoiled": a.spoiled,
            "rejected": {"total": a.rejected_total, "by_code": dict(a.rejected)},
            "suket": {"not_recorded": a.not_recorded,
                      "not_recorded_with_suket": a.not_recorded_with_suket,
                      "issued": a.sukets_issued, "reprints": a.suket_reprints},
            "waiting": {
                "count": self.waiting,
                "oldest_job": self.oldest_waiting_job,
                "oldest_since": (model.to_text(self.oldest_waiting_since)
                                 if self.oldest_waiting_since else None),
                "oldest_hours": None if oldest is None else round(oldest, 2),
            },
            "link_down_hours": round(self.link_down_hours, 2),
            "battery_hours": round(self.battery_hours, 2),
            "blanks": {"opening": self.opening_stock, "received": a.received,
                       "printed": a.printed, "spoiled": a.spoiled, "adjusted": a.adjusted,
                       "closing": self.closing_stock},
            "count_differences": [
                {"id": e.id, "at": e.at, "delta": e.delta, "operator": e.operator,
                 "note": e.note, "approved": e.id not in self.unapproved}
                for e in self.count_differences],
            "operators": {name: c.to_dict() for name, c in a.operators.items()},
            "chain_head": self.head,
            "handed_over": self.handed_over,
            "uncollected": dict(self.uncollected),
        }


class ReportError(KtpError, ValueError):
    """A report that cannot be made as asked (CLI usage error)."""

    error_kind = Kind.BAD_INPUT


def daily(store: StoreView, day: date | None = None, *, tz: tzinfo | None = None,
          now: datetime | None = None, office_code: str = "", station_id: str = "",
          records: Records | None = None) -> DailyReport:
    """The daily report for ``day`` (default: today, station local time)."""
    now = now_utc(now)
    day = day or today(tz, now)
    start, end = day_bounds(day, tz)
    if start > now:
        raise ReportError(t("report.not_started", day=fmt.day(day)))
    as_of = min(end, now)
    if records is None:
        store.refresh()
        records = Records.span(store, start, end)
    rec = records
    act = activity(rec, start, as_of)
    waiting = waiting_at(rec.jobs, as_of)
    oldest = waiting[0] if waiting else None
    closing = store.ledger_totals().balance - store.ledger_change(model.to_text(as_of))
    day_delta = act.received - act.printed - act.spoiled + act.adjusted
    return DailyReport(
        day=day, utc_offset=utc_offset(start, tz), start=start, as_of=as_of, activity=act,
        waiting=len(waiting), oldest_waiting_job=oldest.id if oldest else None,
        oldest_waiting_since=_at(oldest.created_at) if oldest else None,
        link_down_hours=hours_within(outages(rec.events, "link", link_is_down), start, as_of),
        battery_hours=hours_within(outages(rec.events, "power", power_on_battery), start,
                                   as_of),
        opening_stock=closing - day_delta, closing_stock=closing,
        office_code=office_code, station_id=station_id,
        unapproved=tuple(e.id for e in ledger.unapproved(
            [*act.adjustments, *store.ledger_of_kind(ledger.Kind.APPROVED)])),
        head=chain.head_text(store.chain_heads()),
        handed_over=pickup.handed_over(rec.jobs, model.to_text(start), model.to_text(as_of)),
        uncollected=pickup.age_counts(store, now=as_of),
    )


def rule() -> str:
    return "-" * WIDTH


def row(label: str, value: str, extra: str = "") -> str:
    label = label if len(label) < LABEL else label[: LABEL - 2] + "~"
    return f"{label:{LABEL}}{value:>{VALUE}}{extra}".rstrip()


def _hours(hours: float) -> str:
    return fmt.duration(hours * 3600)


def _heading(office_code: str, station_id: str, as_of: datetime, offset: str,
             tz: tzinfo | None) -> str:
    where = t("report.where", office=office_code or "-", station=station_id or "-")
    return f"{where} | " + t("report.as_of", at=fmt.stamp(as_of, tz), offset=offset)


def daily_text(r: DailyReport, tz: tzinfo | None = None) -> str:
    """The daily report in the operator's language (the CLI and the TUI show
    this same text; ``daily_pdf`` puts it on a page)."""
    a = r.activity
    lines = [
        t("report.daily_title", day=fmt.day_long(r.day)),
        _heading(r.office_code, r.station_id, r.as_of, r.utc_offset, tz),
        rule(),
        row(t("report.stock_open"), fmt.number(r.opening_stock)),
        row(t("report.received"), fmt.number(a.received)),
        row(t("report.printed"), fmt.number(a.printed)),
        row(t("report.spoiled"), fmt.number(a.spoiled)),
        row(t("report.adjusted"), fmt.number(a.adjusted, signed=bool(a.adjusted))),
        row(t("report.stock_close"), fmt.number(r.closing_stock)),
    ]
    diffs = r.count_differences
    if diffs:
        lines.append(row(t("report.count_diffs"), fmt.number(len(diffs))))
        lines += [f"  {fmt.number(e.delta, signed=True)}  {e.id[:8]} {e.note}"
                  + (f"  [{t('summary.entry_unapproved')}]" if e.id in r.unapproved else "")
                  for e in diffs]
    lines += [
        row(t("report.rejected"), fmt.number(a.rejected_total)),
    ]
    lines += [row(f"  {t_opt(f'code.{code}', code)}", fmt.number(n))
              for code, n in a.rejected.items()]
    lines += [
        row(t("report.not_recorded"), fmt.number(a.not_recorded)),
        row(t("report.with_suket"), fmt.number(a.not_recorded_with_suket)),
        row(t("report.sukets"), fmt.number(a.sukets_issued),
             f"   {t('report.reprints', n=fmt.number(a.suket_reprints))}"
             if a.suket_reprints else ""),
        row(t("report.waiting"), fmt.number(r.waiting)),
        row(t("report.handed_over"), fmt.number(r.handed_over)),
        row(t("report.uncollected"), fmt.number(sum(r.uncollected.values()))),
    ]
    lines += [row(f"  {t('report.age_days', band=band)}", fmt.number(n))
              for band, n in r.uncollected.items()]
    oldest = r.oldest_waiting_hours
    if r.oldest_waiting_job and oldest is not None:
        lines.append(t("report.oldest", job=r.oldest_waiting_job[:8], time=_hours(oldest)))
    lines += [
        row(t("report.link_down"), _hours(r.link_down_hours)),
        row(t("report.battery"), _hours(r.battery_hours)),
        "",
        f"{t('report.op'):25}{t('report.op_printed'):>13}{t('report.op_spoiled'):>13}"
        f"{t('report.op_added'):>13}{t('report.op_actions'):>13}",
    ]
    for name, c in a.operators.items():
        lines.append(f"{name[:24]:25}{fmt.number(c.printed):>13}{fmt.number(c.spoiled):>13}"
                     f"{fmt.number(c.added):>13}{fmt.number(c.actions):>13}")
    if not a.operators:
        lines.append(t("report.no_operators"))
    if r.head:
        lines += ["", t("report.chain_head") + ": " + r.head]
    return "\n".join(lines)


def text_to_pdf(text: str) -> bytes:
    """A report's text on an A4 page (Courier; smaller type for a long one)."""
    lines = text.splitlines()
    return text_pdf(lines, font_size=11 if len(lines) <= 55 else 7, title=lines[0])


def daily_pdf(r: DailyReport, tz: tzinfo | None = None) -> bytes:
    return text_to_pdf(daily_text(r, tz))


DAILY_CSV_COLUMNS = ("date", "section", "key", "value")


def daily_csv(r: DailyReport) -> str:
    """Long format: one figure per row (``date,section,key,value``)."""
    d = r.to_dict()  # count differences and the chain head: in the text/PDF and JSON
    rows: list[tuple[str, str, Any]] = [
        ("printed", "", d["printed"]),
        ("spoiled", "", d["spoiled"]),
        ("rejected", "total", d["rejected"]["total"]),
        *(("rejected", code, n) for code, n in d["rejected"]["by_code"].items()),
        *(("suket", k, v) for k, v in d["suket"].items()),
        ("waiting", "count", d["waiting"]["count"]),
        ("waiting", "oldest_job", d["waiting"]["oldest_job"] or ""),
        ("waiting", "oldest_hours", "" if d["waiting"]["oldest_hours"] is None
         else f"{d['waiting']['oldest_hours']:.2f}"),
        ("outage", "link_down_hours", f"{d['link_down_hours']:.2f}"),
        ("outage", "battery_hours", f"{d['battery_hours']:.2f}"),
        *(("blanks", k, v) for k, v in d["blanks"].items()),
        ("handover", "handed_over", d["handed_over"]),
        *(("uncollected", band, n) for band, n in d["uncollected"].items()),
    ]
    for name, counts in d["operators"].items():
        rows += [(f"operator_{what}", name, n) for what, n in counts.items()]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(DAILY_CSV_COLUMNS)
    w.writerows((d["date"], section, key, value) for section, key, value in rows)
    return buf.getvalue()


def daily_json(r: DailyReport) -> str:
    return json.dumps(r.to_dict(), ensure_ascii=False, indent=1)


# -- the blank requisition ---------------------------------------------------------

@dataclass(frozen=True)
class Requisition:
    """What to send with a request for more blanks."""

    as_of: datetime
    utc_offset: str
    totals: ledger.Totals
    window_days: int
    used_in_window: int
    waiting: int
    need: int | None
    reconciled: bool
    reconciliation: str
    office_code: str = ""
    station_id: str = ""
    #: Every shipment, oldest first (date, delivery letter number, count).
    receipts: tuple[ledger.Entry, ...] = ()
    #: The days the pace is taken over: the window, or fewer for a station
    #: younger than it (days it did not exist used no blanks).
    days_counted: int = 0

    @property
    def per_day(self) -> float:
        return self.used_in_window / (self.days_counted or self.window_days)

    @property
    def days_left(self) -> float | None:
        return self.totals.balance / self.per_day if self.per_day else None

    @property
    def short(self) -> int | None:
        """Need minus what was received (never below 0); None without a need."""
        return None if self.need is None else max(0, self.need - self.totals.received)

    def to_dict(self) -> dict[str, Any]:
        t = self.totals
        return {
            "office_code": self.office_code,
            "station_id": self.station_id,
            "as_of": model.to_text(self.as_of),
            "utc_offset": self.utc_offset,
            "received": t.received,
            "used": t.printed,
            "spoiled": t.spoiled,
            "adjusted": t.adjusted,
            "balance": t.balance,
            "used_per_day": round(self.per_day, 2),
            "window_days": self.window_days,
            "days_left": None if self.days_left is None else round(self.days_left, 1),
            "waiting": self.waiting,
            "need": self.need,
            "short": self.short,
            "reconciled": self.reconciled,
            "days_counted": self.days_counted or self.window_days,
            "receipts": [{"at": e.at, "ref": e.ref, "count": e.delta} for e in self.receipts],
        }


def requisition(store: StoreView, *, need: int | None = None, tz: tzinfo | None = None,
                now: datetime | None = None, window_days: int = 14, office_code: str = "",
                station_id: str = "") -> Requisition:
    """Ledger totals, use per day over the last ``window_days`` local days (today
    included, printed + spoiled, as ``ledger.forecast``), and the shortfall."""
    if need is not None and need < 0:
        raise ReportError(t("report.bad_need", need=need))
    now = now_utc(now)
    store.refresh()
    rec = store.reconcile()
    last = today(tz, now)
    used = blanks_used(store, last - timedelta(days=window_days - 1), last, tz)
    waiting = sum(1 for j in store.active_jobs() if j.state in WAITING_STATES)
    first = store.first_ledger_at()
    age = window_days if first is None else (last - local(_at(first), tz).date()).days + 1
    return Requisition(now, utc_offset(now, tz), rec.carried, window_days, used, waiting, need,
                       rec.ok, reconciliation_text(rec), office_code, station_id,
                       tuple(store.ledger_of_kind(ledger.Kind.RECEIVED)),
                       max(1, min(window_days, age)))


def reconciliation_text(rec: ledger.Reconciliation) -> str:
    """``Reconciliation.describe`` in the operator's language (``blanks show``,
    the requisition)."""
    tot = rec.totals
    text = t("cli.reconciliation", received=tot.received, printed=tot.printed,
             spoiled=tot.spoiled, sign="+" if tot.adjusted >= 0 else "-",
             adjusted=abs(tot.adjusted), n=tot.balance)
    if tot != rec.carried:
        text += "; " + t("cli.mismatch", n=rec.carried.balance)
    if rec.double_printed_jobs:
        twice = ", ".join(j[:8] for j in rec.double_printed_jobs)
        text += "; " + t("cli.printed_twice", jobs=twice)
    return text


def blanks_forecast(store: StoreView, balance: int, *, last: date | None = None,
                    tz: tzinfo | None = None, window_days: int = 7) -> ledger.Forecast:
    """Use per day over the ``window_days`` local days up to ``last`` (today)
    and days of stock left: the same figure in ``blanks show``, the
    requisition and the TUI's bar."""
    last = last or today(tz)
    used = blanks_used(store, last - timedelta(days=window_days - 1), last, tz)
    return ledger.forecast_from_use(used, balance, window_days=window_days)


def blanks_used(store: StoreView, first: date, last: date, tz: tzinfo | None = None) -> int:
    """Blanks used (printed + spoiled) from local day ``first`` to ``last``
    included: from the store's per-hour counts when the days start on a UTC
    hour (every Indonesian zone), else from the entries of those days."""
    lo, hi = day_bounds(first, tz)[0], day_bounds(last, tz)[1]
    if all(t.minute == t.second == t.microsecond == 0 for t in (lo, hi)):
        return store.ledger_used(model.to_text(lo)[:13], model.to_text(hi)[:13])
    return sum(1 for e in store.ledger_entries(since=model.to_text(lo), until=model.to_text(hi))
               if e.kind in (ledger.Kind.PRINTED, ledger.Kind.SPOILED))


def requisition_text(r: Requisition, tz: tzinfo | None = None) -> str:
    """The blank requisition in the operator's language (CLI and TUI)."""
    tot = r.totals
    days = "-" if r.days_left is None else fmt.number(r.days_left, 1)
    lines = [
        t("report.requisition_title"),
        _heading(r.office_code, r.station_id, r.as_of, r.utc_offset, tz),
        rule(),
        row(t("req.received"), fmt.number(tot.received)),
        row(t("req.used"), fmt.number(tot.printed)),
        row(t("req.spoiled"), fmt.number(tot.spoiled)),
        row(t("req.adjusted"), fmt.number(tot.adjusted, signed=bool(tot.adjusted))),
        row(t("req.balance"), fmt.number(tot.balance)),
        row(t("req.per_day", days=r.window_days) if r.days_counted in (0, r.window_days)
            else t("req.per_day_since", days=r.days_counted), fmt.number(r.per_day, 2)),
        row(t("req.days_left"), days),
        row(t("req.waiting"), fmt.number(r.waiting)),
    ]
    if r.need is not None and r.short is not None:
        lines += [
            row(t("req.need"), fmt.number(r.need)),
            row(t("req.short"), fmt.number(r.short)),
            "",
            t("req.sentence", need=fmt.number(r.need), received=fmt.number(tot.received),
              short=fmt.number(r.short)),
        ]
    lines.append(t("req.ledger", text=r.reconciliation)
                 + ("" if r.reconciled else f"  -- {t('req.not_reconciled')}"))
    lines += ["", t("req.receipts")]
    lines += [f"  {fmt.day(local(_at(e.at), tz).date())}  "
              f"{one_line(e.ref) if e.ref else t('req.no_ref'):30} {fmt.number(e.delta):>10}"
              for e in r.receipts] or [t("req.no_receipts")]
    return "\n".join(lines)


def requisition_pdf(r: Requisition, tz: tzinfo | None = None) -> bytes:
    return text_to_pdf(requisition_text(r, tz))


REQUISITION_CSV_COLUMNS = (
    "office_code", "station_id", "as_of", "received", "used", "spoiled", "adjusted",
    "balance", "used_per_day", "window_days", "days_left", "waiting", "need", "short",
    "reconciled",
)


def requisition_csv(r: Requisition) -> str:
    """One header row and one data row (rows from several offices append)."""
    d = r.to_dict()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REQUISITION_CSV_COLUMNS)
    w.writerow(["" if d[c] is None else str(d[c]).lower() if isinstance(d[c], bool) else d[c]
                for c in REQUISITION_CSV_COLUMNS])
    return buf.getvalue()


def requisition_json(r: Requisition) -> str:
    return json.dumps(r.to_dict(), ensure_ascii=False, indent=1)


# -- one way to render and save any report --------------------------------------------

Report = DailyReport | Requisition
#: The formats a report is saved in; "text" is what the terminal shows.
FORMATS = ("text", "pdf", "csv", "json")


def render(report: Report, kind: str, tz: tzinfo | None = None) -> bytes:
    """``report`` in format ``kind`` (one of ``FORMATS``), as the file's bytes."""
    if kind not in FORMATS:
        raise ValueError(f"unknown report format {kind!r}; known: {', '.join(FORMATS)}")
    if kind == "pdf":
        return text_to_pdf(_text(report, tz))
    if kind == "text":
        return (_text(report, tz) + "\n").encode("utf-8")
    if isinstance(report, DailyReport):
        return (daily_csv(report) if kind == "csv" else daily_json(report)).encode("utf-8")
    return (requisition_csv(report) if kind == "csv" else requisition_json(report)).encode()


def _text(report: Report, tz: tzinfo | None) -> str:
    if isinstance(report, DailyReport):
        return daily_text(report, tz)
    return requisition_text(report, tz)


def format_of(path: Path) -> str:
    """The format a file name asks for: ``.pdf``, ``.csv``, ``.json``; else text."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in ("pdf", "csv", "json") else "text"


def personal(report: Report) -> bool:
    """Whether a saved report holds personal data, so its file is 0600: the
    daily report names operators with their own counts (no citizen's NIK or
    name); the requisition has office figures only (0644, to send on)."""
    return isinstance(report, DailyReport)


def file_name(report: Report, kind: str) -> str:
    """``laporan-harian-2026-11-28.pdf``, ``permintaan-blangko-2026-11-28-1405.csv``:
    ISO dates in file names, so they sort (station local time)."""
    ext = "txt" if kind == "text" else kind
    if isinstance(report, DailyReport):
        return f"laporan-harian-{report.day.isoformat()}.{ext}"
    at = local(report.as_of).strftime("%Y-%m-%d-%H%M")
    return f"permintaan-blangko-{at}.{ext}"


def default_folder() -> Path:
    """Where the TUI saves reports: ``~/ktptui-laporan`` (a plain folder in
    the operator's home, easy to find and to copy off with scp or a USB stick)."""
    return Path.home() / "ktptui-laporan"


def save(report: Report, path: Path, kind: str | None = None,
         tz: tzinfo | None = None) -> Path:
    """Write ``report`` to ``path`` (format from ``kind`` or the name),
    atomically, 0600 when ``personal``; the folder is made (0700) if missing."""
    kind = kind or format_of(path)
    data = render(report, kind, tz)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    write_atomic(path, data)
    if not personal(report):
        os.chmod(path, 0o644)
    return path
