"""``l``: the daily report (``←`` / ``→`` step a day, ``t`` today) and, with
``b``, the blank requisition with the shortfall against a need typed in;
``s`` saves the report shown as PDF, ``c`` as CSV, in ``reports.default_folder()``
(``~/ktptui-laporan``), and says where.

The figures come from ``reports.daily`` / ``reports.requisition`` in a thread
worker (they read history: never on the UI thread), and the text shown is
``reports.daily_text`` / ``requisition_text``: the very text ``ktptui report``
prints. Saving runs in a worker too. What they load is theirs to choose
(the day's records, not the archive); the commits their refresh picks up go
to the App's poll afterwards (``resync``), as for the requisition.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, Static

from ... import fmt
from ...i18n import t
from ...office import reports
from ..desk import AtDesk, StoreChanged
from ..keys import translate
from ..widgets.digits_input import DigitsInput
from ..widgets.lines_view import LinesView
from .core_call import CoreDone, call_core, resync

DAILY, BLANKS = "daily", "blanks"
#: Today's report follows the printer, at most this often (it reads the archive too).
FOLLOW_S = 5.0


class ReportScreen(AtDesk, Screen[None]):
    CSS_PATH = "report.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the report's scroll view binds the arrows too (and would
        # hide these from the footer); disabled outside the daily view.
        Binding("left", "day(-1)", "key.prev_day", key_display="←", priority=True),
        Binding("right", "day(1)", "key.next_day", key_display="→", priority=True),
        Binding("t", "today", "key.today"),
        Binding("b", "show('blanks')", "key.requisition"),
        Binding("h", "show('daily')", "key.daily"),
        Binding("s", "save('pdf')", "key.save_pdf"),
        Binding("c", "save('csv')", "key.save_csv"),
        Binding("escape,q,l", "app.pop_screen", "key.back"),
    ]

    def __init__(self, view: str = DAILY) -> None:
        super().__init__()
        translate(self)
        self.view = view
        self.day: date | None = None  # None until the first report: today
        self.need: int | None = None
        self._seq = 0
        self._want = ""
        self._syncing = False
        self._follow: Timer | None = None
        #: The report on screen (what ``s`` / ``c`` save), None while loading.
        self.shown: reports.Report | None = None
        self._saves = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="title", markup=False)
        yield LinesView(id="report")
        with Horizontal(id="need-row"):
            yield Label(t("req.need_label"), id="need-label")
            yield DigitsInput(id="need")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#need", DigitsInput).cursor_blink = False
        self.action_show(self.view)

    @property
    def today(self) -> date:
        return self.ktp.clock().astimezone().date()

    # -- which keys apply ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "day":
            if self.view != DAILY:
                return False
            return not (parameters and parameters[0] == 1 and (self.day or self.today)
                        >= self.today)
        if action == "today":
            return self.view == DAILY and self.day is not None and self.day != self.today
        if action == "show":
            return bool(parameters) and parameters[0] != self.view
        if action == "save":
            return self.shown is not None
        return True

    # -- actions -------------------------------------------------------------------------
    def action_show(self, view: str) -> None:
        self.view = view
        self.set_class(view == BLANKS, "-blanks")
        need = self.query_one("#need", DigitsInput)
        if view == BLANKS:
            need.focus()
        else:
            self.query_one(LinesView).focus()
        self.refresh_bindings()
        self.load()

    def action_day(self, step: int) -> None:
        day = (self.day or self.today) + timedelta(days=step)
        if day > self.today:
            return
        self.day = day
        self.refresh_bindings()
        self.load()

    def action_today(self) -> None:
        self.day = None
        self.refresh_bindings()
        self.load()

    def action_save(self, kind: str) -> None:
        """Save the report on screen (as shown: the same figures) in a worker."""
        report = self.shown
        if report is None:
            return
        folder = self.ktp.office.reports_dir or reports.default_folder()
        path = folder / reports.file_name(report, kind)
        self._saves += 1

        def work() -> object:
            try:
                return reports.save(report, path, kind)
            except OSError as e:  # a full disk, a folder it may not write: said
                return OSError(e.strerror or str(e))

        call_core(self, f"save-{self._saves}", work)

    def on_input_submitted(self, event: DigitsInput.Submitted) -> None:
        event.stop()
        self.need = self.query_one("#need", DigitsInput).number
        self.load()

    # -- loading -------------------------------------------------------------------------
    def _title(self) -> str:
        if self.view == BLANKS:
            return t("report.requisition_title")
        day = self.day or self.today
        title = t("report.daily_title", day=fmt.day_long(day))
        return f"{title} ({t('report.today')})" if day == self.today else title

    def load(self, *, quiet: bool = False) -> None:
        """Work the figures out in a thread; the newest request wins. ``quiet``:
        keep the figures on screen until the new ones are in (following today)."""
        app = self.ktp
        office = app.office
        store = app.store
        now = app.clock()
        self._seq += 1
        tag = f"{self.view}-{self._seq}"
        self._want = tag
        self.query_one("#title", Static).update(self._title())
        if not quiet:
            self.shown = None
            self.refresh_bindings()
            self.query_one(LinesView).set_lines([t("report.loading")])
        if self.view == BLANKS:
            need = self.need

            def work() -> object:
                return reports.requisition(store, need=need, now=now,
                                           office_code=office.office_code,
                                           station_id=office.station_id)
        else:
            day = self.day

            def work() -> object:
                return reports.daily(store, day, now=now, office_code=office.office_code,
                                     station_id=office.station_id)

        call_core(self, tag, work)

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
        if message.tag.startswith("save-"):
            self._saved(message)
            return
        # Both reports refreshed the store: hand what that picked up to the
        # App (not followed here: the report would chase its own refresh).
        self._syncing = True
        try:
            resync(self.ktp)
        finally:
            self._syncing = False
        if message.tag != self._want:
            return  # an older request (the operator stepped on)
        view = self.query_one(LinesView)
        if message.error:
            view.set_lines([t("action.refused") + ": " + message.error])
            return
        report = message.value
        if not isinstance(report, reports.DailyReport | reports.Requisition):
            return
        self.shown = report
        self.refresh_bindings()
        lines = (reports.daily_text(report) if isinstance(report, reports.DailyReport)
                 else reports.requisition_text(report)).splitlines()
        if isinstance(report, reports.Requisition) and report.need is None:
            lines += ["", t("req.no_need")]  # a hint on screen, not part of the report
        # The report's heading is the screen's title line (the text has no
        # room to spare at 80x24): title and lines are what the CLI prints.
        today = isinstance(report, reports.DailyReport) and report.day == self.today
        self.query_one("#title", Static).update(
            f"{lines[0]} ({t('report.today')})" if today else lines[0])
        view.set_lines(lines[1:])

    def _saved(self, message: CoreDone) -> None:
        value = message.value
        if isinstance(value, Path):
            self.notify(t("report.saved", path=value), timeout=10)
        else:
            error = message.error or str(value)
            self.notify(t("report.not_saved", error=error), severity="error", timeout=10)

    def on_store_changed(self, message: StoreChanged) -> None:
        """Today's figures follow the printer (a past day's do not change)."""
        if self._syncing or self._follow is not None or self.view != DAILY:
            return
        if self.day not in (None, self.today) or not (
                message.reloaded or message.other & {"ledger", "events"}):
            return
        self._follow = self.set_timer(FOLLOW_S, self._follow_today)

    def _follow_today(self) -> None:
        self._follow = None
        if self.view == DAILY and self.day in (None, self.today):
            self.load(quiet=True)
