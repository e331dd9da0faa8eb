"""A passage's law citations in, each told apart: a citation of the law, a mention of an event named after it
(国家宪法日, 宪法宣传周, 民法典宣传月), or a document that is not a law (a book or a local work list).

Counting 宪法 as cited by every report that held a 宪法宣传周 would make the constitution the most cited law
of every corpus; a 《段园镇法治建设任务清单》 is a township's own to-do list, not legislation.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from indexer.report import CITATION, EVENT, LawCitation

# The category of uncatalogued 《》 titles that name books, plans and work lists rather than laws.
DOCUMENT = "书籍和工作文件"

# What follows a bare law name when the text speaks of a day, week, month or campaign named after it:
# 宪法日 (国家宪法日), 宪法宣传周, 民法典宣传月, 宪法学习月, 民法典主题宣传月, 宪法宣传活动周, 宪法宣传活动.
_EVENT_AFTER_NAME = re.compile(r"(?:(?:主题)?(?:宣传|学习|普法)(?:教育)?(?:活动)?)?[日周月]|宣传活动")

# Endings of titles that are documents, not laws: plans, programmes, outlines, lists, notices, opinions,
# arrangements, books and readers. Laws and regulations end otherwise (法, 法典, 条例, 规定, 规则, 细则, 准则,
# 决定, 解释) — and 办法 stays a law: most 办法 are regulations (国务院令, 部门规章, 地方政府规章).
_DOCUMENT_ENDINGS = (
    "纲要", "清单", "方案", "计划", "安排", "规划", "要点", "意见", "通知", "手册", "读本", "汇编", "指南",
    "报告", "问答", "讲话", "选编", "摘编", "文集", "文选", "概论", "教材", "白皮书", "一本通",
)
_EDITION_OR_YEARS = re.compile(r"[（(][^（）()]*[）)]$")


def is_document_title(title: str) -> bool:
    """Whether an uncatalogued title names a document rather than a law: 《习近平法治思想学习纲要》 yes, 《某某条例》 no."""
    name = _EDITION_OR_YEARS.sub("", title.strip().strip("《》")).strip()
    return name.endswith(_DOCUMENT_ENDINGS)


def classify_citations(text: str, citations: tuple[LawCitation, ...]) -> tuple[LawCitation, ...]:
    """The citations with their `kind` (citation or event) and uncatalogued documents in the DOCUMENT category."""
    classified = []
    for citation in citations:
        written_as_title = citation.as_written.startswith("《")
        if not written_as_title and _EVENT_AFTER_NAME.match(text, citation.end):
            citation = replace(citation, kind=EVENT)
        elif citation.uncatalogued and is_document_title(citation.name):
            citation = replace(citation, category=DOCUMENT)
        classified.append(citation)
    return tuple(classified)


def counts_as_law(citation: LawCitation) -> bool:
    """Whether a citation counts in the law counts and the law facet: a citation proper of a law, not a document."""
    return citation.kind == CITATION and citation.category != DOCUMENT


@dataclass(frozen=True)
class NamesByKind:
    """The names a passage's citations give, each once (first occurrence first), told apart as /laws counts them."""

    laws: tuple[str, ...]  # citations proper of laws (counts_as_law)
    documents: tuple[str, ...]  # books and work lists (the DOCUMENT category)
    events: tuple[str, ...]  # laws named by an event (国家宪法日 → 宪法)


def names_by_kind(citations: Iterable[LawCitation]) -> NamesByKind:
    """Each cited name once, in the group it counts in: a law named twice in a passage is one citation."""
    laws: dict[str, None] = {}
    documents: dict[str, None] = {}
    events: dict[str, None] = {}
    for citation in citations:
        if counts_as_law(citation):
            laws[citation.name] = None
        if citation.category == DOCUMENT:
            documents[citation.name] = None
        if citation.kind == EVENT:
            events[citation.name] = None
    return NamesByKind(tuple(laws), tuple(documents), tuple(events))
