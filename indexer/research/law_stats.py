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

from indexer.parse import (
    DOCUMENT,
    SECTION_LABELS,
    UNCATALOGUED,
    fold_for_matching,
    law_catalogue,
)
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
    cited_in = getattr(table, column)
    rows = [row for row in index.live_rows.tolist() if name in cited_in[row]]
    summary = _all_summaries(index, column).get(name) or _summary(index, name, {})
    entry = law_catalogue().resolve(name)
    passages = Counter(table.section_types[row] for row in rows)
    reports = Counter(section for section, _ in {(table.section_types[row], table.report_rows[row]) for row in rows})
    by_section = tuple(
        SectionCount(section, SECTION_LABELS.get(section, section), reports[section], count)
        for section, count in sorted(passages.items(), key=lambda item: (-item[1], item[0]))
    )
    rows.sort(key=lambda row: (index.negative_years[row], index.township_ranks[row], row))
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
    """Every cited law's (document's, event's) summary from a column of the table, computed once per opened index."""
    key = f"law summaries: {column}"
    if key not in index._cache:
        table = index.table
        cited_in = getattr(table, column)
        # (law, report row) → passages of that report citing the law
        by_report: dict[str, Counter] = {}
        for row in index.live_rows.tolist():
            laws = cited_in[row]
            if laws:
                report_row = table.report_rows[row]
                for law in laws:
                    by_report.setdefault(law, Counter())[report_row] += 1
        index._cache[key] = {name: _summary(index, name, counts, column) for name, counts in by_report.items()}
    return index._cache[key]


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
