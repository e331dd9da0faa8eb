"""Small pure helpers that build the URLs holding a search's state (query, facet values, sort, page)."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

_STATE_PARAMETERS = ("q", "township", "county", "province", "year", "section", "law", "sort", "per_page", "hide_boilerplate", "match")


def _state(args: MultiDict) -> list[tuple[str, str]]:
    return [(name, value) for name in _STATE_PARAMETERS for value in args.getlist(name) if value != ""]


def search_url(args: MultiDict, **changes: str | int | None) -> str:
    """The URL of this search with some parameters replaced (None removes one); the page resets unless given."""
    pairs = [(name, value) for name, value in _state(args) if name not in changes]
    pairs += [(name, str(value)) for name, value in changes.items() if value not in (None, "")]
    query = urlencode(pairs)
    return url_for("pages.search") + (f"?{query}" if query else "")


def export_url(args: MultiDict, file_format: str) -> str:
    """The export of every passage this search matches, as csv or jsonl."""
    query = urlencode([(name, value) for name, value in _state(args) if name != "per_page"])
    return url_for("pages.export", file_format=file_format) + (f"?{query}" if query else "")


def is_selected(args: MultiDict, parameter: str, value: str) -> bool:
    """Whether a facet value is among the request's filters."""
    return value in args.getlist(parameter)


def toggle_url(args: MultiDict, parameter: str, value: str, endpoint: str = "pages.search") -> str:
    """The URL that adds a facet value to the filters, or removes it when it is selected (on /search, or on the
    concordance or trends view whose sidebar it is)."""
    pairs = [(name, item) for name, item in _state(args) if not (name == parameter and item == value)]
    if not is_selected(args, parameter, value):
        pairs.append((parameter, value))
    query = urlencode(pairs)
    return url_for(endpoint) + (f"?{query}" if query else "")


def clear_filters_url(args: MultiDict, endpoint: str = "pages.search") -> str:
    """The URL of the same query with every facet filter removed."""
    pairs = [(name, value) for name, value in _state(args) if name in ("q", "sort", "per_page", "hide_boilerplate", "match")]
    query = urlencode(pairs)
    return url_for(endpoint) + (f"?{query}" if query else "")


def kept_state(args: MultiDict, *leave_out: str) -> list[tuple[str, str]]:
    """The request's filters and options (not the query or page), for hidden fields of the header's search box."""
    return [(name, value) for name, value in _state(args) if name not in ("q", "per_page", *leave_out)]


def browse_url(parameter: str, value: str) -> str:
    """A search for everything with one facet value (the home page's browse links)."""
    return url_for("pages.search", **{parameter: value})


def passage_link(report_id: str, passage_id: str, query: str = "") -> str:
    """The report page scrolled to a passage, carrying the query so its words are marked there."""
    return url_for("pages.report", report_id=report_id, q=query or None, _anchor=passage_id)


def view_url(endpoint: str, args: MultiDict) -> str:
    """Another view (concordance, trends, coverage) of the same query and filters."""
    query = urlencode([(name, value) for name, value in _state(args) if name not in ("sort", "per_page")])
    return url_for(endpoint) + (f"?{query}" if query else "")
