"""Bytes of a text-like file in, decoded text out: the encoding guess shared by text, Markdown and HTML readers.

Also the one rule for line breaks, so every reader hands back one paragraph per line.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.report import UnreadableDocument

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def one_paragraph_per_line(text: str) -> str:
    """The text with every kind of line break (CR LF, CR, form feed, U+2028 …) made a plain newline."""
    return _LINE_BREAKS.sub("\n", text)


@dataclass(frozen=True)
class DecodedText:
    """Decoded file text, the encoding it was read in, and any warning about the guess."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


_BINARY_ADVICE = "looks like a binary file, not a text report; save it as UTF-8 text, .docx, .html or .pdf."
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1a")
# Control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F) other than the text controls above.
_BINARY_CONTROL = re.compile("[" + "".join(
    re.escape(chr(code)) for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in _TEXT_CONTROLS
) + "]")


def decode_text(path: Path, data: bytes, declared: str | None = None) -> DecodedText:
    """Bytes to text: a BOM, then UTF-16 by its NUL pattern, then the declared charset, UTF-8, GB18030."""
    if not data.strip():
        raise UnreadableDocument(f"{path} is empty.")
    try:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                body = data if encoding == "utf-8-sig" else data[len(bom):]
                return _check_not_binary(path, _decode_strictly(path, body, encoding, ()))
        if b"\x00" in data:
            utf16 = _utf16_by_nul_pattern(data)
            if utf16 is None:
                raise UnreadableDocument(f"{path} {_BINARY_ADVICE}")
            shown = "UTF-16 LE" if utf16 == "utf-16-le" else "UTF-16 BE"
            note = f"Decoded as {shown} (no byte-order mark; guessed from NUL bytes)."
            return _check_not_binary(path, _decode_strictly(path, data, utf16, (note,)))
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}") from error

    declared_codec = _codec_name(declared) if declared else None
    mismatch = f"{path} declares charset {declared}, but its bytes are not {declared}. " if declared_codec else ""
    for encoding in dict.fromkeys([declared_codec or "utf-8", "utf-8"]):
        try:
            decoded = _decode_strictly(path, data, encoding, ())
        except UnicodeDecodeError:
            continue
        if declared_codec and encoding != declared_codec:
            decoded = replace(decoded, warnings=decoded.warnings + (mismatch + "Decoded as UTF-8.",))
        return _check_not_binary(path, decoded)
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return _check_not_binary(path, mostly_utf8)
    note = mismatch + "Decoded as GB18030 (no UTF-8 or BOM found)."
    try:
        return _check_not_binary(path, _decode_strictly(path, data, "gb18030", (note,)))
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}") from error


def _codec_name(label: str) -> str | None:
    # gb2312 and gbk pages routinely contain characters only GB18030 has; it is a superset of both.
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None  # ASCII bytes under a UTF-16 label: browsers ignore such a label, and so do we
    return "gb18030" if name in ("gb2312", "gbk") else name


def _decode_strictly(path: Path, data: bytes, encoding: str, notes: tuple[str, ...]) -> DecodedText:
    """Strict decoding that forgives only an incomplete character at the very end (a cut-off download)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    text = decoder.decode(data, final=False)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        notes += (f"{path} ends in the middle of a character; the incomplete last character was dropped.",)
    shown = "utf-8" if encoding == "utf-8-sig" else encoding
    return DecodedText(text, shown, notes)


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    # UTF-16 text has NULs only in the high byte of ASCII characters: all odd offsets (LE) or all even (BE).
    sample = data[:65536]
    nuls_at_even, nuls_at_odd = sample[0::2].count(0), sample[1::2].count(0)
    if nuls_at_odd and nuls_at_even * 20 <= nuls_at_odd:
        return "utf-16-le"
    if nuls_at_even and nuls_at_odd * 20 <= nuls_at_even:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> DecodedText | None:
    """UTF-8 with a few damaged bytes, rather than mojibake from reading it as GB18030."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = sum(1 for char in text if ord(char) > 127) - replaced
    if replaced == 0 or non_ascii < 50 * replaced:
        return None
    note = f"{replaced} invalid UTF-8 byte sequences were replaced with U+FFFD; the file may be damaged."
    return DecodedText(text, "utf-8", (note,))


def _check_not_binary(path: Path, decoded: DecodedText) -> DecodedText:
    text = decoded.text.rstrip("\x1a")  # a DOS end-of-file mark some old GBK editors append
    controls = len(_BINARY_CONTROL.findall(text))
    if controls > len(text) / 100:
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}")
    if not text.strip():
        raise UnreadableDocument(f"{path} is empty.")
    return replace(decoded, text=text)

