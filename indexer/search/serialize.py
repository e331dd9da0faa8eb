"""Reports and passages in, the plain JSON shapes that `fazhi inspect --json` and the API print out."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator

from indexer.parse import SECTION_LABELS, counts_as_law, names_by_kind
from indexer.report import EVENT, LawCitation, Passage, Report, Section
from indexer.search.notices import NoticeText, notices_to_json
from indexer.search.spreadsheet import csv_lines


def section_to_json(section: Section) -> dict:
    """One outline node with its children."""
    return {
        "number": section.number,
        "title": section.title,
        "level": section.level,
        "section_type": section.section_type,
        "children": [section_to_json(child) for child in section.children],
    }


def citation_to_json(citation: LawCitation) -> dict:
    """A cited law as a passage lists it."""
    data = {"name": citation.name, "category": citation.category, "kind": citation.kind}
    if citation.article:
        data["article"] = citation.article
    return data


def passage_to_json(passage: Passage) -> dict:
    """One passage with its place in the report and the laws it cites."""
    return {
        "passage_id": passage.passage_id,
        "heading_path": list(passage.heading_path),
        "section_type": passage.section_type,
        "section_label": SECTION_LABELS.get(passage.section_type, passage.section_type),
        "text": passage.text,
        "start": passage.start,
        "end": passage.end,
        "cited_laws": [citation_to_json(citation) for citation in passage.cited_laws],
    }


def count_cited_laws(passages: Iterable[Passage]) -> list[dict]:
    """One row per law (or document, or event named after a law) a report cites: `count` is how many of its
    passages cite it (a passage naming it twice counts once), `mentions` how often it is named. Citations of
    laws first, then documents, then events; most cited first within each."""
    passages_citing: Counter = Counter()
    mentions: Counter = Counter()
    first: dict[tuple[str, str], LawCitation] = {}
    for passage in passages:
        keys = [(citation.name, citation.kind) for citation in passage.cited_laws]
        mentions.update(keys)
        passages_citing.update(set(keys))
        for key, citation in zip(keys, passage.cited_laws):
            first.setdefault(key, citation)
    return [
        {"name": name, "category": first[name, kind].category, "short_name": first[name, kind].label, "kind": kind,
         "counts_as_law": counts_as_law(first[name, kind]), "count": count, "mentions": mentions[name, kind]}
        for (name, kind), count in sorted(passages_citing.items(), key=lambda item: (
            _group_of(first[item[0]]), -item[1], item[0][0]))
    ]


def _group_of(citation: LawCitation) -> int:
    # Laws, then documents, then events.
    return 0 if counts_as_law(citation) else 2 if citation.kind == EVENT else 1


def report_to_json(report: Report) -> dict:
    """The whole parsed report: metadata, outline, passages, cited laws and warnings."""
    return {
        "report_id": report.report_id,
        "title": report.title,
        "township": report.township,
        "county": report.county,
        "city": report.city,
        "province": report.province,
        "division_code": report.division_code,
        "year": report.year,
        "date": report.date,
        "issuer": report.issuer,
        "addressee": report.addressee,
        "source_format": report.source_format,
        "sections": [section_to_json(section) for section in report.sections],
        "passages": [passage_to_json(passage) for passage in report.passages],
        "cited_laws": count_cited_laws(report.passages),
        "warnings": list(report.warnings),
    }


def unreadable_to_json(path: str, sentence: str) -> dict:
    """What `inspect --json` prints for a file it could not read: the same keys, empty, and the reason."""
    empty: dict = {key: "" for key in ("title", "township", "county", "city", "province", "division_code", "date", "issuer")}
    return {
        "report_id": None,
        "source_path": path,
        **empty,
        "year": None,
        "sections": [],
        "passages": [],
        "cited_laws": [],
        "warnings": [sentence],
    }


def filters_to_json(filters) -> dict:
    """Search filters as the JSON lists a client sends back: years as 2023 or 2021..2024."""
    return {
        "township": list(filters.township),
        "county": list(filters.county),
        "province": list(filters.province),
        "year": [str(year_range) for year_range in filters.year],
        "section_type": list(filters.section_type),
        "law": list(filters.law),
    }


def hit_to_json(hit) -> dict:
    """One search hit."""
    return {
        "passage_id": hit.passage_id,
        "report_id": hit.report_id,
        "title": hit.title,
        "township": hit.township,
        "county": hit.county,
        "city": hit.city,
        "province": hit.province,
        "year": hit.year,
        "section_type": hit.section_type,
        "section_label": hit.section_label,
        "heading_path": list(hit.heading_path),
        "snippet": hit.snippet,
        "score": round(hit.score, 4),
        "url": hit.url,
        "duplicate_reports": hit.duplicate_reports,
        "across_words": hit.across_words,
    }


def exported_passage_to_json(passage) -> dict:
    """One exported passage: the hit fields plus its text and cited laws."""
    return {
        **hit_to_json(passage),
        "text": passage.text,
        "cited_laws": [citation_to_json(citation) for citation in passage.cited_laws],
    }


def search_result_to_json(result, notice_text: NoticeText) -> dict:
    """A page of search results, as `fazhi search --json` and `GET /api/search` print it; `notice_text` words
    the notices (both pass the web app's Chinese wording, so the twins stay identical)."""
    return {
        "query": result.query,
        "filters": filters_to_json(result.filters),
        "total": result.total,
        "total_reports": result.total_reports,
        "page": result.page,
        "per_page": result.per_page,
        "sort": result.sort,
        "match": "words" if result.match_words else "substring",
        "notice": notice_text(result.notices),
        "notices": notices_to_json(result.notices),
        "hits": [hit_to_json(hit) for hit in result.hits],
        "facets": {
            name: [
                {"value": value.value, "label": value.label, "count": value.count, "reports": value.reports}
                for value in values
            ]
            for name, values in result.facets.items()
        },
    }


EXPORT_COLUMNS = (
    "passage_id", "report_id", "title", "township", "county", "city", "province", "year",
    "section_type", "section_label", "heading_path", "url", "text", "cited_laws", "duplicate_reports", "across_words",
    "cited_documents", "law_events",
)


def export_lines(passages: Iterable, file_format: str) -> Iterator[str]:
    """Exported passages as JSON lines, or as CSV that opens cleanly in Excel (UTF-8 with BOM)."""
    if file_format == "jsonl":
        for passage in passages:
            yield json.dumps(exported_passage_to_json(passage), ensure_ascii=False) + "\n"
        return
    yield from csv_lines(_export_rows(passages))


def _export_rows(passages: Iterable) -> Iterator[list]:
    yield list(EXPORT_COLUMNS)
    for passage in passages:
        row = exported_passage_to_json(passage)
        row["heading_path"] = " › ".join(row["heading_path"])
        # Each name once; documents and events named after a law in columns of their own, as /laws counts them.
        by_kind = names_by_kind(passage.cited_laws)
        row["cited_laws"] = "；".join(by_kind.laws)
        row["cited_documents"] = "；".join(by_kind.documents)
        row["law_events"] = "；".join(by_kind.events)
        yield [row[column] if row[column] is not None else "" for column in EXPORT_COLUMNS]
