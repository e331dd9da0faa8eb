"""What a search did with input it could not read, as values (a code and the words concerned), never sentences.

Each interface words them in its own language: the web app and the JSON twins in Chinese
(webui/messages.py), the terminal in English (indexer/cli_notices.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Every code a notice may carry, and the values it names.
NOTICE_CODES = {
    "unclosed_quote": (),  # a quotation mark was not closed; the words after it were searched one by one
    "lone_minus": (),  # a minus sign stood alone and was ignored
    "dangling_or": (),  # OR without a word on each side, ignored
    "dangling_not": (),  # NOT without a word after it, ignored
    "negated_filter": ("word",),  # -year:2023: a filter cannot be excluded, ignored
    "empty_filter": ("word",),  # year: with no value, ignored
    "unknown_field": ("field", "word"),  # foo:bar: no such field, searched as text
    "bad_year": ("value", "word"),  # year:abc, searched as text
    "bad_section": ("value", "word"),  # section:foo, searched as text
    "bad_sort": ("value",),  # a search sort order we do not know; sorted by relevance
    "bad_concordance_sort": ("value",),  # a concordance order we do not know; document order
}


@dataclass(frozen=True)
class Notice:
    """One thing the search did with what it could not read: a code of NOTICE_CODES and the words it concerns."""

    code: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def parameters(self) -> dict[str, str]:
        """The words concerned, by name (value, word, field)."""
        return dict(self.values)


def make_notice(code: str, **values: str) -> Notice:
    """A notice of a known code with exactly the values that code names."""
    if code not in NOTICE_CODES or set(values) != set(NOTICE_CODES[code]):
        raise ValueError(f"notice {code} takes {NOTICE_CODES.get(code)}, not {sorted(values)}")
    return Notice(code, tuple((name, values[name]) for name in NOTICE_CODES[code]))


def notices_to_json(notices: Iterable[Notice]) -> list[dict[str, str]]:
    """The notices as the JSON twins list them: {"code": …} plus the words concerned."""
    return [{"code": notice.code, **notice.parameters} for notice in notices]


# An interface's wording of a result's notices as one paragraph ("" for none), passed to the JSON shapes.
NoticeText = Callable[[tuple[Notice, ...]], str]
