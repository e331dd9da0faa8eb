"""Atom feeds of newly indexed passages: /search/feed.atom?q=…&<filters>, /laws/<name>/feed.atom and
/townships/<name>/feed.atom; newest report versions first, each entry dated when its version was first indexed.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from indexer.research import Feed, feed, find_law
from indexer.search import SearchFilters
from webui import law_messages, messages, review_messages
from webui.index_holder import current_index
from webui.params import BadParameter, read_filters, read_search_request

blueprint = Blueprint("feed_views", __name__)

ATOM_TYPE = "application/atom+xml; charset=utf-8"
# Entry and feed ids are name-based UUIDs, so they never change for the same passage version or feed URL.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/fazhi-search")


def atom_time(seconds: float) -> str:
    """An RFC 3339 time in UTC, as Atom wants it."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(passage_id: str, version: str) -> str:
    """A permanent id for one version of a passage: a changed report's passages are new entries."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'passage {passage_id} {version}')}"


def _render(result: Feed, title: str, alternate: str) -> Response:
    index = current_index()
    updated = result.updated or max(index.table.indexed_at, default=0.0)
    body = render_template(
        "feed.xml", result=result, title=title, alternate=alternate, self_url=request.url,
        feed_id=f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed ' + request.full_path)}",
        updated=atom_time(updated), atom_time=atom_time, entry_id=entry_id,
    )
    return Response(body, mimetype="application/atom+xml", content_type=ATOM_TYPE)


@blueprint.route("/search/feed.atom", endpoint="search_feed")
def search_feed():
    """The newest passages a search matches."""
    settings = current_app.config["FAZHI_SETTINGS"]
    wanted = read_search_request(_without_sort(request.args), settings)
    result = feed(current_index(), wanted.query, wanted.filters, match_words=wanted.match_words)
    title = review_messages.FEED_TITLE_SEARCH.format(query=wanted.query) if wanted.query else review_messages.FEED_TITLE_BROWSE
    query_string = request.query_string.decode("utf-8", "replace")
    return _render(result, title, url_for("pages.search", _external=True) + (f"?{query_string}" if query_string else ""))


@blueprint.route("/laws/<path:name>/feed.atom", endpoint="law_feed")
def law_feed(name: str):
    """The newest passages citing one law."""
    index = current_index()
    found = find_law(index, name)
    if found is None:
        abort(404, description=law_messages.UNKNOWN_LAW.format(name=name[:80]))
    result = feed(index, "", SearchFilters(law=(found,)))
    label = index.table.law_labels.get(found, found)
    return _render(result, review_messages.FEED_TITLE_LAW.format(law=label),
                   url_for("law_views.law", name=found, _external=True))


@blueprint.route("/townships/<name>/feed.atom", endpoint="township_feed")
def township_feed(name: str):
    """The newest passages of one township (of one county, with county=…)."""
    filters = read_filters(MultiDict({"township": name, "county": request.args.get("county", "")}))
    if len(name) > 100:
        raise BadParameter(messages.VALUE_TOO_LONG.format(name="township", limit=100))
    result = feed(current_index(), "", filters)
    return _render(result, review_messages.FEED_TITLE_TOWNSHIP.format(township=name),
                   url_for("township_views.township", name=name, county=request.args.get("county") or None, _external=True))


def _without_sort(args: MultiDict) -> MultiDict:
    kept = MultiDict(args)
    kept.poplist("sort")
    return kept
