"""Tamper evidence: the ledger and audit hash chains and ``ktptui verify``.

The tests change the real files on disk (a journal, an archive segment) the
way someone with a text editor would, fixing the line's CRC so the store
itself takes the line, and check that ``verify`` names the entry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from officekit import BUDI, SITI, Clock, clock_fixture, st_fixture  # noqa: F401

from ktptui import actions, roles
from ktptui.office import sessions
from ktptui.office import verify as verify_mod
from ktptui.store import Store, chain, decode_line, encode_line

ROOT = roles.who_for_uid(0)


def _cli(st: Store, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """``ktptui ARGS`` in a child process (the CLI reads the files afresh)."""
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\ndata_dir = "{st.dir}"\n[station]\noperator = "siti"\n'
                   '[ui]\nlanguage = "en"\n', encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "ktptui", *args, "--config", str(cfg)],
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")})
    return p.returncode, p.stdout, p.stderr


def _day(st: Store, clock: Clock) -> None:
    """A shipment, a session with a confirmed count difference, a spoil."""
    clock.at("2026-11-02T01:00")
    actions.receive_blanks(st, 120, operator="admin", ref="470/0123/35.12/2026")
    clock.at("2026-11-02T02:00")
    sessions.open_session(st, 118, operator=SITI, confirm=118, reason="two torn")
    clock.at("2026-11-02T03:00")
    actions.spoil_blank(st, operator=BUDI, note="jam")
    clock.at("2026-11-02T09:00")
    sessions.close_session(st, 117, operator=BUDI)


def _edit_line(path: Path, pick: Callable[[dict[str, Any]], bool],
               change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
    """Rewrite the first line whose record ``pick`` matches: ``change``
    returns its new record (None: delete the line), with a valid CRC."""
    lines = path.read_bytes().splitlines(keepends=True)
    for i, line in enumerate(lines):
        rec = decode_line(line)
        if rec is not None and pick(rec):
            new = change(rec)
            lines[i:i + 1] = [] if new is None else [encode_line(new)]
            path.write_bytes(b"".join(lines))
            return
    raise AssertionError(f"no such line in {path}")


def _has_ledger(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda rec: any(op[1] == "ledger" and op[3]["kind"] == kind
                           for op in rec["ops"] if op[0] == "put")


def _set_ledger(field: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(rec: dict[str, Any]) -> dict[str, Any]:
        for op in rec["ops"]:
            if op[0] == "put" and op[1] == "ledger":
                op[3][field] = value
        return rec
    return change


def _ledger_id(st: Store, kind: str) -> str:
    return next(e.id for e in Store(st.dir).ledger_entries() if e.kind.value == kind)


# -- the chain as written -----------------------------------------------------------------

def test_chains_are_continuous_across_compaction_and_processes(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    _day(st, clock)
    heads = st.chain_heads()
    assert heads["ledger"].seq == 3  # received, counted (at open), spoiled
    st.compact()  # everything moves to the archive; the heads ride in the snapshot
    other = Store(st.dir)  # a second process, writing in turn with the first
    actions.receive_blanks(other, 5, operator="admin", ref="471/2026")
    actions.spoil_blank(st, operator=BUDI, note="jam")
    assert st.chain_heads()["ledger"].seq == 5 == Store(st.dir).chain_heads()["ledger"].seq
    seqs = sorted(d["seq"] for d in st.chain_records("ledger"))
    assert seqs == [1, 2, 3, 4, 5]
    events = sorted(d["seq"] for d in st.chain_records("events"))
    assert events == list(range(1, len(events) + 1))
    result = verify_mod.verify(Store(st.dir))
    assert result.ok, result.lines()
    code, out, err = _cli(st, tmp_path, "verify")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "OK: nothing changed, removed or inserted"
    assert f"chain head: {chain.head_text(st.chain_heads())}" in out


WRITER = """
import sys
from pathlib import Path
from ktptui import actions
from ktptui.store import Store
store = Store(Path(sys.argv[1]), compact_after=7)  # compactions amid the other's commits
for i in range(15):
    actions.receive_blanks(store, 1, operator=sys.argv[2], ref=f"{sys.argv[2]}-{i}")
"""


def test_two_processes_writing_at_once_never_fork_the_chain(st: Store) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(st.dir), name])
               for name in ("a", "b")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    again = Store(st.dir)
    ledger_seqs = sorted(d["seq"] for d in again.chain_records("ledger"))
    assert ledger_seqs == list(range(1, 31))
    events = again.chain_records("events")
    assert sorted(d["seq"] for d in events) == list(range(1, len(events) + 1))
    assert verify_mod.verify(again).ok


def test_a_torn_last_journal_line_is_a_crash_not_tampering(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    _day(st, clock)
    journal = st.journal_path()
    line = encode_line({"at": "2026-11-02T10:00:00.000+00:00", "ops": []})
    with open(journal, "ab") as f:
        f.write(line[: len(line) // 2])  # a crash mid-append
    code, out, err = _cli(st, tmp_path, "verify")
    assert code == 0, out + err


# -- tampering --------------------------------------------------------------------------

def test_an_edited_ledger_entry_in_the_journal_is_named(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    _day(st, clock)
    received = _ledger_id(st, "received")
    # 120 received becomes 220: the balance still reconciles (it is a sum).
    _edit_line(st.journal_path(), _has_ledger("received"), _set_ledger("delta", 220))
    code, out, _ = _cli(st, tmp_path, "verify")
    assert code == 1
    assert out.splitlines()[0] == (
        f"blank ledger: entry {received[:8]} (no. 1, 2026-11-02T01:00:00.000+00:00) "
        "was changed")


def test_a_deleted_journal_line_is_named(st: Store, clock: Clock, tmp_path: Path) -> None:
    _day(st, clock)
    _edit_line(st.journal_path(), _has_ledger("counted"), lambda rec: None)
    code, out, _ = _cli(st, tmp_path, "verify")
    assert code == 1
    assert out.splitlines()[0] == (
        "blank ledger: entry no. 2 was removed (before the entry at "
        "2026-11-02T03:00:00.000+00:00)")


def test_an_inserted_journal_line_is_named(st: Store, clock: Clock, tmp_path: Path) -> None:
    _day(st, clock)
    fake = {"id": "f00dfeed-0000-4000-8000-000000000000", "at": "2026-11-02T05:00:00.000+00:00",
            "kind": "received", "delta": 50, "operator": "admin", "job_id": None, "note": ""}
    with open(st.journal_path(), "ab") as f:
        f.write(encode_line({"at": fake["at"], "ops": [["put", "ledger", fake["id"], fake]]}))
    code, out, _ = _cli(st, tmp_path, "verify")
    assert code == 1
    assert out.splitlines()[0] == (
        "blank ledger: entry f00dfeed (2026-11-02T05:00:00.000+00:00) was inserted: no hash "
        "after the chain began")
    # Given a forged chain number and hash, it takes a number already used.
    _edit_line(st.journal_path(), lambda rec: rec["ops"] and rec["ops"][0][2] == fake["id"],
               _set_ledger("seq", 2))
    _edit_line(st.journal_path(), lambda rec: rec["ops"] and rec["ops"][0][2] == fake["id"],
               _set_ledger("hash", "0" * 64))
    code, out, _ = _cli(st, tmp_path, "verify")
    assert code == 1 and "was inserted: its number is taken" in out.splitlines()[0]


def _archived(st: Store, clock: Clock) -> Path:
    _day(st, clock)
    clock.at("2026-11-05T00:00")
    st.compact()
    (path,) = st.history.segments("events")
    return path


def test_an_edited_or_deleted_event_in_an_archive_segment_is_named(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    path = _archived(st, clock)
    original = path.read_bytes()
    spoil = next(d for d in st.chain_records("events") if "spoiled" in d["detail"])

    def edit(rec: dict[str, Any]) -> dict[str, Any]:
        return {**rec, "operator": "someone else"}

    _edit_line(path, lambda rec: rec["id"] == spoil["id"], edit)
    code, out, _ = _cli(st, tmp_path, "verify")
    assert code == 1
    assert out.splitlines()[0] == (
        f"audit trail: entry {spoil['id'][:8]} (no. {spoil['seq']}, {spoil['at']}) was changed")

    path.write_bytes(original)
    _edit_line(path, lambda rec: rec["id"] == spoil["id"], lambda rec: None)
    code, out, _ = _cli(st, tmp_path, "verify")
    assert code == 1
    assert out.splitlines()[0].startswith(f"audit trail: entry no. {spoil['seq']} was removed")

    path.write_bytes(original)
    assert _cli(st, tmp_path, "verify")[0] == 0


def test_a_damaged_archive_segment_is_said_to_be_damaged(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    path = _archived(st, clock)
    data = bytearray(path.read_bytes())
    data[20] ^= 0x01  # a flipped bit in the first line, good lines after it
    path.write_bytes(bytes(data))
    code, out, err = _cli(st, tmp_path, "verify")
    assert code == 1 and out == ""
    assert err.startswith(f"ktptui: {path} is damaged at byte 0") and err.count("\n") == 1


# -- a pinned head ------------------------------------------------------------------------

def test_a_pinned_head_fails_once_the_chain_is_cut_back_or_rewritten(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    _day(st, clock)
    pinned = chain.head_text(st.chain_heads())
    clock.at("2026-11-03T01:00")
    actions.spoil_blank(st, operator=BUDI, note="jam")
    assert _cli(st, tmp_path, "verify", "--head", pinned)[0] == 0
    assert _cli(st, tmp_path, "verify", "--head", pinned.split(".")[0])[0] == 0

    # The last shift's records cut off the end: a chain that checks out
    # alone, but no longer holds what the signed report printed.
    journal = st.journal_path()
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-3]))
    assert _cli(st, tmp_path, "verify")[0] == 0
    code, out, _ = _cli(st, tmp_path, "verify", "--head", pinned)
    assert code == 1
    assert out.splitlines()[0] == (
        f"chain head {pinned} is no longer in the chain: entries after it were removed or "
        "the chain was rewritten")

    code, _, err = _cli(st, tmp_path, "verify", "--head", "not-a-hash")
    assert code == 2 and "is not a chain head" in err


# -- stores from before the chains -------------------------------------------------------

def test_a_store_from_before_the_chains_is_covered_from_its_first_chained_entry(
        st: Store, clock: Clock, tmp_path: Path) -> None:
    old = {"id": "0ld00000-0000-4000-8000-000000000000", "at": "2026-10-01T01:00:00.000+00:00",
           "kind": "received", "delta": 10, "operator": "admin", "job_id": None, "note": "x"}
    st.journal_path().write_bytes(encode_line(
        {"at": old["at"], "ops": [["put", "ledger", old["id"], old]]}))
    clock.at("2026-11-02T01:00")
    fresh = Store(st.dir)
    actions.spoil_blank(fresh, operator=BUDI, note="jam")
    code, out, _ = _cli(st, tmp_path, "verify")
    assert code == 0, out
    assert ("blank ledger: 1 chained entries from 2026-11-02T01:00:00.000+00:00 on; 1 older "
            "entries carry no hash") in out


def test_json_head_text_round_trips() -> None:
    h = {"ledger": chain.Head(3, "a" * 64), "events": chain.Head(9, "b" * 64)}
    text = chain.head_text(h)
    assert text == "a" * 16 + "." + "b" * 16 and chain.valid_head(text)
    assert json.loads(json.dumps(h["ledger"].to_list())) == [3, "a" * 64]
