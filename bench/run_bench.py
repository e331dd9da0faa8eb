"""Benchmark fazhi-search on the shared synthetic corpus and print the figures issue 3 asks for.

    python bench/run_bench.py --reports 1000            # ~1 min
    python bench/run_bench.py --reports 10000           # ~10 min; run nothing else meanwhile (2 cores)

Per corpus size, each step in a fresh child process (so memory is its own):
  jieba     parse every report, then jieba.cut (default mode, one process) over every passage's text:
            the floor any jieba-based engine pays; our build time is given as a ratio to it
  build     `build_index(rebuild=True)`: read + parse + tokenize + index + commit; wall, peak RSS of the
            whole process tree, index size
  queries   the 30 queries of shared/bench/queries.txt: one page of 10 hits with all six facets counted
            over the whole hit set; 1 warm-up + 5 timed runs each, median per query, p50/p95 over queries;
            peak RSS of the serving process
  exact     every query's full hit set (export) against a substring scan of the exported passages;
            枫桥经验 reports against the generator's manifest
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from measure import (  # noqa: E402
    folder_megabytes,
    median,
    own_peak_rss_megabytes,
    percentile,
    run_measured,
)
from workload import ensure_corpus, passage_matches, read_queries  # noqa: E402

TIMED_RUNS = 5


def child_jieba(corpus: str) -> dict:
    """Parse the corpus, then time jieba.cut over the passages (dictionary load included, as in the build)."""
    from indexer.index import segmenter
    from indexer.pipeline import iter_report_files, parse_report

    started = time.perf_counter()
    texts = [p.text for path in iter_report_files(Path(corpus)) for p in parse_report(path, Path(corpus)).passages]
    parsed = time.perf_counter()
    tokenizer = segmenter()
    words = sum(1 for text in texts for _ in tokenizer.cut(text))
    done = time.perf_counter()
    return {"parse_s": parsed - started, "jieba_s": done - parsed, "passages": len(texts), "words": words}


def child_build(corpus: str, index: str) -> dict:
    """Build the index from scratch."""
    from indexer.index import build_index

    summary = build_index(Path(corpus), Path(index), rebuild=True)
    return {"seconds": summary.seconds, "reports": summary.reports_total, "passages": summary.passages_total,
            "skipped": len(summary.skipped)}


def child_queries(index: str, corpus: str) -> dict:
    """Time the queries and check every hit set against a substring scan."""
    from indexer.search import (
        export_passages,
        exported_passage_to_json,
        open_search_index,
        search,
    )

    started = time.perf_counter()
    opened = open_search_index(Path(index))
    open_s = time.perf_counter() - started
    queries = read_queries()
    timings = []
    for query in queries:
        search(opened, query, per_page=10, facet_limit=30)
        runs = []
        for _ in range(TIMED_RUNS):
            begin = time.perf_counter()
            result = search(opened, query, per_page=10, facet_limit=30)
            runs.append((time.perf_counter() - begin) * 1000)
        timings.append({"query": query, "median_ms": median(runs), "hits": result.total})
    serving_peak = own_peak_rss_megabytes()

    everything = [exported_passage_to_json(p) for p in export_passages(opened, "")]
    exact = []
    for query in queries:
        engine = {p.passage_id for p in export_passages(opened, query)}
        truth = {p["passage_id"] for p in everything if passage_matches(p, query)}
        exact.append({"query": query, "truth": len(truth), "missed": len(truth - engine), "extra": len(engine - truth)})

    manifest = [json.loads(line) for line in (Path(corpus) / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    true_reports = {Path(row["file"]).stem for row in manifest if row.get("fengqiao")}
    found_reports = {p.report_id for p in export_passages(opened, "枫桥经验")}
    by_id = {Path(row["file"]).stem: row for row in manifest}
    reports = {}
    for passage in everything:
        reports.setdefault(passage["report_id"], passage)
    metadata = {
        field: sum(1 for report_id, p in reports.items() if by_id.get(report_id, {}).get(field) == p[field])
        for field in ("township", "county", "province", "year")
    }
    return {
        "open_s": open_s,
        "timings": timings,
        "serving_peak_mb": serving_peak,
        "exact": exact,
        "fengqiao": {"found": len(found_reports), "true": len(true_reports), "missed": len(true_reports - found_reports),
                     "extra": len(found_reports - true_reports)},
        "metadata_right": metadata,
        "reports": len(reports),
    }


def run(reports: int, out_dir: Path) -> dict:
    """Every step for one corpus size; prints the figures and returns them."""
    corpus = ensure_corpus(reports, out_dir)
    index = out_dir / f"index_{reports}"
    me = str(Path(__file__).resolve())
    jieba, jieba_wall, jieba_peak = run_measured([me, "--child", "jieba", str(corpus)])
    build, build_wall, build_peak = run_measured([me, "--child", "build", str(corpus), str(index)])
    queries, _, _ = run_measured([me, "--child", "queries", str(index), str(corpus)])
    medians = [item["median_ms"] for item in queries["timings"]]
    exact_count = sum(1 for item in queries["exact"] if item["missed"] == 0 and item["extra"] == 0)
    figures = {
        "reports": reports,
        "passages": build["passages"],
        "parse_s": round(jieba["parse_s"], 2),
        "jieba_only_s": round(jieba["jieba_s"], 2),
        "build_s": build["seconds"],
        "build_over_jieba": round(build["seconds"] / jieba["jieba_s"], 2),
        "build_over_parse_plus_jieba": round(build["seconds"] / (jieba["parse_s"] + jieba["jieba_s"]), 2),
        "build_peak_mb": build_peak,
        # The current generation and the report store; the previous generation kept for open readers is not counted.
        "index_mb": round(folder_megabytes(index / (index / "CURRENT").read_text().strip()) + folder_megabytes(index / "reports"), 1),
        "open_s": round(queries["open_s"], 2),
        "query_p50_ms": round(percentile(medians, 0.5), 2),
        "query_p95_ms": round(percentile(medians, 0.95), 2),
        "query_max_ms": round(max(medians), 2),
        "serving_peak_mb": round(queries["serving_peak_mb"]),
        "exact_queries": f"{exact_count}/{len(queries['exact'])}",
        "passages_missed": sum(item["missed"] for item in queries["exact"]),
        "passages_extra": sum(item["extra"] for item in queries["exact"]),
        "fengqiao_reports": queries["fengqiao"],
        "metadata_right": {field: f"{count}/{queries['reports']}" for field, count in queries["metadata_right"].items()},
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    print("per query (median ms, hits, missed, extra):")
    for timing, exact in zip(queries["timings"], queries["exact"]):
        print(f"  {timing['query']:<24} {timing['median_ms']:7.2f} {timing['hits']:7d} {exact['missed']:5d} {exact['extra']:5d}")
    (out_dir / f"results_{reports}.json").write_text(
        json.dumps({"figures": figures, "jieba": jieba, "build": build, "queries": queries}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, action="append", help="corpus size (repeat for several; default 1000)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora, indexes and results go (git-ignored)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        step, *values = arguments.child
        result = {"jieba": child_jieba, "build": child_build, "queries": child_queries}[step](*values)
        print(json.dumps(result, ensure_ascii=False))
        return
    arguments.out.mkdir(parents=True, exist_ok=True)
    for reports in arguments.reports or [1000]:
        run(reports, arguments.out)


if __name__ == "__main__":
    main()
