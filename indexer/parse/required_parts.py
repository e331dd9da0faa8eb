"""The parts an annual report on rule-of-law government construction must contain (data/required_parts.tsv, from
the regulation's article on report contents) and which of them a subsection heading names.

A part is found at the top level by its section type (section_types.py); a report that folds a part into another
section names it in a subsection heading instead (一、主要工作 › （五）存在的问题), which these heading words find.
The build marks every passage with the parts its subsection headings name, so the reviewer's check reads bits
instead of headings.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class RequiredPart:
    """One part an annual report must (or may) contain, from data/required_parts.tsv."""

    key: str
    section_type: str
    is_required: bool
    article: str
    label: str
    heading_words: re.Pattern[str]


@lru_cache(maxsize=1)
def required_parts() -> tuple[RequiredPart, ...]:
    """The parts of an annual report, in the regulation's order."""
    text = (resources.files("indexer") / "data" / "required_parts.tsv").read_text(encoding="utf-8")
    return tuple(
        RequiredPart(row["key"], row["section_type"], row["required"] == "yes", row["article"], row["label"],
                     re.compile(row["heading_words"]))
        for row in csv.DictReader(text.splitlines(), delimiter="\t")
    )


@lru_cache(maxsize=65_536)
def subsection_parts(heading_path: str) -> tuple[tuple[str, str], ...]:
    """(part key, heading) for each part a subsection heading of a folded heading path (top level first, one
    heading a line) names, with the first heading naming it.

    Heading paths repeat across the passages of a section and across reports, so each is matched once.
    """
    found: dict[str, str] = {}
    for heading in heading_path.split("\n")[1:]:
        for part in required_parts():
            if part.key not in found and part.heading_words.search(heading):
                found[part.key] = heading
    return tuple(found.items())


def part_bits(heading_path: str) -> int:
    """The parts a folded heading path's subsection headings name, as bits: bit i for required_parts()[i]."""
    keys = {key for key, _heading in subsection_parts(heading_path)}
    return sum(1 << position for position, part in enumerate(required_parts()) if part.key in keys)
