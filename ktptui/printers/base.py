"""The printer interface the engine drives, and the factory that picks a backend.

A backend answers two questions: is the printer ready (``status``), and what
became of this card (``print_card``, blocking); after a crash, whether an
interrupted card may still print by itself (``still_queued``).
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from ..i18n import Said, t, t_opt
from ..text import clean


class PrintResult(enum.StrEnum):
    """A str enum (``str, Enum``): values are the words stored and logged."""

    #: A good card came out.
    PRINTED = "printed"
    #: A blank was used up by a bad print (a jam, a print aborted mid-card).
    SPOILED = "spoiled"
    #: The card never reached the printer: submission refused, queue missing.
    NOT_PRINTED = "not_printed"
    #: Cannot tell whether a blank was used: the engine marks the job
    #: ``interrupted`` and an operator decides after looking at the printer.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrintOutcome:
    result: PrintResult
    #: Plain words, English (logs); empty for an ordinary good card.
    reason: str = ""
    #: The same as catalogue words (kept in the job's history and last error,
    #: shown in the reader's language); None: only ``reason`` says it.
    said: Said | None = None

    @classmethod
    def saying(cls, result: PrintResult, said: Said) -> PrintOutcome:
        return cls(result, str(said), said)

    @property
    def words(self) -> Said | str:
        """What to store: the catalogue words when there are any."""
        return self.said if self.said is not None else self.reason


@dataclass(frozen=True)
class PrinterStatus:
    ready: bool
    #: One line, English, for logs and ``ktptui status``.
    message: str
    #: Why not ready, as codes front ends translate: IPP printer-state-reasons
    #: without their suffix (``media-empty``, ``offline``...) or the queue's own
    #: (``queue-stopped``, ``queue-rejecting``, ``queue-missing``, ``cups-down``).
    reasons: tuple[str, ...] = ()
    #: Printing goes on, but someone should look: ``marker-supply-low``,
    #: ``media-low``, ``error-policy-retry`` (the queue retries failed jobs).
    warnings: tuple[str, ...] = ()


#: English words for warning codes (logs, ``ktptui status``); the TUI has its own.
WARNING_TEXT = {
    "marker-supply-low": "ribbon low",
    "media-low": "cards low in the tray",
    "error-policy-retry": "the CUPS queue retries failed jobs: set its printer-error-policy "
                          "to abort-job (lpadmin -p QUEUE -o printer-error-policy=abort-job)",
}


def warning_text(code: str) -> str:
    return WARNING_TEXT.get(code, code)


def reason_words(codes: Iterable[str], kind: str = "reason") -> str:
    """Reason (``kind`` "reason") or warning ("warn") codes in the operator's
    language, comma-separated: a known code's words (``printer.<kind>.<code>``),
    an unknown one as its own code, cleaned and quoted (a value from the
    printer, not our words)."""
    words = []
    for code in codes:
        known = t_opt(f"printer.{kind}.{code}", "")
        words.append(known or t("link.raw", text=clean(str(code))[:60]))
    return ", ".join(words)


class Printer(ABC):
    name: str = "printer"

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Whether a new card may be sent now; never raises."""

    @abstractmethod
    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        """Print one card and block until its outcome is known (a card that
        has started always finishes: there is no stopping it half-way).
        Never raises for printer trouble: that is an outcome with a reason.
        """

    def still_queued(self, job_id: str) -> str:
        """Why an interrupted card of ``job_id`` may still print by itself (the
        printer system still holds it), in one line; "" when it cannot."""
        return ""
