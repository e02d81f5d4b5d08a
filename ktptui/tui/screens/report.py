"""``l``: the daily report (``←`` / ``→`` step a day, ``t`` today) and, with
``b``, the blank requisition with the shortfall against a need typed in.

The figures come from ``reports.daily`` / ``reports.requisition`` in a thread
worker (they read history: never on the UI thread); the screen words them in
the operator's language (``office.py``). What they load is theirs to choose
(the day's records, not the archive); the commits their refresh picks up go
to the App's poll afterwards (``resync``), as for the requisition.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, Static

from ...i18n import t
from ...office import reports
from ..desk import AtDesk, StoreChanged
from ..keys import translate
from ..office import daily_lines, requisition_lines
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

    def on_input_submitted(self, event: DigitsInput.Submitted) -> None:
        event.stop()
        self.need = self.query_one("#need", DigitsInput).number
        self.load()

    # -- loading -------------------------------------------------------------------------
    def _title(self) -> str:
        if self.view == BLANKS:
            return t("report.requisition_title")
        day = self.day or self.today
        title = t("report.daily_title", day=day.isoformat())
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
            self.query_one(LinesView).set_lines([t("report.loading")])
        if self.view == BLANKS:
            need = self.need

            def work() -> object:
                req = reports.requisition(store, need=need, now=now,
                                          office_code=office.office_code,
                                          station_id=office.station_id)
                return requisition_lines(req)
        else:
            day = self.day

            def work() -> object:
                rep = reports.daily(store, day, now=now, office_code=office.office_code,
                                    station_id=office.station_id)
                return daily_lines(rep)

        call_core(self, tag, work)

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
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
        lines = message.value
        assert isinstance(lines, list)
        view.set_lines(lines)

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
