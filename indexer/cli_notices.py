"""The search stage's notices (indexer/search/notices.py) in English, for the terminal: a code in, a sentence out.

The terminal speaks English; `--json` carries the web app's Chinese sentences, as the API does.
"""
from __future__ import annotations

from indexer.parse import SECTION_LABELS
from indexer.research import CONCORDANCE_SORTS
from indexer.search import SORTS, Notice

NOTICES = {
    "unclosed_quote": "A quotation mark was not closed, so the words after it were searched one by one.",
    "lone_minus": "A minus sign stood alone, so it was ignored; write -word to leave out passages with that word.",
    "dangling_or": "OR needs a word on each side, so a stray OR was ignored.",
    "dangling_not": "NOT needs a word after it, so a stray NOT was ignored.",
    "negated_filter": "{word} cannot be excluded, so it was ignored; choose the values to keep instead.",
    "empty_filter": "{word} has no value after the colon, so it was ignored.",
    "unknown_field": "{field} is not a field we filter by (use township, county, province, year, section or law), "
    "so {word} was searched as text.",
    "bad_year": "{value} is not a year like 2023 or a range like 2021..2024, so {word} was searched as text.",
    "bad_section": "{value} is not a section type ({sections}), so {word} was searched as text.",
    "bad_sort": "{value} is not a sort order ({sorts}), so results are sorted by relevance.",
    "bad_concordance_sort": "{value} is not a concordance order ({concordance_sorts}), so lines are in document order.",
}


def notice_text(notices: tuple[Notice, ...]) -> str:
    """The notices of a search as one English paragraph ("" when the query was read as written)."""
    lists = {
        "sections": ", ".join(SECTION_LABELS),
        "sorts": ", ".join(SORTS),
        "concordance_sorts": ", ".join(CONCORDANCE_SORTS),
    }
    return " ".join(NOTICES[notice.code].format(**lists, **notice.parameters) for notice in notices)
