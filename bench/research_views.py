"""Time the research views (concordance, trends, coverage, and the review, figures, township, comparison and
feed views) on the benchmark corpus and print the figures.

    python bench/research_views.py                  # 10,000 reports; builds bench/out/research_index_10000 once (~4 min)
    python bench/research_views.py --reports 1000
    python bench/research_views.py --index bench/out/index_200000 --corpus bench/out/corpus_200000

Each case is timed as the JSON API runs it (the indexer function and the JSON shaping) and as a whole
request through Flask (/api/… and the HTML page, heavy requests computed in the same process): the first,
cold call (it fills the per-index caches), then the median of the warm runs (5, or 1 when the first call
took more than the 1 s target). The cases run in a child process that reports each call; when a call takes
longer than the cap (`--cap`, 60 s), the child is killed, the case is reported as "> cap", and a new child
goes on with the next one, so one pathological view cannot hold the benchmark for hours. run_bench.py runs
this as its `views` step.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from measure import ChildFailed, ChildSilent, child_lines  # noqa: E402
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
    export_passages,
    open_search_index,
    search,
)
from webui.messages import notice_text  # noqa: E402

TIMED_RUNS = 5
TARGET_SECONDS = 1.0
CAP_SECONDS = 60.0
# How long a child may take to open the index and choose the cases before it reports them.
OPEN_SECONDS = 1800.0


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
KINDS = ("function", "api", "page")


def review_cases(index: SearchIndex) -> list:
    """The review, figures, township, comparison and feed cases. The township is the one with most reports
    (by the township facet of all passages; the same name in two counties counts once), its county the one
    holding most of them; the comparison is its first report against its last. Found through the search API
    only, so the per-index caches of the views stay cold."""
    everything = search(index, "", per_page=1, facet_limit=None)
    township = max((value for value in everything.facets["township"] if value.value),
                   key=lambda value: (value.reports, value.value)).value
    by_county: dict[str, set[tuple[int, str]]] = {}
    for passage in export_passages(index, "", filters(township=[township])):
        by_county.setdefault(passage.county, set()).add((passage.year or 0, passage.report_id))
    county, reports = max(by_county.items(), key=lambda item: (len(item[1]), item[0]))
    ordered = sorted(reports)
    first, last = ordered[0][1], ordered[-1][1]
    place = [("county", county)] if county else []
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
        (f"townships/{township}", f"{township} ({len(ordered)} reports)",
         lambda index: [township_to_json(one) for one in township_histories(index, township, county)], place),
        ("compare", f"{township} first vs last", lambda index: comparison_to_json(compare_reports(index, first, last)),
         [("a", first), ("b", last)]),
        ("search/feed.atom", "枫桥经验", lambda index: feed(index, "枫桥经验"), [("q", "枫桥经验")]),
        ("search/feed.atom", "everything", lambda index: feed(index, ""), []),
        ("laws/民法典/feed.atom", "民法典", lambda index: feed(index, "", filters(law=["民法典"])), []),
    ]


def ensure_index(corpus: Path, index_dir: Path, rebuild: bool) -> float | None:
    """The research benchmark's own index, built from the corpus when missing or unreadable; -> build seconds."""
    if not rebuild:
        try:
            open_search_index(index_dir).close()
            return None
        except IndexUnavailable:
            pass
    print(f"Building {index_dir} from {corpus} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    build_index(corpus, index_dir, rebuild=True)
    return time.perf_counter() - started


def _say(message: dict) -> None:
    """One line to the parent (measure.child_lines reads the lines starting with '@ ')."""
    print("@ " + json.dumps(message, ensure_ascii=False), flush=True)


def _url(kind: str, view: str, parameters: list) -> str:
    if kind == "api" and view not in _NO_API_TWIN:
        return f"/api/{view}?{urlencode(parameters)}"
    return f"/{view}?{urlencode(parameters)}"


def child_cases(index_dir: Path, corpus_dir: Path, start: int, only: tuple[str, ...]) -> None:
    """In a child: time the tasks from number `start` on (every case's function, then every case's API
    request and page), reporting each call's seconds and each finished task."""
    from webui import create_app
    from webui.settings import Settings

    index = open_search_index(index_dir)
    cases = [case for case in [*CASES, *review_cases(index)] if not only or case[0].startswith(only)]
    tasks = [(number, "function") for number in range(len(cases))]
    tasks += [(number, kind) for number in range(len(cases)) for kind in ("api", "page")]
    _say({"cases": [[view, label] for view, label, _, _ in cases], "tasks": tasks, "passages": index.passage_count()})
    client = None
    for task in range(start, len(tasks)):
        number, kind = tasks[task]
        view, _, call, parameters = cases[number]
        if kind == "function":
            run = partial(call, index)
        else:
            if client is None:
                # The app opens the index for itself (timed by no case: one search first); this process's copy is
                # no longer needed.
                index.close()
                index = None
                _say({"task": task, "starting_app": True, "wait_s": OPEN_SECONDS})
                client = create_app(Settings(index_dir=index_dir, corpus_dir=corpus_dir, heavy_worker=0)).test_client()
                _request(client, "/api/search?q=枫桥经验")
                _say({"task": task, "app_ready": True})
            run = partial(_request, client, _url(kind, view, parameters))
        for run_number in range(1 + TIMED_RUNS):
            started = time.perf_counter()
            run()
            seconds = time.perf_counter() - started
            _say({"task": task, "run": run_number, "s": seconds})
            if run_number == 0 and seconds > TARGET_SECONDS:
                # One warm run is enough to see a slow view is slow.
                started = time.perf_counter()
                run()
                _say({"task": task, "run": 1, "s": time.perf_counter() - started})
                break
        _say({"task": task, "done": True})


def _request(client, url: str) -> None:
    response = client.get(url)
    response.get_data()
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}; fix the view before timing it.")


def time_views(index_dir: Path, corpus_dir: Path, cap: float = CAP_SECONDS, only: tuple[str, ...] = ()) -> dict:
    """Every case's first call and warm median (function, /api request, page), each task in order in child
    processes. A call over `cap` seconds stops its task ("> cap"), a child that fails stops its task ("failed",
    what it said is on stderr); either way a new child goes on with the next task."""
    me = str(Path(__file__).resolve())
    runs: dict[int, list[float]] = {}
    stopped: dict[int, str] = {}
    cases, tasks, passages, start = None, None, 0, 0
    while tasks is None or start < len(tasks):
        arguments = [me, "--child", str(index_dir), str(corpus_dir), str(start), ",".join(only)]
        try:
            for message in child_lines(arguments, cap, OPEN_SECONDS):
                if "tasks" in message:
                    cases, tasks, passages = message["cases"], message["tasks"], message["passages"]
                elif message.get("done"):
                    start = message["task"] + 1
                elif "s" in message:
                    runs.setdefault(message["task"], []).append(message["s"])
        except (ChildSilent, ChildFailed) as stop:
            if tasks is None:
                raise SystemExit(f"The views child did not open {index_dir} and name its cases ({stop}).") from None
            stopped[start] = f"> {cap:g} s" if isinstance(stop, ChildSilent) else "failed"
            start += 1
        if tasks is None:
            raise SystemExit("The views child ended without naming its cases.")
    results = []
    for number, (view, label) in enumerate(cases):
        item: dict = {"view": view, "case": label, "stopped": {}}
        for task, (case_number, kind) in enumerate(tasks):
            if case_number != number:
                continue
            times = runs.get(task, [])
            item[f"{kind}_first_s"] = round(times[0], 4) if times else None
            item[f"{kind}_median_s"] = None if task in stopped or not times else round(statistics.median(times[1:] or times), 4)
            if task in stopped:
                item["stopped"][kind] = stopped[task]
        timed = [value for key, value in item.items() if key.endswith("_s")]
        item["slowest_s"] = None if item["stopped"] else max(timed)
        results.append(item)
    return {
        "passages": passages,
        "cap_s": cap,
        "cases": results,
        "over_cap": sum(1 for item in results if item["stopped"]),
        "slowest_s": max((item["slowest_s"] for item in results if not item["stopped"]), default=None),
    }


def seconds_text(item: dict, kind: str, which: str) -> str:
    """A time for the tables: seconds with 3 decimals, or why the call was stopped ('> cap', 'failed')."""
    value = item[f"{kind}_{which}_s"]
    return item["stopped"].get(kind, "—") if value is None else f"{value:.3f}"


def slowest_cases(figures: dict, count: int = 5) -> list[dict]:
    """The `count` slowest cases, those stopped first."""
    return sorted(figures["cases"], key=lambda item: -(float("inf") if item["stopped"] else item["slowest_s"]))[:count]


def print_views(figures: dict) -> None:
    """The table of every case, and the verdict."""
    cap = figures["cap_s"]
    print(f"{'view':<22}{'case':<40}" + "".join(f"{name:>18}" for name in ("function", "/api", "page")))
    print(f"{'':<62}" + "    first   median" * 3 + "   (seconds)")
    for item in figures["cases"]:
        # Chinese characters take two columns: pad the case by its display width, not its length.
        case = item["case"] + " " * max(0, 40 - len(item["case"].encode("gbk", errors="replace")))
        cells = "".join(f"{seconds_text(item, kind, which):>9}" for kind in KINDS for which in ("first", "median"))
        print(f"{item['view'][:21]:<22}{case}{cells}")
    if figures["over_cap"]:
        print(f"slowest: {figures['over_cap']} case(s) stopped at the {cap:g} s cap or failed (OVER the {TARGET_SECONDS:.0f} s target)")
    else:
        verdict = "within" if figures["slowest_s"] < TARGET_SECONDS else "OVER"
        print(f"slowest: {figures['slowest_s']:.3f} s ({verdict} the {TARGET_SECONDS:.0f} s target)")


def main() -> None:
    """Parse the options, run, and save the figures beside the corpus."""
    parser = argparse.ArgumentParser(description="Time the research, review, figures, township and feed views.")
    parser.add_argument("--reports", type=int, default=10_000, help="corpus size (default 10000)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where corpora and indexes live (default bench/out)")
    parser.add_argument("--index", type=Path, help="time an index already built (with --corpus) instead of the research index")
    parser.add_argument("--corpus", type=Path, help="the corpus folder of --index")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the research index even when it opens")
    parser.add_argument("--only", default="", help="time only the views starting with these, comma-separated (e.g. review,figures)")
    parser.add_argument("--cap", type=float, default=CAP_SECONDS, help="seconds one call may take before its case is stopped (default 60)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        index_dir, corpus_dir, start, only = arguments.child
        child_cases(Path(index_dir), Path(corpus_dir), int(start), tuple(name for name in only.split(",") if name))
        return
    only = tuple(name.strip() for name in arguments.only.split(",") if name.strip())
    if arguments.index:
        if not arguments.corpus:
            parser.error("--index needs --corpus")
        corpus, index_dir, build_seconds = arguments.corpus, arguments.index, None
    else:
        corpus = ensure_corpus(arguments.reports, arguments.out)
        index_dir = arguments.out / f"research_index_{arguments.reports}"
        build_seconds = ensure_index(corpus, index_dir, arguments.rebuild)
    figures = time_views(index_dir, corpus, arguments.cap, only)
    figures["index_build_s"] = None if build_seconds is None else round(build_seconds, 1)
    print(f"{index_dir}: {figures['passages']} passages" + (f"; index built in {build_seconds:.0f} s" if build_seconds else ""))
    print_views(figures)
    (arguments.out / f"research_views_{index_dir.name}.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
