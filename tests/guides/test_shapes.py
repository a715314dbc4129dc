"""Look-alike typo correction (形近字): the table, the corrector and what the search makes of it."""

from __future__ import annotations

import pytest

from guides.shapes import ShapeCorrector, ShapeTableError, parse_table, shape_table
from tests.guides.test_search import average_wording, plain_index, ranked  # noqa: F401 (fixture)

NEIGHBOURS = parse_table("援\t缓暖\n照\t熙\n已\t己\n")


def test_the_table_reads_both_ways():
    assert NEIGHBOURS["缓"] == {"援"} and NEIGHBOURS["援"] == {"缓", "暖"} and NEIGHBOURS["己"] == {"已"}


@pytest.mark.parametrize("line", ["援缓", "援援\t缓", "a\t缓", "援\t", "援\tb缓", "援\t援缓"])
def test_a_malformed_table_line_is_a_precise_error(line):
    with pytest.raises(ShapeTableError, match=r"shapes\.tsv:2: expected one Han character"):
        parse_table("# comment\n" + line + "\n", "shapes.tsv")


def test_the_shipped_table_holds_everyday_look_alikes_and_not_unlike_characters():
    table = shape_table()
    for a, b in ("援缓", "已己", "拨拔", "候侯", "辨辩", "货贷", "未末", "土士", "大太"):
        assert b in table[a] and a in table[b], (a, b)
    for a, b in ("援帮", "大小", "丈不", "证明"):
        assert b not in table.get(a, ()), (a, b)


def test_a_span_one_look_alike_from_a_catalogue_word_is_read_as_it():
    corrector = ShapeCorrector(["法律援助", "营业执照", "已婚"], neighbours=NEIGHBOURS)
    [fix] = corrector.corrections("法律缓助怎么申请")
    assert (fix.start, fix.end, fix.typo, fix.words) == (0, 4, 2, ("法律援助",))
    assert [f.words for f in corrector.corrections("营业执熙丢了")] == [("营业执照",)]
    assert [f.words for f in corrector.corrections("我己婚")] == [("已婚",)]


def test_words_as_written_and_unlike_characters_are_left_alone():
    corrector = ShapeCorrector(["法律援助", "已婚"], {"己婚": 80}, neighbours=NEIGHBOURS)
    assert corrector.corrections("法律援助怎么申请") == []  # spelt right
    assert corrector.corrections("法律帮助") == []  # 帮 does not look like 援
    assert corrector.corrections("法律缓缓") == []  # two characters away
    assert corrector.corrections("我己婚") == []  # a common word as written (by the word frequencies)


def test_a_two_character_span_must_be_a_word_of_its_own():
    corrector = ShapeCorrector(["已婚"], neighbours=NEIGHBOURS)
    # jieba's boundaries: 自己|婚礼 holds 己婚 across two words, which is no typo of 已婚.
    assert corrector.corrections("自己婚礼", boundaries={0, 2, 4}) == []
    assert [f.words for f in corrector.corrections("我|己婚".replace("|", ""), boundaries={0, 1, 3})] == [("已婚",)]


def test_the_search_reads_a_look_alike_typo_as_the_word_it_resembles(monkeypatch, average_wording):  # noqa: F811
    import guides.search as search

    names = ["法律咨询", "法律援助"]  # without the correction they tie on 法律, and 法律咨询 comes first
    index = plain_index(names)
    query = index._analyse("法律缓助")
    assert "法律援助" in query.corrections and "缓" in query.misspelt  # jieba cuts 缓 on its own
    assert ranked(index.search("法律缓助"))[0] == "X-1"
    monkeypatch.setattr(search, "SHAPES", False)
    index = plain_index(names)
    query = index._analyse("法律缓助")
    assert "法律援助" not in query.corrections and "缓" not in query.misspelt
    assert ranked(index.search("法律缓助"))[0] == "X-0"


def test_a_longer_span_may_cut_into_a_typo_but_not_into_a_word_spelt_as_meant():
    corrector = ShapeCorrector(["标准规"], {"现在": 1000}, neighbours=parse_table("规\t现\n"))
    assert corrector.corrections("标准现在", boundaries={0, 2, 4}) == []  # 标准|现在: 现在 is a word
    # jieba cuts a typo anywhere: 标准|现|在 leaves no word to respect.
    assert [f.words for f in corrector.corrections("标准现在", boundaries={0, 2, 3, 4})] == [("标准规",)]
