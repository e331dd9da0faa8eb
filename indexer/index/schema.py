"""The one description of the index on disk: the Whoosh fields of a passage and the passage table beside them.

An index folder holds generations; the file CURRENT names the complete one readers should open.
Beside them, the report store (`reports/`, see report_store.py) keeps each indexed version of each report.
A generation holds a Whoosh index (one document per passage) and the passage table: per document
number, the folded text the exact matcher checks, facet values, ranking lengths, and the character
bigram postings that find candidate passages without a scan. It also keeps the passages' MinHash
signatures (signatures.npy, see duplicates.py) for the next build, which hashes only new passages.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from whoosh import fields as whoosh_fields
from whoosh.system import pack_uint

from indexer.index.analysis import rank_analyzer

# Bump when the table or the fields change: an index of another format is rebuilt, never misread.
INDEX_FORMAT = 10
POINTER_FILE = "CURRENT"
TABLE_FILE = "passages.table"
SIGNATURE_FILE = "signatures.npy"
# Where generations before packed signatures kept them; never carried into a new generation.
OLD_SIGNATURE_FILE = "signatures.bin"
GENERATION_PREFIX = "generation-"
# Where build workers leave their runs' packed postings inside an unfinished generation (merged, then removed).
RUNS_FOLDER = "runs"
# The per-document arrays searches use, computed from the table by the build (search_arrays.py).
SEARCH_ARRAYS_FOLDER = "arrays"
# The ranking fields: the table's name of each field's word postings → its Whoosh field.
RANK_FIELDS = {"text": "text_rank", "heading": "heading_rank"}
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
    """The passage table of one generation: columns indexed by Whoosh document number, then by report row.

    A build assembles it as lists; read from a generation, each column is a read-only sequence over the
    memory-mapped file (columns.py), with its numpy arrays for whole-column work.
    A deleted document keeps its number with report row -1, an empty text and no bigrams.
    """

    format: int
    document_count: int
    passage_ids: Sequence[str]
    report_rows: Sequence[int]
    section_types: Sequence[str]
    laws: Sequence[tuple[str, ...]]  # canonical names cited in each passage (citations of laws only)
    law_events: Sequence[tuple[str, ...]]  # laws each passage names an event after (宪法宣传周 → 中华人民共和国宪法)
    documents: Sequence[tuple[str, ...]]  # books and work lists each passage cites (《段园镇法治建设任务清单》)
    # The document number of the leader of the passage's near-duplicate group, or -1 when no other
    # report holds a near-copy (see duplicates.py).
    duplicate_groups: Sequence[int]
    match_texts: Sequence[str]  # folded heading path and text, joined by a line break
    heading_ends: Sequence[int]  # where the heading path ends in the match text (at that line break)
    # Where the jieba words of the match text begin and end, as bits (analysis.boundary_bits): a match of whole
    # words has a boundary at both ends (法治 in 推进|法治|建设), one cutting through words does not (依法|治理).
    word_boundaries: Sequence[bytes]
    text_lengths: Sequence[int]  # jieba words in the text, for BM25
    heading_lengths: Sequence[int]
    law_labels: dict[str, str]  # canonical name → short label (of laws, events' laws and documents)
    report_ids: Sequence[str]
    titles: Sequence[str]
    townships: Sequence[str]
    counties: Sequence[str]
    cities: Sequence[str]
    provinces: Sequence[str]
    years: Sequence[int | None]
    source_paths: Sequence[str]  # relative to the corpus folder
    source_hashes: Sequence[str]  # of the file and its catalogue entry, to skip unchanged files
    content_hashes: Sequence[str]  # Report.content_hash: the version of the report kept in the report store
    report_warnings: Sequence[tuple[str, ...]]  # Report.warnings: what extraction was unsure of
    dates: Sequence[str]  # the report date, ISO yyyy-mm-dd, "" when unknown
    # When each report's version (content hash) was first indexed, seconds since the epoch; kept across
    # incremental builds and rebuilds while the version is unchanged, for the feeds' newest-first order.
    indexed_at: Sequence[float]
    # Report id → (source hash, path, reason) of files that could not be indexed, so an unchanged broken
    # file is reported again without parsing it again.
    skipped_files: dict[str, tuple[str, str, str]]


# The fields of the table, in order (table_file.py says how each is kept on disk).
TABLE_COLUMNS = tuple(item.name for item in fields(PassageTable))
