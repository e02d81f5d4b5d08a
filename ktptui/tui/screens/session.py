"""``o``: the print session (shift). Open it with a physical count of the
blanks on hand, close it with another; the core records any difference from
the ledger as an explained adjustment, and the closing summary is shown.

The count is asked blind (the ledger balance is not shown before it is
typed): blanks are controlled documents, and a count is worth most when it
is not a copy of what the program expects.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from ... import fmt
from ...i18n import t
from ...model import from_text
from ...office import sessions
from ..desk import AtDesk, StoreChanged
from ..keys import translate
from ..office import last_summary_line, local_text, num, summary_lines
from ..widgets.digits_input import DigitsInput
from ..widgets.lines_view import LinesView
from .core_call import CoreDone, call_core, resync


class SessionScreen(AtDesk, Screen[None]):
    CSS_PATH = "session.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,o", "close", "key.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)
        self.open_doc: dict[str, Any] | None = None
        self.busy = False
        self.summary: sessions.Summary | None = None
        #: The first count, while the count dialog asks for it again (it
        #: differed from the ledger) with a reason.
        self.pending: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("session.title"), id="title", markup=False)
        yield Static("", id="state", markup=False)
        yield Static("", id="so-far", markup=False)
        yield Static("", id="ask", markup=False)
        with Horizontal(id="count-row"):
            yield Label(t("session.count"), id="count-label")
            yield DigitsInput(id="count", max_length=7)
        with Horizontal(id="reason-row"):
            yield Label(t("count.dialog_reason"), id="reason-label")
            yield Input(id="reason", max_length=200, compact=True)
        yield Static("", id="error", markup=False)
        yield Static("", id="summary-title", markup=False)
        yield LinesView(id="summary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#count", DigitsInput).cursor_blink = False
        self.show_state()

    # -- what is open --------------------------------------------------------------------
    def show_state(self) -> None:
        """The form from the meta the App holds (no refresh, no wait); the
        figures so far come from a worker."""
        app = self.ktp
        doc = app.store.meta(sessions.OPEN_KEY)
        self.open_doc = dict(doc) if doc else None
        state = self.query_one("#state", Static)
        if self.open_doc:
            s = sessions.Session.from_dict(self.open_doc)
            state.update(t("session.open_since", id=s.short_id, by=s.opened_by,
                           at=local_text(from_text(s.opened_at))))
            self.query_one("#ask", Static).update(t("session.ask_close"))
            self.query_one("#so-far", Static).update(t("report.loading"))
            store, now = app.store, app.clock()
            call_core(self, "so-far", lambda: sessions.so_far(store, now=now))
        else:
            state.update(t("session.none"))
            self.query_one("#ask", Static).update(t("session.ask_open"))
            self.query_one("#so-far", Static).update("")
            if self.summary is None:
                last = app.store.meta(sessions.LAST_KEY)
                self._show_last(dict(last) if last else None)
        self.set_class(False, "-summary")
        self.pending = None
        self.set_class(False, "-confirm")
        self.query_one("#reason", Input).value = ""
        self.query_one("#count-label", Label).update(t("session.count"))
        count = self.query_one("#count", DigitsInput)
        count.value = ""
        count.focus()

    def _show_last(self, doc: dict[str, Any] | None) -> None:
        self.query_one("#summary-title", Static).update(
            last_summary_line(doc) if doc else "")
        self.query_one(LinesView).set_lines([])

    # -- open / close --------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        typed = self.query_one("#count", DigitsInput).number
        error = self.query_one("#error", Static)
        if typed is None:
            error.update(t("session.empty"))
            return
        if self.pending is not None and event.input.id == "count":
            self.query_one("#reason", Input).focus()  # the second count, then the reason
            return
        error.update("")
        # First time: the count; in the dialog: the first count, this one to confirm it.
        count, confirm = (typed, None) if self.pending is None else (self.pending, typed)
        reason = self.query_one("#reason", Input).value
        app = self.ktp
        now, opening = app.clock(), not self.open_doc
        self.busy = True

        def call() -> object:
            try:
                return app.count_session(opening, count, confirm=confirm, reason=reason,
                                         now=now)
            except sessions.CountDiffers as e:
                return e  # the dialog asks again
        call_core(self, "close" if self.open_doc else "open", call)

    def _ask_again(self, e: sessions.CountDiffers) -> None:
        """The count differs from the ledger: count again, type it once more
        and say why; nothing is booked until then."""
        first = self.pending is None
        self.pending = e.count
        self.set_class(True, "-confirm")
        self.query_one("#ask", Static).update(t(
            "count.dialog_confirm", count=num(e.count), ledger=num(e.ledger),
            diff=fmt.number(e.count - e.ledger, signed=True)))
        self.query_one("#count-label", Label).update(t("count.dialog_again"))
        self.query_one("#error", Static).update("" if first else e.message())
        count = self.query_one("#count", DigitsInput)
        count.value = ""
        count.focus()

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
        app = self.ktp
        resync(app)
        if message.tag == "so-far":
            so_far = message.value
            if isinstance(so_far, sessions.Summary):
                a = so_far.activity
                self.query_one("#so-far", Static).update(t(
                    "session.so_far", printed=num(a.printed), spoiled=num(a.spoiled),
                    sukets=num(a.sukets_issued), rejected=num(a.rejected_total)))
            else:
                self.query_one("#so-far", Static).update(message.error)
            return
        self.busy = False
        if isinstance(message.value, sessions.CountDiffers):
            self._ask_again(message.value)
            return
        if message.error:
            self.query_one("#error", Static).update(message.error)
            app.notify(message.error, title=t("action.refused"), severity="error", timeout=8)
            self.show_state()
            return
        if message.tag == "open":
            s = message.value
            assert isinstance(s, sessions.Session)
            key = "session.opened_adjusted" if s.open_adjustment else "session.opened"
            app.notify(t(key, id=s.short_id, count=num(s.open_count),
                         ledger=num(s.open_ledger), diff=s.open_adjustment),
                       severity="warning" if s.open_adjustment else "information", timeout=10)
            self.dismiss(None)
            return
        summary = message.value
        assert isinstance(summary, sessions.Summary)
        self.summary = summary
        app.notify(t("session.closed", id=summary.session.short_id))
        self.show_summary(summary)

    def show_summary(self, summary: sessions.Summary) -> None:
        self.show_state()
        self.set_class(True, "-summary")
        self.query_one("#summary-title", Static).update(
            t("session.summary_title", id=summary.session.short_id))
        view = self.query_one(LinesView)
        view.set_lines(summary_lines(summary))
        view.focus()

    def action_close(self) -> None:
        if self.busy:
            self.notify(t("office.busy"), severity="warning")
            return
        self.dismiss(None)

    def on_store_changed(self, message: StoreChanged) -> None:
        if self.busy or not (message.reloaded or "meta" in message.other):
            return
        doc = self.ktp.store.meta(sessions.OPEN_KEY)
        if (dict(doc) if doc else None) != self.open_doc and not self.has_class("-summary"):
            self.show_state()  # another terminal opened or closed one
