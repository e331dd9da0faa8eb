"""Time the research views (concordance, trends, coverage, and the review, figures, township, comparison and
feed views) on the benchmark corpus and print the figures.

    python bench/research_views.py                  # 10,000 reports; builds bench/out/research_index_10000 once (~4 min)
    python bench/research_views.py --reports 1000

Each case is timed as the JSON API runs it (the indexer function and the JSON shaping) and as a whole
request through Flask (/api/… and the HTML page): the first, cold call (it fills the per-index caches),
then the median of the timed warm runs. The target is under 1 s each.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from workload import ensure_corpus  # noqa: E402

from indexer.index import build_index  # noqa: E402
from indexer.research import (  # noqa: E402
    DEFAULT_TOPICS,
    compare_reports,
    comparison_to_json,
    concordance,
    concordance_to_json,
    coverage,
    coverage_to_json,
    feed,
    figures,
    figures_to_json,
    repeating_to_json,
    repeating_townships,
    review,
    review_to_json,
    township_histories,
    township_to_json,
    trends,
    trends_to_json,
)
from indexer.search import (  # noqa: E402
    IndexUnavailable,
    SearchFilters,
    SearchIndex,
    build_filters,
    open_search_index,  # noqa: E402
)
from webui.messages import notice_text  # noqa: E402

TIMED_RUNS = 5
TARGET_SECONDS = 1.0


def filters(**values: list[str]) -> SearchFilters:
    """Filters from option-like values, as the web app builds them."""
    built, _ = build_filters(**values)
    return built


TOPICS_AND_LAW = DEFAULT_TOPICS + ("law:民法典",)
SIX_QUERIES = ("普法宣传", "法律明白人", "民法典", "信访", "禁毒", "法律顾问")

# (view, label, the call the API makes, the same request's URL parameters)
CASES = [
    ("kwic", "枫桥经验", lambda index: concordance_to_json(concordance(index, "枫桥经验"), notice_text), [("q", "枫桥经验")]),
    ("kwic", "法治 (document order)", lambda index: concordance_to_json(concordance(index, "法治"), notice_text), [("q", "法治")]),
    ("kwic", "法治 page 200", lambda index: concordance_to_json(concordance(index, "法治", page=200), notice_text),
     [("q", "法治"), ("page", "200")]),
    ("kwic", "法治 sort=right", lambda index: concordance_to_json(concordance(index, "法治", sort="right"), notice_text),
     [("q", "法治"), ("sort", "right")]),
    ("kwic", "法治 sort=left page 50", lambda index: concordance_to_json(concordance(index, "法治", sort="left", page=50), notice_text),
     [("q", "法治"), ("sort", "left"), ("page", "50")]),
    # The worst case: two single characters, over a million occurrences to sort.
    ("kwic", "法 OR 治 sort=left (1.2M occurrences)", lambda index: concordance_to_json(concordance(index, "法 OR 治", sort="left"), notice_text),
     [("q", "法 OR 治"), ("sort", "left")]),
    ("kwic", "行政执法 section:problems sort=right",
     lambda index: concordance_to_json(concordance(index, "行政执法 section:problems", sort="right"), notice_text),
     [("q", "行政执法 section:problems"), ("sort", "right")]),
    ("trends", "枫桥经验 vs 网格化", lambda index: trends_to_json(trends(index, ("枫桥经验", "网格化")), notice_text),
     [("q", "枫桥经验"), ("q", "网格化")]),
    ("trends", "法治 (most passages)", lambda index: trends_to_json(trends(index, ("法治",)), notice_text), [("q", "法治")]),
    ("trends", "6 queries, 河南省", lambda index: trends_to_json(trends(index, SIX_QUERIES, filters(province=["河南省"])), notice_text),
     [*(("q", query) for query in SIX_QUERIES), ("province", "河南省")]),
    ("coverage", "default topics, all reports", lambda index: coverage_to_json(coverage(index), notice_text), []),
    ("coverage", "default topics, last page", lambda index: coverage_to_json(coverage(index, page=100), notice_text), [("page", "100")]),
    ("coverage", "topics + law:民法典, 2023",
     lambda index: coverage_to_json(coverage(index, TOPICS_AND_LAW, filters(year=["2023"])), notice_text),
     [("topics", "、".join(TOPICS_AND_LAW)), ("year", "2023")]),
]


# Views without an /api twin: their one URL is timed as both the API and the page.
_NO_API_TWIN = ("search/feed.atom", "laws/民法典/feed.atom")


def review_cases(index: SearchIndex) -> list:
    """The review, figures, township, comparison and feed cases; the township is the one with most reports."""
    table = index.table
    places: dict[tuple[str, str], list[int]] = {}
    for report_row, (township, county) in enumerate(zip(table.townships, table.counties)):
        if township:
            places.setdefault((township, county), []).append(report_row)
    (township, county), rows = max(places.items(), key=lambda item: (len(item[1]), item[0]))
    rows.sort(key=lambda row: table.years[row] or 0)
    first, last = table.report_ids[rows[0]], table.report_ids[rows[-1]]
    return [
        ("review", "all reports, page 1", lambda index: review_to_json(review(index)), []),
        ("review", f"county {county}", lambda index: review_to_json(review(index, filters(county=[county]))),
         [("county", county)]),
        ("review", "2023, page 20", lambda index: review_to_json(review(index, filters(year=["2023"]), page=20)),
         [("year", "2023"), ("page", "20")]),
        ("figures", "矛盾纠纷", lambda index: figures_to_json(figures(index, "矛盾纠纷"), notice_text), [("q", "矛盾纠纷")]),
        ("figures", "法律明白人, 河南省", lambda index: figures_to_json(figures(index, "法律明白人", filters(province=["河南省"])), notice_text),
         [("q", "法律明白人"), ("province", "河南省")]),
        ("figures", "法治 (passages capped)", lambda index: figures_to_json(figures(index, "法治"), notice_text), [("q", "法治")]),
        ("townships", "problems repeating", lambda index: [repeating_to_json(one) for one in repeating_townships(index)[:50]], []),
        (f"townships/{township}", f"{township} ({len(rows)} reports)",
         lambda index: [township_to_json(one) for one in township_histories(index, township, county)], [("county", county)]),
        ("compare", f"{township} first vs last", lambda index: comparison_to_json(compare_reports(index, first, last)),
         [("a", first), ("b", last)]),
        ("search/feed.atom", "枫桥经验", lambda index: feed(index, "枫桥经验"), [("q", "枫桥经验")]),
        ("search/feed.atom", "everything", lambda index: feed(index, ""), []),
        ("laws/民法典/feed.atom", "民法典", lambda index: feed(index, "", filters(law=["民法典"])), []),
    ]


def ensure_index(corpus: Path, index_dir: Path, rebuild: bool) -> tuple[SearchIndex, float | None]:
    """The research benchmark's own index, built from the corpus when missing or unreadable; -> (index, build seconds)."""
    if not rebuild:
        try:
            return open_search_index(index_dir), None
        except IndexUnavailable:
            pass
    print(f"Building {index_dir} from {corpus} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    build_index(corpus, index_dir, rebuild=True)
    return open_search_index(index_dir), time.perf_counter() - started


def timed(call) -> tuple[float, list[float]]:
    """(the first call's seconds, the warm runs' seconds)."""
    started = time.perf_counter()
    call()
    first = time.perf_counter() - started
    runs = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return first, runs


def run(reports: int, out_dir: Path, rebuild: bool, only: tuple[str, ...] = ()) -> dict:
    """Time every case; print a table and return the figures."""
    from webui import create_app
    from webui.settings import Settings

    corpus = ensure_corpus(reports, out_dir)
    index_dir = out_dir / f"research_index_{reports}"
    index, build_seconds = ensure_index(corpus, index_dir, rebuild)
    client = create_app(Settings(index_dir=index_dir, corpus_dir=corpus)).test_client()
    results = []
    for view, label, call, parameters in [*CASES, *review_cases(index)]:
        if only and not view.startswith(only):
            continue
        first, runs = timed(lambda: call(index))
        web = {}
        api_url = f"/{view}?{urlencode(parameters)}" if view in _NO_API_TWIN else f"/api/{view}?{urlencode(parameters)}"
        for name, url in (("api", api_url), ("page", f"/{view}?{urlencode(parameters)}")):
            status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"{url} answered {status}; fix the view before timing it.")
            _, web_runs = timed(lambda: client.get(url).get_data())
            web[name] = statistics.median(web_runs)
        results.append({
            "view": view, "case": label, "first_s": round(first, 4), "median_s": round(statistics.median(runs), 4),
            "api_request_s": round(web["api"], 4), "page_request_s": round(web["page"], 4),
        })
    index.close()
    figures = {
        "reports": reports,
        "passages": len(index.live_rows),
        "index_build_s": None if build_seconds is None else round(build_seconds, 1),
        "cases": results,
        "slowest_s": max(max(item["first_s"], item["median_s"], item["api_request_s"], item["page_request_s"]) for item in results),
    }
    print(f"{reports} reports, {figures['passages']} passages" + (f"; index built in {build_seconds:.0f} s" if build_seconds else ""))
    print(f"{'view':<22}{'case':<40}{'first':>8}{'median':>8}{'/api':>8}{'page':>8}   (seconds)")
    for item in results:
        # Chinese characters take two columns: pad the case by its display width, not its length.
        case = item["case"] + " " * (40 - len(item["case"].encode("gbk", errors="replace")))
        print(f"{item['view'][:21]:<22}{case}{item['first_s']:>8.3f}{item['median_s']:>8.3f}"
              f"{item['api_request_s']:>8.3f}{item['page_request_s']:>8.3f}")
    verdict = "within" if figures["slowest_s"] < TARGET_SECONDS else "OVER"
    print(f"slowest: {figures['slowest_s']:.3f} s ({verdict} the {TARGET_SECONDS:.0f} s target)")
    return figures


def main() -> None:
    """Parse the options, run, and save the figures beside the corpus."""
    parser = argparse.ArgumentParser(description="Time the research, review, figures, township and feed views.")
    parser.add_argument("--reports", type=int, default=10_000, help="corpus size (default 10000)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora and indexes live (default bench/out)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the research index even when it opens")
    parser.add_argument("--only", default="", help="time only the views starting with these, comma-separated (e.g. review,figures)")
    arguments = parser.parse_args()
    only = tuple(name.strip() for name in arguments.only.split(",") if name.strip())
    figures = run(arguments.reports, arguments.out, arguments.rebuild, only)
    (arguments.out / f"research_views_{arguments.reports}.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
