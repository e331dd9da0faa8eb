"""Characters in, their matching form out: full-width folded to half-width, traditional to simplified, lower case.

Every entry maps one character to one character, so folded text keeps the offsets of the text it came from.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


def fold_char(char: str) -> str:
    """One character to its matching form: half-width, simplified script, lower case."""
    return _fold_table().get(char, char)


def fold_for_matching(text: str) -> str:
    """The text with full-width forms made half-width and traditional characters simplified.

    The result has exactly the length of the input, so offsets found in it are offsets in the text.
    """
    return text.translate(_translation_table())


@lru_cache(maxsize=1)
def _translation_table() -> dict[int, str]:
    # Every entry maps one character to one character, so str.translate keeps offsets (and runs in C).
    return {ord(char): folded for char, folded in _fold_table().items()}


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
