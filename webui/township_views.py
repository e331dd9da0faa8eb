"""The same township across years and two reports compared: /townships (townships whose problems repeat),
/townships/<name> (every report by year, outlines side by side, what each year copied from the last), and
/compare?a=&b=; each with its JSON twin under /api (and a CSV of the list).
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from indexer.parse import SECTION_LABELS
from indexer.research import (
    Comparison,
    TownshipHistory,
    compare_reports,
    comparison_to_json,
    repeating_to_json,
    repeating_townships,
    stored_report,
    township_histories,
    township_to_json,
)
from webui import messages, review_messages
from webui.index_holder import current_index
from webui.params import BadParameter
from webui.research import csv_response

blueprint = Blueprint("township_views", __name__)
api_blueprint = Blueprint("township_views_api", __name__, url_prefix="/api")

TOWNSHIPS_PER_PAGE = 50
_MAX_NAME_CHARS = 100
_MAX_PAGE = 10_000


@blueprint.context_processor
def township_helpers() -> dict:
    """Section labels and sentences for the township and comparison templates."""
    return {"section_labels": SECTION_LABELS, "review_messages": review_messages}


def _page(args: MultiDict) -> tuple[int, int]:
    settings = current_app.config["FAZHI_SETTINGS"]
    page, per_page = args.get("page", "1"), args.get("per_page", str(min(TOWNSHIPS_PER_PAGE, settings.max_per_page)))
    if not page.isdigit() or not 1 <= int(page) <= _MAX_PAGE:
        raise BadParameter(messages.BAD_PAGE.format(limit=_MAX_PAGE, value=page[:50]))
    if not per_page.isdigit() or not 1 <= int(per_page) <= settings.max_per_page:
        raise BadParameter(messages.BAD_PER_PAGE.format(limit=settings.max_per_page, value=per_page[:50]))
    return int(page), int(per_page)


def _county(args: MultiDict) -> str:
    county = args.get("county", "").strip()
    if len(county) > _MAX_NAME_CHARS:
        raise BadParameter(messages.VALUE_TOO_LONG.format(name="county", limit=_MAX_NAME_CHARS))
    return county


def _histories(name: str) -> tuple[TownshipHistory, ...]:
    county = _county(request.args)
    if len(name) > _MAX_NAME_CHARS:
        raise BadParameter(messages.VALUE_TOO_LONG.format(name="township", limit=_MAX_NAME_CHARS))
    found = township_histories(current_index(), name.strip(), county)
    if not found:
        where = review_messages.IN_COUNTY.format(county=county) if county else ""
        abort(404, description=review_messages.UNKNOWN_TOWNSHIP.format(name=name[:50], county=where))
    return found


@blueprint.route("/townships", endpoint="townships")
def townships_page():
    """Townships whose problems passages reappear in the next year's report, most repeats first; a box to find one."""
    name = request.args.get("township", "").strip()
    if name and len(name) <= _MAX_NAME_CHARS:
        return redirect(url_for("township_views.township", name=name))
    page, per_page = _page(request.args)
    found = repeating_townships(current_index())
    return render_template(
        "townships.html", rows=found[(page - 1) * per_page:page * per_page], total=len(found), page=page,
        per_page=per_page, pages=max(1, -(-len(found) // per_page)),
    )


@api_blueprint.route("/townships")
def townships_json():
    """The townships list's JSON twin."""
    page, per_page = _page(request.args)
    found = repeating_townships(current_index())
    return jsonify({"total": len(found), "page": page, "per_page": per_page,
                    "townships": [repeating_to_json(one) for one in found[(page - 1) * per_page:page * per_page]]})


@blueprint.route("/townships.csv")
def townships_csv():
    """Every township whose problems repeat, as CSV."""
    header = ("township", "county", "province", "years", "repeating_years", "repeated_passages")
    rows = (
        (one.township, one.county, one.province, " ".join(map(str, one.years)), " ".join(map(str, one.repeating_years)),
         one.repeated_passages)
        for one in repeating_townships(current_index())
    )
    return csv_response("fazhi-townships.csv", header, rows, None)


@blueprint.route("/townships/<name>", endpoint="township")
def township_page(name: str):
    """Every report of the township by year, outlines side by side, and what each year repeats of the last."""
    return render_template("township.html", name=name, histories=_histories(name), county=_county(request.args))


@api_blueprint.route("/townships/<name>")
def township_json(name: str):
    """The township page's JSON twin: per county of that name, the reports by year and the year-to-year pairs."""
    return jsonify({"township": name, "places": [township_to_json(one) for one in _histories(name)]})


def _comparison() -> Comparison:
    a, b = request.args.get("a", "").strip(), request.args.get("b", "").strip()
    if not a or not b:
        raise BadParameter(review_messages.COMPARE_NEEDS_TWO)
    if len(a) > 200 or len(b) > 200:
        raise BadParameter(review_messages.REPORT_ID_TOO_LONG)
    result = compare_reports(current_index(), a, b)
    if result is None:
        unknown = a if stored_report(current_index(), a) is None else b
        abort(404, description=review_messages.UNKNOWN_COMPARED.format(report_id=unknown[:80]))
    return result


@blueprint.route("/compare", endpoint="compare")
def compare_page():
    """Two reports side by side, passages aligned by section type, sentences each holds of the other marked."""
    return render_template("compare.html", result=_comparison())


@api_blueprint.route("/compare")
def compare_json():
    """The comparison page's JSON twin."""
    return jsonify(comparison_to_json(_comparison()))
