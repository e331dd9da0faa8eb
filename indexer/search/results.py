"""A query, filters and a page in; hits with marked snippets, totals and facet counts out.

Matching is exact: bigram postings of the passage table narrow the candidates and a substring test on
the folded text decides. Ranking is BM25F over the jieba words of the Whoosh rank fields, headings
boosted; facets are counted over the whole hit set, each with the other facets' filters only. Passages
matching as whole jieba words rank before those where a match cuts through words (word_matching.py), and
`match_words` keeps only the former.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from urllib.parse import quote

from indexer.index import FACETS
from indexer.report import LawCitation
from indexer.search.facets import FacetValue, apply_filters, facet_values, reports_of
from indexer.search.law_names import unknown_law_notices
from indexer.search.matching import matching_rows, without_boilerplate
from indexer.search.notices import Notice, make_notice
from indexer.search.opened_index import SearchIndex, passage_fields
from indexer.search.query import SearchFilters, parse_query
from indexer.search.ranking import Scores, bm25_scores, ordered_rows
from indexer.search.snippets import make_snippet
from indexer.search.word_matching import (
    folded_groups,
    matches_whole_words,
    whole_word_rows,
)

SORTS = ("relevance", "year", "township")


MAX_PER_PAGE = 100



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
    across_words: bool = False  # a phrase of the query matches here only cutting through words (法治 in 依法|治理)


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
    match_words: bool  # only passages matching as whole words
    notices: tuple[Notice, ...]  # what we did with syntax we could not read
    phrases: tuple[str, ...]  # what was matched, for marking a report page
    hits: tuple[SearchHit, ...]
    facets: dict[str, tuple[FacetValue, ...]]


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
    match_words: bool = False,
    with_hits: bool = True,
) -> SearchResult:
    """One page of passages matching the query and filters, best first, with facet counts over all matches.

    An empty query browses. Facet lists hold the `facet_limit` most frequent values (all when None)
    plus any value the filters select. `hide_boilerplate` leaves out passages with near-copies in
    BOILERPLATE_REPORTS or more other reports. `match_words` keeps only passages holding a phrase of every
    group as whole words, before facets and totals are counted, so they agree with the hits. Without `with_hits`,
    only the counts: no passage is scored or read (the facets beside a research view).
    """
    parsed = parse_query(query_text)
    groups = folded_groups(parsed)
    combined = parsed.filters.combined(filters)
    notices = [*parsed.notices, *unknown_law_notices(index, combined.law)]
    if sort not in SORTS:
        notices.append(make_notice("bad_sort", value=sort))
        sort = "relevance"
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    matched = without_boilerplate(index, matching_rows(index, parsed), hide_boilerplate)
    if match_words:
        matched = whole_word_rows(index, matched, groups)
    hit_rows, rows_by_facet = apply_filters(index, matched, combined)
    report_sets: dict[int, set[int]] = {}
    facets = {name: facet_values(index, name, rows_by_facet[name], combined, facet_limit, report_sets) for name in FACETS}
    hits: tuple[SearchHit, ...] = ()
    if with_hits:
        searcher = index.searcher()
        scores = bm25_scores(index, parsed.phrases, hit_rows)
        first = (page - 1) * per_page
        crosses_words = _crossing_test(index, groups, match_words)
        page_rows = ordered_rows(index, hit_rows, scores, sort, first + per_page, crosses_words)[first:]
        hits = tuple(
            _hit(index, row, searcher.stored_fields(row), scores, parsed.phrases, snippet_length, crosses_words)
            for row in page_rows
        )
    return SearchResult(
        query=query_text,
        filters=combined,
        total=len(hit_rows),
        total_reports=len(reports_of(index, hit_rows, report_sets)),
        page=page,
        per_page=per_page,
        sort=sort,
        match_words=match_words,
        notices=tuple(dict.fromkeys(notices)),
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
    match_words: bool = False,
) -> Iterator[ExportedPassage]:
    """Every passage matching the query and filters (all passages for an empty query), in the sort order."""
    parsed = parse_query(query_text)
    groups = folded_groups(parsed)
    if sort not in SORTS:
        sort = "relevance"
    matched = without_boilerplate(index, matching_rows(index, parsed), hide_boilerplate)
    if match_words:
        matched = whole_word_rows(index, matched, groups)
    hit_rows, _ = apply_filters(index, matched, parsed.filters.combined(filters))
    searcher = index.searcher()
    scores = bm25_scores(index, parsed.phrases, hit_rows)
    crosses_words = _crossing_test(index, groups, match_words)
    for row in ordered_rows(index, hit_rows, scores, sort, None, crosses_words):
        stored = searcher.stored_fields(row)
        hit = _hit(index, row, stored, scores, parsed.phrases, snippet_length, crosses_words)
        yield ExportedPassage(
            **{item.name: getattr(hit, item.name) for item in fields(SearchHit)},
            text=stored["text"],
            cited_laws=tuple(_citation(values) for values in stored.get("cited_laws", ())),
        )


def passage_url(report_id: str, passage_id: str) -> str:
    """Where a passage is shown: its report page, scrolled to the passage's anchor."""
    return f"/reports/{quote(report_id)}#{quote(passage_id)}"


def _crossing_test(index: SearchIndex, groups: tuple[tuple[str, ...], ...], match_words: bool) -> Callable[[int], bool] | None:
    """Whether a row's match cuts through words, as a test for ranking and labels (None when no row can)."""
    if match_words or not groups:
        return None
    return lambda row: not matches_whole_words(index, row, groups)


def _hit(
    index: SearchIndex,
    row: int,
    stored: dict,
    scores: Scores | None,
    phrases: tuple[str, ...],
    snippet_length: int,
    crosses_words: Callable[[int], bool] | None = None,
) -> SearchHit:
    """A hit from the stored fields of its document and its report's row of the table."""
    fields = passage_fields(index, row)
    return SearchHit(
        **fields,
        city=index.table.cities[index.table.report_rows[row]],
        heading_path=tuple(stored.get("heading_path", ())),
        snippet=make_snippet(stored.get("text", ""), phrases, snippet_length),
        score=round(scores.get(row) if scores is not None else 0.0, 4),
        url=passage_url(fields["report_id"], fields["passage_id"]),
        duplicate_reports=int(index.duplicate_reports[row]),
        across_words=crosses_words is not None and crosses_words(row),
    )


def _citation(values: dict) -> LawCitation:
    known = {item.name for item in fields(LawCitation)}
    return LawCitation(**{name: value for name, value in values.items() if name in known})
