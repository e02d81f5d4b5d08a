"""Hash chains over the ledger and the audit trail: tamper evidence.

Each ledger entry and each event written by this version carries ``seq`` (1,
2, 3, ... per chain) and ``hash``: sha256 of the previous record's hash and
a canonical JSON of the record itself without its hash. The store stamps them
in ``Store._commit`` under its exclusive lock, so two processes never fork a
chain. Changing a record breaks its hash; removing one leaves a gap in
``seq``; inserting one gives a record without a hash (or a repeated ``seq``);
rewriting the whole chain changes its head, which a signed paper report
(daily report, session summary) pins: ``ktptui verify --head``.

Records written before chains existed carry no hash: they are older than the
first chained record (seq 1, chained to ``GENESIS``), and ``verify`` says from
which record the chain covers. Retention (``purge``) rewrites only archived
*jobs*, never ledger entries or events, so it cannot break a chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: The "previous hash" of a chain's first record.
GENESIS = "0" * 64
#: The chained tables, in the order a head is printed.
CHAINED = ("ledger", "events")
#: How many hex digits of a hash an operator reads and types.
SHORT = 16


@dataclass(frozen=True)
class Head:
    seq: int = 0
    hash: str = GENESIS

    def to_list(self) -> list[Any]:
        return [self.seq, self.hash]

    @classmethod
    def from_list(cls, v: Any) -> Head:
        if (not isinstance(v, list) or len(v) != 2 or type(v[0]) is not int
                or not isinstance(v[1], str) or len(v[1]) != 64):
            raise ValueError("a chain head is not [seq, sha256]")
        return cls(v[0], v[1])


def digest(prev: str, doc: dict[str, Any]) -> str:
    """The hash of ``doc`` (its own ``hash`` left out) chained to ``prev``."""
    body = {k: v for k, v in doc.items() if k != "hash"}
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{canon}".encode()).hexdigest()


def stamp(head: Head, doc: dict[str, Any]) -> tuple[Head, dict[str, Any]]:
    """``doc`` as the next record of the chain, and the chain's new head."""
    doc = {**doc, "seq": head.seq + 1}
    h = digest(head.hash, doc)
    return Head(head.seq + 1, h), {**doc, "hash": h}


def head_text(heads: dict[str, Head]) -> str:
    """The pinned heads as one token an auditor copies: ``<ledger>.<events>``."""
    return ".".join(heads.get(t, Head()).hash[:SHORT] for t in CHAINED)


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a chain: ``what`` is a catalogue key."""

    what: str  # changed | removed | inserted | unchained | repeated
    table: str
    record: str  # the record's id (or "#seq" for a removed one)
    seq: int | None
    at: str = ""


@dataclass(frozen=True)
class Walk:
    table: str
    records: int  # chained records
    legacy: int  # records older than the chain (no hash)
    first_at: str | None  # the first chained record's time
    head: Head
    hashes: frozenset[str]
    problem: Problem | None


def walk(table: str, docs: Iterable[dict[str, Any]]) -> Walk:
    """Check one chain: ``docs`` every record of the table (archive and hot,
    de-duplicated by id), in any order."""
    chained: list[dict[str, Any]] = []
    legacy: list[dict[str, Any]] = []
    for d in docs:
        (chained if d.get("hash") is not None or d.get("seq") is not None else legacy).append(d)
    chained.sort(key=_seq_of)
    first_at = min((_at_of(d) for d in chained), default=None)
    problem: Problem | None = None
    head = Head()
    hashes: set[str] = set()
    for d in chained:
        seq = d.get("seq")
        rid = str(d.get("id", "?"))
        if type(seq) is not int or not isinstance(d.get("hash"), str):
            problem = Problem("unchained", table, rid, None, _at_of(d))
            break
        if seq <= head.seq:
            problem = Problem("repeated", table, rid, seq, _at_of(d))
            break
        if seq > head.seq + 1:
            problem = Problem("removed", table, f"#{head.seq + 1}", head.seq + 1,
                              _at_of(d))
            break
        if digest(head.hash, d) != d["hash"]:
            problem = Problem("changed", table, rid, seq, _at_of(d))
            break
        head = Head(seq, d["hash"])
        hashes.add(d["hash"])
    if problem is None and first_at is not None:
        # A record without a hash newer than the chain's start was put there
        # (or had its hash taken off) after chaining began.
        late = sorted((d for d in legacy if _at_of(d) > first_at),
                      key=_at_of)
        if late:
            problem = Problem("inserted", table, str(late[0].get("id", "?")), None,
                              _at_of(late[0]))
    return Walk(table, len(chained), len(legacy), first_at, head, frozenset(hashes), problem)


def _at_of(d: dict[str, Any]) -> str:
    """A record's time as stored (cut short: a file edited by hand may hold anything)."""
    return str(d.get("at", ""))[:40]


def _seq_of(d: dict[str, Any]) -> int:
    seq = d.get("seq")
    return seq if type(seq) is int else -1


def head_found(token: str, walks: dict[str, Walk]) -> bool:
    """Whether a printed head (``head_text``, or one hash of it, at least 12
    hex digits each) is still in the chains."""
    parts = token.strip().lower().split(".")
    if len(parts) == len(CHAINED):
        pairs = list(zip(CHAINED, parts, strict=True))
    elif len(parts) == 1:
        pairs = [(t, parts[0]) for t in CHAINED]
    else:
        return False
    found = [_has(walks[t], p) for t, p in pairs]
    return all(found) if len(parts) > 1 else any(found)


def _has(w: Walk, prefix: str) -> bool:
    if prefix == GENESIS[:len(prefix)] and w.records == 0:
        return True
    return any(h.startswith(prefix) for h in w.hashes)


def valid_head(token: str) -> bool:
    parts = token.strip().lower().split(".")
    return 1 <= len(parts) <= len(CHAINED) and all(
        len(p) >= 12 and all(c in "0123456789abcdef" for c in p) for p in parts)
