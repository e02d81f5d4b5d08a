"""Pick one printer of several to pause or resume (``P``): the others go on.

Each option says the printer's name and whether it is paused now; Enter
picks it, Escape picks none."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...fmt import one_line
from ...i18n import t
from ..keys import translate


class PrinterPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PrinterPicker { align: center middle; }
    PrinterPicker #dialog { width: 60; height: auto; border: round $accent;
                            background: $panel; padding: 0 1; }
    PrinterPicker OptionList { height: auto; max-height: 10; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "abort", "key.no"),
    ]

    def __init__(self, printers: list[tuple[str, bool]]) -> None:
        """``printers``: (name, paused alone now), in config order."""
        super().__init__()
        translate(self)
        self.printers = printers

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(t("printers.pick"), id="question", markup=False)
            yield OptionList(*(
                Option(t("printers.option_paused" if paused else "printers.option_running",
                         name=one_line(name)), id=name)
                for name, paused in self.printers))
            yield Static(t("printers.hint"), id="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_abort(self) -> None:
        self.dismiss(None)
