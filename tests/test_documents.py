"""Card documents: kept only when they match their sha256, checked again before
printing, private, and deleted once no job or report needs them."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from ktptui.store.documents import DocumentError, Documents

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
SHA = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def docs(tmp_path: Path) -> Documents:
    return Documents(tmp_path / "documents")


def test_save_and_read_back(docs: Documents) -> None:
    name = docs.save("0123abcd-job", 2, "application/pdf", PDF, SHA)
    assert name == "0123abcd-job-2.pdf"
    path = docs.dir / name
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(docs.dir.stat().st_mode) == 0o700
    assert docs.read(name, SHA) == PDF
    assert docs.read(name, SHA.upper()) == PDF  # hex case does not matter
    assert docs.save("j", 1, "application/x-card", PDF, SHA.upper()) == "j-1.bin"
    assert not [p for p in docs.dir.iterdir() if p.name.endswith(".tmp")]


def test_a_document_that_does_not_match_its_hash_is_not_kept(docs: Documents) -> None:
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(DocumentError) as info:
        docs.save("0123abcd-job", 1, "application/pdf", PDF, wrong)
    assert str(info.value) == (
        f"card document for job 0123abcd does not match its sha256 "
        f"(got {SHA[:12]}..., central said {wrong[:12]}...)"
    )
    assert docs.names() == set()


def test_a_document_damaged_on_disk_is_refused_before_printing(docs: Documents) -> None:
    name = docs.save("j", 1, "application/pdf", PDF, SHA)
    (docs.dir / name).write_bytes(PDF[:-1] + b"X")
    with pytest.raises(DocumentError, match=f"card document {name} is damaged"):
        docs.read(name, SHA)


def test_a_missing_document(docs: Documents) -> None:
    with pytest.raises(DocumentError, match=f"card document j-1.pdf is missing from {docs.dir}"):
        docs.read("j-1.pdf", SHA)


def test_delete_once_reported(docs: Documents) -> None:
    name = docs.save("j", 1, "application/pdf", PDF, SHA)
    docs.delete(name)
    assert not (docs.dir / name).exists()
    docs.delete(name)  # already gone: fine
    docs.delete(None)
    docs.delete("")
    assert docs.names() == set()


def test_sweep_deletes_what_no_job_needs_and_leftover_temp_files(docs: Documents) -> None:
    keep = docs.save("a", 1, "application/pdf", PDF, SHA)
    orphan = docs.save("b", 1, "application/pdf", PDF, SHA)
    tmp = docs.dir / ".c-1.pdf.999.tmp"  # a crash in the middle of a save
    tmp.write_bytes(b"half")
    assert docs.names() == {keep, orphan}
    assert docs.sweep({keep}) == [orphan]
    assert sorted(os.listdir(docs.dir)) == [keep]
