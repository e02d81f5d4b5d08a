"""The event log: the audit trail, newest first; ``j`` shows only the
selected job's events (``audit.trail(job_id=...)``) and back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...fmt import one_line, stamp, window_start
from ...i18n import t, t_opt
from ...store import Event
from ..desk import AtDesk, StoreChanged
from ..keys import translate
from ..widgets.lines_view import LinesView
from .core_call import CoreDone, call_core

if TYPE_CHECKING:
    from ...model import Job

#: The whole log is years of events: the screen lists the last week (one
#: job's events are listed whole: found through the archive's index).
EVENTS_DAYS = 7


def event_line(e: Event) -> str:
    job = f" [{e.job_id[:8]}]" if e.job_id else ""
    kind = t_opt(f"event.kind.{e.kind}", e.kind)
    return f"{stamp(e.at, seconds=True)} {kind:8} {e.operator}{job} {one_line(e.shown())}"


class EventsScreen(AtDesk, Screen[None]):
    CSS_PATH = "events.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "job_filter(True)", "key.job_only"),
        Binding("j", "job_filter(False)", "key.job_all"),
        Binding("escape,q,e", "app.pop_screen", "key.back"),
    ]

    def __init__(self, job: Job | None = None) -> None:
        super().__init__()
        translate(self)
        #: The job ``j`` filters on (given, else the one selected below at mount).
        self.job = job
        self.only_job = job is not None
        self._seq = 0
        self._want = ""
        self._view = ""

    def compose(self) -> ComposeResult:
        yield Static(t("events.title"), id="title", markup=False)
        yield LinesView(id="events")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if self.job is None:
            from .core_call import selected_job

            self.job = selected_job(self.ktp, below=self)
        self.load()
        self.query_one(LinesView).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "job_filter":
            return self.job is not None and bool(parameters and parameters[0]) != self.only_job
        return True

    def action_job_filter(self, only: bool) -> None:
        self.only_job = only and self.job is not None
        self.load()
        self.refresh_bindings()

    def load(self) -> None:
        """The events come from a worker (they are read from the archive);
        the title at once, a loading line until they are in."""
        from ...nik import mask

        job = self.job if self.only_job else None
        store = self.ktp.store
        self.query_one("#title", Static).update(
            t("events.job_title", job=job.short_id, nik=mask(job.nik)) if job is not None
            else t("events.title"))
        view = "job" if job is not None else "all"
        if view != self._view:  # another list: not the old one under the new title
            self._view = view
            self.query_one(LinesView).set_lines([t("common.loading")])
        self._seq += 1
        self._want = f"events-{self._seq}"
        if job is not None:
            job_id = job.id

            def work() -> object:
                return [event_line(e) for e in reversed(store.events(job_id=job_id))]
        else:
            since = window_start(self.ktp.clock().astimezone().date(), EVENTS_DAYS)

            def work() -> object:
                return [event_line(e) for e in reversed(store.events(since=since))]

        call_core(self, self._want, work)

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
        if message.tag != self._want:
            return  # overtaken by a newer request
        lines = message.value if not message.error else [
            t("action.refused") + ": " + message.error]
        assert isinstance(lines, list)
        self.query_one(LinesView).set_lines(lines or [t("events.empty")])

    def on_store_changed(self, message: StoreChanged) -> None:
        if message.reloaded or "events" in message.other:
            self.load()
