"""Every word in the operator's language (issue 12 item 7).

The catalogue has every key in both languages with the same fields, and an
operator on ``[ui] language = "id"`` reads no English: the CLI's human
output and refusals, the TUI's screens and refusals, history notes, the
event log and ledger notes (stored as catalogue keys, rendered when shown).
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import nik_for as demo_nik

from ktptui import actions
from ktptui.cli import main as cli
from ktptui.errors import KtpError
from ktptui.i18n import CATALOGUE, say, set_language, shown, t
from ktptui.model import Outcome, State
from ktptui.store import Store

#: Words that are English only: function words, and the domain words that
#: used to reach the operator. Words both languages use (printer, status,
#: PDF, CSV, NIK, ID, OK, demo, e-KTP, Suket) are not here.
ENGLISH = frozenset("""
the and is are was not nothing only already cannot can with from for at by of to
this that it its has have been when then until since about left none new made undone
job jobs card cards queue queued printing printed print expired authorisation authorised
authorized refused rejected waiting held hold cancelled cancel done interrupted resolved
resolve received spoiled adjusted adjustment history state attempt reason priority urgent
normal note outcome reported central sent report reports blanks blank shipment
paused resumed check allowed link power mains battery unknown day days stock over
""".split())  # noqa: SIM905 (a word list reads best as words)

#: Commands (`ktptui unpause`) and identifiers (suket_after_days) are names,
#: not words: they are not checked; nor is a raw value from outside, which
#: the catalogue quotes ("No space left on device", a printer's "new-code").
_COMMAND = re.compile(r'`[^`]*`|"[^"]*"')


def english_words(text: str) -> set[str]:
    """The English-only words in ``text``."""
    words = re.findall(r"[A-Za-z_]+", _COMMAND.sub(" ", text))
    return {w.lower() for w in words if "_" not in w} & ENGLISH


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_fields() -> None:
    for key, (indonesian, english) in CATALOGUE.items():
        assert indonesian.strip() and english.strip(), key
        assert fields(indonesian) == fields(english), key


def test_the_word_check_sees_english_and_passes_indonesian() -> None:
    assert english_words("job 1234abcd is queued; see `ktptui show 1234abcd`") == {
        "job", "is", "queued"}
    set_language("id")
    assert english_words(t("refused.paused_by", by="siti")) == set()


def test_a_stored_text_follows_the_language_of_the_moment_it_is_shown() -> None:
    note = say("note.checked", outcome=say("note.outcome.spoiled"))
    assert str(note) == "operator checked the printer: spoiled"  # what logs and old readers get
    stored = (str(note), note.key, note.stored())
    try:
        set_language("en")
        assert shown(*stored) == "operator checked the printer: spoiled"
        set_language("id")
        assert shown(*stored) == "operator memeriksa printer: rusak"
        # An old record (English only) or a key this version does not know: as stored.
        assert shown("authorisation expired before printing") == (
            "authorisation expired before printing")
        assert shown("x", "no.such.key", {}) == "x"
        assert shown("x", "note.sent", {}) == "x"  # its value is missing: as stored
    finally:
        set_language("id")


# -- a store with a job in every state -------------------------------------------------------

def _step(store: Store, job_id: str, fn: Callable[..., object], **kw: object) -> None:
    with store.transaction() as tx:
        job = tx.job(job_id)
        assert job is not None
        fn(tx, job, **kw)


def _authorise(store: Store, job_id: str) -> None:
    _step(store, job_id, actions.authorised, operator="ktp",
          authorization_id=f"auth-{job_id[:8]}", holder_name="BUDI SANTOSO")


def _print(store: Store, job_id: str, outcome: Outcome | None) -> None:
    _authorise(store, job_id)
    _step(store, job_id, actions.sent_to_printer, operator="ktp", printer="kartu")
    if outcome is not None:
        _step(store, job_id, actions.settle_card, operator="ktp", outcome=outcome)


def every_state(store: Store) -> dict[State, str]:
    """One job in every state (and a spoiled card, a lapsed authorisation, a
    pause, an urgent job, blanks in and out); the job ids by state."""
    actions.receive_blanks(store, 40, operator="siti", note="surat 001/2026")
    ids: dict[State, str] = {}
    for i, state in enumerate(State):
        ids[state] = actions.add(store, demo_nik(i), operator="siti", urgent=i == 2,
                                 wait_for_citizen=state is State.WAITING_CITIZEN).id
    j = ids
    actions.hold(store, j[State.HELD], operator="siti")
    _authorise(store, j[State.AUTHORIZED])
    _print(store, j[State.PRINTING], None)
    _print(store, j[State.PRINTED], Outcome.PRINTED)
    _print(store, j[State.DONE], Outcome.PRINTED)
    with store.transaction() as tx:
        done = tx.job(j[State.DONE])
        assert done is not None
        tx.remove_outbox(f"{done.id}/{done.attempt}")
        actions.reported(tx, done, operator="ktp")
    _print(store, j[State.INTERRUPTED], None)
    _step(store, j[State.INTERRUPTED], actions.interrupted, operator="ktp",
          note=say("note.stopped_printing"))
    _step(store, j[State.REJECTED], actions.rejected, operator="ktp", code="not_recorded",
          status=409, why="NIK belum rekam")
    actions.cancel(store, j[State.CANCELLED], operator="siti")
    _print(store, j[State.QUEUED], Outcome.SPOILED)  # spoiled: queued again
    _authorise(store, j[State.QUEUED])
    _step(store, j[State.QUEUED], actions.lapsed, operator="ktp")
    actions.make_urgent(store, j[State.QUEUED], operator="siti", note="lansia")
    actions.make_urgent(store, j[State.QUEUED], operator="siti", urgent=False)
    actions.set_paused(store, True, operator="siti")
    actions.set_paused(store, False, operator="siti")
    from ktptui import roles

    actions.adjust_blanks(store, -1, operator="siti", reason="hitung ulang",
                          who=roles.who_for_uid(0))
    from ktptui.office import sessions

    # counts off the ledger: booked once confirmed with a reason
    sessions.open_session(store, 35, operator="siti", confirm=35, reason="salah hitung")
    sessions.close_session(store, 36, operator="budi", confirm=36, reason="ketemu satu")
    store.refresh()
    assert {s: store.job(i).state for s, i in ids.items()} == {s: s for s in State}  # type: ignore[union-attr]
    return ids


def troubled_statuses() -> list[Any]:
    """Engine statuses whose core details are English (an OS error, CUPS's
    message, an unknown reason code, upsc's words)."""
    from datetime import UTC, datetime

    from ktptui.central.monitor import LinkCause, LinkState, LinkStatus
    from ktptui.power import PowerStatus
    from ktptui.printers.base import PrinterStatus
    from ktptui.station.status import Gate, StationStatus

    since = datetime(2030, 1, 15, 2, 18, tzinfo=UTC)
    down = LinkStatus(LinkState.DOWN, since, 30.0, LinkCause.UNREACHABLE,
                      "connection refused by the host")
    busy = LinkStatus(LinkState.DEGRADED, since, 30.0, LinkCause.BUSY,
                      "HTTP 503: the service is overloaded, try later")
    token = LinkStatus(LinkState.DOWN, since, None, LinkCause.TOKEN, "the token is not valid")
    power = PowerStatus("unknown", None, None, False, "power state unknown: Data stale")
    printer = PrinterStatus(False, "Printer is offline and not accepting jobs",
                            ("offline", "some-new-reason"), ("media-low", "some-new-warning"))
    return [StationStatus(gate, "printer not ready: offline", link=link, power=power,
                          printer=printer, clock_offset_s=4000.0)
            for gate, link in ((Gate.PRINTER, down), (Gate.LINK, busy), (Gate.TOKEN, token),
                               (Gate.LINK, down), (Gate.IDLE, down))]


def test_status_lines_with_english_core_details_speak_indonesian() -> None:
    from ktptui.tui.status import BlanksInfo, engine_lines

    set_language("id")
    leaks = {}
    for status in troubled_statuses():
        lines = engine_lines(status, BlanksInfo(10, 5, None))
        for part in (lines.gate, lines.link, lines.power, lines.blanks, lines.printer):
            if found := english_words(part.text):
                leaks[f"{status.gate} {status.link.cause}: {part.text}"] = found
    assert not leaks, leaks
    try:
        set_language("en")  # English keeps the core's words
        english = engine_lines(troubled_statuses()[0], BlanksInfo(10, 5, None))
    finally:
        set_language("id")
    assert "connection refused by the host" in english.link.text


# -- the CLI ------------------------------------------------------------------------------------

def _cli(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    try:
        rc = cli.main([*args, "--config", str(config)])
    finally:
        set_language("id")
    out, err = capsys.readouterr()
    return rc, out + err


def test_the_cli_speaks_indonesian(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SUDO_USER", "SSH_CLIENT", "SSH_CONNECTION", "KTPTUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("USER", "siti")
    data = tmp_path / "data"
    store = Store(data)
    ids = every_state(store)
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\ndata_dir = "{data}"\n', encoding="utf-8")
    short = {s: i[:8] for s, i in ids.items()}
    runs: list[tuple[str, ...]] = [
        ("status",), ("jobs",), ("jobs", "--all"), ("blanks", "show"), ("log",),
        ("report",), ("report", "blanks"), ("session", "show"),
        ("suket", short[State.QUEUED]),  # refused (the slip itself is bilingual)
        *[("show", i) for i in short.values()],
        # Confirmations.
        ("urgent", short[State.QUEUED]), ("urgent", short[State.QUEUED], "--undo"),
        ("hold", short[State.QUEUED]), ("release", short[State.QUEUED]),
        ("pause",), ("unpause",),
        ("blanks", "receive", "5", "--note", "surat 002"),
        ("blanks", "adjust", "+1", "--reason", "hitung ulang"),
        # Refusals: each action on a job whose state does not allow it.
        ("add", demo_nik(0)), ("unpause",), ("session", "close", "--count", "3"),
        ("urgent", short[State.HELD]), ("urgent", short[State.HELD], "--undo"),
        *[(act, short[s]) for act in ("hold", "release", "cancel", "urgent")
          for s in (State.DONE, State.CANCELLED, State.REJECTED, State.PRINTING)],
        ("resolve", short[State.QUEUED], "printed"),
        ("resolve", short[State.INTERRUPTED], "spoiled"),
        ("show", short[State.INTERRUPTED]),
        ("cancel", short[State.QUEUED]),
    ]
    leaks: dict[tuple[str, ...], set[str]] = {}
    for args in runs:
        _, text = _cli(capsys, config, *args)
        assert text.strip(), args
        if found := english_words(text):
            leaks[args] = found
    from ktptui.station.status import STATUS_KEY

    for status in troubled_statuses():  # the engine's last word, with English details
        with store.transaction() as tx:
            tx.set_meta(STATUS_KEY, status.to_json())
        _, text = _cli(capsys, config, "status")
        if found := english_words(text):
            leaks[("status", str(status.gate), str(status.link.cause))] = found
    rc, text = _cli(capsys, config, "pause")
    rc, text = _cli(capsys, config, "pause")  # already paused: refused
    assert rc == 1
    if found := english_words(text):
        leaks[("pause", "again")] = found
    assert not leaks, leaks


def test_every_refusal_of_every_action_speaks_indonesian(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    ids = every_state(store)
    set_language("id")
    attempts: list[tuple[str, Callable[[], object]]] = []
    for state, job_id in ids.items():
        for name, act in (("hold", actions.hold), ("release", actions.release),
                          ("cancel", actions.cancel), ("urgent", actions.make_urgent)):
            attempts.append((f"{name} {state}", lambda a=act, j=job_id: a(store, j,
                                                                        operator="siti")))
        attempts.append((f"not urgent {state}", lambda j=job_id: actions.make_urgent(
            store, j, operator="siti", urgent=False)))
        attempts.append((f"resolve {state}", lambda j=job_id: actions.resolve(
            store, j, Outcome.PRINTED, operator="siti", still_queued=lambda _: "")))
    from ktptui import roles

    chief, clerk = roles.who_for_uid(0), roles.who_for_uid(65534)
    attempts += [
        ("unpause", lambda: actions.unpause(store, operator="siti")),
        ("add active", lambda: actions.add(store, demo_nik(0), operator="siti")),
        ("add bad", lambda: actions.add(store, "12345", operator="siti")),
        ("show none", lambda: store.find_job("ffffffff")),
        ("receive none", lambda: actions.receive_blanks(store, 0, operator="siti")),
        ("adjust 0", lambda: actions.adjust_blanks(store, 0, operator="siti", reason="x",
                                                   who=chief)),
        ("adjust no reason", lambda: actions.adjust_blanks(store, 1, operator="siti", reason="",
                                                           who=chief)),
        ("spoil no note", lambda: actions.spoil_blank(store, operator="siti")),
        ("below zero", lambda: actions.adjust_blanks(store, -999, operator="siti", reason="x",
                                                     who=chief)),
        ("not a supervisor", lambda: actions.adjust_blanks(store, 1, operator="siti",
                                                           reason="x", who=clerk)),
    ]
    refused = 0
    leaks = {}
    for what, attempt in attempts:
        try:
            attempt()
        except KtpError as e:
            refused += 1
            if found := english_words(e.message()):
                leaks[what] = (e.message(), found)
    assert refused >= 30 and leaks == {}


def test_the_token_the_log_window_and_a_suket_write_refuse_in_indonesian(
        tmp_path: Path) -> None:
    from ktptui.central.errors import TokenRefused
    from ktptui.office import audit

    with pytest.raises(audit.AuditError) as bad_since:
        audit.parse_since("kemarin")
    token = TokenRefused.said("central.token_refused_file", file="/etc/ktptui/token")
    write = actions.ActionRefused.said("refused.suket.write", path=str(tmp_path),
                                       why="No space left on device")  # the OS's own words
    # The option's name, the path and the OS's words are not the station's to translate.
    said = {"since": bad_since.value.message().replace("--since", ""),
            "token": token.message(),
            "write": write.message().replace("No space left on device", "")
            .replace(str(tmp_path), "")}
    assert {k: english_words(v) for k, v in said.items()} == {k: set() for k in said}
    assert str(bad_since.value).startswith("--since 'kemarin' is not YYYY-MM-DD")  # logs: English


def test_stored_texts_show_in_the_language_of_the_reader(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    ids = every_state(store)
    set_language("id")
    leaks = {}
    for state, job_id in ids.items():
        job = store.job(job_id)
        assert job is not None
        for h in job.history:
            if found := english_words(h.shown_note()):
                leaks[f"history {state} {h.to_state}"] = (h.shown_note(), found)
    for e in store.events():
        if found := english_words(e.shown()):
            leaks[f"event {e.kind}"] = (e.shown(), found)
    for entry in store.ledger_entries():
        if found := english_words(entry.shown_note()):
            leaks[f"ledger {entry.kind}"] = (entry.shown_note(), found)
    assert not leaks, leaks
    set_language("en")
    try:
        notes = [h.shown_note() for h in store.job(ids[State.INTERRUPTED]).history]  # type: ignore[union-attr]
    finally:
        set_language("id")
    assert "was printing when ktptui stopped: check the printer" in notes


# -- the TUI ------------------------------------------------------------------------------------

def screen_text(app: Any) -> str:
    """What the terminal shows now (the screenshot's text), notifications included."""
    svg = app.export_screenshot()
    shown_text = " ".join(html.unescape(s) for s in re.findall(r">([^<>]*)</text>", svg))
    return shown_text.replace("\xa0", " ") + " " + " ".join(
        n.message for n in app._notifications)


async def test_every_screen_of_the_tui_speaks_indonesian() -> None:
    from textual.widgets import Input
    from tuikit import SIZE, until

    from ktptui.demo import demo_station
    from ktptui.tui.keymap import ACTIONS, Now
    from ktptui.tui.launch import make_app

    leaks: dict[str, set[str]] = {}
    with demo_station(seconds_per_card=0.05, jam_rate=0.0, jobs=0, language="id") as station:
        ids = every_state(station.store)
        app = make_app(station.config, Store(station.config.store.data_dir), None,
                       station=station)
        app.animation_level = "none"
        app.refresh_s = 0.1
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.main.table.total >= 4)

            async def look(name: str) -> None:
                await pilot.pause()
                await until(pilot, lambda: t("common.loading") not in screen_text(app))
                if found := english_words(screen_text(app)):
                    leaks[name] = found

            await look("main")
            for key, name in (("question_mark", "help"), ("a", "add"), ("e", "events"),
                              ("b", "blanks"), ("o", "session"), ("l", "report"),
                              ("s", "finished")):
                main = app.screen
                await pilot.press(key)
                await until(pilot, lambda m=main: app.screen is not m)
                await look(name)
                if name == "add":  # a refused NIK, as typed
                    app.screen.query_one(Input).value = "12345"
                    await pilot.press("enter")
                    await look("add refused")
                while app.screen is not main:
                    await pilot.press("escape")
                    await pilot.pause()
            for state, job_id in ids.items():
                if not app.main.table.select_job(job_id):
                    continue  # finished: on the finished screen, seen above
                await pilot.pause()
                main = app.screen
                await pilot.press("enter")
                await until(pilot, lambda m=main: app.screen is not m)
                await look(f"details {state}")
                await pilot.press("escape")
                await until(pilot, lambda m=main: app.screen is m)
                for key in ("h", "r", "c", "u", "x", "k"):  # each refused key says why
                    await pilot.press(key)
                    await look(f"key {key} on {state}")
                    while app.screen is not main:
                        await pilot.press("escape")
                        await pilot.pause()
                    app.clear_notifications()
        # Each action's refusal, for a job in every state, paused or not.
        station.store.refresh()
        for action in ACTIONS:
            for job_id in [None, *ids.values()]:
                job = None if job_id is None else station.store.job(job_id)
                for paused in (False, True):
                    why = action.why_not(Now(job, 1, paused))
                    if found := english_words(why):
                        leaks[f"why {action.action} {job and job.state}"] = found
    assert not leaks, leaks
