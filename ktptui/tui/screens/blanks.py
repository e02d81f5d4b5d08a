"""Blanks: the balance, the forecast and the ledger; receive, spoiled, adjust."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from ... import actions, fmt, roles
from ...fmt import one_line, window_start
from ...i18n import t
from ...store import ledger
from ..desk import AtDesk, BlanksKnown, StoreChanged
from ..keys import translate
from ..widgets.lines_view import LinesView
from .core_call import CoreDone, call_core

#: The ledger the screen lists: the last month, not five years of entries.
LEDGER_DAYS = 31


def entry_line(e: ledger.Entry, unapproved: frozenset[str] = frozenset()) -> str:
    job = f" [{e.job_id[:8]}]" if e.job_id else ""
    ref = f" ({one_line(e.ref)})" if e.ref and e.kind is ledger.Kind.RECEIVED else ""
    flag = f" [{t('summary.entry_unapproved')}]" if e.id in unapproved else ""
    return (f"{fmt.stamp(e.at, seconds=True)} {t(f'kind.{e.kind.value}'):8} "
            f"{fmt.number(e.delta, signed=True):>6} "
            f"{e.operator}{job}{ref} {one_line(e.shown_note())}{flag}")


def ledger_lines(entries: list[ledger.Entry]) -> list[str]:
    """The month's entries, newest first, count differences not yet
    approved by a supervisor flagged."""
    open_ = frozenset(e.id for e in ledger.unapproved(entries))
    return [entry_line(e, open_) for e in reversed(entries)]


class BlankForm(AtDesk, ModalScreen[bool]):
    """Receive (count + note), spoiled (note) or adjust (+/-N + reason)."""

    CSS_PATH = "blanks.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "key.back")]

    def __init__(self, kind: str) -> None:
        super().__init__()
        translate(self)
        self.kind = kind

    def compose(self) -> ComposeResult:
        title, number, note = {
            "receive": ("blanks.receive_title", "blanks.count", "blanks.ref"),
            "spoil": ("blanks.spoil_title", "", "blanks.spoil_note"),
            "adjust": ("blanks.adjust_title", "blanks.delta", "blanks.reason"),
        }[self.kind]
        with Vertical(id="dialog"):
            yield Label(t(title), id="title")
            if number:
                yield Label(t(number))
                yield Input(id="number", max_length=7, compact=True)
            yield Label(t(note))
            yield Input(id="note", compact=True)
            yield Static("", id="error", markup=False)
            yield Static(t("blanks.form_hint"), id="hint", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "number":  # Enter on the count goes on to the note
            self.query_one("#note", Input).focus()
            return
        app = self.ktp
        note = self.query_one("#note", Input).value.strip()
        count = 0
        if self.kind != "spoil":
            text = self.query_one("#number", Input).value.strip()
            try:
                count = int(text)
            except ValueError:
                self.query_one("#error", Static).update(t("blanks.bad_number", text=text))
                self.query_one("#number", Input).focus()
                return
        if self.kind == "receive":
            done = app.act(actions.receive_blanks, count, ref=note)
        elif self.kind == "spoil":
            done = app.act(actions.spoil_blank, note=note)
        else:
            group = app.office.supervisor_group
            done = app.act(actions.adjust_blanks, count, reason=note,
                           who=roles.who_runs_this(supervisor_group=group),
                           supervisor_group=group)
        if done is not None:
            app.notify(t("blanks.recorded", balance=fmt.number(app.blanks.balance)))
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


class BlanksScreen(AtDesk, Screen[None]):
    CSS_PATH = "blanks.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "form('receive')", "key.receive"),
        Binding("s", "form('spoil')", "key.spoil"),
        Binding("k", "form('adjust')", "key.adjust"),
        Binding("escape,q,b", "app.pop_screen", "key.back"),
    ]

    def __init__(self, open_form: str = "") -> None:
        super().__init__()
        translate(self)
        self.open_form = open_form
        self._seq = 0
        self._want = ""

    def compose(self) -> ComposeResult:
        yield Static(t("blanks.title"), id="title", markup=False)
        yield Static("", id="summary", markup=False)
        yield Static("", id="forecast", markup=False)
        yield Static(t("blanks.ledger"), id="ledger-title", markup=False)
        yield LinesView(id="ledger")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load()
        self.query_one(LinesView).focus()
        if self.open_form:
            self.action_form(self.open_form)

    def load(self) -> None:
        """The totals are carried (no history read): shown at once. The
        forecast's rate is the App's (its worker); the month's entries come
        from a worker of this screen, with a loading line meanwhile."""
        app = self.ktp
        store = app.store
        totals = store.ledger_totals()
        summary = self.query_one("#summary", Static)
        summary.update(t("blanks.summary", balance=fmt.number(totals.balance),
                         received=fmt.number(totals.received),
                         printed=fmt.number(totals.printed), spoiled=fmt.number(totals.spoiled),
                         adjusted=fmt.number(totals.adjusted, signed=True)))
        summary.set_class(totals.balance < app.low_threshold, "-low")
        self.blanks_known()
        self._seq += 1
        tag = f"ledger-{self._seq}"
        self._want = tag
        view = self.query_one(LinesView)
        if not view.lines:
            view.set_lines([t("common.loading")])
        since = window_start(app.clock().astimezone().date(), LEDGER_DAYS)
        call_core(self, tag, lambda: ledger_lines(store.ledger_entries(since=since)))

    def blanks_known(self) -> None:
        """The forecast line, from the App's rate (called again when it comes in)."""
        app = self.ktp
        info = app.blanks
        lines = [t("common.loading") if info.loading
                 else t("blanks.forecast", per_day=fmt.number(app.blanks_per_day or 0.0, 1),
                        days=fmt.number(info.days_left))
                 if info.days_left is not None else t("blanks.forecast_none")]
        if info.balance < app.low_threshold:
            lines.append(t("blanks.low", threshold=fmt.number(app.low_threshold)))
        self.query_one("#forecast", Static).update("\n".join(lines))

    def on_core_done(self, message: CoreDone) -> None:
        message.stop()
        if message.tag != self._want:
            return
        lines = message.value if not message.error else [
            t("action.refused") + ": " + message.error]
        assert isinstance(lines, list)
        self.query_one(LinesView).set_lines(lines or [t("blanks.ledger_empty")])

    def action_form(self, kind: str) -> None:
        self.app.push_screen(BlankForm(kind), lambda done: self.load() if done else None)

    def on_blanks_known(self, message: BlanksKnown) -> None:
        self.blanks_known()

    def on_store_changed(self, message: StoreChanged) -> None:
        if message.reloaded or "ledger" in message.other:
            self.load()
