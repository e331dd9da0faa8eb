"""Two reports in, what one copied from the other out: sentences marked copied where nearly all of their
5-character shingles occur in the other report, the share of text so copied, and two reports side by side
with passages aligned by section type (/compare).

The shingles are those of the near-duplicate signatures (duplicates.py: folded text, punctuation and
spaces left out), compared directly here because two reports are few enough to compare exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.index import SHINGLE_CHARACTERS, STORE_FOLDER, comparable_text, load_report
from indexer.parse import SECTION_LABELS, fold_for_matching
from indexer.report import Passage, Report
from indexer.research.passage_arrays import report_row_of
from indexer.search import SearchIndex

# A sentence counts as copied when at least this share of its shingles occur in the other report.
COPIED_SENTENCE_SHARE = 0.8
# Sentences with fewer letters and digits than this are never called copied (一是…, headings, dates).
MIN_SENTENCE_CHARACTERS = 12
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?\n?")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage (offsets into the passage text) and whether the other report holds it nearly unchanged."""

    text: str
    start: int
    end: int
    is_copied: bool


@dataclass(frozen=True)
class ComparedPassage:
    passage_id: str
    heading_path: tuple[str, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class AlignedSection:
    """The passages of one section type in each report (either side may be empty)."""

    section_type: str
    label: str
    a: tuple[ComparedPassage, ...]
    b: tuple[ComparedPassage, ...]


@dataclass(frozen=True)
class ReportSide:
    report_id: str
    title: str
    township: str
    county: str
    year: int | None
    characters: int
    copied_characters: int  # in sentences the other report holds nearly unchanged

    @property
    def copied_share(self) -> float:
        return round(self.copied_characters / self.characters, 4) if self.characters else 0.0


@dataclass(frozen=True)
class Comparison:
    a: ReportSide
    b: ReportSide
    sections: tuple[AlignedSection, ...]


def shingles(folded_text: str) -> set[str]:
    """The 5-character shingles of a folded text, punctuation and spaces left out."""
    text = comparable_text(folded_text)
    return {text[start:start + SHINGLE_CHARACTERS] for start in range(len(text) - SHINGLE_CHARACTERS + 1)}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of a text, each with its closing mark; together they cover the text."""
    return [match.span() for match in _SENTENCE.finditer(text)]


def is_copied_sentence(folded_sentence: str, other: set[str]) -> bool:
    """Whether nearly all of a sentence's shingles occur in the other text's shingles."""
    if len(comparable_text(folded_sentence)) < MIN_SENTENCE_CHARACTERS:
        return False
    own = shingles(folded_sentence)
    return bool(own) and len(own & other) >= COPIED_SENTENCE_SHARE * len(own)


def copied_share(later_folded: str, earlier_folded: str) -> float:
    """The share of the later text's characters (letters and digits) in sentences the earlier text holds nearly unchanged."""
    other = shingles(earlier_folded)
    total = copied = 0
    for start, end in split_sentences(later_folded):
        sentence = later_folded[start:end]
        length = len(comparable_text(sentence))
        total += length
        if is_copied_sentence(sentence, other):
            copied += length
    return round(copied / total, 4) if total else 0.0


def stored_report(index: SearchIndex, report_id: str) -> Report | None:
    """The report as this index generation indexed it (None for an unknown id)."""
    row = report_row_of(index, report_id)
    if row is None:
        return None
    return load_report(index.directory / STORE_FOLDER, report_id, index.table.content_hashes[row])


def compare_reports(index: SearchIndex, a_id: str, b_id: str) -> Comparison | None:
    """Two reports side by side, passages aligned by section type, sentences each holds of the other marked."""
    a, b = stored_report(index, a_id), stored_report(index, b_id)
    if a is None or b is None:
        return None
    a_shingles = shingles(fold_for_matching(_body(a)))
    b_shingles = shingles(fold_for_matching(_body(b)))
    a_passages = [_compared(passage, b_shingles) for passage in a.passages]
    b_passages = [_compared(passage, a_shingles) for passage in b.passages]
    types = list(dict.fromkeys([*SECTION_LABELS, *(p.section_type for p in a.passages), *(p.section_type for p in b.passages)]))
    sections = []
    for section_type in types:
        left = tuple(one for one, passage in zip(a_passages, a.passages) if passage.section_type == section_type)
        right = tuple(one for one, passage in zip(b_passages, b.passages) if passage.section_type == section_type)
        if left or right:
            sections.append(AlignedSection(section_type, SECTION_LABELS.get(section_type, section_type), left, right))
    return Comparison(a=_side(a, a_passages), b=_side(b, b_passages), sections=tuple(sections))


def comparison_to_json(result: Comparison) -> dict:
    """The JSON of `GET /api/compare`."""

    def side(one: ReportSide) -> dict:
        return {"report_id": one.report_id, "title": one.title, "township": one.township, "county": one.county,
                "year": one.year, "characters": one.characters, "copied_characters": one.copied_characters,
                "copied_share": one.copied_share}

    def passages(items: tuple[ComparedPassage, ...]) -> list[dict]:
        return [{"passage_id": one.passage_id, "heading_path": list(one.heading_path),
                 "sentences": [{"text": sentence.text, "copied": sentence.is_copied} for sentence in one.sentences]}
                for one in items]

    return {
        "a": side(result.a), "b": side(result.b),
        "sections": [{"section_type": one.section_type, "label": one.label, "a": passages(one.a), "b": passages(one.b)}
                     for one in result.sections],
    }


def _body(report: Report) -> str:
    return "\n".join(passage.text for passage in report.passages)


def _compared(passage: Passage, other: set[str]) -> ComparedPassage:
    folded = fold_for_matching(passage.text)
    sentences = tuple(
        Sentence(passage.text[start:end], start, end, is_copied_sentence(folded[start:end], other))
        for start, end in split_sentences(passage.text)
    )
    return ComparedPassage(passage.passage_id, passage.heading_path, sentences)


def _side(report: Report, passages: list[ComparedPassage]) -> ReportSide:
    total = copied = 0
    for passage in passages:
        for sentence in passage.sentences:
            length = len(comparable_text(sentence.text))
            total += length
            copied += length if sentence.is_copied else 0
    return ReportSide(report.report_id, report.title, report.township, report.county, report.year, total, copied)
