"""Raw document text in, the one normalised report text out (and a same-length folding for matching).

The normalised text is what the report page shows and what every offset points into, so it keeps
the author's wording: we only drop debris, tidy whitespace and join lines broken mid-sentence.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

# Word-processor debris left by .docx → .txt conversion: "[bookmark: _GoBack]", "[image: …]".
_DEBRIS = re.compile(r"\[(?:bookmark|image|comment|footnote|endnote)[^\]\n]{0,200}\]", re.IGNORECASE)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_ODD_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u202f\u205f\t\x0b\x0c"}

# A line ending in one of these closes its sentence; anything else may continue on the next line.
SENTENCE_END = "。！？；：…!?;:）)】」』”\"’'"


def fold_char(char: str) -> str:
    """One character to its matching form: half-width, simplified script, lower case."""
    return _fold_table().get(char, char)


def fold_for_matching(text: str) -> str:
    """The text with full-width forms made half-width and traditional characters simplified.

    The result has exactly the length of the input, so offsets found in it are offsets in the text.
    """
    table = _fold_table()
    return "".join([table.get(char, char) for char in text])


@lru_cache(maxsize=1)
def _fold_table() -> dict[str, str]:
    table: dict[str, str] = {}
    # Full-width ASCII (！ to ～) and the ideographic space fold to their half-width forms.
    for code in range(0xFF01, 0xFF5F):
        table[chr(code)] = chr(code - 0xFEE0)
    table["\u3000"] = " "
    for char, simplified in _traditional_to_simplified().items():
        table.setdefault(char, simplified)
    for char in list(table) + [chr(c) for c in range(ord("A"), ord("Z") + 1)]:
        folded = table.get(char, char)
        if folded.isascii():
            table[char] = folded.lower()
    return table


def _traditional_to_simplified() -> dict[str, str]:
    """Character-level T→S pairs from OpenCC's TSCharacters table (shipped by opencc-python-reimplemented)."""
    try:
        text = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    pairs = {}
    for line in text.splitlines():
        traditional, _, simplified = line.partition("\t")
        simplified = simplified.split(" ")[0]
        if len(traditional) == 1 and len(simplified) == 1:
            pairs[traditional] = simplified
    return pairs


def clean_line(line: str) -> str:
    """One line without debris, zero-width characters and trailing or odd white space."""
    line = _DEBRIS.sub("", line).translate(_ZERO_WIDTH).translate(_ODD_SPACES)
    return unicodedata.normalize("NFC", line).rstrip()
