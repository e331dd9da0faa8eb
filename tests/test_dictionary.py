"""jieba's dictionary prepared once per word list segments exactly as adding the words one by one does."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from bundled import bundled_corpus

from indexer.index.analysis import domain_words, segmenter, word_list_sources
from indexer.index.dictionary import (
    BALANCE_WORD,
    KEPT_DICTIONARIES,
    prepared_tokenizer,
    replayed_tokenizer,
    word_list_key,
)
from indexer.parse.normalize import fold_for_matching


@pytest.fixture(scope="module")
def replayed():
    return replayed_tokenizer(domain_words())


@pytest.fixture(scope="module")
def cache_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jieba-cache")


def bundled_lines() -> list[str]:
    lines = []
    for path in sorted(bundled_corpus().glob("*.txt")):
        lines.extend(fold_for_matching(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


@pytest.mark.parametrize("read_by", ["jieba's cache", "the dictionary file"])
def test_prepared_dictionary_holds_the_same_words_frequencies_and_total(replayed, cache_folder, read_by):
    prepared_tokenizer(domain_words, word_list_sources(), cache_folder)
    if read_by == "the dictionary file":
        # Without its cache jieba reads the merged dictionary itself (and writes the cache again).
        for cache in cache_folder.glob("dictionary-*.txt.cache"):
            cache.unlink()
    prepared = prepared_tokenizer(domain_words, word_list_sources(), cache_folder)
    assert prepared.dictionary.endswith(".txt")
    # One more entry, which jieba never looks up, carries what the additions added to the total twice.
    assert {word: count for word, count in prepared.FREQ.items() if word != BALANCE_WORD} == replayed.FREQ
    assert not any(BALANCE_WORD in line for line in bundled_lines())
    assert prepared.total == replayed.total


def test_prepared_dictionary_segments_every_bundled_line_as_the_replay_does(replayed, cache_folder):
    prepared_tokenizer(domain_words, word_list_sources(), cache_folder)
    # The second call reads the written dictionary through jieba's own marshal cache.
    prepared = prepared_tokenizer(domain_words, word_list_sources(), cache_folder)
    lines = bundled_lines()
    assert len(lines) > 100
    for line in lines:
        assert list(prepared.cut(line)) == list(replayed.cut(line))


def test_second_process_reads_the_cache_without_making_the_word_list(cache_folder):
    prepared_tokenizer(domain_words, word_list_sources(), cache_folder)
    assert len(list(cache_folder.glob("dictionary-*.txt.cache"))) == 1

    def word_list_not_needed():
        raise AssertionError("the word list was made again although its dictionary is prepared")

    tokenizer = prepared_tokenizer(word_list_not_needed, word_list_sources(), cache_folder)
    assert "法律明白人" in list(tokenizer.cut("培育法律明白人152名"))


def test_a_changed_word_list_source_gets_a_new_dictionary(tmp_path):
    source = tmp_path / "domain_terms.txt"
    source.write_text("枫桥经验\n", encoding="utf-8")
    before = word_list_key([source])
    source.write_text("枫桥经验\n法律明白人\n", encoding="utf-8")
    assert word_list_key([source]) != before


def test_the_process_segmenter_is_the_prepared_one(replayed):
    line = "段园镇坚持和发展新时代枫桥经验，深入学习中华人民共和国行政处罚法"
    assert list(segmenter().cut(line)) == list(replayed.cut(line))


def test_only_the_newest_prepared_dictionaries_are_kept(tmp_path):
    for number in range(KEPT_DICTIONARIES + 2):
        old = tmp_path / f"dictionary-old{number}.txt"
        old.write_text("枫桥经验 10\n", encoding="utf-8")
        (tmp_path / f"dictionary-old{number}.txt.cache").write_bytes(b"")
        os.utime(old, (number, number))
    source = tmp_path / "words.txt"
    source.write_text("法律明白人\n", encoding="utf-8")
    tokenizer = prepared_tokenizer(lambda: ["法律明白人"], [source], tmp_path)
    assert "法律明白人" in list(tokenizer.cut("培育法律明白人"))
    kept = sorted(path.name for path in tmp_path.glob("dictionary-*.txt"))
    assert len(kept) == KEPT_DICTIONARIES
    assert f"dictionary-{word_list_key([source])}.txt" in kept
    assert f"dictionary-old{KEPT_DICTIONARIES + 1}.txt" in kept  # the newest old one
    assert len(list(tmp_path.glob("dictionary-*.txt.cache"))) == len(kept)
