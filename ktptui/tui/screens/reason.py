"""A one-line reason for hold and cancel: Enter does the action (with no
text, without a reason), Escape does not do it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...fmt import one_line  # a paste is the outside world: one clean line
from ...i18n import t
from ..keys import translate

#: A history note is one short line.
MAX_REASON = 120


class ReasonScreen(ModalScreen[str | None]):
    CSS_PATH = "reason.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "abort", "key.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        translate(self)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question", markup=False)
            yield Input(placeholder=t("reason.placeholder"), id="reason",
                        max_length=MAX_REASON, compact=True)
            yield Static(t("reason.hint"), id="hint", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False  # a blinking cursor repaints over SSH
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(one_line(event.value))

    def action_abort(self) -> None:
        self.dismiss(None)
