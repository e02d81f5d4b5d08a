"""``?``: every key, one line each."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static

from ...i18n import t
from ..keys import translate
from ..widgets.lines_view import LinesView

#: (keys, catalogue key of what they do), in the order an operator needs them.
KEYS: list[tuple[str, str]] = [
    ("a", "help.add"),
    ("h", "help.hold"),
    ("r", "help.release"),
    ("c", "help.cancel"),
    ("u", "help.urgent"),
    ("x", "help.resolve"),
    ("Enter, d", "help.details"),
    ("p", "help.pause"),
    ("b", "help.blanks"),
    ("e", "help.events"),
    ("f", "help.filter"),
    ("/", "help.search"),
    ("s", "help.finished"),
    ("l", "help.report"),
    ("o", "help.session"),
    ("k", "help.suket"),
    ("↑ ↓", "help.move"),
    ("Ctrl+P", "help.palette"),
    ("Esc", "help.escape"),
    ("?", "help.help"),
    ("q", "help.quit"),
]


def help_lines() -> list[str]:
    width = max(len(keys) for keys, _ in KEYS)
    return [f"{keys:>{width}}  {t(what)}" for keys, what in KEYS]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "app.pop_screen", "key.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate(self)

    def compose(self) -> ComposeResult:
        yield Static(t("help.title"), id="title", markup=False)
        yield LinesView(help_lines(), id="keys")

    def on_mount(self) -> None:
        self.query_one(LinesView).focus()
