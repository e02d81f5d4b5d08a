"""Card printer backends behind one small interface (see ``base``)."""

from __future__ import annotations

from .base import Printer, PrinterStatus, PrintOutcome, PrintResult, make_printer

__all__ = ["PrintOutcome", "PrintResult", "Printer", "PrinterStatus", "make_printer"]
