"""A client of the station service (docs/protocol.md): the CLI and the TUI
attach through this when the service's socket answers.

``Remote.attach(path)`` is None when no service listens there (the fronts
then work as without one); ``call()`` sends a request and returns its
result, raising the service's error as a ``KtpError`` of the same kind with
its message; ``pushes()`` yields what a subscribed client is sent.
"""

from __future__ import annotations

import contextlib
import errno
import json
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import Kind, KtpError
from . import protocol
from .runner import RunnerEvent, Standby, Started, StatusChanged, Stopped
from .status import StationStatus

if TYPE_CHECKING:
    from .engine import Engine
    from .remote_store import RemoteStore


class RemoteError(KtpError):
    """An error reply: the service's message (in the station's language)."""

    def __init__(self, english: str, message: str) -> None:
        super().__init__(english)
        self._message = message

    def message(self) -> str:
        return self._message or str(self)


#: One subclass per kind, so an error reply keeps its kind (and exit code).
_BY_KIND: dict[str, type[RemoteError]] = {
    kind.value: type(f"Remote{kind.name.title().replace('_', '')}Error", (RemoteError,),
                     {"error_kind": kind, "__doc__": f"An error reply of kind {kind.value}."})
    for kind in Kind
}


def _raise(message: dict[str, Any]) -> NoReturn:
    """An error reply raised as a ``KtpError`` of its kind."""
    error_class = _BY_KIND.get(str(message.get("kind")), _BY_KIND[Kind.REFUSED.value])
    raise error_class(str(message.get("error", "")), str(message.get("message", "")))


class ServiceGone(KtpError):
    """The service went away or answered nonsense mid-request."""

    error_kind = Kind.REFUSED

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"the station service on {path} stopped answering ({why}); "
                         "check `systemctl status ktptui` and try again")
        self.say("service.gone", path=str(path), why=why)


class NotAllowed(KtpError):
    """The service runs but this account may not reach its socket."""

    error_kind = Kind.REFUSED

    def __init__(self, path: Path, group: str) -> None:
        super().__init__(f"the station service runs but you may not reach {path}; "
                         f"have IT add you to group {group} (sudo usermod -aG {group} $USER), "
                         "then log in again")
        self.say("service.not_allowed", path=str(path), group=group)


class Remote:
    def __init__(self, sock: socket.socket, path: Path) -> None:
        self.sock, self.path = sock, path
        self._reader = sock.makefile("rb")
        self._next = 0
        self._pending: list[dict[str, Any]] = []
        # One request at a time: a screen's workers and its UI thread share it.
        self._mu = threading.Lock()

    @classmethod
    def attach(cls, path: Path, *, group: str = "", timeout: float = 30.0) -> Remote | None:
        """Connected to the service on ``path``; None when none listens there."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except OSError as e:
            sock.close()
            if e.errno in (errno.EACCES, errno.EPERM):
                raise NotAllowed(path, group or "ktptui-operators") from None
            return None  # no socket, or a stale one nobody answers on
        return cls(sock, path)

    def close(self) -> None:
        # Shut down first: a thread blocked reading pushes wakes up (closing
        # the reader alone would wait for its lock until the read times out).
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._reader.close()
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self) -> Remote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> dict[str, Any]:
        try:
            line = self._reader.readline(protocol.MAX_REPLY)
        except OSError as e:
            raise ServiceGone(self.path, e.strerror or type(e).__name__) from None
        if not line.endswith(b"\n"):
            raise ServiceGone(self.path, "connection closed")
        try:
            message = json.loads(line)
        except ValueError:
            raise ServiceGone(self.path, "not JSON") from None
        if not isinstance(message, dict):
            raise ServiceGone(self.path, "not a JSON object")
        return message

    def send(self, message: dict[str, Any]) -> None:
        try:
            self.sock.sendall(protocol.encode(message))
        except OSError as e:
            raise ServiceGone(self.path, e.strerror or type(e).__name__) from None

    def call(self, kind: str, /, **args: Any) -> dict[str, Any]:
        """One request; its result, or its error raised with its kind."""
        with self._mu:
            self._next += 1
            ref = self._next
            try:
                self.send({"type": kind, "id": ref, **args})
            except ServiceGone:
                # A service that turned this connection away said why first.
                with contextlib.suppress(ServiceGone):
                    self._said_why(self._read())
                raise
            while True:
                message = self._read()
                self._said_why(message)
                if message.get("id") != ref or message.get("type") not in ("ok", "error"):
                    self._pending.append(message)  # a push meanwhile
                    continue
                if message["type"] == "ok":
                    result = message.get("result")
                    return result if isinstance(result, dict) else {}
                _raise(message)

    @staticmethod
    def _said_why(message: dict[str, Any]) -> None:
        """An error reply to no request (``id`` null) is about the connection
        (refused, too many clients, a line it could not read): raised."""
        if message.get("type") == "error" and message.get("id") is None:
            _raise(message)

    def subscribe(self) -> None:
        self.call("subscribe")

    def pushes(self) -> Iterator[dict[str, Any]]:
        """Pushed messages, as they come, until the service goes (``ServiceGone``)."""
        while True:
            while self._pending:
                yield self._pending.pop(0)
            yield self._read()


class ServiceRunner:
    """A ``runner.Runner`` for a front attached to the service: the station
    runs there, and this tells the front what the service pushes. It runs no
    engine (``running`` False, nothing ``printing_now`` of its own), so a
    front that quits, crashes or loses its terminal leaves the card alone.

    A store commit pushed by the service goes to ``store`` (a front's
    ``RemoteStore``: its ``take_changes`` hands it over) and is then told as
    the last status again: a front re-reads the store with a status (the
    TUI does)."""

    def __init__(self, path: Path, *, group: str = "", store: RemoteStore | None = None) -> None:
        self.path, self.group = path, group
        self.store = store
        self.on_event: Callable[[RunnerEvent], None] | None = None
        self._status: StationStatus | None = None
        self._remote: Remote | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def engine(self) -> Engine | None:
        return None

    @property
    def status(self) -> StationStatus | None:
        return self._status

    @property
    def holder(self) -> str | None:
        return None

    @property
    def printing_now(self) -> bool:
        return False

    @property
    def running(self) -> bool:
        return False

    def _emit(self, event: RunnerEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def attach(self) -> bool:
        """Connect and subscribe now; False when no service answers."""
        remote = Remote.attach(self.path, group=self.group)
        if remote is None:
            return False
        remote.subscribe()
        self._remote = remote
        return True

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._listen, name="ktptui-service-push",
                                            daemon=True)
            self._thread.start()

    def _listen(self) -> None:
        error = ""
        try:
            if self._remote is None and not self.attach():
                raise ServiceGone(self.path, "not running")
            remote = self._remote
            if remote is None:
                return
            remote.sock.settimeout(None)  # pushes come when something changes
            for message in remote.pushes():
                self._on_push(message)
        except KtpError as e:
            if not self._stopping.is_set():
                error = e.message()
        finally:
            self._emit(Stopped(error))

    def _on_push(self, message: dict[str, Any]) -> None:
        match message.get("type"):
            case "status":
                status = StationStatus.from_json(message.get("status"))
                if status is not None:
                    self._status = status
                    self._emit(StatusChanged(status))
            case "changed":
                if self.store is not None:
                    jobs, other = message.get("jobs"), message.get("other")
                    self.store.pushed(
                        [str(j) for j in jobs] if isinstance(jobs, list) else (),
                        [str(o) for o in other] if isinstance(other, list) else (),
                        message.get("reloaded") is True)
                if self._status is not None:
                    self._emit(StatusChanged(self._status))
            case "station" if message.get("phase") == "standby":
                holder = message.get("holder")
                self._emit(Standby(holder if isinstance(holder, str) else None))
            case "station" if message.get("phase") == "running":
                self._emit(Started(False))

    def stop(self, wait: float | None = None) -> bool:
        """Detach (the service prints on)."""
        self._stopping.set()
        if self._remote is not None:
            with contextlib.suppress(OSError):
                self._remote.sock.shutdown(socket.SHUT_RDWR)
        thread = self._thread
        if thread is not None and wait is not None:
            thread.join(wait)
        return thread is None or not thread.is_alive()
