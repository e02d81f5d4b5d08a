"""``?`` / F1: every key, one line each, from the action table."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from ...i18n import t
from ..keymap import help_lines
from ..keys import translate
from ..widgets.lines_view import LinesView


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "app.pop_screen", "key.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)

    def compose(self) -> ComposeResult:
        # The title in the border: every key fits 80x24 without scrolling.
        view = LinesView(help_lines(), id="keys")
        view.border_title = t("help.title")
        yield view

    def on_mount(self) -> None:
        self.query_one(LinesView).focus()
