"""The station's store, in two parts with one job each.

``journal``: the hot set (active and recently finished jobs, the outbox,
recent ledger entries and events, carried totals), durable and exact: a
CRC'd, fsync'ed journal over a checksummed snapshot (see its docstring).
``history``: the archive those records move to at compaction, read for
history. ``records`` holds what both share; ``tinydb_adapter`` is the only
module that touches TinyDB.
"""

from __future__ import annotations

from ..fsutil import StoreError, UnsafeFile
from ..locks import StoreBusy
from .journal import Changes, Store, Transaction, forget_store, open_store
from .records import (
    Event,
    EventKind,
    JobNotFound,
    MetaKey,
    OutboxItem,
    StoreCorrupt,
    StoreFull,
    decode_line,
    encode_line,
)
from .view import HistoryView, StoreView

__all__ = [
    "Changes", "Event", "EventKind", "HistoryView", "JobNotFound", "MetaKey", "OutboxItem",
    "Store", "StoreBusy", "StoreCorrupt", "StoreError", "StoreFull", "StoreView", "Transaction",
    "UnsafeFile", "decode_line", "encode_line", "forget_store", "open_store",
]
