"""Merging postings with documents removed: the previous generation's postings stay mapped and are filtered a
range of keys at a time; the result is what filtering every posting first, then merging, gives."""
import numpy as np
import pytest

from indexer.index import postings
from indexer.index.postings import Packed, merge_parts, without_documents


def random_postings(generator, keys: int, documents: int, with_counts: bool, words: bool) -> Packed:
    """Keys ascending, each with ascending distinct documents (some keys empty)."""
    lists = [np.sort(generator.choice(documents, size=generator.integers(0, 12), replace=False)) for _ in range(keys)]
    starts = np.zeros(keys + 1, dtype=np.int64)
    np.cumsum([len(found) for found in lists], out=starts[1:])
    flat = np.concatenate(lists).astype(np.uint32) if lists else np.zeros(0, np.uint32)
    counts = generator.integers(1, 9, size=len(flat)).astype(np.uint16) if with_counts else None
    names = [f"w{number:04d}" for number in range(keys)] if words else None
    codes = np.arange(keys, dtype=np.uint64) if words else np.sort(generator.choice(10**6, size=keys, replace=False)).astype(np.uint64)
    return Packed(codes, starts, flat, counts, names)


def filtered_first(packed: Packed, removed: np.ndarray) -> Packed:
    keep = ~removed[packed.documents]
    kept = np.array([keep[start:end].sum() for start, end in zip(packed.starts[:-1], packed.starts[1:])], dtype=np.int64)
    starts = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(kept, out=starts[1:])
    counts = packed.counts[keep] if packed.counts is not None else None
    return Packed(packed.keys, starts, packed.documents[keep], counts, packed.words)


def merged(parts) -> tuple:
    result = merge_parts(parts)
    pieces = list(result.pieces)
    documents = np.concatenate([piece[0] for piece in pieces]) if pieces else np.zeros(0, np.uint32)
    counts = np.concatenate([piece[1] for piece in pieces]) if pieces and pieces[0][1] is not None else None
    return result.keys.tolist(), result.starts.tolist(), result.words, documents.tolist(), None if counts is None else counts.tolist()


@pytest.mark.parametrize("words", [False, True])
def test_postings_merged_without_removed_documents_are_those_filtered_first(monkeypatch, words):
    generator = np.random.default_rng(11)
    monkeypatch.setattr(postings, "_MERGE_CHUNK", 37)  # many chunks, keys and key ranges cut across them
    previous = random_postings(generator, 300, 500, with_counts=words, words=words)
    run = random_postings(generator, 200, 80, with_counts=words, words=words)
    for share in (0.0, 0.1, 0.6, 1.0):
        removed = generator.random(500) < share
        lazy = merged([(without_documents(previous, removed), 0), (run, 500)])
        eager = merged([(filtered_first(previous, removed), 0), (run, 500)])
        assert lazy == eager, share
    assert len(lazy[3]) > 0
