"""What screens use of the App, as one typed interface: the ``Desk``.

Screens reach the station through ``self.ktp`` (the ``AtDesk`` mixin), typed
as ``Desk``, never as the App class: importing ``tui.app`` from a screen
would make an import cycle (the App imports its screens). ``DeskApp`` is the
App's small base that hands the desk out; ``KtpApp`` is one, and mypy checks
that it fits the protocol where it returns itself as the desk.

The App tells screens about the store with messages, not by calling hooks
it looks up by name: ``StoreChanged`` after a commit (another process's or
its own) and ``BlanksKnown`` when the blanks forecast is in. A screen that
cares handles ``on_store_changed`` / ``on_blanks_known``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.message import Message

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from ..fmt import Clock
    from ..model import Job, Outcome
    from ..office.sessions import Session, Summary
    from ..office.suket import Issued
    from ..printers.base import Printer
    from ..store import StoreView
    from .office import OfficeSettings
    from .status import BlanksInfo

R = TypeVar("R")


class Desk(Protocol):
    """The station as screens see it. ``store`` is for reading (attached to
    the station service it is a ``RemoteStore``): every change goes through
    ``act`` (or ``count_session``)."""

    store: StoreView
    operator: str
    clock: Clock
    office: OfficeSettings
    data_dir: Path
    low_threshold: int
    blanks: BlanksInfo
    blanks_per_day: float | None

    @property
    def paused(self) -> bool: ...

    @property
    def printing_now(self) -> bool: ...

    @property
    def screen_stack(self) -> list[Screen[Any]]: ...

    def start(self) -> None: ...

    def shutdown(self) -> None: ...

    def act(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R | None: ...

    def count_session(self, opening: bool, count: int, *, confirm: int | None, reason: str,
                      now: datetime) -> Session | Summary: ...

    def issue_suket(self, job_id: str, now: datetime, *, out: Path | None = None,
                    as_text: bool = False, printer: Printer | None = None,
                    printer_name: str = "") -> Issued: ...

    def job_action(self, name: str, job: Job | None, note: str = "") -> Job | None: ...

    def resolve(self, job: Job, outcome: Outcome) -> None: ...

    def set_paused(self, paused: bool) -> None: ...

    def printer_names(self) -> list[str]: ...

    def paused_printers(self) -> set[str]: ...

    def toggle_printer_pause(self, name: str) -> None: ...

    def poll_store(self) -> None: ...

    def apply_changes(self, job_ids: Iterable[str], other: Iterable[str] = (),
                      *, reloaded: bool = False) -> None: ...

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


class DeskApp(App[int]):
    """An App that hands screens a ``Desk`` (and the command palette its
    commands, so ``commands`` need not import the App either)."""

    @property
    def desk(self) -> Desk:
        raise NotImplementedError

    def station_commands(self) -> list[tuple[str, Callable[[], object]]]:
        """The palette's (title, run) pairs."""
        return []


def desk(node: DOMNode) -> Desk:
    """The desk of the App ``node`` runs in."""
    app = node.app
    if not isinstance(app, DeskApp):
        raise LookupError(f"{type(app).__name__} is not a station App")
    return app.desk


class AtDesk:
    """Mixin for screens: ``self.ktp`` is the station's desk."""

    @property
    def ktp(self) -> Desk:
        assert isinstance(self, DOMNode)
        return desk(self)


class StoreChanged(Message, bubble=False):
    """The store changed: these jobs, these other parts ("ledger", "meta",
    "events"), or all of it (``reloaded``)."""

    def __init__(self, jobs: set[str], other: set[str], reloaded: bool) -> None:
        super().__init__()
        self.jobs = jobs
        self.other = other
        self.reloaded = reloaded


class BlanksKnown(Message, bubble=False):
    """The blanks forecast is in (``Desk.blanks``, ``Desk.blanks_per_day``)."""
