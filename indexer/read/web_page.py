"""The bytes of an HTML page saved from a government portal in, a `SourceDocument` out: the article's lines.

Navigation, breadcrumbs, scripts, the 索引号/发布机构 metadata block, share bars and footers stay out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from indexer.read.decode import decode_text
from indexer.report import (
    CELL_SEPARATOR,
    MAX_TABLE_CELL,
    SourceDocument,
    UnreadableDocument,
)

_MAX_HTML_DEPTH = 250
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
     "article", "main", "blockquote", "dl", "dt", "dd", "center", "hr", "pre", "address", "figure",
     "figcaption", "caption", "thead", "tbody", "tfoot", "fieldset", "body", "header", "footer"}
)
_ALWAYS_DROPPED_TAGS = frozenset({"script", "style", "noscript", "iframe", "select", "template", "svg", "head",
                                  "button", "object", "textarea"})
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_CHROME_NAMES = re.compile(r"nav|menu|breadcrumb|footer|header|share|crumb|sidebar|toolbar|copyright", re.IGNORECASE)
_CONTENT_NAMES = re.compile(r"content|article|trs_editor|zoom|detail|main-?text|pages_content|wzy", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WHITESPACE_RUN = re.compile(r"[ \t\r\n\f]+")
# A source line break between two Chinese characters is not a space (CSS Text's segment-break rule).
_HAN_LINE_BREAK = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])[ \t]*[\r\n][ \t\r\n]*"
                             r"(?=[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""")

# Portal metadata rows: 索引号：113406…  发布机构：段园镇  浏览次数：123.
_PORTAL_FIELD_NAMES = (
    "索引号|发布机构|发文机关|主题分类|成文日期|发布日期|发文字号|浏览次数|访问量|来源|信息来源|文章来源|"
    "发布时间|点击数|点击量|阅读次数|责任编辑|公开方式|公开范围|有效性|生成日期|主题词|体裁分类|组配分类"
)
_PORTAL_FIELD_LINE = re.compile(rf"^[\s\u3000\xa0【\[（(]*(?:{_PORTAL_FIELD_NAMES})\s*(?:[:：]|\s|$)")
_PORTAL_FIELD_ANYWHERE = re.compile(rf"(?:{_PORTAL_FIELD_NAMES})\s*[:：]")
_PORTAL_BUTTONS = re.compile(
    r"字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小\s*[】\]]?|打印本页|打印|关闭窗口|关闭本页|关闭|分享到\s*[:：]?|收藏|"
    r"返回顶部|扫一扫在手机打开当前页|[【】\[\]|｜:：\s\xa0\u3000]"
)
# Metadata fields worth keeping: who issued the report and when (simplified and traditional script).
_ISSUE_FIELD = re.compile(
    r"(?:发布机构|發布機構|发文机关|發文機關|成文日期|成文时间|成文時間|发文时间|發文時間|公文生成日期|生成日期|"
    r"发布日期|發布日期|发布时间|發布時間|信息来源|信息來源|(?<![\u4e00-\u9fff])时间|(?<![\u4e00-\u9fff])時間)"
    r"\s*[\]】]?\s*[:：|]?"
)
_MAX_FIELD_LINE = 200
_MAX_FIELD_LINES = 12
_SITE_NAME = re.compile(r"人民政府网站?$|政府网$|网站$|门户$|政务网$|首页$|人民政府$")
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—]+\s+|[_|｜]|——|－")


@dataclass(eq=False)
class _HtmlElement:
    """A node of the page tree (mutable while the parser builds it; never leaves this module)."""

    tag: str
    attributes: dict[str, str]
    parent: _HtmlElement | None = None
    depth: int = 0
    children: list[_HtmlElement | str] = field(default_factory=list)

    def names(self) -> str:
        return f"{self.attributes.get('id', '')} {self.attributes.get('class', '')}"

    def elements(self) -> list[_HtmlElement]:
        found = [self]
        for child in self.children:
            if isinstance(child, _HtmlElement):
                found.extend(child.elements())
        return found


class _PageTreeBuilder(HTMLParser):
    """html.parser events to a tree, closing the tags portal pages routinely leave open (p, li, td)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _HtmlElement("document", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.handle_endtag("head")  # a page that never closes <head> must not hide its body in it
        while self._is_closed_by(self._open[-1].tag, tag):
            self._open.pop()
        parent = self._open[-1]
        element = _HtmlElement(tag, {name: value or "" for name, value in attrs}, parent, parent.depth + 1)
        parent.children.append(element)
        # Pages full of never-closed <font> tags would nest without end; past this depth we stop nesting.
        if tag not in _VOID_TAGS and len(self._open) < _MAX_HTML_DEPTH:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self._open[-1]
        attributes = {name: value or "" for name, value in attrs}
        parent.children.append(_HtmlElement(tag, attributes, parent, parent.depth + 1))

    @staticmethod
    def _is_closed_by(open_tag: str, new_tag: str) -> bool:
        if open_tag == "p":
            return new_tag in _BLOCK_TAGS and new_tag != "br"
        if new_tag == "li":
            return open_tag == "li"
        if new_tag in ("td", "th"):
            return open_tag in ("td", "th")
        return new_tag == "tr" and open_tag in ("td", "th", "tr")

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self._open) - 1, 0, -1):
            if self._open[position].tag == tag:
                del self._open[position:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def read_html(path: Path, data: bytes) -> SourceDocument:
    """The report article of a saved web page as lines, with navigation, metadata rows and share bars left out."""
    decoded = decode_text(path, data, declared=_declared_charset(data))
    builder = _PageTreeBuilder()
    builder.feed(decoded.text)
    builder.close()
    page = _PageReading(builder.root)
    article = page.article()
    lines = page.lines(article) if article is not None else []
    lines = [line for line in lines if not _is_portal_metadata(line)]
    if sum(len(_HAN.findall(line)) for line in lines) < 20:
        raise UnreadableDocument(
            f"{path} has no article text; save the report's own page (not a list or search page), "
            "or copy the report into a .txt file."
        )
    title = page.title()
    opening = re.sub(r"\s", "", "".join(lines[:3]))
    if title and re.sub(r"\s", "", title) not in opening:
        lines.insert(0, title)
    # The fields that say who issued the report and when (发布机构, 成文日期, 发布时间) travel beside the text.
    return SourceDocument(
        str(path), "html", "\n".join(lines), decoded.encoding, decoded.warnings, tuple(page.issue_fields(article))
    )


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    found = _XML_ENCODING.match(head) or _CHARSET.search(head)
    return found.group(1).decode("ascii") if found else None


def _is_portal_metadata(line: str) -> bool:
    if _PORTAL_FIELD_LINE.match(line) or len(_PORTAL_FIELD_ANYWHERE.findall(line)) >= 2:
        return True
    return not _PORTAL_BUTTONS.sub("", line)


class _PageReading:
    """Finds the article in a page tree and renders it as lines, leaving navigation and chrome out."""

    def __init__(self, root: _HtmlElement) -> None:
        self._root = root
        self._all = root.elements()
        self._han: dict[int, int] = {}
        self._count_han(root)

    def _is_chrome(self, element: _HtmlElement) -> bool:
        if element.tag in _ALWAYS_DROPPED_TAGS or element.tag in _CHROME_TAGS:
            return True
        if element.tag == "form":
            # ASP.NET portals wrap the whole page in one <form>; only small forms are search or login boxes.
            return self._han[id(element)] < 100
        # A block holding most of the page's Chinese is a page wrapper ("main has-sidebar"), not navigation.
        holds_most = self._han[id(element)] > 0.5 * self._han[id(self._root)]
        return not holds_most and bool(_CHROME_NAMES.search(element.names()))

    def _count_han(self, element: _HtmlElement) -> int:
        """Chinese characters under the element, not counting scripts, styles and the like."""
        total = 0
        for child in element.children:
            if isinstance(child, str):
                total += len(_HAN.findall(child))
            else:
                counted = self._count_han(child)
                total += 0 if child.tag in _ALWAYS_DROPPED_TAGS else counted
        self._han[id(element)] = total
        return total

    def _inside_chrome(self, element: _HtmlElement) -> bool:
        current: _HtmlElement | None = element
        while current is not None:
            if self._is_chrome(current):
                return True
            current = current.parent
        return False

    def article(self) -> _HtmlElement | None:
        """The element holding the report: a content-named block, else the one with most Chinese in its paragraphs."""
        named = [
            element for element in self._all
            if _CONTENT_NAMES.search(element.names()) and not self._is_chrome(element) and self._han[id(element)] >= 20
        ]
        if named:
            most = max(self._han[id(element)] for element in named)
            # The innermost block that still holds most of the text: TRS_Editor rather than its page wrapper.
            return max((e for e in named if self._han[id(e)] >= 0.7 * most), key=lambda e: e.depth)
        scored = [(self._paragraph_han(element), element) for element in self._all if not self._inside_chrome(element)]
        best_score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
        return best if best_score > 0 else None

    def _paragraph_han(self, element: _HtmlElement) -> int:
        total = 0
        for child in element.children:
            if isinstance(child, str):
                total += len(_HAN.findall(child))
            elif child.tag in ("p", "span", "font", "strong", "b", "h1", "h2", "h3"):
                total += self._han[id(child)]
        return total

    def lines(self, article: _HtmlElement) -> list[str]:
        """The article's text, one block per line, ASCII spacing collapsed, &nbsp; and \\u3000 kept."""
        pieces: list[str] = []
        self._render(article, pieces)
        lines = (line.strip(" ") for line in "".join(pieces).split("\n"))
        return [line for line in lines if line.strip()]

    def _render(self, element: _HtmlElement, pieces: list[str], skip: _HtmlElement | None = None) -> None:
        for child in element.children:
            if isinstance(child, str):
                pieces.append(_WHITESPACE_RUN.sub(" ", _HAN_LINE_BREAK.sub("", child)))
                continue
            if self._is_chrome(child) or child is skip:
                continue
            if child.tag == "table":
                rows = self._data_table_rows(child)
                if rows:
                    pieces.append("\n" + "\n".join(rows) + "\n")
                    continue
            if child.tag in ("td", "th"):
                pieces.append(" ")
            is_block = child.tag in _BLOCK_TAGS
            if is_block:
                pieces.append("\n")
            self._render(child, pieces, skip)
            if is_block:
                pieces.append("\n")

    def _data_table_rows(self, table: _HtmlElement) -> list[str]:
        """A data table's rows, one line each with cells joined by CELL_SEPARATOR; [] for a layout table
        (one column, or a cell holding running text), whose cells render as blocks."""
        texts = []
        for row in _table_parts(table, ("tr",)):
            cells = []
            for cell in _table_parts(row, ("td", "th")):
                pieces: list[str] = []
                self._render(cell, pieces)
                cells.append(" ".join(line.strip() for line in "".join(pieces).split("\n") if line.strip()))
            texts.append(cells)
        is_data_table = any(sum(1 for text in row if text) >= 2 for row in texts) and all(
            len(text) <= MAX_TABLE_CELL for row in texts for text in row
        )
        return [CELL_SEPARATOR.join(row) for row in texts if any(row)] if is_data_table else []

    def issue_fields(self, article: _HtmlElement | None) -> list[str]:
        """The page's metadata lines outside the article that name the issuer or a date, as rendered."""
        pieces: list[str] = []
        self._render(self._root, pieces, skip=article)
        lines = (line.strip() for line in "".join(pieces).split("\n"))
        kept = [line for line in lines if len(line) <= _MAX_FIELD_LINE and _ISSUE_FIELD.search(line)]
        return kept[:_MAX_FIELD_LINES]

    def title(self) -> str:
        """The report title: the ArticleTitle meta, else the first h1 outside the chrome, else <title> sans site."""
        for element in self._all:
            if element.tag == "meta" and element.attributes.get("name", "").lower() == "articletitle":
                content = element.attributes.get("content", "").strip()
                if content:
                    return content
        for element in self._all:
            if element.tag == "h1" and not self._inside_chrome(element):
                pieces: list[str] = []
                self._render(element, pieces)
                text = " ".join(piece.strip() for piece in "".join(pieces).split("\n") if piece.strip())
                if text and not _SITE_NAME.search(text):
                    return text
        for element in self._all:
            if element.tag == "title":
                return _title_without_site(" ".join(c for c in element.children if isinstance(c, str)))
        return ""


def _table_parts(element: _HtmlElement, tags: tuple[str, ...]) -> list[_HtmlElement]:
    """The rows of a table or the cells of a row, through thead/tbody but not into nested tables."""
    found = []
    for child in element.children:
        if isinstance(child, str):
            continue
        if child.tag in tags:
            found.append(child)
        elif child.tag not in ("table", "tr", "td", "th"):
            found.extend(_table_parts(child, tags))
    return found


def _title_without_site(title: str) -> str:
    """The page title without the site name: "关于…的报告 - 杜集区人民政府网站" → "关于…的报告"."""
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(_WHITESPACE_RUN.sub(" ", title)) if part.strip()]
    if len(parts) > 1:
        parts = [part for part in parts if not _SITE_NAME.search(part)] or parts[:1]
    return max(parts, key=len) if parts else ""

