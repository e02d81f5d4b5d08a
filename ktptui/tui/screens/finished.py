"""Finished jobs (done, rejected, cancelled), newest first: never mixed into the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from ...model import FINAL_STATES
from ..i18n import t
from ..keys import translate
from ..widgets.job_table import JobHeader, JobTable

if TYPE_CHECKING:
    from ..app import KtpApp


class FinishedScreen(Screen[None]):
    CSS_PATH = "finished.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,d", "details", "key.details", key_display="↵"),
        Binding("k", "suket", "key.suket"),
        Binding("e", "events", "key.events"),
        Binding("escape,q,s", "app.pop_screen", "key.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)

    @property
    def ktp(self) -> KtpApp:
        from ..app import KtpApp

        assert isinstance(self.app, KtpApp)
        return self.app

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
        store = self.ktp.store
        self.table.load([*store.jobs(FINAL_STATES), *store.archived_jobs()])
        self.table.focus()

    def on_job_table_counted(self, message: JobTable.Counted) -> None:
        count = t("queue.count", shown=message.shown, total=message.total)
        self.query_one("#title", Static).update(f"{t('queue.finished_title')} | {count}")

    def on_job_table_resized(self, message: JobTable.Resized) -> None:
        self.query_one("#finished-header", JobHeader).refresh()

    def store_changed(self, jobs: set[str], other: set[str], reloaded: bool) -> None:
        store = self.ktp.store
        if reloaded:
            self.table.load([*store.jobs(FINAL_STATES), *store.archived_jobs()])
            return
        upserts = [j for j in (store.job(i) for i in jobs) if j is not None and j.is_final]
        if upserts:
            self.table.apply(upserts)

    def action_details(self) -> None:
        from .details import DetailsScreen

        job = self.table.selected
        if job is not None:
            self.app.push_screen(DetailsScreen(job.id))

    def action_suket(self) -> None:
        """A rejected ``not_recorded`` job is only here: its Suket too."""
        from .suket import SuketScreen

        job = self.table.selected
        if job is not None:
            self.app.push_screen(SuketScreen(job))

    def action_events(self) -> None:
        from .events import EventsScreen

        job = self.table.selected
        self.app.push_screen(EventsScreen(job))
