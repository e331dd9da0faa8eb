"""Passages and metadata in, passages with their cited laws and a resolved place out.

Pure functions: every value in, a new value out (dataclasses.replace, never mutation).
"""
from __future__ import annotations

from dataclasses import replace

from indexer.parse.laws import find_cited_laws
from indexer.parse.places import resolve_place
from indexer.report import LawCitation, Passage, Place


def cite_laws_in_passage(passage: Passage) -> Passage:
    """The passage with every law it cites; citation spans are offsets in the report text."""
    citations = tuple(
        replace(citation, start=citation.start + passage.start, end=citation.end + passage.start)
        for citation in find_cited_laws(passage.text)
    )
    return replace(passage, cited_laws=citations)


def cite_laws(passages: tuple[Passage, ...]) -> tuple[Passage, ...]:
    """Every passage with its cited laws."""
    return tuple(cite_laws_in_passage(passage) for passage in passages)


def locate_report(header_text: str, body_text: str) -> Place:
    """The township, county, city and province the report comes from, with warnings where unsure."""
    return resolve_place(header_text, body_text)


def distinct_laws(citations: tuple[LawCitation, ...]) -> tuple[LawCitation, ...]:
    """One citation per law, first occurrence first (for facets: a passage cites a law or not)."""
    seen: dict[str, LawCitation] = {}
    for citation in citations:
        seen.setdefault(citation.name, citation)
    return tuple(seen.values())
