"""The `api` blueprint: the pages' JSON twins. They call the same functions and never disagree."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from indexer.search import (
    passage_to_json,
    report_to_json,
    search,
    search_result_to_json,
)
from webui import messages
from webui.index_holder import current_index
from webui.params import read_search_request
from webui.reports import find_passage, find_report

blueprint = Blueprint("api", __name__, url_prefix="/api")



@blueprint.route("/search")
def search_json():
    """The JSON of `fazhi search --json` for the same parameters as /search."""
    settings = current_app.config["FAZHI_SETTINGS"]
    wanted = read_search_request(request.args, settings)
    result = search(
        current_index(), wanted.query, wanted.filters, page=wanted.page, per_page=wanted.per_page,
        sort=wanted.sort, facet_limit=settings.facet_size, snippet_length=settings.snippet_chars,
        hide_boilerplate=wanted.hide_boilerplate, match_words=wanted.match_words,
    )
    return jsonify(search_result_to_json(result, messages.notice_text))


@blueprint.route("/reports/<report_id>")
def report_json(report_id: str):
    """The JSON of `fazhi inspect --json` for an indexed report."""
    report = find_report(current_index(), report_id)
    if report is None:
        abort(404, description=messages.UNKNOWN_REPORT.format(report_id=report_id[:80]))
    return jsonify(report_to_json(report))


@blueprint.route("/passages/<passage_id>")
def passage_json(passage_id: str):
    """One passage with its report's metadata."""
    found = find_passage(current_index(), passage_id)
    if found is None:
        abort(404, description=messages.UNKNOWN_PASSAGE.format(passage_id=passage_id[:80]))
    report, passage = found
    metadata = {key: value for key, value in report_to_json(report).items() if key not in ("sections", "passages", "cited_laws", "warnings")}
    return jsonify({"ok": True, "passage": passage_to_json(passage), "report": metadata, "url": f"/reports/{report.report_id}#{passage.passage_id}"})
