"""Text in, the terms the index is made of out: jieba words to rank by, character bigrams to match by.

jieba is loaded once per process with our own words added (law names, township names, data/domain_terms.txt),
from a dictionary prepared once per word list (dictionary.py). Both kinds of term are taken from the folded text
(`fold_for_matching`), so full-width, traditional and upper-case forms of a word index and search as one.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba
from whoosh.analysis import Token, Tokenizer

from indexer.index.dictionary import default_cache_folder, prepared_tokenizer
from indexer.parse import fold_for_matching, law_names_for_dictionary, township_names

# A word counts for ranking when it holds a letter, digit or ideograph; punctuation and spaces do not.
_WORD_CHARACTER = re.compile(r"\w")
_IDEOGRAPHS = re.compile(r"[\u3400-\u9fff]+")


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """Words jieba must keep whole: our domain terms, law names and township names, folded."""
    text = (resources.files("indexer") / "data" / "domain_terms.txt").read_text(encoding="utf-8")
    terms = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    words = [*terms, *law_names_for_dictionary(), *sorted(township_names())]
    return tuple(dict.fromkeys(fold_for_matching(word) for word in words))


@lru_cache(maxsize=1)
def segmenter() -> jieba.Tokenizer:
    """Our own jieba tokenizer: jieba's dictionary with the domain words added, prepared once per word list
    (see dictionary.py) and loaded once per process."""
    return prepared_tokenizer(domain_words, word_list_sources(), default_cache_folder())


def word_list_sources() -> list[Path]:
    """The files `domain_words` is made from: our data files and the code that reads and folds them."""
    data = Path(str(resources.files("indexer") / "data"))
    makers = (fold_for_matching, law_names_for_dictionary, township_names, domain_words)
    code = {sys.modules[function.__module__].__file__ for function in makers}
    return [*sorted(data.iterdir()), *(Path(name) for name in sorted(code) if name)]


def rank_words(folded: str, mode: str = "index", keep_stops: bool = False) -> Iterator[tuple[str, int, int, int]]:
    """(word, start, end, position) for each jieba word of a folded text, spaces left out.

    In "index" mode every dictionary word inside a longer word follows it at its position
    (中华人民共和国行政处罚法 → …, 行政, 处罚, 处罚法, 行政处罚法), so a query word finds the passage
    whatever jieba made of the longer word around it; queries ("query" or any other mode) use the words alone.
    Punctuation is left out too, unless `keep_stops` asks for it.
    """
    tokenizer = segmenter()
    with_sub_words = mode == "index"
    frequencies = tokenizer.FREQ
    start = 0
    position = 0
    for word in tokenizer.cut(folded):
        end = start + len(word)
        if _WORD_CHARACTER.search(word):
            yield word, start, end, position
            if with_sub_words:
                for part, offset in _sub_words(word, frequencies):
                    yield part, start + offset, start + offset + len(part), position
            position += 1
        elif keep_stops and not word.isspace():
            yield word, start, end, position
            position += 1
        start = end


def count_rank_words(folded: str, mode: str = "index") -> dict[str, int]:
    """How often each ranking word occurs in a folded text: the words `rank_words` yields, counted.

    Build workers call this once per passage, so it counts jieba's words in one pass (Counter runs in C)
    and looks up the sub-words once per distinct word.
    """
    tokenizer = segmenter()
    counts = Counter(tokenizer.cut(folded))
    for word in [word for word in counts if not _WORD_CHARACTER.search(word)]:
        del counts[word]
    if mode == "index":
        for word, count in [(word, count) for word, count in counts.items() if len(word) > 2]:
            for part in _sub_word_parts(word):
                counts[part] += count
    return dict(counts)


def count_words_and_boundaries(folded: str) -> tuple[dict[str, int], list[int]]:
    """`count_rank_words` of a folded text and where its jieba words begin and end (0 and its length included).

    One cut gives both, so a build worker segments each passage once: the counts rank, the boundaries tell
    a match of whole words (法治 in 推进|法治|建设) from one cutting through words (法治 in 依法|治理). A word
    longer than two characters also has the boundaries of its own shorter words (`inner_boundaries`).
    """
    words = segmenter().lcut(folded)
    boundaries = [0]
    for word in words:
        start = boundaries[-1]
        if len(word) > 2:
            boundaries.extend(start + offset for offset in inner_boundaries(word))
        boundaries.append(start + len(word))
    counts = Counter(words)
    for word in [word for word in counts if not _WORD_CHARACTER.search(word)]:
        del counts[word]
    for word, count in [(word, count) for word, count in counts.items() if len(word) > 2]:
        for part in _sub_word_parts(word):
            counts[part] += count
    return dict(counts), boundaries


@lru_cache(maxsize=65536)
def inner_boundaries(word: str) -> tuple[int, ...]:
    """Where a long word splits into shorter dictionary words, and those into theirs, down to two characters.

    jieba keeps 法治宣传, 依法治理 and 中华人民共和国行政处罚法 whole; split without the whole word they are
    法治|宣传, 依法|治理 and 中华|人民|共和|国|行政|处罚|法, so 法治宣传 holds 法治 as a word and 依法治理
    does not. Only words of ideographs are split (a Latin word or a number stays whole).
    """
    if not _IDEOGRAPHS.fullmatch(word):
        return ()
    tokenizer = segmenter()
    graph = tokenizer.get_DAG(word)
    graph[0] = [end for end in graph[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(word, graph, route)
    offsets: list[int] = []
    start = 0
    while start < len(word):
        end = route[start][1] + 1
        if start:
            offsets.append(start)
        if end - start > 2:
            offsets.extend(start + offset for offset in inner_boundaries(word[start:end]))
        start = end
    return tuple(offsets)


def heading_boundaries(folded_heading: str) -> tuple[int, ...]:
    """Where the jieba words of a folded heading path begin and end, remembered as `count_heading_words` is."""
    return _heading_boundaries(folded_heading)


@lru_cache(maxsize=4096)
def _heading_boundaries(folded_heading: str) -> tuple[int, ...]:
    return tuple(count_words_and_boundaries(folded_heading)[1])


def boundary_bits(boundaries: list[int] | tuple[int, ...], length: int) -> bytes:
    """Word boundaries as a bit set over a text's offsets 0 … length: bit i of byte i // 8 set where a word begins or ends.

    An eighth of a byte per character keeps the passage table small (a list of offsets would take 30 times more).
    """
    bits = bytearray(length // 8 + 1)
    for offset in boundaries:
        bits[offset >> 3] |= 1 << (offset & 7)
    return bytes(bits)


def is_boundary(bits: bytes, offset: int) -> bool:
    """Whether a word begins or ends at this offset of the text the bits describe."""
    return bool(bits[offset >> 3] >> (offset & 7) & 1)


def count_heading_words(folded_heading: str) -> dict[str, int]:
    """`count_rank_words` of a folded heading path, remembered: every passage of a long section repeats its
    heading path, and reports written from one template repeat whole outlines."""
    return dict(_heading_word_counts(folded_heading))


@lru_cache(maxsize=4096)
def _heading_word_counts(folded_heading: str) -> tuple[tuple[str, int], ...]:
    return tuple(count_rank_words(folded_heading).items())


@lru_cache(maxsize=65536)
def _sub_word_parts(word: str) -> tuple[str, ...]:
    # A corpus has a few tens of thousands of distinct words, each met many times.
    return tuple(part for part, _offset in _sub_words(word, segmenter().FREQ))


def _sub_words(word: str, frequencies: dict[str, int]) -> list[tuple[str, int]]:
    """(sub-word, offset) for every dictionary word of two or more characters inside a longer word."""
    if len(word) < 3:
        return []
    return [
        (word[offset:offset + size], offset)
        for size in range(2, len(word))
        for offset in range(len(word) - size + 1)
        if frequencies.get(word[offset:offset + size])
    ]


class RankTokenizer(Tokenizer):
    """Whoosh tokenizer over jieba words, honouring Whoosh's contract.

    Positions run 0, 1, 2 … over the words (sub-words share their word's position), `startchar` and
    `endchar` are offsets in the text given, `mode` picks index or query segmentation and
    `tokenize=False` yields the whole value as one token. Punctuation is a stop: left out when
    `removestops` is true, otherwise yielded with `stopped` set. Each token is a new object.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        folded = fold_for_matching(value)
        if tokenize:
            spans = rank_words(folded, mode, keep_stops=not removestops)
        else:
            spans = iter([(folded, 0, len(folded), 0)])
        for word, start, end, position in spans:
            token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            token.text = word
            token.boost = 1.0
            token.stopped = not _WORD_CHARACTER.search(word)
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def rank_analyzer() -> RankTokenizer:
    """The analyzer of the ranking fields, for indexing and for queries alike."""
    return RankTokenizer()


# The second character of a lone character's key: white space, which no pair of a run holds.
LONE = " "


def match_keys(folded: str) -> set[str]:
    """Every pair of adjacent non-space characters in a folded text: the keys of the exact-match table; and a
    character standing alone between spaces or line breaks, followed by LONE.

    Pairs never straddle white space, so 枫桥\\n经验 gives 枫桥 and 经验 but not 桥经. Every character of a text is
    then in a key (as a pair's first or second character, or alone), so the keys find single characters too.
    """
    keys: set[str] = set()
    for run in folded.split():
        if len(run) == 1:
            keys.add(run + LONE)
        else:
            keys.update([run[index:index + 2] for index in range(len(run) - 1)])
    return keys


def phrase_keys(folded_phrase: str) -> list[str]:
    """The bigrams a passage must hold to contain the phrase: every pair of adjacent characters in each run.

    行政处罚法 → 行政, 政处, 处罚, 罚法. Each one's postings hold every passage with the phrase, so the rarest
    one is the shortest list of candidates. Empty when every run is a single character (then only a scan can tell).
    """
    keys = [run[index:index + 2] for run in folded_phrase.split() for index in range(len(run) - 1)]
    return list(dict.fromkeys(keys))
