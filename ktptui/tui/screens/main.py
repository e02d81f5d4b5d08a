"""The main screen: the status bar, the queue, and every common action one key away."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Input, Static

from ... import fmt
from ...i18n import t
from ...model import Job, Outcome, Priority, State
from .. import keymap
from ..desk import AtDesk
from ..keys import translate
from ..status import StatusLines
from ..widgets.job_table import JobHeader, JobTable
from ..widgets.key_bar import KeyBar
from ..widgets.status_bar import StatusBar

#: What ``f`` steps through (None: every active job).
FILTERS: list[frozenset[State] | None] = [
    None,
    frozenset({State.QUEUED}),
    frozenset({State.HELD}),
    frozenset({State.INTERRUPTED}),
    frozenset({State.AUTHORIZED, State.PRINTING, State.PRINTED}),
]


class MainScreen(AtDesk, Screen[None]):
    CSS_PATH = "main.tcss"
    #: Generated from the one action table (``keymap.ACTIONS``).
    BINDINGS: ClassVar[list[BindingType]] = keymap.bindings()

    def __init__(self) -> None:
        super().__init__()
        translate(self)
        self._filter = 0
        self._counts = (0, 0)
        self._interrupted = False
        self._interrupted_count = 0
        self._keys_for: tuple[State, Priority] | None = None
        self._session = ""

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static("", id="queue-info", markup=False)
        table = JobTable(id="queue", clock=self.ktp.clock)
        yield JobHeader(table, id="queue-header")
        yield table
        yield Input(placeholder=t("queue.search_placeholder"), id="search", compact=True)
        yield KeyBar(id="keys")

    @property
    def table(self) -> JobTable:
        return self.query_one("#queue", JobTable)

    # -- called by the App ---------------------------------------------------------
    def load_jobs(self, jobs: Iterable[Job]) -> None:
        self.table.load(jobs)
        self._note_interrupted()

    def update_jobs(self, upserts: list[Job], removed: list[str]) -> None:
        self.table.apply(upserts, removed)
        self._note_interrupted()

    def show_status(self, lines: StatusLines) -> None:
        self.query_one(StatusBar).show(lines)
        self._note_session()

    def _note_session(self) -> None:
        """The queue line says when a print session is open (the App calls
        ``show_status`` when the store's meta changes)."""
        from ...office.sessions import OPEN_KEY
        from ..office import session_badge

        text = session_badge(self.ktp.store.meta(OPEN_KEY), self.ktp.clock())
        if text != self._session:
            self._session = text
            self._show_info()

    def tick_ages(self) -> None:
        self.table.tick_ages()

    # -- which keys apply now (the key bar shows only those) ---------------------------
    def now(self) -> keymap.Now:
        """What the action table's rules look at."""
        job = self.selected if self.is_mounted else None
        return keymap.Now(job, self._interrupted_count, self.ktp.paused,
                          tuple(self.ktp.printer_names()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = keymap.find(action, parameters)
        if entry is None:
            return True
        return not entry.why_not(self.now())

    def refresh_bindings(self) -> None:
        super().refresh_bindings()
        if self.is_mounted:
            self.query_one(KeyBar).show(keymap.bar_items(self.now()))

    def on_key(self, event: events.Key) -> None:
        """A table key that reached here was refused by ``check_action``
        (the bound ones that apply never get this far): say why."""
        entries = keymap.for_key(event.key)
        if not entries or isinstance(self.focused, Input):
            # Keys typed in the search line are its own (Enter with no active
            # match goes on to every job, not to "no job selected").
            return
        now = self.now()
        reasons = [why for why in (e.why_not(now) for e in entries) if why]
        if len(reasons) == len(entries):
            event.stop()
            self.notify(reasons[0], title=t("action.refused"), severity="warning")

    def run_entry(self, entry: keymap.KeyAction) -> None:
        """Run a table action from the palette: refused, it says why."""
        why = entry.why_not(self.now())
        if why:
            self.notify(why, title=t("action.refused"), severity="warning")
            return
        getattr(self, f"action_{entry.name}")(*entry.args)

    def on_job_table_highlighted(self, message: JobTable.Highlighted) -> None:
        # Redraw the key bar only when the keys that apply change.
        job = message.job
        keys = (job.state, job.priority) if job is not None else None
        if keys != self._keys_for:
            self._keys_for = keys
            self.refresh_bindings()

    def _note_interrupted(self) -> None:
        count = self.table.interrupted()
        if count != self._interrupted_count:
            self._interrupted_count = count
            self._show_info()
        if bool(count) != self._interrupted:
            self._interrupted = bool(count)
            self.refresh_bindings()

    # -- table events ----------------------------------------------------------------
    def on_job_table_counted(self, message: JobTable.Counted) -> None:
        self._counts = (message.shown, message.total)
        self._show_info()

    def on_job_table_resized(self, message: JobTable.Resized) -> None:
        self.query_one("#queue-header", JobHeader).refresh()

    def _show_info(self) -> None:
        shown, total = self._counts
        table = self.table
        if total == 0:
            text = t("queue.empty")
        else:
            parts = [t("queue.title"),
                     t("queue.count", shown=fmt.number(shown), total=fmt.number(total))]
            states = FILTERS[self._filter]
            name = t("queue.filter_all") if states is None else ", ".join(
                t(f"state.{s.value}") for s in sorted(states))
            parts.append(t("queue.filter", name=name))
            if table.search_text:
                parts.append(t("queue.search", text=table.search_text))
            if self._interrupted_count:
                parts.insert(0, t("queue.interrupted", n=self._interrupted_count))
            text = " | ".join(parts)
        if self._session:
            text = f"{text} | {self._session}"
        info = self.query_one("#queue-info", Static)
        info.update(text)
        info.set_class(bool(self._interrupted_count), "-alert")

    # -- actions ------------------------------------------------------------------------
    @property
    def selected(self) -> Job | None:
        return self.table.selected

    def action_add(self) -> None:
        from .add_job import AddJobScreen

        def added(job: Job | None) -> None:
            if job is not None:
                self.table.select_job(job.id)

        self.app.push_screen(AddJobScreen(), added)

    def action_hold(self) -> None:
        self._with_reason("hold", "reason.hold")

    def action_release(self) -> None:
        self.ktp.job_action("release", self.selected)

    def action_urgent(self, urgent: bool = True) -> None:
        self.ktp.job_action("urgent" if urgent else "unurgent", self.selected)

    def action_cancel(self) -> None:
        self._with_reason("cancel", "reason.cancel")

    def _with_reason(self, name: str, question: str) -> None:
        """Ask a one-line reason (Enter with none skips it, Escape drops the
        action), then do it with the reason as the job's history note."""
        from ...nik import mask
        from .reason import ReasonScreen

        job = self.selected
        if job is None:
            self.ktp.job_action(name, None)
            return

        def answered(note: str | None) -> None:
            if note is not None:
                self.ktp.job_action(name, job, note=note)

        self.app.push_screen(ReasonScreen(t(question, job=job.short_id, nik=mask(job.nik))),
                             answered)

    def action_resolve(self) -> None:
        from .resolve import ResolveScreen

        job = self.selected
        if job is None or job.state is not State.INTERRUPTED:
            # Jump to the first interrupted card: "x" then "1/2/3" resolves it.
            first = next((j for j in self.table.rows() if j.state is State.INTERRUPTED), None)
            if first is None:
                self.notify(t("resolve.none"), severity="warning")
                return
            self.table.select_job(first.id)
            job = first

        def chosen(outcome: Outcome | None) -> None:
            if outcome is not None:
                self.ktp.resolve(job, outcome)

        self.app.push_screen(ResolveScreen(job), chosen)

    def action_details(self) -> None:
        from .details import DetailsScreen

        job = self.selected
        if job is None:
            self.notify(t("action.no_job"), severity="warning")
            return
        self.app.push_screen(DetailsScreen(job.id))

    def action_pause(self, paused: bool) -> None:
        self.ktp.set_paused(paused)
        self.refresh_bindings()

    def action_pause_printer(self) -> None:
        from .printers import PrinterPicker

        paused = self.ktp.paused_printers()
        names = self.ktp.printer_names()

        def picked(name: str | None) -> None:
            if name:
                self.ktp.toggle_printer_pause(name)
                self.refresh_bindings()

        self.app.push_screen(PrinterPicker([(n, n in paused) for n in names]), picked)

    def action_blanks(self, form: str = "") -> None:
        from .blanks import BlanksScreen

        self.app.push_screen(BlanksScreen(open_form=form))

    def action_events(self) -> None:
        from .events import EventsScreen

        self.app.push_screen(EventsScreen())

    def action_finished(self) -> None:
        from .finished import FinishedScreen

        self.app.push_screen(FinishedScreen())

    def action_report(self, view: str = "daily") -> None:
        from .report import ReportScreen

        self.app.push_screen(ReportScreen(view))

    def action_session(self) -> None:
        from .session import SessionScreen

        self.app.push_screen(SessionScreen())

    def action_job_log(self) -> None:
        from .events import EventsScreen

        job = self.selected
        if job is None:
            self.notify(t("action.no_job"), severity="warning")
            return
        self.app.push_screen(EventsScreen(job))

    def action_suket(self) -> None:
        from .suket import SuketScreen

        if self.has_class("-searching"):  # F7 from the search line: keep the match
            self._end_search()
        job = self.selected
        if job is None:
            self.notify(t("action.no_job"), severity="warning")
            return
        self.app.push_screen(SuketScreen(job))

    def action_arrive(self) -> None:
        self.ktp.job_action("arrive", self.selected)

    def action_handover(self) -> None:
        from .pickup import HandoverScreen

        self.app.push_screen(HandoverScreen())

    def action_receipt(self) -> None:
        from .pickup import ReceiptScreen

        job = self.selected
        if job is None:
            self.notify(t("action.no_job"), severity="warning")
            return
        self.app.push_screen(ReceiptScreen(job))

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_filter(self) -> None:
        self._filter = (self._filter + 1) % len(FILTERS)
        self.table.set_filter(FILTERS[self._filter])
        self._show_info()

    def action_search(self) -> None:
        self.add_class("-searching")
        self.query_one("#search", Input).focus()

    def action_clear_filter(self) -> None:
        self._filter = 0
        self.query_one("#search", Input).value = ""
        self.table.set_filter(None, "")
        self._end_search()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.table.set_filter(FILTERS[self._filter], event.value)
            self._show_info()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            event.stop()
            self._end_search()
            if event.value.strip() and not self.table.shown:
                # No active job matches: search every job, finished ones
                # included (the archive's index; issue 13).
                from ...office import pickup
                from .pickup import find_screen

                self.app.push_screen(find_screen(event.value,
                                                 pickup.find(self.ktp.store, event.value)))

    def _end_search(self) -> None:
        self.remove_class("-searching")
        self.table.focus()
        self._show_info()

    def action_quit(self) -> None:
        from .confirm import ConfirmScreen

        if not self.ktp.printing_now:
            self.ktp.shutdown()
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.ktp.shutdown()

        self.app.push_screen(ConfirmScreen(t("confirm.quit_printing")), confirmed)

    def on_mount(self) -> None:
        # A blinking cursor is a repaint twice a second down the SSH link.
        self.query_one("#search", Input).cursor_blink = False
        self.table.focus()
        self.ktp.start()
