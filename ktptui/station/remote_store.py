"""The store's read side through the station service, for a front attached
to it: an operator logged in as themselves cannot read the station's data
folder (0700), and needs none of it.

* Service half: ``READS`` maps a read onto the service's own store; the
  service serves each one as the request ``store.<name>`` (docs/protocol.md).
* Client half: ``RemoteStore`` has the ``Store`` read methods the fronts
  and the office functions use (``office.reports``, ``office.pickup``,
  ``office.sessions`` read through it unchanged) and returns the same typed
  values. It cannot write: a change goes through a request of the service's
  table (``service.REQUESTS``), which acts as the socket's peer.
* Changes: the service pushes what each commit touched; ``take_changes``
  hands those over the way ``Store.take_changes`` hands over another
  process's commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Kind, KtpError
from ..model import Job, State
from ..store import JobNotFound, chain, ledger
from ..store.journal import Changes
from ..store.records import Event

if TYPE_CHECKING:
    from ..store import Store
    from .client import Remote

Spec = dict[str, tuple[type | tuple[type, ...], object]]

_OPT_STR: tuple[tuple[type, ...], object] = ((str, type(None)), None)
_STATES: tuple[tuple[type, ...], object] = ((list, type(None)), None)
_REQUIRED_STR: tuple[type, object] = (str, "")


class ReadOnly(KtpError):
    """A write tried on the service's store from a front attached to it."""

    error_kind = Kind.REFUSED


def _states(names: list[Any] | None) -> set[State] | None:
    if names is None:
        return None
    try:
        return {State(str(n)) for n in names}
    except ValueError:
        from .protocol import BadMessage

        raise BadMessage("unknown state in 'states'; known: "
                         + ", ".join(s.value for s in State)) from None


def _jobs(jobs: Iterable[Job]) -> list[dict[str, Any]]:
    return [j.to_dict() for j in jobs]


def _find_job(store: Store, a: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"job": store.find_job(a["ref"]).to_dict()}
    except JobNotFound as e:  # an answer, not a failure: the front says it
        return {"missing": str(e), "message": e.message()}


def _events(store: Store, a: dict[str, Any]) -> list[dict[str, Any]]:
    ids = a.pop("job_ids")
    return [e.to_dict() for e in store.events(**a, job_ids=None if ids is None else
                                              [str(i) for i in ids])]


def _reconcile(store: Store, a: dict[str, Any]) -> dict[str, Any]:
    rec = store.reconcile()
    return {"totals": rec.totals.to_dict(), "carried": rec.carried.to_dict(),
            "doubles": list(rec.double_printed_jobs)}


def _archived(store: Store, a: dict[str, Any]) -> dict[str, Any]:
    """``iter_archived_jobs`` one month segment at a time, the first after
    ``after``: a cursor, so years of history are read once, not once a page."""
    stems = [p.stem for p in store.history.segments("jobs")]
    later = [s for s in stems if a["after"] is None or s > a["after"]]
    if not later:
        return {"jobs": [], "segment": None, "more": False}
    hot = {j.id for j in store.jobs()}
    jobs = [d for d in store.history.records("jobs", later[0]) if d["id"] not in hot]
    return {"jobs": jobs, "segment": later[0], "more": len(later) > 1}


#: Read name -> (what it returns, from the service's store; its arguments).
READS: dict[str, tuple[Callable[[Store, dict[str, Any]], Any], Spec]] = {
    "job": (lambda s, a: None if (j := s.job(a["job_id"])) is None else j.to_dict(),
            {"job_id": _REQUIRED_STR}),
    "jobs": (lambda s, a: _jobs(s.jobs(_states(a["states"]))), {"states": _STATES}),
    "count": (lambda s, a: s.count(_states(a["states"]) or set()), {"states": _STATES}),
    "find_job": (_find_job, {"ref": _REQUIRED_STR}),
    "counts": (lambda s, a: s.counts(), {}),
    "meta": (lambda s, a: s.meta(a["key"]), {"key": _REQUIRED_STR}),
    "ledger_entries": (lambda s, a: [e.to_dict() for e in s.ledger_entries(**a)],
                       {"include_archive": (bool, True), "since": _OPT_STR,
                        "until": _OPT_STR}),
    "ledger_totals": (lambda s, a: s.ledger_totals().to_dict(), {}),
    "ledger_of_kind": (lambda s, a: [e.to_dict() for e in
                                     s.ledger_of_kind(ledger.Kind(a["kind"]))],
                       {"kind": _REQUIRED_STR}),
    "ledger_used": (lambda s, a: s.ledger_used(a["since"], a["until"]),
                    {"since": _REQUIRED_STR, "until": _REQUIRED_STR}),
    "ledger_change": (lambda s, a: s.ledger_change(a["since"]), {"since": _REQUIRED_STR}),
    "first_ledger_at": (lambda s, a: s.first_ledger_at(), {}),
    "reconcile": (_reconcile, {}),
    "chain_heads": (lambda s, a: {k: h.to_list() for k, h in s.chain_heads().items()}, {}),
    "events": (_events, {"include_archive": (bool, True), "since": _OPT_STR,
                         "job_id": _OPT_STR, "until": _OPT_STR, "kind": _OPT_STR,
                         "job_ids": _STATES, "last": (bool, False)}),
    "jobs_alive": (lambda s, a: _jobs(s.jobs_alive(a["since"], a["until"])),
                   {"since": _REQUIRED_STR, "until": _REQUIRED_STR}),
    "archived_jobs": (_archived, {"after": _OPT_STR}),
    "history.uncollected": (lambda s, a: s.history.uncollected(a["printed_before"]),
                            {"printed_before": _OPT_STR}),
    "history.uncollected_printed": (lambda s, a: [list(p) for p in
                                                  s.history.uncollected_printed()], {}),
    "history.find_jobs": (lambda s, a: s.history.find_jobs(**a),
                          {"prefix": (str, ""), "nik": (str, ""), "phone": (str, ""),
                           "name": (str, ""), "limit": (int, 200)}),
}


def serve_read(store: Store, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The reply of ``store.<name>`` (arguments already checked)."""
    fn, _ = READS[name]
    return {"value": fn(store, dict(args))}


# -- client ---------------------------------------------------------------------------------

class RemoteStore:
    """The service's store, read through requests; one connection, one
    request at a time (screens' workers may ask from several threads)."""

    def __init__(self, remote: Remote) -> None:
        self._remote = remote
        self._mu = threading.Lock()
        self._changes = Changes()
        self._changes_mu = threading.Lock()
        self.history = _RemoteHistory(self)

    def read(self, what: str, /, **args: Any) -> Any:
        with self._mu:
            return self._remote.call(f"store.{what}", **args).get("value")

    def close(self) -> None:
        self._remote.close()

    # -- changes, as pushed by the service ---------------------------------------------------
    def pushed(self, jobs: Iterable[str], other: Iterable[str], reloaded: bool) -> None:
        """The service said a commit touched these (its ``changed`` push)."""
        with self._changes_mu:
            self._changes.merge(Changes(set(jobs), set(other), reloaded))

    def take_changes(self) -> Changes:
        with self._changes_mu:
            changes, self._changes = self._changes, Changes()
        return changes

    def refresh(self) -> Changes:
        """Nothing to re-read here: every read asks the service, which
        refreshes its store first."""
        return Changes()

    # -- reads --------------------------------------------------------------------------------
    def job(self, job_id: str) -> Job | None:
        d = self.read("job", job_id=job_id)
        return None if d is None else Job.from_dict(d)

    def jobs(self, states: Iterable[State] | None = None) -> list[Job]:
        names = None if states is None else [s.value for s in states]
        return [Job.from_dict(d) for d in self.read("jobs", states=names)]

    def count(self, states: Iterable[State]) -> int:
        return int(self.read("count", states=[s.value for s in states]))

    def active_jobs(self) -> list[Job]:
        from ..model import ACTIVE_STATES

        return self.jobs(ACTIVE_STATES)

    def iter_archived_jobs(self) -> Iterator[Job]:
        after = None
        while True:
            page = self.read("archived_jobs", after=after)
            yield from (Job.from_dict(d) for d in page["jobs"])
            if not page["more"]:
                return
            after = page["segment"]

    def archived_jobs(self) -> list[Job]:
        return list(self.iter_archived_jobs())

    def find_job(self, ref: str) -> Job:
        found = self.read("find_job", ref=ref)
        if "job" not in found:
            raise _RemoteJobNotFound(str(found.get("missing", "")),
                                     str(found.get("message", "")))
        return Job.from_dict(found["job"])

    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.read("counts").items()}

    def meta(self, key: str, default: Any = None) -> Any:
        value = self.read("meta", key=str(key))
        return default if value is None else value

    def ledger_entries(self, *, include_archive: bool = True, since: str | None = None,
                       until: str | None = None) -> list[ledger.Entry]:
        return [ledger.Entry.from_dict(d) for d in self.read(
            "ledger_entries", include_archive=include_archive, since=since, until=until)]

    def ledger_totals(self) -> ledger.Totals:
        return ledger.Totals.from_dict(self.read("ledger_totals"))

    def ledger_of_kind(self, kind: ledger.Kind) -> list[ledger.Entry]:
        return [ledger.Entry.from_dict(d) for d in self.read("ledger_of_kind", kind=kind.value)]

    def ledger_used(self, since: str, until: str) -> int:
        return int(self.read("ledger_used", since=since, until=until))

    def ledger_change(self, since: str) -> int:
        return int(self.read("ledger_change", since=since))

    def first_ledger_at(self) -> str | None:
        value = self.read("first_ledger_at")
        return None if value is None else str(value)

    def reconcile(self) -> ledger.Reconciliation:
        d = self.read("reconcile")
        return ledger.Reconciliation(ledger.Totals.from_dict(d["totals"]),
                                     ledger.Totals.from_dict(d["carried"]),
                                     tuple(str(j) for j in d["doubles"]))

    def chain_heads(self) -> dict[str, chain.Head]:
        return {str(k): chain.Head.from_list(v) for k, v in self.read("chain_heads").items()}

    def events(self, *, include_archive: bool = True, since: str | None = None,
               job_id: str | None = None, until: str | None = None,
               kind: str | None = None, job_ids: Iterable[str] | None = None,
               last: bool = False) -> list[Event]:
        ids = None if job_ids is None else list(job_ids)
        return [Event(**d) for d in self.read(
            "events", include_archive=include_archive, since=since, job_id=job_id,
            until=until, kind=None if kind is None else str(kind), job_ids=ids, last=last)]

    def jobs_alive(self, since: str, until: str) -> list[Job]:
        return [Job.from_dict(d) for d in self.read("jobs_alive", since=since, until=until)]

    def transaction(self) -> Any:
        raise ReadOnly.said("service.read_only")


@dataclass
class _RemoteHistory:
    """The archive's index queries the office functions use."""

    store: RemoteStore

    def uncollected(self, printed_before: str | None = None) -> list[dict[str, Any]]:
        return list(self.store.read("history.uncollected", printed_before=printed_before))

    def uncollected_printed(self) -> list[tuple[str, str]]:
        return [(str(a), str(b)) for a, b in self.store.read("history.uncollected_printed")]

    def find_jobs(self, *, prefix: str = "", nik: str = "", phone: str = "", name: str = "",
                  limit: int = 200) -> list[dict[str, Any]]:
        return list(self.store.read("history.find_jobs", prefix=prefix, nik=nik, phone=phone,
                                    name=name, limit=limit))


if TYPE_CHECKING:
    from ..store import StoreView

    _IS_A_VIEW: type[StoreView] = RemoteStore  # mypy checks it reads like a Store


class _RemoteJobNotFound(JobNotFound):
    """The service's "no such job", with its message in the station's language."""

    def __init__(self, english: str, message: str) -> None:
        super().__init__(english)
        self._message = message

    def message(self) -> str:
        return self._message or str(self)
