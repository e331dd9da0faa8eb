"""What the whole-word switch (match=words, --words) costs and keeps, on the benchmark queries.

    python bench/word_matching.py --reports 1000     # needs bench/out/index_1000 (run_bench.py builds it)
    python bench/word_matching.py --index DIR        # any index, e.g. one of the five bundled reports

Per query of shared/bench/queries.txt: passages matched (exact substring), passages matched as whole words,
how many the switch loses (the hits marked as cutting through words); then the median
search time (one page of 10 with the six facets, 1 warm-up and 5 timed runs) without and with the switch, and
p50/p95 over the queries of both. A few short words that often sit inside longer ones (EXTRA_QUERIES) follow
the 30 queries. Prints a Markdown table for bench/README.md. With --corpus, it first times what the build
pays for the boundaries: segmenting the passages of the first 300 reports for ranking only (count_rank_words)
against ranking words and boundaries (count_words_and_boundaries and boundary_bits), alternately, in this process.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from measure import median, percentile  # noqa: E402
from workload import read_queries  # noqa: E402

from indexer.index.analysis import (  # noqa: E402
    boundary_bits,
    count_rank_words,
    count_words_and_boundaries,
    segmenter,
)
from indexer.parse import fold_for_matching  # noqa: E402
from indexer.pipeline import iter_report_files, parse_report  # noqa: E402
from indexer.search import open_search_index, search  # noqa: E402

TIMED_RUNS = 5
# Not benchmark queries: words that often sit inside longer words (法治 in 依法|治理, 治理 in 法|治理|念).
EXTRA_QUERIES = ("法治", "治理", "执法", "宣传", "调解")


def timed(index, query: str, match_words: bool) -> tuple[float, object]:
    search(index, query, per_page=10, facet_limit=30, match_words=match_words)
    runs = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        result = search(index, query, per_page=10, facet_limit=30, match_words=match_words)
        runs.append((time.perf_counter() - started) * 1000)
    return median(runs), result


def segmenting_cost(corpus: Path, reports: int = 300, rounds: int = 3) -> None:
    """Microseconds a passage for the ranking words alone and for ranking words plus word boundaries."""
    files = list(iter_report_files(corpus))[:reports]
    texts = [fold_for_matching(passage.text) for path in files for passage in parse_report(path, corpus).passages]
    segmenter()
    ranking_only, with_boundaries = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            count_rank_words(text)
        ranking_only.append(time.perf_counter() - started)
        started = time.perf_counter()
        for text in texts:
            _counts, boundaries = count_words_and_boundaries(text)
            boundary_bits(boundaries, len(text))
        with_boundaries.append(time.perf_counter() - started)
    alone, both = median(ranking_only) / len(texts) * 1e6, median(with_boundaries) / len(texts) * 1e6
    print(f"segmenting {len(texts):,} passages: {alone:.0f} µs a passage for ranking words, {both:.0f} µs with "
          f"boundaries ({both / alone:.2f}×), median of {rounds} alternating rounds\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--index", type=Path, default=None, help="the index to measure (default OUT/index_REPORTS)")
    parser.add_argument("--corpus", type=Path, default=None, help="also time the segmenting cost on this corpus")
    arguments = parser.parse_args()
    if arguments.corpus:
        segmenting_cost(arguments.corpus)
    index_dir = arguments.index or arguments.out / f"index_{arguments.reports}"
    rows = []
    with open_search_index(index_dir) as index:
        for query in [*read_queries(), *EXTRA_QUERIES]:
            substring_ms, every = timed(index, query, False)
            words_ms, words = timed(index, query, True)
            rows.append((query, every.total, words.total, substring_ms, words_ms))
    print("| query | passages | as whole words | lost with the switch | ms | ms with the switch |")
    print("|---|---|---|---|---|---|")
    for query, total, kept, substring_ms, words_ms in rows:
        lost = total - kept
        share = f" ({lost / total:.0%})" if total and lost else ""
        print(f"| `{query}` | {total:,} | {kept:,} | {lost:,}{share} | {substring_ms:.1f} | {words_ms:.1f} |")
    benchmark = rows[: len(rows) - len(EXTRA_QUERIES)]
    substring = [row[3] for row in benchmark]
    words = [row[4] for row in benchmark]
    print(
        f"\nthe 30 queries: p50/p95 without the switch {percentile(substring, 0.5):.1f}/{percentile(substring, 0.95):.1f} ms, "
        f"with it {percentile(words, 0.5):.1f}/{percentile(words, 0.95):.1f} ms; "
        f"{sum(row[1] - row[2] for row in benchmark):,} of {sum(row[1] for row in benchmark):,} passages lost"
    )


if __name__ == "__main__":
    main()
