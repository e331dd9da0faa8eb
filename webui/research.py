"""The research views (concordance, trends, coverage): pages, CSV exports and their JSON twins under /api.

Each page and its twin read the request the same way and call the same indexer function, so they
never disagree; all state is in the URL, with the filter parameters of /search.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from indexer.research import (
    CONCORDANCE_SORTS,
    DEFAULT_TOPICS,
    FEW_REPORTS,
    MAX_QUERIES,
    MAX_TOPICS,
    Concordance,
    Coverage,
    CoverageRow,
    Trends,
    WorkLimit,
    concordance,
    concordance_lines,
    concordance_to_json,
    coverage,
    coverage_rows,
    coverage_to_json,
    line_to_json,
    split_topics,
    trends,
    trends_to_json,
)
from indexer.search import (
    Notice,
    SearchFilters,
    SearchResult,
    csv_lines,
    make_notice,
    search,
)
from webui import links, messages, research_messages
from webui.charts import ChartSeries, share_bar_chart, share_line_chart
from webui.describe import describe_filters
from webui.heavy_work import heavy_slot
from webui.index_holder import current_index
from webui.params import FACET_PARAMETERS, BadParameter, read_search_request
from webui.streams import CSV, export_response

blueprint = Blueprint("research", __name__)
api_blueprint = Blueprint("research_api", __name__, url_prefix="/api")

CONCORDANCE_PER_PAGE = 50
COVERAGE_PER_PAGE = 100
CHARTS = ("year", "province")
_QUERY_SEPARATORS = re.compile(r"[、；;\n]+")
# `section_type` is read too, as /search reads it.
_FILTER_PARAMETERS = (*FACET_PARAMETERS.values(), "section_type")
_STATE_PARAMETERS = ("q", "topics", *_FILTER_PARAMETERS, "match", "sort", "per_page")


@dataclass(frozen=True)
class ResearchRequest:
    """What a research view asks for: queries (one for the concordance, several for trends), topics, filters, page."""

    queries: tuple[str, ...]
    topics: tuple[str, ...]
    filters: SearchFilters
    page: int
    per_page: int
    sort: str
    match_words: bool = False  # match=words: only whole-word matches


# Reading requests


def read_research_request(args: MultiDict, default_per_page: int = CONCORDANCE_PER_PAGE) -> ResearchRequest:
    """Check a research view's arguments: filters, page and per_page as /search checks them, then q, topics and sort."""
    settings = current_app.config["FAZHI_SETTINGS"]
    # /search's reader checks everything but its own sort orders; ours differ, so they are read here.
    checked = MultiDict(args)
    checked.poplist("sort")
    checked.poplist("q")
    checked.setdefault("per_page", str(min(default_per_page, settings.max_per_page)))
    common = read_search_request(checked, settings)
    queries = tuple(dict.fromkeys(query.strip() for query in args.getlist("q") if query.strip()))
    for query in queries:
        if len(query) > settings.max_query_chars:
            raise BadParameter(messages.QUERY_TOO_LONG.format(length=len(query), limit=settings.max_query_chars))
    topics = split_topics(args.get("topics", "")) or DEFAULT_TOPICS
    if len(topics) > MAX_TOPICS:
        raise BadParameter(research_messages.TOO_MANY_TOPICS.format(limit=MAX_TOPICS, count=len(topics)))
    for topic in topics:
        if len(topic) > settings.max_query_chars:
            raise BadParameter(research_messages.TOPIC_TOO_LONG.format(topic=topic[:20], limit=settings.max_query_chars))
    return ResearchRequest(
        queries=queries, topics=topics, filters=common.filters, page=common.page, per_page=common.per_page,
        sort=args.get("sort", "") or "", match_words=common.match_words,
    )


def _concordance_request(args: MultiDict) -> ResearchRequest:
    wanted = read_research_request(args, CONCORDANCE_PER_PAGE)
    sort = wanted.sort or "document"
    if sort not in CONCORDANCE_SORTS:
        raise BadParameter(research_messages.BAD_CONCORDANCE_SORT.format(value=sort[:50]))
    return replace(wanted, queries=wanted.queries[:1], sort=sort)


def _trends_request(args: MultiDict) -> ResearchRequest:
    wanted = read_research_request(args)
    # Several queries may share one box, separated by 、 or ； (the header's box on the trends view).
    split = (part.strip() for query in wanted.queries for part in _QUERY_SEPARATORS.split(query))
    wanted = replace(wanted, queries=tuple(dict.fromkeys(part for part in split if part)))
    if len(wanted.queries) > MAX_QUERIES:
        raise BadParameter(research_messages.TOO_MANY_QUERIES.format(limit=MAX_QUERIES, count=len(wanted.queries)))
    return wanted



def _work_limit() -> WorkLimit:
    """The occurrences and seconds a concordance request may take on (settings max_concordance_lines, max_request_seconds)."""
    settings = current_app.config["FAZHI_SETTINGS"]
    return WorkLimit(occurrences=settings.max_concordance_lines, deadline=time.monotonic() + settings.max_request_seconds)


def _cut_notice(limit: WorkLimit, counted: int) -> Notice | None:
    """What the page, its twin and the CSV say when a concordance stopped at its limit (None when it did not)."""
    settings = current_app.config["FAZHI_SETTINGS"]
    if limit.stopped == "occurrences":
        return make_notice("concordance_cut_lines", count=str(counted), limit=str(settings.max_concordance_lines))
    if limit.stopped == "time":
        return make_notice("concordance_cut_time", count=str(counted), seconds=str(settings.max_request_seconds))
    return None


def _concordance(args: MultiDict) -> tuple[ResearchRequest, Concordance]:
    wanted = _concordance_request(args)
    query = wanted.queries[0] if wanted.queries else ""
    limit = _work_limit()
    with heavy_slot():
        result = concordance(
            current_index(), query, wanted.filters, page=wanted.page, per_page=wanted.per_page, sort=wanted.sort,
            match_words=wanted.match_words, limit=limit,
        )
    cut = _cut_notice(limit, result.total)
    if cut is not None:
        result = replace(result, notices=(*result.notices, cut))
    return wanted, result


def _trends(args: MultiDict) -> tuple[ResearchRequest, Trends]:
    wanted = _trends_request(args)
    with heavy_slot():
        return wanted, trends(current_index(), wanted.queries, wanted.filters, match_words=wanted.match_words)


def _coverage(args: MultiDict) -> tuple[ResearchRequest, Coverage]:
    wanted = read_research_request(args, COVERAGE_PER_PAGE)
    with heavy_slot():
        return wanted, coverage(
            current_index(), wanted.topics, wanted.filters, page=wanted.page, per_page=wanted.per_page,
            match_words=wanted.match_words,
        )


# URLs (the state lives in the URL, as on /search)


def view_url(endpoint: str, args: MultiDict, **changes: str | int | None) -> str:
    """The URL of a research view with this request's state, some parameters replaced (None removes one)."""
    pairs = [(name, value) for name in _STATE_PARAMETERS if name not in changes for value in args.getlist(name) if value != ""]
    pairs += [(name, str(value)) for name, value in changes.items() if value not in (None, "")]
    query = urlencode(pairs)
    return url_for(endpoint) + (f"?{query}" if query else "")


def without_query_url(args: MultiDict, query: str) -> str:
    """The trends view with one of its queries taken off the chart."""
    kept = [part.strip() for value in args.getlist("q") for part in _QUERY_SEPARATORS.split(value) if part.strip() != query.strip()]
    pairs = [("q", part) for part in dict.fromkeys(kept) if part]
    pairs += [(name, value) for name in _STATE_PARAMETERS if name != "q" for value in args.getlist(name) if value != ""]
    return url_for("research.trends") + (f"?{urlencode(pairs)}" if pairs else "")


def filter_pairs(args: MultiDict) -> list[tuple[str, str]]:
    """The request's filter parameters, for hidden fields that keep them when a form is sent again."""
    return [(name, value) for name in _FILTER_PARAMETERS for value in args.getlist(name) if value != ""]


def topic_search_url(args: MultiDict, topic: str, row: CoverageRow) -> str:
    """A search for one topic in one report's township and year (the report page itself when the township is unknown)."""
    if not row.township:
        return url_for("pages.report", report_id=row.report_id, q=topic)
    pairs = [("q", topic), ("township", row.township)]
    if row.year is not None:
        pairs.append(("year", str(row.year)))
    pairs += [(name, value) for name, value in filter_pairs(args) if name not in ("township", "year")]
    return url_for("pages.search") + "?" + urlencode(pairs)


@blueprint.context_processor
def research_helpers() -> dict:
    """The URL helpers and sentences the research templates use."""
    return {
        "view_url": view_url, "without_query_url": without_query_url, "filter_pairs": filter_pairs,
        "topic_search_url": topic_search_url, "research_messages": research_messages,
    }


def _sidebar(wanted: ResearchRequest, query: str) -> SearchResult:
    """The facet counts beside a research view, as /search counts them for the same query and filters."""
    settings = current_app.config["FAZHI_SETTINGS"]
    return search(
        current_index(), query, wanted.filters, facet_limit=settings.facet_size, match_words=wanted.match_words,
        with_hits=False,
    )


def _search_box(endpoint: str, args: MultiDict, value: str, **words: str) -> dict:
    """The header's search box pointed at a research view: its query, and the filters kept as hidden fields."""
    return {"search_action": url_for(endpoint), "search_value": value, "search_hidden": links.kept_state(args), **words}


def _filter_words(filters: SearchFilters) -> list[str]:
    return describe_filters(filters, current_index().table.law_labels)


# Concordance


@blueprint.route("/kwic")
def kwic():
    """Every occurrence of the query as a line: left context, the match, right context, aligned."""
    wanted, result = _concordance(request.args)
    description = ""
    if result.query:
        summary = research_messages.CONCORDANCE_SUMMARY.format(
            query=result.query, total=result.total, reports=result.total_reports, passages=result.total_passages
        )
        description = " · ".join([summary, *_filter_words(result.filters)])
    return render_template(
        "kwic.html", result=result, wanted=wanted, args=request.args, description=description,
        pages=max(1, -(-result.total // result.per_page)), sorts=(("document", "文档顺序"), ("left", "按左侧语境"), ("right", "按右侧语境")),
        sidebar=_sidebar(wanted, result.query),
        **_search_box("research.kwic", request.args, result.query, search_button="列出语境"),
    )


@api_blueprint.route("/kwic")
def kwic_json():
    """The concordance page's JSON twin: `total` occurrences and one page of `lines`."""
    _, result = _concordance(request.args)
    return jsonify(concordance_to_json(result, messages.notice_text))


@blueprint.route("/kwic.csv")
def kwic_csv():
    """Every concordance line of the query and filters, as CSV (UTF-8 with BOM, for Excel)."""
    wanted = _concordance_request(request.args)
    query = wanted.queries[0] if wanted.queries else ""
    limit = _work_limit()
    lines = concordance_lines(
        current_index(), query, wanted.filters, sort=wanted.sort, match_words=wanted.match_words, limit=limit
    )
    header = ("left", "match", "right", "township", "county", "province", "year", "section_label", "passage_id", "report_id", "url")

    def rows() -> Iterator[list]:
        count = 0
        for line in lines:
            count += 1
            yield [line_to_json(line)[name] for name in header]
        cut = _cut_notice(limit, count)
        if cut is not None:
            yield [messages.notice_text((cut,))]

    return csv_response("fazhi-kwic.csv", header, rows(), "fazhi kwic")


# Trends


@blueprint.route("/trends", endpoint="trends")
def trends_page():
    """Shares of reports by year (a line per query) and by province, drawn in SVG with the numbers beside."""
    wanted, result = _trends(request.args)
    summaries = [
        research_messages.TRENDS_SUMMARY.format(query=one.query, reports=one.reports, passages=one.passages)
        for one in result.series
    ]
    return render_template(
        "trends.html", result=result, wanted=wanted, args=request.args, sidebar=_sidebar(wanted, ""),
        **_search_box(
            "research.trends", request.args, "、".join(wanted.queries), search_button="画出趋势",
            search_label="比较的检索词，用顿号分开", search_placeholder="检索词，用顿号分开，如 枫桥经验、网格化",
        ),
        description=" · ".join(["；".join(summaries), *_filter_words(result.filters)]) if summaries else "",
        year_chart=Markup(_chart(result, "year")) if result.series else "",
        province_chart=Markup(_chart(result, "province")) if result.series else "",
        by_year=_table(result, "year"), by_province=_table(result, "province"), few_reports=FEW_REPORTS,
        few_in={
            label: any(point.has_few_reports for one in result.series for point in getattr(one, points))
            for label, points in (("年份", "by_year"), ("省份", "by_province"))
        },
    )


@api_blueprint.route("/trends")
def trends_json():
    """The trends page's JSON twin: per query, reports, passages and share by year and by province."""
    _, result = _trends(request.args)
    return jsonify(trends_to_json(result, messages.notice_text))


@blueprint.route("/trends.svg")
def trends_svg():
    """The trends chart alone (chart=year, the default, or chart=province), as an SVG image."""
    chart = request.args.get("chart", "year") or "year"
    if chart not in CHARTS:
        raise BadParameter(research_messages.BAD_CHART.format(value=chart[:50]))
    _, result = _trends(request.args)
    return Response(_chart(result, chart), mimetype="image/svg+xml")


@blueprint.route("/trends.csv")
def trends_csv():
    """The trends numbers as CSV: one row per query and year, then per query and province."""
    _, result = _trends(request.args)
    header = ("query", "by", "value", "reports", "all_reports", "share", "passages")
    rows = [
        (one.query, name, point.value, point.reports, point.all_reports, round(point.share, 4), point.passages)
        for one in result.series
        for name, points in (("year", one.by_year), ("province", one.by_province))
        for point in points
    ]
    return csv_response("fazhi-trends.csv", header, rows, None)


def _chart(result: Trends, by: str) -> str:
    """The year line chart or the province bar chart of the result's series."""
    categories = tuple(map(str, result.years)) if by == "year" else result.provinces
    series = []
    totals = [0] * len(categories)
    for one in result.series:
        points = {point.value: point for point in (one.by_year if by == "year" else one.by_province)}
        chosen = [points.get(category) for category in categories]
        totals = [max(total, point.all_reports if point else 0) for total, point in zip(totals, chosen)]
        series.append(ChartSeries(
            label=one.query,
            values=tuple(point.share if point else None for point in chosen),
            notes=tuple(f"{point.reports}/{point.all_reports} 篇报告" if point else "" for point in chosen),
        ))
    if by == "year":
        return share_line_chart("trend-by-year", "各年份报告中出现的占比", categories, tuple(series), tuple(totals), FEW_REPORTS)
    return share_bar_chart("trend-by-province", "各省份报告中出现的占比", categories, tuple(series), tuple(totals), FEW_REPORTS)


def _table(result: Trends, by: str) -> list[tuple[str, list]]:
    """Rows for the numbers table: a year or province, then each query's point there (None where it has none)."""
    categories = tuple(map(str, result.years)) if by == "year" else result.provinces
    lookups = [{point.value: point for point in (one.by_year if by == "year" else one.by_province)} for one in result.series]
    return [(category, [lookup.get(category) for lookup in lookups]) for category in categories]


# Coverage


@blueprint.route("/coverage", endpoint="coverage")
def coverage_page():
    """Reports (rows) × topics (columns): a mark and the passage count where a report covers a topic."""
    wanted, result = _coverage(request.args)
    summary = research_messages.COVERAGE_SUMMARY.format(total=result.total, topics=len(result.topics))
    return render_template(
        "coverage.html", result=result, wanted=wanted, args=request.args,
        description=" · ".join([summary, *_filter_words(result.filters)]),
        topics_text="、".join(wanted.topics), pages=max(1, -(-result.total // result.per_page)),
    )


@api_blueprint.route("/coverage")
def coverage_json():
    """The coverage page's JSON twin: the topics with totals, and one page of report rows."""
    _, result = _coverage(request.args)
    return jsonify(coverage_to_json(result, messages.notice_text))


@blueprint.route("/coverage.csv")
def coverage_csv():
    """The whole grid as CSV: one row per report, a passage count per topic (empty where not covered)."""
    wanted = read_research_request(request.args, COVERAGE_PER_PAGE)
    summaries, rows = coverage_rows(current_index(), wanted.topics, wanted.filters, match_words=wanted.match_words)
    header = ("report_id", "township", "county", "province", "year", "title", *(topic.topic for topic in summaries))
    lines = (
        (row.report_id, row.township, row.county, row.province, row.year, row.title, *(count or "" for count in row.passages))
        for row in rows
    )
    return csv_response("fazhi-coverage.csv", header, lines, None)


def csv_response(filename: str, header: tuple[str, ...], rows: Iterable[Iterable], command: str | None) -> Response:
    """Rows streamed as CSV that opens cleanly in Excel (UTF-8 with BOM), capped; `command` exports the same uncapped."""
    return export_response(csv_lines(chain([header], rows)), filename, CSV, command)
