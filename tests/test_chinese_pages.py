"""The web app speaks Chinese: no English sentence reaches a page or a JSON twin's notice, whatever is asked.

Pages are rendered for odd queries and parameters; their visible text (code, URLs and the query's own echo
left out) must hold no run of four or more ASCII words, which is what an English sentence looks like.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from indexer.cli import main
from indexer.cli_notices import NOTICES as ENGLISH_NOTICES
from indexer.search import NOTICE_CODES
from webui import messages

ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[\s,;:'’()-]+[A-Za-z]{1,}){3,}")
URL = re.compile(r"\b(?:https?://|/)[\w./?=&%#:-]*")


class VisibleText(HTMLParser):
    """The text a reader sees: no script, style, code or pre (commands and examples may be English)."""

    HIDDEN = {"script", "style", "code", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1
        for name, value in attrs:
            # Words shown on hover or read aloud count too.
            if name in ("title", "placeholder", "aria-label") and value and not self.depth:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def english_in(html: str, echoed: list[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in sorted(echoed, key=len, reverse=True):
        if value.strip():
            text = text.replace(value.strip(), " ")
    return ENGLISH_SENTENCE.findall(URL.sub(" ", text))


ODD_QUERIES = [
    "year:abc 信访",  # a year that is not one
    '"枫桥经验 调解',  # an unclosed quote
    "OR 信访",  # a stray OR
    "信访 NOT",  # a stray NOT
    "section:foo 信访",  # an unknown section type
    "foo:bar 法治",  # an unknown field
    "- 信访",  # a lone minus
    "信访 year:",  # an empty filter
    "信访 -year:2023",  # an excluded filter
    "this is an English phrase",  # English typed by the user is echoed, not ours
    "nothing-matches-this",  # no hit at all
]
PAGES = [
    *(f"/search?q={query}" for query in ODD_QUERIES),
    *(f"/kwic?q={query}" for query in ODD_QUERIES),
    *(f"/trends?q={query}" for query in ODD_QUERIES),
    "/search?q=宣传&match=words",
    "/search?q=法治&year=2099",
    "/search?q=宣传&page=999",
    "/search?q=宣传&sort=size",  # a bad sort order: 400 with a sentence
    "/search?q=宣传&year=abc",  # a bad filter value
    "/search?q=宣传&page=abc",
    "/search?q=宣传&per_page=100000",
    "/search?q=宣传&hide_boilerplate=maybe",
    "/search?q=宣传&match=letters",
    "/kwic?q=法治&sort=middle",
    "/kwic?q=法治&match=words",
    "/trends?q=法治&q=普法&year=2024",
    "/trends.svg?q=法治&chart=pie",
    "/coverage?topics=year:abc,信访",
    "/reports/no-such-report",
    "/api/passages/no-such-passage",
    "/no-such-page",
    "/",
    "/about",
    "/laws",
    "/laws?sort=loudest",
    "/laws/no-such-law",
    "/duplicates",
    "/duplicates?page=-1",
    "/duplicates/no-such-passage",
    "/coverage?topics=" + "、".join(["普法"] * 30),  # too many topics
    "/kwic?q=法治&per_page=0",
    "/trends?" + "&".join(f"q=词{number}" for number in range(8)),  # too many queries
    "/export.xml?q=法治",
]


@pytest.mark.parametrize("url", PAGES)
def test_no_english_sentence_reaches_a_page(client, url):
    response = client.get(url)
    assert response.status_code < 500
    echoed = [value for _name, value in parse_qsl(urlsplit(url).query)]
    if response.is_json:
        body = response.get_json()
        sentences = [body.get("error", "")] if isinstance(body, dict) else []
        assert not [s for s in sentences if ENGLISH_SENTENCE.search(s)]
        return
    assert english_in(response.get_data(as_text=True), echoed) == []


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_json_twins_word_notices_in_chinese(client, query):
    for url in (f"/api/search?q={query}", f"/api/kwic?q={query}", f"/api/trends?q={query}"):
        body = client.get(url).get_json()
        notices = [body["notice"]] if "notice" in body else [one["notice"] for one in body["series"]]
        for notice in notices:
            assert not ENGLISH_SENTENCE.search(notice.replace(query, " ")), (url, notice)


def test_an_odd_query_is_noticed_in_chinese_on_the_page_and_in_the_twin(client):
    page = client.get("/search?q=year:abc 信访").get_data(as_text=True)
    body = client.get("/api/search?q=year:abc 信访").get_json()
    assert "“abc”不是年份" in page and body["notice"] in page
    assert body["notices"] == [{"code": "bad_year", "value": "abc", "word": "year:abc"}]


def test_every_notice_code_has_a_chinese_and_an_english_sentence():
    assert set(messages.NOTICES) == set(NOTICE_CODES) == set(ENGLISH_NOTICES)
    for code, sentence in messages.NOTICES.items():
        assert not ENGLISH_SENTENCE.search(sentence.format(keys="", **dict.fromkeys(NOTICE_CODES[code], "x"))), code


def test_the_cli_json_and_the_api_word_notices_alike(corpus_index_dir, client, capsys):
    assert main(["search", '"枫桥经验 OR', "--index", str(corpus_index_dir), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    api = client.get('/api/search?q="枫桥经验 OR').get_json()
    assert (printed["notice"], printed["notices"]) == (api["notice"], api["notices"])
    assert "引号没有闭合" in printed["notice"]


def test_the_terminal_words_notices_in_english(corpus_index_dir, capsys):
    assert main(["search", "year:abc 信访", "--index", str(corpus_index_dir)]) == 0
    assert "abc is not a year like 2023" in capsys.readouterr().out
