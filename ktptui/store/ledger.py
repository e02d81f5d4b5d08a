"""The blank-card ledger: append-only entries, a derived balance, a forecast.

Blanks are controlled documents, so nothing here stores a balance on its own:
it is always the sum of entries (or of a carried summary of archived entries
that ``reconcile`` proves against the entries themselves).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .. import errors, model
from ..errors import KtpError
from ..i18n import Said, said_fields, say, shown
from ..model import from_text, to_text


class Kind(enum.StrEnum):
    RECEIVED = "received"  # +N, a shipment (note: the shipment letter)
    PRINTED = "printed"  # -1, a good card (job id)
    SPOILED = "spoiled"  # -1, a blank lost to a bad print (job id or reason)
    ADJUSTED = "adjusted"  # +/-N, a supervisor's correction (reason required)
    #: +/-N, a session count that differed from the balance, confirmed and
    #: explained ("selisih hitung"); unapproved until a supervisor approves it.
    COUNTED = "counted"
    #: 0, a supervisor's approval of the count difference ``ref`` names.
    APPROVED = "approved"


class LedgerError(KtpError, ValueError):
    """An entry the ledger refuses (the message says why and what to do)."""

    error_kind = errors.Kind.REFUSED


@dataclass(frozen=True)
class Entry:
    id: str
    at: str
    kind: Kind
    delta: int
    operator: str
    job_id: str | None = None
    note: str = ""
    #: A shipment's delivery letter number, or the entry an approval approves.
    ref: str = ""
    #: Its place in the ledger's chain and its hash (see ``chain``), stamped
    #: by the store at commit; None on entries written before chains existed.
    seq: int | None = field(default=None, compare=False)
    hash: str | None = field(default=None, compare=False)

    @property
    def short_id(self) -> str:
        return self.id[:8]
    #: The note as a catalogue key and values (``i18n.Said``); ``note`` keeps
    #: its English line. Stored only when set.
    note_key: str | None = None
    note_values: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        if self.note_key is None:
            del d["note_key"], d["note_values"]
        return d

    def shown_note(self) -> str:
        """The note in the operator's language (as stored for old records)."""
        return shown(self.note, self.note_key, self.note_values)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        """ValueError/TypeError/KeyError for a malformed record (a stored one
        is checked when read: a string delta would fail far away, in a sum)."""
        e = cls(**{**d, "kind": Kind(d["kind"])})
        if (type(e.delta) is not int or not isinstance(e.id, str) or not isinstance(e.at, str)
                or not isinstance(e.ref, str) or (e.seq is not None and type(e.seq) is not int)):
            raise ValueError(f"ledger entry {str(e.id)[:40]!r} has a bad id, time or delta")
        return e


def make_entry(
    kind: Kind,
    delta: int,
    *,
    operator: str,
    job_id: str | None = None,
    note: str | Said = "",
    ref: str = "",
    at: datetime | None = None,
) -> Entry:
    """Build an entry, checking the sign and the required note per kind."""
    said = said_fields(note, "note")
    note = str(note)
    if kind is Kind.RECEIVED and delta <= 0:
        raise LedgerError.said("refused.ledger.shipment", delta=delta)
    if kind in (Kind.PRINTED, Kind.SPOILED) and delta != -1:
        raise LedgerError.said("refused.ledger.one", kind=say(f"event.blanks.{kind.value}"),
                               delta=delta)
    if kind is Kind.APPROVED and (delta != 0 or not ref):
        raise LedgerError("an approval changes no blanks and names the entry it approves")
    if kind in (Kind.ADJUSTED, Kind.COUNTED):
        if delta == 0:
            raise LedgerError.said("refused.ledger.zero")
        if not note.strip():
            raise LedgerError.said("refused.ledger.reason")
    if kind is Kind.SPOILED and not (job_id or note.strip()):
        raise LedgerError.said("refused.ledger.spoiled")
    return Entry(str(uuid.uuid4()), to_text(at or model.now_utc()), kind, delta, operator, job_id,
                 ref=ref, **said)


@dataclass(frozen=True)
class Totals:
    received: int = 0
    printed: int = 0
    spoiled: int = 0
    adjusted: int = 0  # net, signed

    @property
    def balance(self) -> int:
        return self.received - self.printed - self.spoiled + self.adjusted

    def add(self, e: Entry) -> Totals:
        match e.kind:
            case Kind.RECEIVED:
                return Totals(self.received + e.delta, self.printed, self.spoiled, self.adjusted)
            case Kind.PRINTED:
                return Totals(self.received, self.printed + 1, self.spoiled, self.adjusted)
            case Kind.SPOILED:
                return Totals(self.received, self.printed, self.spoiled + 1, self.adjusted)
            case Kind.ADJUSTED | Kind.COUNTED:
                return Totals(self.received, self.printed, self.spoiled, self.adjusted + e.delta)
            case Kind.APPROVED:
                return self

    def to_dict(self) -> dict[str, int]:
        return {**asdict(self), "balance": self.balance}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Totals:
        t = cls(d["received"], d["printed"], d["spoiled"], d["adjusted"])
        if not all(type(v) is int for v in asdict(t).values()):
            raise ValueError("ledger totals are not whole numbers")
        return t


def totals(entries: Iterable[Entry], start: Totals | None = None) -> Totals:
    t = start or Totals()
    for e in entries:
        t = t.add(e)
    return t


def check_balance(current: Totals, entry: Entry) -> None:
    """Refuse an entry that would take the balance below zero."""
    after = current.add(entry).balance
    if after < 0:
        raise LedgerError.said("refused.ledger.negative", n=current.balance,
                               kind=say(f"event.blanks.{entry.kind.value}"))


@dataclass(frozen=True)
class Reconciliation:
    totals: Totals  # summed from every entry
    carried: Totals  # what the store carries (archived summary + recent entries)
    double_printed_jobs: tuple[str, ...]  # job ids with more than one printed entry

    @property
    def ok(self) -> bool:
        return self.totals == self.carried and not self.double_printed_jobs and (
            self.totals.balance >= 0
        )

    def describe(self) -> str:
        t = self.totals
        line = (
            f"received {t.received} - printed {t.printed} - spoiled {t.spoiled} "
            f"{'+' if t.adjusted >= 0 else '-'} adjusted {abs(t.adjusted)} = {t.balance}"
        )
        if self.totals != self.carried:
            line += f"; MISMATCH: the store carries a balance of {self.carried.balance}"
        if self.double_printed_jobs:
            line += f"; jobs printed twice: {', '.join(j[:8] for j in self.double_printed_jobs)}"
        return line


def reconcile(entries: Iterable[Entry], carried: Totals) -> Reconciliation:
    """Prove received - printed - spoiled +/- adjustments == balance."""
    seen: set[str] = set()
    twice: list[str] = []
    t = Totals()
    for e in entries:
        t = t.add(e)
        if e.kind is Kind.PRINTED and e.job_id:
            if e.job_id in seen:
                twice.append(e.job_id)
            seen.add(e.job_id)
    return Reconciliation(t, carried, tuple(twice))


@dataclass(frozen=True)
class Forecast:
    per_day: float  # cards printed per day over the window
    days_left: float | None  # None: nothing printed lately, no rate to go by
    window_days: int


def forecast(entries: Iterable[Entry], balance: int, *, today: date | None = None,
             window_days: int = 7) -> Forecast:
    """Cards printed per day over the last ``window_days`` and days of stock left."""
    today = today or model.now_utc().astimezone().date()
    first = today - timedelta(days=window_days - 1)
    used = sum(
        1 for e in entries
        if e.kind in (Kind.PRINTED, Kind.SPOILED)
        and first <= from_text(e.at).astimezone().date() <= today
    )
    return forecast_from_use(used, balance, window_days=window_days)


def forecast_from_use(used: int, balance: int, *, window_days: int = 7) -> Forecast:
    """The forecast from the blanks used (printed + spoiled) over the window,
    counted elsewhere (the store keeps them per hour)."""
    rate = used / window_days
    return Forecast(rate, balance / rate if rate else None, window_days)


def unapproved(entries: Iterable[Entry]) -> list[Entry]:
    """Count differences no supervisor has approved yet, oldest first."""
    entries = list(entries)
    approved = {e.ref for e in entries if e.kind is Kind.APPROVED}
    return [e for e in entries if e.kind is Kind.COUNTED and e.id not in approved]
