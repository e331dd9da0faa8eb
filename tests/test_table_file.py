"""The memory-mapped passage table and its packed postings: an updated index answers exactly as one built from
scratch, merging postings in small key ranges gives the same postings as in one go, and a damaged table
file is refused rather than misread."""
import shutil

import numpy as np
import pytest
from bundled import bundled_corpus

from indexer.index import postings as postings_module
from indexer.index.build import build_index
from indexer.index.postings import Packed, merge_parts, pack_bigrams, pack_words, without_documents
from indexer.index.schema import TABLE_FILE
from indexer.index.table_file import read_table_file
from indexer.search import open_search_index, search

QUERIES = ["法治", "枫桥经验", "行政执法 培训", "民法典", "调解", "宣传 -民法典", "法律顾问 year:2024", ""]


def answers(index_dir):
    """Every query's hits (passage id and score), total and facet counts."""
    found = {}
    with open_search_index(index_dir) as index:
        for query in QUERIES:
            result = search(index, query, per_page=100, facet_limit=None)
            found[query] = (
                result.total,
                [(hit.passage_id, hit.score) for hit in result.hits],
                {name: [(value.value, value.count, value.reports) for value in values] for name, values in result.facets.items()},
            )
    return found


def test_an_updated_index_answers_as_one_built_from_scratch(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    names = sorted(path.name for path in corpus.iterdir())
    held_back = corpus / names[0]
    held_back_text = held_back.read_text(encoding="utf-8")
    held_back.unlink()
    updated = tmp_path / "updated"
    build_index(corpus, updated, workers=1)
    # Add a report, change one and remove another: deleted documents keep their numbers, new ones follow.
    held_back.write_text(held_back_text, encoding="utf-8")
    changed = corpus / names[1]
    changed.write_text(changed.read_text(encoding="utf-8").replace("法治", "法治建设", 3), encoding="utf-8")
    (corpus / names[2]).unlink()
    summary = build_index(corpus, updated, workers=1)
    assert summary.reports_indexed == 2 and summary.reports_removed == 1
    fresh = tmp_path / "fresh"
    build_index(corpus, fresh, rebuild=True, workers=1)
    updated_answers, fresh_answers = answers(updated), answers(fresh)
    assert updated_answers["法治"][0] > 0
    for query in QUERIES:
        total, hits, facets = fresh_answers[query]
        assert updated_answers[query][0] == total, query
        assert updated_answers[query][2] == facets, query
        # Document numbers differ between the two indexes, so equal scores may come in another order.
        assert sorted(updated_answers[query][1]) == sorted(hits), query


def test_merging_in_small_key_ranges_gives_the_postings_of_one_merge(monkeypatch):
    texts = ["枫桥经验调解", "调解枫桥", "法治 建设", "行政执法", "执法培训", "枫桥经验", "经验交流"]
    runs = [pack_bigrams(texts[:3]), pack_bigrams(texts[3:5]), pack_bigrams(texts[5:])]
    parts = [(runs[0], 0), (runs[1], 3), (runs[2], 5)]
    whole = merge_parts(parts)
    expected = np.concatenate([documents for documents, _counts in whole.pieces])
    monkeypatch.setattr(postings_module, "_MERGE_CHUNK", 2)
    chunked = merge_parts(parts)
    pieces = [documents for documents, _counts in chunked.pieces]
    assert len(pieces) > 3
    assert np.array_equal(np.concatenate(pieces), expected)
    # Each key's documents are every text holding it, ascending.
    by_key = {int(key): expected[whole.starts[i]:whole.starts[i + 1]].tolist() for i, key in enumerate(whole.keys)}
    assert by_key[(ord("枫") << 21) | ord("桥")] == [0, 1, 5]
    assert by_key[(ord("执") << 21) | ord("法")] == [3, 4]


def test_word_postings_merge_on_common_words_and_drop_deleted_documents():
    first = pack_words({"调解": ([0, 2], [1.0, 3.0]), "法治": ([1], [2.0])})
    second = pack_words({"法治": ([0, 1], [1.0, 1.0]), "枫桥": ([1], [4.0])})
    removed = np.array([False, False, True])
    merged = merge_parts([(without_documents(first, removed), 0), (second, 3)])
    assert merged.words == ["枫桥", "法治", "调解"]
    documents, counts = (np.concatenate(arrays) for arrays in zip(*merged.pieces))
    spans = {word: (merged.starts[i], merged.starts[i + 1]) for i, word in enumerate(merged.words)}
    assert documents[slice(*spans["法治"])].tolist() == [1, 3, 4]
    assert documents[slice(*spans["调解"])].tolist() == [0]  # document 2 was deleted
    assert counts[slice(*spans["枫桥"])].tolist() == [4]


def test_a_table_file_cut_short_or_of_another_kind_is_not_read(tmp_path):
    index_dir = tmp_path / "index"
    build_index(bundled_corpus(), index_dir, workers=1)
    generation = next(path for path in index_dir.iterdir() if path.name.startswith("generation-"))
    table_path = generation / TABLE_FILE
    assert read_table_file(table_path) is not None
    data = table_path.read_bytes()
    cut = tmp_path / "cut.table"
    cut.write_bytes(data[:-100])
    assert read_table_file(cut) is None
    other = tmp_path / "other.table"
    other.write_bytes(b"not a table at all")
    assert read_table_file(other) is None


@pytest.mark.parametrize("count", [0, 1])
def test_packing_handles_runs_without_words(count):
    packed = pack_words({f"词{n}": ([n], [1.0]) for n in range(count)})
    merged = merge_parts([(packed, 0)])
    assert len(merged.keys) == count
    assert sum(len(documents) for documents, _counts in merged.pieces) == count


def test_packed_postings_survive_saving(tmp_path):
    packed = pack_bigrams(["枫桥经验", "经验"])
    packed.save(tmp_path, "bigrams")
    loaded = Packed.load(tmp_path, "bigrams")
    assert np.array_equal(loaded.keys, packed.keys) and np.array_equal(loaded.documents, packed.documents)


def test_opening_an_index_raises_the_open_file_limit_to_what_the_system_allows(tmp_path):
    # Each thread's searcher holds a file per segment: hundreds at national scale, past a soft limit of 1,024.
    import resource
    import subprocess
    import sys

    index_dir = tmp_path / "index"
    build_index(bundled_corpus(), index_dir, workers=1)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.skip("the hard limit of open files here leaves nothing to raise")
    script = (
        "import resource, sys; from indexer.search import open_search_index;"
        "open_search_index(sys.argv[1]).close(); print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])"
    )
    found = subprocess.run(
        [sys.executable, "-c", script, str(index_dir)], capture_output=True, text=True, check=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)),
    )
    assert int(found.stdout.split()[-1]) > 256
