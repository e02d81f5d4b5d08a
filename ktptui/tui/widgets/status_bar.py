"""The status bar: can we print right now, and if not, why; link, power,
blanks and printer; with several printers, one line per printer. Each part
repaints only when its text or level changes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widget import Widget
from textual.widgets import Static

from ..status import BAD, OK, WARN, Part, StatusLines


class StatusPart(Static):
    """One part of the bar; its level is a CSS class (-ok / -warn / -bad)."""

    def __init__(self, *, id: str) -> None:
        super().__init__("", id=id, markup=False)
        self._shown: Part | None = None

    def show(self, part: Part) -> None:
        if part == self._shown:
            return
        self._shown = part
        self.update(part.text)
        for level in (OK, WARN, BAD):
            self.set_class(part.level == level, f"-{level}")


class StatusBar(Widget):
    def compose(self) -> ComposeResult:
        yield StatusPart(id="gate")
        with Grid(id="parts"):
            yield StatusPart(id="link")
            yield StatusPart(id="power")
            yield StatusPart(id="blanks")
            yield StatusPart(id="printer")
        yield Vertical(id="printers")

    def show(self, lines: StatusLines) -> None:
        box = self.query_one("#printers", Vertical)
        parts = list(box.query(StatusPart))
        if len(parts) != len(lines.printers):  # printers come from the config: rarely
            box.remove_children()
            parts = [StatusPart(id=f"printer-{i}") for i in range(len(lines.printers))]
            box.mount_all(parts)
        for part, line in zip(parts, lines.printers, strict=True):
            part.show(line)
        self.query_one("#gate", StatusPart).show(lines.gate)
        self.query_one("#link", StatusPart).show(lines.link)
        self.query_one("#power", StatusPart).show(lines.power)
        self.query_one("#blanks", StatusPart).show(lines.blanks)
        self.query_one("#printer", StatusPart).show(lines.printer)

    def part_text(self, name: str) -> str:
        shown = self.query_one(f"#{name}", StatusPart)._shown
        return shown.text if shown else ""
