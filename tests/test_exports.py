"""Monitoring and the public notice: parsed by the reference parsers
(prometheus_client, html5lib), written by a real --resume run."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import html5lib
import pytest
from chaos import TOKEN, write_config
from prometheus_client.parser import text_string_to_metric_families
from tuikit import fixed_status

from ktptui import actions
from ktptui.central.monitor import LinkState, LinkStatus
from ktptui.central.sim import CentralSimulator
from ktptui.config import ConfigError, parse
from ktptui.printers.base import PrinterStatus
from ktptui.station import exports
from ktptui.station.status import Gate
from ktptui.store import Store

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
NIK = "3515054103900011"


def families(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "data")
    actions.receive_blanks(s, 1234, operator="t")
    for nik in (NIK, "3515051212850009"):
        actions.add(s, nik, operator="t")
    return s


def test_metrics_parse_with_the_reference_parser_and_say_what_happens(store: Store) -> None:
    down = LinkStatus(LinkState.DOWN, NOW - timedelta(minutes=7))
    jammed = PrinterStatus(False, "jam", reasons=("media-jam",))
    status = fixed_status(Gate.LINK, "link down", link=down, printer=jammed,
                          clock_offset_s=-42.0)
    m = families(exports.metrics_text(status, store, NOW, printer_name="loket-1"))
    assert m["ktptui_jobs"][(("state", "queued"),)] == 2
    assert m["ktptui_jobs"][(("state", "done"),)] == 0
    assert m["ktptui_blanks_balance"][()] == 1234
    assert m["ktptui_blanks_received_total"][()] == 1234  # the parser keeps _total
    assert m["ktptui_link_up"][()] == 0
    assert m["ktptui_link_state"][(("state", "down"),)] == 1
    assert m["ktptui_link_state_seconds"][()] == 420
    assert m["ktptui_printer_ready"][(("printer", "loket-1"), ("reason", "media-jam"))] == 0
    assert m["ktptui_gate"][(("gate", "link"),)] == 1
    assert m["ktptui_clock_offset_seconds"][()] == -42
    assert m["ktptui_cards_interrupted_total"][()] == 0
    assert m["ktptui_last_report_timestamp_seconds"][()] == 0


def test_printer_ready_has_one_sample_per_printer(store: Store) -> None:
    from ktptui.station.status import PrinterLine

    lines = (PrinterLine("p1", Gate.PRINTING, PrinterStatus(True, "ready")),
             PrinterLine("p2", Gate.PRINTER, PrinterStatus(False, "jam", reasons=("media-jam",))))
    m = families(exports.metrics_text(fixed_status(Gate.PRINTING, printers=lines), store, NOW))
    assert m["ktptui_printer_ready"] == {(("printer", "p1"), ("reason", "")): 1,
                                         (("printer", "p2"), ("reason", "media-jam")): 0}


def test_an_interrupted_card_counts_once(store: Store) -> None:
    job = store.jobs()[0]
    with store.transaction() as tx:
        job = actions.authorised(tx, job, operator="engine", authorization_id="a1")
        job = actions.sent_to_printer(tx, job, operator="engine", printer="p1")
        actions.interrupted(tx, job, operator="engine", note="power cut")
    m = families(exports.metrics_text(None, store, NOW))
    assert m["ktptui_cards_interrupted_total"][()] == 1
    assert "ktptui_link_up" not in m  # no status yet: nothing guessed


def test_label_values_are_escaped(store: Store) -> None:
    odd = PrinterStatus(False, "x", reasons=('a"b\\c\nd',))
    text = exports.metrics_text(fixed_status(Gate.PRINTER, printer=odd), store, NOW)
    m = families(text)
    assert ((("printer", "printer"), ("reason", 'a"b\\c\nd')) in m["ktptui_printer_ready"])


def parse_html(text: str) -> str:
    """Strict HTML5 parsing (html5lib raises on any parse error); the text."""
    doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
    return " ".join("".join(doc.itertext()).split())


def test_the_notice_is_valid_html_in_indonesian_without_personal_data(store: Store) -> None:
    down = LinkStatus(LinkState.DOWN, datetime(2026, 11, 28, 1, 30, tzinfo=UTC))
    page = exports.notice_html(fixed_status(Gate.LINK, link=down), store, NOW)
    words = parse_html(page)
    since = down.since.astimezone().strftime("%H:%M")
    assert f"Jaringan ke pusat putus sejak pukul {since}" in words
    assert "Permohonan tetap diterima" in words and "Kartu menunggu dicetak: 2" in words
    assert "Blangko tersedia" in words and "Pencetakan KTP-el sedang berhenti" in words
    assert NIK not in page and "3515" not in page
    assert '<meta http-equiv="refresh"' in page and 'name="viewport"' in page


def test_the_notice_says_printing_and_no_blanks(tmp_path: Path) -> None:
    empty = Store(tmp_path / "empty")
    words = parse_html(exports.notice_html(fixed_status(Gate.PRINTING), empty, NOW,
                                           office="Disdukcapil <Kab. Contoh>"))
    assert "Pencetakan KTP-el berjalan" in words and "Blangko habis" in words
    assert "Disdukcapil <Kab. Contoh>" in words  # escaped, so still valid HTML


def test_files_are_replaced_whole_and_readable_by_the_collector(tmp_path: Path) -> None:
    target = tmp_path / "ktptui.prom"
    exports.write_public(target, "a 1\n")
    exports.write_public(target, "a 2\n")
    assert target.read_text() == "a 2\n"
    assert target.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ktptui.prom"]  # no temp left


def test_a_textfile_must_end_in_prom(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[monitor\] textfile must end in \.prom"):
        parse('[monitor]\ntextfile = "/var/lib/node/ktptui.txt"\n', tmp_path / "c.toml")


def test_a_resume_run_leaves_metrics_and_notice_that_say_how_it_ended(tmp_path: Path) -> None:
    prom, page = tmp_path / "ktptui.prom", tmp_path / "status.html"
    with CentralSimulator(port=0, token=TOKEN, seed=2) as sim:
        cfg = write_config(tmp_path, sim.base_url)
        with cfg.open("a") as f:
            f.write(f'[monitor]\ntextfile = "{prom}"\n[notice]\nhtml = "{page}"\n')
        store = Store(tmp_path / "data")
        actions.receive_blanks(store, 5, operator="t")
        for nik in (NIK, "3515051212850009"):
            actions.add(store, nik, operator="t")
        out = subprocess.run([sys.executable, "-m", "ktptui", "--resume", "--config", str(cfg)],
                             capture_output=True, text=True, timeout=120,
                             stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    m = families(prom.read_text())
    assert m["ktptui_jobs"][(("state", "done"),)] == 2
    assert m["ktptui_cards_printed_total"][()] == 2
    assert m["ktptui_blanks_balance"][()] == 3
    assert m["ktptui_last_report_timestamp_seconds"][()] > 0
    assert m["ktptui_link_up"][()] == 1
    words = parse_html(page.read_text())
    assert "Kartu menunggu dicetak: 0" in words and "Blangko tersedia" in words


def test_the_exporter_rewrites_by_itself_between_changes(tmp_path: Path, store: Store) -> None:
    prom = tmp_path / "ktptui.prom"
    cfg = parse(f'[store]\ndata_dir = "{store.dir}"\n[monitor]\ntextfile = "{prom}"\n',
                tmp_path / "c.toml")
    exporter = exports.Exporter(cfg, every_s=0.05)
    try:
        exporter.update(fixed_status(Gate.IDLE))
        first = _wait_for(prom, lambda text: "ktptui_gate" in text)
        actions.receive_blanks(store, 1, operator="t")  # no status change: the tick sees it
        second = _wait_for(prom, lambda text: "ktptui_blanks_balance 1235" in text)
        assert first != second
    finally:
        exporter.stop()


def _wait_for(path: Path, ok: object) -> str:
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if callable(ok) and ok(text):
            return text
        time.sleep(0.02)
    raise AssertionError(f"{path} never said it: {path.read_text() if path.exists() else ''}")
