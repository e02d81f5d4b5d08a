"""Every string the TUI shows, Indonesian and English, in one catalogue.

``[ui] language`` picks the language (Indonesian by default). Fronts never
hold text of their own: they call ``t(key, **values)``; a refusal is a
``KtpError`` with a key (``message()`` translated, ``str()`` English). What
comes from outside is typed where it can be (central's failure cause, a
printer's reason codes) and said in the operator's words; a detail that is not
ours (an OS error, CUPS's own message) is shown as it came, quoted, in
Indonesian (``link.raw``; docs/architecture.md, "Every word in the operator's
language"). Words said before a config is read follow ``KTPTUI_LANG``.

Texts that are stored (history notes, event details, ledger notes) are kept
language-neutral: a ``Said`` (catalogue key and values) is stored beside its
English line, and ``shown()`` renders it in the language of the moment the
operator reads it; old records with the English line only show as stored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("id", "en")

#: key -> (Indonesian, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- app -------------------------------------------------------------------
    "app.title": ("Stasiun Cetak e-KTP", "e-KTP print station"),
    "app.demo": ("DEMO", "DEMO"),
    # -- gates (why the printer is or is not printing) -------------------------
    "gate.printing": ("Mencetak", "Printing"),
    "gate.printing_job": ("Mencetak kartu {job}", "Printing card {job}"),
    "gate.idle": ("Tidak mencetak: tidak ada yang siap dicetak", "Not printing: nothing to print"),
    "gate.paused": ("Tidak mencetak: dijeda oleh {by} (p: lanjutkan)",
                    "Not printing: paused by {by} (p: resume)"),
    "gate.token": ("Tidak mencetak: token stasiun ditolak pusat",
                   "Not printing: central refused the station token"),
    "gate.blanks": ("Tidak mencetak: blangko habis; catat kiriman (b lalu r)",
                    "Not printing: no blanks left; record a shipment (b then r)"),
    "gate.power": ("Tidak mencetak: daya UPS tidak cukup; menunggu listrik PLN",
                   "Not printing: not enough UPS power; waiting for mains"),
    "gate.printer": ("Tidak mencetak: printer tidak siap", "Not printing: printer not ready"),
    "gate.link": ("Tidak mencetak: jaringan ke pusat putus; antrean menunggu",
                  "Not printing: link to central is down; the queue waits"),
    "gate.link_busy": ("Tidak mencetak: pusat sibuk; antrean menunggu",
                       "Not printing: central is busy; the queue waits"),
    "gate.waiting": ("Menunggu otorisasi dari pusat", "Waiting for central's authorisation"),
    "gate.stopping": ("Berhenti: tidak ada kartu baru", "Stopping: no new cards"),
    "gate.interrupted": ("BERHENTI: kartu {job} terputus (dikirim ke printer {at}); periksa "
                         "printer, lalu selesaikan",
                         "STOPPED: card {job} was interrupted (sent to the printer at {at}); "
                         "check the printer, then resolve it"),
    "gate.interrupted_name": ("BERHENTI: cari kartu {job} atas nama {name} (dikirim ke printer "
                              "{at}); periksa printer, lalu selesaikan",
                              "STOPPED: look for card {job} for {name} (sent to the printer at "
                              "{at}); check the printer, then resolve it"),
    "gate.interrupted_more": ("+{n} kartu terputus lain", "+{n} more interrupted"),
    "gate.session": ("Tidak mencetak: belum ada sesi cetak; buka sesi dengan jumlah blangko",
                     "Not printing: no print session open; open one with the blank count"),
    "gate.starting": ("Memulai mesin cetak...", "Starting the print engine..."),
    "gate.standby": ("Siaga: yang mencetak {who}", "Standby: printing is done by {who}"),
    "gate.standby_none": ("Siaga: tidak ada proses yang mencetak; mengambil alih...",
                          "Standby: no process is printing; taking over..."),
    "gate.no_engine": ("Tidak mencetak: mesin cetak tidak bisa mulai",
                       "Not printing: the print engine cannot start"),
    "gate.other": ("di sana: {what}", "there: {what}"),
    # -- status bar --------------------------------------------------------------
    "status.link": ("Jaringan", "Link"),
    "status.power": ("Daya", "Power"),
    "status.blanks": ("Blangko", "Blanks"),
    "status.printer": ("Printer", "Printer"),
    "status.unknown": ("?", "?"),
    "status.since": ("sejak {at}", "since {at}"),
    "status.blanks_days": ("~{days} hari", "~{days} days"),
    "status.blanks_loading": ("(memuat...)", "(loading...)"),
    "status.blanks_low": ("MENIPIS", "LOW"),
    "status.blanks_out": ("HABIS", "OUT"),
    "status.printer_ready": ("siap", "ready"),
    "status.printer_busy": ("mencetak", "busy"),
    "status.printer_stopped": ("berhenti", "stopped"),
    # -- what the card printer reports (IPP reason codes, CUPS queue codes) ------
    "printer.reason.offline": ("printer mati atau tidak tersambung",
                               "printer off or not connected"),
    "printer.reason.paused": ("printer dijeda", "printer paused"),
    "printer.reason.media-empty": ("blangko di printer habis", "no blanks in the printer"),
    "printer.reason.media-needed": ("printer meminta blangko", "the printer needs blanks"),
    "printer.reason.media-jam": ("kartu macet", "card jammed"),
    "printer.reason.marker-supply-empty": ("pita habis", "ribbon empty"),
    "printer.reason.cover-open": ("penutup printer terbuka", "printer cover open"),
    "printer.reason.door-open": ("pintu printer terbuka", "printer door open"),
    "printer.reason.stopped": ("printer berhenti", "printer stopped"),
    "printer.reason.queue-stopped": ("antrean CUPS dinonaktifkan", "CUPS queue disabled"),
    "printer.reason.queue-rejecting": ("antrean CUPS menolak kartu",
                                       "CUPS queue refuses cards"),
    "printer.reason.queue-missing": ("antrean CUPS tidak ada", "CUPS queue missing"),
    "printer.reason.cups-down": ("CUPS tidak berjalan", "CUPS not running"),
    "printer.warn.marker-supply-low": ("pita hampir habis", "ribbon low"),
    "printer.warn.media-low": ("blangko di printer hampir habis",
                               "few blanks left in the printer"),
    "printer.warn.error-policy-retry": (
        "antrean CUPS mengulang kartu gagal (atur printer-error-policy=abort-job)",
        "CUPS queue retries failed cards (set printer-error-policy=abort-job)"),
    "status.clock_fast": ("jam stasiun {amount} lebih cepat", "station clock {amount} fast"),
    "status.clock_slow": ("jam stasiun {amount} lebih lambat", "station clock {amount} slow"),
    # -- ktptui --resume: the summary at exit (the journal; no names) ---------------
    "resume.drained": ("Antrean selesai: {counts}", "Queue drained: {counts}"),
    "resume.work_left": ("Berhenti, pekerjaan masih tersisa: {counts}; {why}",
                         "Stopping with work left: {counts}; {why}"),
    "resume.operator": ("Menunggu operator: {counts}", "Waiting for an operator: {counts}"),
    "resume.card": ("periksa printer untuk kartu {job} (dikirim ke printer {at}), lalu "
                    "selesaikan: ktptui resolve {job} printed|spoiled|not-printed",
                    "check the printer for card {job} (sent to the printer at {at}), then "
                    "resolve it: ktptui resolve {job} printed|spoiled|not-printed"),
    "resume.session": ("buka sesi cetak: ktptui session open --count JUMLAH",
                       "open a print session: ktptui session open --count N"),
    "resume.no_jobs": ("tidak ada pekerjaan", "no jobs"),
    "unit.hours": ("{n} jam", "{n} h"),
    "unit.minutes": ("{n} menit", "{n} min"),
    "link.up": ("tersambung", "up"),
    "link.degraded": ("TERGANGGU", "DEGRADED"),
    "link.down": ("PUTUS", "DOWN"),
    "link.token": ("TOKEN DITOLAK", "TOKEN REFUSED"),
    "power.mains": ("listrik PLN", "mains"),
    "power.battery": ("BATERAI {charge}% ~{minutes}m", "BATTERY {charge}% ~{minutes}m"),
    "power.unknown": ("tidak diketahui", "unknown"),
    "power.low": ("LEMAH", "LOW"),
    # -- queue ---------------------------------------------------------------------
    "queue.title": ("Antrean", "Queue"),
    "queue.finished_title": ("Selesai 7 hari terakhir", "Finished, last 7 days"),
    "queue.count": ("{shown} dari {total} pekerjaan", "{shown} of {total} jobs"),
    "queue.filter": ("filter: {name}", "filter: {name}"),
    "queue.search": ("cari: {text}", "search: {text}"),
    "queue.filter_all": ("semua", "all"),
    "queue.interrupted": ("{n} KARTU TERPUTUS: x", "{n} INTERRUPTED: x"),
    "queue.empty": ("Antrean kosong. Tekan [a] untuk menambah warga.",
                    "The queue is empty. Press [a] to add a citizen."),
    "queue.search_placeholder": ("Cari NIK atau nama, Enter untuk selesai, F7 Suket",
                                 "Search NIK or name, Enter when done, F7 Suket"),
    "col.pos": ("No", "#"),
    "col.nik": ("NIK", "NIK"),
    "col.name": ("Nama", "Name"),
    "col.reason": ("Alasan", "Reason"),
    "col.state": ("Status", "State"),
    "col.attempt": ("Ke", "Try"),
    "col.age": ("Umur", "Age"),
    "col.error": ("Galat", "Error"),
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
    # -- central's final answers (rejected jobs) --------------------------------------
    "code.not_recorded": ("belum rekam: terbitkan Suket", "not recorded: issue a Suket"),
    "code.not_verified": ("belum terverifikasi pusat", "not verified by central"),
    "code.no_record": ("tidak ada data penduduk", "no population record"),
    "code.active_card_exists": ("sudah punya e-KTP aktif", "has an active e-KTP"),
    "action.rejected": ("Pekerjaan {job} (NIK {nik}) ditolak pusat: {code}",
                        "Job {job} (NIK {nik}) rejected by central: {code}"),
    "action.interrupted": ("Kartu {job} terputus: periksa printer, lalu x untuk menyelesaikan",
                           "Card {job} interrupted: check the printer, then x to resolve"),
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
    "help.title": ("Bantuan: semua tombol (Esc: tutup)", "Help: every key (Esc: close)"),
    "help.add": ("tambah warga: NIK, Enter (F2 mendesak, F3-F6 alasan)",
                 "add a citizen: NIK, Enter (F2 urgent, F3-F6 reason)"),
    "help.hold": ("tahan pekerjaan terpilih (dengan alasan)",
                  "hold the selected job (with a reason)"),
    "help.release": ("lepaskan pekerjaan yang ditahan", "release a held job"),
    "help.cancel": ("batalkan pekerjaan terpilih (dengan alasan; Esc: jangan)",
                    "cancel the selected job (with a reason; Esc: don't)"),
    "help.urgent": ("jadikan mendesak (dicetak lebih dulu); lagi: biasa kembali",
                    "make urgent (printed first); again: back to normal"),
    "help.resolve": ("kartu terputus: 1 tercetak, 2 rusak, 3 tidak tercetak",
                     "interrupted card: 1 printed, 2 spoiled, 3 not printed"),
    "help.details": ("rincian dan riwayat pekerjaan", "job details and history"),
    "help.pause": ("jeda / lanjutkan pencetakan (tercatat); P: satu printer saja",
                   "pause / resume printing (logged); P: one printer only"),
    "help.blanks": ("blangko: terima (r), rusak (s), koreksi (k), buku besar, perkiraan",
                    "blanks: receive (r), spoiled (s), adjust (k), ledger, forecast"),
    "help.events": ("log kejadian, terbaru di atas (j: hanya pekerjaan terpilih)",
                    "event log, newest first (j: only the selected job)"),
    "help.filter": ("filter status berikutnya", "next state filter"),
    "help.search": ("cari NIK atau nama", "search NIK or name"),
    "help.finished": ("pekerjaan selesai / ditolak / dibatalkan",
                      "finished / rejected / cancelled jobs"),
    "help.palette": ("palet perintah (perintah lain)", "command palette (more commands)"),
    "help.move": ("pindah baris (juga PgUp PgDn Home End)",
                  "move the selection (also PgUp PgDn Home End)"),
    "help.help": ("bantuan ini (juga F1)", "this help (also F1)"),
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
    "add.hint": ("Enter: masukkan ke antrean   Tab: catatan   Esc: batal",
                 "Enter: queue it   Tab: note   Esc: cancel"),
    "add.yes": ("YA", "YES"),
    "add.no": ("tidak", "no"),
    "nik.partial": ("{n} dari 16 angka {where}", "{n} of 16 digits {where}"),
    "add.nik_ok": ("NIK valid: {province}, {sex}", "Valid NIK: {province}, {sex}"),
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
    "resolve.still_queued": (
        "Pekerjaan {job} belum diselesaikan: kartunya masih di antrean printer dan bisa "
        "tercetak sendiri ({why}). Tunggu atau batalkan di printer, lalu coba lagi.",
        "Job {job} not resolved: its card is still in the printer's queue and may print "
        "by itself ({why}). Wait, or cancel it at the printer, then try again."),
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
                       "koreksi {adjusted})",
                       "{balance} left (received {received}, printed {printed}, "
                       "spoiled {spoiled}, adjusted {adjusted})"),
    "blanks.forecast": ("Pemakaian {per_day}/hari (7 hari); cukup ~{days} hari",
                        "Using {per_day}/day (7 days); ~{days} days of stock"),
    "blanks.forecast_none": ("Belum ada pemakaian 7 hari terakhir",
                             "Nothing used in the last 7 days"),
    "blanks.low": ("Stok menipis: di bawah {threshold}", "Low stock: below {threshold}"),
    "blanks.ledger": ("Buku besar, 31 hari terakhir (terbaru di atas)",
                      "Ledger, last 31 days (newest first)"),
    "blanks.ledger_empty": ("Tidak ada catatan 31 hari terakhir",
                            "No entries in the last 31 days"),
    "common.loading": ("Memuat...", "Loading..."),
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
    "blanks.form_hint": ("Enter: kolom berikutnya / simpan   Esc: batal",
                         "Enter: next field / save   Esc: cancel"),
    "kind.received": ("terima", "received"),
    "kind.printed": ("cetak", "printed"),
    "kind.spoiled": ("rusak", "spoiled"),
    "kind.adjusted": ("koreksi", "adjusted"),
    # -- events ---------------------------------------------------------------------------
    "events.title": ("Log kejadian, 7 hari terakhir (terbaru di atas)",
                     "Event log, last 7 days (newest first)"),
    "events.empty": ("Tidak ada kejadian", "No events"),
    # -- office operations: reports, print sessions, Suket, job log (issue #6) ----------
    "key.report": ("Laporan", "Report"),
    "key.session": ("Sesi", "Session"),
    "key.suket": ("Suket", "Suket"),
    "key.prev_day": ("Sebelumnya", "Previous"),
    "key.next_day": ("Berikutnya", "Next"),
    "key.today": ("Hari ini", "Today"),
    "key.requisition": ("Blangko", "Blanks"),
    "key.daily": ("Harian", "Daily"),
    "key.suket_save": ("Simpan", "Save"),
    "key.suket_save_as": ("Simpan ke...", "Save as..."),
    "key.suket_print": ("Cetak", "Print"),
    "key.job_only": ("Pekerjaan ini", "This job"),
    "key.job_all": ("Semua", "All"),
    "help.report": ("laporan harian (← → hari), permintaan blangko (b)",
                    "daily report (← → day), blank requisition (b)"),
    "help.session": ("sesi cetak: buka / tutup dengan hitungan blangko fisik",
                     "print session: open / close with a physical count of blanks"),
    "help.suket": ("Suket pekerjaan terpilih (juga di s; F7 saat mencari)",
                   "Suket for the selected job (also in s; F7 while searching)"),
    "office.busy": ("Tunggu: sedang diproses", "Wait: still working on it"),
    "report.daily_title": ("Laporan harian {day}", "Daily report {day}"),
    "report.today": ("hari ini", "today"),
    "report.requisition_title": ("Permintaan blangko KTP-el", "Blank requisition (e-KTP)"),
    "report.where": ("kantor {office}, stasiun {station}", "office {office}, station {station}"),
    "report.as_of": ("per {at} (UTC{offset})", "as of {at} (UTC{offset})"),
    "report.loading": ("Menghitung...", "Working it out..."),
    "report.printed": ("Kartu tercetak", "Cards printed"),
    "report.spoiled": ("Blangko rusak", "Blanks spoiled"),
    "report.rejected": ("Pekerjaan ditolak pusat", "Jobs rejected by central"),
    "report.not_recorded": ("Belum rekam (perlu Suket)", "Not recorded (Suket needed)"),
    "report.with_suket": ("  sudah diberi Suket", "  of them given a Suket"),
    "report.sukets": ("Suket diterbitkan", "Sukets issued"),
    "report.reprints": ("({n} cetak ulang)", "({n} reprinted)"),
    "report.waiting": ("Masih menunggu kartu", "Jobs still waiting"),
    "report.oldest": ("  terlama: pekerjaan {job}, menunggu {time}",
                      "  oldest: job {job}, waiting {time}"),
    "report.link_down": ("Jaringan ke pusat putus", "Link to central down"),
    "report.battery": ("Memakai baterai UPS", "On UPS battery"),
    "report.op": ("Operator", "Operator"),
    "report.op_printed": ("tercetak", "printed"),
    "report.op_spoiled": ("rusak", "spoiled"),
    "report.op_added": ("ditambah", "added"),
    "report.op_actions": ("tindakan", "actions"),
    "report.no_operators": ("(tidak ada kegiatan operator)", "(no operator activity)"),
    "req.received": ("Diterima", "Received"),
    "req.used": ("Terpakai (kartu tercetak)", "Used (cards printed)"),
    "req.spoiled": ("Rusak", "Spoiled"),
    "req.adjusted": ("Koreksi", "Adjusted"),
    "req.balance": ("Sisa (di tangan)", "Balance (on hand)"),
    "req.per_day": ("Rata-rata pemakaian per hari ({days} hari)",
                    "Average use per day ({days} days)"),
    "req.days_left": ("Cukup untuk (hari)", "Days of stock left"),
    "req.waiting": ("Pekerjaan menunggu kartu", "Jobs waiting for a card"),
    "req.need": ("Kebutuhan", "Need"),
    "req.short": ("Kekurangan", "Short"),
    "req.sentence": ("kebutuhan {need}, diterima {received}, kurang {short}",
                     "need {need}, received {received}, short {short}"),
    "req.no_need": ("Ketik kebutuhan blangko di bawah untuk menghitung kekurangannya",
                    "Type the blanks needed below to work out the shortfall"),
    "req.ledger": ("buku besar: {text}", "ledger: {text}"),
    "req.not_reconciled": ("TIDAK COCOK", "DOES NOT RECONCILE"),
    "req.need_label": ("Kebutuhan blangko (Enter: hitung)", "Blanks needed (Enter: work out)"),
    "session.title": ("Sesi cetak (giliran)", "Print session (shift)"),
    "session.none": ("Tidak ada sesi terbuka.", "No session is open."),
    "session.open_since": ("Sesi {id} terbuka sejak {at} oleh {by}",
                           "Session {id} open since {at}, by {by}"),
    "session.so_far": ("Sejauh ini: tercetak {printed}, rusak {spoiled}, Suket {sukets}, "
                       "ditolak {rejected}",
                       "So far: printed {printed}, spoiled {spoiled}, Sukets {sukets}, "
                       "rejected {rejected}"),
    "session.ask_open": ("Hitung blangko fisik yang ada, ketik jumlahnya. Enter: buka sesi",
                         "Count the blanks on hand, type the number. Enter: open the session"),
    "session.ask_close": ("Hitung blangko fisik yang ada, ketik jumlahnya. Enter: tutup sesi",
                          "Count the blanks on hand, type the number. Enter: close the session"),
    "session.count": ("Jumlah blangko", "Blanks counted"),
    "session.empty": ("Ketik jumlah blangko yang dihitung", "Type the number of blanks counted"),
    "session.opened": ("Sesi {id} dibuka: hitungan {count} sama dengan buku besar",
                       "Session {id} open: the count {count} matches the ledger"),
    "session.opened_adjusted": (
        "Sesi {id} dibuka: hitungan {count}, buku besar {ledger}; selisih {diff:+d} "
        "dicatat sebagai koreksi",
        "Session {id} open: count {count}, ledger {ledger}; the difference {diff:+d} is "
        "recorded as an adjustment"),
    "session.closed": ("Sesi {id} ditutup", "Session {id} closed"),
    "session.summary_title": ("Ringkasan sesi {id}", "Summary of session {id}"),
    "session.last": ("Sesi terakhir {id} ditutup {at} oleh {by}: tercetak {printed}, "
                     "rusak {spoiled}, Suket {sukets}",
                     "Last session {id} closed {at} by {by}: printed {printed}, "
                     "spoiled {spoiled}, Sukets {sukets}"),
    "session.badge": ("sesi sejak {at}", "session since {at}"),
    "summary.head_open": ("Sesi {id} terbuka", "Session {id} open"),
    "summary.head_closed": ("Sesi {id} ditutup", "Session {id} closed"),
    "summary.opened": ("dibuka {at} oleh {by}", "opened {at} by {by}"),
    "summary.closed": ("ditutup {at} oleh {by}", "closed {at} by {by}"),
    "summary.until": ("sejauh ini s.d. {at}", "so far until {at}"),
    "summary.count_open": ("hitungan saat buka {count} (buku besar {ledger})",
                           "count at open {count} (ledger {ledger})"),
    "summary.count_open_adj": ("hitungan saat buka {count} (buku besar {ledger}, "
                               "koreksi {diff:+d})",
                               "count at open {count} (ledger {ledger}, adjusted {diff:+d})"),
    "summary.count_close": ("hitungan saat tutup {count} (buku besar {ledger})",
                            "count at close {count} (ledger {ledger})"),
    "summary.count_close_adj": ("hitungan saat tutup {count} (buku besar {ledger}, "
                                "koreksi {diff:+d})",
                                "count at close {count} (ledger {ledger}, adjusted {diff:+d})"),
    "summary.adjustments": ("Koreksi blangko", "Blank adjustments"),
    "summary.operators": ("operator: {names}", "operators: {names}"),
    "suket.title": ("Suket untuk pekerjaan {job} (NIK {nik})", "Suket for job {job} (NIK {nik})"),
    "suket.preparing": ("Menyiapkan Suket...", "Preparing the Suket..."),
    "suket.refused": ("Suket tidak bisa dibuat:", "No Suket for this job:"),
    "suket.hint": ("Pratinjau. Enter: simpan PDF ke {folder}",
                   "Preview. Enter: save the PDF in {folder}"),
    "suket.reprint": ("Sudah pernah diterbitkan: ini CETAK ULANG ke-{copy}. Enter: simpan ke "
                      "{folder}",
                      "Issued before: this is REPRINT copy {copy}. Enter: save in {folder}"),
    "suket.file": ("Simpan ke (folder atau berkas; .txt: teks, lainnya PDF)",
                   "Save to (a folder or a file; .txt: text, otherwise PDF)"),
    "suket.queue": ("Antrean printer kertas kantor (CUPS; bukan printer kartu)",
                    "Office paper printer queue (CUPS; not the card printer)"),
    "suket.where_hint": ("Enter: kirim   Esc: batal", "Enter: send   Esc: cancel"),
    "suket.sending": ("Mengirim...", "Sending..."),
    "suket.issued": ("Suket {number} diterbitkan: {where}", "Suket {number} issued: {where}"),
    "suket.reprinted": ("Suket {number} dicetak ulang (ke-{copy}): {where}",
                        "Suket {number} reprinted (copy {copy}): {where}"),
    "suket.print_problem": ("Printer tidak mencetak Suket: {problem}",
                            "The printer did not print the Suket: {problem}"),
    "suket.no_queue": ("Ketik nama antrean printer", "Type the printer queue's name"),
    "suket.card_queue": ("{queue} adalah printer kartu e-KTP: Suket dicetak di printer "
                         "kertas kantor",
                         "{queue} is the e-KTP card printer: a Suket goes to an office paper "
                         "printer"),
    "events.job_title": ("Log pekerjaan {job} (NIK {nik}), terbaru di atas",
                         "Log of job {job} (NIK {nik}), newest first"),
    "cmd.report": ("Laporan harian", "Daily report"),
    "cmd.requisition": ("Permintaan blangko (kekurangan)", "Blank requisition (shortfall)"),
    "cmd.session": ("Sesi cetak: buka / tutup", "Print session: open / close"),
    "cmd.suket": ("Suket untuk pekerjaan terpilih", "Suket for the selected job"),
    "cmd.job_log": ("Log pekerjaan terpilih", "Log of the selected job"),
    # -- palette --------------------------------------------------------------------------
    "cmd.placeholder": ("Cari perintah...", "Search for commands..."),
    "cmd.add": ("Tambah permohonan warga", "Add a citizen's request"),
    "cmd.details": ("Rincian pekerjaan terpilih", "Details of the selected job"),
    "cmd.hold": ("Tahan pekerjaan terpilih", "Hold the selected job"),
    "cmd.release": ("Lepaskan pekerjaan terpilih", "Release the selected job"),
    "cmd.cancel": ("Batalkan pekerjaan terpilih", "Cancel the selected job"),
    "cmd.urgent": ("Jadikan mendesak", "Make the selected job urgent"),
    "cmd.resolve": ("Selesaikan kartu terputus", "Resolve an interrupted card"),
    "cmd.finished": ("Tampilkan pekerjaan selesai", "Show finished jobs"),
    "cmd.events": ("Tampilkan log kejadian", "Show the event log"),
    "cmd.blanks": ("Buka blangko", "Open blanks"),
    "cmd.receive": ("Blangko: terima kiriman", "Blanks: receive a shipment"),
    "cmd.spoil": ("Blangko: catat rusak", "Blanks: record a spoiled blank"),
    "cmd.adjust": ("Blangko: koreksi jumlah", "Blanks: adjust the count"),
    "cmd.pause": ("Jeda pencetakan", "Pause printing"),
    "cmd.resume": ("Lanjutkan pencetakan", "Resume printing"),
    "cmd.filter": ("Filter status berikutnya", "Next state filter"),
    "cmd.search": ("Cari NIK atau nama", "Search NIK or name"),
    "cmd.filter_clear": ("Hapus filter dan pencarian", "Clear the filter and search"),
    "cmd.quit": ("Keluar", "Quit"),
    "cmd.demo_link_down": ("Demo: putuskan jaringan ke pusat", "Demo: cut the link to central"),
    "cmd.demo_link_up": ("Demo: sambungkan jaringan ke pusat", "Demo: restore the link to central"),
    "cmd.demo_power_off": ("Demo: putus listrik (baterai UPS)", "Demo: cut mains (UPS battery)"),
    "cmd.demo_power_on": ("Demo: listrik PLN kembali", "Demo: mains back"),
    "cmd.help": ("Bantuan", "Help"),
    # --- formats and reports (helper: formats) -------------------------------------------
    "fmt.months": ("Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des",
                   "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"),
    "fmt.under_minute": ("<1 mnt", "<1 min"),
    "fmt.minutes": ("{n} menit", "{n} min"),
    "fmt.hours": ("{n} jam", "{n} h"),
    "fmt.days": ("{n} hari", "{n} d"),
    "fmt.age_min": ("{n}m", "{n}m"),
    "fmt.age_hours": ("{n}j", "{n}h"),
    "fmt.age_days": ("{n}h", "{n}d"),
    "report.stock_open": ("Stok awal blangko", "Blanks at the start of the day"),
    "report.received": ("Blangko diterima", "Blanks received"),
    "report.adjusted": ("Koreksi blangko", "Blanks adjusted"),
    "report.stock_close": ("Stok akhir blangko", "Blanks at the end of the day"),
    "report.not_started": ("{day} belum dimulai: belum ada laporan",
                           "{day} has not started yet: no report"),
    "report.bad_need": ("--need harus 0 atau lebih, bukan {need}",
                        "--need must be 0 or more, got {need}"),
    "report.saved": ("Laporan disimpan: {path}", "Report saved: {path}"),
    "report.pdf_needs_out": ("PDF tidak ditampilkan di terminal: tambahkan --out BERKAS.pdf",
                             "a PDF is not shown on a terminal: add --out FILE.pdf"),
    "report.not_saved": ("Laporan tidak tersimpan: {error}", "Report not saved: {error}"),
    "report.saving": ("Menyimpan laporan...", "Saving the report..."),
    "key.save_pdf": ("Simpan PDF", "Save PDF"),
    "key.save_csv": ("Simpan CSV", "Save CSV"),
    # --- errors (the error tree: ktptui/errors.py; NIK rules: ktptui/nik.py) ---
    "error.bad_input": ("Isian salah", "Wrong input"),
    "error.config": ("Konfigurasi salah", "Config error"),
    "error.refused": ("Ditolak", "Refused"),
    "error.store": ("Masalah penyimpanan data", "Store problem"),
    "error.central": ("Masalah dengan pusat", "Trouble with central"),
    "error.printer": ("Masalah printer", "Printer trouble"),
    "error.fix.bad_input": ("Perbaiki isian, lalu coba lagi; tidak ada yang diubah.",
                            "Correct the input and try again; nothing was changed."),
    "error.fix.config": ("Perbaiki kunci yang disebut di berkas konfigurasi, lalu mulai lagi.",
                         "Fix the named key in the config file, then start again."),
    "error.fix.refused": ("Tidak ada yang diubah; lihat alasannya di atas.",
                          "Nothing was changed; see the reason above."),
    "error.fix.store": ("Tidak ada yang diubah; coba lagi sebentar lagi, atau panggil teknisi "
                        "bila terus terjadi.",
                        "Nothing was changed; try again in a moment, or call the technician "
                        "if it goes on."),
    "error.fix.central": ("Antrean menunggu; ktptui mencoba lagi sendiri.",
                          "The queue waits; ktptui tries again by itself."),
    "error.fix.printer": ("Periksa printer (daya, kabel, blangko, pita), lalu coba lagi.",
                          "Check the printer (power, cable, blanks, ribbon), then try again."),
    "nik.bad.digit": ("{shown} berisi karakter bukan angka {char} di posisi {pos}; NIK terdiri "
                      "dari 16 angka",
                      "{shown} has a non-digit {char} at position {pos}; a NIK is 16 digits"),
    "nik.bad.length": ("{shown} berisi {n} angka, harus 16", "{shown} has {n} digits, needs 16"),
    "nik.bad.province": ("{shown}: {code} bukan kode provinsi (angka 1-2)",
                         "{shown}: {code} is not a province code (digits 1-2)"),
    "nik.bad.date": ("{shown}: angka 7-12 ({digits}) bukan tanggal lahir DDMMYY (perempuan: "
                     "tanggal + 40)",
                     "{shown}: digits 7-12 ({digits}) are not a birth date DDMMYY "
                     "(day + 40 for women)"),
    "nik.bad.serial": ("{shown}: nomor urut (angka 13-16) 0000, yang pertama 0001",
                       "{shown}: serial (digits 13-16) is 0000, the first serial is 0001"),
    # --- runner (the station runner) ---
    "action.engine_restart": ("Mesin cetak berhenti ({error}); dijalankan lagi ({n} dari {max})",
                              "The print engine stopped ({error}); starting it again "
                              "({n} of {max})"),
    # --- roles (ktptui/roles.py) ---
    "roles.not_supervisor": ("hanya supervisor (anggota grup {group}) yang boleh {what}; {user} "
                             "bukan supervisor: minta supervisor, atau minta teknisi menambahkan "
                             "Anda ke grup {group}",
                             "only a supervisor (a member of group {group}) may {what}; {user} "
                             "is not: ask one, or have IT add you to group {group}"),
    # --- tui-day: the action table, reasons, urgent undo, refusals ---
    "key.not_urgent": ("Biasa", "Normal"),
    "cmd.not_urgent": ("Batalkan mendesak (jadi biasa)", "Undo urgent (back to normal)"),
    "help.receive": ("terima kiriman blangko langsung (sama dengan b r)",
                     "receive a blank shipment at once (same as b r)"),
    "action.not_urgent": ("Pekerjaan {job} tidak mendesak lagi", "Job {job} is no longer urgent"),
    "reason.hold": ("Tahan pekerjaan {job} (NIK {nik})?", "Hold job {job} (NIK {nik})?"),
    "reason.cancel": ("Batalkan pekerjaan {job} (NIK {nik})?", "Cancel job {job} (NIK {nik})?"),
    "reason.placeholder": ("alasan (boleh kosong)", "reason (may be empty)"),
    "reason.hint": ("Enter: lakukan (kosong: tanpa alasan)   Esc: jangan",
                    "Enter: do it (empty: no reason)   Esc: don't"),
    "why.hold": ("{what}, tidak bisa ditahan", "{what}: it cannot be held"),
    "why.release": ("{what}, tidak bisa dilepas", "{what}: it cannot be released"),
    "why.cancel": ("{what}, tidak bisa dibatalkan", "{what}: it cannot be cancelled"),
    "why.urgent": ("{what}, tidak bisa didesak", "{what}: it cannot be made urgent"),
    "why.already_urgent": ("pekerjaan {job} sudah mendesak", "job {job} is already urgent"),
    "why.not_urgent": ("pekerjaan {job} tidak mendesak", "job {job} is not urgent"),
    "why.already_paused": ("pencetakan sudah dijeda", "printing is already paused"),
    "why.not_paused": ("pencetakan tidak dijeda", "printing is not paused"),
    "why.state.queued": ("pekerjaan masih antre", "the job is queued"),
    "why.state.held": ("pekerjaan sudah ditahan", "the job is already held"),
    "why.state.authorized": ("kartu sudah siap cetak", "the card is authorised"),
    "why.state.printing": ("kartu sedang dicetak", "the card is printing"),
    "why.state.printed": ("kartu sudah dicetak", "the card is printed"),
    "why.state.interrupted": ("kartu terputus (selesaikan dengan x)",
                              "the card was interrupted (resolve it with x)"),
    "why.state.done": ("pekerjaan sudah selesai", "the job is done"),
    "why.state.rejected": ("pekerjaan ditolak pusat", "central rejected the job"),
    "why.state.cancelled": ("pekerjaan sudah dibatalkan", "the job is cancelled"),
    # --- the public notice (station/exports.py; Indonesian always) ---
    "notice.title": ("Status layanan KTP-el", "e-KTP service status"),
    "notice.unknown": ("Status pencetakan belum diketahui", "Printing status not known yet"),
    "notice.printing": ("Pencetakan KTP-el berjalan", "e-KTP cards are being printed"),
    "notice.not_printing": ("Pencetakan KTP-el sedang berhenti",
                            "e-KTP printing has stopped for now"),
    "notice.link_down": ("Jaringan ke pusat putus sejak pukul {since}",
                         "The link to central has been down since {since}"),
    "notice.accepting": ("Permohonan tetap diterima", "Requests are still accepted"),
    "notice.waiting": ("Kartu menunggu dicetak: {n}", "Cards waiting to be printed: {n}"),
    "notice.blanks_yes": ("Blangko tersedia", "Blank cards available"),
    "notice.blanks_no": ("Blangko habis", "No blank cards left"),
    "notice.updated": ("Diperbarui {at}", "Updated {at}"),
    # --- serve: the station service and its socket (issue 15) ---
    "service.gone": ("layanan stasiun di {path} berhenti menjawab ({why}); periksa "
                     "`systemctl status ktptui` lalu coba lagi",
                     "the station service on {path} stopped answering ({why}); check "
                     "`systemctl status ktptui` and try again"),
    "service.not_allowed": ("layanan stasiun berjalan tetapi Anda tidak boleh memakai {path}; "
                            "minta IT menambahkan Anda ke grup {group}, lalu masuk lagi",
                            "the station service runs but you may not reach {path}; have IT "
                            "add you to group {group}, then log in again"),
    "service.resume_skipped": ("layanan stasiun (pid {pid}) sudah berjalan dan mencetak "
                               "antrean; --resume tidak perlu",
                               "the station service (pid {pid}) runs and prints the queue; "
                               "--resume has nothing to do"),
    "service.no_printer": ("tidak ada printer bernama {name}; yang ada: {known}",
                           "no printer named {name}; known: {known}"),
    "service.read_only": ("layar ini tersambung ke layanan stasiun dan tidak mengubah data "
                          "sendiri; lakukan lewat perintahnya",
                          "this front is attached to the station service and changes no data "
                          "itself; use its command"),
    # --- printers (issue 15: several printers in one station) ---
    "printers.paused": ("Tidak mencetak: printer ini dijeda oleh {by}",
                        "Not printing: this printer is paused by {by}"),
    "printers.pick": ("Printer mana yang dijeda atau dilanjutkan?",
                      "Which printer to pause or resume?"),
    "printers.option_running": ("{name}: mencetak - Enter untuk menjeda",
                                "{name}: running - Enter pauses it"),
    "printers.option_paused": ("{name}: dijeda - Enter untuk melanjutkan",
                               "{name}: paused - Enter resumes it"),
    "printers.hint": ("Enter: pilih   Esc: batal", "Enter: choose   Esc: cancel"),
    "printers.paused_now": ("Printer {name} dijeda; printer lain tetap mencetak",
                            "Printer {name} paused; the other printers go on"),
    "printers.resumed_now": ("Printer {name} dilanjutkan", "Printer {name} resumed"),
    "key.pause_printer": ("Jeda printer", "Pause printer"),
    "cmd.pause_printer": ("Jeda / lanjutkan satu printer", "Pause / resume one printer"),
    "help.pause_printer": ("jeda / lanjutkan satu printer (yang lain tetap mencetak)",
                           "pause / resume one printer (the others go on)"),
    "resolve.question_printer": ("Periksa printer {printer}. Apa yang terjadi pada kartu ini?",
                                 "Check printer {printer}. What became of this card?"),
    "why.one_printer": ("stasiun ini hanya punya satu printer (p: jeda pencetakan)",
                        "this station has one printer (p: pause printing)"),
    # --- blanks (issue 14): verify, count confirmation, approval, rationing ---
    "verify.table.ledger": ("buku besar blangko", "blank ledger"),
    "verify.table.events": ("jejak audit", "audit trail"),
    "verify.changed": ("{what}: catatan {record} (no. {seq}, {at}) telah diubah",
                       "{what}: entry {record} (no. {seq}, {at}) was changed"),
    "verify.removed": ("{what}: catatan no. {seq} telah dihapus (sebelum catatan {at})",
                       "{what}: entry no. {seq} was removed (before the entry at {at})"),
    "verify.repeated": ("{what}: catatan {record} (no. {seq}, {at}) disisipkan: nomornya "
                        "sudah dipakai",
                        "{what}: entry {record} (no. {seq}, {at}) was inserted: its number "
                        "is taken"),
    "verify.unchained": ("{what}: catatan {record} ({at}) rusak rantainya (no. atau hash)",
                         "{what}: entry {record} ({at}) has a broken chain number or hash"),
    "verify.inserted": ("{what}: catatan {record} ({at}) disisipkan: tanpa hash setelah "
                        "rantai dimulai",
                        "{what}: entry {record} ({at}) was inserted: no hash after the "
                        "chain began"),
    "verify.head_missing": ("kepala rantai {head} tidak ada lagi: catatan sesudahnya dihapus "
                            "atau rantai ditulis ulang",
                            "chain head {head} is no longer in the chain: entries after it "
                            "were removed or the chain was rewritten"),
    "verify.unreconciled": ("saldo tidak cocok: {detail}",
                            "the balance does not reconcile: {detail}"),
    "verify.no_chain": ("{what}: belum ada rantai ({legacy} catatan lama tanpa hash)",
                        "{what}: no chain yet ({legacy} older entries without a hash)"),
    "verify.covers_from": ("{what}: {n} catatan berantai sejak {at}; {legacy} catatan lebih "
                           "lama tanpa hash",
                           "{what}: {n} chained entries from {at} on; {legacy} older "
                           "entries carry no hash"),
    "verify.covers_all": ("{what}: {n} catatan, semua berantai",
                          "{what}: {n} entries, all chained"),
    "verify.head": ("kepala rantai: {head}", "chain head: {head}"),
    "verify.balance": ("saldo: {detail}", "balance: {detail}"),
    "verify.ok": ("BAIK: tidak ada yang diubah, dihapus atau disisipkan",
                  "OK: nothing changed, removed or inserted"),
    "verify.failed": ("GAGAL: lihat baris pertama", "FAILED: see the first line"),
    "verify.damaged": ("berkas rusak (bukan diubah dengan sengaja?): {detail}",
                       "a file is damaged (not edited on purpose?): {detail}"),
    "verify.bad_head": ("--head {head} bukan kepala rantai (angka heksa, min. 12 digit; "
                        "salin dari laporan)",
                        "--head {head} is not a chain head (hex digits, at least 12; copy "
                        "it from the report)"),
    "report.chain_head": ("Kepala rantai (ktptui verify --head)",
                          "Chain head (ktptui verify --head)"),
    "count.bad": ("jumlah blangko harus bilangan bulat >= 0, bukan {text}",
                  "a count of blanks must be a whole number >= 0, not {text}"),
    "count.differs": ("hitungan {count} berbeda dari buku besar {ledger} ({diff}): tidak ada "
                      "yang dicatat. Hitung lagi; bila benar, ulangi dengan --confirm {count} "
                      "--reason ALASAN",
                      "count {count} differs from the ledger's {ledger} ({diff}): nothing "
                      "was booked. Count again; if it is right, repeat with --confirm {count} "
                      "--reason REASON"),
    "count.confirm_differs": ("--confirm {confirm} tidak sama dengan --count {count}: tidak "
                              "ada yang dicatat; hitung lagi",
                              "--confirm {confirm} is not --count {count}: nothing was "
                              "booked; count again"),
    "count.needs_reason": ("selisih hitung {diff} perlu alasan (--reason): tidak ada yang "
                           "dicatat",
                           "a count difference of {diff} needs a reason (--reason): nothing "
                           "was booked"),
    "count.note": ("selisih hitung saat {what} sesi: hitungan {count}, buku besar {ledger}: "
                   "{reason}",
                   "count difference at session {what}: counted {count}, ledger {ledger}: "
                   "{reason}"),
    "count.what.open": ("buka", "open"),
    "count.what.close": ("tutup", "close"),
    "count.dialog_confirm": ("Hitungan {count} berbeda dari buku besar {ledger} ({diff}). "
                             "Hitung lagi, ketik jumlahnya sekali lagi dan alasannya",
                             "Count {count} differs from the ledger's {ledger} ({diff}). "
                             "Count again, type the number once more and the reason"),
    "count.dialog_again": ("Jumlah (sekali lagi)", "Count (once more)"),
    "count.dialog_reason": ("Alasan selisih (wajib)", "Reason for the difference (required)"),
    "summary.unapproved": ("BELUM DISETUJUI kepala seksi: {n} selisih hitung (ktptui approve)",
                           "NOT YET APPROVED by a supervisor: {n} count difference(s) "
                           "(ktptui approve)"),
    "summary.entry_unapproved": ("belum disetujui", "not approved"),
    "approve.unknown": ("tidak ada catatan buku besar {ref}: lihat ktptui blanks entries "
                        "--unapproved",
                        "no ledger entry {ref}: see ktptui blanks entries --unapproved"),
    "approve.ambiguous": ("{n} catatan diawali {ref}: beri lebih banyak karakter",
                          "{n} entries start with {ref}: give more characters"),
    "approve.not_count": ("catatan {ref} bukan selisih hitung; hanya selisih hitung yang "
                          "disetujui",
                          "entry {ref} is not a count difference; only those are approved"),
    "approve.already": ("selisih hitung {ref} sudah disetujui oleh {by}",
                        "count difference {ref} was already approved by {by}"),
    "approve.done": ("selisih hitung {ref} ({delta}) disetujui oleh {by}",
                     "count difference {ref} ({delta}) approved by {by}"),
    "blanks.ref": ("No. surat pengantar kiriman", "Delivery letter number"),
    "role.adjust": ("mengoreksi jumlah blangko", "adjust the blank count"),
    "role.approve": ("menyetujui selisih hitung", "approve a count difference"),
    "role.purge": ("menghapus data pribadi lama", "remove old personal data"),
    "req.receipts": ("Kiriman diterima (tanggal, no. surat, jumlah)",
                     "Shipments received (date, letter number, count)"),
    "req.no_ref": ("TANPA NO. SURAT", "NO LETTER NUMBER"),
    "req.no_receipts": ("  belum ada kiriman", "  no shipment yet"),
    "req.per_day_since": ("Pemakaian/hari ({days} hari sejak mulai)",
                          "Use per day ({days} days since start)"),
    "report.count_diffs": ("Selisih hitung", "Count differences"),
    "blanks.approved_by": ("disetujui {by}", "approved by {by}"),
    "kind.counted": ("selisih", "counted"),
    "kind.approved": ("disetujui", "approved"),
    "gate.reserved": ("Tidak mencetak: blangko dicadangkan untuk KTP pemula",
                      "Not printing: blanks kept in reserve for first-time cards"),
    # --- lifecycle (issue 13): intake, receipt, hand-over, call-back, arrival ---
    "state.waiting_citizen": ("menunggu warga", "waiting for citizen"),
    "why.state.waiting_citizen": ("pekerjaan menunggu warga datang",
                                  "the job waits for the citizen"),
    "phone.bad.digits": ("nomor HP hanya boleh berisi angka (boleh diawali +62); "
                         "tulis misalnya 081234567890",
                         "a phone number has digits only (it may start with +62); "
                         "write e.g. 081234567890"),
    "phone.bad.prefix": ("nomor HP harus nomor seluler Indonesia (08... atau +628...)",
                         "the phone must be an Indonesian mobile number (08... or +628...)"),
    "phone.bad.length": ("nomor HP harus {lo}-{hi} angka dalam bentuk 08... ({n} angka)",
                         "the phone must have {lo}-{hi} digits in the 08... form "
                         "(it has {n})"),
    "name.bad.control": ("nama berisi karakter kendali; ketik ulang namanya",
                         "the name holds control characters; type it again"),
    "name.bad.empty": ("nama kosong; tulis nama warga atau lewati --name",
                       "the name is empty; give the citizen's name or leave out --name"),
    "name.bad.length": ("nama terlalu panjang ({n} huruf, paling banyak {limit})",
                        "the name is too long ({n} characters, at most {limit})"),
    "handover.not_printed": ("kartu pekerjaan {job} belum dicetak ({state}); "
                             "tidak ada yang diserahkan",
                             "job {job}'s card is not printed ({state}); nothing to hand over"),
    "handover.twice": ("kartu pekerjaan {job} sudah diserahkan {at} oleh {by}",
                       "job {job}'s card was already handed over {at} by {by}"),
    "handover.archived": ("pekerjaan {job} tidak ada lagi di arsip; coba lagi",
                          "job {job} is no longer in the archive; try again"),
    "handover.done": ("kartu {job} diserahkan", "card {job} handed over"),
    "arrive.not_waiting": ("pekerjaan {job} tidak menunggu warga ({state})",
                           "job {job} is not waiting for the citizen ({state})"),
    "pickup.ready": ("siap diambil", "ready for pickup"),
    "pickup.collected": ("sudah diambil", "collected"),
    "receipt.title": ("TANDA TERIMA PERMOHONAN KTP-EL", "E-KTP REQUEST RECEIPT"),
    "receipt.office": ("Kantor", "Office"),
    "receipt.job": ("Nomor pekerjaan", "Job number"),
    "receipt.nik": ("NIK", "NIK"),
    "receipt.name": ("Nama", "Name"),
    "receipt.date": ("Tanggal", "Date"),
    "receipt.reason": ("Alasan", "Reason"),
    "receipt.pickup": ("Pengambilan", "Pickup"),
    "receipt.how": ("Kartu diambil sendiri dengan membawa tanda terima ini. Petugas "
                    "menyerahkan kartu setelah mencocokkan nomor pekerjaan.",
                    "Collect the card in person with this receipt. The operator hands "
                    "the card over after checking the job number."),
    "receipt.how_arrive": ("Kartu dicetak saat Anda datang membawa tanda terima ini.",
                           "The card is printed when you come with this receipt."),
    "uncollected.none": ("tidak ada kartu yang belum diambil", "no uncollected cards"),
    "find.none": ("tidak ditemukan", "nothing found"),
    "report.handed_over": ("Kartu diserahkan", "Cards handed over"),
    "add.name": ("Nama warga (boleh kosong)", "Citizen's name (optional)"),
    "why.arrive": ("{what}, tidak menunggu warga", "{what}, not waiting for the citizen"),
    "help.release_arrive": ("lepaskan pekerjaan ditahan / warga datang: cetak sekarang",
                            "release a held job / the citizen came: print it now"),
    "key.arrive": ("Datang", "Arrived"),
    "cmd.arrive": ("Warga datang: cetak pekerjaan terpilih", "Citizen arrived: print the job"),
    "help.details_receipt": ("rincian dan riwayat pekerjaan (i: tanda terima)",
                             "job details and history (i: intake receipt)"),
    "help.finished_handover": ("pekerjaan selesai / ditolak / batal (g: serahkan kartu)",
                               "finished / rejected / cancelled jobs (g: hand a card over)"),
    "key.handover": ("Serahkan", "Hand over"),
    "cmd.handover": ("Serahkan kartu / daftar belum diambil",
                     "Hand over a card / cards not collected"),
    "key.receipt": ("Tanda terima", "Receipt"),
    "cmd.receipt": ("Tanda terima pekerjaan terpilih", "Receipt of the selected job"),
    "key.save": ("Simpan", "Save"),
    "suket.no_name": ("pekerjaan {job} tanpa nama warga; Suket perlu nama "
                      "(isi nama saat pendaftaran)",
                      "job {job} has no citizen's name; a Suket needs one "
                      "(take the name at intake)"),
    "suket.number_taken": ("nomor {number} baru saja dipakai Suket lain; terbitkan lagi",
                           "number {number} was just taken by another Suket; issue it again"),
    "field.citizen": ("Nama warga", "Citizen"),
    "field.phone": ("Nomor HP", "Phone"),
    "field.printed": ("Dicetak", "Printed"),
    "field.collected": ("Diserahkan", "Handed over"),
    "action.arrived": ("Warga datang: pekerjaan {job} masuk antrean",
                       "Citizen arrived: job {job} queued"),
    "handover.list": ("Enter tanpa teks: daftarnya, dengan nomor HP",
                      "Enter with no text: the list, with phone numbers"),
    "handover.title": ("Serahkan kartu (tanda terima warga)",
                       "Hand a card over (citizen's receipt)"),
    "handover.find": ("nama, NIK, nomor HP atau nomor pekerjaan",
                      "name, NIK, phone or job number"),
    "handover.to": ("Diambil oleh (kosong: warga sendiri)", "Collected by (empty: the citizen)"),
    "handover.hint": ("Enter: serahkan   ↑ ↓: pilih   Tab: diambil oleh   Esc: batal",
                      "Enter: hand over   ↑ ↓: pick   Tab: collected by   Esc: cancel"),
    "find.title": ("Semua pekerjaan dengan \"{text}\": {n}", "All jobs matching \"{text}\": {n}"),
    "callback.title": ("Kartu belum diambil: {n} (hubungi warga)",
                       "Cards not collected: {n} (call the citizens)"),
    "callback.title_since": ("Kartu tercetak sejak {since}, belum diambil: {n}",
                             "Cards printed since {since}, not collected: {n}"),
    "callback.offer": ("Jaringan pulih: {n} kartu tercetak sejak gangguan; g: daftar telepon",
                       "Link back: {n} cards printed since the outage; g: whom to call"),
    "receipt.hint": ("s atau Enter: simpan PDF   Esc: tutup", "s or Enter: save PDF   Esc: close"),
    "receipt.saved": ("Tanda terima disimpan: {path}", "Receipt saved: {path}"),
    "receipt.not_saved": ("Tanda terima tidak tersimpan: {error}", "Receipt not saved: {error}"),
    "add.phone": ("Nomor HP, 08... (boleh kosong; untuk dihubungi)",
                  "Mobile number, 08... (optional; to call back)"),
    "add.hint_contact": ("Enter: masukkan ke antrean   Tab: kolom berikut   Esc: batal",
                         "Enter: queue it   Tab: next field   Esc: cancel"),
    "report.uncollected": ("Kartu belum diambil", "Cards not collected"),
    "report.age_days": ("{band} hari", "{band} days"),
    # --- catalogue (issue 12 item 7): stored texts, refusals, CLI ---------------
    # Stored texts (i18n.Said): the English line is what older versions stored.
    "event.moved": ("{frm} -> {to}", "{frm} -> {to}"),
    "event.moved_note": ("{frm} -> {to}: {note}", "{frm} -> {to}: {note}"),
    "event.state.queued": ("antre", "queued"),
    "event.state.held": ("ditahan", "held"),
    "event.state.waiting_citizen": ("menunggu warga", "waiting for citizen"),
    "event.state.authorized": ("siap cetak", "authorized"),
    "event.state.printing": ("mencetak", "printing"),
    "event.state.printed": ("tercetak", "printed"),
    "event.state.done": ("selesai", "done"),
    "event.state.interrupted": ("terputus", "interrupted"),
    "event.state.rejected": ("ditolak", "rejected"),
    "event.state.cancelled": ("dibatalkan", "cancelled"),
    "event.urgent": ("dijadikan mendesak", "made urgent"),
    "event.urgent_note": ("dijadikan mendesak: {note}", "made urgent: {note}"),
    "event.not_urgent": ("tidak mendesak lagi", "urgent undone"),
    "event.not_urgent_note": ("tidak mendesak lagi: {note}", "urgent undone: {note}"),
    "event.paused": ("dijeda", "paused"),
    "event.paused_note": ("dijeda: {note}", "paused: {note}"),
    "event.resumed": ("dilanjutkan", "resumed"),
    "event.resumed_note": ("dilanjutkan: {note}", "resumed: {note}"),
    "event.blanks": ("{what} {delta}", "{what} {delta}"),
    "event.blanks_note": ("{what} {delta}: {note}", "{what} {delta}: {note}"),
    "event.blanks.received": ("diterima", "received"),
    "event.blanks.printed": ("tercetak", "printed"),
    "event.blanks.spoiled": ("rusak", "spoiled"),
    "event.blanks.adjusted": ("koreksi", "adjusted"),
    "event.held_lapsing": ("pekerjaan {job} ditahan: {note}", "job {job} held: {note}"),
    "event.report_refused": ("pusat menolak laporan {outcome} untuk pekerjaan {job}: {why}",
                             "central refused the {outcome} report for job {job}: {why}"),
    "event.link.up": ("tersambung", "up"),
    "event.link.degraded": ("tersendat", "degraded"),
    "event.link.down": ("putus", "down"),
    "event.link_down": ("{state}: {why}", "{state}: {why}"),
    "event.power.mains": ("listrik PLN", "mains"),
    "event.power.battery": ("baterai UPS ({charge}%)", "on battery ({charge}%)"),
    "event.power.unknown": ('status daya tidak diketahui: "{why}"', "power state unknown: {why}"),
    "note.authorised": ("diotorisasi", "authorised"),
    "note.rejected": ("pusat: {code}", "central: {code}"),
    "note.sent": ("dikirim ke printer {printer}", "sent to printer {printer}"),
    "note.reported": ("hasil sudah dilaporkan ke pusat", "outcome reported to central"),
    "note.lapsed": ("otorisasi kedaluwarsa sebelum dicetak",
                    "authorisation expired before printing"),
    "note.lapsing": ("otorisasi {n} kali berturut-turut kedaluwarsa tanpa dipakai; periksa jam "
                     "stasiun, lalu lepas pekerjaan ini",
                     "authorisation lapsed unused {n} times in a row; check the station "
                     "clock, then release the job"),
    "note.spoiled": ("cetakan rusak", "spoiled print"),
    "note.outcome.printed": ("tercetak", "printed"),
    "note.outcome.spoiled": ("rusak", "spoiled"),
    "note.outcome.not_printed": ("tidak tercetak", "not_printed"),
    "note.checked": ("operator memeriksa printer: {outcome}",
                     "operator checked the printer: {outcome}"),
    "note.stopped_printing": ("sedang mencetak saat ktptui berhenti: periksa printer",
                              "was printing when ktptui stopped: check the printer"),
    "note.outcome_unknown": ("hasil cetak dari printer tidak diketahui",
                             "printer outcome unknown"),
    "recover.interrupted": ("kartu {job} terputus: operator harus menyelesaikannya",
                            "job {job} interrupted: an operator must resolve it"),
    "recover.stale_document": ("dokumen kartu lama {name} dihapus",
                               "removed stale card document {name}"),
    # Refusals (KtpError.say: message() in the operator's language, str() English).
    "refused.transition": ("pekerjaan {job} tidak bisa dari {frm} ke {to} (yang boleh dari "
                           "{frm}: {allowed})",
                           "job {job} cannot go from {frm} to {to} (allowed from {frm}: "
                           "{allowed})"),
    "refused.transition_final": ("pekerjaan {job} tidak bisa dari {frm} ke {to} ({frm} sudah "
                                 "final)",
                                 "job {job} cannot go from {frm} to {to} ({frm} is final)"),
    # CLI human output (``--json`` stays English field names and codes).
    "cli.no_jobs": ("tidak ada pekerjaan", "no jobs"),
    "cli.none": ("tidak ada", "none"),
    "cli.col.state": ("KEADAAN", "STATE"),
    "cli.col.try": ("KE", "TRY"),
    "cli.col.prio": ("PRIO", "PRIO"),
    "cli.col.reason": ("ALASAN", "REASON"),
    "cli.col.error": ("GALAT TERAKHIR", "LAST ERROR"),
    "cli.field.id": ("id", "id"),
    "cli.field.nik": ("NIK", "nik"),
    "cli.field.holder_name": ("nama", "holder_name"),
    "cli.field.state": ("keadaan", "state"),
    "cli.field.attempt": ("percobaan", "attempt"),
    "cli.field.priority": ("prioritas", "priority"),
    "cli.field.reason": ("alasan", "reason"),
    "cli.field.created_at": ("dibuat", "created_at"),
    "cli.field.updated_at": ("diubah", "updated_at"),
    "cli.field.last_error": ("galat", "last_error"),
    "cli.field.error_code": ("kode galat", "error_code"),
    "cli.field.note": ("catatan", "note"),
    "cli.history": ("riwayat:", "history:"),
    "cli.job_state": ("pekerjaan {job}: {state} ({more})", "job {job}: {state} ({more})"),
    "cli.attempt": ("percobaan {n}", "attempt {n}"),
    "cli.paused": ("pencetakan dijeda: tidak ada kartu baru sampai `ktptui unpause`",
                   "printing paused: no new card starts until `ktptui unpause`"),
    "cli.resumed": ("pencetakan dilanjutkan", "printing resumed"),
    "cli.reconciliation": ("diterima {received} - tercetak {printed} - rusak {spoiled} "
                           "{sign} koreksi {adjusted} = {n}",
                           "received {received} - printed {printed} - spoiled {spoiled} "
                           "{sign} adjusted {adjusted} = {n}"),
    "cli.mismatch": ("TIDAK COCOK: saldo yang tersimpan {n}",
                     "MISMATCH: the store carries a balance of {n}"),
    "cli.printed_twice": ("pekerjaan tercetak dua kali: {jobs}", "jobs printed twice: {jobs}"),
    "cli.blanks": ("blangko: sisa {n} ({rec}); {per_day}/hari selama 7 hari",
                   "blanks: {n} left ({rec}); {per_day}/day over 7 days"),
    "cli.blanks_days": (", cukup sekitar {days} hari", ", about {days} days of stock"),
    "cli.status.jobs": ("pekerjaan: {counts}", "jobs: {counts}"),
    "cli.status.blanks": ("blangko: sisa {n} (diterima {received}, tercetak {printed}, "
                          "rusak {spoiled}, koreksi {adjusted})",
                          "blanks: {n} left (received {received}, printed {printed}, "
                          "spoiled {spoiled}, adjusted {adjusted})"),
    "cli.status.outbox": ("laporan menunggu pusat: {n}", "reports waiting for central: {n}"),
    "cli.status.interrupted": ("TERPUTUS: periksa printer{which} untuk kartu {job}{holder}, "
                               "dikirim {at}; lalu `ktptui resolve {job} ...`",
                               "INTERRUPTED: check the printer{which} for card {job}{holder}, "
                               "sent at {at}; then `ktptui resolve {job} ...`"),
    "cli.status.printer_paused": ("printer {name}: dijeda oleh {by}{note}; `ktptui unpause "
                                  "--printer {name}` melanjutkannya",
                                  "printer {name}: paused by {by}{note}; `ktptui unpause "
                                  "--printer {name}` resumes it"),
    "cli.status.paused": ("pencetakan: dijeda oleh {by}{note}; `ktptui unpause` melanjutkannya",
                          "printing: paused by {by}{note}; `ktptui unpause` resumes it"),
    "cli.status.no_session": ("sesi cetak: belum ada, padahal wajib untuk mencetak "
                              "(`ktptui session open --count N`)",
                              "print session: none open, and one is required to print "
                              "(`ktptui session open --count N`)"),
    "event.kind.job": ("pekerjaan", "job"),
    "event.kind.blanks": ("blangko", "blanks"),
    "event.kind.printing": ("cetak", "printing"),
    "event.kind.power": ("daya", "power"),
    "event.kind.link": ("jaringan", "link"),
    "event.kind.report": ("laporan", "report"),
    "event.kind.session": ("sesi", "session"),
    "event.kind.suket": ("suket", "suket"),
    "event.kind.retention": ("retensi", "retention"),
    "note.code.not_recorded": ("belum rekam", "not_recorded"),
    "note.code.not_verified": ("belum terverifikasi", "not_verified"),
    "note.code.no_record": ("tidak ada data penduduk", "no_record"),
    "note.code.active_card_exists": ("sudah punya e-KTP aktif", "active_card_exists"),
    "note.code.attempt_conflict": ("percobaan bentrok", "attempt_conflict"),
    "refused.no_job": ("tidak ada pekerjaan dengan id berawalan {ref} (lihat "
                       "`ktptui jobs --all`)",
                       "no job with id starting {ref} (see `ktptui jobs --all`)"),
    "refused.ambiguous_job": ("{n} pekerjaan berawalan {ref}: tulis lebih banyak karakter",
                              "{n} jobs start with {ref}: give more characters"),
    "refused.suket.redacted": ("pekerjaan {job}: data pribadinya sudah dihapus (retensi data); "
                               "Suket tidak bisa dibuat darinya",
                               "job {job}: its personal data was removed (data retention); "
                               "no Suket can be made from it"),
    "refused.suket.code": ("pekerjaan {job} ditolak dengan kode {code}, bukan 'belum rekam': "
                           "Suket untuk penduduk yang belum rekam di pusat atau menunggu lebih "
                           "dari {days} hari",
                           "job {job} was rejected with code {code}, not 'not_recorded': a "
                           "Suket is for citizens not recorded at central or waiting over "
                           "{days} days"),
    "refused.suket.early": ("pekerjaan {job} baru menunggu {waited} hari; Suket dibuat setelah "
                            "{days} hari ([office] suket_after_days) atau bila pusat menjawab "
                            "belum rekam",
                            "job {job} has waited {waited} day(s); a Suket is issued after "
                            "{days} days ([office] suket_after_days) or when central says "
                            "not_recorded"),
    "refused.suket.printing": ("pekerjaan {job}: kartunya sedang dicetak; tanpa Suket",
                               "job {job}: its card is being printed now; no Suket"),
    "refused.suket.printed": ("pekerjaan {job}: kartunya sudah dicetak ({state}); tanpa Suket",
                              "job {job}: the card was printed ({state}); no Suket"),
    "refused.suket.state": ("pekerjaan {job} {state}; tanpa Suket",
                            "job {job} is {state}; no Suket"),
    "demo.shipment": ("kiriman demo 001/2026", "demo shipment 001/2026"),
    "link.cause.unreachable": ("pusat tidak menjawab", "central unreachable"),
    "link.cause.busy": ("pusat sibuk", "central busy"),
    "link.cause.bad_reply": ("jawaban pusat tidak sesuai kontrak",
                             "central's reply breaks the contract"),
    "link.cause.degraded": ("pusat melaporkan gangguan", "central reports trouble"),
    "link.cause.token": ("token stasiun ditolak", "station token refused"),
    "cli.engine": ("mesin cetak ({at}): {gate}", "engine ({at}): {gate}"),
    "cli.engine_parts": ("jaringan: {link}; daya: {power}; printer: {printer}",
                         "link: {link}; power: {power}; printer: {printer}"),
    "cli.printer_warning": ("PERINGATAN: printer: {text}", "WARNING: printer: {text}"),
    "cli.error_policy": ("antrean CUPS mengulang kartu gagal: atur printer-error-policy-nya ke "
                         "abort-job (lpadmin -p {queue} -o printer-error-policy=abort-job)",
                         "the CUPS queue retries failed jobs: set its printer-error-policy to "
                         "abort-job (lpadmin -p {queue} -o printer-error-policy=abort-job)"),
    "refused.ledger.shipment": ("kiriman harus menambah sedikitnya satu blangko, bukan {delta}",
                                "a shipment must add at least one blank, got {delta}"),
    "refused.ledger.one": ("catatan {kind} memakai tepat satu blangko, bukan {delta}",
                           "a {kind} entry uses exactly one blank, got {delta}"),
    "refused.ledger.zero": ("koreksi 0 tidak mengubah apa pun",
                            "an adjustment of 0 changes nothing"),
    "refused.ledger.reason": ("koreksi perlu alasan (`--reason`)",
                              "an adjustment needs a reason (--reason)"),
    "refused.ledger.spoiled": ("blangko rusak perlu pekerjaan atau catatan apa yang terjadi",
                               "a spoiled blank needs a job or a note saying what happened"),
    "refused.ledger.negative": ("buku besar punya {n} blangko; catatan {kind} ini akan membuatnya "
                                "negatif. Catat kiriman dulu (`ktptui blanks receive N`)",
                                "the ledger has {n} blank(s); this {kind} entry would make it "
                                "negative. Record the shipment first (ktptui blanks receive N)"),
    "refused.session.negative": ("hitungan blangko tidak boleh negatif, bukan {count}",
                                 "a count of blanks cannot be negative, got {count}"),
    "refused.session.open": ("sesi {id} yang dibuka {by} pada {at} masih terbuka: tutup dulu "
                             "(`ktptui session close --count N`)",
                             "session {id} opened by {by} at {at} is still open: close it "
                             "first (ktptui session close --count N)"),
    "refused.session.none": ("belum ada sesi yang terbuka (`ktptui session open --count N`)",
                             "no session is open (ktptui session open --count N)"),
    "note.session.open": ("buka", "open"),
    "note.session.close": ("tutup", "close"),
    "note.session_count": ("hitungan {what} sesi {count} vs buku besar {balance} (operator "
                           "{operator})",
                           "session {what} count {count} vs ledger {balance} (operator "
                           "{operator})"),
    "event.session_opened": ("sesi {id} dibuka: hitungan {count}, buku besar {balance}",
                             "opened session {id}: count {count}, ledger {balance}"),
    "event.session_opened_adj": ("sesi {id} dibuka: hitungan {count}, buku besar {balance}, "
                                 "koreksi {diff}",
                                 "opened session {id}: count {count}, ledger {balance}, "
                                 "adjusted {diff}"),
    "event.session_closed": ("sesi {id} ditutup: hitungan {count}, buku besar {balance}; "
                             "tercetak {printed}, rusak {spoiled}, Suket {sukets}, ditolak "
                             "{rejected}",
                             "closed session {id}: count {count}, ledger {balance}; printed "
                             "{printed}, spoiled {spoiled}, Sukets {sukets}, rejected "
                             "{rejected}"),
    "event.session_closed_adj": ("sesi {id} ditutup: hitungan {count}, buku besar {balance}, "
                                 "koreksi {diff}; tercetak {printed}, rusak {spoiled}, Suket "
                                 "{sukets}, ditolak {rejected}",
                                 "closed session {id}: count {count}, ledger {balance}, "
                                 "adjusted {diff}; printed {printed}, spoiled {spoiled}, "
                                 "Sukets {sukets}, rejected {rejected}"),
    "list.1": ("{a}", "{a}"),
    "list.2": ("{a}, {b}", "{a}, {b}"),
    "list.3": ("{a}, {b}, {c}", "{a}, {b}, {c}"),
    "list.4": ("{a}, {b}, {c}, {d}", "{a}, {b}, {c}, {d}"),
    "list.5": ("{a}, {b}, {c}, {d}, {e}", "{a}, {b}, {c}, {d}, {e}"),
    "refused.active_job": ("NIK {nik} sudah punya pekerjaan aktif {job} ({state}); lihat "
                           "`ktptui show {job}`",
                           "NIK {nik} already has an active job {job} ({state}); see "
                           "`ktptui show {job}`"),
    "refused.hurry_final": ("pekerjaan {job} sudah {state}; tidak ada yang perlu didesak",
                            "job {job} is {state}; nothing to hurry"),
    "refused.not_in_progress": ("pekerjaan {job} {state}, bukan kartu yang sedang dicetak",
                                "job {job} is {state}, not a card in progress"),
    "refused.no_authorisation": ("pekerjaan {job} tidak punya otorisasi untuk dilaporkan",
                                 "job {job} has no authorisation to report"),
    "refused.still_queued": ("pekerjaan {job} belum diselesaikan: {why}",
                             "job {job} not resolved: {why}"),
    "refused.not_interrupted": ("pekerjaan {job} {state}; hanya kartu terputus yang "
                                "diselesaikan",
                                "job {job} is {state}; only interrupted jobs are resolved"),
    "refused.paused_by": ("pencetakan sudah dijeda oleh {by}; `ktptui unpause` melanjutkannya",
                          "printing is already paused by {by}; `ktptui unpause` resumes it"),
    # --- the last core refusals in the operator's words ---
    "central.token_refused": ("pusat menolak token stasiun (401)",
                              "central refused the station token (401)"),
    "central.token_refused_file": ("pusat menolak token stasiun (401); taruh token yang sah di "
                                   "{file}",
                                   "central refused the station token (401); put a valid token "
                                   "in {file}"),
    "refused.since": ("--since {text} bukan TTTT-BB-HH atau waktu ISO "
                      "(mis. 2026-11-23T08:00+07:00)",
                      "--since {text} is not YYYY-MM-DD or an ISO time "
                      "(e.g. 2026-11-23T08:00+07:00)"),
    "refused.suket.write": ("Suket tidak bisa ditulis ke {path}: {why}",
                            "cannot write the Suket to {path}: {why}"),
    # --- cli attached (issue 15) ---
    "suket.not_delivered": ("Suket {number} untuk pekerjaan {job} tercatat tetapi tidak "
                            "terkirim: {why}; `ktptui suket {job}` membuat salinannya",
                            "Suket {number} for job {job} is recorded but was not delivered: "
                            "{why}; `ktptui suket {job}` makes a copy"),
    "suket.printer_cannot": ("Suket untuk pekerjaan {job} tidak diterbitkan: printer {name}: "
                             "{why}",
                             "Suket for job {job} not issued: printer {name}: {why}"),
    "verify.not_readable": ("`ktptui verify` membaca berkas arsip di {dir} sendiri, dan akun "
                            "ini tidak bisa membacanya; jalankan sebagai pengguna stasiun: "
                            "sudo -u {user} ktptui verify",
                            "`ktptui verify` reads the archive files in {dir} itself, and "
                            "this account cannot read them; run it as the station user: "
                            "sudo -u {user} ktptui verify"),
    # --- words (issue 12) ---
    # A raw detail from outside (an OS error, tomllib's, CUPS's, central's own
    # words) stays as it came, in quotes in Indonesian: a value, not our words.
    # -- the config file (said before [ui] language is known: KTPTUI_LANG or id)
    "config.finite": ("{where} harus bilangan terhingga, bukan {got}",
                      "{where} must be a finite number, got {got}"),
    "config.range": ("{where} harus dari {lo} sampai {hi}, bukan {got}",
                     "{where} must be from {lo} to {hi}, got {got}"),
    "config.path": ("{where} harus jalur berkas (teks), bukan {got}",
                    "{where} must be a path string, got {got}"),
    "config.list": ("{where} harus daftar teks, bukan {got}",
                    "{where} must be a list of strings, got {got}"),
    "config.type": ("{where} harus bertipe {type}, bukan {got_type} {got}",
                    "{where} must be {type}, got {got_type} {got}"),
    "config.table": ("{file}: {label} harus berupa tabel", "{file}: {label} must be a table"),
    "config.unknown_key": ("{where}: kunci tidak dikenal (kunci yang dikenal: `{known}`)",
                           "{where}: unknown key (known keys: {known})"),
    "config.choice": ("{where} harus salah satu dari `{choices}`, bukan {got}",
                      "{where} must be one of {choices}, got {got}"),
    "config.check": ("{where} {problem}, bukan {got}", "{where} {problem}, got {got}"),
    "config.problem.reasons": ("harus berisi alasan dari `{known}`",
                               "must list reasons among {known}"),
    "config.problem.printer_uri": (
        "harus alamat ipp:// atau ipps:// milik printer kartu itu sendiri "
        "(mis. `ipp://192.168.1.50/ipp/print`) atau kosong",
        "must be the card printer's own ipp:// or ipps:// address "
        "(e.g. ipp://192.168.1.50/ipp/print) or empty"),
    "config.problem.printer_name": ('harus 1 sampai 16 huruf, angka, - atau _ (mis. "p1")',
                                    'must be 1 to 16 letters, digits, - or _ (e.g. "p1")'),
    "config.problem.suket_format": (
        "harus format dengan kolom {{seq}}, {{year}}, {{office_code}} "
        '(mis. "470/{{seq:04d}}/{{office_code}}/{{year}}"): "{why}"',
        "must be a format with the fields {{seq}}, {{year}}, {{office_code}} "
        '(e.g. "470/{{seq:04d}}/{{office_code}}/{{year}}"): {why}'),
    "config.problem.nip": ("harus NIP penanda tangan, 18 angka (boleh berspasi), atau kosong",
                           "must be the signatory's 18-digit NIP (spaces allowed), or empty"),
    "config.problem.prom": (
        "harus berakhiran .prom (textfile collector node_exporter hanya membaca *.prom)",
        "must end in .prom (node_exporter's textfile collector reads only *.prom)"),
    "config.toml": ('{file}: isinya bukan TOML yang sah ("{why}"); perbaiki penulisannya di sana',
                    "{file}: not valid TOML ({why}); fix the syntax there"),
    "config.unknown_section": ("{file}: bagian [{name}] tidak dikenal (yang dikenal: `{known}`)",
                               "{file}: unknown section [{name}] (known: {known})"),
    "config.retry_order": ("{file}: [central] retry_min_s ({low}) tidak boleh lebih dari "
                           "retry_max_s ({high})",
                           "{file}: [central] retry_min_s ({low}) must not be more than "
                           "retry_max_s ({high})"),
    "config.printer_and_printers": ("{file}: ada [printer] dan [[printers]] sekaligus; pindahkan "
                                    "isi [printer] ke tabel [[printers]] yang bernama",
                                    "{file}: both [printer] and [[printers]]; move the [printer] "
                                    "keys into a [[printers]] table with a name"),
    "config.printers_count": ("{file}: [[printers]] harus 1 sampai {most} tabel, masing-masing "
                              "diawali baris [[printers]]",
                              "{file}: [[printers]] must be 1 to {most} tables, each starting "
                              "with a [[printers]] line"),
    "config.printer_unnamed": ('{file}: [[printers]] #{i} perlu nama (mis. name = "p{i}")',
                               '{file}: [[printers]] #{i} needs a name (e.g. name = "p{i}")'),
    "config.printer_twice": ("{file}: [[printers]] #{i} nama {name} dipakai dua kali; beri "
                             "setiap printer namanya sendiri",
                             "{file}: [[printers]] #{i} name {name} is used twice; give each "
                             "printer its own name"),
    "config.missing": ("{file}: berkas konfigurasi tidak ada; salin config.toml.example ke sana "
                       "atau perbaiki --config",
                       "{file}: no such config file; copy config.toml.example there or fix "
                       "--config"),
    "config.unreadable": ('{file}: konfigurasi tidak bisa dibaca ("{why}")',
                          "{file}: cannot read config ({why})"),
    # -- the store's files on disk
    "store.symlink": ("{path} ditolak: itu tautan simbolik, dan ktptui tidak pernah mengikuti "
                      "tautan di folder datanya (mungkin dipasang agar ktptui menulis ke tempat "
                      "lain); periksa ke mana arahnya, lalu hapus tautan itu",
                      "refusing {path}: it is a symbolic link, and ktptui never follows links "
                      "in its data folder (one may have been planted to make it write "
                      "elsewhere); check where it points, then remove the link"),
    "store.cannot_use": ('{path} tidak bisa dipakai: "{why}"', "cannot use {path}: {why}"),
    "store.not_folder": ("{path} ditolak: itu bukan folder; pindahkan",
                         "refusing {path}: it is not a folder; move it away"),
    "store.owner": ("folder data {path} ditolak: pemiliknya {owner}, bukan {me} yang menjalankan "
                    "ktptui; jalankan ktptui sebagai pemiliknya, atau atur [store] data_dir ke "
                    "folder milik Anda sendiri",
                    "refusing data folder {path}: it belongs to {owner}, not to {me} who runs "
                    "ktptui; run ktptui as its owner, or set [store] data_dir to a folder of "
                    "your own"),
    "store.open_mode": ("folder data {path} ditolak: pengguna lain boleh menulis di dalamnya "
                        "(mode {mode}); pastikan tidak ada isi asing, lalu `chmod 700 {path}`",
                        "refusing data folder {path}: others may write in it (mode {mode}); "
                        "check that nothing in it is foreign, then `chmod 700 {path}`"),
    "store.disk_full": ("disk penuh saat menulis {path}: kosongkan sebagian ruang di disk itu; "
                        "tidak ada yang diubah",
                        "disk full writing {path}: free some space on that disk; nothing was "
                        "changed"),
    "store.at_line": ("baris {line} (bita {byte})", "line {line} (byte {byte})"),
    "store.at_byte": ("bita {byte}", "byte {byte}"),
    "store.malformed": ('{path} berisi catatan yang rusak ({where}: "{what}"). Tidak ada yang '
                        "diubah. Simpan salinan {folder}, lalu lihat README bagian "
                        "`Recovering the store`",
                        "{path} has a malformed record ({where}: {what}). Nothing was changed. "
                        "Keep a copy of {folder}, then see README 'Recovering the store'"),
    "store.snapshot_unreadable": ('snapshot penyimpanan {snap} tidak terbaca ("{why}"). Tidak ada '
                                  "yang diubah",
                                  "store snapshot {snap} is unreadable ({why}). Nothing was "
                                  "changed"),
    "store.snapshot_no_copy": ("{what}; tidak ada salinan sebelumnya; pulihkan folder itu dari "
                               "cadangan",
                               "{what}; there is no earlier copy; restore the folder from a "
                               "backup"),
    "store.snapshot_copy_bad": ('{what}; salinan sebelumnya {prev} juga tidak bisa dipakai '
                                '("{why}"); pulihkan folder itu dari cadangan',
                                "{what}; the earlier copy {prev} is unusable too ({why}); "
                                "restore the folder from a backup"),
    "store.snapshot_copy_behind": ("{what}; salinan sebelumnya {prev} tidak bisa dilengkapi "
                                   "({journal} hilang); pulihkan folder itu dari cadangan",
                                   "{what}; the earlier copy {prev} cannot be brought up to date "
                                   "({journal} is missing); restore the folder from a backup"),
    "store.cannot_write": ('{path} tidak bisa ditulis: "{why}"; tidak ada yang diubah',
                           "cannot write {path}: {why}; nothing was changed"),
    "store.gone": ("folder data {path} dulu berisi penyimpanan dan kini hilang: mungkin disknya "
                   "belum terpasang; pasang disk itu lalu coba lagi. Untuk sengaja memulai "
                   "penyimpanan kosong di sana, hapus barisnya dari {known}",
                   "the data folder {path} held a store and is gone: its disk may be "
                   "unmounted; mount it and try again. To start a new empty store there on "
                   "purpose, delete its line from {known}"),
    "store.open_denied": ('penyimpanan di {path} tidak bisa dibuka: "{why}"; jalankan ktptui '
                          "sebagai pengguna stasiun pemiliknya",
                          "cannot open the store in {path}: {why}; run ktptui as the station "
                          "user that owns it"),
    "store.cannot_open": ('penyimpanan di {path} tidak bisa dibuka: "{why}"',
                          "cannot open the store in {path}: {why}"),
    "store.changed": ("{path} berubah saat dibaca; coba lagi",
                      "{path} changed while it was read; try again"),
    "store.index": ('indeks arsip {path} tidak bisa dipakai: "{why}"; kosongkan sebagian ruang '
                    "di disk itu atau periksa pemilik foldernya",
                    "cannot use the archive index {path}: {why}; free some space on that disk "
                    "or check the folder's owner"),
    "store.not_a_record": ("{path} berisi baris yang bukan catatan",
                           "{path} holds a line that is not a record"),
    "store.doc_sha": ("dokumen kartu untuk pekerjaan {job} tidak cocok dengan sha256-nya "
                      "(didapat {got}..., kata pusat {want}...)",
                      "card document for job {job} does not match its sha256 "
                      "(got {got}..., central said {want}...)"),
    "store.doc_missing": ("dokumen kartu {name} tidak ada di {folder}",
                          "card document {name} is missing from {folder}"),
    "store.doc_damaged": ("dokumen kartu {name} rusak (sha256 berbeda)",
                          "card document {name} is damaged (sha256 differs)"),
    "refused.short_ref": ("rujukan pekerjaan {ref} terlalu pendek: beri paling sedikit 4 karakter",
                          "job reference {ref} is too short: give at least 4 characters"),
    "refused.job_moved": ("pekerjaan {job} baru saja dipindahkan: coba lagi",
                          "job {job} moved meanwhile: try again"),
    # -- the command line's help (cli/words.py: cli.help.<command>, cli.opt.[<command>.]<dest>)
    "cli.help": ("Stasiun cetak kartu e-KTP: antrean, blangko, jaringan ke pusat.",
                 "e-KTP card print station: queue, blanks, central link."),
    "cli.help.add": ("antrekan permohonan kartu seorang warga; mencetak id pekerjaan barunya",
                     "queue a citizen's card request; prints the new job's id"),
    "cli.help.jobs": ("daftar pekerjaan (yang aktif, kecuali dengan --all)",
                      "list jobs (active ones unless --all)"),
    "cli.help.show": ("tampilkan satu pekerjaan dengan riwayatnya",
                      "show one job with its history"),
    "cli.help.hold": ("tahan sebuah pekerjaan", "put a job on hold"),
    "cli.help.release": ("lepaskan pekerjaan yang ditahan", "release a held job"),
    "cli.help.cancel": ("batalkan sebuah pekerjaan", "cancel a job"),
    "cli.help.urgent": ("jadikan sebuah pekerjaan mendesak", "make a job urgent"),
    "cli.help.pause": ("jeda pencetakan: tidak ada kartu baru dimulai (yang sedang dicetak "
                       "diselesaikan)",
                       "pause printing: no new card starts (one in progress finishes)"),
    "cli.help.unpause": ("lanjutkan pencetakan setelah jeda", "resume printing after a pause"),
    "cli.help.resolve": ("selesaikan kartu terputus setelah memeriksa printer",
                         "settle an interrupted card after checking the printer"),
    "cli.help.blanks": ("buku blangko kartu", "the blank-card ledger"),
    "cli.help.status": ("jumlah pekerjaan, blangko, jaringan dan daya",
                        "job counts, blanks, link and power"),
    "cli.help.report": ("laporan kantor: laporan harian, atau permintaan blangko",
                        "office reports: the daily report, or the blank requisition"),
    "cli.help.suket": ("terbitkan Suket (surat keterangan sementara) untuk pekerjaan "
                       "not_recorded atau yang lama menunggu",
                       "issue a Suket (temporary certificate) for a not_recorded or "
                       "long-waiting job"),
    "cli.help.session": ("sesi cetak (giliran kerja): hitungan blangko saat buka dan tutup",
                         "print sessions (shifts): a count of blanks at open and close"),
    "cli.help.log": ("jejak audit (setiap tindakan dan perubahan status), dari yang terlama",
                     "the audit trail (every action and state change), oldest first"),
    "cli.help.purge": ("retensi data: kurangi data pribadi pekerjaan selesai yang lebih tua dari "
                       "[store] retain_personal_days",
                       "data retention: reduce personal data of finished jobs older than "
                       "[store] retain_personal_days"),
    "cli.help.verify": ("periksa rantai hash buku blangko dan audit serta saldo blangko",
                        "check the ledger and audit hash chains and the blank balance"),
    "cli.help.approve": ("penyelia: setujui selisih hitungan (ktptui blanks entries "
                         "--unapproved)",
                         "supervisor: approve a count difference (ktptui blanks entries "
                         "--unapproved)"),
    "cli.help.install-service": ("tulis dan muat unit systemd yang menjalankan layanan stasiun "
                                 "(ktptui serve)",
                                 "write and load the systemd unit that runs the station "
                                 "service (ktptui serve)"),
    "cli.help.serve": ("jalankan stasiun sebagai layanan: cetak antrean dan tetap menyala; TUI "
                       "dan setiap perintah tersambung lewat soketnya ([service] socket)",
                       "run the station as a service: print the queue and stay up; the TUI and "
                       "every command attach through its socket ([service] socket)"),
    "cli.help.receipt": ("tulis tanda terima sebuah pekerjaan: PDF, atau --text",
                         "write the intake receipt (tanda terima) of a job: PDF, or --text"),
    "cli.help.handover": ("catat bahwa kartu tercetak sudah diserahkan (buku serah terima)",
                          "record that a printed card was handed over (the hand-over register)"),
    "cli.help.uncollected": ("kartu tercetak yang belum diambil, terlama dulu, dengan nama dan "
                             "telepon",
                             "printed cards not yet collected, oldest first, with name and "
                             "phone"),
    "cli.help.arrive": ("warga datang membawa tanda terima: cetak pekerjaan yang menunggunya",
                        "the citizen came with the receipt: print a job waiting for them"),
    "cli.help.find": ("cari pekerjaan, termasuk yang selesai, menurut NIK, nama, telepon atau "
                      "awalan id pekerjaan",
                      "find jobs, finished ones included, by NIK, name, phone or job id prefix"),
    "cli.help.sim": ("jalankan simulator pusat bawaan di 127.0.0.1 (untuk pengembang)",
                     "run the built-in central simulator on 127.0.0.1"),
    "cli.help.blanks.receive": ("catat kiriman N blangko", "record a shipment of N blanks"),
    "cli.help.blanks.spoil": ("catat satu blangko rusak", "record one spoiled blank"),
    "cli.help.blanks.adjust": ("koreksi hitungan dengan +N atau -N",
                               "correct the count by +N or -N"),
    "cli.help.blanks.show": ("total buku blangko, rekonsiliasi dan perkiraan",
                             "ledger totals, reconciliation and forecast"),
    "cli.help.blanks.entries": ("isi buku blangko dengan id-nya, terlama dulu",
                                "ledger entries with their ids, oldest first"),
    "cli.help.session.open": ("buka sesi dengan jumlah blangko yang ada di tangan",
                              "open a session with the count of blanks on hand"),
    "cli.help.session.close": ("tutup sesi dengan jumlah blangko yang ada di tangan",
                               "close the session with the count of blanks on hand"),
    "cli.help.session.show": ("sesi yang terbuka sejauh ini", "the open session so far"),
    "cli.opt.help": ("tampilkan bantuan ini lalu keluar", "show this help message and exit"),
    "cli.opt.config": ("berkas konfigurasi (bawaan: $KTPTUI_CONFIG atau "
                       "~/.config/ktptui/config.toml)",
                       "config file (default: $KTPTUI_CONFIG or ~/.config/ktptui/config.toml)"),
    "cli.opt.version": ("tampilkan versi program lalu keluar",
                        "show program's version number and exit"),
    "cli.opt.demo": ("buka TUI pada penyimpanan sementara dengan simulator pusat dan printer "
                     "tiruan bawaan",
                     "open the TUI on a temporary store with a built-in central simulator and "
                     "simulated printer"),
    "cli.opt.resume": ("tanpa layar: pulihkan setelah crash atau listrik padam, lalu habiskan "
                       "antrean",
                       "headless: recover after a crash or power cut, then drain the queue"),
    "cli.opt.max_wait": ("dengan --resume: menyerah (keluar 75) setelah selama ini bila masih "
                         "ada pekerjaan",
                         "with --resume: give up (exit 75) after this long with work left"),
    "cli.opt.nik": ("NIK 16 angka", "16-digit NIK"),
    "cli.opt.urgent": ("cetak sebelum pekerjaan biasa", "print before normal jobs"),
    "cli.opt.name": ("nama warga (untuk tanda terima dan daftar panggilan)",
                     "the citizen's name (for the receipt and the call-back list)"),
    "cli.opt.phone": ("nomor ponsel warga, 08... atau +628...",
                      "the citizen's mobile number, 08... or +628..."),
    "cli.opt.state": ("hanya pekerjaan dengan status ini (boleh diulang)",
                      "only jobs in this state (repeatable)"),
    "cli.opt.all": ("sertakan pekerjaan yang selesai", "include finished jobs"),
    "cli.opt.json": ("larik JSON (lihat README)", "a JSON array (see README)"),
    "cli.opt.status.json": ("objek JSON (lihat README)", "a JSON object (see README)"),
    "cli.opt.report.json": ("objek JSON (lihat README)", "a JSON object (see README)"),
    "cli.opt.uncollected.json": ("larik JSON berisi objek pekerjaan",
                                 "a JSON array of job objects"),
    "cli.opt.find.json": ("larik JSON berisi objek pekerjaan", "a JSON array of job objects"),
    "cli.opt.job": ("id pekerjaan atau awalannya yang unik", "job id or a unique prefix of it"),
    "cli.opt.blanks.spoil.job": ("pekerjaan yang cetakannya merusak blangko ini",
                                 "the job whose print spoiled it"),
    "cli.opt.log.job": ("hanya pekerjaan ini (id atau awalan unik)",
                        "only this job (id or unique prefix)"),
    "cli.opt.undo": ("jadikan pekerjaan mendesak biasa lagi", "make an urgent job normal again"),
    "cli.opt.pause.note": ("alasannya (ditampilkan ke operator)", "why (shown to the operators)"),
    "cli.opt.unpause.note": ("alasannya (ditampilkan ke operator)",
                             "why (shown to the operators)"),
    "cli.opt.blanks.receive.note": ("keterangan lain tentang kiriman itu",
                                    "anything else about the shipment"),
    "cli.opt.blanks.spoil.note": ("apa yang terjadi (wajib kecuali dengan --job)",
                                  "what happened (required unless --job)"),
    "cli.opt.printer": ("hanya printer ini (nama dari konfigurasi); yang lain tetap jalan",
                        "only this printer (a name from the config); the others go on"),
    "cli.opt.suket.printer": ("cetak di antrean CUPS kantor ini (bukan printer kartu)",
                              "print it on this office CUPS queue (not the card printer)"),
    "cli.opt.ref": ("nomor surat pengantar", "the delivery letter number (surat pengantar)"),
    "cli.opt.delta": ("+N atau -N", "+N or -N"),
    "cli.opt.reason": ("mengapa hitungannya berbeda (saat itu wajib)",
                       "why the count differs (required then)"),
    "cli.opt.blanks.adjust.reason": ("alasannya (mis. hitung fisik 23 Nov)",
                                     "why (e.g. physical count on 23 Nov)"),
    "cli.opt.unapproved": ("hanya selisih hitungan yang belum disetujui penyelia",
                           "only count differences no supervisor has approved"),
    "cli.opt.kind": ("daily (bawaan): angka satu hari; blanks: permintaan blangko",
                     "daily (default): one day's figures; blanks: the blank requisition"),
    "cli.opt.date": ("daily: harinya, waktu setempat stasiun (bawaan: hari ini)",
                     "daily: the day, station local time (default: today)"),
    "cli.opt.need": ("blanks: blangko yang dibutuhkan, untuk menyatakan kekurangan terhadap yang "
                     "diterima",
                     "blanks: blanks needed, to state the shortfall against those received"),
    "cli.opt.csv": ("CSV (lihat README)", "CSV (see README)"),
    "cli.opt.uncollected.csv": ("CSV untuk alat kirim pesan massal",
                                "CSV for a bulk-message tool"),
    "cli.opt.pdf": ("PDF (perlu --out)", "PDF (needs --out)"),
    "cli.opt.report.out": ("simpan laporan di BERKAS alih-alih mencetaknya (format: --csv, "
                           "--json, --pdf, atau dari namanya: .pdf .csv .json, lainnya: teks)",
                           "save the report in FILE instead of printing it (format: --csv, "
                           "--json, --pdf, else from the name: .pdf .csv .json, other: text)"),
    "cli.opt.suket.out": ("simpan (PDF; teks dengan --text), mode 0600; tanpa --out maupun "
                          "--printer surat ditampilkan sebagai teks",
                          "save it (PDF; text with --text), mode 0600; with neither --out nor "
                          "--printer the slip is shown as text"),
    "cli.opt.receipt.out": ("tulis ke BERKAS (bawaan: teks ke stdout)",
                            "write it to FILE (default: text on stdout)"),
    "cli.opt.suket.text": ("--out menulis teks biasa, bukan PDF",
                           "--out writes plain text, not PDF"),
    "cli.opt.receipt.text": ("teks biasa, bukan PDF", "plain text instead of PDF"),
    "cli.opt.find.text": ("NIK, nomor telepon, awalan id pekerjaan atau sebagian nama",
                          "a NIK, a phone number, a job id prefix or part of a name"),
    "cli.opt.count": ("blangko yang dihitung di tangan", "blanks counted on hand"),
    "cli.opt.confirm": ("bila hitungan berbeda dari buku: hitungan yang sama lagi, setelah "
                        "menghitung kedua kalinya",
                        "when the count differs from the ledger: the same count again, after "
                        "counting a second time"),
    "cli.opt.since": ("TTTT-BB-HH (waktu setempat stasiun) atau waktu ISO seperti "
                      "2026-11-23T08:00",
                      "YYYY-MM-DD (station local) or an ISO time such as 2026-11-23T08:00"),
    "cli.opt.head": ("kepala rantai yang tercetak di laporan bertanda tangan: gagal bila tidak "
                     "lagi ada di rantai",
                     "a chain head printed on a signed report: fail unless it is still in the "
                     "chain"),
    "cli.opt.entry": ("id entri buku blangko atau awalannya yang unik",
                      "ledger entry id or a unique prefix of it"),
    "cli.opt.user": ("akun yang menjalankan stasiun dan memiliki penyimpanannya (bawaan: yang "
                     "menjalankan sudo)",
                     "the account that runs the station and owns its store (default: the one "
                     "that ran sudo)"),
    "cli.opt.print_only": ("tampilkan unitnya dan jangan menulis apa pun",
                           "show the unit and write nothing"),
    "cli.opt.unit_dir": ("tempat unit ditaruh (bawaan /etc/systemd/system)",
                         "where the unit goes (default /etc/systemd/system)"),
    "cli.opt.to": ("siapa yang mengambilnya (bawaan: nama warga dari pendaftaran)",
                   "who collected it (default: the citizen's name from intake)"),
    "cli.opt.days": ("hanya kartu yang dicetak N hari lalu atau lebih (0: semua; bawaan "
                     "[office] uncollected_days)",
                     "only cards printed N or more days ago (0: all; default [office] "
                     "uncollected_days)"),
    # The placeholders in a usage line (an option's value, a command's argument).
    "cli.metavar.COMMAND": ("PERINTAH", "COMMAND"),
    "cli.metavar.ACTION": ("TINDAKAN", "ACTION"),
    "cli.metavar.CONFIG": ("KONFIGURASI", "CONFIG"),
    "cli.metavar.JOB": ("PEKERJAAN", "JOB"),
    "cli.metavar.NOTE": ("CATATAN", "NOTE"),
    "cli.metavar.REASON": ("ALASAN", "REASON"),
    "cli.metavar.STATE": ("STATUS", "STATE"),
    "cli.metavar.NAME": ("NAMA", "NAME"),
    "cli.metavar.PHONE": ("TELEPON", "PHONE"),
    "cli.metavar.REF": ("NOMOR", "REF"),
    "cli.metavar.SECONDS": ("DETIK", "SECONDS"),
    "cli.metavar.FILE": ("BERKAS", "FILE"),
    "cli.metavar.WHEN": ("WAKTU", "WHEN"),
    "cli.metavar.QUEUE": ("ANTREAN", "QUEUE"),
    "cli.metavar.USER": ("PENGGUNA", "USER"),
    "cli.metavar.DIR": ("FOLDER", "DIR"),
    "cli.metavar.TEXT": ("TEKS", "TEXT"),
    "cli.metavar.COUNT": ("JUMLAH", "COUNT"),
    "cli.metavar.DELTA": ("SELISIH", "DELTA"),
    "cli.metavar.ENTRY": ("ENTRI", "ENTRY"),
    "cli.metavar.YYYY-MM-DD": ("TTTT-BB-HH", "YYYY-MM-DD"),
    # argparse's own phrases, by argparse's msgid (the same %-fields).
    "argparse.usage": ("pemakaian: ", "usage: "),
    "argparse.positionals": ("argumen", "positional arguments"),
    "argparse.options": ("opsi", "options"),
    "argparse.subcommands": ("subperintah", "subcommands"),
    "argparse.heading": ("%(heading)s:", "%(heading)s:"),
    "argparse.default": (" (bawaan: %(default)s)", " (default: %(default)s)"),
    "argparse.required": ("argumen berikut wajib diisi: %s",
                          "the following arguments are required: %s"),
    "argparse.choice": ("pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
                        "invalid choice: %(value)r (choose from %(choices)s)"),
    "argparse.unrecognized": ("argumen tidak dikenal: %s", "unrecognized arguments: %s"),
    "argparse.one": ("perlu satu nilai", "expected one argument"),
    "argparse.at_most_one": ("paling banyak satu nilai", "expected at most one argument"),
    "argparse.at_least_one": ("paling sedikit satu nilai", "expected at least one argument"),
    "argparse.argument": ("argumen %(argument_name)s: %(message)s",
                          "argument %(argument_name)s: %(message)s"),
    "argparse.value": ("nilai %(type)s tidak sah: %(value)r", "invalid %(type)s value: %(value)r"),
    "argparse.ambiguous": ("opsi ambigu: %(option)s bisa berarti %(matches)s",
                           "ambiguous option: %(option)s could match %(matches)s"),
    "argparse.not_with": ("tidak boleh bersama argumen %s", "not allowed with argument %s"),
    "argparse.one_of": ("salah satu argumen %s wajib diisi", "one of the arguments %s is required"),
    "argparse.explicit": ("argumen eksplisit %r diabaikan", "ignored explicit argument %r"),
    "argparse.unknown_parser": ("perintah tidak dikenal %(parser_name)r (pilihan: %(choices)s)",
                                "unknown parser %(parser_name)r (choices: %(choices)s)"),
    "cli.usage_error": ("{prog}: galat: {message} (lihat --help)",
                        "{prog}: error: {message} (see --help)"),
    "cli.usage.state": ("status tidak dikenal di --state {states}; yang dikenal: `{known}`",
                        "unknown state in --state {states}; known: {known}"),
    "cli.usage.printer": ("tidak ada printer bernama {name}; printer stasiun ini: {names}",
                          "no printer named {name}; this station's printers: {names}"),
    "cli.usage.delta": ("koreksi perlu +N atau -N, bukan {got}",
                        "adjust needs +N or -N, got {got}"),
    "cli.usage.date": ("{text} bukan tanggal TTTT-BB-HH", "{text} is not a date YYYY-MM-DD"),
    "cli.usage.whole": ("{text} bukan bilangan bulat", "{text} is not a whole number"),
    "cli.usage.negative": ("{text} negatif; beri 0 atau lebih",
                           "{text} is negative; give 0 or more"),
    "cli.usage.days": ("{text} bukan jumlah hari yang bulat",
                       "{text} is not a whole number of days"),
    "cli.usage.days_range": ("{text} hari di luar batas; beri 0 sampai 3650",
                             "{text} days is out of range; give 0 to 3650"),
    "cli.receipt_write": ('tanda terima tidak ditulis ke {path}: "{why}"; pilih berkas lain',
                          "receipt not written to {path}: {why}; choose another file"),
    "cli.service.no_user": ("tidak ada pengguna {name} di mesin ini; buat akun stasiun atau "
                            "sebut akun lain dengan --user",
                            "no user {name} on this machine; create the station account or "
                            "name another with --user"),
    "cli.service.root": ("stasiun sebaiknya tidak berjalan sebagai root: sebut akunnya dengan "
                         "--user PENGGUNA",
                         "the station should not run as root: name its account with --user "
                         "USER"),
    "cli.service.denied": ("{path} tidak bisa ditulis: izin ditolak; jalankan dengan sudo, atau "
                           "--print untuk melihat unitnya",
                           "cannot write {path}: permission denied; run it with sudo, or "
                           "--print to see the unit"),
    "cli.service.cannot_write": ('{path} tidak bisa ditulis: "{why}"; perbaiki foldernya atau '
                                 "beri --unit-dir",
                                 "cannot write {path}: {why}; fix the folder or pass "
                                 "--unit-dir"),
    "cli.service.no_systemctl": ("unit sudah ditulis tetapi systemctl tidak ada di sini; muat di "
                                 "mesin systemd dengan: `systemctl daemon-reload`",
                                 "the unit is written but systemctl is not here; load it on a "
                                 "systemd machine with: systemctl daemon-reload"),
    "cli.service.reload_failed": ('unit sudah ditulis tetapi systemctl daemon-reload gagal '
                                  '("{why}"); jalankan sendiri setelah systemd menyala',
                                  "the unit is written but systemctl daemon-reload failed "
                                  "({why}); run it yourself once systemd is up"),
    # -- why central cannot be reached (central/errors.py Cause; the link's reason)
    "link.raw": ('"{text}"', "{text}"),
    "central.unreachable": ("pusat tidak terjangkau: {why}", "central unreachable: {why}"),
    "central.busy": ("pusat sibuk: HTTP {status}", "central busy: {status}"),
    "central.bad_reply": ('jawaban pusat tidak sesuai kontrak: "{what}"',
                          "central sent a bad reply: {what}"),
    "link.reason.timeout": ("waktu tunggu habis", "timed out"),
    "link.reason.too_slow": ("tidak ada jawaban lengkap dalam {s} detik",
                             "no complete reply within {s} s"),
    "link.reason.refused": ("sambungan ditolak: layanan pusat tidak berjalan",
                            "connection refused"),
    "link.reason.dns": ("nama server pusat tidak ditemukan (DNS)", "name not resolved (DNS)"),
    "link.reason.tls": ("sambungan aman (TLS) gagal: periksa jam stasiun dan sertifikat pusat",
                        "TLS handshake or certificate failed"),
    "link.reason.network": ("jaringan pusat tidak terjangkau", "network unreachable"),
    "link.reason.dropped": ("sambungan terputus sebelum ada jawaban",
                            "connection dropped before the reply"),
    "link.reason.http_5xx": ("server pusat bermasalah (HTTP 5xx)", "server error (HTTP 5xx)"),
    "link.reason.http_429": ("pusat meminta stasiun memperlambat (HTTP 429)",
                             "too many requests (HTTP 429)"),
    "link.reason.redirect": ("pusat mengalihkan alamat (HTTP 3xx); periksa [central] base_url",
                             "redirected (HTTP 3xx); check [central] base_url"),
    "link.reason.bad_reply": ("jawaban pusat tidak sesuai kontrak",
                              "a reply that breaks the contract"),
    "link.reason.too_big": ("jawaban pusat terlalu besar", "a reply too big"),
    "link.reason.degraded": ("pusat melaporkan layanannya terganggu",
                             "central reports degraded service"),
    "link.connect.dns": ('nama server pusat tidak ditemukan (DNS: "{detail}")',
                         "cannot connect ({detail})"),
    "link.connect.tls": ('sambungan aman (TLS) gagal: periksa jam stasiun dan sertifikat pusat '
                         '("{detail}")',
                         "cannot connect ({detail})"),
    "link.connect.network": ('jaringan pusat tidak terjangkau ("{detail}")',
                             "cannot connect ({detail})"),
    "link.connect.other": ('tidak bisa tersambung ("{detail}")', "cannot connect ({detail})"),
    # -- more of what a card printer reports (IPP printer-state-reasons)
    "printer.reason.input-tray-missing": ("baki blangko tidak terpasang", "card tray missing"),
    "printer.reason.output-area-full": ("tempat kartu jadi penuh", "output hopper full"),
    "printer.reason.interlock-open": ("penutup pengaman printer terbuka",
                                      "printer interlock open"),
    "printer.reason.marker-supply-missing": ("pita tidak terpasang", "ribbon missing"),
    "printer.reason.connecting-to-device": ("menyambung ke printer...",
                                            "connecting to the printer..."),
    "printer.reason.shutdown": ("printer dimatikan", "printer shut down"),
    "printer.reason.timed-out": ("printer tidak menjawab", "printer not answering"),
    # -- the station token's file and central's address
    "central.token_unset": ("[central] token_file belum diatur; taruh token stasiun di sebuah "
                            "berkas (chmod 600) lalu sebut berkas itu di sana",
                            "[central] token_file is not set; put the station token in a file "
                            "(chmod 600) and name it there"),
    "central.token_open": ("{path} bisa dibaca grup atau pengguna lain; jalankan: "
                           "`chmod 600 {path}`",
                           "{path} can be read by group or others; run: chmod 600 {path}"),
    "central.token_missing": ("{path}: berkas token tidak ada; perbaiki [central] token_file",
                              "{path}: token file not found; fix [central] token_file"),
    "central.token_unreadable": ('{path}: berkas token tidak bisa dibaca ("{why}")',
                                 "{path}: cannot read the token file ({why})"),
    "central.token_lines": ("{path}: berkas token harus berisi satu token pada satu baris",
                            "{path}: the token file must hold one token on one line"),
    "central.base_url": ("[central] base_url {url} harus https:// (http:// hanya boleh untuk "
                         "127.0.0.1/localhost); perbaiki di konfigurasi",
                         "[central] base_url {url} must be https:// (http:// is allowed only "
                         "for 127.0.0.1/localhost); fix it in the config"),
    # -- who holds the store's or the printer's lock
    "store.busy": ("penyimpanan sedang sibuk: {path} sudah dipegang lebih dari {wait} detik oleh "
                   "{who}; bila proses itu macet, hentikan, lalu coba lagi",
                   "the store is busy: {path} has been held for over {wait} s by {who}; if "
                   "that process hangs, stop it, then try again"),
    "refused.engine_busy": ("ktptui lain sedang menjalankan printer ({who}); hentikan dulu, atau "
                            "kerjakan antrean saja (kunci: {path})",
                            "another ktptui is driving the printer ({who}); stop it first, or "
                            "work on the queue only (lock: {path})"),
    "lock.holder": ("{role} milik pengguna {user}, pid {pid} di {host}, sejak {since}",
                    "{role} of user {user}, pid {pid} on {host}, since {since}"),
    "lock.ktptui": ("ktptui milik pengguna {user}, sejak {since}",
                    "ktptui of user {user}, since {since}"),
    "lock.process_pid": ("{process}, pid {pid}", "{process}, pid {pid}"),
    "lock.pid": ("pid {pid}", "pid {pid}"),
    "lock.another": ("proses lain", "another process"),
    "lock.unknown": ("proses yang tidak dikenal", "an unknown process"),
    "lock.list.1": ("{a}", "{a}"),
    "lock.list.2": ("{a}; {b}", "{a}; {b}"),
    "lock.list.3": ("{a}; {b}; {c}", "{a}; {b}; {c}"),
    "lock.list.4": ("{a}; {b}; {c}; {d}", "{a}; {b}; {c}; {d}"),
    "lock.list.5": ("{a}; {b}; {c}; {d}; {e}", "{a}; {b}; {c}; {d}; {e}"),
    "central.refused": ('pusat menolak ({status} {code}): "{words}"',
                        "central refused ({status} {code}): {words}"),
    "central.no_code": ("tanpa kode", "no code"),
    # -- what became of a card, from the printer (printers/: PrintOutcome.said)
    "printer.out.not_ready": ('printer tidak siap: "{message}"', "printer not ready: {message}"),
    "printer.out.sim_jam": ("kartu macet (simulasi)", "card jam (simulated)"),
    "printer.out.no_spool": ("folder spool {path} tidak ada — buat folder itu atau periksa "
                             "[printer] spool_dir",
                             "spool folder {path} does not exist — create it or check "
                             "[printer] spool_dir"),
    "printer.out.disk_full": ("disk penuh di {path}: kosongkan ruang",
                              "disk full in {path}: free space"),
    "printer.out.cannot_write": ('berkas kartu tidak bisa ditulis di {path}: "{why}"',
                                 "cannot write card file in {path}: {why}"),
    "printer.out.sync_failed": ('berkas kartu tertulis tetapi sinkronisasi foldernya gagal: '
                                '"{why}"',
                                "card file written but folder sync failed: {why}"),
    "printer.out.cups_down": ("CUPS tidak berjalan", "CUPS is not running"),
    "printer.out.cups_down_on": ("CUPS tidak berjalan di {server}",
                                 "CUPS is not running on {server}"),
    "printer.out.refused": ('CUPS menolak kartu: "{why}"', "CUPS refused the card: {why}"),
    "printer.out.no_queue": ("antrean printer '{queue}' tidak ada — periksa [printer] queue",
                             "printer queue '{queue}' does not exist — check [printer] queue"),
    "printer.out.not_accepting": ("antrean printer '{queue}' tidak menerima kartu — aktifkan "
                                  "dengan `cupsaccept {queue}`",
                                  "printer queue '{queue}' is not accepting jobs — accept them "
                                  "with cupsaccept {queue}"),
    "printer.out.device_holds": ("printer di {uri} masih menyimpannya (pekerjaannya {number}, "
                                 "{state})",
                                 "the printer at {uri} still holds it (its job {number}, "
                                 "{state})"),
    "printer.out.device_unasked": ('printer di {uri} tidak bisa ditanya apakah masih '
                                   'menyimpannya ("{why}")',
                                   "the printer at {uri} could not be asked whether it holds it "
                                   "({why})"),
    "printer.out.withdrawn": ("{why}; pekerjaan CUPS {label} ditarik sebelum dicetak",
                              "{why}; CUPS job {label} was withdrawn before printing"),
    "printer.out.started": ("{why}; pekerjaan CUPS {label} sudah mulai dan kini {state}, jadi "
                            "tidak bisa tercetak nanti: periksa printer, mungkin ada kartu",
                            "{why}; CUPS job {label} had already started and is now {state}, "
                            "so it cannot print later: check the printer for a card"),
    "printer.out.failed": ("printer gagal pada pekerjaan CUPS {label}",
                           "the printer failed on CUPS job {label}"),
    "printer.out.failed_why": ('printer gagal pada pekerjaan CUPS {label} ("{detail}")',
                               "the printer failed on CUPS job {label} ({detail})"),
    "printer.out.retried": ("{why} dan CUPS akan mengulangnya nanti; pekerjaan itu dibatalkan "
                            "agar tidak tercetak sendiri: blangkonya dihitung rusak; periksa "
                            "printer",
                            "{why} and CUPS would have retried it later; it was cancelled so it "
                            "cannot print by itself: the blank is counted as spoiled; check the "
                            "printer"),
    "printer.out.no_record": ("CUPS tidak punya catatan pekerjaan {label}: periksa printer",
                              "CUPS has no record of job {label}: check the printer"),
    "printer.out.unreadable": ('pekerjaan CUPS {label} selesai tetapi hasilnya tidak terbaca '
                               '("{why}"): periksa printer, mungkin ada kartu',
                               "CUPS job {label} finished but its result could not be read "
                               "({why}): check the printer for a card"),
    "printer.out.stopped": ("pekerjaan CUPS {label} berhenti", "CUPS job {label} stopped"),
    "printer.out.stopped_why": ('pekerjaan CUPS {label} berhenti ("{detail}")',
                                "CUPS job {label} stopped ({detail})"),
    "printer.out.still": ("pekerjaan CUPS {label} masih {state} setelah {s} detik",
                          "CUPS job {label} still {state} after {s} s"),
    "printer.out.during": ("pekerjaan CUPS {label} {verb} saat mencetak: blangkonya dihitung "
                           "rusak; periksa printer",
                           "CUPS job {label} was {verb} while printing: the blank is counted "
                           "as spoiled; check the printer"),
    "printer.out.during_why": ('pekerjaan CUPS {label} {verb} saat mencetak ("{detail}"): '
                               "blangkonya dihitung rusak; periksa printer",
                               "CUPS job {label} was {verb} while printing ({detail}): the "
                               "blank is counted as spoiled; check the printer"),
    "printer.out.before": ("pekerjaan CUPS {label} {verb} sebelum mencetak",
                           "CUPS job {label} was {verb} before printing"),
    "printer.out.before_why": ('pekerjaan CUPS {label} {verb} sebelum mencetak ("{detail}")',
                               "CUPS job {label} was {verb} before printing ({detail})"),
    "printer.out.device_kept": ("{why}; pekerjaan CUPS {label} dibatalkan tetapi {held}, jadi "
                                "mungkin tercetak nanti: periksa printer, dan batalkan kartu di "
                                "sana bila masih antre",
                                "{why}; CUPS job {label} was cancelled but {held}, so it may "
                                "print later: check the printer, and cancel the card there if "
                                "it is still queued"),
    "printer.out.not_gone": ("{why}; pekerjaan CUPS {label} tidak bisa dibatalkan (masih "
                             "{state}) dan mungkin tercetak nanti: batalkan dengan "
                             "`cancel {label}`, lalu periksa printer",
                             "{why}; CUPS job {label} could not be cancelled (still {state}) "
                             "and may print later: cancel it with 'cancel {label}', then check "
                             "the printer"),
    "printer.out.not_gone_why": ('{why}; pekerjaan CUPS {label} tidak bisa dibatalkan (masih '
                                 '{state}: "{problem}") dan mungkin tercetak nanti: batalkan '
                                 "dengan `cancel {label}`, lalu periksa printer",
                                 "{why}; CUPS job {label} could not be cancelled (still "
                                 "{state}: {problem}) and may print later: cancel it with "
                                 "'cancel {label}', then check the printer"),
    "printer.job.finished": ("selesai", "finished"),
    "printer.job.pending": ("menunggu", "pending"),
    "printer.job.held": ("ditahan", "held"),
    "printer.job.processing": ("diproses", "processing"),
    "printer.job.stopped": ("berhenti", "stopped"),
    "printer.job.cancelled": ("dibatalkan", "cancelled"),
    "printer.job.aborted": ("digagalkan", "aborted"),
    "printer.job.completed": ("selesai dicetak", "completed"),
    "printer.job.unknown": ("tidak diketahui", "unknown"),
    "printer.job.gone": ("hilang", "gone"),
    "printer.out.document": ("dokumen kartu tidak bisa dipakai: {why}",
                             "card document unusable: {why}"),
    # -- a Suket delivered (office/suket.py)
    "suket.to.file": ("berkas {path}", "file {path}"),
    "suket.to.printer": ("printer {name}", "printer {name}"),
    "suket.to.printer_unconfirmed": ("printer {name} (belum pasti)",
                                     "printer {name} (not confirmed)"),
    "suket.to.screen": ("layar", "screen"),
    "suket.printer_problem": ("printer {name}: {why}", "printer {name}: {why}"),
    "suket.nowhere": ("tidak ada tujuan pengiriman", "nowhere to send it"),
    "suket.not_issued": ("Suket untuk pekerjaan {job} tidak diterbitkan: {why}",
                         "Suket for job {job} not issued: {why}"),
    "suket.basis.not_recorded": ("belum rekam", "not_recorded"),
    "suket.basis.waiting": ("lama menunggu", "waiting"),
    "suket.event.issued": ("diterbitkan {number} ({basis}): {outputs}",
                           "issued {number} ({basis}): {outputs}"),
    "suket.event.reprinted": ("dicetak ulang (salinan {copy}) {number} ({basis}): {outputs}",
                              "reprinted (copy {copy}) {number} ({basis}): {outputs}"),
    "cli.suket.issued": ("Suket {number} diterbitkan untuk pekerjaan {job}: {where}",
                         "Suket {number} issued for job {job}: {where}"),
    "cli.suket.reprinted": ("Suket {number} dicetak ulang untuk pekerjaan {job}: {where}",
                            "Suket {number} reprinted for job {job}: {where}"),
    "suket.card_queue_cli": ("{queue} adalah printer kartu e-KTP ([printer] queue): Suket "
                             "dicetak di printer kertas kantor",
                             "{queue} is the e-KTP card printer ([printer] queue): a Suket goes "
                             "to an office paper printer"),
    "refused.printer_paused": ("printer {name} sudah dijeda oleh {by}; "
                               "`ktptui unpause --printer {name}` melanjutkannya",
                               "printer {name} is already paused by {by}; "
                               "`ktptui unpause --printer {name}` resumes it"),
    "refused.printer_not_paused": ("printer {name} tidak sedang dijeda",
                                   "printer {name} is not paused"),
    "event.printer_paused": ("printer {name} dijeda", "printer {name} paused"),
    "event.printer_paused_note": ("printer {name} dijeda: {note}",
                                  "printer {name} paused: {note}"),
    "event.printer_resumed": ("printer {name} dilanjutkan", "printer {name} resumed"),
    "event.printer_resumed_note": ("printer {name} dilanjutkan: {note}",
                                   "printer {name} resumed: {note}"),
    "store.damaged_at": ("{path} rusak di bita {byte} (catatan ke-{line} setelah titik baca "
                         "terakhir) dan ada catatan baik sesudahnya. Tidak ada yang diubah. "
                         "Simpan salinan {folder}, lalu lihat README bagian "
                         "`Recovering the store`",
                         "{path} is damaged at byte {byte} (record {line} after the last read "
                         "point) with good records after it. Nothing was changed. Keep a copy "
                         "of {folder}, then see README 'Recovering the store'"),
    "store.doc_none": ("pekerjaan {job} tidak punya dokumen kartu yang tercatat",
                       "job {job} has no card document recorded"),
    "event.approved": ("selisih hitungan {entry} ({delta}) disetujui",
                       "approved count difference {entry} ({delta})"),
    "event.handed_over": ("diserahkan", "handed over"),
    "event.handed_over_note": ("diserahkan: {note}", "handed over: {note}"),
    "event.purged": ("data pribadi dihapus dari {n} pekerjaan selesai yang lebih tua dari {days} "
                     "hari",
                     "personal data removed from {n} finished job(s) older than {days} days"),
    # --- chaos/service (issue 15) ---
    "service.peer_refused": ("akun {user} (uid {uid}) tidak boleh memakai layanan stasiun: "
                             "hanya akun stasiun, root dan anggota grup {group} atau "
                             "{supervisors}; minta IT menambahkannya (sudo usermod -aG "
                             "{group} {user}), lalu masuk lagi",
                             "account {user} (uid {uid}) may not use the station service: "
                             "only the station's account, root and members of group {group} "
                             "or {supervisors} may; have IT add it (sudo usermod -aG {group} "
                             "{user}), then log in again"),
}

_language = "id"


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    _language = language


def language() -> str:
    return _language


#: What names the language of the words said before a config is read.
LANGUAGE_ENV = "KTPTUI_LANG"


def startup_language() -> str:
    """The language of what is said before the config's ``[ui] language`` is
    known (``--help``, a usage error, a config error): ``KTPTUI_LANG`` when it
    names one, else Indonesian, the default."""
    value = os.environ.get(LANGUAGE_ENV, "").strip().lower()
    return value if value in LANGUAGES else "id"


def t(key: str, **values: object) -> str:
    """The text for ``key`` in the current language, formatted with ``values``."""
    return _render(key, values, english=False)


def t_in(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` whatever the operator's (the public
    notice is Indonesian always)."""
    indonesian, english = CATALOGUE[key]
    text = english if language == "en" else indonesian
    done = {k: _value(v, language == "en") for k, v in values.items()}
    return text.format(**done) if done else text


def _render(key: str, values: dict[str, Any], english: bool) -> str:
    """``key`` formatted with ``values``; a value that is itself a stored
    ``Said`` (``[key, {values}]``) or a ``Said`` is rendered first."""
    indonesian, eng = CATALOGUE[key]
    done = {k: _value(v, english) for k, v in values.items()}
    text = eng if english or _language == "en" else indonesian
    return text.format(**done) if done else text


def _value(v: Any, english: bool) -> Any:
    if isinstance(v, Said):
        return _render(v.key, v.values, english)
    if (isinstance(v, list) and len(v) == 2 and isinstance(v[0], str)
            and isinstance(v[1], dict)):
        return _render(v[0], v[1], english)
    return v


@dataclass(frozen=True, eq=False)
class Said:
    """A catalogue text to be stored (a history note, an event detail, a
    ledger note) and rendered when shown: ``str()`` is the English line kept
    for logs, central and old readers; ``text()`` is the operator's."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return _render(self.key, self.values, english=True)

    def text(self) -> str:
        return _render(self.key, self.values, english=False)

    def stored(self) -> dict[str, Any]:
        """The values as JSON (nested ``Said`` values as ``[key, {values}]``)."""
        return {k: [v.key, Said(v.key, v.values).stored()] if isinstance(v, Said) else v
                for k, v in self.values.items()}


def say(key: str, **values: Any) -> Said:
    """A stored text in the catalogue: ``key`` with ``values``."""
    if key not in CATALOGUE:
        raise KeyError(key)
    return Said(key, values)


def words(*items: Any) -> Said:
    """A comma-separated list of (up to five) stored texts, as one ``Said``."""
    return Said(f"list.{len(items)}", dict(zip("abcde", items, strict=False)))


def shown(text: str, key: str | None = None, values: dict[str, Any] | None = None) -> str:
    """A stored text in the operator's language: the catalogue's rendering of
    ``key`` when the record has one (and it still renders), else ``text`` as
    stored (old records, or a key a newer version wrote)."""
    if key and key in CATALOGUE:
        try:
            text_now = _render(key, values or {}, english=False)
            if not values:
                text_now.format()  # a template whose values the record lacks: as stored
            return text_now
        except (KeyError, IndexError, ValueError, TypeError):
            pass
    return text


def said_fields(note: str | Said, prefix: str) -> dict[str, Any]:
    """The record fields for a stored text: the English line under ``prefix``
    and, for a ``Said``, ``<prefix>_key``/``<prefix>_values`` beside it."""
    if isinstance(note, Said):
        return {prefix: str(note), f"{prefix}_key": note.key,
                f"{prefix}_values": note.stored()}
    return {prefix: note}


def t_opt(key: str, fallback: str) -> str:
    """``t(key)`` when the catalogue has it, else ``fallback`` (core values we
    do not know yet, e.g. a new link state)."""
    return t(key) if key in CATALOGUE else fallback
