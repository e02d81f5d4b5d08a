"""A minimal PDF writer: one A6/A4 page of monospaced text lines.

Enough for the simulator's card documents and the Suket slip, with no
dependency: the office printers only need a valid PDF 1.4 file.
"""

from __future__ import annotations

#: Points (1/72 inch).
A4 = (595, 842)
CARD = (243, 153)  # ID-1 card, 85.6 x 54 mm


def _escape(text: str) -> str:
    # PDF literal strings: backslash and parentheses are special; keep Latin-1.
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines: list[str], *, size: tuple[int, int] = A4, font_size: float = 11,
             title: str = "") -> bytes:
    """A one-page PDF showing ``lines`` top-down in Courier."""
    width, height = size
    leading = font_size * 1.3
    margin = max(12.0, font_size * 1.5)
    ops = [f"BT /F1 {font_size:g} Tf {leading:g} TL {margin:g} {height - margin - font_size:g} Td"]
    ops += [f"({_escape(line)}) Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
        f"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        f"<< /Title ({_escape(title)}) /Producer (ktptui) >>".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
