"""The `fazhi` subcommands: each takes the parsed arguments, imports the stages it runs, calls one library
function and prints; the exit status is 0, 1 (nothing to work on) or 2 (an option that cannot be read)."""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.cli.output import (
    format_build_summary,
    format_concordance,
    format_report,
    format_search_result,
    skip_sentence,
)
from indexer.parse import SECTION_LABELS
from indexer.pipeline import DEFAULT_CORPUS

if TYPE_CHECKING:
    from indexer.index import BuildProgress
    from indexer.search import SearchFilters, SearchIndex
    from webui.settings import Settings

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
# `fazhi serve --workers` above this is refused: each serving process opens the index and loads the dictionary.
MAX_WORKERS = 64


def _filters(arguments: argparse.Namespace, index: SearchIndex) -> SearchFilters | None:
    """The filter options, or None after a sentence on stderr when one cannot be read (nothing is searched then)."""
    from indexer.search import (
        build_filters,
        check_law_name,
        parse_year,
        section_type_key,
    )

    problems = []
    for value in arguments.year:
        if parse_year(value) is None:
            problems.append(f"--year {value} is not a year: give one like 2023 or a range like 2021..2024.")
    for value in arguments.section:
        if section_type_key(value) is None:
            accepted = ", ".join(f"{key} ({label})" for key, label in SECTION_LABELS.items())
            problems.append(f"--section {value} is not a section type: give one of {accepted}.")
    for value in arguments.law:
        check = check_law_name(index, value) if value.strip() else None
        if check is not None and not check.catalogued and not check.cited:
            nearest = f" Nearest names: {'、'.join(check.nearest)}." if check.nearest else ""
            problems.append(f"--law {value}: no cited law has that name.{nearest}")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return None
    filters, notices = build_filters(
        township=arguments.township, county=arguments.county, province=arguments.province,
        year=arguments.year, section_type=arguments.section, law=arguments.law,
    )
    for notice in notices:
        print(notice, file=sys.stderr)
    return filters


def _open_with_filters(arguments: argparse.Namespace) -> tuple[SearchIndex, SearchFilters] | int:
    """The opened index and the filter options read against it, or the exit status after a sentence on stderr:
    1 when there is no index, 2 when a filter cannot be read (the index is closed again then)."""
    index = _open_index(arguments.index)
    if index is None:
        return 1
    filters = _filters(arguments, index)
    if filters is None:
        index.close()
        return 2
    return index, filters


def _open_index(index_dir: Path) -> SearchIndex | None:
    from indexer.search import IndexUnavailable, open_search_index

    try:
        return open_search_index(index_dir)
    except IndexUnavailable as problem:
        print(f"{problem} Command: fazhi index --corpus CORPUS_FOLDER --index {index_dir}", file=sys.stderr)
        return None


def run_index(arguments: argparse.Namespace) -> int:
    """`fazhi index`: build incrementally, show progress on a terminal, summarise."""
    from indexer.index import BuildError, build_index

    progress = _progress_bar if sys.stderr.isatty() else None
    try:
        summary = build_index(
            arguments.corpus, arguments.index, rebuild=arguments.rebuild, progress=progress,
            follow_links_outside=arguments.follow_links_outside,
        )
    except BuildError as problem:
        print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted; the previous index is unchanged and still searchable.", file=sys.stderr)
        return 130
    if progress:
        print(file=sys.stderr)
    print(format_build_summary(summary, getattr(arguments, "warnings", 10)))
    return 0


def run_index_in_child(arguments: argparse.Namespace) -> int:
    """`run_index` in a child process, for `fazhi serve`: a build's memory (the previous table, the new rows)
    goes back to the system when the child ends instead of staying in the server's heap while it serves
    (measured at 10,000 reports: 387 MB once serving, against 466 MB with the build in the process)."""
    sys.stdout.flush()
    sys.stderr.flush()
    child = multiprocessing.get_context().Process(target=_exit_with, args=(run_index, arguments))
    child.start()
    try:
        child.join()
    except KeyboardInterrupt:
        # The child had Ctrl-C too; it says what became of the index.
        child.join()
        return 130
    return child.exitcode if child.exitcode is not None else 1


def _exit_with(command: Callable[[argparse.Namespace], int], arguments: argparse.Namespace) -> None:
    sys.exit(command(arguments))


def _progress_bar(progress: BuildProgress) -> None:
    width = 30
    filled = width * progress.done // max(progress.total, 1)
    name = Path(progress.path).name[-30:]
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} {name:<30}", end="", file=sys.stderr, flush=True)


def run_search(arguments: argparse.Namespace) -> int:
    """`fazhi search`: one page of hits with facets, readable or as JSON."""
    from indexer.search import search, search_result_to_json

    if arguments.page < 1 or not 1 <= arguments.per_page <= 100:
        print("--page must be 1 or more and --per-page between 1 and 100.", file=sys.stderr)
        return 2
    opened = _open_with_filters(arguments)
    if isinstance(opened, int):
        return opened
    index, filters = opened
    with index:
        result = search(
            index, arguments.query, filters, page=arguments.page, per_page=arguments.per_page,
            sort=arguments.sort, match_words=arguments.words,
        )
    if arguments.json:
        # The API's twin, Chinese notices included (webui.messages words them for both).
        from webui.messages import notice_text as chinese_notice_text

        print(json.dumps(search_result_to_json(result, chinese_notice_text), ensure_ascii=False, indent=2))
    else:
        base_url = os.environ.get("FAZHI_BASE_URL", DEFAULT_BASE_URL) if arguments.base_url is None else arguments.base_url
        print(format_search_result(result, sys.stdout.isatty(), base_url))
    return 0


def run_kwic(arguments: argparse.Namespace) -> int:
    """`fazhi kwic`: the concordance lines of a query, aligned on the match."""
    from indexer.research import (
        CONCORDANCE_MAX_PER_PAGE,
        concordance,
        concordance_lines,
    )

    if not arguments.query.strip():
        print("Give a word or phrase to find, for example: fazhi kwic 枫桥经验", file=sys.stderr)
        return 2
    if arguments.limit < 0:
        print("--limit must be 0 (every line) or more.", file=sys.stderr)
        return 2
    opened = _open_with_filters(arguments)
    if isinstance(opened, int):
        return opened
    index, filters = opened
    with index:
        result = concordance(
            index, arguments.query, filters, per_page=min(arguments.limit or 1, CONCORDANCE_MAX_PER_PAGE),
            sort=arguments.sort, match_words=arguments.words,
        )
        lines = result.lines
        if arguments.limit == 0 or arguments.limit > CONCORDANCE_MAX_PER_PAGE:
            # More lines than a page holds: read them from the full concordance.
            lines = tuple(islice(concordance_lines(index, arguments.query, filters, sort=arguments.sort, match_words=arguments.words), arguments.limit or None))
    if result.notices:
        from indexer.cli.notices import notice_text

        print(f"note: {notice_text(result.notices)}", file=sys.stderr)
    print(format_concordance(result, lines, sys.stdout.isatty()))
    return 0


def run_export(arguments: argparse.Namespace) -> int:
    """`fazhi export`: every matching passage as JSON lines or CSV."""
    from indexer.search import export_lines, export_passages

    opened = _open_with_filters(arguments)
    if isinstance(opened, int):
        return opened
    index, filters = opened
    counted = [0]

    def counting(passages):
        for passage in passages:
            counted[0] += 1
            yield passage

    lines = export_lines(counting(export_passages(index, arguments.query, filters, match_words=arguments.words)), arguments.format)
    try:
        if arguments.output:
            with arguments.output.open("w", encoding="utf-8", newline="") as stream:
                stream.writelines(lines)
            print(f"Wrote {counted[0]} passages to {arguments.output}.", file=sys.stderr)
        else:
            sys.stdout.writelines(lines)
    finally:
        index.close()
    return 0


def usable_cores() -> int:
    """How many cores this process may run on (its affinity mask): the default number of serving processes."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def run_serve(arguments: argparse.Namespace) -> int:
    """`fazhi serve`: check the port, update the index, then serve the web app with waitress, from one process or
    (with --workers N) from N processes sharing the listening socket."""
    from indexer.allocator import release_large_blocks
    from webui.server import PortUnavailable, check_port
    from webui.settings import Settings

    if not 0 <= arguments.port <= 65535 or arguments.threads < 1:
        print("--port must be from 0 to 65535 (e.g. --port 5000; 0 takes any free port) and --threads 1 or more.", file=sys.stderr)
        return 2
    workers = arguments.workers or min(usable_cores(), MAX_WORKERS)
    try:
        check_port(arguments.host, arguments.port)
    except PortUnavailable as problem:
        print(problem, file=sys.stderr)
        return 1
    code = run_index_in_child(argparse.Namespace(
        corpus=arguments.corpus, index=arguments.index, rebuild=False, follow_links_outside=arguments.follow_links_outside,
    ))
    if code != 0:
        return code
    settings = Settings(index_dir=arguments.index, corpus_dir=arguments.corpus)
    # Before the app opens the index and before any fork: the serving processes inherit the allocator's setting.
    release_large_blocks()
    if workers == 1:
        return _serve_in_this_process(settings, arguments)
    return _serve_in_processes(settings, arguments, workers)


def _serve_in_this_process(settings: Settings, arguments: argparse.Namespace) -> int:
    from webui import create_app
    from webui.server import PortUnavailable, create_server

    app = create_app(settings)
    try:
        server = create_server(app, arguments.host, arguments.port, arguments.threads)
    except PortUnavailable as problem:  # taken while the index was built
        print(problem, file=sys.stderr)
        return 1
    # A host with several addresses (localhost: 127.0.0.1 and ::1) gets a server per address, which has no one port.
    port = getattr(server, "effective_port", arguments.port)
    print(f"Serving fazhi-search at http://{arguments.host}:{port}/ (Ctrl-C to stop).", flush=True)
    server.run()
    return 0


def _serve_in_processes(settings: Settings, arguments: argparse.Namespace, workers: int) -> int:
    # The app's modules are imported here, before the fork, so every serving process shares them.
    import webui  # noqa: F401
    from webui.server import PortUnavailable, listening_socket
    from webui.serving_processes import serve_in_processes

    try:
        listener = listening_socket(arguments.host, arguments.port)
    except PortUnavailable as problem:  # taken while the index was built
        print(problem, file=sys.stderr)
        return 1
    with listener:
        port = listener.getsockname()[1]
        print(
            f"Serving fazhi-search at http://{arguments.host}:{port}/ from {workers} processes of {arguments.threads} "
            "threads each (Ctrl-C to stop).", flush=True,
        )
        return serve_in_processes(settings, listener, workers, arguments.threads)


def run_inspect(arguments: argparse.Namespace) -> int:
    """`fazhi inspect`: parse each file and print it; unreadable files get a sentence, not a traceback."""
    from indexer.pipeline import parse_report
    from indexer.read import find_report_files
    from indexer.report import UnreadableDocument
    from indexer.search import report_to_json, unreadable_to_json

    files: list[tuple[Path, Path]] = []
    for path in arguments.paths or [DEFAULT_CORPUS]:
        if path.is_dir():
            found = find_report_files(path, arguments.follow_links_outside)
            files.extend((file, arguments.corpus or path) for file in found.files)
            for skipped in found.skipped:
                print(f"skipped: {skip_sentence(skipped.path, skipped.reason)}", file=sys.stderr)
        elif path.exists():
            files.append((path, arguments.corpus or path.parent))
        else:
            print(f"{path} does not exist; give a report file or a folder of reports.", file=sys.stderr)
            return 2
    if not files:
        print("No report files found (fazhi-search reads .txt, .md, .docx, .html and .pdf).", file=sys.stderr)
        return 1
    outputs: list[dict] = []
    failures = 0
    for file, corpus_root in files:
        try:
            report = parse_report(file, corpus_root)
        except UnreadableDocument as problem:
            failures += 1
            if arguments.json:
                outputs.append(unreadable_to_json(str(file), str(problem)))
            else:
                print(f"skipped: {skip_sentence(str(file), str(problem))}", file=sys.stderr)
            continue
        if arguments.json:
            outputs.append(report_to_json(report))
        else:
            print(format_report(report))
    if arguments.json:
        payload = outputs[0] if len(outputs) == 1 else outputs
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 1 if failures and failures == len(files) else 0
