"""The `fazhi` command: parse arguments, call one library function per subcommand, print a summary or JSON."""
from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import sys
import unicodedata
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from indexer.cli_notices import notice_text
from indexer.index import BuildError, BuildProgress, BuildSummary, build_index
from indexer.parse import SECTION_LABELS
from indexer.pipeline import DEFAULT_CORPUS, DEFAULT_INDEX, parse_report
from indexer.read import FOLLOW_OPTION, find_report_files
from indexer.report import Report, Section, UnreadableDocument
from indexer.research import (
    CONCORDANCE_MAX_PER_PAGE,
    CONCORDANCE_SORTS,
    Concordance,
    ConcordanceLine,
    concordance,
    concordance_lines,
)
from indexer.search import (
    SORTS,
    IndexUnavailable,
    SearchResult,
    build_filters,
    count_cited_laws,
    export_lines,
    export_passages,
    open_search_index,
    report_to_json,
    search,
    search_result_to_json,
    unreadable_to_json,
)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `fazhi` console script."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
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
    inspect.set_defaults(run=run_inspect)

    index = commands.add_parser(
        "index",
        help="build or update the search index from a corpus folder",
        description="Index new, changed and removed report files (all of them with --rebuild). Searches keep using the "
        "previous index until the new one is complete; an interrupted build leaves the previous index working.",
        epilog="example: fazhi index --corpus corpus/ --index index/",
    )
    _add_place_options(index)
    index.add_argument("--rebuild", action="store_true", help="re-parse every file instead of only new and changed ones")
    index.set_defaults(run=run_index)

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
    search_command.add_argument("--sort", choices=SORTS, default="relevance", help="order of hits (default relevance)")
    search_command.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"the index folder (default {DEFAULT_INDEX.name}/)")
    search_command.add_argument("--json", action="store_true", help="print the result as one JSON object")
    search_command.set_defaults(run=run_search)

    kwic = commands.add_parser(
        "kwic",
        help="print every occurrence of a query with its left and right context (a concordance)",
        description="Every occurrence of the query's phrases in the passages search matches, one line each: left "
        "context, the match and right context aligned, then township, year and section type.",
        epilog="example: fazhi kwic 枫桥经验 --year 2024 --sort right",
    )
    kwic.add_argument("query", help="the word or phrase to find (query syntax as in search)")
    _add_filter_options(kwic)
    kwic.add_argument("--sort", choices=CONCORDANCE_SORTS, default="document", help="document order (default), or by the left or right context")
    kwic.add_argument("--limit", type=int, default=50, help="lines to print (default 50, 0 for all)")
    kwic.add_argument("--index", type=Path, default=DEFAULT_INDEX, help=f"the index folder (default {DEFAULT_INDEX.name}/)")
    kwic.set_defaults(run=run_kwic)

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
    export.set_defaults(run=run_export)

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
    serve.set_defaults(run=run_serve)
    return parser


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


def _filters(arguments: argparse.Namespace):
    filters, notices = build_filters(
        township=arguments.township, county=arguments.county, province=arguments.province,
        year=arguments.year, section_type=arguments.section, law=arguments.law,
    )
    for notice in notices:
        print(notice, file=sys.stderr)
    return filters


def _open_index(index_dir: Path):
    try:
        return open_search_index(index_dir)
    except IndexUnavailable as problem:
        print(f"{problem} Command: fazhi index --corpus CORPUS_FOLDER --index {index_dir}", file=sys.stderr)
        return None


def run_index(arguments: argparse.Namespace) -> int:
    """`fazhi index`: build incrementally, show progress on a terminal, summarise."""
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
    print(format_build_summary(summary))
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


def format_build_summary(summary: BuildSummary) -> str:
    """What a build did, in a few lines."""
    lines = [
        f"Indexed {summary.reports_indexed} new or changed reports ({summary.passages_indexed} passages); "
        f"{summary.reports_unchanged} unchanged, {summary.reports_removed} removed.",
        f"The index in {summary.index_dir} now holds {summary.reports_total} reports and {summary.passages_total} passages "
        f"({summary.seconds:.1f} s).",
    ]
    if summary.skipped:
        lines.append(f"Skipped {len(summary.skipped)} files:")
        lines.extend(f"  {item.path}: {item.reason}" for item in summary.skipped)
    return "\n".join(lines)


def run_search(arguments: argparse.Namespace) -> int:
    """`fazhi search`: one page of hits with facets, readable or as JSON."""
    index = _open_index(arguments.index)
    if index is None:
        return 1
    if arguments.page < 1 or not 1 <= arguments.per_page <= 100:
        print("--page must be 1 or more and --per-page between 1 and 100.", file=sys.stderr)
        return 2
    try:
        result = search(
            index, arguments.query, _filters(arguments), page=arguments.page, per_page=arguments.per_page,
            sort=arguments.sort, match_words=arguments.words,
        )
    finally:
        index.close()
    if arguments.json:
        # The API's twin, Chinese notices included (webui.messages words them for both).
        from webui.messages import notice_text as chinese_notice_text

        print(json.dumps(search_result_to_json(result, chinese_notice_text), ensure_ascii=False, indent=2))
    else:
        print(format_search_result(result, sys.stdout.isatty()))
    return 0


def run_kwic(arguments: argparse.Namespace) -> int:
    """`fazhi kwic`: the concordance lines of a query, aligned on the match."""
    if not arguments.query.strip():
        print("Give a word or phrase to find, for example: fazhi kwic 枫桥经验", file=sys.stderr)
        return 2
    if arguments.limit < 0:
        print("--limit must be 0 (every line) or more.", file=sys.stderr)
        return 2
    index = _open_index(arguments.index)
    if index is None:
        return 1
    filters = _filters(arguments)
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
        print(f"note: {notice_text(result.notices)}", file=sys.stderr)
    print(format_concordance(result, lines, sys.stdout.isatty()))
    return 0


def format_concordance(result: Concordance, lines: tuple[ConcordanceLine, ...], on_terminal: bool) -> str:
    """Concordance lines with the matches in one column, whatever the width of Chinese and Latin characters."""
    start, end = ("\033[1m", "\033[0m") if on_terminal else ("【", "】")
    shown = f" (the first {len(lines)})" if len(lines) < result.total else ""
    heading = f"{result.total} occurrences in {result.total_passages} passages of {result.total_reports} reports{shown}"
    left_width = max((_display_width(line.left) for line in lines), default=0)
    right_width = max((_display_width(line.right) for line in lines), default=0)
    rows = [heading]
    for line in lines:
        left = " " * (left_width - _display_width(line.left)) + line.left
        right = line.right + " " * (right_width - _display_width(line.right))
        place = " ".join(part for part in (line.township, f"{line.year}" if line.year else "", line.section_label) if part)
        rows.append(f"{left} {start}{line.match}{end} {right}  {place}")
    return "\n".join(rows)


def _display_width(text: str) -> int:
    # Chinese characters take two terminal columns, Latin letters and digits one.
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def format_search_result(result: SearchResult, on_terminal: bool) -> str:
    """Hits as a readable list; marks become bold on a terminal and 【】 elsewhere."""
    start, end = ("\033[1m", "\033[0m") if on_terminal else ("【", "】")
    lines = [f"{result.total} passages in {result.total_reports} reports" + (f" (page {result.page})" if result.total > result.per_page else "")]
    if result.notices:
        lines.append(f"note: {notice_text(result.notices)}")
    for number, hit in enumerate(result.hits, start=(result.page - 1) * result.per_page + 1):
        place = " · ".join(part for part in (hit.township, hit.county, hit.province) if part)
        snippet = html.unescape(hit.snippet.replace("<mark>", start).replace("</mark>", end))
        across = " (the match cuts through words; --words leaves such hits out)" if hit.across_words else ""
        lines.append(f"\n{number}. {hit.title}  ({place}, {hit.year or '?'}) [{hit.section_label}]{across}")
        if hit.heading_path:
            lines.append(f"   {' › '.join(hit.heading_path)}")
        lines.append(f"   {snippet}")
        lines.append(f"   {hit.url}")
    for name in ("year", "province", "section_type", "law"):
        values = result.facets.get(name, ())[:8]
        if values:
            lines.append(f"\n{name}: " + "  ".join(f"{value.label} {value.count}" for value in values))
    return "\n".join(lines)


def run_export(arguments: argparse.Namespace) -> int:
    """`fazhi export`: every matching passage as JSON lines or CSV."""
    index = _open_index(arguments.index)
    if index is None:
        return 1
    counted = [0]

    def counting(passages):
        for passage in passages:
            counted[0] += 1
            yield passage

    lines = export_lines(counting(export_passages(index, arguments.query, _filters(arguments), match_words=arguments.words)), arguments.format)
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
                print(f"skipped {file}: {problem}", file=sys.stderr)
            continue
        if arguments.json:
            outputs.append(report_to_json(report))
        else:
            print(format_report(report))
    if arguments.json:
        payload = outputs[0] if len(outputs) == 1 else outputs
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 1 if failures and failures == len(files) else 0


def format_report(report: Report) -> str:
    """A readable outline of one parsed report."""
    place = " · ".join(part for part in (report.township, report.county, report.city, report.province) if part)
    lines = [
        f"{report.title or '(untitled)'}  [{report.report_id}]",
        f"  {place or '(place unknown)'}  {report.division_code}".rstrip(),
        f"  year {report.year or '?'}   date {report.date or '-'}   issuer {report.issuer or '-'}",
    ]
    if report.addressee:
        lines.append(f"  to {report.addressee}")
    lines.append("  outline:")
    lines.extend(_format_sections(report.sections, indent=4))
    lines.append(f"  passages: {len(report.passages)}")
    for passage in report.passages:
        path = " › ".join(passage.heading_path) or "(preamble)"
        lines.append(f"    {passage.passage_id:<28} {passage.section_type:<18} {len(passage.text):>5} chars  {path}")
    laws = count_cited_laws(report.cited_laws)
    if laws:
        lines.append("  cited laws: " + "、".join(f"{law['short_name']}×{law['count']}" if law["count"] > 1 else law["short_name"] for law in laws))
    for warning in report.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines) + "\n"


def _format_sections(sections: tuple[Section, ...], indent: int) -> list[str]:
    lines = []
    for section in sections:
        label = SECTION_LABELS.get(section.section_type, section.section_type)
        lines.append(f"{' ' * indent}{section.number}{section.title}   [{label}]")
        lines.extend(_format_sections(section.children, indent + 2))
    return lines


if __name__ == "__main__":
    sys.exit(main())
