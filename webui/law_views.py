"""The cited-law and copied-passage views: pages and their JSON twins under /api, and their CSV exports.

/laws lists every cited law and document, /laws/<name> shows one; /duplicates lists the largest groups of
near-copied passages and the most copied reports, /duplicates/<passage_id> one passage's group.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import chain

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from indexer.index import BOILERPLATE_REPORTS, SIMILARITY_THRESHOLD
from indexer.research import (
    LAW_SORTS,
    CitingPassage,
    CitingSentence,
    DuplicateGroup,
    DuplicateOverview,
    LawDetail,
    LawSummary,
    ReportShare,
    citation_years,
    cited_laws,
    copies_in_report,
    duplicate_group,
    duplicate_overview,
    find_law,
    is_known_passage,
    iter_group_members,
    law_categories,
    law_detail,
    report_shares,
)
from indexer.search import SearchIndex, csv_lines
from webui import law_messages, messages
from webui.index_holder import current_index
from webui.params import BadParameter

blueprint = Blueprint("law_views", __name__)
api_blueprint = Blueprint("law_views_api", __name__, url_prefix="/api")

_MAX_PAGE = 10_000
_CITING_PER_PAGE = 20
_GROUPS_PER_PAGE = 20
_MEMBERS_IN_LIST = 8
_MEMBERS_PER_PAGE = 100
_UNCATALOGUED_SHOWN = 200



@blueprint.app_context_processor
def copy_helpers() -> dict:
    """`passage_copies(report_id)` for the report page (passage id → other reports holding a near-copy), and the
    number of other reports that makes a passage boilerplate, for the search page's toggle."""
    return {
        "passage_copies": lambda report_id: copies_in_report(current_index(), report_id),
        "boilerplate_reports": BOILERPLATE_REPORTS,
    }


# Requests


def _whole_number(args: MultiDict, name: str, default: int, limit: int, message: str) -> int:
    value = args.get(name, str(default))
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= limit:
        raise BadParameter(message.format(limit=limit, value=value[:50]))
    return number


def _per_page(args: MultiDict, default: int) -> int:
    settings = current_app.config["FAZHI_SETTINGS"]
    return _whole_number(args, "per_page", default, settings.max_per_page, messages.BAD_PER_PAGE)


def _law_list_request(index: SearchIndex, args: MultiDict) -> tuple[str | None, str]:
    """The category and sort of /laws, checked."""
    category = args.get("category", "").strip() or None
    categories = law_categories(index)
    if category is not None and category not in categories:
        raise BadParameter(law_messages.BAD_CATEGORY.format(categories="、".join(categories), value=category[:50]))
    sort = args.get("sort", "reports").strip() or "reports"
    if sort not in LAW_SORTS:
        raise BadParameter(law_messages.BAD_LAW_SORT.format(value=sort[:50]))
    return category, sort


def _law_or_404(index: SearchIndex, name: str) -> LawDetail:
    found = find_law(index, name)
    if found is None:
        abort(404, description=law_messages.UNKNOWN_LAW.format(name=name[:80]))
    page = _whole_number(request.args, "page", 1, _MAX_PAGE, messages.BAD_PAGE)
    return law_detail(index, found, page=page, per_page=_per_page(request.args, _CITING_PER_PAGE))


def _overview(index: SearchIndex) -> DuplicateOverview:
    page = _whole_number(request.args, "page", 1, _MAX_PAGE, messages.BAD_PAGE)
    report_page = _whole_number(request.args, "report_page", 1, _MAX_PAGE, law_messages.BAD_REPORT_PAGE)
    per_page = _per_page(request.args, _GROUPS_PER_PAGE)
    return duplicate_overview(index, page=page, per_page=per_page, report_page=report_page, members_shown=_MEMBERS_IN_LIST)


def _group_or_404(index: SearchIndex, passage_id: str) -> DuplicateGroup:
    page = _whole_number(request.args, "page", 1, _MAX_PAGE, messages.BAD_PAGE)
    group = duplicate_group(index, passage_id, page=page, per_page=_per_page(request.args, _MEMBERS_PER_PAGE))
    if group is not None:
        return group
    if not is_known_passage(index, passage_id):
        abort(404, description=law_messages.UNKNOWN_GROUP_PASSAGE.format(passage_id=passage_id[:80]))
    abort(404, description=law_messages.NO_COPIES.format(passage_id=passage_id[:80]))


# JSON shapes


def law_to_json(law: LawSummary) -> dict:
    """One cited law with its counts and links: the law: search and its own page."""
    return {
        **asdict(law),
        "uncatalogued": law.is_uncatalogued,
        "search_url": url_for("pages.search", law=law.name),
        "url": url_for("law_views.law", name=law.name),
    }


def sentence_html(sentence: CitingSentence) -> Markup:
    """The citing sentence in <mark>, each citation in it in <strong>."""
    pieces, position = [], 0
    for start, end in sentence.spans:
        pieces += [escape(sentence.text[position:start]), Markup("<strong>"), escape(sentence.text[start:end]), Markup("</strong>")]
        position = end
    pieces.append(escape(sentence.text[position:]))
    return Markup("<mark>") + Markup("").join(pieces) + Markup("</mark>")


def citing_passage_to_json(passage: CitingPassage) -> dict:
    """A citing passage: where it is, its citing sentences (with citation spans) and the same as marked HTML."""
    data = asdict(passage)
    data["sentences"] = [{"text": sentence.text, "spans": [list(span) for span in sentence.spans]} for sentence in passage.sentences]
    data["snippet"] = str(Markup(" … ").join(sentence_html(sentence) for sentence in passage.sentences))
    return data


def law_detail_to_json(detail: LawDetail) -> dict:
    """One law: counts by year and section type, and a page of citing passages."""
    return {
        "law": law_to_json(detail.law),
        "aliases": list(detail.aliases),
        "status": detail.status,
        "by_section": [asdict(section) for section in detail.by_section],
        "total": detail.law.passages,
        "page": detail.page,
        "per_page": detail.per_page,
        "passages": [citing_passage_to_json(passage) for passage in detail.passages],
    }


def group_to_json(group: DuplicateGroup) -> dict:
    """A group of near-copies: its representative text and passages."""
    return {**asdict(group), "url": url_for("law_views.duplicate_group", passage_id=group.passage_id)}


def share_to_json(share: ReportShare) -> dict:
    """One report's copied share, with a link to the report."""
    return {**asdict(share), "url": url_for("pages.report", report_id=share.report_id)}


def overview_to_json(overview: DuplicateOverview) -> dict:
    """The /api/duplicates body."""
    return {
        **{name: value for name, value in asdict(overview).items() if name not in ("groups", "reports")},
        "similarity_threshold": SIMILARITY_THRESHOLD,
        "boilerplate_reports": BOILERPLATE_REPORTS,
        "groups": [group_to_json(group) for group in overview.groups],
        "reports": [share_to_json(share) for share in overview.reports],
    }


# Pages and their JSON twins


@blueprint.route("/laws")
def laws():
    """Every cited law and document with its counts by year; uncatalogued documents apart."""
    index = current_index()
    category, sort = _law_list_request(index, request.args)
    found = cited_laws(index, category, sort)
    uncatalogued = [law for law in found if law.is_uncatalogued]
    return render_template(
        "laws.html",
        catalogued=[law for law in found if not law.is_uncatalogued],
        # Every township may name its own local documents: a page lists the most cited, the exports all.
        uncatalogued=uncatalogued[:_UNCATALOGUED_SHOWN],
        uncatalogued_total=len(uncatalogued),
        categories=law_categories(index),
        years=citation_years(index),
        category=category,
        sort=sort,
    )


@api_blueprint.route("/laws")
def laws_json():
    """The JSON twin of /laws."""
    index = current_index()
    category, sort = _law_list_request(index, request.args)
    return jsonify({"laws": [law_to_json(law) for law in cited_laws(index, category, sort)], "years": list(citation_years(index))})


@blueprint.route("/laws.csv")
def laws_csv():
    """/laws as CSV (UTF-8 with BOM, for Excel): one row per law, reports and passages per year."""
    index = current_index()
    category, sort = _law_list_request(index, request.args)
    lines = csv_lines(_law_rows(cited_laws(index, category, sort), citation_years(index)))
    return _csv_response(lines, "fazhi-laws.csv")


@blueprint.route("/laws/<path:name>")
def law(name: str):
    """One law: townships citing it each year, the section types, the citing passages with the sentence marked."""
    detail = _law_or_404(current_index(), name)
    pages = max(1, -(-detail.law.passages // detail.per_page))
    return render_template("law.html", detail=detail, pages=pages, sentence_html=sentence_html)


@api_blueprint.route("/laws/<path:name>")
def law_json(name: str):
    """The JSON twin of /laws/<name>."""
    return jsonify(law_detail_to_json(_law_or_404(current_index(), name)))


@blueprint.route("/duplicates")
def duplicates():
    """The largest groups of near-copied passages (the boilerplate) and the share of each report found elsewhere."""
    overview = _overview(current_index())
    return render_template(
        "duplicates.html",
        overview=overview,
        group_pages=max(1, -(-overview.groups_total // overview.per_page)),
        report_pages=max(1, -(-overview.reports_total // overview.per_page)),
        threshold=SIMILARITY_THRESHOLD,
        boilerplate_reports=BOILERPLATE_REPORTS,
        group=None,
    )


@api_blueprint.route("/duplicates")
def duplicates_json():
    """The JSON twin of /duplicates."""
    return jsonify(overview_to_json(_overview(current_index())))


@blueprint.route("/duplicates.csv")
def duplicates_csv():
    """Every passage of every group, one row each, largest group first (CSV, UTF-8 with BOM)."""
    columns = ("group", "group_reports", "group_passages", "passage_id", "report_id", "title", "township", "county",
               "province", "year", "section_type", "section_label", "url")
    rows = (
        [group, reports, passages, member.passage_id, member.report_id, member.title, member.township, member.county,
         member.province, member.year, member.section_type, member.section_label, member.url]
        for group, reports, passages, member in iter_group_members(current_index())
    )
    return _csv_response(csv_lines(chain([columns], rows)), "fazhi-duplicates.csv")


@blueprint.route("/duplicates/reports.csv")
def report_shares_csv():
    """Every report with the share of its text that other reports hold near-copies of (CSV, UTF-8 with BOM)."""
    columns = ("report_id", "title", "township", "county", "province", "year", "characters", "copied_characters", "share")
    rows = ([getattr(share, column) for column in columns] for share in report_shares(current_index()))
    return _csv_response(csv_lines(chain([columns], rows)), "fazhi-duplicate-shares.csv")


@blueprint.route("/duplicates/<passage_id>", endpoint="duplicate_group")
def duplicate_group_page(passage_id: str):
    """One group: the representative text and every passage that near-copies it."""
    group = _group_or_404(current_index(), passage_id)
    member_pages = max(1, -(-group.passages // group.per_page))
    return render_template("duplicates.html", group=group, passage_id=passage_id, member_pages=member_pages, overview=None)


@api_blueprint.route("/duplicates/<passage_id>")
def duplicate_group_json(passage_id: str):
    """The JSON twin of /duplicates/<passage_id>."""
    return jsonify(group_to_json(_group_or_404(current_index(), passage_id)))


# CSV


def _law_rows(laws: Iterable[LawSummary], years: tuple[int, ...]) -> Iterator[list]:
    yield ["name", "short_name", "category", "reports", "passages", "townships",
           *[f"{column}_{year}" for year in years for column in ("reports", "passages")]]
    for law in laws:
        by_year = [getattr(law.in_year(year), column, 0) for year in years for column in ("reports", "passages")]
        yield [law.name, law.short_name, law.category, law.reports, law.passages, law.townships, *by_year]


def _csv_response(lines: Iterator[str], file_name: str) -> Response:
    response = Response(lines, mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={file_name}"
    return response
