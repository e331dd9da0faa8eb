"""The `fazhi` command: parse the arguments and hand them to one subcommand (commands.py), which prints a summary or JSON."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

# Only what building the argument parser needs is imported here: `fazhi --help` must not load jieba or Whoosh.
# Each command (commands.py) imports the stages it runs.
from indexer.cli.commands import (
    DEFAULT_BASE_URL,
    MAX_WORKERS,
    run_export,
    run_index,
    run_index_in_child,
    run_inspect,
    run_kwic,
    run_search,
    run_serve,
    usable_cores,
)
from indexer.parse import SECTION_LABELS
from indexer.pipeline import DEFAULT_CORPUS, DEFAULT_INDEX
from indexer.read import FOLLOW_OPTION

# The choices of --sort, as indexer.search.SORTS and indexer.research.CONCORDANCE_SORTS say (a test keeps them equal).
SEARCH_SORTS = ("relevance", "year", "township")
KWIC_SORTS = ("document", "left", "right")

__all__ = ["KWIC_SORTS", "SEARCH_SORTS", "build_parser", "main", "run_index_in_child"]


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
        epilog="example: fazhi serve --port 5000 --workers 2",
    )
    _add_place_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000; 0: any free port, printed)")
    serve.add_argument("--threads", type=int, default=8, help="threads of each serving process (default 8)")
    serve.add_argument(
        "--workers", type=_worker_count, default=None, metavar="N",
        help=f"serving processes sharing the port and the index (default: the cores this process may use, here "
        f"{min(usable_cores(), MAX_WORKERS)}; 1: a single process)",
    )
    serve.set_defaults(run=run_serve, command_parser=serve)
    return parser


def _worker_count(value: str) -> int:
    if value.isdigit() and 1 <= int(value) <= MAX_WORKERS:
        return int(value)
    raise argparse.ArgumentTypeError(
        f"{value} is not a number of serving processes from 1 to {MAX_WORKERS}; give e.g. --workers 2 "
        f"(the default is the cores this process may use, here {min(usable_cores(), MAX_WORKERS)})"
    )


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


if __name__ == "__main__":
    sys.exit(main())
