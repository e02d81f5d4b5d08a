"""``ktptui verify``: the ledger and audit chains, and the reconciliation.

Reads every ledger entry and event from the archive files and the hot set
(``Store.chain_records``), walks each chain (``store.chain.walk``) and proves
received - printed - spoiled +/- adjustments = balance. The first problem is
named by its record; a pinned head (``--head``, printed on the daily report
and each session summary) must still be in the chains.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import t
from ..store import Store, chain, ledger


@dataclass(frozen=True)
class Verification:
    walks: dict[str, chain.Walk]
    reconciliation: ledger.Reconciliation
    head: str | None  # the pinned head asked for
    head_found: bool

    @property
    def ok(self) -> bool:
        return (all(w.problem is None for w in self.walks.values())
                and self.reconciliation.ok and self.head_found)

    def lines(self) -> list[str]:
        """What ``ktptui verify`` prints, first problem first."""
        out: list[str] = []
        for w in self.walks.values():
            what = t(f"verify.table.{w.table}")
            p = w.problem
            if p is not None:
                out.append(t(f"verify.{p.what}", what=what, record=p.record[:8] if not
                             p.record.startswith("#") else p.record, seq=p.seq or "-",
                             at=p.at or "-"))
        if self.head is not None and not self.head_found:
            out.append(t("verify.head_missing", head=self.head))
        if not self.reconciliation.ok:
            out.append(t("verify.unreconciled", detail=self.reconciliation.describe()))
        for w in self.walks.values():
            what = t(f"verify.table.{w.table}")
            if w.records == 0:
                out.append(t("verify.no_chain", what=what, legacy=w.legacy))
            elif w.legacy:
                out.append(t("verify.covers_from", what=what, n=w.records, at=w.first_at,
                             legacy=w.legacy))
            else:
                out.append(t("verify.covers_all", what=what, n=w.records))
        heads = {name: w.head for name, w in self.walks.items()}
        out.append(t("verify.head", head=chain.head_text(heads)))
        out.append(t("verify.balance", detail=self.reconciliation.describe()))
        out.append(t("verify.ok") if self.ok else t("verify.failed"))
        return out


def verify(store: Store, *, head: str | None = None) -> Verification:
    walks = {name: chain.walk(name, store.chain_records(name)) for name in chain.CHAINED}
    found = head is None or chain.head_found(head, walks)
    return Verification(walks, store.reconcile(), head, found)


def head_text(store: Store) -> str:
    """The chains' head as printed on a signed report."""
    return chain.head_text(store.chain_heads())
