"""Facet counts and membership tests at any size: the shortcuts a national index takes give what plain counting
gives (facets.py's top values, matching.py's membership by marks)."""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

from indexer.parse import names_by_kind
from indexer.search import facets, matching, ranking
from indexer.search.query import SearchFilters
from indexer.search.results import export_passages, search

QUERIES = ("", "法治", "调解", "民法典", "行政执法 培训", "法律 -顾问", "法治 year:2023..2024")
REPORT_FIELDS = ("township", "county", "province", "year")


def _counted(passages, name):
    """(value, passages, reports) of one facet over exported passages, most passages, then most reports, then by value."""
    counts, reports = Counter(), defaultdict(set)
    for passage in passages:
        value = getattr(passage, name)
        if value in ("", None):
            continue
        value = str(value)
        counts[value] += 1
        reports[value].add(passage.report_id)
    return sorted(((value, count, len(reports[value])) for value, count in counts.items()), key=lambda v: (-v[1], -v[2], v[0]))


@pytest.mark.parametrize("query", QUERIES)
def test_facets_are_the_counts_of_the_hits_themselves_cut_to_the_limit(corpus_index, query):
    passages = list(export_passages(corpus_index, query))
    assert passages or query == "法律 -顾问"
    for name in (*REPORT_FIELDS, "section_type"):
        if f"{name}:" in query:
            continue  # its own facet counts the other values too, and keeps the selected ones (tested below)
        expected = _counted(passages, name)
        for limit in (1, 2, 3, None):
            got = search(corpus_index, query, facet_limit=limit).facets[name]
            assert [(value.value, value.count, value.reports) for value in got] == expected[:limit], (name, limit)


@pytest.mark.parametrize("query", QUERIES)
def test_a_cut_facet_list_is_the_head_of_the_whole_list_and_keeps_selected_values(corpus_index, query):
    whole = search(corpus_index, query, facet_limit=None).facets
    for name, values in whole.items():
        if f"{name}:" in query:
            continue  # selected values are kept after the head (below)
        for limit in (1, 2, 5):
            assert search(corpus_index, query, facet_limit=limit).facets[name] == values[:limit], (name, limit)
        if len(values) > 1 and name != "year":
            # The last value, selected: listed after the head, with its counts among the other filters' hits.
            last = values[-1]
            cut = search(corpus_index, query, filters=SearchFilters(**{name: (last.value,)}), facet_limit=1).facets[name]
            assert cut == (values[0], last)


def test_membership_by_marks_is_membership_by_binary_search():
    generator = np.random.default_rng(7)
    for size, left, right in ((10_000, 3_000, 4_000), (50_000, 40_000, 2_500), (5_000, 4_999, 5_000), (100, 0, 50)):
        rows = np.unique(generator.integers(0, size, left))
        ascending = np.unique(generator.integers(0, size, right))
        expected = np.isin(rows, ascending)
        assert np.array_equal(matching.members(rows, ascending, size), expected)
        both = matching._intersection(rows, ascending, size)
        assert np.array_equal(both, np.intersect1d(rows, ascending))


def test_searches_agree_whichever_way_membership_is_tested(corpus_index, monkeypatch):
    # The bundled index is small, so searches take the binary searches; with no threshold they mark instead.
    before = {query: search(corpus_index, query, facet_limit=None, per_page=50) for query in QUERIES}
    monkeypatch.setattr(matching, "_FEW", 0)
    monkeypatch.setattr(matching, "_FEW_AGAINST_MANY", 0)
    for query, expected in before.items():
        got = search(corpus_index, query, facet_limit=None, per_page=50)
        assert (got.total, got.facets, [hit.passage_id for hit in got.hits]) == (
            expected.total, expected.facets, [hit.passage_id for hit in expected.hits],
        )


def test_facets_agree_whichever_way_distinct_reports_are_counted(corpus_index, monkeypatch):
    # Marking every (report, value) pair, or sorting the pairs: the same counts of distinct reports.
    monkeypatch.setattr(facets, "_MARKS_PER_PAIR", 10**9)
    marked = {query: search(corpus_index, query, facet_limit=None).facets for query in QUERIES}
    monkeypatch.setattr(facets, "_MARKS_PER_PAIR", 0)
    for query, expected in marked.items():
        assert search(corpus_index, query, facet_limit=None).facets == expected
    assert any(value.reports > 1 for values in expected.values() for value in values)


def test_the_law_facet_agrees_whether_citations_are_gathered_per_row_or_scanned(corpus_index, monkeypatch):
    monkeypatch.setattr(facets, "_CITATIONS_PER_ROW_SCAN", 0)  # gather each row's citations
    gathered = {query: search(corpus_index, query, facet_limit=None).facets["law"] for query in QUERIES}
    monkeypatch.setattr(facets, "_CITATIONS_PER_ROW_SCAN", 10**9)  # scan every citation
    for query, expected in gathered.items():
        assert search(corpus_index, query, facet_limit=None).facets["law"] == expected
    assert any(value.count > 1 for values in gathered.values() for value in values)


def test_the_law_facet_counts_the_citing_passages_and_reports_themselves(corpus_index, monkeypatch):
    # Each path of the law facet (every citation scanned, or the hits' citations gathered) against the passages'
    # own cited laws (citations of laws, not events named after one): a passage citing a law twice counts once, a
    # report once however many of its passages cite it.
    for scan in (0, 10**9):
        monkeypatch.setattr(facets, "_CITATIONS_PER_ROW_SCAN", scan)
        for query in QUERIES:
            passages, reports = Counter(), defaultdict(set)
            for passage in export_passages(corpus_index, query):
                for law in names_by_kind(passage.cited_laws).laws:
                    passages[law] += 1
                    reports[law].add(passage.report_id)
            got = search(corpus_index, query, facet_limit=None).facets["law"]
            assert {value.value: (value.count, value.reports) for value in got} == {
                law: (count, len(reports[law])) for law, count in passages.items()
            }, (query, scan)
    assert any(len(found) > 1 for found in reports.values())


def test_scores_agree_whichever_way_postings_find_the_hits(corpus_index, monkeypatch):
    # A table of the hits' places (many postings against many hits) or a binary search per posting or per hit.
    def scored():
        return {query: [(hit.passage_id, hit.score) for hit in search(corpus_index, query, per_page=500).hits]
                for query in QUERIES if query}
    monkeypatch.setattr(ranking, "_FEW", 10**9)
    searched = scored()
    monkeypatch.setattr(ranking, "_FEW", 0)
    monkeypatch.setattr(ranking, "_FEW_AGAINST_MANY", 10**9)
    assert scored() == searched
    assert any(score > 0 for hits in searched.values() for _, score in hits)
