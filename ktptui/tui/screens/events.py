"""The event log: the audit trail, newest first; ``j`` shows only the
selected job's events (``audit.trail(job_id=...)``) and back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...store import Event
from ..fmt import local_time, one_line
from ..i18n import t
from ..keys import translate
from ..widgets.lines_view import LinesView

if TYPE_CHECKING:
    from ...model import Job
    from ..app import KtpApp


def event_line(e: Event) -> str:
    job = f" [{e.job_id[:8]}]" if e.job_id else ""
    return f"{local_time(e.at, with_date=True)} {e.kind:8} {e.operator}{job} {one_line(e.detail)}"


class EventsScreen(Screen[None]):
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

    @property
    def ktp(self) -> KtpApp:
        from ..app import KtpApp

        assert isinstance(self.app, KtpApp)
        return self.app

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
        from ...nik import mask

        job = self.job if self.only_job else None
        # The store the App polls (audit.trail is refresh() + events()).
        events = self.ktp.store.events(job_id=job.id if job is not None else None)
        lines = [event_line(e) for e in reversed(events)] or [t("events.empty")]
        self.query_one("#title", Static).update(
            t("events.job_title", job=job.short_id, nik=mask(job.nik)) if job is not None
            else t("events.title"))
        self.query_one(LinesView).set_lines(lines)

    def store_changed(self, jobs: set[str], other: set[str], reloaded: bool) -> None:
        if reloaded or "events" in other:
            self.load()
