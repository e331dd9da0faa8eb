"""The bytes of a PDF in, a `SourceDocument` out: the text layer page by page, without running page numbers.

Lines stay broken where the layout broke them; joining them is the normalise stage's job.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from pathlib import Path

from indexer.read.decode import one_paragraph_per_line
from indexer.report import SourceDocument, UnreadableDocument

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~·]\s*[0-9０-９]{1,4}\s*[-—–－~·]"
    r"|第\s*[0-9０-９]{1,4}\s*页\s*(?:[,，/]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|共\s*[0-9０-９]{1,4}\s*页\s*[,，]?\s*第\s*[0-9０-９]{1,4}\s*页"
    r"|[0-9０-９]{1,4}\s*/\s*[0-9０-９]{1,4}"
    r"|[0-9０-９]{1,4}"
    r"|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)$",
    re.IGNORECASE,
)
# pypdf logs what it repairs ("invalid pdf header", "EOF marker not found") as warnings, which Python would print
# on stderr; a file we cannot read gets our one sentence instead, and one we can read needs no repair notes.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

# Some Chinese PDF fonts map glyphs to Kangxi radicals (⼀ U+2F00) instead of the ideographs (一 U+4E00).
_KANGXI_RADICALS = re.compile("[\u2f00-\u2fd5]")


def read_pdf(path: Path, data: bytes) -> SourceDocument:
    """The text layer of every page, lines as the PDF lays them out, running page numbers dropped."""
    # Imported here: pypdf takes a third of a second to import, and most corpora hold no PDF.
    import pypdf
    from pypdf.errors import DependencyError, PyPdfError

    damaged = f"{path} is damaged and cannot be read as a PDF; download it again or re-save it from a PDF reader."
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(
                f"{path} is password-protected; remove the password (e.g. `qpdf --decrypt --password=PASSWORD {path} "
                "out.pdf`) and add the result."
            )
        pages = list(reader.pages)
    except DependencyError as error:
        raise UnreadableDocument(
            f"{path} is encrypted with AES; install the `cryptography` package or run `qpdf --decrypt {path} out.pdf`."
        ) from error
    except (PyPdfError, ValueError, KeyError, TypeError) as error:  # pypdf raises plain ones on malformed objects
        raise UnreadableDocument(damaged) from error

    page_texts: list[str] = []
    textless_pages: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page.extract_text() or ""
        except (PyPdfError, ValueError, KeyError, TypeError) as error:
            raise UnreadableDocument(f"{path} is damaged on page {number}; re-save it from a PDF reader.") from error
        page_text = "\n".join(_without_page_numbers(one_paragraph_per_line(text).split("\n"))).strip("\n")
        if page_text.strip():
            page_texts.append(page_text)
        else:
            textless_pages.append(number)
    if len(textless_pages) == len(pages):
        raise UnreadableDocument(
            f"{path} has no text layer (it looks scanned); run OCR on it (e.g. `ocrmypdf {path} out.pdf`) "
            "and add the result."
        )
    warnings: list[str] = []
    if textless_pages:
        shown = ", ".join(map(str, textless_pages))
        pages_have = f"Pages {shown} of {path} have" if len(textless_pages) > 1 else f"Page {shown} of {path} has"
        warnings.append(f"{pages_have} no text layer (scanned?); run OCR to include them.")
    text = "\n".join(page_texts)
    radicals = len(_KANGXI_RADICALS.findall(text))
    if radicals:
        text = _KANGXI_RADICALS.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)
        warnings.append(f"{radicals} Kangxi radical characters from the PDF fonts were read as ordinary ideographs.")
    return SourceDocument(str(path), "pdf", text, None, tuple(warnings))


def _without_page_numbers(lines: list[str]) -> list[str]:
    """Drop running page numbers ("- 3 -", "第 3 页 共 9 页", "3"), looking only at a page's first and last lines.

    A lone number inside the page is more likely a table cell than a page number, so it stays.
    """
    filled = [index for index, line in enumerate(lines) if line.strip()]
    dropped: set[int] = set()
    for edge in (filled[:2], filled[::-1][:2]):
        for index in edge:
            if not _PAGE_NUMBER.match(lines[index].strip()):
                break
            dropped.add(index)
    return [line for index, line in enumerate(lines) if index not in dropped]


