"""The jieba ranking tokenizer (Whoosh's tokenizer contract) and the bigram keys of the exact matcher."""
from __future__ import annotations

from collections import Counter

import pytest
from bundled import bundled_corpus

from indexer.index.analysis import (
    RankTokenizer,
    count_rank_words,
    domain_words,
    match_keys,
    phrase_keys,
    rank_words,
    segmenter,
)
from indexer.index.schema import RankText
from indexer.parse.normalize import fold_for_matching

CORPUS = bundled_corpus()


def corpus_sentence(needle: str) -> str:
    """The first line of the bundled corpus that contains `needle`."""
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if needle in line:
                return line
    raise AssertionError(f"no corpus line holds {needle}")


def query_words(text: str) -> list[str]:
    return [word for word, _start, _end, _position in rank_words(fold_for_matching(text), mode="query")]


def test_jieba_is_loaded_once_per_process():
    assert segmenter() is segmenter()


@pytest.mark.parametrize(
    "sentence, word",
    [
        # jieba's own dictionary cuts these apart (枫桥|经验, 法律|明白人); the domain terms keep them whole.
        ("坚持和发展新时代“枫桥经验”，就地化解矛盾", "枫桥经验"),
        ("培育法律明白人152名", "法律明白人"),
        ("全面落实一村一法律顾问制度", "一村一法律顾问"),
        ("严格执行三重一大决策制度", "三重一大"),
        # Law short names come from laws.tsv, township names from divisions.tsv.
        ("深入学习行政处罚法和民法典", "行政处罚法"),
        ("段园镇始终坚持依法行政", "段园镇"),
    ],
)
def test_domain_words_stay_whole(sentence, word):
    assert word in query_words(sentence)


def test_domain_words_include_laws_townships_and_our_terms():
    words = set(domain_words())
    assert {"枫桥经验", "民法典", "段园镇"} <= words


def test_positions_are_sequential_and_offsets_point_into_the_text():
    sentence = corpus_sentence("枫桥经验")
    tokens = list(RankTokenizer()(sentence, positions=True, chars=True, mode="query"))
    assert [token.pos for token in tokens] == list(range(len(tokens)))
    for token in tokens:
        assert fold_for_matching(sentence[token.startchar:token.endchar]) == token.text


def test_index_mode_adds_sub_words_at_the_position_of_their_word():
    tokens = list(RankTokenizer()("依据中华人民共和国行政处罚法", positions=True, chars=True, mode="index"))
    whole = next(token for token in tokens if token.text == "中华人民共和国行政处罚法")
    parts = {token.text: token for token in tokens if token.pos == whole.pos and token.text != whole.text}
    assert {"行政", "处罚", "处罚法", "行政处罚法"} <= set(parts)
    assert (parts["处罚法"].startchar, parts["处罚法"].endchar) == (11, 14)
    assert "处罚法" not in query_words("依据中华人民共和国行政处罚法")


def test_tokens_are_shifted_by_the_start_position_and_character():
    tokens = list(RankTokenizer()("依法行政", positions=True, chars=True, start_pos=10, start_char=100, mode="query"))
    assert [(token.pos, token.startchar, token.endchar) for token in tokens] == [(10, 100, 104)]


def test_untokenized_value_is_one_folded_token():
    tokens = list(RankTokenizer()("ＡＢＣ行政執法", tokenize=False, positions=True, chars=True))
    assert [(token.text, token.pos, token.startchar, token.endchar) for token in tokens] == [("abc行政执法", 0, 0, 7)]


def test_punctuation_is_a_stop_left_out_or_marked():
    removed = [token.text for token in RankTokenizer()("依法行政，严格执法。")]
    kept = [(token.text, token.stopped) for token in RankTokenizer()("依法行政，严格执法。", removestops=False)]
    assert "," not in removed and "。" not in removed
    assert (",", True) in kept and ("依法行政", False) in kept


def test_full_width_and_traditional_forms_fold_before_segmentation():
    words = query_words("推進行政執法，上線ＡＢＣ系統")
    assert "行政执法" in words and "abc" in words


def test_word_counts_are_the_tokenizers_words_counted():
    sentence = corpus_sentence("矛盾纠纷")
    from_tokenizer = Counter(token.text for token in RankTokenizer()(sentence, mode="index"))
    assert count_rank_words(fold_for_matching(sentence)) == dict(from_tokenizer)


def test_rank_field_indexes_word_counts_like_the_text_itself():
    sentence = corpus_sentence("信访")
    field = RankText()
    from_text = sorted(field.index(sentence))
    from_counts = sorted(field.index(count_rank_words(fold_for_matching(sentence))))
    assert from_text == from_counts


def test_match_keys_never_straddle_white_space():
    keys = match_keys(fold_for_matching("学习枫桥\n经验 丰富"))
    assert {"枫桥", "经验", "丰富"} <= keys
    assert "桥经" not in keys and "验丰" not in keys


@pytest.mark.parametrize(
    "phrase, keys",
    [
        ("信访", ["信访"]),  # a two-character phrase is its own key
        ("行政执法", ["行政", "政执", "执法"]),
        ("执法执法", ["执法", "法执"]),  # each pair once
        ("枫桥 经验", ["枫桥", "经验"]),  # no pair across the space
        ("镇", []),  # a single character needs a scan
    ],
)
def test_phrase_keys_are_every_pair_within_each_run(phrase, keys):
    assert phrase_keys(phrase) == keys
