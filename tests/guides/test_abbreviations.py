from guides.abbreviations import Abbreviations, abbreviations_of
from guides.text import plain_tokenizer


def test_an_abbreviation_keeps_the_first_character_of_each_word_or_a_whole_first_or_last_word():
    assert ("就创证", "就业创业证") in abbreviations_of("就业创业证申领")
    assert ("高企认定", "高新技术企业认定") in abbreviations_of("高新技术企业认定")
    assert ("融担公司", "融资担保公司") in abbreviations_of("融资担保公司设立审批")


def test_two_words_at_least_are_shortened():
    # 证查询 is 证 + 查询 as written, not a short form of 证书查询.
    assert not [short for short, phrase in abbreviations_of("律师执业证书查询") if short == "证查询"]
    # Two-character forms are mostly words of their own (医保 is synonym data, not generated).
    assert all(len(short) >= 3 for short, _ in abbreviations_of("城乡居民基本医疗保险参保登记"))


def boundaries(text):
    cuts, position = {0}, 0
    for piece in plain_tokenizer().cut(text, HMM=False):
        position += len(piece)
        cuts.add(position)
    return cuts


def test_a_question_reads_an_abbreviation_as_its_phrase_on_word_boundaries_only():
    abbreviations = Abbreviations(["就业创业证申领", "高新技术企业认定"], known_words=[])
    for text in ("就创证怎么办", "高企认定要什么条件"):
        assert abbreviations.expansions(text, boundaries(text)), text
    assert abbreviations.expansions("就创证怎么办", boundaries("就创证怎么办")) == ["就业创业证"]
    # 高企认 is a form of 高新技术企业认定 too, but here it would cut through 认定: not read.
    assert abbreviations.expansions("高企认定", {0, 2, 4}) == ["高新技术企业认定"]
    assert abbreviations.expansions("成就创证", {0, 2, 4}) == []  # 就创证 would start inside 成就
    assert abbreviations.expansions("", {0}) == [] and abbreviations.expansions("abc 😀", {0, 3, 5}) == []


def test_catalogue_words_common_words_and_ambiguous_forms_are_not_abbreviations():
    assert Abbreviations(["就业创业证申领"], known_words=["就创证"]).expansions("就创证", {0, 3}) == []
    assert Abbreviations(["就业创业证申领"], [], word_freq={"就创证": 1000}).expansions("就创证", {0, 3}) == []
    # One form of four phrases tells nothing about which is meant.
    names = ["公安卫生许可", "公路卫生许可", "公园卫生许可", "公司卫生许可"]
    assert Abbreviations(names, []).expansions("公卫许可", {0, 2, 4}) == []
    assert Abbreviations(names[:2], []).expansions("公卫许可", {0, 2, 4}) == ["公安卫生许可", "公路卫生许可"]
