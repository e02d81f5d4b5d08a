"""A minimal PDF writer: one A6/A4 page of monospaced text lines.

Enough for the simulator's card documents and the Suket slip, with no
dependency: the office printers only need a valid PDF 1.4 file.
"""

from __future__ import annotations

#: Points (1/72 inch).
A4 = (595, 842)
CARD = (243, 153)  # ID-1 card, 85.6 x 54 mm


#: The text encoding of every string shown: the standard fonts' WinAnsi
#: encoding is Windows code page 1252 (é, ü, ñ, ’ print as themselves).
ENCODING = "cp1252"


def encode_text(text: str) -> bytes:
    """``text`` as a PDF literal string's bytes: cp1252 (a letter outside it
    becomes ``?``), backslash and parentheses escaped, control characters
    dropped (a line is one line)."""
    raw = "".join(c for c in text if c >= " ").encode(ENCODING, "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(lines: list[str], *, size: tuple[int, int] = A4, font_size: float = 11,
             title: str = "") -> bytes:
    """A one-page PDF showing ``lines`` top-down in Courier."""
    width, height = size
    leading = font_size * 1.3
    margin = max(12.0, font_size * 1.5)
    ops = [f"BT /F1 {font_size:g} Tf {leading:g} TL {margin:g} {height - margin - font_size:g} Td"
           .encode()]
    ops += [b"(" + encode_text(line) + b") Tj T*" for line in lines]
    ops.append(b"ET")
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
        f"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        # Without /Encoding a reader uses the font's own (StandardEncoding),
        # which garbles every letter past ASCII.
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
        b"<< /Title (" + encode_text(title) + b") /Producer (ktptui) >>",
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
