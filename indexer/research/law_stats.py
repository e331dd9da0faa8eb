"""An opened index in, what its passages cite out: every law and document with reports, passages and
townships per year, and for one law its section types and citing passages with the citing sentence.

Counts come from the passage table (a passage cites a law or not, however often it names it); categories from
the law catalogue, so documents the catalogue lacks come out as 未收录 (UNCATALOGUED) and can be listed apart.
Books and work lists (DOCUMENT) and events named after a law (宪法宣传周) have columns of their own and are
counted apart, never as citations of a law.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from indexer.parse import (
    DOCUMENT,
    SECTION_LABELS,
    UNCATALOGUED,
    fold_for_matching,
    law_catalogue,
)
from indexer.research.passage_arrays import cached
from indexer.search import SearchIndex, passage_fields, passage_url

LAW_SORTS = ("reports", "passages", "name")
# Where a citing sentence starts and ends (full-width marks included: the text is not folded).
_SENTENCE_ENDS = frozenset("。！？；!?;\n")


@dataclass(frozen=True)
class YearCount:
    """Citations of one law in the reports of one year (`year` None for reports of unknown year)."""

    year: int | None
    reports: int
    passages: int
    townships: int  # distinct places among the citing reports


@dataclass(frozen=True)
class LawSummary:
    """One cited law or document with its counts over the whole index."""

    name: str  # the catalogue's canonical name, or the title as written when uncatalogued
    short_name: str
    category: str
    reports: int
    passages: int
    townships: int
    by_year: tuple[YearCount, ...]  # oldest first

    @property
    def is_uncatalogued(self) -> bool:
        return self.category == UNCATALOGUED

    def in_year(self, year: int | None) -> YearCount | None:
        """The counts of one year, or None when no report of that year cites it."""
        return next((count for count in self.by_year if count.year == year), None)


@dataclass(frozen=True)
class SectionCount:
    """Citations of one law in the sections of one type."""

    section_type: str
    section_label: str
    reports: int
    passages: int


@dataclass(frozen=True)
class CitingSentence:
    """A sentence of a passage that cites the law, and where the citations are in it."""

    text: str
    spans: tuple[tuple[int, int], ...]  # each citation's (start, end) in `text`


@dataclass(frozen=True)
class CitingPassage:
    """A passage that cites the law."""

    passage_id: str
    report_id: str
    title: str
    township: str
    county: str
    province: str
    year: int | None
    section_type: str
    section_label: str
    heading_path: tuple[str, ...]
    sentences: tuple[CitingSentence, ...]
    url: str


@dataclass(frozen=True)
class LawDetail:
    """One law: its counts, where in the reports it is cited, and one page of the citing passages."""

    law: LawSummary
    aliases: tuple[str, ...]
    status: str  # 现行有效 / 已废止 … as the catalogue says, "" when unknown
    by_section: tuple[SectionCount, ...]  # most passages first
    events: LawSummary | None  # passages naming an event after the law (宪法宣传周), counted apart
    page: int
    per_page: int
    passages: tuple[CitingPassage, ...]  # newest reports first


def cited_laws(index: SearchIndex, category: str | None = None, sort: str = "reports") -> tuple[LawSummary, ...]:
    """Every law or document the index's passages cite (of one category when given), most cited first.

    `sort` is reports (then passages), passages (then reports) or name.
    """
    return _sorted([summary for summary in _all_summaries(index).values() if category in (None, summary.category)], sort)


def cited_documents(index: SearchIndex, sort: str = "reports") -> tuple[LawSummary, ...]:
    """Books and work lists the passages cite (《习近平法治思想学习纲要》), most cited first: documents, not laws."""
    return _sorted(list(_all_summaries(index, "documents").values()), sort)


def law_events(index: SearchIndex, sort: str = "reports") -> tuple[LawSummary, ...]:
    """Laws that events named in the passages are named after (国家宪法日, 民法典宣传月), most mentioned first."""
    return _sorted(list(_all_summaries(index, "law_events").values()), sort)


def _sorted(summaries: list[LawSummary], sort: str) -> tuple[LawSummary, ...]:
    if sort == "name":
        return tuple(sorted(summaries, key=lambda summary: summary.name))
    if sort == "passages":
        return tuple(sorted(summaries, key=lambda summary: (-summary.passages, -summary.reports, summary.name)))
    return tuple(sorted(summaries, key=lambda summary: (-summary.reports, -summary.passages, summary.name)))


def law_categories(index: SearchIndex) -> tuple[str, ...]:
    """The categories of the cited laws, in the catalogue's order, 未收录 last."""
    cited = {summary.category for summary in _all_summaries(index).values()}
    ordered = dict.fromkeys(entry.category for entry in law_catalogue().entries)
    return tuple(category for category in [*ordered, UNCATALOGUED] if category in cited)


def citation_years(index: SearchIndex) -> tuple[int, ...]:
    """The report years of the index, oldest first (the columns of a by-year table)."""
    return tuple(sorted({year for year in index.table.years if year is not None}))


def find_law(index: SearchIndex, name: str) -> str | None:
    """The name the index knows a law by, from any alias or spelling (《民法典》, 民法典 …), or None.

    A catalogued law is found even when no passage cites it; an uncatalogued title or document only when one does.
    """
    wanted = name.strip()
    entry = law_catalogue().resolve(wanted)
    if entry is not None:
        return entry.canonical_name
    folded = fold_for_matching(wanted.strip("《》"))
    known = [*index.law_names, *_all_summaries(index, "documents")]
    return next((cited for cited in known if fold_for_matching(cited) == folded), None)


def law_detail(index: SearchIndex, name: str, page: int = 1, per_page: int = 20) -> LawDetail:
    """The law (or document) `find_law` named: counts by year and section type, one page of the citing passages,
    and the events named after it, counted apart."""
    table = index.table
    column = "documents" if name in _all_summaries(index, "documents") and name not in _all_summaries(index) else "laws"
    rows = _citing_rows(index, getattr(table, column), name)
    summary = _all_summaries(index, column).get(name) or _summary(index, name, {})
    entry = law_catalogue().resolve(name)
    # (section type, report) pairs of the citing passages: passages per section type, and distinct reports
    sections = table.section_types.codes[rows].astype(np.int64)
    pairs = np.unique(sections * max(index.report_count, 1) + index.report_rows[rows]) // max(index.report_count, 1)
    names = table.section_types.names
    passages, reports = Counter(), Counter()
    for code, (passages_in, reports_in) in enumerate(zip(np.bincount(sections, minlength=len(names)).tolist(),
                                                         np.bincount(pairs, minlength=len(names)).tolist())):
        if passages_in:
            passages[names[code]] += passages_in
            reports[names[code]] += reports_in
    by_section = tuple(
        SectionCount(section, SECTION_LABELS.get(section, section), reports[section], count)
        for section, count in sorted(passages.items(), key=lambda item: (-item[1], item[0]))
    )
    rows = rows[np.lexsort((rows, index.township_ranks[rows], index.negative_years[rows]))].tolist()
    first = (max(page, 1) - 1) * per_page
    searcher = index.searcher()
    shown = tuple(_citing_passage(index, row, searcher.stored_fields(row), name) for row in rows[first:first + per_page])
    return LawDetail(
        law=summary,
        aliases=entry.aliases if entry else (),
        status=entry.status if entry else "",
        by_section=by_section,
        events=_all_summaries(index, "law_events").get(name),
        page=max(page, 1),
        per_page=per_page,
        passages=shown,
    )


def _citing_rows(index: SearchIndex, cited_in, name: str) -> np.ndarray:
    """The live documents whose tuple column holds `name`, ascending."""
    try:
        code = cited_in.names.index(name)
    except ValueError:
        return np.zeros(0, dtype=np.int64)
    rows = np.unique(cited_in.rows_of_codes()[cited_in.codes == code])
    return rows[index.live[rows]]


def citing_sentences(text: str, spans: list[tuple[int, int]]) -> tuple[CitingSentence, ...]:
    """The sentences of `text` holding the spans, each once, with the spans relative to the sentence."""
    sentences: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for start, end in sorted(spans):
        sentence_start = start
        while sentence_start > 0 and text[sentence_start - 1] not in _SENTENCE_ENDS:
            sentence_start -= 1
        while text[sentence_start].isspace():
            sentence_start += 1
        sentence_end = end
        while sentence_end < len(text) and text[sentence_end - 1] not in _SENTENCE_ENDS:
            sentence_end += 1
        while text[sentence_end - 1].isspace():
            sentence_end -= 1
        sentences.setdefault((sentence_start, sentence_end), []).append((start, end))
    return tuple(
        CitingSentence(
            text[sentence_start:sentence_end],
            tuple((start - sentence_start, end - sentence_start) for start, end in found),
        )
        for (sentence_start, sentence_end), found in sentences.items()
    )


def _all_summaries(index: SearchIndex, column: str = "laws") -> dict[str, LawSummary]:
    """Every cited law's (document's, event's) summary from a column of the table, computed once per opened index,
    in the order the live passages first cite them."""
    return cached(index, f"law summaries: {column}", lambda: _summaries(index, column))


def _summaries(index: SearchIndex, column: str) -> dict[str, LawSummary]:
    """The counts of every name of a tuple column, with numpy over its (passage, name) entries: a passage counts
    once per entry, a report once per name, a place once per name and year."""
    cited_in = getattr(index.table, column)
    owners = cited_in.rows_of_codes()
    live = index.live[owners]
    laws = cited_in.codes[live].astype(np.int64)
    if not len(laws):
        return {}
    reports = index.report_rows[owners[live]]
    first_cited = np.unique(laws, return_index=True)
    # (law, report) pairs with the passages of that report citing the law
    pairs, passages = np.unique(laws * index.report_count + reports, return_counts=True)
    law_of, report_of = pairs // index.report_count, pairs % index.report_count
    years = index.table.years.array.astype(np.int64)[report_of]
    places = _places(index)[report_of]
    # (law, year) → reports, passages and distinct places; law → distinct places
    law_years, year_at = np.unique(law_of * (years.max() + 1) + years, return_inverse=True)
    year_reports = np.bincount(year_at)
    year_passages = np.bincount(year_at, weights=passages).astype(np.int64)
    year_places = np.bincount(np.unique(year_at * (places.max() + 1) + places) // (places.max() + 1), minlength=len(law_years))
    law_places = np.bincount(np.unique(law_of * (places.max() + 1) + places) // (places.max() + 1))
    law_reports = np.bincount(law_of)
    law_passages = np.bincount(law_of, weights=passages).astype(np.int64)
    by_law: dict[int, list[YearCount]] = {}
    for key, reports_in, passages_in, places_in in zip(
        law_years.tolist(), year_reports.tolist(), year_passages.tolist(), year_places.tolist()
    ):
        law, year = divmod(key, int(years.max()) + 1)
        by_law.setdefault(law, []).append(YearCount(year or None, reports_in, passages_in, places_in))
    found = {}
    for law in first_cited[0][np.argsort(first_cited[1], kind="stable")].tolist():
        by_year = sorted(by_law[law], key=lambda count: (count.year is None, count.year or 0))
        found[cited_in.names[law]] = _named_summary(
            index, cited_in.names[law], column, int(law_reports[law]), int(law_passages[law]), int(law_places[law]), tuple(by_year)
        )
    return found


def _places(index: SearchIndex) -> np.ndarray:
    """Per report row, a number for what tells townships apart (_place): equal for reports of one province, county
    and township, of its own for a report without a township."""
    def compute() -> np.ndarray:
        table = index.table
        codes = [_by_name(getattr(table, name)) for name in ("provinces", "counties", "townships")]
        unnamed = np.array([name == "" for name in table.townships.names], dtype=bool)[table.townships.codes]
        key = np.stack(codes, axis=1)
        key[unnamed] = -1 - np.flatnonzero(unnamed)[:, None]
        return np.unique(key, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)
    return cached(index, "law places", compute)


def _by_name(column) -> np.ndarray:
    """A coded column's codes made equal where the names are."""
    first: dict[str, int] = {}
    renumber = np.array([first.setdefault(name, code) for code, name in enumerate(column.names)], dtype=np.int64)
    return renumber[column.codes] if len(renumber) else np.zeros(len(column.codes), dtype=np.int64)


def _named_summary(
    index: SearchIndex, name: str, column: str, reports: int, passages: int, townships: int, by_year: tuple[YearCount, ...]
) -> LawSummary:
    entry = law_catalogue().resolve(name)
    return LawSummary(
        name=name,
        short_name=entry.short_name if entry else index.table.law_labels.get(name, name),
        category=entry.category if entry else DOCUMENT if column == "documents" else UNCATALOGUED,
        reports=reports,
        passages=passages,
        townships=townships,
        by_year=by_year,
    )


def _summary(index: SearchIndex, name: str, passages_by_report: dict[int, int], column: str = "laws") -> LawSummary:
    """A law's counts from how many of each report's passages cite it."""
    entry = law_catalogue().resolve(name)
    years: dict[int | None, list[int]] = {}
    places: dict[int | None, set[tuple[str, ...]]] = {}
    for report_row, count in passages_by_report.items():
        year = index.table.years[report_row]
        years.setdefault(year, [0, 0])
        years[year][0] += 1
        years[year][1] += count
        places.setdefault(year, set()).add(_place(index, report_row))
    by_year = tuple(
        YearCount(year, reports, passages, len(places[year]))
        for year, (reports, passages) in sorted(years.items(), key=lambda item: (item[0] is None, item[0] or 0))
    )
    return LawSummary(
        name=name,
        short_name=entry.short_name if entry else index.table.law_labels.get(name, name),
        category=entry.category if entry else DOCUMENT if column == "documents" else UNCATALOGUED,
        reports=len(passages_by_report),
        passages=sum(passages_by_report.values()),
        townships=len(set().union(*places.values())) if places else 0,
        by_year=by_year,
    )


def _place(index: SearchIndex, report_row: int) -> tuple[str, ...]:
    """What tells townships apart: province, county and township, or the report itself when its township is unknown."""
    table = index.table
    if not table.townships[report_row]:
        return ("report", table.report_ids[report_row])
    return (table.provinces[report_row], table.counties[report_row], table.townships[report_row])


def _citing_passage(index: SearchIndex, row: int, stored: dict, name: str) -> CitingPassage:
    text = stored.get("text", "")
    offset = stored.get("start", 0)
    spans = []
    for citation in stored.get("cited_laws", ()):
        # Events named after the law (宪法宣传周) are not its citations.
        if citation.get("name") != name or citation.get("kind", "citation") != "citation":
            continue
        # Stored spans are offsets in the report text; the passage starts at `offset`.
        start, end = citation["start"] - offset, citation["end"] - offset
        if 0 <= start < end <= len(text):
            spans.append((start, end))
    fields = passage_fields(index, row)
    return CitingPassage(
        **fields,
        heading_path=tuple(stored.get("heading_path", ())),
        sentences=citing_sentences(text, spans),
        url=passage_url(fields["report_id"], fields["passage_id"]),
    )
