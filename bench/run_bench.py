"""Benchmark fazhi-search on the shared synthetic corpus and print the figures issues 3 and 10 ask for.

    python bench/run_bench.py --reports 1000            # a few minutes
    python bench/run_bench.py --reports 10000           # ~30 min; run nothing else meanwhile (2 cores)
    python bench/run_bench.py --reports 200000 --steps queries,views    # again on the index built before

Per corpus size, the steps in this order, each in fresh child processes (so memory is its own):
  jieba        parse every report, then jieba.cut (default mode, one process) over its passages' texts, report
               by report: the floor any jieba-based engine pays; our build time is given as a ratio to it
  build        `build_index(rebuild=True)`: read + parse + tokenize + index + commit; wall, peak RSS of the
               whole process tree, index size
  queries      open time; the 30 queries of shared/bench/queries.txt: one page of 10 hits with all six facets
               counted over the whole hit set; 1 warm-up + 5 timed runs each, median per query, p50/p95 over
               queries; then the serving process's memory from /proc/self/smaps_rollup (USS, PSS, RSS,
               anonymous) and its peak RSS. Then exactness: one pass over every exported passage tests all 30
               queries' substring truth (only matching ids kept), compared with each query's full hit set
               (export); 枫桥经验 reports and report metadata against the generator's manifest
  views        research_views.py's cases (research, review, figures, township, comparison, feeds) on this
               index: first call and warm median of the function, the /api request and the page; a call over
               --view-cap seconds stops its case ("> cap")
  load         `fazhi serve --workers 1`, then `--workers 2`, each under load_test.py's 100 searching clients
               for 60 s: requests/s and their ratio, errors, p95, and what each serving process holds at the
               end (private dirty, anonymous, USS, PSS): the memory of a server in use, not of a quiet one
  incremental  1 % new reports (another seed, files x00000.txt …, beside symbolic links to the base corpus)
               added with `build_index` without rebuild: wall, peak RSS, ratio to the full build; then removed
               again the same way, so the index holds the base corpus again (queries and views may be rerun)

Each step's figures are kept in OUT/results_N.json, so `--steps` reruns some steps and the summary takes the
others from the last run that made them (and says so). The last line per size is the row of bench/README.md's
table.
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from measure import (  # noqa: E402
    folder_megabytes,
    median,
    memory_rollup_megabytes,
    own_peak_rss_megabytes,
    percentile,
    run_measured,
)
from workload import ensure_corpus, ensure_grown_corpus, read_queries, truth_sets  # noqa: E402

TIMED_RUNS = 5
STEPS = ("jieba", "build", "queries", "views", "load", "incremental")
# The load step: clients at once, seconds per run, and the serving processes of each run.
LOAD_CLIENTS, LOAD_SECONDS, LOAD_WORKERS = 100, 60, (1, 2)
METADATA_FIELDS = ("township", "county", "province", "year")


def child_jieba(corpus: str) -> dict:
    """Parse the corpus and time jieba.cut over the passages, one report at a time (dictionary load included,
    as in the build); only counts are kept."""
    from indexer.index import segmenter
    from indexer.pipeline import iter_report_files, parse_report

    started = time.perf_counter()
    tokenizer = segmenter()
    jieba_s, parse_s = time.perf_counter() - started, 0.0
    passages = words = 0
    for path in iter_report_files(Path(corpus)):
        started = time.perf_counter()
        report = parse_report(path, Path(corpus))
        parsed = time.perf_counter()
        for passage in report.passages:
            words += sum(1 for _ in tokenizer.cut(passage.text))
        passages += len(report.passages)
        parse_s += parsed - started
        jieba_s += time.perf_counter() - parsed
    return {"parse_s": parse_s, "jieba_s": jieba_s, "passages": passages, "words": words}


def child_build(corpus: str, index: str, workers: str, rebuild: str, follow_links: str) -> dict:
    """Build the index (from scratch when `rebuild` is "1"; `workers` "0" is the build's default)."""
    from indexer.index import build_index

    summary = build_index(
        Path(corpus), Path(index), rebuild=rebuild == "1", workers=int(workers) or None,
        follow_links_outside=follow_links == "1",
    )
    return {"seconds": summary.seconds, "reports": summary.reports_total, "passages": summary.passages_total,
            "indexed": summary.reports_indexed, "unchanged": summary.reports_unchanged,
            "removed": summary.reports_removed, "skipped": len(summary.skipped)}


def child_queries(index: str, corpus: str) -> dict:
    """Time the queries, read the serving memory, then check every hit set against a substring scan."""
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
    serving = {**memory_rollup_megabytes(), "peak_rss_mb": round(own_peak_rss_megabytes(), 1)}

    started = time.perf_counter()
    report_values: dict[str, tuple] = {}

    def remember(passage: dict) -> None:
        report_values.setdefault(passage["report_id"], tuple(passage[field] for field in METADATA_FIELDS))

    everything = (exported_passage_to_json(passage) for passage in export_passages(opened, ""))
    truths = truth_sets(everything, queries, remember)
    exact = []
    for query, truth in zip(queries, truths):
        engine = {passage.passage_id for passage in export_passages(opened, query)}
        exact.append({"query": query, "truth": len(truth), "engine": len(engine), "missed": len(truth - engine),
                      "extra": len(engine - truth), "examples": sorted(truth ^ engine)[:3]})
    del truths

    manifest = [json.loads(line) for line in (Path(corpus) / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {Path(row["file"]).stem: row for row in manifest}
    true_reports = {report_id for report_id, row in by_id.items() if row.get("fengqiao")}
    found_reports = {passage.report_id for passage in export_passages(opened, "枫桥经验")}
    metadata = {
        field: sum(1 for report_id, values in report_values.items() if by_id.get(report_id, {}).get(field) == values[number])
        for number, field in enumerate(METADATA_FIELDS)
    }
    return {
        "open_s": open_s,
        "timings": timings,
        "serving": serving,
        "exact": exact,
        "exact_check_s": round(time.perf_counter() - started, 1),
        "exact_check_peak_rss_mb": round(own_peak_rss_megabytes(), 1),
        "passages": opened.passage_count(),
        "fengqiao": {"found": len(found_reports), "true": len(true_reports), "missed": len(true_reports - found_reports),
                     "extra": len(found_reports - true_reports)},
        "metadata_right": metadata,
        "reports": len(report_values),
        "manifest_reports": len(manifest),
    }


def step_jieba(corpus: Path, index: Path, arguments: argparse.Namespace) -> dict:
    result, wall, peak = run_measured([str(Path(__file__).resolve()), "--child", "jieba", str(corpus)])
    return {**result, "wall_s": round(wall, 1), "peak_mb": peak}


def _build(corpus: Path, index: Path, workers: int, rebuild: bool, follow_links: bool) -> dict:
    child = [str(Path(__file__).resolve()), "--child", "build", str(corpus), str(index), str(workers or 0),
             "1" if rebuild else "0", "1" if follow_links else "0"]
    private: dict = {}
    result, wall, peak = run_measured(child, private=private)
    return {**result, "wall_s": round(wall, 1), "peak_mb": peak, **private}


def step_build(corpus: Path, index: Path, arguments: argparse.Namespace) -> dict:
    build = _build(corpus, index, arguments.workers, rebuild=True, follow_links=False)
    # The current generation and the report store; the previous generation kept for open readers is not counted.
    generation = (index / "CURRENT").read_text().strip()
    return {**build, "index_mb": round(folder_megabytes(index / generation) + folder_megabytes(index / "reports"), 1)}


def step_queries(corpus: Path, index: Path, arguments: argparse.Namespace) -> dict:
    result, _, _ = run_measured([str(Path(__file__).resolve()), "--child", "queries", str(index), str(corpus)])
    if result["reports"] != result["manifest_reports"]:
        print(f"Note: the index holds {result['reports']} reports, the manifest lists {result['manifest_reports']}; "
              "the 枫桥经验 and metadata checks count against the manifest.", file=sys.stderr)
    print("per query (median ms, hits, truth, missed, extra):")
    for timing, exact in zip(result["timings"], result["exact"]):
        print(f"  {timing['query']:<24} {timing['median_ms']:8.2f} {timing['hits']:8d} {exact['truth']:8d}"
              f" {exact['missed']:5d} {exact['extra']:5d}" + (f"  e.g. {exact['examples']}" if exact["examples"] else ""))
    return result


def step_views(corpus: Path, index: Path, arguments: argparse.Namespace) -> dict:
    from research_views import (
        KINDS,
        print_views,
        seconds_text,
        slowest_cases,
        time_views,
    )

    figures = time_views(index, corpus, arguments.view_cap)
    print_views(figures)
    print("slowest views (function, /api, page: first / median):")
    for item in slowest_cases(figures):
        cells = ", ".join(f"{seconds_text(item, kind, 'first')} / {seconds_text(item, kind, 'median')}" for kind in KINDS)
        print(f"  {item['view']} {item['case']}: {cells}")
    return figures


def step_load(corpus: Path, index: Path, arguments: argparse.Namespace) -> dict:
    """`fazhi serve` on this index with one serving process, then two, each under the load test (LOAD_CLIENTS
    clients searching for LOAD_SECONDS): throughput, latency, errors, and every process's memory at the end."""
    from load_test import print_load, run_load

    runs = {}
    for workers in LOAD_WORKERS:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--corpus", str(corpus), "--index", str(index),
             "--port", str(port), "--workers", str(workers)],
            cwd=HERE.parent, stdout=subprocess.DEVNULL,
        )
        try:
            print(f"-- {workers} serving process(es), {LOAD_CLIENTS} clients, {LOAD_SECONDS} s", file=sys.stderr, flush=True)
            result = run_load(f"http://127.0.0.1:{port}", read_queries(), LOAD_CLIENTS, LOAD_SECONDS, server_pid=server.pid)
        finally:
            server.terminate()
            server.wait(60)
        print_load(result)
        runs[str(workers)] = result
    return {"runs": runs}


def step_incremental(corpus: Path, index: Path, arguments: argparse.Namespace) -> dict:
    """Add 1 % new reports to the index, then remove them again; both timed."""
    grown, added = ensure_grown_corpus(corpus)
    add = _build(grown, index, arguments.workers, rebuild=False, follow_links=True)
    remove = _build(corpus, index, arguments.workers, rebuild=False, follow_links=False)
    if add["indexed"] != added or remove["removed"] != added:
        print(f"Note: {added} reports were added, but the build indexed {add['indexed']} and then removed "
              f"{remove['removed']} (was the index built from {corpus}?).", file=sys.stderr)
    return {"added_reports": added, "corpus": str(grown), "add": add, "remove": remove}


STEP_RUNNERS = {"jieba": step_jieba, "build": step_build, "queries": step_queries, "views": step_views,
                "load": step_load, "incremental": step_incremental}


def summarize(reports: int, done: dict) -> dict:
    """The figures of one size from the steps' results (None where a step has never run)."""
    jieba, build, queries = done.get("jieba"), done.get("build"), done.get("queries")
    views, incremental, load = done.get("views"), done.get("incremental"), done.get("load")
    medians = [item["median_ms"] for item in queries["timings"]] if queries else []
    figures: dict = {"reports": reports, "passages": (build or queries or {}).get("passages")}
    if jieba:
        figures.update(parse_s=round(jieba["parse_s"], 2), jieba_only_s=round(jieba["jieba_s"], 2))
    if build:
        figures.update(build_s=build["seconds"], build_peak_mb=build["peak_mb"], build_peak_pss_mb=build.get("peak_pss_mb"),
                       build_peak_anonymous_mb=build.get("peak_anonymous_mb"), index_mb=build["index_mb"])
    if jieba and build:
        figures.update(build_over_jieba=round(build["seconds"] / jieba["jieba_s"], 2),
                       build_over_parse_plus_jieba=round(build["seconds"] / (jieba["parse_s"] + jieba["jieba_s"]), 2))
    if queries:
        exact_count = sum(1 for item in queries["exact"] if item["missed"] == 0 and item["extra"] == 0)
        figures.update(
            open_s=round(queries["open_s"], 2),
            query_p50_ms=round(percentile(medians, 0.5), 2),
            query_p95_ms=round(percentile(medians, 0.95), 2),
            query_max_ms=round(max(medians), 2),
            serving=queries["serving"],
            exact_queries=f"{exact_count}/{len(queries['exact'])}",
            passages_missed=sum(item["missed"] for item in queries["exact"]),
            passages_extra=sum(item["extra"] for item in queries["exact"]),
            exact_check_s=queries["exact_check_s"],
            exact_check_peak_rss_mb=queries["exact_check_peak_rss_mb"],
            fengqiao_reports=queries["fengqiao"],
            metadata_right={field: f"{count}/{queries['reports']}" for field, count in queries["metadata_right"].items()},
        )
    if views:
        from research_views import slowest_cases

        slowest = slowest_cases(views, 1)[0]
        figures.update(views_slowest_s=views["slowest_s"], views_over_cap=views["over_cap"], view_cap_s=views["cap_s"],
                       views_slowest_case=f"{slowest['view']} {slowest['case']}",
                       views_slowest_stopped=", ".join(sorted(set(slowest["stopped"].values()))))
    if load:
        figures.update(load_figures(load))
    if incremental:
        add, remove = incremental["add"], incremental["remove"]
        figures.update(incremental_reports=incremental["added_reports"], incremental_add_s=add["seconds"],
                       incremental_add_peak_mb=add["peak_mb"], incremental_add_peak_pss_mb=add.get("peak_pss_mb"),
                       incremental_add_peak_anonymous_mb=add.get("peak_anonymous_mb"),
                       incremental_remove_s=remove["seconds"])
        if build:
            figures.update(incremental_over_build=round(add["seconds"] / build["seconds"], 3),
                           incremental_remove_over_build=round(remove["seconds"] / build["seconds"], 3))
    return figures


def load_figures(load: dict) -> dict:
    """Throughput per number of serving processes, their ratio, errors, p95, and the most any one serving process
    held under load (private dirty, anonymous, USS, PSS)."""
    figures: dict = {}
    for workers, run in load["runs"].items():
        serving = [memory for memory in run["memory"] if memory["role"] == "serving"]
        figures[f"load_{workers}_workers"] = {
            "requests_per_s": run["requests_per_s"], "errors": run["errors"], "p95_ms": run["kinds"].get("all", {}).get("p95_ms"),
            **{f"serving_max_{key}_mb": max((memory[key] for memory in serving), default=None)
               for key in ("private_dirty", "anonymous", "uss", "pss")},
        }
    rates = [figures[f"load_{workers}_workers"]["requests_per_s"] for workers in load["runs"]]
    if len(rates) == 2 and rates[0]:
        figures["load_throughput_ratio"] = round(rates[1] / rates[0], 2)
    return figures


def load_cell(figures: dict) -> str:
    """Throughput with one and two serving processes, their ratio, errors, and the most private dirty memory one
    serving process held under the load (— where the load step has not run)."""
    one, two = figures.get("load_1_workers"), figures.get("load_2_workers")
    if not one or not two:
        return "—"
    errors = one["errors"] + two["errors"]
    ratio = f" ({figures['load_throughput_ratio']:.2f}×)" if figures.get("load_throughput_ratio") else ""
    return (f"{one['requests_per_s']:.1f} → {two['requests_per_s']:.1f}{ratio}, {errors} errors; "
            f"{one['serving_max_private_dirty_mb']:,.0f} / {two['serving_max_private_dirty_mb']:,.0f} MB")


def table_row(figures: dict) -> str:
    """One row of bench/README.md's scale table; — where a step has not run."""
    def have(*names: str) -> bool:
        return all(figures.get(name) is not None for name in names)

    def cell(names: tuple[str, ...], text) -> str:
        return text() if have(*names) else "—"

    serving = figures.get("serving")
    if "views_over_cap" not in figures:
        views = "—"
    elif figures["views_over_cap"]:
        views = (f"{figures['views_over_cap']} stopped ({figures['views_slowest_stopped']},"
                 f" e.g. {figures['views_slowest_case']})")
    else:
        views = f"{figures['views_slowest_s']:.2f} s ({figures['views_slowest_case']})"
    cells = [
        f"{figures['reports']:,} ({figures['passages']:,})" if figures.get("passages") else f"{figures['reports']:,}",
        cell(("parse_s",), lambda: f"{figures['parse_s']:.1f} s"),
        cell(("jieba_only_s",), lambda: f"{figures['jieba_only_s']:.1f} s"),
        cell(("build_s",), lambda: f"{figures['build_s']:.1f} s"),
        cell(("build_over_jieba",), lambda: f"{figures['build_over_jieba']:.2f}×"),
        cell(("build_peak_mb",), lambda: f"{figures['build_peak_mb']:,} MB" + (
            f" (PSS {figures['build_peak_pss_mb']:,})" if figures.get("build_peak_pss_mb") else "")),
        cell(("index_mb",), lambda: f"{figures['index_mb']:,.0f} MB"),
        cell(("open_s",), lambda: f"{figures['open_s']:.2f} s"),
        cell(("query_p50_ms",), lambda: f"{figures['query_p50_ms']:.1f} / {figures['query_p95_ms']:.1f} ms"),
        "—" if not serving else f"{serving['uss_mb']:,.0f} / {serving['pss_mb']:,.0f} MB (anon. {serving['anonymous_mb']:,.0f}, RSS {serving['rss_mb']:,.0f})",
        cell(("incremental_over_build",), lambda: f"{figures['incremental_over_build']:.3f}× ({figures['incremental_add_s']:.1f} s)"),
        views,
        cell(("exact_queries",), lambda: figures["exact_queries"]),
        load_cell(figures),
    ]
    return "| " + " | ".join(cells) + " |"


TABLE_HEADER = ("| reports (passages) | parse | jieba-only | build | build / jieba-only | peak build RSS (PSS) | index | open "
                "| query p50 / p95 | serving USS / PSS | +1 % build / full build | slowest view | exact "
                "| load: requests/s, 1 → 2 processes; most private dirty per serving process |")


def run(reports: int, out_dir: Path, steps: tuple[str, ...], arguments: argparse.Namespace) -> dict:
    """The chosen steps for one corpus size; prints the figures (with the other steps' from earlier runs)."""
    corpus = ensure_corpus(reports, out_dir)
    index = out_dir / f"index_{reports}"
    results_path = out_dir / f"results_{reports}.json"
    saved = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
    done: dict = saved.get("steps", {})
    for step in steps:
        print(f"== {reports} reports: {step}", file=sys.stderr, flush=True)
        done[step] = {**STEP_RUNNERS[step](corpus, index, arguments), "at": time.strftime("%Y-%m-%d %H:%M:%S")}
        results_path.write_text(json.dumps({"steps": done}, ensure_ascii=False, indent=1), encoding="utf-8")
    earlier = {step: done[step]["at"] for step in STEPS if step in done and step not in steps}
    figures = summarize(reports, done)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if earlier:
        print("from earlier runs: " + ", ".join(f"{step} ({at})" for step, at in earlier.items()))
    print(TABLE_HEADER)
    print(table_row(figures))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, action="append", help="corpus size (repeat for several; default 1000)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora, indexes and results go (git-ignored)")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, run in the order {','.join(STEPS)} (default all)")
    parser.add_argument("--skip-build", action="store_true", help="leave out jieba and build: rerun the rest on the index built before")
    parser.add_argument("--workers", type=int, default=0, help="build worker processes (default: the build's own choice)")
    parser.add_argument("--view-cap", type=float, default=60.0, help="seconds one view call may take before its case is stopped (default 60)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        step, *values = arguments.child
        result = {"jieba": child_jieba, "build": child_build, "queries": child_queries}[step](*values)
        # default: numpy scalars (the index's columns may be numpy arrays) as plain numbers.
        print(json.dumps(result, ensure_ascii=False, default=lambda value: value.item()))
        return
    chosen = {name.strip() for name in arguments.steps.split(",") if name.strip()}
    if chosen - set(STEPS):
        parser.error(f"unknown step(s) {', '.join(sorted(chosen - set(STEPS)))}; the steps are {', '.join(STEPS)}")
    if arguments.skip_build:
        chosen -= {"jieba", "build"}
    if arguments.workers < 0 or arguments.view_cap <= 0 or any(reports < 1 for reports in arguments.reports or []):
        parser.error("--reports must be 1 or more, --workers 0 or more and --view-cap more than 0")
    steps = tuple(step for step in STEPS if step in chosen)
    arguments.out.mkdir(parents=True, exist_ok=True)
    for reports in arguments.reports or [1000]:
        index = arguments.out / f"index_{reports}"
        if "build" not in steps and {"queries", "views", "load", "incremental"} & set(steps) and not (index / "CURRENT").exists():
            raise SystemExit(f"There is no index in {index}; run the build step first.")
        run(reports, arguments.out, steps, arguments)


if __name__ == "__main__":
    main()
