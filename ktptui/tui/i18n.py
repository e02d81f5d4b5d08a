"""Every string the TUI shows, Indonesian and English, in one catalogue.

``[ui] language`` picks the language (Indonesian by default). Widgets never
hold text of their own: they call ``t(key, **values)``. Details that come from
the core (an engine reason, a refused action) are English one-liners and are
appended after the translated summary.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")

#: key -> (Indonesian, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- app -------------------------------------------------------------------
    "app.title": ("Stasiun Cetak e-KTP", "e-KTP print station"),
    "app.demo": ("DEMO", "DEMO"),
    # -- gates (why the printer is or is not printing) -------------------------
    "gate.printing": ("Mencetak", "Printing"),
    "gate.idle": ("Tidak mencetak: antrean kosong", "Not printing: queue empty"),
    "gate.paused": ("Tidak mencetak: dijeda operator", "Not printing: paused by an operator"),
    "gate.token": ("Tidak mencetak: token pusat ditolak",
                   "Not printing: central refused the token"),
    "gate.blanks": ("Tidak mencetak: blangko habis", "Not printing: no blanks left"),
    "gate.power": ("Tidak mencetak: daya tidak cukup", "Not printing: not enough power"),
    "gate.printer": ("Tidak mencetak: printer tidak siap", "Not printing: printer not ready"),
    "gate.link": ("Tidak mencetak: jaringan ke pusat putus",
                  "Not printing: link to central is down"),
    "gate.waiting": ("Menunggu otorisasi dari pusat", "Waiting for central's authorisation"),
    "gate.stopping": ("Berhenti: tidak ada kartu baru", "Stopping: no new cards"),
    "gate.starting": ("Memulai mesin cetak...", "Starting the print engine..."),
    "gate.standby": ("Siaga: yang mencetak adalah {who}", "Standby: printing is done by {who}"),
    "gate.standby_none": ("Siaga: tidak ada proses yang mencetak; mengambil alih...",
                          "Standby: no process is printing; taking over..."),
    "gate.no_engine": ("Tidak mencetak: mesin cetak tidak bisa mulai",
                       "Not printing: the print engine cannot start"),
    "gate.other": ("Proses lain: {reason}", "Other process: {reason}"),
    # -- status bar --------------------------------------------------------------
    "status.link": ("Jaringan", "Link"),
    "status.power": ("Daya", "Power"),
    "status.blanks": ("Blangko", "Blanks"),
    "status.printer": ("Printer", "Printer"),
    "status.unknown": ("?", "?"),
    "status.since": ("sejak {at}", "since {at}"),
    "status.blanks_days": ("~{days} hari", "~{days} days"),
    "status.blanks_low": ("MENIPIS", "LOW"),
    "status.blanks_out": ("HABIS", "OUT"),
    "status.printer_ready": ("siap", "ready"),
    "status.printer_busy": ("mencetak", "busy"),
    "status.printer_stopped": ("berhenti", "stopped"),
    "link.up": ("tersambung", "up"),
    "link.degraded": ("terganggu", "degraded"),
    "link.down": ("PUTUS", "DOWN"),
    "power.mains": ("listrik PLN", "mains"),
    "power.battery": ("BATERAI {charge}% ~{minutes} mnt", "BATTERY {charge}% ~{minutes} min"),
    "power.unknown": ("tidak diketahui", "unknown"),
    # -- queue ---------------------------------------------------------------------
    "queue.title": ("Antrean", "Queue"),
    "queue.finished_title": ("Selesai", "Finished"),
    "queue.count": ("{shown} dari {total} pekerjaan", "{shown} of {total} jobs"),
    "queue.filter": ("filter: {name}", "filter: {name}"),
    "queue.search": ("cari: {text}", "search: {text}"),
    "queue.filter_all": ("semua", "all"),
    "queue.empty": ("Antrean kosong. Tekan [a] untuk menambah warga.",
                    "The queue is empty. Press [a] to add a citizen."),
    "queue.search_placeholder": ("Cari NIK atau nama, Enter untuk selesai",
                                 "Search NIK or name, Enter when done"),
    "col.pos": ("No", "#"),
    "col.nik": ("NIK", "NIK"),
    "col.name": ("Nama", "Name"),
    "col.reason": ("Alasan", "Reason"),
    "col.state": ("Status", "State"),
    "col.attempt": ("Ke", "Try"),
    "col.age": ("Umur", "Age"),
    "col.error": ("Galat terakhir", "Last error"),
    "col.updated": ("Waktu", "When"),
    # -- job states and reasons -------------------------------------------------------
    "state.queued": ("antre", "queued"),
    "state.held": ("ditahan", "held"),
    "state.authorized": ("siap cetak", "authorized"),
    "state.printing": ("mencetak", "printing"),
    "state.printed": ("tercetak", "printed"),
    "state.done": ("selesai", "done"),
    "state.interrupted": ("TERPUTUS", "INTERRUPTED"),
    "state.rejected": ("ditolak", "rejected"),
    "state.cancelled": ("dibatalkan", "cancelled"),
    "reason.new": ("baru", "new"),
    "reason.data_change": ("ubah data", "data change"),
    "reason.damaged": ("rusak", "damaged"),
    "reason.lost": ("hilang", "lost"),
    "priority.urgent": ("mendesak", "urgent"),
    "priority.normal": ("biasa", "normal"),
    # -- key labels (footer) ----------------------------------------------------------
    "key.add": ("Tambah", "Add"),
    "key.hold": ("Tahan", "Hold"),
    "key.release": ("Lepas", "Release"),
    "key.cancel": ("Batal", "Cancel"),
    "key.urgent": ("Desak", "Urgent"),
    "key.resolve": ("Atasi", "Resolve"),
    "key.details": ("Rinci", "Details"),
    "key.pause": ("Jeda", "Pause"),
    "key.resume": ("Lanjut", "Resume"),
    "key.blanks": ("Blangko", "Blanks"),
    "key.events": ("Log", "Log"),
    "key.filter": ("Filter", "Filter"),
    "key.search": ("Cari", "Search"),
    "key.finished": ("Selesai", "Finished"),
    "key.help": ("Bantu", "Help"),
    "key.quit": ("Keluar", "Quit"),
    "key.back": ("Kembali", "Back"),
    "key.receive": ("Terima", "Receive"),
    "key.spoil": ("Rusak", "Spoiled"),
    "key.adjust": ("Koreksi", "Adjust"),
    "key.yes": ("Ya", "Yes"),
    "key.no": ("Tidak", "No"),
    "key.submit": ("Simpan", "Save"),
    # -- help -------------------------------------------------------------------------
    "help.title": ("Bantuan: semua tombol", "Help: every key"),
    "help.add": ("tambah permohonan warga (NIK, alasan, mendesak, catatan)",
                 "add a citizen's request (NIK, reason, urgent, note)"),
    "help.hold": ("tahan pekerjaan terpilih", "hold the selected job"),
    "help.release": ("lepaskan pekerjaan yang ditahan", "release a held job"),
    "help.cancel": ("batalkan pekerjaan terpilih (dengan konfirmasi)",
                    "cancel the selected job (asks first)"),
    "help.urgent": ("jadikan mendesak (dicetak lebih dulu)", "make urgent (printed first)"),
    "help.resolve": ("selesaikan kartu terputus: 1 tercetak, 2 rusak, 3 tidak tercetak",
                     "resolve an interrupted card: 1 printed, 2 spoiled, 3 not printed"),
    "help.details": ("rincian dan riwayat pekerjaan", "job details and history"),
    "help.pause": ("jeda / lanjutkan pencetakan (tercatat)", "pause / resume printing (logged)"),
    "help.blanks": ("blangko: terima kiriman, catat rusak, koreksi, buku besar, perkiraan",
                    "blanks: receive, spoiled, adjust, ledger and forecast"),
    "help.events": ("log kejadian (terbaru di atas)", "event log (newest first)"),
    "help.filter": ("filter status berikutnya", "next state filter"),
    "help.search": ("cari NIK atau nama", "search NIK or name"),
    "help.finished": ("pekerjaan selesai / ditolak / dibatalkan",
                      "finished / rejected / cancelled jobs"),
    "help.palette": ("palet perintah (perintah lain)", "command palette (more commands)"),
    "help.move": ("pindah baris", "move the selection"),
    "help.help": ("bantuan ini", "this help"),
    "help.quit": ("keluar (bertanya dulu bila kartu sedang dicetak)",
                  "quit (asks first while a card is printing)"),
    "help.escape": ("tutup layar / batal", "close a screen / cancel"),
    "help.keys_move": ("↑ ↓ PgUp PgDn Home End", "↑ ↓ PgUp PgDn Home End"),
    # -- add --------------------------------------------------------------------------
    "add.title": ("Tambah permohonan warga", "Add a citizen's request"),
    "add.nik": ("NIK (16 angka)", "NIK (16 digits)"),
    "add.reason": ("Alasan", "Reason"),
    "add.urgent": ("Mendesak", "Urgent"),
    "add.note": ("Catatan (boleh kosong)", "Note (optional)"),
    "add.hint": ("Enter: masukkan ke antrean   Esc: batal",
                 "Enter: queue it   Esc: cancel"),
    "add.nik_ok": ("NIK valid: {province}, {sex}", "Valid NIK: {province}, {sex}"),
    "add.nik_bad": ("NIK salah: {reason}", "Wrong NIK: {reason}"),
    "add.nik_empty": ("Ketik 16 angka NIK", "Type the 16-digit NIK"),
    "add.female": ("perempuan", "female"),
    "add.male": ("laki-laki", "male"),
    "add.queued": ("Masuk antrean: {nik}", "Queued: {nik}"),
    # -- confirm / actions -------------------------------------------------------------
    "confirm.cancel": ("Batalkan pekerjaan {job} (NIK {nik})?", "Cancel job {job} (NIK {nik})?"),
    "confirm.quit_printing": (
        "Kartu sedang dicetak. Keluar setelah kartu ini selesai?",
        "A card is printing. Quit once it has finished?"),
    "confirm.hint": ("y: ya   n / Esc: tidak", "y: yes   n / Esc: no"),
    "action.refused": ("Ditolak", "Refused"),
    "action.no_job": ("Tidak ada pekerjaan terpilih", "No job selected"),
    "action.held": ("Pekerjaan {job} ditahan", "Job {job} held"),
    "action.released": ("Pekerjaan {job} dilepas", "Job {job} released"),
    "action.cancelled": ("Pekerjaan {job} dibatalkan", "Job {job} cancelled"),
    "action.urgent": ("Pekerjaan {job} mendesak", "Job {job} is urgent"),
    "action.resolved": ("Pekerjaan {job}: {state}", "Job {job}: {state}"),
    "action.paused": ("Pencetakan dijeda", "Printing paused"),
    "action.resumed": ("Pencetakan dilanjutkan", "Printing resumed"),
    "action.stopping": ("Menyelesaikan kartu yang sedang dicetak, lalu keluar...",
                        "Finishing the card in progress, then quitting..."),
    "action.took_over": ("Proses ini sekarang yang mencetak", "This process is printing now"),
    "action.recovered": ("Pemulihan: {note}", "Recovery: {note}"),
    "action.engine_error": ("Mesin cetak tidak bisa mulai: {error}",
                            "The print engine cannot start: {error}"),
    # -- resolve ----------------------------------------------------------------------
    "resolve.title": ("Kartu terputus {job} (NIK {nik})", "Interrupted card {job} (NIK {nik})"),
    "resolve.question": ("Periksa printer. Apa yang terjadi pada kartu ini?",
                         "Check the printer. What became of this card?"),
    "resolve.printed": ("1  Kartu keluar dengan baik (tercetak)",
                        "1  The card came out fine (printed)"),
    "resolve.spoiled": ("2  Kartu rusak, blangko terpakai (cetak ulang)",
                        "2  The card is spoiled, a blank was used (print again)"),
    "resolve.not_printed": ("3  Tidak ada kartu keluar (cetak ulang)",
                            "3  No card came out (print again)"),
    "resolve.none": ("Tidak ada kartu terputus untuk diselesaikan",
                     "No interrupted card to resolve"),
    "resolve.hint": ("1 / 2 / 3, Esc: batal", "1 / 2 / 3, Esc: cancel"),
    # -- details ------------------------------------------------------------------------
    "details.title": ("Pekerjaan {job}", "Job {job}"),
    "details.history": ("Riwayat", "History"),
    "field.id": ("ID", "ID"),
    "field.nik": ("NIK", "NIK"),
    "field.name": ("Nama", "Name"),
    "field.state": ("Status", "State"),
    "field.attempt": ("Percobaan", "Attempt"),
    "field.priority": ("Prioritas", "Priority"),
    "field.reason": ("Alasan", "Reason"),
    "field.created": ("Dibuat", "Created"),
    "field.updated": ("Diubah", "Updated"),
    "field.operator": ("Operator", "Operator"),
    "field.note": ("Catatan", "Note"),
    "field.error": ("Galat terakhir", "Last error"),
    "field.error_code": ("Kode pusat", "Central code"),
    "field.expires": ("Otorisasi berlaku s.d.", "Authorisation until"),
    # -- blanks ---------------------------------------------------------------------------
    "blanks.title": ("Blangko e-KTP", "e-KTP blanks"),
    "blanks.summary": ("Sisa {balance} (diterima {received}, tercetak {printed}, rusak {spoiled}, "
                       "koreksi {adjusted:+d})",
                       "{balance} left (received {received}, printed {printed}, "
                       "spoiled {spoiled}, adjusted {adjusted:+d})"),
    "blanks.forecast": ("Pemakaian {per_day:.1f}/hari (7 hari); cukup ~{days} hari",
                        "Using {per_day:.1f}/day (7 days); ~{days} days of stock"),
    "blanks.forecast_none": ("Belum ada pemakaian 7 hari terakhir",
                             "Nothing used in the last 7 days"),
    "blanks.low": ("Stok menipis: di bawah {threshold}", "Low stock: below {threshold}"),
    "blanks.ledger": ("Buku besar (terbaru di atas)", "Ledger (newest first)"),
    "blanks.receive_title": ("Terima kiriman blangko", "Receive a shipment of blanks"),
    "blanks.count": ("Jumlah", "Count"),
    "blanks.note": ("Catatan (no. surat kiriman)", "Note (shipment letter)"),
    "blanks.spoil_title": ("Catat satu blangko rusak", "Record one spoiled blank"),
    "blanks.spoil_note": ("Apa yang terjadi?", "What happened?"),
    "blanks.adjust_title": ("Koreksi jumlah blangko", "Adjust the blank count"),
    "blanks.delta": ("Selisih (+N atau -N)", "Difference (+N or -N)"),
    "blanks.reason": ("Alasan (wajib)", "Reason (required)"),
    "blanks.bad_number": ("Bukan angka: {text}", "Not a number: {text}"),
    "blanks.recorded": ("Tercatat. Sisa blangko: {balance}", "Recorded. Blanks left: {balance}"),
    "blanks.form_hint": ("Enter: simpan   Esc: batal", "Enter: save   Esc: cancel"),
    "kind.received": ("terima", "received"),
    "kind.printed": ("cetak", "printed"),
    "kind.spoiled": ("rusak", "spoiled"),
    "kind.adjusted": ("koreksi", "adjusted"),
    # -- events ---------------------------------------------------------------------------
    "events.title": ("Log kejadian (terbaru di atas)", "Event log (newest first)"),
    "events.empty": ("Belum ada kejadian", "No events yet"),
    # -- palette --------------------------------------------------------------------------
    "cmd.finished": ("Tampilkan pekerjaan selesai", "Show finished jobs"),
    "cmd.events": ("Tampilkan log kejadian", "Show the event log"),
    "cmd.blanks": ("Buka blangko", "Open blanks"),
    "cmd.receive": ("Blangko: terima kiriman", "Blanks: receive a shipment"),
    "cmd.spoil": ("Blangko: catat rusak", "Blanks: record a spoiled blank"),
    "cmd.adjust": ("Blangko: koreksi jumlah", "Blanks: adjust the count"),
    "cmd.pause": ("Jeda pencetakan", "Pause printing"),
    "cmd.resume": ("Lanjutkan pencetakan", "Resume printing"),
    "cmd.filter_clear": ("Hapus filter dan pencarian", "Clear the filter and search"),
    "cmd.demo_link_down": ("Demo: putuskan jaringan ke pusat", "Demo: cut the link to central"),
    "cmd.demo_link_up": ("Demo: sambungkan jaringan ke pusat", "Demo: restore the link to central"),
    "cmd.demo_power_off": ("Demo: putus listrik (baterai UPS)", "Demo: cut mains (UPS battery)"),
    "cmd.demo_power_on": ("Demo: listrik PLN kembali", "Demo: mains back"),
    "cmd.help": ("Bantuan", "Help"),
}

_language = "id"


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    _language = language


def language() -> str:
    return _language


def t(key: str, **values: object) -> str:
    """The text for ``key`` in the current language, formatted with ``values``."""
    indonesian, english = CATALOGUE[key]
    text = english if _language == "en" else indonesian
    return text.format(**values) if values else text


def t_opt(key: str, fallback: str) -> str:
    """``t(key)`` when the catalogue has it, else ``fallback`` (core values we
    do not know yet, e.g. a new link state)."""
    return t(key) if key in CATALOGUE else fallback
