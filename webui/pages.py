"""The `pages` blueprint: the HTML pages (home, search, report, about, exports). Each renders what a
search or a stored report gives; none computes anything the API twin does not."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import markdown
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from markupsafe import Markup

from indexer.parse import SECTION_LABELS
from indexer.search import export_lines, export_passages, parse_query, search
from webui import links, messages
from webui.describe import describe_search, report_name
from webui.index_holder import current_index
from webui.params import FACET_PARAMETERS, BadParameter, read_search_request
from webui.report_view import front_matter, report_blocks
from webui.reports import find_report

blueprint = Blueprint("pages", __name__)

EXAMPLES = ("枫桥经验", "法律明白人", "law:民法典", "行政执法 section:problems", "合法性审查 year:2024")
FACET_TITLES = {"province": "省份", "county": "县（市、区）", "township": "乡镇（街道）", "year": "年份", "section_type": "章节类型", "law": "引用法规"}


def _settings():
    return current_app.config["FAZHI_SETTINGS"]



@blueprint.app_context_processor
def template_helpers() -> dict:
    return {"links": links, "notice_text": messages.notice_text, "report_name": report_name, "section_labels": SECTION_LABELS, "facet_titles": FACET_TITLES, "facet_parameters": FACET_PARAMETERS}


@blueprint.route("/")
def home():
    """The search box, examples, syntax, and the corpus at a glance with browse links."""
    overview = search(current_index(), "", per_page=1, facet_limit=None)
    return render_template("home.html", overview=overview, examples=EXAMPLES)


@blueprint.route("/search", endpoint="search")
def search_page():
    """Hits with facets, all state in the URL."""
    settings = _settings()
    wanted = read_search_request(request.args, settings)
    result = search(
        current_index(), wanted.query, wanted.filters, page=wanted.page, per_page=wanted.per_page,
        sort=wanted.sort, facet_limit=settings.facet_size, snippet_length=settings.snippet_chars,
        hide_boilerplate=wanted.hide_boilerplate, match_words=wanted.match_words,
    )
    law_labels = {value.value: value.label for value in result.facets.get("law", ())}
    pages = max(1, -(-result.total // result.per_page))
    return render_template(
        "search.html",
        result=result,
        wanted=wanted,
        args=request.args,
        pages=pages,
        description=describe_search(wanted.query, result.total, result.total_reports, result.filters, law_labels),
    )


@blueprint.route("/reports/<report_id>")
def report(report_id: str):
    """The whole report with its structure, an anchor per passage, the query's words marked."""
    found = find_report(current_index(), report_id)
    if found is None:
        abort(404, description=messages.UNKNOWN_REPORT.format(report_id=report_id[:80]))
    query = request.args.get("q", "")[: _settings().max_query_chars]
    phrases = parse_query(query).phrases if query else ()
    header, signature = front_matter(found)
    laws = {}
    for citation in found.cited_laws:
        laws.setdefault(citation.name, [citation, 0])[1] += 1
    return render_template(
        "report.html", report=found, blocks=report_blocks(found, phrases), query=query,
        header=header, signature=signature, laws=sorted(laws.values(), key=lambda item: -item[1]),
    )


@blueprint.route("/reports/<report_id>/original")
def original(report_id: str):
    """The original file, only from inside the corpus folder."""
    found = find_report(current_index(), report_id)
    if found is None:
        abort(404, description=messages.UNKNOWN_REPORT.format(report_id=report_id[:80]))
    corpus = Path(_settings().corpus_dir).resolve()
    # Relative to the corpus folder; absolute in an index built before parser version 2 from an absolute --corpus.
    path = Path(found.source_path)
    path = (path if path.is_absolute() else corpus / path).resolve()
    if not path.is_relative_to(corpus) or not path.is_file():
        abort(404, description=messages.NO_ORIGINAL)
    return send_file(path, as_attachment=True, download_name=path.name)


@blueprint.route("/about")
def about():
    """What the corpus is, how to search, how to add reports (written in Markdown)."""
    text = (resources.files("webui") / "about.md").read_text(encoding="utf-8")
    return render_template("about.html", body=Markup(markdown.markdown(text, extensions=["tables", "fenced_code"])))


@blueprint.route("/export.<file_format>")
def export(file_format: str):
    """Every passage matching the search, as CSV (UTF-8 with BOM, for Excel) or JSON lines."""
    if file_format not in ("csv", "jsonl"):
        raise BadParameter(messages.BAD_FORMAT.format(value=file_format[:20]))
    wanted = read_search_request(request.args, _settings())
    passages = export_passages(
        current_index(), wanted.query, wanted.filters, sort=wanted.sort, hide_boilerplate=wanted.hide_boilerplate,
        match_words=wanted.match_words,
    )
    mimetype = "application/x-ndjson; charset=utf-8" if file_format == "jsonl" else "text/csv"
    response = Response(stream_with_context(export_lines(passages, file_format)), mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=fazhi-export.{file_format}"
    return response
