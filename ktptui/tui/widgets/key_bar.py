"""The main screen's key bar: the keys that apply now, fitted to the width.

Textual's footer cuts what does not fit (at 60 columns the help key was
gone). This bar wraps onto a second line instead, and when even two lines are
too few it keeps the first keys and always ``?`` (the help, which lists
every key), so every action stays reachable."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

#: Never more than this many lines: the queue needs the rows.
MAX_LINES = 2


def fit(items: list[tuple[str, str]], width: int,
        keep: tuple[str, ...] = ("?",)) -> list[list[tuple[str, str]]]:
    """``items`` ((key, label)) in at most ``MAX_LINES`` lines of ``width``
    columns; what does not fit is left out from the end, never a key in
    ``keep`` (the help, which lists every key)."""
    items = list(items)
    while True:
        lines = _wrap(items, width)
        droppable = [i for i, (key, _) in enumerate(items) if key not in keep]
        if len(lines) <= MAX_LINES or not droppable:
            return lines
        del items[droppable[-1]]


def _wrap(items: list[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for key, label in items:
        size = len(key) + 1 + len(label)
        gap = 1 if lines[-1] else 0
        if lines[-1] and used + gap + size > width:
            lines.append([])
            used, gap = 0, 0
        lines[-1].append((key, label))
        used += gap + size
    return lines


class KeyBar(Static):
    """Shows ``(key, label)`` pairs; the screen calls ``show`` when they change."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._items: list[tuple[str, str]] = []
        self._drawn: tuple[int, list[tuple[str, str]]] | None = None

    def show(self, items: list[tuple[str, str]]) -> None:
        self._items = items
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    @property
    def lines(self) -> list[list[tuple[str, str]]]:
        """What the bar shows, line by line (for tests)."""
        return fit(self._items, max(self.size.width, 10))

    def _draw(self) -> None:
        width = max(self.size.width, 10)  # the content's: without the padding
        if self._drawn == (width, self._items):
            return
        self._drawn = (width, list(self._items))
        text = Text(no_wrap=True, overflow="ellipsis")
        for n, line in enumerate(fit(self._items, width)):
            if n:
                text.append("\n")
            for i, (key, label) in enumerate(line):
                if i:
                    text.append(" ")
                text.append(key, style="bold reverse")
                text.append(f" {label}")
        self.update(text)
