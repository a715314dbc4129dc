"""Text normalisation shared by search, vocabulary and the bot."""

from __future__ import annotations

from guides.text import WORD_RUN, char_grams, content_tokens, is_word_char, new_tokenizer, normalise


def test_traditional_characters_become_simplified_and_the_particle_stays():
    assert normalise("補辦身份證怎麼辦") == "补办身份证怎么办"
    # zhconv alone reads 么 before 半 or 子 as the Traditional spelling of 幺 (怎么半 -> 怎幺半).
    assert normalise("新建楼房第一次产权登记怎么半？") == "新建楼房第一次产权登记怎么半?"
    assert normalise("要什么子女证明") == "要什么子女证明"
    # The stand-in used for 么 cannot be smuggled in.
    assert normalise("\ue000护照") == "护照"


def test_search_mode_over_words_already_cut_is_jiebas():
    from guides.text import _for_search

    tokenizer = new_tokenizer([("注册核安全工程师", 100), ("就业创业证", 100)])
    for text in ["我想考个注册核安全工程师，要什么条件？", "就业创业证 丢了 补办", "ABC123 营业执照!!", "中华人民共和国护照", ""]:
        words = list(tokenizer.cut(text, HMM=False))
        assert list(_for_search(tokenizer, words)) == tokenizer.lcut_for_search(text, HMM=False)
        assert content_tokens(tokenizer, text, words) == content_tokens(tokenizer, text)
    assert "核" in content_tokens(tokenizer, "考个核安全方面的注册工程师证,注册核安全工程师")


def test_jieba_cuts_at_spaces_and_sentence_breaks_as_the_search_relies_on():
    # SearchIndex._analyse cuts a question once and reuses the words for the question with its
    # corrections appended after a space, and for its last sentence.
    tokenizer = new_tokenizer([("就业创业证", 100)])
    cut = lambda text: list(tokenizer.cut(text, HMM=False))  # noqa: E731
    for first, second in [("孩子上户口要什么材料", "户口 登记"), ("就业创业证丢了", "就业创业证"), ("abc营业执照", "x1")]:
        assert cut(first + " " + second) == cut(first) + [" "] + cut(second)
    story = "我在番禺开了个小店。营业执照怎么变更经营范围？"
    head, tail = story.split("。")
    assert cut(story) == cut(head) + ["。"] + cut(tail)


def test_char_grams_read_runs_of_letters_and_digits_only():
    # Underscores and punctuation break a run; numbers of any kind are digits (㈠ ①).
    assert char_grams("a_b ㈠办证①") == ["a", "b", "㈠", "办", "证", "①", "㈠办", "办证", "证①"]
    assert char_grams("护照 过期了？") == ["护", "照", "护照", "过", "期", "了", "过期", "期了"]
    assert char_grams("") == [] and char_grams("？！ ") == []


def test_the_word_run_pattern_is_is_word_char_over_all_of_unicode():
    chars = "".join(map(chr, range(0x110000)))
    assert "".join(WORD_RUN.findall(chars)) == "".join(c for c in chars if is_word_char(c))
