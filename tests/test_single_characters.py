"""Single characters are found through the exact-match keys (a character's pairs, and a key of its own where it
stands alone between spaces or line breaks), not by reading every passage: the same passages as a substring test."""
import shutil

import pytest

from bundled import bundled_corpus
from indexer.index import build_index
from indexer.index.analysis import match_keys
from indexer.parse import fold_for_matching
from indexer.search import export_passages, open_search_index, search

# Characters standing alone on a line and between spaces, the only places some of them occur.
LONE = """石门乡2024年法治政府建设情况报告
一、主要举措和成效
全年开展普法宣传活动12次，化解矛盾纠纷37件。
甲
标注 乙 丙丁
二、下一步工作安排
创新普法形式，提高群众参与度。
"""


@pytest.fixture(scope="module")
def lone_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lone")
    corpus = folder / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    (corpus / "shimen-2024.txt").write_text(LONE, encoding="utf-8")
    build_index(corpus, folder / "index", workers=1)
    index = open_search_index(folder / "index")
    yield index
    index.close()


def test_a_lone_character_has_a_key_of_its_own_and_pairs_never_straddle_space():
    assert match_keys("甲\n标注 乙 丙丁") == {"甲 ", "标注", "乙 ", "丙丁"}


@pytest.mark.parametrize("phrase", ["甲", "乙", "丙", "丁", "法", "治", "镇", "。", "甲 乙", "注 乙", "7"])
def test_a_character_finds_the_passages_a_substring_test_finds(lone_index, phrase):
    everything = list(export_passages(lone_index, ""))
    # Words a space apart are each looked for (甲 乙: both characters, anywhere in the passage).
    words = fold_for_matching(phrase).split()
    expected = {
        passage.passage_id for passage in everything
        if all(word in fold_for_matching("\n".join(passage.heading_path)) + "\n" + fold_for_matching(passage.text) for word in words)
    }
    found = {passage.passage_id for passage in export_passages(lone_index, phrase)}
    assert found == expected
    assert search(lone_index, phrase).total == len(expected)


def test_lone_characters_are_found_and_absent_ones_are_not(lone_index):
    assert search(lone_index, "甲").total == 1
    assert search(lone_index, "乙").total == 1
    assert search(lone_index, "鑫").total == 0
    assert search(lone_index, "法 OR 治").total == search(lone_index, "法").total + search(lone_index, "治 -法").total


def test_a_quoted_phrase_of_lone_characters_is_tested_as_written(lone_index):
    # 注 and 乙 are both in the passage, a space apart: the quoted phrase holds them as written, 乙 注 does not.
    assert search(lone_index, '"注 乙"').total == 1
    assert search(lone_index, '"乙 注"').total == 0
    assert search(lone_index, '"甲 标"').total == 0  # a line break, not a space, stands between them



@pytest.mark.parametrize("batch", [1, 7, 1 << 21])
def test_a_character_s_keys_gathered_in_batches_find_what_a_substring_test_finds(lone_index, monkeypatch, batch):
    # The keys a character ends are gathered a batch of postings at a time (bounded scratch memory); any batch
    # size, down to one posting, marks the documents whose match text holds the character.
    from indexer.index import table_file

    monkeypatch.setattr(table_file, "_POSITIONS_AT_ONCE", batch)
    texts = lone_index.table.match_texts
    live = lone_index.live_rows.tolist()
    for character in "法治镇。7甲":
        expected = [row for row in live if character in texts[row]]
        found = lone_index.postings.character_documents(character, len(lone_index.live))
        assert [row for row in found.tolist() if lone_index.live[row]] == expected, character
    assert len([row for row in live if "法" in texts[row]]) > 1
