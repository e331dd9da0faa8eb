"""The one description of the index on disk: the Whoosh fields of a passage and the passage table beside them.

An index folder holds generations; the file CURRENT names the complete one readers should open.
Beside them, the report store (`reports/`, see report_store.py) keeps each indexed version of each report.
A generation holds a Whoosh index (one document per passage) and the passage table: per document
number, the folded text the exact matcher checks, facet values, ranking lengths, and the character
bigram postings that find candidate passages without a scan. It also keeps the passages' MinHash
signatures (signatures.bin, see duplicates.py) for the next build, which hashes only new passages.
"""
from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass, fields

from whoosh import fields as whoosh_fields
from whoosh.system import pack_uint

from indexer.index.analysis import rank_analyzer

# Bump when the table or the fields change: an index of another format is rebuilt, never misread.
INDEX_FORMAT = 6
POINTER_FILE = "CURRENT"
TABLE_FILE = "passages.table"
SIGNATURE_FILE = "signatures.bin"
GENERATION_PREFIX = "generation-"
BUILD_LOCK = "BUILD"

# The facets of a search, in display order; each is counted from a column of the passage table.
FACETS = ("township", "county", "province", "year", "section_type", "law")
# A word in the heading path weighs this much more than one in the body, in BM25F.
HEADING_BOOST = 3.0


class RankText(whoosh_fields.TEXT):
    """A jieba word field for BM25F (word frequencies, no positions).

    Its value is a text, or the word counts `analysis.count_rank_words` made of the folded text in a
    build worker, so a passage is segmented once. Both give the same postings.
    """

    def __init__(self) -> None:
        super().__init__(analyzer=rank_analyzer(), phrase=False)

    def index(self, value: str | Mapping[str, int], **kwargs: object) -> list[tuple[bytes, int, float, bytes]]:
        """(term bytes, frequency, weight, encoded frequency) for each word, as Whoosh's Frequency format makes them."""
        if not isinstance(value, Mapping):
            return list(super().index(value, **kwargs))
        return [(word.encode("utf-8"), count, float(count), pack_uint(count)) for word, count in value.items()]


def passage_schema() -> whoosh_fields.Schema:
    """The Whoosh fields of one passage document.

    Only what Whoosh does better than the passage table: the ranking words' postings, the stored passage
    text shown in hits, and the report id to delete a changed report's passages by. Report metadata, facet
    values and laws live once per report or passage in the table; indexing them here too would cost every
    build a posting and a column value per passage that no search reads.
    """
    return whoosh_fields.Schema(
        # A column, so a build reads every document's passage id in one pass (build._table).
        passage_id=whoosh_fields.ID(stored=True, sortable=True),
        report_id=whoosh_fields.ID(),
        heading_path=whoosh_fields.STORED(),
        heading_rank=RankText(),
        text=whoosh_fields.STORED(),
        text_rank=RankText(),
        start=whoosh_fields.STORED(),
        end=whoosh_fields.STORED(),
        # Plain tuples (name, category, short_name, article, as_written), not LawCitation objects,
        # so the stored data does not depend on our classes.
        cited_laws=whoosh_fields.STORED(),
    )


@dataclass(frozen=True)
class PassageTable:
    """The passage table of one generation: lists indexed by Whoosh document number, then by report row.

    A deleted document keeps its number with report row -1, an empty text and no bigrams.
    """

    format: int
    document_count: int
    passage_ids: list[str]
    report_rows: list[int]
    section_types: list[str]
    laws: list[tuple[str, ...]]  # canonical names cited in each passage (citations of laws only)
    law_events: list[tuple[str, ...]]  # laws each passage names an event after (宪法宣传周 → 中华人民共和国宪法)
    documents: list[tuple[str, ...]]  # books and work lists each passage cites (《段园镇法治建设任务清单》)
    # The document number of the leader of the passage's near-duplicate group, or -1 when no other
    # report holds a near-copy (see duplicates.py).
    duplicate_groups: list[int]
    match_texts: list[str]  # folded heading path and text, joined by a line break
    heading_ends: list[int]  # where the heading path ends in the match text (at that line break)
    # Where the jieba words of the match text begin and end, as bits (analysis.boundary_bits): a match of whole
    # words has a boundary at both ends (法治 in 推进|法治|建设), one cutting through words does not (依法|治理).
    word_boundaries: list[bytes]
    text_lengths: list[int]  # jieba words in the text, for BM25
    heading_lengths: list[int]
    law_labels: dict[str, str]  # canonical name → short label (of laws, events' laws and documents)
    report_ids: list[str]
    titles: list[str]
    townships: list[str]
    counties: list[str]
    cities: list[str]
    provinces: list[str]
    years: list[int | None]
    source_paths: list[str]  # relative to the corpus folder
    source_hashes: list[str]  # of the file and its catalogue entry, to skip unchanged files
    content_hashes: list[str]  # Report.content_hash: the version of the report kept in the report store
    report_warnings: list[tuple[str, ...]]  # Report.warnings: what extraction was unsure of
    dates: list[str]  # the report date, ISO yyyy-mm-dd, "" when unknown
    # When each report's version (content hash) was first indexed, seconds since the epoch; kept across
    # incremental builds and rebuilds while the version is unchanged, for the feeds' newest-first order.
    indexed_at: list[float]
    # Report id → (source hash, path, reason) of files that could not be indexed, so an unchanged broken
    # file is reported again without parsing it again.
    skipped_files: dict[str, tuple[str, str, str]]


# The table file holds one marshal record per column, in this order, after a header record
# {"format": INDEX_FORMAT, "columns": TABLE_COLUMNS}; then the bigram keys, the number of documents
# under each, and finally all document numbers as packed unsigned 32-bit integers, key after key.
TABLE_COLUMNS = tuple(item.name for item in fields(PassageTable))
POSTING_TYPE = "I"


@dataclass(frozen=True)
class BigramPostings:
    """Bigram → the documents whose match text holds it, ascending, packed in one buffer."""

    spans: dict[str, tuple[int, int]]  # byte offsets into `data`
    data: bytes

    def documents(self, key: str) -> memoryview:
        """The document numbers under a bigram (empty when no document has it)."""
        start, end = self.spans.get(key, (0, 0))
        return memoryview(self.data)[start:end].cast(POSTING_TYPE)

    def count(self, key: str) -> int:
        """How many documents hold the bigram."""
        start, end = self.spans.get(key, (0, 0))
        return (end - start) // array(POSTING_TYPE).itemsize
