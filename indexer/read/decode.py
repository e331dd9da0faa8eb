"""Bytes of a text-like file in, decoded text out: the encoding guess shared by text, Markdown and HTML readers.

Also the one rule for line breaks, so every reader hands back one paragraph per line.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from pathlib import Path

import charset_normalizer

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
# Enough bytes to tell the encoding; the whole file is then decoded strictly in it.
_DETECTION_SAMPLE = 65_536
# Encodings in which a Chinese report can be written.
_CJK_CAPABLE = frozenset({"gb18030", "big5", "big5hkscs", "utf-16-le", "utf-16-be", "utf-8", "euc_jp", "shift_jis"})
# CJK punctuation, the unified ideographs, full-width forms and general punctuation (“”…—).
_USUAL_CJK = re.compile("[\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_STRAY_CONTROLS = 2
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1a")
# Control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F) other than the text controls above.
_BINARY_CONTROL = re.compile("[" + "".join(
    re.escape(chr(code)) for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in _TEXT_CONTROLS
) + "]")


def decode_text(path: Path, data: bytes, declared: str | None = None) -> DecodedText:
    """Bytes to text: a BOM; else the declared charset or UTF-8 when the bytes are valid text in it; else what
    charset-normalizer detects, checked by us; else damaged UTF-8. A warning names any encoding not UTF-8."""
    if not data.strip():
        raise UnreadableDocument(f"{path} is empty.")
    try:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                body = data if encoding == "utf-8-sig" else data[len(bom):]
                return _check_not_binary(path, _decode_strictly(path, body, encoding, ()))
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}") from error

    declared_codec = _codec_name(declared) if declared else None
    mismatch = f"{path} declares charset {declared}, but its bytes are not {declared}. " if declared_codec else ""
    for encoding in dict.fromkeys([declared_codec or "utf-8", "utf-8"]):
        try:
            decoded = _decode_strictly(path, data, encoding, ())
        except UnicodeDecodeError:
            continue
        if not _reads_as_text(decoded.text):
            continue  # valid UTF-8 full of NULs is UTF-16 of ASCII-heavy text; one stray NUL is only damage
        if declared_codec and encoding != declared_codec:
            decoded = replace(decoded, warnings=decoded.warnings + (mismatch + "Decoded as UTF-8.",))
        return _check_not_binary(path, decoded)
    detected = _detected(path, data, mismatch)
    if detected is not None:
        return detected
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return _check_not_binary(path, mostly_utf8)
    raise UnreadableDocument(f"{path} {_BINARY_ADVICE}")


def _detected(path: Path, data: bytes, mismatch: str) -> DecodedText | None:
    """The encoding charset-normalizer finds in a sample, if the whole file decodes in it as Chinese text.

    Our checks on top: a single-byte Western guess for bytes that are valid GB18030 loses to GB18030 (Chinese
    reports are not Latin-1), and a guess whose text is mostly control characters is no text at all.
    """
    best = charset_normalizer.from_bytes(data[:_DETECTION_SAMPLE]).best()
    guess = codecs.lookup(best.encoding).name if best is not None else None
    guess = "gb18030" if guess in ("gb2312", "gbk") else guess
    guesses = [guess] if guess in _CJK_CAPABLE else []
    for encoding in dict.fromkeys(guesses + ["gb18030"]):
        try:
            decoded = _decode_strictly(path, data, encoding, ())
        except UnicodeDecodeError:
            continue
        if not _reads_as_text(decoded.text) or not _reads_as_chinese(decoded.text):
            continue
        shown = encoding.upper().replace("_", "-")
        why = "no byte-order mark" if encoding.startswith("utf-16") else "not UTF-8"
        note = f"{mismatch}Decoded as {shown} (detected by charset-normalizer; {why})."
        return _check_not_binary(path, replace(decoded, warnings=(note,) + decoded.warnings))
    return None


def _reads_as_chinese(text: str) -> bool:
    """Whether nearly every character is Chinese, ASCII or their punctuation: short GBK bytes also decode as
    UTF-16, into Hangul and rare ideographs of Extension A (맘폚㈰㈴), which no report is written in."""
    usual = sum(1 for char in text if char < "\u0250" or _USUAL_CJK.match(char))
    return usual >= 0.9 * len(text)


def _reads_as_text(text: str) -> bool:
    """Whether decoded text has no more control characters than a damaged text file might (a stray one or
    two, or 1 in 100)."""
    return len(_BINARY_CONTROL.findall(text)) <= max(_STRAY_CONTROLS, len(text) / 100)


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
    if not _reads_as_text(text):
        raise UnreadableDocument(f"{path} {_BINARY_ADVICE}")
    if not text.strip():
        raise UnreadableDocument(f"{path} is empty.")
    return replace(decoded, text=text)

