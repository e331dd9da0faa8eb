"""Document builders for tests: Word .docx archives (with automatic numbering) and PDFs with a text layer.

Each builder writes a small real file from values given in the test, so any test can make the same fixtures.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def paragraph(text: str, *, level: int | None = None, num_id: int = 1, style: str = "") -> str:
    """A <w:p> with one run of text, optionally in a style and on a list level (numId 0 switches numbering off)."""
    properties = ""
    if style:
        properties += f'<w:pStyle w:val="{style}"/>'
    if level is not None:
        properties += f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
    return f'<w:p><w:pPr>{properties}</w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def level(index: int, number_format: str, text: str, start: int = 1) -> str:
    """One <w:lvl> of a list: its numFmt (chineseCounting, decimal …) and lvlText ("%1、", "（%2）")."""
    return (f'<w:lvl w:ilvl="{index}"><w:start w:val="{start}"/><w:numFmt w:val="{number_format}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


def numbering(abstracts: dict[int, str], nums: dict[int, tuple[int, str]]) -> str:
    """abstractNumId → its <w:lvl>s; numId → (abstractNumId, extra XML such as a lvlOverride)."""
    abstract_xml = "".join(f'<w:abstractNum w:abstractNumId="{key}">{levels}</w:abstractNum>'
                           for key, levels in abstracts.items())
    num_xml = "".join(f'<w:num w:numId="{key}"><w:abstractNumId w:val="{abstract}"/>{extra}</w:num>'
                      for key, (abstract, extra) in nums.items())
    return f'<w:numbering xmlns:w="{WORD}">{abstract_xml}{num_xml}</w:numbering>'


def write_docx(path: Path, body: str, numbering_xml: str = "", styles_xml: str = "") -> Path:
    """A minimal .docx archive at `path` whose body is the given paragraphs, with optional numbering and styles."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"/>')
        archive.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                         f'relationships"><Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
                         'Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{WORD}"><w:body>{body}'
                         '<w:sectPr/></w:body></w:document>')
        if numbering_xml:
            archive.writestr("word/numbering.xml", numbering_xml)
        if styles_xml:
            archive.writestr("word/styles.xml", styles_xml)
    return path


def minimal_pdf(page_streams: list[bytes]) -> bytes:
    """A valid PDF written by hand: one Helvetica text page per content stream."""
    page_count = len(page_streams)
    kids = " ".join(f"{4 + 2 * index} 0 R" for index in range(page_count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, stream in enumerate(page_streams):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * index} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    output = io.BytesIO()
    output.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    output.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    output.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return output.getvalue()


def text_line(text: str, y: int) -> bytes:
    """A content-stream line drawing ASCII `text` in Helvetica at height `y`, for `minimal_pdf`."""
    return f"BT /F1 12 Tf 72 {y} Td ({text}) Tj ET\n".encode()


def draw_chinese_pdf(path: Path, pages: list[list[str]]) -> None:
    """A PDF whose text layer uses reportlab's built-in CID font STSong-Light (nothing downloaded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    drawing = canvas.Canvas(str(path))
    for lines in pages:
        drawing.setFont("STSong-Light", 14)
        for position, line in enumerate(lines):
            drawing.drawString(72, 800 - 30 * position, line)
        drawing.showPage()
    drawing.save()


def wrap_lines(paragraphs: list[str], width: int) -> list[str]:
    """The paragraphs cut every `width` characters, as a PDF lays running text out in lines."""
    return [paragraph[start:start + width] for paragraph in paragraphs for start in range(0, len(paragraph), width)]
