"""The `fazhi` command: parse arguments, call one library function per subcommand, print a summary or JSON."""
from __future__ import annotations

import argparse
import difflib
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

# Only what building the argument parser needs is imported here: `fazhi --help` must not load jieba or Whoosh.
# Each command imports the stages it runs.
from indexer.parse import SECTION_LABELS
from indexer.pipeline import DEFAULT_CORPUS, DEFAULT_INDEX
from indexer.read import FOLLOW_OPTION

if TYPE_CHECKING:
    from indexer.index import BuildProgress
    from indexer.search import SearchFilters, SearchIndex

# The choices of --sort, as indexer.search.SORTS and indexer.research.CONCORDANCE_SORTS say (a test keeps them equal).
SEARCH_SORTS = ("relevance", "year", "township")
KWIC_SORTS = ("document", "left", "right")
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `fazhi` console script."""
    parser = build_parser()
    arguments, unknown = parser.parse_known_args(argv)
    if unknown:
        # argparse would blame the top-level command; the subcommand's usage and the option meant help more.
        command_parser = getattr(arguments, "command_parser", parser)
        command_parser.error(_unknown_arguments_sentence(command_parser, unknown))
    if not hasattr(arguments, "run"):
        parser.print_help()
        return 2
    try:
        return arguments.run(arguments)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _unknown_arguments_sentence(parser: argparse.ArgumentParser, unknown: list[str]) -> str:
    options = [option for action in parser._actions for option in action.option_strings]
    sentences = [f"unrecognized arguments: {' '.join(unknown)}"]
    for argument in unknown:
        if argument.startswith("-"):
            nearest = difflib.get_close_matches(argument.split("=")[0], options, n=1, cutoff=0.6)
            if nearest:
                sentences.append(f"did you mean {nearest[0]}?")
    return "; ".join(sentences)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="fazhi",
        description="Search Chinese township reports on rule-of-law government construction (乡镇法治政府建设情况报告).",
    )
    commands = parser.add_subparsers(title="commands")

    inspect = commands.add_parser(
        "inspect",
        help="print the parsed outline, metadata, passages and cited laws of report files",
        description="Parse report files (or every report in a folder) and print what fazhi-search understands of them.",
        epilog="example: fazhi inspect corpus/anhui-duji-duanyuan-2024.txt --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    inspect.add_argument("paths", nargs="*", type=Path, help=f"report files or folders (default: the bundled corpus, {DEFAULT_CORPUS.name}/)")
    inspect.add_argument("--json", action="store_true", help="print JSON instead of a readable outline")
    inspect.add_argument("--corpus", type=Path, default=None, help="the corpus folder, for report ids and catalogue.csv (default: the file's folder)")
    inspect.add_argument(FOLLOW_OPTION, action="store_true", help="in a folder, also read files that symbolic links lead to outside it")
    inspect.set_defaults(run=run_inspect, command_parser=inspect)

    index = commands.add_parser(
        "index",
        help="build or update the search index from a corpus folder",
        description="Index new, changed and removed report files (all of them with --rebuild). Searches keep using the "
        "previous index until the new one is complete; an interrupted build leaves the previous index working.",
        epilog="example: fazhi index --corpus corpus/ --index index/",
    )
    _add_place_options(index)
    index.add_argument("--rebuild", action="store_true", help="re-parse every file instead of only new and changed ones")
    index.add_argument(
        "--warnings", type=_warnings_shown, default=10, metavar="N|all",
        help="how many reports with warnings to list, each with the catalogue.csv line that settles them "
        "(default 10; all; 0 for none)",
    )
    index.set_defaults(run=run_index, command_parser=index)

    search_command = commands.add_parser(
        "search",
        help="search the index: exact Chinese matching, filters, facets",
        description="Search passages. Words separated by spaces must all occur (exactly as written); OR, -word / NOT word, "
        '"quoted phrases" and field filters township: county: province: year:2023 year:2021..2024 section:problems law:民法典 work too.',
        epilog="example: fazhi search 枫桥经验 --year 2024 --json",
    )
    search_command.add_argument("query", nargs="?", default="", help="what to search for (empty: browse with filters)")
    _add_filter_options(search_command)
    search_command.add_argument("--page", type=int, default=1, help="page number (default 1)")
    search_command.add_argument("--per-page", type=int, default=10, help="hits per page (default 10, at most 100)")
    search_command.add_argument("--sort", choices=SEARCH_SORTS, default="relevance", help="order of hits (default relevance)")
    search_command.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"the index folder (default {DEFAULT_INDEX.name}/)")
    search_command.add_argument("--json", action="store_true", help="print the result as one JSON object")
    search_command.add_argument(
        "--base-url", default=None, metavar="URL",
        help=f"where `fazhi serve` answers, to print clickable hit links (default $FAZHI_BASE_URL or {DEFAULT_BASE_URL}; "
        "'' prints them relative)",
    )
    search_command.set_defaults(run=run_search, command_parser=search_command)

    kwic = commands.add_parser(
        "kwic",
        help="print every occurrence of a query with its left and right context (a concordance)",
        description="Every occurrence of the query's phrases in the passages search matches, one line each: left "
        "context, the match and right context aligned, then township, year and section type.",
        epilog="example: fazhi kwic 枫桥经验 --year 2024 --sort right",
    )
    kwic.add_argument("query", help="the word or phrase to find (query syntax as in search)")
    _add_filter_options(kwic)
    kwic.add_argument("--sort", choices=KWIC_SORTS, default="document", help="document order (default), or by the left or right context")
    kwic.add_argument("--limit", type=int, default=50, help="lines to print (default 50, 0 for all)")
    kwic.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"the index folder (default {DEFAULT_INDEX.name}/)")
    kwic.set_defaults(run=run_kwic, command_parser=kwic)

    export = commands.add_parser(
        "export",
        help="write every matching passage (all without a query) as JSON lines or CSV",
        description="The research export: every passage matching the query and filters, with its text and cited laws.",
        epilog="example: fazhi export 行政执法 --section problems --format csv --output problems.csv",
    )
    export.add_argument("query", nargs="?", default="", help="what to search for (empty: every passage)")
    _add_filter_options(export)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="jsonl (default) or csv (UTF-8 with BOM, opens in Excel)")
    export.add_argument("--output", type=Path, default=None, help="file to write (default: standard output)")
    export.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"the index folder (default {DEFAULT_INDEX.name}/)")
    export.set_defaults(run=run_export, command_parser=export)

    serve = commands.add_parser(
        "serve",
        help="run the web app on a production WSGI server, indexing the corpus first if needed",
        description="Update the index from the corpus, then serve the search web app and its JSON API.",
        epilog="example: fazhi serve --port 5000",
    )
    _add_place_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000)")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    serve.set_defaults(run=run_serve, command_parser=serve)
    return parser


def _warnings_shown(value: str) -> int | None:
    if value == "all":
        return None
    if value.isdigit():
        return int(value)
    raise argparse.ArgumentTypeError(f"{value} is not a number of reports or all")


def _add_place_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"the folder of report files (default {DEFAULT_CORPUS.name}/)")
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"the index folder (default {DEFAULT_INDEX.name}/)")
    parser.add_argument(
        FOLLOW_OPTION, action="store_true",
        help="also index files that symbolic links in the corpus lead to outside it (skipped by default, with a sentence)",
    )


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    for name, meaning in (
        ("township", "乡镇 name, e.g. 段园镇"),
        ("county", "county name, e.g. 建宁县"),
        ("province", "province name, e.g. 河南省"),
        ("year", "report year 2023 or range 2021..2024"),
        ("section", "section type key or label: " + ", ".join(SECTION_LABELS)),
        ("law", "cited law, any alias: 民法典, 《中华人民共和国民法典》"),
    ):
        parser.add_argument(f"--{name}", action="append", default=[], metavar=name.upper(), help=f"{meaning} (repeat to OR values)")
    parser.add_argument(
        "--words", action="store_true",
        help="only whole-word matches: 法治 in 推进法治建设, not in 依法治理 (the web app's match=words)",
    )


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
    index = _open_index(arguments.index)
    if index is None:
        return 1
    with index:
        filters = _filters(arguments, index)
        if filters is None:
            return 2
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
    index = _open_index(arguments.index)
    if index is None:
        return 1
    with index:
        filters = _filters(arguments, index)
        if filters is None:
            return 2
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

    index = _open_index(arguments.index)
    if index is None:
        return 1
    filters = _filters(arguments, index)
    if filters is None:
        index.close()
        return 2
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


def run_serve(arguments: argparse.Namespace) -> int:
    """`fazhi serve`: check the port, update the index, then serve the web app with waitress."""
    from webui import create_app
    from webui.server import PortUnavailable, check_port, create_server
    from webui.settings import Settings

    if not 1 <= arguments.port <= 65535 or arguments.threads < 1:
        print("--port must be from 1 to 65535 (e.g. --port 5000) and --threads 1 or more.", file=sys.stderr)
        return 2
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
    app = create_app(Settings(index_dir=arguments.index, corpus_dir=arguments.corpus))
    try:
        server = create_server(app, arguments.host, arguments.port, arguments.threads)
    except PortUnavailable as problem:  # taken while the index was built
        print(problem, file=sys.stderr)
        return 1
    print(f"Serving fazhi-search at http://{arguments.host}:{arguments.port}/ (Ctrl-C to stop).", flush=True)
    server.run()
    return 0


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
                print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
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


if __name__ == "__main__":
    sys.exit(main())
