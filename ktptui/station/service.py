"""``ktptui serve``: the station service. It runs the station (through
``StationRunner``, headless) and stays up; the TUI and the CLI of every
operator attach through a Unix socket and act through it
(docs/protocol.md), so a dropped SSH session or a closed TUI never touches
the card being printed.

* Who is who: each client is the socket peer's uid (``SO_PEERCRED``), never
  what it says; its role comes from ``roles.who_for_uid``, and the operator
  written into history is that account's name.
* Requests: ``REQUESTS`` maps a request type onto the same ``actions`` and
  office functions the CLI uses (the CLI runs the same table itself when no
  service answers). A new command is one line there.
* Pushes: a subscribed client gets the typed status when it changes and the
  store's changes (job ids, other tables) within a fraction of a second.
* Each client has a reader thread and a writer thread with a bounded
  backlog: a client that floods, sends garbage or never reads is answered or
  dropped, never the service.
"""

from __future__ import annotations

import contextlib
import errno
import grp
import logging
import os
import queue
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import actions
from ..errors import Kind, KtpError
from ..roles import Who, who_for_uid
from . import protocol
from .remote_store import READS, serve_read
from .runner import (
    Notes,
    Restarting,
    RunnerEvent,
    Standby,
    Started,
    StationRunner,
    StatusChanged,
    Stopped,
)
from .status import STATUS_KEY, StationStatus

if TYPE_CHECKING:
    from ..config import Config
    from ..store import Store
    from .engine import Engine

log = logging.getLogger("ktptui.service")

ROLE = "ktptui serve"
#: How often the service looks for commits (the engine's, a local command's)
#: to push; well under the second every screen must see a change in.
WATCH_S = 0.2


class ServiceRunning(KtpError):
    """Another service already answers on the socket."""

    error_kind = Kind.REFUSED


class SocketError(KtpError):
    """The socket cannot be made (its folder, its group)."""

    error_kind = Kind.CONFIG


# -- requests --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """One request's context: the store to act on, who asks (from the
    socket's credentials, or this process for a local command) and the
    operator label written into history."""

    store: Store
    config: Config
    who: Who
    operator: str
    #: Clients attached to the service (0: a local command).
    clients: int = 0


REQUIRED = object()


@dataclass(frozen=True)
class Request:
    """A request type: its function and its arguments, name -> (type, default)."""

    fn: Callable[[Call, dict[str, Any]], dict[str, Any]]
    args: dict[str, tuple[type | tuple[type, ...], object]] = field(default_factory=dict)

    def check(self, body: dict[str, Any]) -> dict[str, Any]:
        """The arguments, typed and defaulted; ``BadMessage`` naming the wrong one."""
        unknown = set(body) - set(self.args) - {"v", "type", "id"}
        if unknown:
            raise protocol.BadMessage(f"unknown argument {sorted(unknown)[0]!r}; "
                                      f"known: {', '.join(self.args) or 'none'}")
        out: dict[str, Any] = {}
        for name, (kind, default) in self.args.items():
            if name not in body:
                if default is REQUIRED:
                    raise protocol.BadMessage(f"argument {name!r} is missing")
                out[name] = default
                continue
            value = body[name]
            kinds = kind if isinstance(kind, tuple) else (kind,)
            if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
                raise protocol.BadMessage(f"argument {name!r} has the wrong type "
                                          f"({type(value).__name__})")
            if isinstance(value, str) and len(value) > 1000:
                raise protocol.BadMessage(f"argument {name!r} is too long")
            out[name] = value
        return out


def job_summary(job: Any) -> dict[str, Any]:
    return {"id": job.id, "short_id": job.short_id, "state": job.state.value,
            "priority": job.priority.value, "attempt": job.attempt, "printer": job.printer}


def _add(c: Call, a: dict[str, Any]) -> dict[str, Any]:
    from ..model import Reason

    try:
        reason = Reason(a["reason"])
    except ValueError:
        raise protocol.BadMessage(f"unknown reason {a['reason']!r}; known: "
                                  + ", ".join(r.value for r in Reason)) from None
    return {"job": job_summary(actions.add(
        c.store, a["nik"], operator=c.operator, reason=reason, urgent=a["urgent"],
        note=a["note"], name=a["name"], phone_text=a["phone"],
        wait_for_citizen=c.config.office.print_when == "citizen_present"))}


def _job_action(fn: Callable[..., Any], **fixed: Any) -> Callable[[Call, dict[str, Any]],
                                                                   dict[str, Any]]:
    def run(c: Call, a: dict[str, Any]) -> dict[str, Any]:
        return {"job": job_summary(fn(c.store, a.pop("job"), operator=c.operator, **fixed,
                                      **a))}

    return run


def _resolve(c: Call, a: dict[str, Any]) -> dict[str, Any]:
    from ..printers import still_queued_check

    outcome = actions.RESOLUTIONS.get(a["outcome"])
    if outcome is None:
        raise protocol.BadMessage(f"unknown outcome {a['outcome']!r}; known: "
                                  + ", ".join(actions.RESOLUTIONS))
    job = actions.resolve(c.store, a["job"], outcome, operator=c.operator, note=a["note"],
                          still_queued=still_queued_check(c.config))
    return {"job": job_summary(job)}


def _pause(paused: bool) -> Callable[[Call, dict[str, Any]], dict[str, Any]]:
    def run(c: Call, a: dict[str, Any]) -> dict[str, Any]:
        (actions.pause if paused else actions.unpause)(c.store, operator=c.operator,
                                                       note=a["note"])
        return {"paused": paused}

    return run


def blanks_summary(store: Store) -> dict[str, Any]:
    from ..office import reports

    rec = store.reconcile()
    fc = reports.blanks_forecast(store, rec.carried.balance)
    return {
        **rec.carried.to_dict(),
        "reconciled": rec.ok,
        "reconciliation": rec.describe(),
        "used_per_day_7d": round(fc.per_day, 2),
        "days_left": None if fc.days_left is None else round(fc.days_left, 1),
    }


def _blanks(kind: str) -> Callable[[Call, dict[str, Any]], dict[str, Any]]:
    def run(c: Call, a: dict[str, Any]) -> dict[str, Any]:
        match kind:
            case "receive":
                entry = actions.receive_blanks(c.store, a["count"], operator=c.operator,
                                               note=a["note"], ref=a["ref"])
            case "spoil":
                job_id = c.store.find_job(a["job"]).id if a["job"] else None
                entry = actions.spoil_blank(c.store, operator=c.operator, note=a["note"],
                                            job_id=job_id)
            case _:
                entry = actions.adjust_blanks(c.store, a["delta"], operator=c.operator,
                                              reason=a["reason"], who=c.who,
                                              supervisor_group=c.config.office.supervisor_group)
        return {"blanks": blanks_summary(c.store), "entry": entry.to_dict()}

    return run


def _printer(paused: bool) -> Callable[[Call, dict[str, Any]], dict[str, Any]]:
    def run(c: Call, a: dict[str, Any]) -> dict[str, Any]:
        names = [name for name, _ in c.config.printer_list()]
        if a["printer"] not in names:
            raise protocol.BadMessage.said("service.no_printer", name=repr(a["printer"]),
                                           known=", ".join(names))
        fn = actions.pause_printer if paused else actions.resume_printer
        fn(c.store, a["printer"], operator=c.operator, note=a["note"])
        return {"printer": a["printer"], "paused": paused}

    return run


def _session(opening: bool) -> Callable[[Call, dict[str, Any]], dict[str, Any]]:
    def run(c: Call, a: dict[str, Any]) -> dict[str, Any]:
        from ..office import sessions

        if opening:
            return {"session": sessions.open_session(c.store, operator=c.operator, **a).to_dict()}
        return {"summary": sessions.close_session(c.store, operator=c.operator, **a).to_dict()}

    return run


def _purge(c: Call, a: dict[str, Any]) -> dict[str, Any]:
    """Retention: personal data leaves finished jobs (a supervisor's act: it
    cannot be undone)."""
    from ..i18n import t
    from ..office import retention
    from ..roles import require_supervisor

    group = c.config.office.supervisor_group
    require_supervisor(c.who, t("role.purge"), supervisor_group=group)
    days = c.config.store.retain_personal_days
    return {"changed": retention.purge(c.store, days=days, operator=c.operator), "days": days}


def _approve(c: Call, a: dict[str, Any]) -> dict[str, Any]:
    entry = actions.approve_count(c.store, a["entry"], operator=c.operator, who=c.who,
                                  supervisor_group=c.config.office.supervisor_group)
    return {"entry": entry.to_dict()}


def _suket(c: Call, a: dict[str, Any]) -> dict[str, Any]:
    """A Suket's store part (number, event); the front delivers the slip
    where ``outputs`` says, as its operator (``suket.deliver``)."""
    from ..office import suket
    from ..text import clean

    places = a["outputs"]
    if not 1 <= len(places) <= 3 or not all(
            isinstance(o, list) and len(o) == 2 and o[0] in suket.DESTINATIONS
            and isinstance(o[1], str) and len(o[1]) <= 300 for o in places):
        raise protocol.BadMessage("argument 'outputs' must list 1 to 3 places the slip goes, "
                                  'each [to, where] (e.g. ["file", "/home/siti/suket.pdf"], '
                                  '["screen", ""])')
    office = c.config.office
    slip = suket.record(c.store, a["job"],
                        outputs=[suket.destination_words(to, clean(where))
                                 for to, where in places],
                        operator=c.operator, office_code=c.config.station.office_code,
                        station_id=c.config.station.id, wait_days=office.suket_after_days,
                        office=office)
    return {"slip": slip.to_dict()}


def station_summary(store: Store, config: Config) -> dict[str, Any]:
    """``ktptui status``'s object: read from the store, so true with no engine."""
    from ..model import State, started_printing
    from ..office import sessions
    from .status import SCHEMA

    stuck = sorted(store.jobs([State.INTERRUPTED]), key=lambda j: started_printing(j) or "")
    engine = StationStatus.from_json(store.meta(STATUS_KEY))
    return {
        "schema": SCHEMA,
        "jobs": store.counts(),
        "blanks": store.ledger_totals().to_dict(),
        "outbox": len(store.outbox()),
        "engine": None if engine is None else engine.to_json(),
        "paused": store.meta(actions.PAUSED_KEY),
        "interrupted": [{"job": j.id, "holder": j.holder_name, "printer": j.printer,
                         "started_at": started_printing(j)} for j in stuck],
        "printers_paused": actions.paused_printers(store),
        "session_required": config.office.require_session,
        "session_open": sessions.current(store) is not None,
    }


def _jobs(c: Call, a: dict[str, Any]) -> dict[str, Any]:
    """The hot set in queue order: active jobs, or with ``states`` / ``all``
    every job of the last day in those states (the archive is not sent)."""
    from ..model import State, queue_order

    names = a["states"]
    if names is not None and not all(isinstance(n, str) for n in names):
        raise protocol.BadMessage("argument 'states' must be a list of state names")
    try:
        states = {State(n) for n in names} if names else None
    except ValueError:
        raise protocol.BadMessage("unknown state in 'states'; known: "
                                  + ", ".join(s.value for s in State)) from None
    jobs = c.store.jobs(states) if states or a["all"] else c.store.active_jobs()
    return {"jobs": [j.to_dict() for j in queue_order(jobs)]}


def _hello(c: Call, a: dict[str, Any]) -> dict[str, Any]:
    return {"protocol": protocol.VERSION, "pid": os.getpid(), "user": c.who.user,
            "role": c.who.role.value, "clients": c.clients}


_NOTE: tuple[type, object] = (str, "")
_JOB: tuple[type, object] = (str, REQUIRED)
#: A physical count of the blanks on hand, confirmed when it differs.
_COUNT: dict[str, tuple[type | tuple[type, ...], object]] = {
    "count": (int, REQUIRED), "confirm": ((int, type(None)), None), "reason": (str, "")}

#: Request type -> what it does. ``subscribe`` is the service's own.
REQUESTS: dict[str, Request] = {
    "hello": Request(_hello),
    "status": Request(lambda c, a: station_summary(c.store, c.config)),
    "jobs": Request(_jobs, {"states": ((list, type(None)), None), "all": (bool, False)}),
    "show": Request(lambda c, a: {"job": c.store.find_job(a["job"]).to_dict()}, {"job": _JOB}),
    "add": Request(_add, {"nik": (str, REQUIRED), "reason": (str, "new"),
                          "urgent": (bool, False), "note": _NOTE,
                          "name": ((str, type(None)), None), "phone": ((str, type(None)), None)}),
    "hold": Request(_job_action(actions.hold), {"job": _JOB, "note": _NOTE}),
    "release": Request(_job_action(actions.release), {"job": _JOB, "note": _NOTE}),
    "cancel": Request(_job_action(actions.cancel), {"job": _JOB, "note": _NOTE}),
    "urgent": Request(_job_action(actions.make_urgent),
                      {"job": _JOB, "note": _NOTE, "urgent": (bool, True)}),
    "resolve": Request(_resolve, {"job": _JOB, "outcome": (str, REQUIRED), "note": _NOTE}),
    "pause": Request(_pause(True), {"note": _NOTE}),
    "unpause": Request(_pause(False), {"note": _NOTE}),
    "blanks_receive": Request(_blanks("receive"), {"count": (int, REQUIRED), "note": _NOTE,
                                                   "ref": (str, "")}),
    "blanks_spoil": Request(_blanks("spoil"), {"note": _NOTE, "job": ((str, type(None)), None)}),
    "blanks_adjust": Request(_blanks("adjust"), {"delta": (int, REQUIRED),
                                                 "reason": (str, REQUIRED)}),
    "blanks_show": Request(lambda c, a: {"blanks": blanks_summary(c.store)}),
    "arrive": Request(_job_action(actions.arrive), {"job": _JOB, "note": _NOTE}),
    "handover": Request(_job_action(actions.handover),
                        {"job": _JOB, "to": ((str, type(None)), None), "note": _NOTE}),
    "printer_pause": Request(_printer(True), {"printer": (str, REQUIRED), "note": _NOTE}),
    "printer_resume": Request(_printer(False), {"printer": (str, REQUIRED), "note": _NOTE}),
    "session_open": Request(_session(True), _COUNT),
    "session_close": Request(_session(False), _COUNT),
    "purge": Request(_purge),
    "approve": Request(_approve, {"entry": (str, REQUIRED)}),
    "suket": Request(_suket, {"job": _JOB, "outputs": (list, REQUIRED)}),
}


def _read(name: str) -> Callable[[Call, dict[str, Any]], dict[str, Any]]:
    return lambda c, a: serve_read(c.store, name, a)


# The store's reads, for fronts that cannot open it (remote_store.RemoteStore).
REQUESTS.update({f"store.{name}": Request(_read(name), spec)
                 for name, (_, spec) in READS.items()})


def run_request(call: Call, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """One request by the table: the service's and the CLI's one path."""
    request = REQUESTS.get(kind)
    if request is None:
        raise protocol.BadMessage(f"unknown request type {kind!r}; known: "
                                  + ", ".join(["subscribe", *REQUESTS]))
    return request.fn(call, request.check(body))


# -- the socket ------------------------------------------------------------------------------

def peer_uid(sock: socket.socket) -> int:
    """The connecting process's uid, from the kernel (``SO_PEERCRED``)."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def peer_gid(sock: socket.socket) -> int:
    """The connecting process's effective gid, from the kernel."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[2])


def may_attach(who: Who, gid: int, operator_group: str, supervisor_group: str) -> bool:
    """Root, the service's own account, or a member of the operator or the
    supervisor group (by the account's groups, or the group it connects as)."""
    if who.uid in (0, os.getuid()) or {operator_group, supervisor_group} & who.groups:
        return True
    for name in (operator_group, supervisor_group):
        with contextlib.suppress(KeyError):
            if grp.getgrnam(name).gr_gid == gid:
                return True
    return False


def answers(path: Path, timeout: float = 2.0) -> bool:
    """A service listens on ``path`` (connecting is enough)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(str(path))
        except OSError as e:
            return e.errno in (errno.EACCES, errno.EPERM)  # there, but not for us
        return True


def make_socket(path: Path, group: str) -> socket.socket:
    """Listen on ``path``: 0660 and group ``group`` (when the group exists),
    its folder made 0750 if missing (the unit's RuntimeDirectory makes it)."""
    if answers(path):
        raise ServiceRunning(f"a station service already answers on {path}; "
                             "stop it first (systemctl stop ktptui)")
    try:
        gid: int | None = grp.getgrnam(group).gr_gid
    except KeyError:
        log.warning("group %s does not exist: only this account reaches %s "
                    "(sudo groupadd %s)", group, path, group)
        gid = None
    folder = path.parent
    try:
        if not folder.is_dir():
            folder.mkdir(mode=0o750, parents=True)
            if gid is not None:
                os.chown(folder, -1, gid)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a stale socket: nobody answered on it
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o117)  # 0660 from the start, no window
        try:
            sock.bind(str(path))
        finally:
            os.umask(old)
        os.chmod(path, 0o660)
        if gid is not None:
            os.chown(path, -1, gid)
    except OSError as e:
        raise SocketError(f"[service] socket {path}: {e.strerror or e}; fix the folder's "
                          "owner or name another socket in the config") from None
    sock.listen(16)
    return sock


class Client:
    """One connected client: its reader (this thread) and its writer."""

    def __init__(self, service: StationService, sock: socket.socket, who: Who) -> None:
        self.service, self.sock, self.who = service, sock, who
        self.subscribed = False
        self.outbox: queue.Queue[bytes | None] = queue.Queue(protocol.MAX_BACKLOG)
        self.closed = threading.Event()

    def send(self, message: dict[str, Any]) -> None:
        """Queue a message; a client too far behind is dropped."""
        if self.closed.is_set():
            return
        try:
            self.outbox.put_nowait(protocol.encode(message))
        except queue.Full:
            log.warning("client %s does not read: dropped", self.who.user)
            self.close()

    def close(self) -> None:
        if not self.closed.is_set():
            self.closed.set()
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(queue.Full):
                self.outbox.put_nowait(None)

    def write_loop(self) -> None:
        try:
            while not self.closed.is_set():
                data = self.outbox.get()
                if data is None:
                    break
                self.sock.sendall(data)  # the socket's timeout bounds a stuck reader
        except OSError:
            pass
        finally:
            self.close()

    def read_loop(self) -> None:
        reader = self.sock.makefile("rb")
        try:
            while not self.closed.is_set():
                line = reader.readline(protocol.MAX_REQUEST + 1)
                if not line:
                    break
                if len(line) > protocol.MAX_REQUEST:
                    self.send(protocol.error_reply(None, protocol.BadMessage(
                        f"message longer than {protocol.MAX_REQUEST} bytes; send one short "
                        "JSON object per line")))
                    while line and not line.endswith(b"\n"):  # skip the rest of it
                        line = reader.readline(protocol.MAX_REQUEST + 1)
                    continue
                if line.strip():
                    self.send(self.service.handle(self, line))
        except OSError:
            pass
        finally:
            reader.close()
            self.close()


class StationService:
    """The socket, the clients and the station runner, until ``stop()``."""

    def __init__(self, config: Config, *, socket_path: Path | None = None,
                 engine_factory: Callable[[Store, Callable[[StationStatus], None]], Engine]
                 | None = None,
                 takeover_s: float = 2.0, restart_s: float = 5.0) -> None:
        from ..store import open_store

        self.config = config
        self.path = socket_path or config.service.socket
        # Three views of one store: the engine's, the requests' (one at a
        # time) and the watcher's, which sees every commit as another process's.
        self.store = open_store(config.store.data_dir)
        self._watch_store = open_store(config.store.data_dir)
        engine_store = open_store(config.store.data_dir)
        self._factory = engine_factory
        self._engine_store = engine_store
        self._mu = threading.Lock()  # requests, one at a time
        self._clients: set[Client] = set()
        self._clients_mu = threading.Lock()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._status: dict[str, Any] | None = None
        self._station: dict[str, Any] = {"type": "station", "phase": "starting"}
        self.runner = self._make_runner(takeover_s, restart_s)
        self.error: KtpError | None = None

    def _make_runner(self, takeover_s: float, restart_s: float) -> StationRunner:
        from ..locks import EngineLock

        def factory(on_status: Callable[[StationStatus], None]) -> Engine:
            if self._factory is not None:
                return self._factory(self._engine_store, on_status)
            from .build import build_engine

            return build_engine(self.config, self._engine_store, operator=ROLE,
                                on_status=on_status)

        # Standby, never exit, while another process (a TUI) holds the
        # printer; a crashed engine restarts in this process: the service
        # stays up and never loops through systemd's restarts.
        return StationRunner(EngineLock(self.config.store.data_dir), factory, role=ROLE,
                             on_event=self._on_runner_event, takeover_s=takeover_s,
                             max_restarts=1_000_000, restart_s=restart_s)

    # -- running ---------------------------------------------------------------------------
    def start(self) -> None:
        """Listen, start the runner and the watcher (threads); returns at once."""
        self._sock = make_socket(self.path, self.config.office.operator_group)
        self._sock.settimeout(0.5)
        threading.Thread(target=self._accept_loop, args=(self._sock,), name="ktptui-accept",
                         daemon=True).start()
        threading.Thread(target=self._watch_loop, name="ktptui-watch", daemon=True).start()
        self.runner.start()
        log.info("station service on %s", self.path)

    def wait(self) -> None:
        """Until ``stop()``, or the runner ends for good (a config error)."""
        while not self._stop.wait(0.5):
            if not self.runner.alive and self.runner.summary() is not None:
                break

    def stop(self, wait: float | None = None) -> bool:
        """The card in progress finishes; then the socket goes."""
        self._stop.set()
        done = self.runner.stop(wait)
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            with contextlib.suppress(OSError):
                self.path.unlink()
        with self._clients_mu:
            clients = list(self._clients)
        for client in clients:
            client.close()
        return done

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._stop.is_set():
                    return
                continue
            try:
                self._welcome(conn)
            except OSError:
                conn.close()

    def _welcome(self, conn: socket.socket) -> None:
        conn.settimeout(10.0)  # a send to a client that never reads gives up
        office = self.config.office
        who = who_for_uid(peer_uid(conn), supervisor_group=office.supervisor_group)
        if not may_attach(who, peer_gid(conn), office.operator_group, office.supervisor_group):
            # The socket's mode keeps others out; this holds if it is loosened.
            log.warning("refused a client: uid %d is not in group %s or %s", who.uid,
                        office.operator_group, office.supervisor_group)
            refusal = PeerRefused.said("service.peer_refused", user=who.user, uid=who.uid,
                                       group=office.operator_group,
                                       supervisors=office.supervisor_group)
            conn.sendall(protocol.encode(protocol.error_reply(None, refusal)))
            conn.close()
            return
        client = Client(self, conn, who)
        with self._clients_mu:
            full = len(self._clients) >= protocol.MAX_CLIENTS
            if not full:
                self._clients.add(client)
        if full:
            conn.sendall(protocol.encode(protocol.error_reply(None, _Busy(
                f"{protocol.MAX_CLIENTS} clients already attached; close one"))))
            conn.close()
            return
        conn.settimeout(None)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 10, 0))

        def read() -> None:
            try:
                client.read_loop()
            finally:
                with self._clients_mu:
                    self._clients.discard(client)

        threading.Thread(target=read, name="ktptui-client-read", daemon=True).start()
        threading.Thread(target=client.write_loop, name="ktptui-client-write",
                         daemon=True).start()

    def handle(self, client: Client, line: bytes) -> dict[str, Any]:
        """One request line -> its reply; every error becomes an error reply."""
        ref: object = None
        try:
            body = protocol.decode(line)
            ref = body.get("id")
            kind = body["type"]
            if kind == "subscribe":
                self._subscribe(client)
                return protocol.reply(ref, {"subscribed": True})
            with self._clients_mu:
                clients = len(self._clients)
            call = Call(self.store, self.config, client.who, client.who.user, clients)
            with self._mu:
                self.store.refresh()  # reads see every commit, as a new process would
                return protocol.reply(ref, run_request(call, kind, body))
        except KtpError as e:
            return protocol.error_reply(ref, e)
        except Exception as e:  # a bug must not end the service: say it, log it
            log.exception("request failed")
            return protocol.error_reply(ref, _Failed(f"the service failed on this request "
                                                     f"({type(e).__name__}); see its log"))

    def _subscribe(self, client: Client) -> None:
        client.subscribed = True
        client.send(self._station)
        if self._status is not None:
            client.send({"type": "status", "status": self._status})

    def _push(self, message: dict[str, Any]) -> None:
        with self._clients_mu:
            clients = [c for c in self._clients if c.subscribed]
        for client in clients:
            client.send(message)

    def _watch_loop(self) -> None:
        """Push every commit (the engine's, a request's, a local command's)."""
        while not self._stop.wait(WATCH_S):
            try:
                changes = self._watch_store.take_changes()
            except KtpError as e:
                log.warning("watching the store: %s", e)
                continue
            if changes:
                self._push({"type": "changed", "jobs": sorted(changes.jobs),
                            "other": sorted(changes.other), "reloaded": changes.reloaded})

    def _on_runner_event(self, event: RunnerEvent) -> None:
        match event:
            case StatusChanged(status=status):
                self._status = status.to_json()
                self._push({"type": "status", "status": self._status})
                return
            case Standby(holder=holder):
                log.warning("on standby: %s drives the printer", holder or "another process")
                self._station = {"type": "station", "phase": "standby", "holder": holder}
            case Started():
                self._station = {"type": "station", "phase": "running"}
            case Notes(notes=notes):
                for note in notes:
                    log.warning("%s", note)
                return
            case Restarting(error=error, attempt=attempt):
                self._station = {"type": "station", "phase": "restarting", "error": error,
                                 "attempt": attempt}
            case Stopped(error=error):
                self._station = {"type": "station", "phase": "stopped", "error": error}
            case _:
                return
        self._push(self._station)


class _Busy(KtpError):
    error_kind = Kind.REFUSED


class _Failed(KtpError):
    error_kind = Kind.STORE


class PeerRefused(KtpError):
    """A socket peer that is neither root, the service's account, nor in the
    operator or supervisor group."""

    error_kind = Kind.REFUSED


def run_serve(config_path: Path | None) -> int:
    """``ktptui serve``: exit 0 after SIGTERM/SIGINT (the card in progress
    finished), 2 config error (the socket's folder too), 1 store error or
    another service on the socket, 70 a bug."""
    import signal

    from ..config import ConfigError, load
    from ..i18n import set_language
    from ..logs import setup_service_logging
    from ..store import StoreError

    setup_service_logging()
    try:
        config = load(config_path)
        set_language(config.ui.language)
        service = StationService(config)
        service.start()
    except (ConfigError, StoreError, ServiceRunning, SocketError) as e:
        log.error("%s", e)
        return e.exit_code

    def on_signal(signum: int, frame: object) -> None:
        log.info("%s: finishing the card in progress, then stopping",
                 signal.Signals(signum).name)
        service._stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    service.wait()
    asked = service._stop.is_set()  # a signal, not the runner giving up
    service.stop(wait=None)
    service.runner.stop(wait=600)
    summary = service.runner.summary()
    if summary is not None and summary.error and not asked:
        log.error("the station cannot run: %s", summary.error)
        return 2  # the factory refused the config: a restart cannot fix it
    return 0

