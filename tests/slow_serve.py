"""``ktptui serve`` whose ``spool`` printers take time over each card, for
tests/service_chaos.py (meant to be SIGKILLed at random).

    python tests/slow_serve.py CARD_S serve --config CONFIG

A real card printer holds a card for seconds; a ``spool`` card is written in
a millisecond, so a kill would almost never land mid-card. Here each card
is in the printer for a random part of CARD_S before its file appears in the
spool folder (the card has not come out), then the printer takes the rest
of CARD_S before the station hears back (the card is out, the station does
not know yet). A SIGKILL mid-card so leaves both kinds of interrupted card.
Everything else is the real ``ktptui`` entry point.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

from ktptui.cli.main import main
from ktptui.printers import spool
from ktptui.printers.base import PrintOutcome


def slow_cards(card_s: float) -> None:
    quick = spool.SpoolPrinter.print_card

    def print_card(self: spool.SpoolPrinter, *args: Any, **kwargs: Any) -> PrintOutcome:
        feeding = random.uniform(0, card_s)
        time.sleep(feeding)
        outcome = quick(self, *args, **kwargs)
        time.sleep(card_s - feeding)
        return outcome

    spool.SpoolPrinter.print_card = print_card  # type: ignore[method-assign]


if __name__ == "__main__":
    slow_cards(float(sys.argv[1]))
    raise SystemExit(main(sys.argv[2:]))
