"""The reviewer's and researcher's views: /review (required contents and deadlines per report) and /figures
(numbers stated next to a phrase); each a page, a JSON twin under /api and a CSV export, all taking the
search filters as the research views do.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from indexer.parse import SECTION_LABELS
from indexer.research import (
    FLAGS,
    MIN_PROBLEM_CHARS,
    Figures,
    Review,
    deadlines,
    figure_to_json,
    figures,
    figures_to_json,
    iter_figures,
    iter_reviews,
    report_review_to_json,
    required_parts,
    review,
    review_to_json,
)
from webui import messages, review_messages
from webui.describe import describe_filters
from webui.figure_chart import value_bar_chart
from webui.index_holder import current_index
from webui.params import BadParameter
from webui.research import csv_response, filter_pairs, read_research_request, view_url

blueprint = Blueprint("review_views", __name__)
api_blueprint = Blueprint("review_views_api", __name__, url_prefix="/api")

REVIEW_PER_PAGE = 50
FIGURES_PER_PAGE = 100
_MAX_PROBLEM_CHARS = 10_000


@blueprint.context_processor
def review_helpers() -> dict:
    """The URL helpers, labels and sentences the review and figures templates use."""
    return {
        "view_url": view_url, "filter_pairs": filter_pairs, "review_messages": review_messages,
        "number": _number, "flag_labels": FLAGS, "required_parts": required_parts(), "deadlines": deadlines(), "section_labels": SECTION_LABELS,
    }


def _number(value: float) -> str:
    """A figure as people write it: 180, 97.8 (not 180.0)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


# Review


def _min_problem_chars(args: MultiDict) -> int:
    value = args.get("min_problem_chars", "").strip() or str(MIN_PROBLEM_CHARS)
    if not value.isdigit() or int(value) > _MAX_PROBLEM_CHARS:
        raise BadParameter(review_messages.BAD_MIN_PROBLEM_CHARS.format(limit=_MAX_PROBLEM_CHARS, value=value[:50]))
    return int(value)


def _review(args: MultiDict) -> Review:
    wanted = read_research_request(_without(args, "min_problem_chars"), REVIEW_PER_PAGE)
    return review(current_index(), wanted.filters, page=wanted.page, per_page=wanted.per_page,
                  min_problem_chars=_min_problem_chars(args))


def _without(args: MultiDict, *names: str) -> MultiDict:
    kept = MultiDict(args)
    for name in names:
        kept.poplist(name)
    return kept


@blueprint.route("/review", endpoint="review")
def review_page():
    """Each report's required parts (found where, or missing), date against the deadline, length and flags."""
    result = _review(request.args)
    summary = result.summary
    description = review_messages.REVIEW_SUMMARY.format(
        reports=summary.reports, complete=summary.complete, missing_part=summary.missing_part, late=summary.late,
        undated=summary.undated,
    )
    return render_template(
        "review.html", result=result, args=request.args,
        description=" · ".join([description, *describe_filters(result.filters, current_index().table.law_labels)]),
        pages=max(1, -(-result.total // result.per_page)),
    )



@api_blueprint.route("/review")
def review_json():
    """The review page's JSON twin: one page of report rows and the summary over all of them."""
    return jsonify(review_to_json(_review(request.args)))


@blueprint.route("/review.csv")
def review_csv():
    """Every report under the filters, checked, as CSV (UTF-8 with BOM)."""
    wanted = read_research_request(_without(request.args, "min_problem_chars"), REVIEW_PER_PAGE)
    rows = iter_reviews(current_index(), wanted.filters, _min_problem_chars(request.args))
    keys = [part.key for part in required_parts()]
    header = ("report_id", "township", "county", "province", "year", "date", "on_time", "characters",
              *(f"part_{key}" for key in keys), "missing", "problem_characters", "copied_share", "flags")

    def lines():
        for one in rows:
            data = report_review_to_json(one)
            found = {part["key"]: f'{part["found_in"]["level"]}:{part["found_in"]["heading"]}' for part in data["parts"]}
            yield (one.report_id, one.township, one.county, one.province, one.year, one.date,
                   "" if one.on_time is None else int(one.on_time), one.characters, *(found.get(key, "") for key in keys),
                   " ".join(one.missing), one.problem_characters, one.copied_share, " ".join(one.flags))

    return csv_response("fazhi-review.csv", header, lines(), None)


# Figures


def _figures(args: MultiDict) -> Figures:
    wanted = read_research_request(args, FIGURES_PER_PAGE)
    query = wanted.queries[0] if wanted.queries else ""
    return figures(current_index(), query, wanted.filters, page=wanted.page, per_page=wanted.per_page,
                   match_words=wanted.match_words)


@blueprint.route("/figures", endpoint="figures")
def figures_page():
    """Every number stated next to the phrase, per report, and by year and province as a table and SVG charts."""
    result = _figures(request.args)
    description = ""
    if result.query:
        description = " · ".join([
            review_messages.FIGURES_SUMMARY.format(
                query=result.query, total=result.total, reports=len({one.report_id for one in result.by_report})),
            *describe_filters(result.filters, current_index().table.law_labels),
        ])
    return render_template(
        "figures.html", result=result, args=request.args, description=description,
        notice=messages.notice_text(result.notices),
        pages=max(1, -(-result.total // result.per_page)),
        year_chart=_chart(result, "year"), province_chart=_chart(result, "province"),
    )


@api_blueprint.route("/figures")
def figures_json():
    """The figures page's JSON twin: one page of figures, every report's figure, and the groups by year and province."""
    return jsonify(figures_to_json(_figures(request.args), messages.notice_text))


@blueprint.route("/figures.csv")
def figures_csv():
    """Every figure of the phrase (up to the bound) as CSV."""
    wanted = read_research_request(request.args, FIGURES_PER_PAGE)
    query = wanted.queries[0] if wanted.queries else ""
    header = ("value", "unit", "as_written", "approximate", "phrase", "township", "county", "province", "year",
              "report_id", "passage_id", "sentence", "url")
    rows = ([figure_to_json(one)[name] for name in header] for one in iter_figures(current_index(), query, wanted.filters, wanted.match_words))
    return csv_response("fazhi-figures.csv", header, rows, None)


def _chart(result: Figures, by: str) -> Markup | str:
    """The median figure per report in the main unit, by year or by province ("" when there is none)."""
    groups = [one for one in (result.by_year if by == "year" else result.by_province) if one.unit == result.main_unit]
    if not groups:
        return ""
    title = f"“{result.query}”每篇报告的数字（中位数，{result.main_unit}），按{'年份' if by == 'year' else '省份'}"
    return Markup(value_bar_chart(
        f"figures-by-{by}", title, tuple(one.value for one in groups), tuple(one.median for one in groups),
        tuple(f"{one.reports} 篇报告" for one in groups),
    ))

