"""The citizen's card after intake (issue 13): the intake receipt, the
cards waiting to be collected (call-back lists, ages for the daily report)
and finding anyone's job, finished ones included.

Used by the CLI and the TUI alike; no Textual here.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import model, nik, pdf, phone
from ..config import OfficeConfig
from ..fmt import day_long
from ..i18n import t
from ..model import Job, from_text
from ..store import StoreView

#: Uncollected cards by age in days, for the daily report: (label, lowest, highest).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), (">90", 91, None))
#: Shortest name fragment ``find`` looks for (shorter finds half the office).
FIND_MIN = 3
#: At most this many jobs from the archive per search.
FIND_LIMIT = 200


def masked_nik(text: str) -> str:
    """First 6 and last 4 digits: ``351205******0001``."""
    return text[:6] + "*" * max(0, len(text) - 10) + text[-4:] if len(text) > 10 else text


# -- the intake receipt --------------------------------------------------------------------

def receipt_lines(job: Job, office: OfficeConfig, *, office_code: str = "",
                  waits: bool | None = None) -> list[str]:
    """The intake receipt (tanda terima) in the operator's language:
    office, job id, masked NIK, name, date, reason and how pickup works."""
    where = " - ".join(p for p in (office.name, office.regency) if p) or office_code
    waits = job.state is model.State.WAITING_CITIZEN if waits is None else waits
    rows = [
        (t("receipt.office"), where),
        (t("receipt.job"), f"{job.short_id}  ({job.id})"),
        (t("receipt.nik"), masked_nik(job.nik)),
        (t("receipt.name"), job.name or "-"),
        (t("receipt.date"), day_long(from_text(job.created_at).astimezone().date())),
        (t("receipt.reason"), t(f"reason.{job.reason.value}")),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [t("receipt.title"), ""]
    if office.address:
        lines[1:1] = [office.address]
    lines += [f"{k:<{width}}  {v}" for k, v in rows]
    lines += ["", t("receipt.pickup") + ":"]
    lines += _wrap(t("receipt.how_arrive") if waits else t("receipt.how"), 72)
    return lines


def receipt_pdf(job: Job, office: OfficeConfig, *, office_code: str = "") -> bytes:
    lines = receipt_lines(job, office, office_code=office_code)
    return pdf.text_pdf(lines, size=pdf.A4, font_size=11, title=lines[0])


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


# -- cards waiting to be collected -------------------------------------------------------------

def uncollected(store: StoreView, days: int = 14, *, now: datetime | None = None) -> list[Job]:
    """Printed cards not handed over, printed ``days`` or more days ago
    (0: all), oldest first: the hot set, then the archive through its index
    (a record from before printing times were kept is not listed)."""
    cutoff = model.to_text((now or model.now_utc()) - timedelta(days=days))
    hot = [j for j in store.jobs() if j.awaiting_pickup
           and (days == 0 or (j.card_printed_at or "") <= cutoff)]
    seen = {j.id for j in store.jobs()}
    archived = [Job.from_dict(d) for d in store.history.uncollected(None if days == 0 else cutoff)
                if d["id"] not in seen]
    return sorted(hot + archived, key=lambda j: (j.card_printed_at or "", j.id))


def printed_since(store: StoreView, since: str) -> list[Job]:
    """Cards printed at ``since`` or later and not collected: whom to call
    when the link comes back after an outage."""
    return [j for j in uncollected(store, 0) if (j.card_printed_at or "") >= since]


def age_counts(store: StoreView, *, now: datetime | None = None) -> dict[str, int]:
    """Cards not collected, printed by ``now``, per ``AGE_BANDS`` label (days
    since printing): the hot set and the archive's index (no archived
    record is read)."""
    at = now or model.now_utc()
    until = model.to_text(at)
    hot = store.jobs()
    seen = {j.id for j in hot}
    printed = [j.card_printed_at or "" for j in hot if j.awaiting_pickup]
    printed += [p for job_id, p in store.history.uncollected_printed() if job_id not in seen]
    counts = dict.fromkeys((label for label, _, _ in AGE_BANDS), 0)
    for stamp in printed:
        if stamp > until:
            continue  # printed after the report's moment
        age = (at - from_text(stamp)).days
        for label, lo, hi in AGE_BANDS:
            if age >= lo and (hi is None or age <= hi):
                counts[label] += 1
                break
    return counts


def handed_over(jobs: Iterable[Job], since: str, until: str) -> int:
    """How many of ``jobs`` were handed over in ``[since, until)``."""
    return sum(1 for j in jobs if j.collected_at is not None and since <= j.collected_at < until)


CSV_FIELDS = ("name", "phone", "job", "printed_at", "days")


def uncollected_csv(jobs: list[Job], *, now: datetime | None = None) -> str:
    """What an office pastes into a bulk-message tool: one row per citizen,
    the phone in national form (08...)."""
    at = now or model.now_utc()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for j in jobs:
        printed = j.card_printed_at or j.updated_at
        w.writerow([_cell(j.name or ""), phone.national(j.phone) if j.phone else "",
                    j.short_id, printed, (at - from_text(printed)).days])
    return buf.getvalue()


def _cell(text: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# -- finding anyone ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    """What ``find``'s text is taken for: a NIK, a phone, a job id prefix
    and/or a fragment of a name."""

    nik: str = ""
    phone: str = ""
    prefix: str = ""
    name: str = ""


def parse_query(text: str) -> Query:
    text = " ".join(text.split())
    digits = text.replace(" ", "").replace("-", "")
    nik_text = ""
    if len(digits) == 16 and digits.isdigit():
        try:
            nik.validate(digits)
            nik_text = digits
        except nik.InvalidNik:
            pass
    number = ""
    with contextlib.suppress(phone.InvalidContact):
        number = phone.normalize(text)
    hexish = text.lower()
    prefix = hexish if hexish and all(c in "0123456789abcdef-" for c in hexish) else ""
    name = text if len(text) >= FIND_MIN and not text.replace("-", "").isdigit() else ""
    return Query(nik=nik_text, phone=number, prefix=prefix, name=name)


def find(store: StoreView, text: str) -> list[Job]:
    """Jobs, finished ones included, matching ``text`` by NIK, phone, job id
    prefix or name fragment: hot ones first (queue order), then archived ones
    through the archive's index (newest first, at most ``FIND_LIMIT``)."""
    q = parse_query(text)
    if not (q.nik or q.phone or q.prefix or q.name):
        return []
    folded = q.name.casefold()

    def matches(j: Job) -> bool:
        return bool((q.nik and j.nik == q.nik) or (q.phone and j.phone == q.phone)
                    or (q.prefix and j.id.startswith(q.prefix))
                    or (folded and j.name and folded in j.name.casefold()))

    hot = [j for j in model.queue_order(store.jobs()) if matches(j)]
    seen = {j.id for j in hot}
    archived = [Job.from_dict(d) for d in store.history.find_jobs(
        prefix=q.prefix, nik=q.nik, phone=q.phone, name=q.name, limit=FIND_LIMIT)]
    return hot + [j for j in archived if j.id not in seen]
