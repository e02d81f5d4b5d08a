"""Key bindings declare catalogue keys as descriptions; ``translate`` turns
them into the current language when a screen is created (the language is
chosen at start-up, after the classes were defined)."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from ..i18n import CATALOGUE, t


def translate(node: DOMNode) -> None:
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=t(b.description)) if b.description in CATALOGUE else b
            for b in bindings
        ]
