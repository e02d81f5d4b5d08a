"""The one place that touches TinyDB.

The hot set lives in a TinyDB over ``MemoryStorage``; the store uses only the
storage interface TinyDB documents for custom storages (``read``/``write``),
never its private table API (``Table._read_table``, a global ``table_class``).
It relies on one fact about ``MemoryStorage``: ``read()`` hands back the very
dict given to ``write()``, so a commit changes a table in place and costs its
own records, not a copy of the table. ``tests/test_store.py`` checks that fact
against the installed TinyDB, so an upgrade that changes it fails there.
"""

from __future__ import annotations

from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage

Tables = dict[str, dict[str, Any]]


class HotTables:
    """Named tables of records keyed by our own string ids, in memory."""

    def __init__(self) -> None:
        self._db = TinyDB(storage=MemoryStorage)
        self._db.storage.write({})

    def load(self, tables: Tables) -> None:
        """Replace every table (the dicts are taken over, not copied)."""
        self._db.storage.write(tables)
        self._db.clear_cache()

    def _tables(self) -> Tables:
        # Written in __init__ and by every load: None would be a TinyDB change.
        return self._db.storage.read() or {}

    def table(self, name: str) -> dict[str, Any]:
        """The live records of ``name`` by key: read them, do not change them."""
        return self._tables().setdefault(name, {})
