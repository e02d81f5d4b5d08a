"""An Input for a count: it takes digits and leaves every other key (letters,
Esc) to the screen's bindings, so a form stays keyboard-driven while the
operator types a number."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class DigitsInput(Input):
    def __init__(self, *, id: str | None = None, max_length: int = 9) -> None:
        super().__init__(id=id, max_length=max_length, restrict=r"[0-9]*", type="integer",
                         compact=True, valid_empty=True)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character.isdigit()

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and not (event.character or "").isdigit():
            # Not ours: skip Input's handler and let the key reach the bindings.
            event.prevent_default()

    @property
    def number(self) -> int | None:
        text = self.value.strip()
        return int(text) if text.isdigit() else None
