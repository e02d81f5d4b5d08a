"""The one error tree: every error ktptui raises on purpose is a ``KtpError``.

Each error has a ``Kind`` (``error_kind``: what went wrong, seen from the
operator's chair), and the kind decides the rest in one place: the CLI's exit code
(``EXIT_CODES``, the README's table), the heading of the TUI's error toast and
the general fix that goes with it (catalogue keys ``error.<kind>`` and
``error.fix.<kind>`` in ``i18n``). The message itself is the error's own: a
catalogue key with values when it has one (``message()`` is then in the
operator's language), else the core's one-line detail (``str(error)``).

| kind | exit | e.g. |
|---|---|---|
| ``bad_input`` | 2 | a malformed NIK, an unknown ``--state``, a bad date |
| ``config`` | 2 | the config file (its key named) |
| ``refused`` | 1 | the job's state does not allow it, no such job, the ledger |
| ``store`` | 1 | the store is damaged, unsafe, full or busy |
| ``central`` | 1 | central unreachable, the token refused, a final answer |
| ``printer`` | 1 | the printer cannot be reached or answers nonsense |

Anything that is not a ``KtpError`` is a bug: exit 70 (``crash``).
"""

from __future__ import annotations

import enum
from typing import ClassVar, Self

from .i18n import Said, t


class Kind(enum.StrEnum):
    BAD_INPUT = "bad_input"
    CONFIG = "config"
    REFUSED = "refused"
    STORE = "store"
    CENTRAL = "central"
    PRINTER = "printer"


EXIT_OK = 0
#: The CLI's exit code for each kind (README: "Exit codes").
EXIT_CODES: dict[Kind, int] = {
    Kind.BAD_INPUT: 2,
    Kind.CONFIG: 2,
    Kind.REFUSED: 1,
    Kind.STORE: 1,
    Kind.CENTRAL: 1,
    Kind.PRINTER: 1,
}


def english(key: str, **values: object) -> str:
    """A catalogue line in English whatever the operator's language: the
    ``str()`` of an error, for logs and for central."""
    return str(Said(key, values))


class KtpError(Exception):
    """The root of every error ktptui raises on purpose.

    Subclasses set ``error_kind``; one that has its words in the catalogue sets
    ``key`` and ``values`` (``say``), so ``message()`` follows the operator's
    language while ``str()`` stays the English line for logs and central.
    """

    error_kind: ClassVar[Kind] = Kind.REFUSED
    key: str | None = None
    values: dict[str, object] | None = None

    def say(self, key: str, **values: object) -> None:
        """Give this error its catalogue message."""
        self.key, self.values = key, values

    @classmethod
    def said(cls, key: str, **values: object) -> Self:
        """An error of this class whose ``str()`` is the English line of
        ``key`` and whose ``message()`` is in the operator's language."""
        e = cls(english(key, **values))
        e.say(key, **values)
        return e

    def words(self) -> Said | str:
        """This error as a value inside another catalogue text: its own
        catalogue words when it has them, else its one line."""
        if self.key is not None:
            return Said(self.key, dict(self.values or {}))
        return str(self)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.error_kind]

    def message(self) -> str:
        """One line naming the problem, in the operator's language when the
        catalogue has it."""
        if self.key is not None:
            return t(self.key, **(self.values or {}))
        return str(self)

    def heading(self) -> str:
        """The toast's heading: what kind of trouble."""
        return t(f"error.{self.error_kind.value}")

    def fix(self) -> str:
        """What the operator does about this kind of trouble."""
        return t(f"error.fix.{self.error_kind.value}")


class BadInput(KtpError):
    """Input that cannot be right (the message names the rule)."""

    error_kind = Kind.BAD_INPUT
