"""Packed postings: key → ascending document numbers (and a count per document for ranking words).

Two kinds live in the passage table file: the bigrams of each passage's match text (exact matching's
candidates) and the jieba words of its text and heading path with their counts (BM25F). A build worker
packs the postings of its run of files (`pack_*`, saved beside the run's segment); the build process
merges the runs, after the previous generation's postings when it updates an index (`merge_parts`),
key range by key range, so no step holds more than a slice of the corpus's postings in memory.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from indexer.index.analysis import match_keys
from indexer.index.columns import stretch_positions

# Postings of this many entries at most are gathered at once while merging (about 50 MB of arrays).
_MERGE_CHUNK = 4_000_000
_COUNT_TYPE = np.uint16


# A code point takes at most 21 bits.
CHARACTER_BITS = 21


def bigram_code(key: str) -> int:
    """A bigram as one integer (two code points of at most 21 bits), the order its postings are kept in."""
    return (ord(key[0]) << CHARACTER_BITS) | ord(key[1])


@dataclass(frozen=True)
class Packed:
    """Postings in arrays: `keys` ascending, key i's documents at documents[starts[i]:starts[i + 1]].

    Keys are bigram codes or word numbers (see `words`); `counts` (ranking words only) are parallel to
    `documents`. A run's documents are numbered from 0; `base` is added when the run is merged.
    """

    keys: np.ndarray  # uint64
    starts: np.ndarray  # int64, one more than the keys
    documents: np.ndarray  # uint32
    counts: np.ndarray | None = None
    words: list[str] | None = None  # the word of each key number, for word postings
    # Documents to leave out when merged (a flag per document number), and per key how many postings it then keeps
    # (see without_documents); None when every posting is kept.
    removed: np.ndarray | None = None
    kept: np.ndarray | None = None

    def kept_per_key(self) -> np.ndarray:
        """How many postings each key keeps."""
        return np.diff(self.starts) if self.kept is None else self.kept

    def save(self, folder: Path, name: str) -> None:
        for part in ("keys", "starts", "documents", "counts"):
            value = getattr(self, part)
            if value is not None:
                np.save(folder / f"{name}.{part}.npy", value)
        if self.words is not None:
            (folder / f"{name}.words").write_text("\n".join(self.words), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, name: str) -> Packed:
        """Postings saved by `save`, their arrays mapped rather than read."""
        def array(part: str) -> np.ndarray | None:
            path = folder / f"{name}.{part}.npy"
            return np.load(path, mmap_mode="r") if path.exists() else None

        words_path = folder / f"{name}.words"
        words = words_path.read_text(encoding="utf-8").split("\n") if words_path.exists() else None
        if words == [""]:
            words = []
        return cls(array("keys"), array("starts"), array("documents"), array("counts"), words)


def _starts(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=starts[1:])
    return starts


def pack_bigrams(match_texts: Iterable[str]) -> Packed:
    """The bigram postings of a run's passages, numbered from 0 in the order given."""
    gathered: dict[str, list[int]] = {}
    for document, text in enumerate(match_texts):
        for key in match_keys(text):
            found = gathered.get(key)
            if found is None:
                gathered[key] = [document]
            else:
                found.append(document)
    keys = sorted(gathered, key=bigram_code)
    lists = [gathered[key] for key in keys]
    documents = np.fromiter((document for found in lists for document in found), dtype=np.uint32)
    codes = np.fromiter(map(bigram_code, keys), dtype=np.uint64, count=len(keys))
    return Packed(codes, _starts([len(found) for found in lists]), documents)


def pack_words(postings: Mapping[str, tuple[Sequence[int], Sequence[float]]]) -> Packed:
    """Word postings (word → ascending documents from 0, and the word's count in each) in arrays."""
    words = sorted(postings)
    lengths = [len(postings[word][0]) for word in words]
    documents = np.concatenate([np.asarray(postings[word][0], dtype=np.uint32) for word in words]) if words else np.zeros(0, np.uint32)
    counts = np.concatenate([np.asarray(postings[word][1], dtype=np.float64) for word in words]) if words else np.zeros(0)
    counts = np.minimum(counts, np.iinfo(_COUNT_TYPE).max).astype(_COUNT_TYPE)
    return Packed(np.arange(len(words), dtype=np.uint64), _starts(lengths), documents, counts, words)


def without_documents(packed: Packed, removed: np.ndarray) -> Packed:
    """The postings with the documents flagged in `removed` (a flag per document number) left out when merged.

    Nothing is copied: the postings stay mapped, and only how many each key keeps is counted here, a chunk of
    postings at a time (copying the kept ones of a national index at once held gigabytes).
    """
    if not removed.any():
        return packed
    starts = np.asarray(packed.starts, dtype=np.int64)
    size = len(packed.documents)
    # Kept postings before each key's start: a running count over chunks, read at the starts in each chunk.
    before = np.zeros(len(starts), dtype=np.int64)
    total = 0
    for first in range(0, size, _MERGE_CHUNK):
        kept = np.cumsum(~removed[packed.documents[first:first + _MERGE_CHUNK]], dtype=np.int64)
        low, high = np.searchsorted(starts, [first, first + len(kept)], side="left")
        inside = starts[low:high] - first
        before[low:high] = total + np.where(inside > 0, kept[np.maximum(inside - 1, 0)], 0)
        total += int(kept[-1])
    before[starts >= size] = total
    return replace(packed, removed=removed, kept=np.diff(before))


@dataclass(frozen=True)
class Merged:
    """Merged postings, their documents and counts given in pieces as they are made (see merge_parts)."""

    keys: np.ndarray
    starts: np.ndarray
    words: list[str] | None
    pieces: Iterator[tuple[np.ndarray, np.ndarray | None]]  # (documents, counts) in key order, once


def merge_parts(parts: list[tuple[Packed, int]]) -> Merged:
    """Postings of parts in document order ((postings, base) each, bases ascending) as one set of postings.

    Word parts are put on common word numbers first. The documents and counts are made a key range at a
    time, as the caller writes them, so at most a chunk of them is held at once.
    """
    words: list[str] | None = None
    if parts and parts[0][0].words is not None:
        words = sorted(set().union(*(part.words for part, _base in parts)))
        number = {word: position for position, word in enumerate(words)}
        parts = [
            (replace(part, keys=np.fromiter(map(number.__getitem__, part.words), dtype=np.uint64, count=len(part.words)),
                     words=None), base)
            for part, base in parts
        ]
    all_keys = np.unique(np.concatenate([part.keys for part, _base in parts])) if parts else np.zeros(0, np.uint64)
    totals = np.zeros(len(all_keys), dtype=np.int64)
    for part, _base in parts:
        totals[np.searchsorted(all_keys, part.keys)] += part.kept_per_key()
    starts = _starts(totals)
    return Merged(all_keys, starts, words, _merged_pieces(parts, all_keys, starts))


def _merged_pieces(
    parts: list[tuple[Packed, int]], all_keys: np.ndarray, starts: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """The merged documents (and counts) a range of keys at a time, each range about _MERGE_CHUNK postings."""
    with_counts = bool(parts) and parts[0][0].counts is not None
    first = 0
    while first < len(all_keys):
        # The keys of this piece: as many as fit in a chunk (at least one).
        last = int(np.searchsorted(starts, starts[first] + _MERGE_CHUNK, side="right")) - 1
        last = min(max(last, first + 1), len(all_keys))
        low, high = all_keys[first], all_keys[last - 1]
        size = int(starts[last] - starts[first])
        documents = np.empty(size, dtype=np.uint32)
        counts = np.empty(size, dtype=_COUNT_TYPE) if with_counts else None
        # Where the next posting of each key goes, relative to the piece.
        filled = (starts[first:last] - starts[first]).copy()
        for part, base in parts:
            begin = int(np.searchsorted(part.keys, low, side="left"))
            end = int(np.searchsorted(part.keys, high, side="right"))
            if begin >= end:
                continue
            lengths = part.kept_per_key()[begin:end]
            targets = filled[np.searchsorted(all_keys[first:last], part.keys[begin:end])]
            source_start, source_end = int(part.starts[begin]), int(part.starts[end])
            if not int(lengths.sum()):
                continue
            found = part.documents[source_start:source_end]
            found_counts = part.counts[source_start:source_end] if counts is not None else None
            if part.removed is not None:
                keep = ~part.removed[found]
                found = found[keep]
                found_counts = found_counts[keep] if found_counts is not None else None
            # Each posting's place: its key's next free place plus its rank among the key's postings here.
            offsets = stretch_positions(targets, lengths)
            documents[offsets] = found + np.uint32(base)
            if counts is not None:
                counts[offsets] = found_counts
            filled[np.searchsorted(all_keys[first:last], part.keys[begin:end])] += lengths
        yield documents, counts
        first = last
