"""Suket (Surat Keterangan): the temporary certificate given instead of an e-KTP.

A job may get one when central rejected it as ``not_recorded``, or when the
citizen has waited longer than ``[office] suket_after_days`` (the card is still
queued, held, authorised or interrupted). Anything else is refused with the
reason (``ActionRefused``, CLI exit 1).

The slip is plain text or a one-page PDF (``ktptui.pdf``): NIK, holder name
when central gave one, office code and station id, issue date, the job
reference (short and full id) and a fixed statement in Indonesian and English.
Every issue is recorded as a ``suket`` event (operator, job id, where it went);
issuing again is allowed and recorded as a reprint (copy 2, 3, ...). The event
holds no NIK or name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from .. import model, nik, pdf
from ..actions import ActionRefused
from ..central.errors import Rejection
from ..config import OfficeConfig
from ..fsutil import DiskFull, write_atomic
from ..i18n import Said, say, t, words
from ..model import Job, State, from_text
from ..printers.base import Printer, PrintResult
from ..store import EventKind, MetaKey, Store, StoreView

NOT_RECORDED = Rejection.NOT_RECORDED
DEFAULT_WAIT_DAYS = 14
#: A citizen in these states is still waiting for a card (a card being
#: printed right now, or already out, gets no Suket).
WAITING_STATES = frozenset({State.QUEUED, State.HELD, State.AUTHORIZED, State.INTERRUPTED,
                            State.WAITING_CITIZEN})
EVENT_KIND = EventKind.SUKET

STATEMENT_ID = (
    "Surat Keterangan pengganti KTP-el sementara ini diberikan kepada penduduk",
    "dengan NIK tersebut di atas, yang telah mengajukan permohonan KTP-el di",
    "kantor ini. Surat ini berlaku sebagai pengganti KTP-el sementara sampai",
    "KTP-el yang bersangkutan diterbitkan.",
)
STATEMENT_EN = (
    "This letter is a temporary substitute for the electronic identity card",
    "(KTP-el) of the resident with the NIK above, who has applied for it at this",
    "office. It is valid until the card is issued.",
)
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")


def tanggal(d: date) -> str:
    """``23 November 2026``."""
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def _utc(now: datetime | None) -> datetime:
    return (now or model.now_utc()).astimezone(UTC)


def is_redacted(job: Job) -> bool:
    """Personal data removed by retention (the NIK is masked)."""
    return "*" in job.nik


def basis(job: Job, *, now: datetime | None = None, wait_days: int = DEFAULT_WAIT_DAYS) -> str:
    """Why ``job`` may have a Suket (``not_recorded`` / ``waiting``), or raise
    ``ActionRefused`` saying why not."""
    sid = job.short_id
    if is_redacted(job):
        raise ActionRefused.said("refused.suket.redacted", job=sid)
    if job.state is State.REJECTED:
        if job.error_code == NOT_RECORDED:
            return NOT_RECORDED
        raise ActionRefused.said("refused.suket.code", job=sid,
                                 code=repr(job.error_code or "unknown"), days=wait_days)
    if job.state in WAITING_STATES:
        waited = _utc(now) - from_text(job.created_at)
        if waited > timedelta(days=wait_days):
            return "waiting"
        raise ActionRefused.said("refused.suket.early", job=sid, waited=waited.days,
                                 days=wait_days)
    if job.state is State.PRINTING:
        raise ActionRefused.said("refused.suket.printing", job=sid)
    if job.state in (State.PRINTED, State.DONE):
        raise ActionRefused.said("refused.suket.printed", job=sid,
                                 state=say(f"event.state.{job.state.value}"))
    raise ActionRefused.said("refused.suket.state", job=sid,
                             state=say(f"event.state.{job.state.value}"))


@dataclass(frozen=True)
class Slip:
    job_id: str
    nik: str
    #: The citizen's name: from intake, else the holder's name central gave.
    holder_name: str | None
    office_code: str
    station_id: str
    issued_at: datetime  # UTC
    issue_day: date  # station local date
    basis: str  # "not_recorded" | "waiting"
    waited_days: int
    copy: int  # 1 the first time, 2.. copies (SALINAN), with the same number
    operator: str
    #: The letter number from the yearly register (issue 13).
    number: str = ""
    #: The register's serial of a first issue (what ``record`` takes), else 0.
    seq: int = 0
    birth: date | None = None
    female: bool | None = None
    valid_until: date | None = None
    office: OfficeConfig = OfficeConfig()

    @property
    def short_id(self) -> str:
        return self.job_id[:8]

    @property
    def reprint(self) -> bool:
        return self.copy > 1

    def to_dict(self) -> dict[str, Any]:
        """JSON: the station service sends the slip it recorded to the front
        that delivers it (the ``suket`` request)."""
        return {
            "job_id": self.job_id, "nik": self.nik, "holder_name": self.holder_name,
            "office_code": self.office_code, "station_id": self.station_id,
            "issued_at": self.issued_at.isoformat(), "issue_day": self.issue_day.isoformat(),
            "basis": self.basis, "waited_days": self.waited_days, "copy": self.copy,
            "operator": self.operator, "number": self.number, "seq": self.seq,
            "birth": None if self.birth is None else self.birth.isoformat(),
            "female": self.female,
            "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
            "office": asdict(self.office),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Slip:
        def day(text: str | None) -> date | None:
            return None if text is None else date.fromisoformat(text)

        known = {f.name for f in fields(OfficeConfig)}
        return cls(
            str(d["job_id"]), str(d["nik"]), d["holder_name"], str(d["office_code"]),
            str(d["station_id"]), datetime.fromisoformat(d["issued_at"]),
            date.fromisoformat(d["issue_day"]), str(d["basis"]), int(d["waited_days"]),
            int(d["copy"]), str(d["operator"]), number=str(d["number"]), seq=int(d["seq"]),
            birth=day(d["birth"]), female=d["female"], valid_until=day(d["valid_until"]),
            office=OfficeConfig(**{k: v for k, v in d["office"].items() if k in known}))

    def basis_text(self) -> list[str]:
        if self.basis == NOT_RECORDED:
            return ["data belum terekam di database pusat",
                    "(not recorded at central: not_recorded)"]
        return [f"permohonan menunggu pencetakan {self.waited_days} hari",
                f"(card waiting {self.waited_days} days)"]


#: A first issue's event: ``issued <number> (<basis>): <outputs>``.
ISSUED = re.compile(r"^issued (.+) \((?:not_recorded|waiting)\): ")


def _register(store: StoreView, year: int) -> int:
    """The last serial of ``year``'s Suket register (0: none yet)."""
    reg = store.meta(MetaKey.SUKET_REGISTER) or {}
    return int(reg.get("seq", 0)) if reg.get("year") == year else 0


def prepare(store: StoreView, ref: str, *, operator: str, office_code: str, station_id: str,
            wait_days: int = DEFAULT_WAIT_DAYS, now: datetime | None = None,
            tz: tzinfo | None = None, office: OfficeConfig | None = None) -> Slip:
    """The slip for job ``ref`` (id or unique prefix); refuses an ineligible
    job or one without the citizen's name. A job that had one keeps its
    number: the new slip is a copy (SALINAN)."""
    office = office or OfficeConfig()
    now = _utc(now)
    store.refresh()
    job = store.find_job(ref)
    why = basis(job, now=now, wait_days=wait_days)
    name = job.name or job.holder_name
    if not name:
        raise ActionRefused(t("suket.no_name", job=job.short_id))
    # Through the archive index: this job's Suket events only.
    earlier = store.events(job_id=job.id, kind=EVENT_KIND)
    day = now.astimezone(tz).date() if tz is not None else now.astimezone().date()
    waited = (now - from_text(job.created_at)).days
    number, seq = "", 0
    for e in earlier:
        if e.detail_key == "suket.event.issued" and e.detail_values:
            number = str(e.detail_values.get("number", ""))
            break
        if (m := ISSUED.match(e.detail)) is not None:  # a record older than its key
            number = m.group(1)
            break
    if not number:
        seq = _register(store, day.year) + 1
        number = office.suket_number_format.format(seq=seq, year=day.year,
                                                   office_code=office_code)
    try:
        info = nik.validate(job.nik)
        birth: date | None = nik.birth_date(info, day)
        female: bool | None = info.female
    except nik.InvalidNik:
        birth, female = None, None
    return Slip(job.id, job.nik, name, office_code, station_id, now, day, why, waited,
                len(earlier) + 1, operator, number=number, seq=seq, birth=birth,
                female=female, valid_until=day + timedelta(days=office.suket_valid_days),
                office=office)


def lines(slip: Slip) -> list[str]:
    """The slip, at most 78 characters a line."""

    def centre(text: str) -> str:
        return text.center(78).rstrip()

    def row(label: str, value: str) -> str:
        return f"{label:22}: {value}"

    office = slip.office
    regency = office.regency.upper() if office.regency else "PEMERINTAH REPUBLIK INDONESIA"
    out = [
        centre(regency),
        centre("DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"),
    ]
    if office.name:
        out.append(centre(office.name))
    if office.address:
        out.append(centre(office.address))
    out += [
        centre(f"Kode kantor {slip.office_code} - stasiun {slip.station_id}"),
        "",
        centre("SURAT KETERANGAN"),
        centre("pengganti KTP-el sementara / temporary substitute for the e-KTP"),
        centre(f"Nomor: {slip.number}"),
    ]
    if slip.reprint:
        out.append(centre(f"SALINAN ke-{slip.copy - 1} / COPY {slip.copy - 1}"))
    reason = slip.basis_text()
    sex = ("-" if slip.female is None
           else "Perempuan / Female" if slip.female else "Laki-laki / Male")
    born = (f"{tanggal(slip.birth)} ({slip.birth.isoformat()})" if slip.birth else "-")
    valid = (f"{tanggal(slip.valid_until)} ({slip.valid_until.isoformat()})"
             if slip.valid_until else "-")
    out += [
        "",
        row("NIK", slip.nik),
        row("Nama / Name", slip.holder_name or "- (belum diketahui / not known)"),
        row("Tanggal lahir / Born", born),
        row("Jenis kelamin / Sex", sex),
        row("Tanggal / Date", f"{tanggal(slip.issue_day)} ({slip.issue_day.isoformat()})"),
        row("Berlaku s.d. / Valid to", valid),
        row("Referensi / Job", slip.short_id),
        row("", slip.job_id),
        row("Keterangan / Basis", reason[0]),
        *(row("", more) for more in reason[1:]),
        "",
        *STATEMENT_ID,
        "",
        *STATEMENT_EN,
        "",
        row("Petugas / Officer", slip.operator),
        f"{office.regency or '-'}, {tanggal(slip.issue_day)}",
        office.signatory_title or "Tanda tangan dan cap / Signature and stamp:",
        "",
        "",
        "",
        office.signatory_name or "______________________________",
    ]
    if office.signatory_nip:
        out.append(f"NIP {office.signatory_nip}")
    return out


def text(slip: Slip) -> str:
    return "\n".join(lines(slip)) + "\n"


def to_pdf(slip: Slip) -> bytes:
    return pdf.text_pdf(lines(slip), size=pdf.A4, font_size=10,
                        title=f"Surat Keterangan {slip.number}")


def _event(store: Store, slip: Slip, outputs: Sequence[Said]) -> None:
    """The audit record of an issue: a ``suket`` event with the job id (a
    first issue's number is read back from it for later copies: its
    ``number`` value, or for older records its English line)."""
    basis = say(f"suket.basis.{slip.basis}")
    where = words(*outputs[:5])
    detail = (say("suket.event.reprinted", copy=slip.copy, number=slip.number, basis=basis,
                  outputs=where) if slip.reprint
              else say("suket.event.issued", number=slip.number, basis=basis, outputs=where))
    with store.transaction() as tx:
        tx.add_event(EVENT_KIND, slip.operator, detail, job_id=slip.job_id)


def reserve(store: Store, slip: Slip) -> None:
    """Take a first issue's number in the yearly register before the slip
    goes out, so two desks never print the same number: refused when
    another issue took it meanwhile (issue again: the next number)."""
    if slip.seq == 0:
        return
    year = slip.issue_day.year
    with store.transaction() as tx:
        if _register(store, year) != slip.seq - 1:
            raise ActionRefused(t("suket.number_taken", number=slip.number))
        tx.set_meta(MetaKey.SUKET_REGISTER, {"year": year, "seq": slip.seq})


def _give_back(store: Store, slip: Slip) -> None:
    """No slip carries a first issue's number: give it back if still the last."""
    if slip.seq:
        year = slip.issue_day.year
        with store.transaction() as tx:
            if _register(store, year) == slip.seq:
                tx.set_meta(MetaKey.SUKET_REGISTER, {"year": year, "seq": slip.seq - 1})


def record(store: Store, ref: str, *, outputs: Sequence[Said], operator: str,
           office_code: str, station_id: str, wait_days: int = DEFAULT_WAIT_DAYS,
           now: datetime | None = None, tz: tzinfo | None = None,
           office: OfficeConfig | None = None) -> Slip:
    """The store's part of an issue, for a front that delivers the slip
    itself (the station service's ``suket`` request): the slip with its
    number taken, and its event naming ``outputs``, where the front sends
    it. ``issue`` records only after delivering instead."""
    if not outputs:
        raise ActionRefused.said("suket.not_issued", job=ref, why=say("suket.nowhere"))
    slip = prepare(store, ref, operator=operator, office_code=office_code,
                   station_id=station_id, wait_days=wait_days, now=now, tz=tz, office=office)
    reserve(store, slip)
    _event(store, slip, outputs)
    return slip


@dataclass(frozen=True)
class Issued:
    slip: Slip
    outputs: tuple[str, ...]
    #: Why the printer did not take it ("" when it did, or none was asked for).
    print_problem: str = ""
    #: Where it went and the printer's problem, as catalogue words (shown in
    #: the operator's language; ``outputs``/``print_problem``: English).
    where: tuple[Said, ...] = ()
    problem: Said | None = None


def save(slip: Slip, path: Path, *, as_text: bool = False) -> None:
    """Write the slip to ``path`` (mode 0600, replaced atomically)."""
    data = text(slip).encode("utf-8") if as_text else to_pdf(slip)
    try:
        write_atomic(path, data)
    except DiskFull as e:
        raise ActionRefused(str(e)) from None
    except OSError as e:
        raise ActionRefused.said("refused.suket.write", path=str(path),
                                 why=e.strerror or str(e)) from None


def deliver(slip: Slip, *, out: Path | None = None, as_text: bool = False,
            printer: Printer | None = None, printer_name: str = "",
            show: Callable[[str], None] | None = None) -> Issued:
    """Send the slip where it was asked: to ``out`` (PDF, or text with
    ``as_text``; mode 0600), to ``printer`` (PDF) and/or as text to ``show``
    (e.g. stdout). Touches no store: a front attached to the service
    delivers in its own process, as its operator. ``outputs`` names where it
    went; ``print_problem`` why the printer did not take it."""
    where: list[Said] = []
    problem: Said | None = None
    if out is not None:
        save(slip, out, as_text=as_text)
        where.append(say("suket.to.file", path=str(out)))
    if printer is not None:
        name = printer_name or printer.name
        got = printer.print_card(f"suket-{slip.short_id}", slip.copy, to_pdf(slip),
                                 "application/pdf")
        if got.result is PrintResult.PRINTED:
            where.append(say("suket.to.printer", name=name))
        elif got.result is PrintResult.UNKNOWN:
            where.append(say("suket.to.printer_unconfirmed", name=name))
            problem = say("suket.printer_problem", name=name, why=got.words)
        else:
            problem = say("suket.printer_problem", name=name,
                          why=got.words or got.result.value)
    if show is not None:
        show(text(slip))
        where.append(say("suket.to.screen"))
    return Issued(slip, tuple(str(w) for w in where), "" if problem is None else str(problem),
                  tuple(where), problem)


#: Where a slip goes, as the ``suket`` request names it: (to, path or queue).
Destination = tuple[str, str]
DESTINATIONS = ("file", "printer", "screen")


def destination_words(to: str, value: str) -> Said:
    """A destination in catalogue words (the service's event names it)."""
    match to:
        case "file":
            return say("suket.to.file", path=value)
        case "printer":
            return say("suket.to.printer", name=value)
        case _:
            return say("suket.to.screen")


def issue_recorded_first(record_as: Callable[[list[Destination]], Slip], *, ref: str,
                         out: Path | None = None, as_text: bool = False,
                         printer: Printer | None = None, printer_name: str = "",
                         show: Callable[[str], None] | None = None) -> Issued:
    """An issue for a front attached to the station service: the places the
    slip goes are checked first (so a typo takes no number), then
    ``record_as(destinations)`` has the service record it (``record``: its
    number, its event) and this process delivers it, as its operator. A
    delivery that fails after all is said with the number: the record stands
    and issuing again makes a copy."""
    import errno
    import os

    out = None if out is None else out.absolute()
    destinations: list[Destination] = []
    if out is not None:
        if out.is_dir() or not os.access(out.parent, os.W_OK):
            why = os.strerror(errno.EISDIR if out.is_dir() else errno.EACCES
                              if out.parent.is_dir() else errno.ENOENT)
            raise ActionRefused.said("refused.suket.write", path=str(out), why=why)
        destinations.append(("file", str(out)))
    if printer is not None:
        # A queue that cannot take a job (CUPS down, no such queue, rejecting)
        # is refused before a number is taken; a paused one takes it.
        status = printer.status()
        if {"cups-down", "queue-missing", "queue-rejecting"} & set(status.reasons):
            raise ActionRefused.said("suket.printer_cannot", job=ref, name=printer_name,
                                     why=status.message)
        destinations.append(("printer", printer_name))
    if show is not None:
        destinations.append(("screen", ""))
    slip = record_as(destinations)
    try:
        got = deliver(slip, out=out, as_text=as_text, printer=printer,
                      printer_name=printer_name, show=show)
    except ActionRefused as e:  # the file, after all: the record stands, say so
        raise ActionRefused.said("suket.not_delivered", number=slip.number, job=slip.short_id,
                                 why=e.message()) from None
    if not got.where:
        raise ActionRefused.said("suket.not_delivered", number=slip.number, job=slip.short_id,
                                 why=got.problem or say("suket.nowhere"))
    return got


def issue(store: Store, ref: str, *, operator: str, office_code: str, station_id: str,
          wait_days: int = DEFAULT_WAIT_DAYS, out: Path | None = None, as_text: bool = False,
          printer: Printer | None = None, printer_name: str = "",
          show: Callable[[str], None] | None = None, now: datetime | None = None,
          tz: tzinfo | None = None, office: OfficeConfig | None = None) -> Issued:
    """Make the slip and deliver it (``deliver``). Records the issue once at
    least one destination took it; refuses otherwise (its number given back)."""
    slip = prepare(store, ref, operator=operator, office_code=office_code,
                   station_id=station_id, wait_days=wait_days, now=now, tz=tz, office=office)
    reserve(store, slip)
    got = deliver(slip, out=out, as_text=as_text, printer=printer, printer_name=printer_name,
                  show=show)
    if not got.where:
        _give_back(store, slip)
        raise ActionRefused.said("suket.not_issued", job=slip.short_id,
                                 why=got.problem or say("suket.nowhere"))
    _event(store, slip, got.where)
    return got
