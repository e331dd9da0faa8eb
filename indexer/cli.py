"""The `fazhi` command: parse arguments, call one library function per subcommand, print a summary or JSON."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indexer.pipeline import DEFAULT_CORPUS, iter_report_files, parse_report
from indexer.report import Report, Section, UnreadableDocument
from indexer.section_types import SECTION_LABELS
from indexer.serialize import count_cited_laws, report_to_json, unreadable_to_json


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
    inspect.set_defaults(run=run_inspect)
    return parser


def run_inspect(arguments: argparse.Namespace) -> int:
    """`fazhi inspect`: parse each file and print it; unreadable files get a sentence, not a traceback."""
    files: list[tuple[Path, Path]] = []
    for path in arguments.paths or [DEFAULT_CORPUS]:
        if path.is_dir():
            files.extend((file, arguments.corpus or path) for file in iter_report_files(path))
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
