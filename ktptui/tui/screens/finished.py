"""Finished jobs (done, rejected, cancelled), newest first: never mixed into the queue."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...fmt import number, window_start
from ...i18n import t
from ...model import FINAL_STATES, Job
from ...store import JobNotFound, StoreView
from ..desk import AtDesk, StoreChanged
from ..keys import translate
from ..widgets.job_table import JobHeader, JobTable
from .core_call import CoreDone, call_core

#: Jobs finished in the last week: the hot set holds the last day's, the
#: archive the rest (years of them: the screen does not list those).
FINISHED_DAYS = 7


def recent_archived(store: StoreView, since: str) -> list[Job]:
    """Archived jobs changed since ``since``: their ids from the window's
    events (the archive's time index), each job by an indexed lookup."""
    with_hot = {j.id for j in store.jobs()}
    ids = {e.job_id for e in store.events(since=since) if e.job_id and e.job_id not in with_hot}
    found: list[Job] = []
    for job_id in sorted(ids):
        try:
            job = store.find_job(job_id)
        except JobNotFound:  # a damaged record: named in the log, skipped here
            continue
        if job.is_final:
            found.append(job)
    return found


class FinishedScreen(AtDesk, Screen[None]):
    CSS_PATH = "finished.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,d", "details", "key.details", key_display="↵"),
        Binding("k", "suket", "key.suket"),
        Binding("g", "handover", "key.handover"),
        Binding("e", "events", "key.events"),
        Binding("escape,q,s", "app.pop_screen", "key.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)
        self._seq = 0
        self._want = ""
        self._loading = False
        self._count = ""

    def compose(self) -> ComposeResult:
        yield Static(t("queue.finished_title"), id="title", markup=False)
        table = JobTable(finished=True, clock=self.ktp.clock, id="finished")
        yield JobHeader(table, id="finished-header")
        yield table
        yield Footer(compact=True, show_command_palette=False)

    @property
    def table(self) -> JobTable:
        return self.query_one("#finished", JobTable)

    def on_mount(self) -> None:
        """The hot set's finished jobs at once; the archived ones of the week
        from a worker, the title saying it is loading until they are in."""
        self._load()
        self.table.focus()

    def _load(self) -> None:
        store = self.ktp.store
        self.table.load(store.jobs(FINAL_STATES))
        self._loading = True
        self._seq += 1
        self._want = f"finished-{self._seq}"
        self._title()
        since = window_start(self.ktp.clock().astimezone().date(), FINISHED_DAYS)
        call_core(self, self._want, lambda: recent_archived(store, since))

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
        if message.tag != self._want:
            return
        self._loading = False
        if message.error:
            self.notify(message.error, title=t("action.refused"), severity="error")
        elif isinstance(message.value, list):
            self.table.apply(message.value)
        self._title()

    def _title(self) -> None:
        parts = [t("queue.finished_title")]
        if self._count:
            parts.append(self._count)
        if self._loading:
            parts.append(t("common.loading"))
        self.query_one("#title", Static).update(" | ".join(parts))

    def on_job_table_counted(self, message: JobTable.Counted) -> None:
        self._count = t("queue.count", shown=number(message.shown), total=number(message.total))
        self._title()

    def on_job_table_resized(self, message: JobTable.Resized) -> None:
        self.query_one("#finished-header", JobHeader).refresh()

    def on_store_changed(self, message: StoreChanged) -> None:
        store = self.ktp.store
        if message.reloaded:
            self._load()
            return
        upserts = [j for j in (store.job(i) for i in message.jobs) if j is not None and j.is_final]
        if upserts:
            self.table.apply(upserts)

    def action_details(self) -> None:
        from .details import DetailsScreen

        job = self.table.selected
        if job is not None:
            self.app.push_screen(DetailsScreen(job.id, job))

    def action_suket(self) -> None:
        """A rejected ``not_recorded`` job is only here: its Suket too."""
        from .suket import SuketScreen

        job = self.table.selected
        if job is not None:
            self.app.push_screen(SuketScreen(job))

    def action_handover(self) -> None:
        """Hand a card over (issue 13): the selected job's, else type who."""
        from .pickup import HandoverScreen

        job = self.table.selected
        text = job.short_id if job is not None and job.awaiting_pickup else ""
        self.app.push_screen(HandoverScreen(text))

    def action_events(self) -> None:
        from .events import EventsScreen

        job = self.table.selected
        self.app.push_screen(EventsScreen(job))
