"""A query, filters and a page in; hits with marked snippets, totals and facet counts out.

Matching is exact: bigram postings of the passage table narrow the candidates and a substring test on
the folded text decides. Ranking is BM25F over the jieba words of the Whoosh rank fields, headings
boosted; facets are counted over the whole hit set, each with the other facets' filters only.
"""
from __future__ import annotations

import heapq
import marshal
import math
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import chain, compress, islice, repeat
from pathlib import Path
from urllib.parse import quote

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import EmptyIndexError
from whoosh.matching import Matcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.index.analysis import count_rank_words, phrase_keys, segmenter
from indexer.index.duplicates import BOILERPLATE_REPORTS, count_other_reports
from indexer.parse.normalize import fold_for_matching
from indexer.search.query import ParsedQuery, SearchFilters, parse_query
from indexer.report import LawCitation
from indexer.index.schema import (
    FACETS,
    HEADING_BOOST,
    INDEX_FORMAT,
    POINTER_FILE,
    POSTING_TYPE,
    TABLE_COLUMNS,
    TABLE_FILE,
    BigramPostings,
    PassageTable,
)
from indexer.parse.section_types import SECTION_LABELS
from indexer.search.snippets import make_snippet

SORTS = ("relevance", "year", "township")
MAX_PER_PAGE = 100
# BM25 constants, Whoosh's defaults.
_K1 = 1.2
_B = 0.75
# Reading a posting (a block at a time) costs about a quarter of counting a word in a hit's text (0.45 µs
# against 1.7 µs, measured on the 10,000-report benchmark index): read postings while a word's passages
# are fewer than this many times the hits.
_POSTINGS_PER_HIT = 3


class IndexUnavailable(Exception):
    """There is no index to open, or it cannot be read; the message is a sentence for the user."""


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its passages (`count`) and distinct reports among the hits."""

    value: str
    label: str
    count: int
    reports: int


@dataclass(frozen=True)
class SearchHit:
    """One matching passage as a result list shows it."""

    passage_id: str
    report_id: str
    title: str
    township: str
    county: str
    city: str
    province: str
    year: int | None
    section_type: str
    section_label: str
    heading_path: tuple[str, ...]
    snippet: str  # HTML: escaped text, matches in <mark>
    score: float
    url: str
    duplicate_reports: int = 0  # other reports holding a near-copy of the passage


@dataclass(frozen=True)
class ExportedPassage(SearchHit):
    """A hit with its whole text and cited laws, for the research export."""

    text: str = ""
    cited_laws: tuple[LawCitation, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, with counts over all of them."""

    query: str
    filters: SearchFilters  # the query's field filters and the caller's, combined
    total: int  # passages
    total_reports: int
    page: int
    per_page: int
    sort: str
    notice: str  # what we did with syntax we could not read, or ""
    phrases: tuple[str, ...]  # what was matched, for marking a report page
    hits: tuple[SearchHit, ...]
    facets: dict[str, tuple[FacetValue, ...]]


@dataclass(frozen=True)
class SearchIndex:
    """An opened index generation: the Whoosh index and the passage table in memory.

    Share it between threads: each thread searches through a Whoosh searcher of its own.
    """

    directory: Path
    generation: str
    table: PassageTable
    postings: BigramPostings
    whoosh: whoosh_index.Index
    live_rows: list[int]
    # Per report and per document: the report-level facet values as text ("" when unknown).
    report_values: dict[str, list[str]]
    row_values: dict[str, list[str]]
    # Per document, (section type, report row) and (law, report row) for each cited law, each pair as one
    # integer (value number × reports + report row), to count distinct reports per value in C.
    section_pairs: list[int]
    law_pairs: list[tuple[int, ...]]
    section_names: list[str]
    law_names: list[str]
    negative_years: list[int]
    # Per document, where its township falls in alphabetical order (documents without one last).
    township_ranks: list[int]
    # Live documents newest first, and by township, for browsing without a query.
    year_order: list[int]
    township_order: list[int]
    # Per document, the BM25 length normalisation K1·(1 − B + B·length / average length).
    text_norms: list[float]
    heading_norms: list[float]
    # Per document, how many other reports hold a near-copy of the passage (duplicates.py).
    duplicate_reports: list[int]
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    _threads: threading.local = field(default_factory=threading.local, compare=False, repr=False)

    def searcher(self) -> Searcher:
        """This thread's Whoosh searcher, opened on first use and reused by the thread's later searches.

        A searcher must not cross threads (Whoosh's threads.rst), and opening one reads every segment's
        stored-field offsets, which costs more than a whole search.
        """
        searcher = getattr(self._threads, "searcher", None)
        if searcher is None or searcher.is_closed:
            searcher = self.whoosh.searcher()
            self._threads.searcher = searcher
            self._cache.setdefault("searchers", []).append(searcher)
        return searcher

    def close(self) -> None:
        """Close the searchers of every thread and their files; a later search opens a new one."""
        for searcher in self._cache.pop("searchers", []):
            searcher.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def is_current(self) -> bool:
        """Whether CURRENT still names this generation (a newer build has not replaced it)."""
        return current_generation(self.directory) == self.generation

    def passage_count(self) -> int:
        """Passages in the index."""
        return len(self.live_rows)


def current_generation(index_dir: Path) -> str | None:
    """The name of the generation folder CURRENT points at, or None when there is no complete index."""
    try:
        name = (Path(index_dir) / POINTER_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return name if name and (Path(index_dir) / name).is_dir() else None


def read_passage_table(
    generation_dir: Path, with_postings: bool = True
) -> tuple[PassageTable, BigramPostings | None] | None:
    """The passage table of a generation and its bigram postings, or None when missing or of another format."""
    expected = {"format": INDEX_FORMAT, "columns": TABLE_COLUMNS}
    try:
        with open(Path(generation_dir) / TABLE_FILE, "rb") as file:
            if marshal.load(file) != expected:
                return None
            table = PassageTable(**{name: marshal.load(file) for name in TABLE_COLUMNS})
            if not with_postings:
                return table, None
            keys, counts = marshal.load(file), marshal.load(file)
            data = file.read()
    except (OSError, EOFError, ValueError, TypeError):
        return None
    spans: dict[str, tuple[int, int]] = {}
    start = 0
    size = array(POSTING_TYPE).itemsize
    for key, count in zip(keys, counts):
        spans[key] = (start, start + count * size)
        start += count * size
    if start != len(data):
        return None
    return table, BigramPostings(spans, data)


def open_search_index(index_dir: Path) -> SearchIndex:
    """Open the current generation of an index folder once; raises IndexUnavailable with a sentence when it can't."""
    index_dir = Path(index_dir)
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexUnavailable(f"There is no index in {index_dir}; build it with the index command first.")
    stored = read_passage_table(index_dir / generation)
    try:
        # Plain reads, not mmap: mapped segment pages would count in the server's resident memory.
        whoosh = FileStorage(str(index_dir / generation), supports_mmap=False).open_index()
    except EmptyIndexError:
        whoosh = None
    if stored is None or whoosh is None or whoosh.doc_count_all() != stored[0].document_count:
        raise IndexUnavailable(
            f"The index in {index_dir} is incomplete or was written by another version; rebuild it with --rebuild."
        )
    # Queries are segmented with the dictionary the passages were segmented with; load it now, not on the first search.
    segmenter()
    table, postings = stored
    return _prepared(index_dir, generation, table, postings, whoosh)


def _prepared(
    index_dir: Path, generation: str, table: PassageTable, postings: BigramPostings, whoosh: whoosh_index.Index
) -> SearchIndex:
    """The index with the per-document lists that let a search count, filter and sort without a Python loop per hit."""
    report_rows = table.report_rows
    live_rows = [row for row, report_row in enumerate(report_rows) if report_row >= 0]
    report_values = {
        "township": table.townships,
        "county": table.counties,
        "province": table.provinces,
        "year": ["" if year is None else str(year) for year in table.years],
    }
    row_values = {
        name: [values[report_row] if report_row >= 0 else "" for report_row in report_rows]
        for name, values in report_values.items()
    }
    report_count = max(len(table.report_ids), 1)
    section_names = sorted(set(table.section_types))
    section_numbers = {name: number for number, name in enumerate(section_names)}
    section_pairs = [
        section_numbers[section] * report_count + max(report_row, 0)
        for section, report_row in zip(table.section_types, report_rows)
    ]
    law_names = sorted({law for laws in table.laws for law in laws})
    law_numbers = {name: number for number, name in enumerate(law_names)}
    law_pairs = [
        tuple(law_numbers[law] * report_count + report_row for law in laws)
        for laws, report_row in zip(table.laws, report_rows)
    ]
    negative_years = [-(table.years[report_row] or 0) if report_row >= 0 else 0 for report_row in report_rows]
    # Reports without a township sort after every named one.
    township_names = sorted(set(table.townships) - {""}) + [""]
    rank_of = {name: rank for rank, name in enumerate(township_names)}
    township_ranks = [rank_of[township] for township in row_values["township"]]
    return SearchIndex(
        directory=index_dir,
        generation=generation,
        table=table,
        postings=postings,
        whoosh=whoosh,
        live_rows=live_rows,
        report_values=report_values,
        row_values=row_values,
        section_pairs=section_pairs,
        law_pairs=law_pairs,
        section_names=section_names,
        law_names=law_names,
        negative_years=negative_years,
        township_ranks=township_ranks,
        year_order=sorted(live_rows, key=lambda row: (negative_years[row], row)),
        township_order=sorted(live_rows, key=lambda row: (township_ranks[row], negative_years[row], row)),
        text_norms=_norms(table.text_lengths, live_rows),
        heading_norms=_norms(table.heading_lengths, live_rows),
        duplicate_reports=count_other_reports(table.duplicate_groups, report_rows),
    )


def search(
    index: SearchIndex,
    query_text: str = "",
    filters: SearchFilters = SearchFilters(),
    page: int = 1,
    per_page: int = 10,
    sort: str = "relevance",
    facet_limit: int | None = 30,
    snippet_length: int = 160,
    hide_boilerplate: bool = False,
) -> SearchResult:
    """One page of passages matching the query and filters, best first, with facet counts over all matches.

    An empty query browses. Facet lists hold the `facet_limit` most frequent values (all when None)
    plus any value the filters select. `hide_boilerplate` leaves out passages with near-copies in
    BOILERPLATE_REPORTS or more other reports.
    """
    parsed = parse_query(query_text)
    combined = parsed.filters.combined(filters)
    notices = list(parsed.notices)
    if sort not in SORTS:
        notices.append(f"{sort} is not a sort order ({', '.join(SORTS)}), so results are sorted by relevance.")
        sort = "relevance"
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    matched = _without_boilerplate(index, _matching_rows(index, parsed), hide_boilerplate)
    hit_rows, rows_by_facet = _apply_filters(index, matched, combined)
    report_sets: dict[int, set[int]] = {}
    facets = {name: _facet_values(index, name, rows_by_facet[name], combined, facet_limit, report_sets) for name in FACETS}
    searcher = index.searcher()
    scores = _scores(index, searcher, parsed.phrases, hit_rows)
    first = (page - 1) * per_page
    page_rows = _ordered(index, hit_rows, scores, sort, first + per_page)[first:]
    hits = tuple(
        _hit(index, row, searcher.stored_fields(row), scores, parsed.phrases, snippet_length) for row in page_rows
    )
    return SearchResult(
        query=query_text,
        filters=combined,
        total=len(hit_rows),
        total_reports=len(_reports_of(index, hit_rows, report_sets)),
        page=page,
        per_page=per_page,
        sort=sort,
        notice=" ".join(dict.fromkeys(notices)),
        phrases=parsed.phrases,
        hits=hits,
        facets=facets,
    )


def export_passages(
    index: SearchIndex,
    query_text: str = "",
    filters: SearchFilters = SearchFilters(),
    sort: str = "relevance",
    snippet_length: int = 160,
    hide_boilerplate: bool = False,
) -> Iterator[ExportedPassage]:
    """Every passage matching the query and filters (all passages for an empty query), in the sort order."""
    parsed = parse_query(query_text)
    if sort not in SORTS:
        sort = "relevance"
    matched = _without_boilerplate(index, _matching_rows(index, parsed), hide_boilerplate)
    hit_rows, _ = _apply_filters(index, matched, parsed.filters.combined(filters))
    searcher = index.searcher()
    scores = _scores(index, searcher, parsed.phrases, hit_rows)
    for row in _ordered(index, hit_rows, scores, sort, None):
        stored = searcher.stored_fields(row)
        hit = _hit(index, row, stored, scores, parsed.phrases, snippet_length)
        yield ExportedPassage(
            **{item.name: getattr(hit, item.name) for item in fields(SearchHit)},
            text=stored["text"],
            cited_laws=tuple(_citation(values) for values in stored.get("cited_laws", ())),
        )


def passage_url(report_id: str, passage_id: str) -> str:
    """Where a passage is shown: its report page, scrolled to the passage's anchor."""
    return f"/reports/{quote(report_id)}#{quote(passage_id)}"


# Matching


def _matching_rows(index: SearchIndex, parsed: ParsedQuery) -> list[int]:
    """Document numbers whose folded heading path or text contains a phrase of every group and no excluded phrase."""
    texts = index.table.match_texts
    rows: list[int] | None = None
    groups = [[fold_for_matching(phrase) for phrase in group] for group in parsed.groups]
    # The rarest group first; a later group is looked up on its own only when that is cheaper than
    # testing the rows found so far.
    for group in sorted(groups, key=lambda group: sum(_estimate(index, phrase) for phrase in group)):
        if rows is None or sum(_estimate(index, phrase) for phrase in group) < len(rows):
            if len(group) == 1:
                found = _phrase_rows(index, group[0])
            else:
                found = sorted(set().union(*(_phrase_rows(index, phrase) for phrase in group)))
            rows = found if rows is None else list(filter(set(rows).__contains__, found))
        elif len(group) == 1:
            rows = _rows_containing(texts, rows, group[0])
        else:
            rows = [row for row in rows if any(phrase in texts[row] for phrase in group)]
        if not rows:
            return []
    if rows is None:
        # Browsing: the very list of live documents, which later steps recognise and take shortcuts for.
        rows = index.live_rows
    excluded = [fold_for_matching(phrase) for phrase in parsed.excluded]
    if excluded:
        rows = [row for row in rows if not any(phrase in texts[row] for phrase in excluded)]
    return rows


def _without_boilerplate(index: SearchIndex, rows: list[int], hide_boilerplate: bool) -> list[int]:
    """The rows whose passages have near-copies in fewer than BOILERPLATE_REPORTS other reports (all when not hiding)."""
    if not hide_boilerplate:
        return rows
    copies = index.duplicate_reports
    return [row for row in rows if copies[row] < BOILERPLATE_REPORTS]


def _phrase_rows(index: SearchIndex, folded: str) -> list[int]:
    """Document numbers whose match text contains the folded phrase, ascending."""
    texts = index.table.match_texts
    keys = phrase_keys(folded)
    if not keys:
        # Single characters have no bigram of their own to look up.
        return _rows_containing(texts, index.live_rows, folded)
    rarest = min(keys, key=index.postings.count)
    candidates = index.postings.documents(rarest)
    if keys == [folded]:
        # A two-character phrase is its own bigram: the postings are the answer.
        return list(candidates)
    return _rows_containing(texts, candidates, folded)


def _rows_containing(texts: list[str], rows: Iterable[int], folded: str) -> list[int]:
    """The rows whose match text contains the folded phrase, in their order.

    The test runs in C (compress over a map of `in`): a Python loop would cost several times more per row.
    """
    rows = list(rows)
    return list(compress(rows, map(str.__contains__, map(texts.__getitem__, rows), repeat(folded))))


def _estimate(index: SearchIndex, folded: str) -> int:
    """An upper bound of the passages holding a phrase: its rarest bigram's count (everything for a scan)."""
    keys = phrase_keys(folded)
    if not keys:
        return len(index.live_rows)
    return min(index.postings.count(key) for key in keys)


# Filters and facets


def _apply_filters(index: SearchIndex, rows: list[int], filters: SearchFilters) -> tuple[list[int], dict[str, list[int]]]:
    """The rows passing every filter, and for each facet the rows passing every filter but its own."""
    allowed = {name: _allowed_rows(index, name, filters) for name in FACETS}
    allowed = {name: rows_set for name, rows_set in allowed.items() if rows_set is not None}
    if not allowed:
        return rows, {name: rows for name in FACETS}

    def keep(names: list[str]) -> list[int]:
        if not names:
            return rows
        sets = sorted((allowed[name] for name in names), key=len)
        if rows is index.live_rows:
            # Browsing: the filters alone decide, so intersect them instead of walking every passage.
            return sorted(sets[0].intersection(*sets[1:]))
        kept = rows
        for rows_set in sets:
            kept = list(filter(rows_set.__contains__, kept))
        return kept

    passing = keep(list(allowed))
    by_facet = {name: keep([other for other in allowed if other != name]) for name in allowed}
    return passing, {name: by_facet.get(name, passing) for name in FACETS}


def _allowed_rows(index: SearchIndex, name: str, filters: SearchFilters) -> frozenset[int] | None:
    """The documents a facet's filter lets through (its values ORed), or None when the facet is not filtered."""
    if name == "year":
        values = tuple(filters.year)
    else:
        values = tuple(dict.fromkeys(fold_for_matching(value) for value in getattr(filters, name)))
    if not values:
        return None
    key = ("allowed", name, values)
    if key not in index._cache:
        table = index.table
        if name == "year":
            column = index.row_values["year"]
            found = [
                row for row in index.live_rows if column[row] and any(years.includes(int(column[row])) for years in values)
            ]
        elif name == "section_type":
            found = [row for row in index.live_rows if table.section_types[row] in values]
        elif name == "law":
            wanted = set(values)
            laws = table.laws
            found = [
                row for row in index.live_rows if laws[row] and not wanted.isdisjoint(map(fold_for_matching, laws[row]))
            ]
        else:
            column = index.row_values[name]
            wanted_values = {value for value in set(column) if fold_for_matching(value) in values}
            found = [row for row in index.live_rows if column[row] in wanted_values]
        index._cache[key] = frozenset(found)
    return index._cache[key]


def _facet_values(
    index: SearchIndex,
    name: str,
    rows: list[int],
    filters: SearchFilters,
    limit: int | None,
    report_sets: dict[int, set[int]],
) -> tuple[FacetValue, ...]:
    """A facet's values over the rows, most passages first, cut to `limit` but keeping the selected values."""
    if rows is index.live_rows:
        # Browsing everything: the same counts every time.
        key = ("all counts", name)
        if key not in index._cache:
            index._cache[key] = _facet_counts(index, name, rows, report_sets)
        counts, reports = index._cache[key]
    else:
        counts, reports = _facet_counts(index, name, rows, report_sets)
    ordered = sorted(counts, key=lambda value: (-counts[value], -reports[value], value))
    shown = ordered if limit is None else ordered[:limit]
    if name == "year":
        selected = [value for value in ordered if any(year_range.includes(int(value)) for year_range in filters.year)]
    else:
        selected = list(getattr(filters, name))
    shown += [value for value in selected if value not in shown and value in counts]
    labels = _labeller(index, name)
    values = tuple(FacetValue(value, labels(value), counts[value], reports[value]) for value in shown)
    missing = tuple(FacetValue(value, labels(value), 0, 0) for value in selected if value not in counts)
    return values + missing


def _facet_counts(
    index: SearchIndex, name: str, rows: list[int], report_sets: dict[int, set[int]]
) -> tuple[Counter, Counter]:
    """Passages and distinct reports per facet value; passages without a value count for none.

    Counting runs in C (Counter over map and zip); a Python loop per hit would cost several times more.
    """
    table = index.table
    report_count = max(len(table.report_ids), 1)
    if name == "section_type":
        counts = Counter(map(table.section_types.__getitem__, rows))
        numbers = Counter(map(report_count.__rfloordiv__, set(map(index.section_pairs.__getitem__, rows))))
        reports = Counter({index.section_names[number]: count for number, count in numbers.items()})
    elif name == "law":
        citing = list(filter(table.laws.__getitem__, rows))
        counts = Counter(chain.from_iterable(map(table.laws.__getitem__, citing)))
        pairs = set(chain.from_iterable(map(index.law_pairs.__getitem__, citing)))
        numbers = Counter(map(report_count.__rfloordiv__, pairs))
        reports = Counter({index.law_names[number]: count for number, count in numbers.items()})
    else:
        counts = Counter(map(index.row_values[name].__getitem__, rows))
        reports = Counter(map(index.report_values[name].__getitem__, _reports_of(index, rows, report_sets)))
    counts.pop("", None)
    reports.pop("", None)
    return counts, reports


def _reports_of(index: SearchIndex, rows: list[int], report_sets: dict[int, set[int]]) -> set[int]:
    """The report rows of some documents, remembered per list of rows for the rest of one search."""
    if id(rows) not in report_sets:
        report_sets[id(rows)] = set(map(index.table.report_rows.__getitem__, rows))
    return report_sets[id(rows)]


def _labeller(index: SearchIndex, name: str) -> Callable[[str], str]:
    if name == "year":
        return lambda value: f"{value}年"
    if name == "section_type":
        return lambda value: SECTION_LABELS.get(value, value)
    if name == "law":
        return lambda value: index.table.law_labels.get(value, value)
    return lambda value: value


# Ranking


def _scores(index: SearchIndex, searcher: Searcher, phrases: tuple[str, ...], rows: list[int]) -> dict[int, float]:
    """BM25F of each row over the jieba words of the query phrases, words in the heading path boosted.

    A word's frequencies are read from the Whoosh rank fields' postings, or, when the word is in far
    more passages than the hits, counted in the hits' folded text, which is cheaper then. Index mode
    indexed every dictionary sub-word, so both give the same counts (处罚 inside 行政处罚法 counts).
    """
    if not phrases or not rows:
        return {}
    words: dict[str, int] = {}
    for phrase in phrases:
        words.update(count_rank_words(fold_for_matching(phrase), mode="query"))
    reader = searcher.reader()
    document_count = len(index.live_rows)
    scores = dict.fromkeys(rows, 0.0)
    for word in words:
        frequency = reader.doc_frequency("text_rank", word)
        known = frequency or len(rows)
        weight = (_K1 + 1) * math.log(1 + (document_count - known + 0.5) / (known + 0.5))
        if frequency and frequency <= _POSTINGS_PER_HIT * len(rows):
            _add_posting_scores(reader, "text_rank", word, weight, index.text_norms, scores)
            _add_posting_scores(reader, "heading_rank", word, weight * HEADING_BOOST, index.heading_norms, scores)
        else:
            _add_counted_scores(index, word, weight, scores)
    return scores


def _add_posting_scores(
    reader: IndexReader, field_name: str, word: str, weight: float, norms: list[float], scores: dict[int, float]
) -> None:
    # Segment by segment: Whoosh's multi-segment matcher wraps every posting in another call.
    for segment, base in reader.leaf_readers():
        if not segment.doc_frequency(field_name, word):
            continue
        for documents, frequencies in _posting_blocks(segment.postings(field_name, word)):
            for document, frequency in zip(documents, frequencies):
                row = base + document
                if row in scores:
                    scores[row] += weight * frequency / (frequency + norms[row])


def _posting_blocks(matcher: Matcher) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings in one segment, a block (up to 128) of document numbers and frequencies at a time.

    Whoosh's matcher interface costs four method calls a posting; its block reader (W3LeafMatcher, the
    codec build.py writes) hands over whole decoded blocks. Any other matcher is read posting by posting.
    """
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            yield (matcher.id(),), (matcher.weight(),)
            matcher.next()
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        yield matcher._ids, matcher._weights
        matcher._next_block()


def _add_counted_scores(index: SearchIndex, word: str, weight: float, scores: dict[int, float]) -> None:
    rows = list(scores)
    texts = list(map(index.table.match_texts.__getitem__, rows))
    heading_ends = list(map(index.table.heading_ends.__getitem__, rows))
    # Counted in C (str.count mapped over the texts); the heading path is the text before heading_end.
    in_texts = map(str.count, texts, repeat(word), heading_ends)
    in_headings = map(str.count, texts, repeat(word), repeat(0), heading_ends)
    text_norms, heading_norms = index.text_norms, index.heading_norms
    heading_weight = weight * HEADING_BOOST
    for row, in_text, in_heading in zip(rows, in_texts, in_headings):
        if in_text:
            scores[row] += weight * in_text / (in_text + text_norms[row])
        if in_heading:
            scores[row] += heading_weight * in_heading / (in_heading + heading_norms[row])


def _ordered(index: SearchIndex, rows: list[int], scores: dict[int, float], sort: str, count: int | None) -> list[int]:
    """The first `count` rows (all for None) in the sort order: best score, newest year, then index order.

    Index order keeps a report's passages together and in reading order.
    """
    if not scores:
        order = index.township_order if sort == "township" else index.year_order
        if len(rows) != len(index.live_rows):
            order = list(islice(filter(set(rows).__contains__, order), count))
        return order[:count]
    negative_scores = [-scores[row] for row in rows]
    years = map(index.negative_years.__getitem__, rows)
    if sort == "year":
        keys = zip(years, negative_scores, rows)
    elif sort == "township":
        keys = zip(map(index.township_ranks.__getitem__, rows), years, negative_scores, rows)
    else:
        keys = zip(negative_scores, years, rows)
    chosen = sorted(keys) if count is None else heapq.nsmallest(count, keys)
    return [key[-1] for key in chosen]


def _norms(lengths: list[int], live_rows: list[int]) -> list[float]:
    average = sum(lengths[row] for row in live_rows) / max(len(live_rows), 1) or 1.0
    return [_K1 * (1 - _B + _B * length / average) for length in lengths]


# Hits


def _hit(
    index: SearchIndex, row: int, stored: dict, scores: dict[int, float], phrases: tuple[str, ...], snippet_length: int
) -> SearchHit:
    """A hit from the stored fields of its document and its report's row of the table."""
    fields = passage_fields(index, row)
    return SearchHit(
        **fields,
        city=index.table.cities[index.table.report_rows[row]],
        heading_path=tuple(stored.get("heading_path", ())),
        snippet=make_snippet(stored.get("text", ""), phrases, snippet_length),
        score=round(scores.get(row, 0.0), 4),
        url=passage_url(fields["report_id"], fields["passage_id"]),
        duplicate_reports=index.duplicate_reports[row],
    )


def passage_fields(index: SearchIndex, row: int) -> dict[str, str | int | None]:
    """What every view shows of a passage, from the table: its ids, its report's title and place and year, its
    section type and label. The hit, concordance line, group member and citing passage all start from these."""
    table = index.table
    report_row = table.report_rows[row]
    section_type = table.section_types[row]
    return {
        "passage_id": table.passage_ids[row],
        "report_id": table.report_ids[report_row],
        "title": table.titles[report_row],
        "township": table.townships[report_row],
        "county": table.counties[report_row],
        "province": table.provinces[report_row],
        "year": table.years[report_row],
        "section_type": section_type,
        "section_label": SECTION_LABELS.get(section_type, section_type),
    }


def _citation(values: dict) -> LawCitation:
    known = {item.name for item in fields(LawCitation)}
    return LawCitation(**{name: value for name, value in values.items() if name in known})
