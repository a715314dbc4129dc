from guides.pinyin import PinyinCorrector

WORDS = ["社保卡", "驾照", "结婚证", "护照", "过户", "公证", "合作", "补办", "阳朔"]


def test_same_sound_typos_map_to_catalogue_words():
    corrector = PinyinCorrector(WORDS)
    assert corrector.corrections("柳州设保卡补半") == ["社保卡", "补办"]
    assert corrector.corrections("架照到期") == ["驾照"]
    assert corrector.corrections("补领结婚正") == ["结婚证"]
    assert corrector.corrections("出生公正") == ["公证"]


def test_a_sound_two_catalogue_words_share_reads_as_both():
    # 核法 may be 核发 or 合法: the first word listed alone (合法) lost the item 植物检疫证书核发.
    corrector = PinyinCorrector(["合法", "核发", "社保卡"])
    assert corrector.corrections("植物检疫证书核法") == ["合法", "核发"]
    assert corrector.corrections("证书核发") == []  # as written, no other reading is added


def test_correct_spelling_and_non_han_text_add_nothing():
    corrector = PinyinCorrector(WORDS)
    assert corrector.corrections("社保卡丢了") == []
    assert corrector.corrections("abc 123 😀") == [] and corrector.corrections("") == []


def test_spans_respect_word_boundaries():
    corrector = PinyinCorrector(WORDS)
    text = "适合做后端"  # 合做 sounds like 合作 but straddles 适合|做
    boundaries = {0, 2, 3, 5}
    assert corrector.corrections(text) == ["合作"]
    assert corrector.corrections(text, boundaries) == []


def test_long_same_sound_spans_may_cross_word_boundaries():
    corrector = PinyinCorrector(WORDS + ["养殖证"])
    text = "要办养直证吗"  # cut as 要|办养|直证|吗, the typo straddles two words
    boundaries = {0, 1, 3, 5, 6}
    assert corrector.corrections(text, boundaries) == ["养殖证"]
    # Two-character spans still need both boundaries (适合|做 is not 合作).
    assert corrector.corrections("适合做后端", {0, 2, 3, 5}) == []


def test_long_spans_may_differ_by_sounds_many_speakers_merge():
    corrector = PinyinCorrector(WORDS + ["造价工程师", "照相"])
    # zh/z merged: 照价工程师 (zhao) is 造价工程师 (zao); same for -ng/-n over three or more characters.
    assert corrector.corrections("一级照价工程师报名") == ["造价工程师"]
    # Two-character spans must sound exactly alike: 早上 (zao shang) is not read as 照相 (zhao xiang).
    assert corrector.corrections("早上") == []


def test_a_common_word_as_written_is_not_read_as_a_same_sound_catalogue_word():
    words = WORDS + ["柳城", "失明"]
    freq = {"流程": 523, "实名": 58, "查寻": 6}  # as jieba's dictionary counts them
    assert PinyinCorrector(words).corrections("办理流程") == ["柳城"]
    corrector = PinyinCorrector(words, freq)
    assert corrector.corrections("办理流程") == [] and corrector.corrections("实名认证") == []
    # Typos are rare or no words at all: still corrected.
    assert corrector.corrections("柳州设保卡补半") == ["社保卡", "补办"]


def test_catalogue_words_as_written_are_not_typos_of_other_words():
    corrector = PinyinCorrector(WORDS + ["扶养", "协议", "抚养协议", "加考", "驾考"])
    # 扶养|协议 are two catalogue words as jieba cut them, not a typo of the one word 抚养协议.
    assert corrector.corrections("签扶养协议想公证", {0, 1, 3, 5, 6, 8}) == []
    # A same-sound span that is no catalogue word is still read as one.
    assert corrector.corrections("签抚样协议", {0, 1, 3, 5}) == ["抚养协议"]
    # A catalogue word is meant as written, even when another word sounds the same.
    assert corrector.corrections("驾考预约", {0, 2, 4}) == []
