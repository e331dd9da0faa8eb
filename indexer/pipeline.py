"""A report file (or its text) in, a parsed `Report` out: read → normalise → frame → headings → passages → annotate."""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path, PurePath

from indexer.parse import (
    Catalogue,
    assign_top_level_types,
    build_passages,
    build_sections,
    cite_laws,
    find_frame,
    find_headings,
    find_report_year,
    load_catalogue,
    locate_report,
    lookup_division,
    normalize_text,
)
from indexer.read import find_report_files, read_document
from indexer.report import Place, Report

# Bump when parsing changes, so that incremental builds re-parse every file.
# 2: a report's source_path is relative to the corpus folder (it was the path as the build was given it).
# 8: portal debris, places, 一是 items, tables and encodings on real portal reports (issue 12).
# 9: citations carry a kind (event), documents a category of their own (issue 13).
# 10: verbs glued before a township name, pages whose line breaks became spaces, headings with lost numbers.
# 11: a 街道 written as 街 before its own organs (黄石街党工委).
PARSER_VERSION = "11"
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DEFAULT_INDEX = DEFAULT_CORPUS.parent / "index"
_OPENING_CHARS = 1_000
# Place clues come from the header and the body; a report names its township well within this,
# and scanning a 10 MB file whole would cost seconds.
_PLACE_CLUE_CHARS = 20_000


def relative_in_corpus(path: Path, corpus_root: Path) -> Path:
    """A file's place in the corpus folder: its path below the folder as found there (a symbolic link is
    not followed out of it), or only its name when it is elsewhere."""
    path, corpus_root = Path(path), Path(corpus_root)
    try:
        return path.relative_to(corpus_root)
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(corpus_root.resolve())
    except (ValueError, OSError):
        return Path(path.name)


def report_id_for(path: Path, corpus_root: Path) -> str:
    """A URL-safe id from the file's place in the corpus: anhui-duji-duanyuan-2024, 段园镇2024.docx → 2024-docx-1a2b3c4d."""
    return report_id_from_relative(relative_in_corpus(path, corpus_root))


def report_id_from_relative(relative: PurePath) -> str:
    """report_id_for, given the file's place in the corpus (relative_in_corpus)."""
    stem = relative.with_suffix("").as_posix()
    suffix = relative.suffix.lower().lstrip(".")
    slug = re.sub(r"[^a-z0-9_]+", "-", stem.lower()).strip("-")
    if suffix and suffix != "txt":
        slug = f"{slug}-{suffix}" if slug else suffix
    if not stem.isascii() or not slug:
        digest = hashlib.sha1(relative.as_posix().encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"r-{digest}"
    return slug


def iter_report_files(corpus_root: Path) -> list[Path]:
    """Every file under the corpus folder that could be a report, in a stable order (links leading out of the
    folder left out; find_report_files says what was left out and why)."""
    return list(find_report_files(corpus_root).files)


def parse_text(
    text: str,
    report_id: str,
    source_path: str = "",
    source_format: str = "txt",
    warnings: tuple[str, ...] = (),
    overrides: dict[str, str] | None = None,
    page_metadata: tuple[str, ...] = (),
) -> Report:
    """Parse a report's raw text (and a saved page's metadata lines); used for files and for reports in tests."""
    normalized = normalize_text(text)
    frame = find_frame(normalized, page_metadata)
    body = normalized[frame.body_start:frame.body_end]
    year, year_warning = find_report_year(
        frame.title, body[:_OPENING_CHARS], frame.date if frame.date_is_the_reports else ""
    )
    headings = find_headings(normalized, frame.body_start, frame.body_end)
    top_level_titles = [heading.title for heading in headings if heading.level == 1]
    top_level_types = assign_top_level_types(top_level_titles, year)
    passages = build_passages(report_id, normalized, headings, frame.body_start, frame.body_end, top_level_types)
    place = locate_report(frame.header_text, frame.page_text + "\n" + body[:_PLACE_CLUE_CHARS])
    all_warnings = list(warnings)
    if not body.strip():
        all_warnings.append("The report has no body text after its title block.")
    elif not headings:
        all_warnings.append("No numbered headings were found; passages are split at paragraphs.")
    report = Report(
        report_id=report_id,
        source_path=source_path,
        source_format=source_format,
        content_hash=_content_hash("\n".join(page_metadata + (text,)), overrides),
        text=normalized,
        body_start=frame.body_start,
        body_end=frame.body_end,
        title=frame.title,
        year=year,
        date=frame.date,
        issuer=frame.issuer,
        addressee=frame.addressee,
        sections=build_sections(headings, frame.body_end, top_level_types),
        passages=cite_laws(passages),
    )
    report = _with_place(report, place)
    if overrides:
        report = apply_overrides(report, overrides)
        year_warning = "" if "year" in overrides else year_warning
        place_warnings = () if ("county" in overrides or "division_code" in overrides) else place.warnings
    else:
        place_warnings = place.warnings
    all_warnings.extend(place_warnings)
    if year_warning:
        all_warnings.append(year_warning)
    return replace(report, warnings=tuple(all_warnings) + report.warnings)


def parse_report(path: Path, corpus_root: Path | None = None, catalogue: Catalogue | None = None) -> Report:
    """Read and parse one report file; raises UnreadableDocument with a sentence when it can't be read."""
    path = Path(path)
    corpus_root = Path(corpus_root) if corpus_root else path.parent
    if catalogue is None:
        catalogue = load_catalogue(corpus_root)
    document = read_document(path)
    relative = relative_in_corpus(path, corpus_root).as_posix()
    return parse_text(
        document.text,
        report_id=report_id_for(path, corpus_root),
        # Relative to the corpus folder, so an index built from one working directory works from any other.
        source_path=relative,
        source_format=document.format,
        warnings=document.warnings,
        overrides=catalogue.overrides_for(relative),
        page_metadata=document.page_metadata,
    )


def apply_overrides(report: Report, overrides: dict[str, str]) -> Report:
    """The report with the user's catalogue values; a corrected place fills in its other levels."""
    changes: dict[str, object] = {key: value for key, value in overrides.items() if key in ("title", "date", "issuer")}
    if "year" in overrides:
        changes["year"] = int(overrides["year"])
    place_fields = ("township", "county", "city", "province", "division_code")
    warnings = list(report.warnings)
    if any(field in overrides for field in place_fields):
        given = {field: overrides.get(field, "") for field in ("county", "city", "province")}
        township = overrides.get("township", report.township)
        looked_up = lookup_division(township=township, **given)
        if not looked_up.province:
            # The township is not in the county the user named (or is unknown): trust the user's
            # county and fill in only the levels above it.
            looked_up = replace(lookup_division(**given), township=township, warnings=looked_up.warnings)
        warnings.extend(looked_up.warnings)
        for field in place_fields:
            changes[field] = overrides.get(field) or getattr(looked_up, field)
        changes["township"] = township
    return replace(report, warnings=tuple(warnings), **changes)


def _with_place(report: Report, place: Place) -> Report:
    return replace(
        report,
        township=place.township,
        county=place.county,
        city=place.city,
        province=place.province,
        division_code=place.division_code,
    )


def _content_hash(text: str, overrides: dict[str, str] | None) -> str:
    digest = hashlib.sha256()
    digest.update(PARSER_VERSION.encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    digest.update(repr(sorted((overrides or {}).items())).encode("utf-8"))
    return digest.hexdigest()
