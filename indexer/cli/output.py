"""What the commands print: a build summary, search hits, concordance lines and a parsed report, as readable text."""
from __future__ import annotations

import html
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING

from indexer.parse import SECTION_LABELS

if TYPE_CHECKING:
    from indexer.index import BuildSummary, ReportWarnings
    from indexer.report import Report, Section
    from indexer.research import Concordance, ConcordanceLine
    from indexer.search import SearchResult


def format_build_summary(summary: BuildSummary, warnings_shown: int | None = 10) -> str:
    """What a build did, in a few lines: counts, skipped files, and the reports extraction was unsure of (counts by
    what to fix, then the first `warnings_shown` files, all of them when None), each with its catalogue.csv line."""
    lines = [
        f"Indexed {summary.reports_indexed} new or changed reports ({summary.passages_indexed} passages); "
        f"{summary.reports_unchanged} unchanged, {summary.reports_removed} removed.",
        f"The index in {summary.index_dir} now holds {summary.reports_total} reports and {summary.passages_total} passages "
        f"({summary.seconds:.1f} s).",
    ]
    if summary.skipped:
        lines.append(f"Skipped {len(summary.skipped)} files:")
        lines.extend(f"  {skip_sentence(item.path, item.reason)}" for item in summary.skipped)
    if summary.warnings and warnings_shown != 0:
        lines.extend(format_report_warnings(summary.warnings, warnings_shown))
    return "\n".join(lines)


def format_report_warnings(reports: tuple[ReportWarnings, ...], shown: int | None) -> list[str]:
    """The warnings block of the build summary: readable for ten files or ten thousand."""
    by_field = Counter(field for report in reports for field in report.fields)
    counts = ", ".join(f"{field} {count}" for field, count in by_field.most_common())
    lines = [
        f"{len(reports)} {'report has' if len(reports) == 1 else 'reports have'} warnings "
        f"({sum(len(report.warnings) for report in reports)} in all)"
        + (f"; to settle them, catalogue.csv would set: {counts}." if counts else "."),
    ]
    for report in reports[:shown]:
        lines.append(f"  {report.path}:")
        lines.extend(f"    {warning}" for warning in report.warnings)
        lines.append(f"    catalogue.csv: {report.catalogue_line}")
    if shown is not None and len(reports) > shown:
        lines.append(f"  … and {len(reports) - shown} more; `fazhi index --warnings all` lists every one "
                     "(or see them per report with `fazhi inspect`).")
    return lines


def skip_sentence(path: str, reason: str) -> str:
    """One sentence for a skipped file: the reason, which names the file itself when the reader wrote it."""
    return reason if reason.startswith(path) else f"{path}: {reason}"


def format_search_result(result: SearchResult, on_terminal: bool, base_url: str = "") -> str:
    """Hits as a readable list; marks become bold on a terminal and 【】 elsewhere; links start with `base_url`."""
    from indexer.cli.notices import notice_text

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
        lines.append(f"   {base_url.rstrip('/')}{hit.url}")
    for name in ("year", "province", "section_type", "law"):
        values = result.facets.get(name, ())[:8]
        if values:
            lines.append(f"\n{name}: " + "  ".join(f"{value.label} {value.count}" for value in values))
    return "\n".join(lines)


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


def format_report(report: Report) -> str:
    """A readable outline of one parsed report."""
    from indexer.search import count_cited_laws

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
    rows = count_cited_laws(report.passages)
    for heading, chosen in (
        ("cited laws", [row for row in rows if row["counts_as_law"]]),
        ("cited documents", [row for row in rows if not row["counts_as_law"] and row["kind"] == "citation"]),
        ("events named after laws", [row for row in rows if row["kind"] != "citation"]),
    ):
        if chosen:
            # ×N: N passages cite it (one passage naming it twice counts once).
            lines.append(f"  {heading}: " + "、".join(
                f"{row['short_name']}×{row['count']}" if row["count"] > 1 else row["short_name"] for row in chosen))
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
