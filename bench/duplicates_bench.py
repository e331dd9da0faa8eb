"""What finding copied passages costs, on the shared synthetic corpus, and how fast its views answer.

    python bench/duplicates_bench.py --reports 1000             # ~3 min
    python bench/duplicates_bench.py --reports 10000 --runs 1   # ~15 min; run nothing else meanwhile (2 cores)

Each step runs in a fresh child process. Indexes go to bench/out/dup_index_<reports>_<mode> (never to the
index_<reports> folders of run_bench.py); the corpus is only read, never generated or changed here.
  signatures  per-passage cost of our one-permutation MinHash (64 bins) against a classic 64-permutation
              MinHash ((a·x + b) mod p per permutation) over the same shingle hashes, on 2,000 passages
  builds      `build_index(rebuild=True)` without and with `find_duplicates`, alternating, `--runs` times
              each; the target is: with ≤ 1.5 × without
  views       /duplicates, /duplicates/<largest group>, /laws, /laws/民法典, their JSON twins and exports,
              and a search with hide_boilerplate=1: the first request (computing the per-index caches)
              and the median of 5 more; the target is under 1 s each
  incremental then 1 % of the reports changed, in a hard-linked copy of the corpus (bench/out/dup_corpus_<n>;
              a changed file is a new file, the shared corpus is untouched), and the index with duplicates
              updated: only the changed reports are parsed and hashed, the groups are found again
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
import zlib
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from measure import median, run_measured  # noqa: E402

SIGNATURE_SAMPLE = 2000
TIMED_VIEW_RUNS = 5
CHANGED_EVERY = 100  # one report in this many is changed for the incremental build


def child_signatures(corpus: str) -> dict:
    """Time both ways of making a 64-value signature on a sample of folded passage texts."""
    from indexer.index import (
        SHINGLE_CHARACTERS,
        SIGNATURE_BINS,
        comparable_text,
        passage_signature,
    )
    from indexer.parse import fold_for_matching
    from indexer.pipeline import iter_report_files, parse_report

    texts = []
    for path in iter_report_files(Path(corpus)):
        texts += [fold_for_matching(passage.text) for passage in parse_report(path, Path(corpus)).passages]
        if len(texts) >= SIGNATURE_SAMPLE:
            break
    texts = texts[:SIGNATURE_SAMPLE]
    started = time.perf_counter()
    for text in texts:
        passage_signature(text)
    one_permutation = time.perf_counter() - started

    generator = random.Random(1)
    prime = (1 << 61) - 1
    permutations = [(generator.randrange(1, prime), generator.randrange(prime)) for _ in range(SIGNATURE_BINS)]
    started = time.perf_counter()
    for text in texts:
        clean = comparable_text(text)
        shingles = {clean[start:start + SHINGLE_CHARACTERS] for start in range(len(clean) - SHINGLE_CHARACTERS + 1)}
        hashes = [zlib.crc32(shingle.encode()) for shingle in shingles]
        if hashes:
            [min((a * value + b) % prime for value in hashes) for a, b in permutations]
    classic = time.perf_counter() - started
    return {
        "passages": len(texts),
        "one_permutation_us_per_passage": round(one_permutation / len(texts) * 1e6, 1),
        "classic_64_permutations_us_per_passage": round(classic / len(texts) * 1e6, 1),
    }


def child_build(corpus: str, index: str, find_duplicates: str, rebuild: str = "1") -> dict:
    """One build of the corpus into the index folder."""
    from indexer.index import build_index
    from indexer.search import open_search_index

    summary = build_index(Path(corpus), Path(index), rebuild=rebuild == "1", find_duplicates=find_duplicates == "1")
    with open_search_index(Path(index)) as opened:
        groups = {leader for leader in opened.table.duplicate_groups if leader >= 0}
        grouped = sum(1 for leader in opened.table.duplicate_groups if leader >= 0)
        boilerplate = sum(1 for count in opened.duplicate_reports if count >= 3)
    return {"seconds": summary.seconds, "reports_indexed": summary.reports_indexed, "passages": summary.passages_total,
            "groups": len(groups), "passages_in_groups": grouped, "boilerplate_passages": boilerplate}


def child_views(index: str, corpus: str) -> dict:
    """Time every view of the cited-law and copied-passage pages through Flask's test client."""
    from webui import create_app
    from webui.settings import Settings

    app = create_app(Settings(index_dir=Path(index), corpus_dir=Path(corpus)))
    client = app.test_client()
    started = time.perf_counter()
    client.get("/api/search?q=法治&per_page=1")  # opens the index (jieba, the table)
    open_s = time.perf_counter() - started
    largest = client.get("/api/duplicates?per_page=1").get_json()["groups"]
    group = largest[0]["passage_id"] if largest else "none"
    urls = [
        "/duplicates", "/api/duplicates", f"/duplicates/{group}", f"/api/duplicates/{group}", "/duplicates.csv",
        "/duplicates/reports.csv", "/laws", "/api/laws", "/laws.csv", f"/laws/{quote('民法典')}",
        f"/api/laws/{quote('民法典')}", "/search?q=法治&hide_boilerplate=1", "/api/search?q=法治&hide_boilerplate=1",
    ]
    timings = []
    for url in urls:
        # Caches are per opened index: the first request of a view pays for them, later ones do not.
        begin = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        first_ms = (time.perf_counter() - begin) * 1000
        runs = []
        for _ in range(TIMED_VIEW_RUNS):
            begin = time.perf_counter()
            client.get(url).get_data()
            runs.append((time.perf_counter() - begin) * 1000)
        timings.append({"url": url, "status": response.status_code, "kilobytes": round(len(body) / 1000, 1),
                        "first_ms": round(first_ms, 1), "median_ms": round(median(runs), 1)})
    app.extensions["fazhi_index"].close()
    return {"open_s": round(open_s, 2), "timings": timings}


def _linked_copy(corpus: Path, copy: Path) -> Path:
    """The corpus folder again, its files hard-linked (copied where links are not possible)."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(corpus, copy, copy_function=_link_or_copy)
    return copy


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _change(path: Path) -> None:
    """Append a sentence as a new file: writing into a hard link would change the shared corpus too."""
    text = path.read_text(encoding="utf-8")
    path.unlink()
    path.write_text(text + "\n本报告经镇党委会议审议通过。\n", encoding="utf-8")


def run(reports: int, out_dir: Path, runs: int) -> dict:
    """Every step for one corpus size; prints the figures and writes duplicates_results_<reports>.json."""
    corpus = out_dir / f"corpus_{reports}"
    if not (corpus / "manifest.jsonl").exists():
        raise SystemExit(f"{corpus} is missing; generate it with bench/run_bench.py --reports {reports} first.")
    me = str(Path(__file__).resolve())
    indexes = {mode: out_dir / f"dup_index_{reports}_{mode}" for mode in ("without", "with")}
    signatures, _, _ = run_measured([me, "--child", "signatures", str(corpus)])
    builds: dict[str, list[dict]] = {"without": [], "with": []}
    peaks: dict[str, list[int]] = {"without": [], "with": []}
    for run_number in range(runs):
        # Alternate the order so that a busy moment of the machine does not always fall on one mode.
        for mode in (("without", "with") if run_number % 2 == 0 else ("with", "without")):
            result, _, peak = run_measured([me, "--child", "build", str(corpus), str(indexes[mode]), "1" if mode == "with" else "0"])
            builds[mode].append(result)
            peaks[mode].append(peak)
    without = statistics.median(result["seconds"] for result in builds["without"])
    with_duplicates = statistics.median(result["seconds"] for result in builds["with"])
    figures = {
        "reports": reports,
        "passages": builds["with"][0]["passages"],
        "build_without_s": round(without, 2),
        "build_with_s": round(with_duplicates, 2),
        "ratio": round(with_duplicates / without, 3),
        "ratio_target": 1.5,
        "build_runs": {mode: [result["seconds"] for result in results] for mode, results in builds.items()},
        "build_peak_mb": {mode: max(values) for mode, values in peaks.items()},
        "groups": builds["with"][0]["groups"],
        "passages_in_groups": builds["with"][0]["passages_in_groups"],
        "boilerplate_passages": builds["with"][0]["boilerplate_passages"],
        "signatures": signatures,
    }
    views, _, _ = run_measured([me, "--child", "views", str(indexes["with"]), str(corpus)])
    figures["views"] = views
    figures["slowest_view_ms"] = max(max(item["first_ms"], item["median_ms"]) for item in views["timings"])
    # The same relative paths and contents: the index built from the shared corpus sees only the changes.
    copy = _linked_copy(corpus, out_dir / f"dup_corpus_{reports}")
    changed = sorted(copy.glob("*.txt"))[::CHANGED_EVERY]
    for path in changed:
        _change(path)
    result, _, _ = run_measured([me, "--child", "build", str(copy), str(indexes["with"]), "1", "0"])
    figures["incremental"] = {"reports_changed": len(changed), "reports_indexed": result["reports_indexed"],
                              "seconds": result["seconds"], "groups": result["groups"]}
    shutil.rmtree(copy, ignore_errors=True)
    print(json.dumps({key: value for key, value in figures.items() if key != "views"}, ensure_ascii=False, indent=2))
    print(f"views (index opened in {views['open_s']} s): first request / median of {TIMED_VIEW_RUNS}, size")
    for item in views["timings"]:
        print(f"  {item['url']:<48} {item['status']} {item['first_ms']:8.1f} ms {item['median_ms']:8.1f} ms {item['kilobytes']:9.1f} kB")
    (out_dir / f"duplicates_results_{reports}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, action="append", help="corpus size (repeat for several; default 1000)")
    parser.add_argument("--runs", type=int, default=2, help="builds of each mode (default 2; the median counts)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where the corpora are and results go (git-ignored)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        step, *values = arguments.child
        result = {"signatures": child_signatures, "build": child_build, "views": child_views}[step](*values)
        print(json.dumps(result, ensure_ascii=False))
        return
    for reports in arguments.reports or [1000]:
        run(reports, arguments.out, max(arguments.runs, 1))


if __name__ == "__main__":
    main()
