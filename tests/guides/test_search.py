"""Search v1: ranking, aliases, region scope, "no confident match", bad input."""

from __future__ import annotations

import math

import pytest

from guidebot.db import unit_of_work
from guides.catalogue import load_directory
from guides.search import SUGGESTION_SCORE, SearchIndex, answer_model
from guides.store import import_bundle
from tests.conftest import CATALOGUE_DIR, migrated_engine


@pytest.fixture
def index(sqlite_engine, make_catalogue):
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(make_catalogue()))
    with unit_of_work(sqlite_engine) as session:
        return SearchIndex.from_session(session)


def codes(response):
    return [h.code for h in response.results]


def codes_of(hits):
    return [h.code for h in hits]


def ranked(response):
    """Codes best first, confident or not: for tests of ranking alone."""
    return [h.code for h in ranked_hits(response)]


def ranked_hits(response):
    return response.results or response.closest


def test_official_name_and_alias_find_the_item(index):
    assert codes(index.search("高等学校教师资格认定"))[0] == "T-001"
    response = index.search("我想考高校教资，要准备什么材料？")
    assert codes(response)[:1] == ["T-001"] and response.results[0].score >= 0.9  # the alias 高校教资


def test_same_item_in_two_cities_both_returned_and_region_filter(index):
    assert set(codes(index.search("怎么办护照"))) == {"P-NN-001", "P-LZ-001"}
    assert codes(index.search("怎么办护照", region="450200000000")) == ["P-LZ-001"]
    # A district question is served by its city (and the autonomous region), not by another city.
    assert codes(index.search("护照", region="450103000000")) == ["P-NN-001"]
    # An item at the top level serves every subdivision.
    assert codes(index.search("高校教师资格证", region="450103000000")) == ["T-001"]
    assert codes(index.search("护照", region="999999999999")) == []


def test_out_of_scope_gives_no_confident_match(index):
    for question in ("今天天气怎么样", "给我讲个笑话", "股票明天会涨吗"):
        response = index.search(question)
        assert response.results == [] and not response.confident


def test_suggestions_are_the_closest_items_worth_offering():
    from guides.search import SUGGESTION_SCORE, Hit, SearchResponse

    hits = [Hit(f"X-{i}", "事项", "部门", "440000", score) for i, score in enumerate((0.5, 0.3, SUGGESTION_SCORE - 0.01, 0.4))]
    assert [h.code for h in SearchResponse("问", closest=hits).suggestions()] == ["X-0", "X-1"]
    assert SearchResponse("问", results=hits[:1]).suggestions() == []


def test_results_are_limited_and_scores_are_confidences(index):
    response = index.search("护照", limit=1)
    assert len(response.results) == 1
    many = index.search("护照 教师资格", limit=10)
    assert len(many.results) >= 2
    assert all(SUGGESTION_SCORE <= h.score <= 1 for h in many.results)


@pytest.mark.parametrize("question", [
    "", "   \t\n ", "😀😀😀", "\x00\x01\x1b[31m", "'; DROP TABLE service_items; --",
    "<script>alert(1)</script>", "护照" * 5000, None,
])
def test_bad_input_is_safe(index, question):
    response = index.search(question)
    assert isinstance(response.results, list)
    if question and "护照" in question:
        assert codes(response)  # the long message still finds its subject


def test_draft_items_are_not_searchable(sqlite_engine, make_catalogue):
    draft = "code: D-1-0\nname: 草稿护照事项\ntype: 公共服务\nlevel: 自治区级\ndepartment: gx-jyt\nregion: '450000000000'\nstatus: draft\n"
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(make_catalogue({"items/d.yaml": draft})))
    with unit_of_work(sqlite_engine) as session:
        index = SearchIndex.from_session(session)
    assert len(index) == 0 and index.search("草稿护照事项").results == []


def test_traditional_characters_and_homophone_typos(index):
    assert set(codes(index.search("辦護照要帶什麼"))) == {"P-NN-001", "P-LZ-001"}
    assert set(codes(index.search("办户照"))) == {"P-NN-001", "P-LZ-001"}  # 户照 sounds like 护照


def test_colloquial_phrases_use_the_synonym_table(index):
    # 教师证 is not an alias of the item; guides/data/synonyms.yaml maps it to 教师资格认定.
    assert codes(index.search("教师证怎么认定"))[:1] == ["T-001"]


def test_region_mentions_rank_the_right_place_first(index):
    response = index.search("在柳州办护照要什么")
    assert codes(response)[0] == "P-LZ-001" and response.regions == ["450200000000"]
    # A district is served by its own city first.
    assert codes(index.search("青秀区 护照"))[0] == "P-NN-001"
    # A department mention places the question too.
    assert codes(index.search("柳州市公安局 护照"))[0] == "P-LZ-001"
    # An item of the autonomous region serves every city.
    assert codes(index.search("柳州 高校教资"))[:1] == ["T-001"]


def test_filler_words_are_not_content():
    from guides.text import content_tokens, is_filler, new_tokenizer

    assert is_filler("怎么弄") and is_filler("我想") and not is_filler("护照")
    assert content_tokens(new_tokenizer(), "我想问一下怎么弄护照") == ["护照"]


def test_a_character_between_the_known_words_of_a_catalogue_word_counts():
    from guides.text import content_tokens, new_tokenizer

    # 注册核安全工程师 is a catalogue word jieba does not know: its pieces 注册, 安全, 工程师 miss 核.
    tokenizer = new_tokenizer([("注册核安全工程师", 50)])
    assert "核" in content_tokens(tokenizer, "注册核安全工程师考试报名")
    assert "注" not in content_tokens(tokenizer, "注册安全工程师考试报名")
    index = plain_index(["注册安全工程师考试报名", "注册核安全工程师考试报名"],
                        words=["注册核安全工程师", "注册安全工程师"])
    assert codes(index.search("领导让我考个核安全方面的注册工程师证，怎么报名"))[0] == "X-1"
    assert codes(index.search("注册安全工程师考试怎么报名"))[0] == "X-0"


class AverageWording:
    """A wording model by which every question reads as the dev questions do on average: no evidence."""

    def log_odds(self, text: str) -> float:
        model = answer_model()
        return model.means[model.features.index("wording")]


@pytest.fixture
def average_wording(monkeypatch):
    """For tests of the ranking's mechanisms on toy catalogues, whose questions the shipped wording
    model (learnt from the dev questions) would judge too: "名字重名的人有多少" asks 多少."""
    import guides.search as search

    monkeypatch.setattr(search, "wording_model", lambda: AverageWording())


def plain_index(names: list[str], aliases: dict[int, list[str]] | None = None,
                examples: dict[int, list[str]] | None = None, words: list[str] = (),
                regions: dict[int, str] | None = None, stand_ins: bool = False,
                region_names: list[tuple[str, list[str]]] = ()) -> SearchIndex:
    """Items X-0, X-1… of ``names`` in 440000, or in ``regions`` (places under 440000) by position;
    ``region_names`` (code, names) let questions name places.

    These tests weigh names, aliases and cues: an item without example questions gets no stand-ins
    (its names as examples, NAMES_STAND_IN) unless ``stand_ins``.
    """
    import guides.search as search

    places = {"440000": None} | {code: "440000" for code in (regions or {}).values() if code != "440000"}
    items = [{"code": f"X-{i}", "name": name, "aliases": (aliases or {}).get(i, []),
              "examples": (examples or {}).get(i, []), "department": "示例部门",
              "department_code": "d", "department_names": ["示例部门"],
              "region_code": (regions or {}).get(i, "440000")}
             for i, name in enumerate(names)]
    saved, search.NAMES_STAND_IN = search.NAMES_STAND_IN, stand_ins
    try:
        return SearchIndex.build(items, list(words), places, regions=region_names)
    finally:
        search.NAMES_STAND_IN = saved


def test_items_for_a_group_of_applicants_rank_below_the_general_item_unless_the_group_is_mentioned():
    index = plain_index(["机动车驾驶证初次申领(大陆居民申领小型汽车准驾车型)",
                         "机动车驾驶证初次申领(外国人申领小型汽车准驾车型)",
                         "机动车驾驶证初次申领(台湾居民申领小型汽车准驾车型)"])
    assert ranked(index.search("小型汽车驾驶证初次申领"))[0] == "X-0"
    assert ranked(index.search("我是外国人，小型汽车驾驶证初次申领"))[0] == "X-1"
    # The mainland item is the general case: a question naming another group means that group.
    assert ranked(index.search("台湾人在大陆初次申领小型汽车驾驶证"))[0] == "X-2"


def test_look_up_items_rank_below_the_service_unless_the_question_looks_something_up():
    index = plain_index(["首次办理往来台湾通行证办证进度查询", "办理往来台湾通行证"],
                        {0: ["台湾通行证首次办证"], 1: ["台湾通行证"]})
    assert codes(index.search("台湾通行证首次办证要带什么"))[0] == "X-1"
    assert codes(index.search("台湾通行证首次办证，想查一下办到哪了"))[0] == "X-0"


def test_a_question_that_plainly_looks_something_up_prefers_the_look_up_item():
    # Both names score alike on words; only the look-up cues tell them apart.
    index = plain_index(["毕业生档案接收", "毕业生档案名录", *OTHER_ITEMS])
    assert ranked(index.search("毕业生档案"))[0] == "X-0"
    assert ranked(index.search("想查一下毕业生档案"))[0] == "X-1"
    # 查 alone is no plain look-up (检查 and 查出病 contain it too): the service keeps its score.
    scores = {h.code: h.score for h in ranked_hits(index.search("检查毕业生档案"))}
    assert scores["X-0"] >= scores["X-1"]


def test_a_question_like_a_message_that_asks_for_no_service_gets_no_confident_match(monkeypatch):
    import guides.search as search

    names = ["机动车驾驶证换证", "普通护照签发", "结婚登记", "社会保障卡申领", "最低生活保障审核确认"]
    examples = {0: ["驾照快到期了要去哪里换新的", "驾驶证有效期满换证要带什么"]}
    advice = "刚拿到驾驶证三个月，一上路开车就紧张，有什么办法克服？"
    monkeypatch.setattr(search, "not_a_service_examples", lambda: ())
    plain = plain_index(names, examples=examples).search(advice)
    assert ranked(plain)[0] == "X-0" and not plain.not_a_service and codes_of(plain.suggestions()) == ["X-0"]
    monkeypatch.setattr(search, "not_a_service_examples", lambda: ("新手刚拿驾驶证，开车上路紧张怎么克服",))
    index = plain_index(names, examples=examples)
    response = index.search(advice)
    assert response.results == [] and ranked(response)[0] == "X-0"  # still the closest, for the hotline
    assert response.not_a_service and response.suggestions() == []  # but not offered to the citizen
    assert codes(index.search("驾照快到期了，去哪里换证")) == ["X-0"]
    unsure = index.search("机动车年检")  # no confident match, and nothing like a chat: offered
    assert unsure.results == [] and not unsure.not_a_service and ranked(unsure)[:1] == ["X-0"]
    assert [h.code for h in unsure.suggestions()] == ["X-0"]


def test_the_shipped_not_a_service_messages_keep_a_banks_own_procedure_out(monkeypatch):
    import guides.search as search

    names = ["社会保障卡挂失及补换", "居民身份证补领", "机动车驾驶证补领", "结婚登记", "最低生活保障审核确认"]
    aliases = {0: ["社保卡丢了", "社保卡补卡", "补办社保卡"]}
    examples = {0: ["社保卡丢了怎么补办", "社保卡坏了要去哪里换"]}
    bank = "银行卡丢了补卡要带什么"  # a bank's own procedure: no item answers it
    monkeypatch.setattr(search, "not_a_service_examples", lambda: ())
    monkeypatch.setattr(search, "wording_model", lambda: AverageWording())  # its wording is no evidence either
    assert codes(plain_index(names, aliases, examples).search(bank)) == ["X-0"]  # the words alone say 补卡
    monkeypatch.undo()
    index = plain_index(names, aliases, examples)
    assert index.search(bank).results == []
    assert codes(index.search("社保卡丢了补卡要带什么"))[:1] == ["X-0"]


def test_how_a_question_asks_does_not_make_it_resemble_a_not_a_service_message(monkeypatch, average_wording):
    import guides.search as search

    monkeypatch.setattr(search, "not_a_service_examples", lambda: ("今天几点下班", "车管所旁边的早餐店几点开门"))
    index = plain_index(["机动车转移登记", *OTHER_ITEMS], aliases={0: ["车辆过户", "过户"]},
                        examples={0: ["卖车要去哪里过户"]})
    # 几点 asks for the opening hours (an aspect of the guide), as 几点下班 does: it proves nothing.
    assert codes(index.search("车子过户，那边几点下班"))[:1] == ["X-0"]
    # The words of its topic still do.
    assert index.search("过户那天想先吃早饭，车管所旁边的早餐店几点开门").results == []


def test_the_not_a_service_messages_are_a_list_of_text():
    from guides.search import not_a_service_examples

    messages = not_a_service_examples()
    assert len(messages) >= 100 and all(isinstance(m, str) and m.strip() for m in messages)


def test_a_data_file_with_a_key_written_twice_is_refused_not_half_read(monkeypatch):
    import guides.search as search
    from guidebot.errors import ValidationFailed

    class Data:  # stands in for importlib.resources' view of guides/data
        def joinpath(self, *parts):
            return self

        def read_text(self, encoding):
            return "首次登记: [新房办证]\n出生登记: [上户口]\n首次登记: [办大证]\n"

    monkeypatch.setattr(search.resources, "files", lambda package: Data())
    with pytest.raises(ValidationFailed, match=r"guides/data/synonyms.yaml: .*duplicate key '首次登记' \(first at line 1\)"):
        search._data_file("synonyms.yaml")


def test_synonym_phrases_with_pieces_match_in_any_order_with_gaps():
    from guides.search import synonym_officials

    assert "农机购置补贴" in synonym_officials("想买台拖拉机，听说政府有补贴？")
    assert "农机购置补贴" not in synonym_officials("拖拉机上牌要带什么")
    assert "结婚登记" in synonym_officials("我和对象想把证扯了")



def test_synonym_phrases_and_official_words_are_read_as_normalised_questions_are(monkeypatch):
    # A question is lower-cased and half-width before the table reads it: a phrase written L签,
    # ＣＰＡ or with 考試 once never met one, and its official words missed the names' (延期l字签证).
    import guides.search as search
    from guides.text import normalise

    table = "延期L字签证: [L签, 旅游签+到期]\n注册会计师: [ＣＰＡ]\n考试: [考試+報名]\n"
    monkeypatch.setattr(search, "_data_file", lambda name: search.parse_yaml(table, name))
    search.synonym_table.cache_clear()
    search._synonym_index.cache_clear()
    try:
        assert search.synonym_officials(normalise("老外的L签怎么续")) == ["延期l字签证"]
        assert search.synonym_officials(normalise("CPA 考試報名")) == ["注册会计师", "考试"]
    finally:
        search.synonym_table.cache_clear()
        search._synonym_index.cache_clear()


def test_questions_asking_for_advice_or_trivia_lose_confidence():
    index = plain_index(["律师执业许可", "公务员录用考试报名"])
    assert codes(index.search("律师执业许可"))[0] == "X-0"
    # The same words but for one unknown to the catalogue: only the advice cue (前景) tells them apart.
    advice, plain = index.search("律师执业前景怎么样"), index.search("律师执业远景怎么样")
    assert (advice.results or advice.closest)[0].score < (plain.results or plain.closest)[0].score


def test_an_advice_question_resembling_a_not_a_service_message_gets_no_confident_match(monkeypatch):
    import guides.search as search

    examples = {0: ["公务员考试申论怎么写", "考公务员在哪报名"]}
    monkeypatch.setattr(search, "not_a_service_examples", lambda: ("高考作文怎么拿高分",))
    index = plain_index(["公务员录用考试报名", *OTHER_ITEMS], examples=examples)
    # It resembles the item's example more than the message; asking for advice (拿高分) settles it:
    # the search reports a message that asks for no service, which the answer model weighs against.
    advice, plain = index.search("公务员考试申论怎么写才能拿高分"), index.search("公务员考试申论怎么写")
    assert advice.signals["no_service"] == 1.0 and plain.signals["no_service"] == 0.0
    assert answer_model().probability(advice.signals) < answer_model().probability({**advice.signals, "no_service": 0.0})
    assert codes(plain)[:1] == ["X-0"]


# Unrelated items, so that word weights are those of a catalogue rather than of four look-alikes.
OTHER_ITEMS = ["普通护照签发", "机动车驾驶证换证", "结婚登记", "个体工商户设立登记", "社会保障卡申领",
               "最低生活保障审核确认", "出生医学证明首次签发", "食品经营许可", "不动产登记", "失业保险金申领"]


def test_stage_cues_prefer_the_sub_item_for_the_stage_the_question_asks_for():
    # The four names score alike on words; only the stage each shows tells them apart.
    index = plain_index(["保安员证核发(变更)", "保安员证核发(初次)", "保安员证核发(补发)", "保安员证核发(注销)",
                         *OTHER_ITEMS])
    # Silent on the stage: the default (a first application) ranks first.
    assert ranked(index.search("保安员证核发"))[0] == "X-1"
    assert ranked(index.search("第一次领保安员证"))[0] == "X-1"
    assert ranked(index.search("保安员证上的信息要改一下"))[0] == "X-0"
    assert ranked(index.search("保安员证弄丢了"))[0] == "X-2"
    assert ranked(index.search("保安员证泡水烂了"))[0] == "X-2"
    assert ranked(index.search("不干保安了，保安员证怎么处理"))[0] == "X-3"
    # A story names several stages; its last sentence holds the one it asks for. (The first
    # application comes first here, so that it would win the tie if both stages counted.)
    index = plain_index(["保安员证核发(初次)", "保安员证核发(变更)", *OTHER_ITEMS])
    assert ranked(index.search("保安员证三年前第一次领的。现在上面的信息要改一下，怎么办？"))[0] == "X-1"


def test_a_qualifier_of_a_sibling_item_ranks_the_items_without_it_lower(monkeypatch):
    import guides.search as search

    names = ["二级建造师注册核准(初始注册)", "二级建造师注册核准(重新注册)", *OTHER_ITEMS]
    aliases = {0: ["二级建造师注册"]}  # a generic alias: it covers any 二建 registration question
    assert ranked(plain_index(names, aliases).search("二级建造师 重新注册"))[0] == "X-1"
    assert ranked(plain_index(names, aliases).search("二级建造师注册"))[0] == "X-0"
    # Without the factor (and without the contrast, which also sees 重新 only X-1 knows) the generic alias wins.
    monkeypatch.setattr(search, "SIBLING_FACTOR", 1.0)
    monkeypatch.setattr(search, "CONTRAST_WEIGHT", 0.0)
    assert ranked(plain_index(names, aliases).search("二级建造师 重新注册"))[0] == "X-0"


def test_copies_of_a_service_in_many_places_do_not_crowd_out_other_services(monkeypatch):
    import guides.search as search

    # Twelve places offer 公司设立登记. Its copies share more of the question than the other
    # services do, so by pre-score alone they would take every candidate place. (Never answering,
    # the search lists every candidate it scored.)
    monkeypatch.setattr(search, "MAX_CANDIDATES", 6)
    monkeypatch.setattr(search, "ANSWER_FLOOR", 2.0)
    places = {i: f"44{i + 1:02d}00" for i in range(12)}
    index = plain_index(["公司设立登记"] * 12 + ["公司注销登记", "公司变更登记", *OTHER_ITEMS], regions=places)
    names = [h.name for h in ranked_hits(index.search("公司设立登记", limit=10))]
    assert names.count("公司设立登记") == search.MAX_COPIES
    assert {"公司注销登记", "公司变更登记"} <= set(names)
    # A place the question names, or a filter, still finds its own copy among them all.
    filtered = ranked(index.search("公司设立登记", region="441200"))
    assert filtered[0] == "X-11" and not {f"X-{i}" for i in range(11)} & set(filtered)
    monkeypatch.setattr(search, "MAX_COPIES", 12)
    assert [h.name for h in ranked_hits(index.search("公司设立登记", limit=10))] == ["公司设立登记"] * 6


def test_a_service_listed_in_several_places_leaves_room_for_other_services():
    names = ["公司设立登记"] * 3 + ["公司注销登记", *OTHER_ITEMS]
    index = plain_index(names, regions={0: "440100", 1: "440200", 2: "440300"})
    hits = ranked_hits(index.search("公司登记", limit=5))
    # Other services come before the copies in other places, which stay in the list after them.
    assert hits[0].name == "公司设立登记" and hits[1].name == "公司注销登记"
    assert [h.name for h in hits[2:]].count("公司设立登记") == 2
    assert [h.name for h in hits].index("公司设立登记", 1) > max(
        i for i, h in enumerate(hits) if h.name != "公司设立登记")
    # A name written with other brackets in another place is the same service.
    names = ["律师执业变更审核(执业类别变更)", "律师执业变更审核(（执业类别变更）)", "律师执业变更审核(跨市转所)", *OTHER_ITEMS]
    hits = ranked_hits(plain_index(names, regions={0: "440100", 1: "440200", 2: "440100"})
                       .search("律师执业变更审核", limit=5))
    assert [h.code for h in hits][:3] in (["X-0", "X-2", "X-1"], ["X-1", "X-2", "X-0"])


def test_character_pairs_of_a_name_tell_look_alike_items_apart():
    index = plain_index(["生育登记网上办理", "生育登记", *OTHER_ITEMS])
    # 网上 is no content word, but of the two names only one holds it, as the question does.
    assert ranked(index.search("怀孕了生育登记网上咋个办"))[0] == "X-0"
    assert ranked(index.search("怀孕了生育登记咋个办"))[0] == "X-1"


@pytest.fixture(scope="module")
def default_index(tmp_path_factory):
    engine = migrated_engine(f"sqlite:///{tmp_path_factory.mktemp('default')}/guides.db")
    with unit_of_work(engine) as session:
        import_bundle(session, load_directory(CATALOGUE_DIR))
    with unit_of_work(engine) as session:
        index = SearchIndex.from_session(session)
    engine.dispose()
    return index


def test_the_best_candidates_are_reordered_by_how_likely_each_ones_wording_makes_the_question(
        default_index, monkeypatch):
    import guides.search as search

    def first(question: str) -> str:
        return ranked_hits(default_index.search(question))[0].name

    # 离婚 names the divorce; the torn 本本 and getting one again are the wording of the reissue's
    # example questions, spread over several of them.
    question = "离婚那会儿给的本本被我一气之下撕了，现在办事要用，还能再开一本不"
    assert first(question) == "补领婚姻登记证"
    monkeypatch.setattr(search, "LIKELIHOOD_ITEMS", 0)
    assert first(question) == "内地居民离婚登记"


def test_copies_of_a_service_keep_the_order_the_place_gives_them_after_the_likelihood_reordering(default_index):
    # Each copy's wording differs a little (examples naming their own city): the likelihood is the
    # service's, so the place the question names still decides between the copies.
    response = default_index.search("我在南宁一家公司上班，单位一直给我交生育保险，上个月刚生完宝宝在家休产假。产假期间的生育津贴要怎么领")
    best = ranked_hits(response)[0]
    assert best.name == "生育津贴申领" and best.region_code.startswith("4501")


def test_look_alike_items_are_told_apart_by_the_words_only_one_of_them_knows(default_index, monkeypatch):
    import guides.search as search

    def first(question):
        return ranked_hits(default_index.search(question))[0].name

    question = "买了房子能把公积金取出来吗"
    # 公积金 and 提取 are every 住房公积金提取 item's; 买 and 房子 only the house-purchase item knows.
    assert first(question) == "住房公积金提取（购买自住住房）"
    # A question naming a place keeps the place's item: the contrast does not reorder places.
    assert first("我家在刘圩镇，老公摔伤了腰不能做重活，家里没收入，能不能申请低保？") == "最低生活保障申请受理"
    monkeypatch.setattr(search, "CONTRAST_WEIGHT", 0.0)
    monkeypatch.setattr(search, "LIKELIHOOD_ITEMS", 0)  # which weighs 买 and 房子 too
    assert first(question) == "住房公积金提取（离休、退休）"


def test_a_document_described_rather_than_named_finds_its_item(default_index):
    # People who do not know a document's name describe it (guides/data/synonyms.yaml): the ID card
    # by its national emblem, the driving licence as "the book for driving".
    for question, name in (("那张带国徽的卡丢了，在青秀区咋补", "居民身份证补领"),
                           ("开车的本子丢了，南宁去哪补", "机动车驾驶证补证")):
        response = default_index.search(question)
        assert [h.name for h in response.results][:1] == [name], question


def test_example_questions_rank_the_item_a_question_resembles():
    names = ["律师执业变更审核(市内转所)", "律师执业变更审核(跨市转所)", *OTHER_ITEMS]
    examples = {0: ["在同一个城市里换了一家律所，执业机构要变更", "市内 换律所 执业变更"],
                1: ["从外地的律所跳槽到另一个城市的律所，执业证怎么变更", "跨市 换律所 执业变更"]}
    question = "律师跳槽到另一个城市的律所，执业证怎么变更"
    # On words alone the two sub-items tie (and the shorter code wins the tie).
    plain = ranked_hits(plain_index(names).search(question))
    assert [h.code for h in plain[:2]] == ["X-0", "X-1"] and plain[0].score == plain[1].score
    index = plain_index(names, examples=examples)
    response = index.search(question)
    assert codes(response)[0] == "X-1" and all(0 <= h.score < 1 for h in response.results)
    assert codes(index.search("律师在同一个城市里换律所，执业机构要变更吗"))[0] == "X-0"
    # Resembling another item's examples never outweighs naming an item outright.
    assert codes(index.search("律师执业变更审核(市内转所)"))[0] == "X-0"


def test_a_long_story_ranks_first_the_item_that_explains_most_of_it(monkeypatch):
    import guides.search as search

    names = ["户口迁移", "新生儿入户登记", *OTHER_ITEMS]
    aliases = {1: ["孩子上户口", "宝宝落户", "出生证明落户"]}
    story = "老婆上个月在医院生了宝宝，出生证明已经拿到手了，婆婆说要办户口迁移，我想先给宝宝落户，在哪里办？"
    response = plain_index(names, aliases).search(story)
    # 户口迁移 is named outright, so it has the higher confidence; 新生儿入户登记 explains more of
    # the story, which matters more than the absolute coverage, small for every item, shows.
    assert ranked(response)[0] == "X-1"
    assert response.results[0].score < max(h.score for h in response.results if h.code == "X-0")
    # Neither relative coverage nor the contrast (宝宝, 落户 are X-1's alone) nor the likelihood
    # of each one's wording: the name decides.
    monkeypatch.setattr(search, "RELATIVE_COVERAGE_WEIGHT", 0.0)
    monkeypatch.setattr(search, "CONTRAST_WEIGHT", 0.0)
    monkeypatch.setattr(search, "LIKELIHOOD_ITEMS", 0)
    assert ranked(plain_index(names, aliases).search(story))[0] == "X-0"
    # A short question that names both: absolute and relative coverage agree.
    assert ranked(plain_index(names, aliases).search("宝宝落户 户口"))[0] == "X-1"


def test_a_group_mentioned_in_the_question_counts_as_the_words_item_names_use_for_it():
    index = plain_index(["内资有限责任公司设立登记", "外商投资有限责任公司设立登记", *OTHER_ITEMS],
                        {0: ["注册公司", "开公司"], 1: ["外资公司注册"]})
    # 香港 puts the question in the foreign-investment group, which item names call 外商投资.
    assert ranked(index.search("我是香港人，准备在广州投资开一家有限公司做贸易。公司登记注册要怎么办？"))[0] == "X-1"
    assert ranked(index.search("准备在广州开一家有限公司做贸易。公司登记注册要怎么办？"))[0] == "X-0"


def test_an_item_named_for_mainland_residents_and_a_group_is_that_groups_item(monkeypatch):
    import guides.search as search

    index = plain_index(["机动车驾驶证持境外驾驶证申领(大陆居民持境外驾驶证申领)", *OTHER_ITEMS])
    question = "在国外考了驾驶证，持境外驾驶证申领国内驾驶证"

    def best(response):  # the score, whether the answer model answers or only offers the item
        hit = ranked_hits(response)[0]
        assert hit.code == "X-0"
        return hit.score

    score = best(index.search(question))
    # The question mentions 境外, the item's own group: it is not ranked lower as "the mainland item".
    monkeypatch.setattr(search, "GROUP_FACTOR", 1.0)
    assert best(index.search(question)) == score


def test_the_applicant_facet_tells_the_individual_and_organisation_items_apart():
    index = plain_index(["城乡居民社会保险费申报(（企业）)", "城乡居民社会保险费申报(（个人）)", *OTHER_ITEMS])
    assert ranked(index.search("想给自己交城乡居民社会保险费"))[0] == "X-1"
    assert ranked(index.search("单位给村民代交城乡居民社会保险费"))[0] == "X-0"


def test_the_names_of_a_guide_without_example_questions_stand_in_for_them():
    # A guide just added has no example questions. Its sibling's examples resemble a question
    # about it, so without stand-ins the sibling wins; and a question about it alone resembles no
    # example at all, which the answer model reads as evidence against answering.
    names = ["律师执业变更审核(市内转所)", "律师执业变更审核(跨市转所)", *OTHER_ITEMS]
    aliases = {1: ["跨市转所", "律师跨市换律所"]}
    examples = {0: ["在同一个城市里换了一家律所，执业机构要变更", "市内 换律所 执业变更"]}
    question = "律师换到外地的律所执业要办什么"
    assert ranked(plain_index(names, aliases, examples, stand_ins=True).search(question))[0] == "X-1"
    assert ranked(plain_index(names, aliases, examples, stand_ins=False).search(question))[0] == "X-0"

    alone = ["律师执业变更审核(跨市转所)", *OTHER_ITEMS]
    standing_in = plain_index(alone, {0: ["律师跨市换律所"]}, stand_ins=True).search("跨市转所要什么材料")
    without = plain_index(alone, {0: ["律师跨市换律所"]}, stand_ins=False).search("跨市转所要什么材料")
    assert codes(standing_in) == ["X-0"]
    # Resembling no example at all is evidence against answering: far less sure without stand-ins.
    model = answer_model()
    assert model.probability(standing_in.signals) > model.probability(without.signals) + 0.2
    # An item with example questions of its own keeps them: its names are no examples then.
    own = plain_index(alone, examples={0: ["从外地律所跳槽过来，执业证怎么变更"]}, stand_ins=True)
    assert len(own._entries[0].examples) == 1


def test_a_guide_without_example_questions_keeps_its_place_in_the_likelihood_reordering():
    # Its wording is its names alone, far less than a sibling's many example questions, which hold
    # the everyday words of any question (要办什么手续, 要多久): by likelihood it would always lose.
    names = ["律师执业变更审核(市内转所)", "律师执业变更审核(跨市转所)", *OTHER_ITEMS]
    examples = {0: ["在同一个城市里换了一家律所，执业机构要变更怎么办", "市内 换律所 执业变更",
                    "我是律师，想从这家律所换到同城另一家，要办什么手续", "律师在本市换律所需要什么材料，去哪里办",
                    "同一个市里转所要多久能办好"]}
    index = plain_index(names, {1: ["跨市转所", "律师跨市换律所"]}, examples, stand_ins=True)
    for question in ("我是律师，想从外地律所换到这边一家律所，要办什么手续", "律师换到别的城市的律所执业要多久能办好"):
        assert ranked(index.search(question))[0] == "X-1", question


def test_example_questions_are_read_from_the_database(tmp_path, make_catalogue):
    from tests.conftest import migrated_engine
    from tests.helpers import item_yaml

    def index_of(extra: str, name: str) -> SearchIndex:
        items = {"items/e.yaml": item_yaml("E-001", "律师执业变更审核(跨市转所)", extra=extra)}
        engine = migrated_engine(f"sqlite:///{tmp_path / name}.db")
        with unit_of_work(engine) as session:
            import_bundle(session, load_directory(make_catalogue(items, name=name)))
        with unit_of_work(engine) as session:
            return SearchIndex.from_session(session)

    question = "律师跳槽到另一个城市的律所，执业证怎么变更"
    plain = index_of("", "plain").search(question).results
    with_examples = index_of("examples: [从外地的律所跳槽到另一个城市的律所，执业证怎么变更]\n", "examples").search(question).results
    assert [h.code for h in plain] == [h.code for h in with_examples] == ["E-001"]
    assert with_examples[0].score > plain[0].score


def test_words_the_synonym_table_adds_count_less_than_the_questions_own():
    # 重名+多少 stands for both items; only 重名查询 also has the question's own words (名字, 重名).
    index = plain_index(["百家姓查询", "重名查询", *OTHER_ITEMS],
                        {0: ["姓氏查询", "百家姓统计"], 1: ["同名人数查询", "名字重名查询"]})
    for question in ("想查下我给孩子起的名字全省有多少人重名", "名字重名的人有多少"):
        scores = {h.code: h.score for h in ranked_hits(index.search(question))}
        assert scores["X-1"] > scores["X-0"]


def test_words_learnt_from_other_items_examples_rank_the_item_whose_name_they_stand_for(monkeypatch):
    import guides.search as search

    # Four services' examples say 表扬 where their names say 良好行为. The last two items have no
    # examples and differ only in 不良 / 良好, words as common as each other in the names.
    trades = ["建筑企业", "水利企业", "交通企业", "医疗机构"]
    names = ([f"{t}良好行为记录查询" for t in trades] + [f"{t}不良行为记录查询" for t in trades]
             + ["供货企业不良行为记录查询", "供货企业良好行为记录查询", *OTHER_ITEMS])
    examples = {0: ["查建筑公司受过的表扬"], 1: ["这家水利单位得过什么表扬"],
                2: ["交通企业被表扬过吗"], 3: ["医院有没有被表扬的记录"]}
    monkeypatch.setattr(search, "ASSOCIATION_MIN_LIFT", 2.0)  # a small catalogue: every word is common
    question = "想查供货企业被表扬的记录"
    assert ranked(plain_index(names, examples=examples).search(question))[0] == "X-9"
    monkeypatch.setattr(search, "ASSOCIATION_RANK_WEIGHT", 0.0)
    assert ranked(plain_index(names, examples=examples).search(question))[0] == "X-8"


def test_a_storys_last_sentence_counts_as_the_question_too(monkeypatch):
    import guides.search as search

    # The story names one item outright, in passing; its last sentence asks for the other.
    names = ["律师执业机构变更", "孩子转学申请", *OTHER_ITEMS]
    story = "孩子转学申请刚交了，我又换了律所。执业机构怎么变更？"

    def confidences():
        return {h.code: h.score for h in ranked_hits(plain_index(names).search(story))}

    assert confidences()["X-0"] > confidences()["X-1"]
    monkeypatch.setattr(search, "LAST_SENTENCE_WEIGHT", 0.0)
    assert confidences()["X-0"] < confidences()["X-1"]


def _constant_model(bias: float):
    from guides.search import ANSWER_GATES, ANSWER_SIGNALS, AnswerModel

    features = tuple(f for f in ANSWER_SIGNALS if f not in ANSWER_GATES)
    n = len(features)
    return AnswerModel(features, (0.0,) * n, (1.0,) * n, (0.0,) * n, bias, 0.5)


def test_the_answer_model_decides_whether_the_best_items_answer(monkeypatch):
    import guides.search as search

    index = plain_index(OTHER_ITEMS)  # 普通护照签发
    monkeypatch.setattr(search, "answer_model", lambda: _constant_model(-10.0))  # never sure
    unsure = index.search("普通护照签发")
    assert unsure.results == [] and ranked(unsure)[0] == "X-0" and codes_of(unsure.suggestions()) == ["X-0"]
    monkeypatch.setattr(search, "answer_model", lambda: _constant_model(10.0))  # always sure
    assert codes(index.search("普通护照签发"))[0] == "X-0"
    # …but never with an item scoring below the floor.
    weak = "我想签发点东西给朋友看看"
    assert codes(index.search(weak)) == ["X-0"] and search.ANSWER_FLOOR < index.search(weak).results[0].score
    monkeypatch.setattr(search, "ANSWER_FLOOR", 0.3)
    response = index.search(weak)
    assert ranked(response)[0] == "X-0" and response.closest[0].score < 0.3 and response.results == []


def test_the_shipped_answer_model_trusts_high_scores_and_distrusts_chat_like_questions():
    from guides.search import answer_model

    model = answer_model()
    typical = dict(zip(model.features, model.means))
    base = model.probability(typical)
    assert model.probability({**typical, "top_score": typical["top_score"] + 0.2}) > base
    assert model.probability({**typical, "no_service_resemblance": typical["no_service_resemblance"] + 0.2}) < base
    # Asking for advice lowers every item's confidence (a ranking cue), and so the probability; the
    # model fitted in session 30 gives the advice signal itself next to no weight (-0.004).
    index = plain_index(["律师执业许可", "公务员录用考试报名"])
    advice, plain = index.search("律师执业前景怎么样"), index.search("律师执业远景怎么样")
    assert advice.signals["advice"] == 1.0 and plain.signals["advice"] == 0.0
    assert model.probability(advice.signals) < model.probability(plain.signals)


@pytest.mark.parametrize("broken, message", [
    ({"features": ["top_score"], "means": [0], "scales": [1], "weights": [1]}, "missing"),
    ({"features": ["top_score", "mood"], "means": [0, 0], "scales": [1, 1], "weights": [1, 1], "bias": 0,
      "threshold": 0.5}, "unknown signals"),
    ({"features": ["top_score"], "means": [0, 1], "scales": [1], "weights": [1], "bias": 0, "threshold": 0.5},
     "one value per feature"),
    ({"features": ["top_score"], "means": [0], "scales": [0], "weights": [1], "bias": 0, "threshold": 0.5},
     "positive"),
    ({"features": ["top_score"], "means": ["x"], "scales": [1], "weights": [1], "bias": 0, "threshold": 0.5},
     "non-numeric"),
    (["not", "a", "mapping"], "mapping"),
    ({"features": ["asks_amount"], "means": [0], "scales": [1], "weights": [-1], "bias": 0, "threshold": 0.5},
     "gate signals"),
    ({"features": ["top_score"], "means": [0], "scales": [1], "weights": [1], "bias": 0, "threshold": 0.5,
      "fallback": "none"}, "fallback: expected a mapping"),
    ({"features": ["top_score"], "means": [0], "scales": [1], "weights": [1], "bias": 0, "threshold": 0.5,
      "fallback": {"features": ["likelihood_margin"], "means": [0], "scales": [1], "weights": [1], "bias": 0}},
     "may be unmeasured"),
    ({"features": ["top_score"], "means": [0], "scales": [1], "weights": [1], "bias": 0, "threshold": 0.5,
      "fallback": {"features": ["top_score"], "means": [0], "scales": [1], "weights": [1]}}, "fallback: missing"),
    ({"features": ["top_score"], "means": [0], "scales": [1], "weights": [1, 2], "bias": 0, "threshold": 0.5},
     "a linear model over 1 features needs 1 weights, not 2"),
    ({"terms": "cubic", "features": ["top_score"], "means": [0], "scales": [1], "weights": [1], "bias": 0,
      "threshold": 0.5}, "terms must be linear or quadratic"),
    ({"terms": "quadratic", "features": ["top_score"], "means": [0], "scales": [1], "weights": [1, 2], "bias": 0,
      "threshold": 0.5}, "missing"),  # no lows and highs
    ({"terms": "quadratic", "features": ["top_score"], "means": [0], "scales": [1], "lows": [0], "highs": [1],
      "weights": [1], "bias": 0, "threshold": 0.5}, "needs 2 weights, not 1"),
    ({"terms": "quadratic", "features": ["top_score"], "means": [0], "scales": [1], "lows": [1], "highs": [1],
      "weights": [1, 2], "bias": 0, "threshold": 0.5}, "below its high"),
    ({"terms": "quadratic", "features": ["top_score"], "means": [0], "scales": [1], "lows": [0, 0], "highs": [1, 1],
      "weights": [1, 2], "bias": 0, "threshold": 0.5}, "one value per feature"),
])
def test_a_malformed_answer_model_is_a_precise_error(broken, message):
    from guides.search import AnswerModel

    with pytest.raises(ValueError, match=message):
        AnswerModel.from_dict(broken, "answer_model.yaml")


@pytest.mark.parametrize("broken, message", [
    ([1, 2], "expected a mapping"),
    ({"features": ["place"], "means": [0], "scales": [1]}, "missing"),
    ({"features": ["place"], "means": [0], "scales": [1], "weights": ["x"]}, "non-numeric"),
    ({"features": ["rank"], "means": [0], "scales": [1], "weights": [1]}, "unknown features"),
    ({"features": ["place", "cue"], "means": [0, 0], "scales": [1, 1], "weights": [1]}, "one value per feature"),
    ({"features": [], "means": [], "scales": [], "weights": []}, "one value per feature"),
    ({"features": ["place"], "means": [0], "scales": [0], "weights": [1]}, "positive"),
    ({"features": ["place"], "means": [math.nan], "scales": [1], "weights": [1]}, "finite"),
])
def test_a_malformed_rank_model_is_a_precise_error(broken, message):
    from guides.search import RankModel

    with pytest.raises(ValueError, match=message):
        RankModel.from_dict(broken, "rank_model.yaml")


def test_the_rank_model_orders_the_likelihood_window(monkeypatch):
    import guides.search
    from guides.search import RANK_FEATURES, RankModel

    def model(**weights):
        n = len(RANK_FEATURES)
        return RankModel(RANK_FEATURES, (0.0,) * n, (1.0,) * n, tuple(weights.get(f, 0.0) for f in RANK_FEATURES))

    index = plain_index(["普通护照签发", "普通护照换发", "普通护照补发", "往来港澳通行证签发", *OTHER_ITEMS],
                        examples={0: ["第一次办护照"], 1: ["护照过期了换新的"], 2: ["护照丢了补办"],
                                  3: ["去香港要办的证"]})
    question = "护照丢了 换个新的"
    monkeypatch.setattr(guides.search, "rank_model", lambda: None)
    response = index.search(question)
    hand = ranked(response)
    # The window as the model reads it: each candidate once, in the order before the likelihood.
    window = dict(response.window)
    assert len(window) == len(response.window) >= 3 and set(hand) <= set(window)
    assert [code for code, f in window.items() if f["first"]] == [hand[0]]
    assert all(set(f) == set(RANK_FEATURES) and f["place"] == 1.0 for f in window.values())
    assert max(window.values(), key=lambda f: f["likelihood_gap"])["likelihood_gap"] == 0.0
    # A model that reads the hand-weighed order keeps it; one that reads it backwards reverses it.
    monkeypatch.setattr(guides.search, "rank_model", lambda: model(position=1.0))
    assert ranked(index.search(question)) == hand
    monkeypatch.setattr(guides.search, "rank_model", lambda: model(position=-1.0))
    assert ranked(index.search(question))[0] == min(window, key=lambda code: window[code]["position"])
    # One that reads the likelihood alone puts the likeliest wording first (换个新的: 换发), the
    # hand-weighed order deciding between equally likely ones.
    monkeypatch.setattr(guides.search, "rank_model", lambda: model(likelihood_gap=1.0))
    likeliest = [code for code, f in window.items() if f["likelihood_gap"] == 0.0]
    assert ranked(index.search(question))[0] == max(likeliest, key=lambda code: window[code]["position"]) == "X-1"


def test_a_subject_none_of_the_best_items_explains_counts_against_answering():
    index = plain_index(["住房公积金提取", "机动车注册登记", "普通护照签发",
                         "机动车驾驶证初次申领(台湾居民申领小型汽车准驾车型)"], words=["公积金", "利率"])

    def unexplained(question: str) -> float:
        return index.search(question).signals["top_unexplained"]

    # 贷款 and 利率 are subjects of their own: the withdrawal item explains neither.
    assert unexplained("公积金贷款利率多少") > 0.1
    assert unexplained("公积金提取要什么材料") == 0.0
    # 公鸡 is a noun, but here the misspelling of 公积金, which the correction accounts for.
    assert unexplained("公鸡金提取要什么材料") == 0.0
    # Two subjects the catalogue has: each is explained by one of the best items.
    assert unexplained("护照 公积金提取") == 0.0
    # 台湾人 says who applies (a ranking cue), not what for.
    assert unexplained("台湾人初次申领小型汽车驾驶证") == 0.0
    # The shipped answer model, fitted on the dev questions, reads the signal as evidence against.
    model = answer_model()
    assert model.weights[model.features.index("top_unexplained")] < 0


def test_a_question_asking_how_much_one_gets_counts_against_answering(default_index):
    # A guide tells how to apply and what it costs, not how much a benefit pays or a loan's rate.
    def signal(question: str) -> float:
        return default_index.search(question).signals["asks_amount"]

    assert signal("失业金一个月能领多少") == 1.0 and signal("公积金贷款利率现在是多少") == 1.0
    assert signal("失业金怎么领") == 0.0 and signal("办护照要多少钱") == 0.0  # a fee is part of a guide
    # After a fee word the same words ask what it costs: 收费标准是多少, not 补贴标准是多少.
    assert signal("办护照要什么材料，收费标准是多少") == 0.0 and signal("高龄津贴补贴标准是多少") == 1.0
    # In a story, only its ask (the last sentence) counts: 按比例 is background here.
    assert signal("我们几个按出资比例分股份。想注册一家有限公司，要准备哪些材料？") == 0.0
    assert signal("我们几个想注册一家有限公司。注册资本的出资比例怎么算？") == 1.0
    for question in ("失业金一个月能领多少", "高龄津贴一个月能领多少钱"):
        assert default_index.search(question).results == [], question
    for question in ("失业金怎么领", "高龄津贴怎么申请", "办护照要多少钱"):
        assert default_index.search(question).results, question
    # A gate, not a weight: however clearly the question names the item, the model does not decide.
    assert "asks_amount" not in answer_model().features


def test_a_question_without_a_catalogue_word_is_never_answered_but_its_item_is_offered(monkeypatch):
    import guides.search as search

    # The question shares an example's words, none of them a word of any item.
    index = plain_index(OTHER_ITEMS, examples={0: ["长城到底有多长，护照要多久"]})
    monkeypatch.setattr(search, "answer_model", lambda: _constant_model(10.0))  # always sure
    chat = index.search("长城到底有多长")
    assert chat.signals["no_known_words"] == 1.0 and chat.closest[0].score >= search.ANSWER_FLOOR
    assert chat.results == [] and codes_of(chat.suggestions()) == ["X-0"]
    # One known word (or a misspelling of one) lifts the gate.
    assert index.search("长城到底有多长，护照").signals["no_known_words"] == 0.0
    assert index.search("户照到底要多久").signals["no_known_words"] == 0.0
    monkeypatch.setattr(search, "ANSWER_GATES", ("asks_amount",))
    assert codes(index.search("长城到底有多长")) == ["X-0"]
    # A gate, not a weight.
    assert "no_known_words" not in answer_model().features


def test_a_quadratic_answer_model_weighs_products_of_the_signals_places_in_the_dev_range():
    from guides.search import AnswerModel, quadratic_pairs

    assert quadratic_pairs(3) == ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2))
    data = {"terms": "quadratic", "features": ["top_score", "top_coverage"], "means": [0.5, 0.5],
            "scales": [0.25, 0.25], "lows": [-1.0, -2.0], "highs": [1.0, 2.0],
            "weights": [1.0, -1.0, 0.5, 2.0, -3.0], "bias": 0.1, "threshold": 0.5}
    model = AnswerModel.from_dict(data)
    assert model.quadratic and not AnswerModel.from_dict({**data, "terms": "linear", "weights": [1.0, -1.0]}).quadratic

    def logit(top_score, coverage):
        p = model.probability({"top_score": top_score, "top_coverage": coverage})
        return math.log(p / (1 - p))

    # z = (0.75, 0.25) -> (1, -1); places in [lows, highs]: (1.0, 0.25).
    expected = 0.1 + 1.0 * 1 - 1.0 * -1 + 0.5 * 1.0 * 1.0 + 2.0 * 1.0 * 0.25 - 3.0 * 0.25 * 0.25
    assert logit(0.75, 0.25) == pytest.approx(expected)
    # Beyond the dev range a product no longer grows (the linear terms still do)…
    assert logit(2.0, 0.25) - logit(0.75, 0.25) == pytest.approx(1.0 * (2.0 - 0.75) / 0.25)
    # …and at its low end every product with that signal vanishes.
    assert logit(0.0, 0.9) == pytest.approx(0.1 + 1.0 * -2 - 1.0 * 1.6 + 0.0 + 0.0 - 3.0 * 0.9 * 0.9)


def test_a_question_word_alone_names_no_item(default_index):
    # 几 (how many) is in an alias, 查自己名下有几套房: without it as a stopword, 今天星期几 got 不动产登记资料查询.
    assert default_index.search("今天星期几").results == []
    assert default_index.search("查自己名下有几套房").results[0].name == "不动产登记资料查询"


def test_a_question_asking_how_much_one_gets_is_never_answered_but_its_item_is_offered(monkeypatch):
    import guides.search as search

    index = plain_index(OTHER_ITEMS)  # 失业保险金申领
    monkeypatch.setattr(search, "answer_model", lambda: _constant_model(10.0))  # always sure
    assert codes(index.search("失业保险金申领怎么领")) == ["X-9"]
    amount = index.search("失业保险金一个月能领多少")
    assert amount.results == [] and codes_of(amount.suggestions()) == ["X-9"]
    monkeypatch.setattr(search, "ANSWER_GATES", ())
    assert codes(index.search("失业保险金一个月能领多少")) == ["X-9"]


def test_the_likelihood_margin_tells_how_clearly_the_leaders_wording_is_the_questions():
    names = ["往来港澳通行证再次签注", "往来港澳通行证及签注签发", *OTHER_ITEMS]
    examples = {0: ["港澳通行证签注用完了想再签一次", "证件还在有效期，再签一次去香港"],
                1: ["第一次办港澳通行证", "港澳通行证过期了要换个新本子"], 2: ["出国要办护照"]}
    index = plain_index(names, examples=examples)

    def margin(question: str) -> float:
        return index.search(question).signals["likelihood_margin"]

    assert margin("签注用完了想再签一次去香港") == 1.0  # at most 1 per character or pair
    assert margin("第一次办港澳通行证要多久") > 0.5
    assert abs(margin("港澳通行证签注")) < 0.1  # both items' words: no clear leader
    # Not measured (NaN) without a rival, or when the leader or its rivals have no example
    # questions of their own: the fallback model decides then (see the next test).
    assert math.isnan(margin("护照"))
    assert math.isnan(plain_index(names).search("港澳通行证再次签注").signals["likelihood_margin"])
    assert math.isnan(plain_index(names, examples={0: examples[0]}).search("港澳通行证再次签注")
                      .signals["likelihood_margin"])


def test_the_margin_of_the_shown_services_is_not_split_by_a_look_alike_shown_beside_the_leader(default_index,
                                                                                              monkeypatch):
    import guides.search

    # In the hand-weighed order 居民身份证补领 is likelier than the leader 居民身份证换领 (换 reads
    # as 补换 too): the leader's margin is negative, but the answer shows both, and no other
    # service is as likely.
    with monkeypatch.context() as patch:
        patch.setattr(guides.search, "rank_model", lambda: None)
        look_alikes = default_index.search("南宁 换二代证").signals
        # 丢了…补 is every 补领 item's wording; the subject (毕业证) is none of the shown services'.
        other_subject = default_index.search("大学毕业证丢了怎么补").signals
    assert look_alikes["likelihood_margin"] < 0 and look_alikes["shown_margin"] > 0.5
    assert other_subject["shown_margin"] < -0.5
    # The rank model may put either look-alike first: the services shown, and their margin, are the same.
    assert default_index.search("南宁 换二代证").signals["shown_margin"] == look_alikes["shown_margin"]


def test_the_margin_of_the_shown_services_is_measured_when_the_leaders_is():
    names = ["往来港澳通行证再次签注", "往来港澳通行证及签注签发", *OTHER_ITEMS]
    examples = {0: ["港澳通行证签注用完了想再签一次", "证件还在有效期，再签一次去香港"],
                1: ["第一次办港澳通行证", "港澳通行证过期了要换个新本子"]}
    both = plain_index(names, examples=examples).search("港澳通行证签注").signals
    assert both["shown_margin"] == 1.0  # no service outside those shown: nothing likelier
    assert math.isnan(plain_index(names).search("港澳通行证再次签注").signals["shown_margin"])
    # Every item's wording holds the question's every character and pair: none is rarer than
    # another, and the margin is no evidence either way (not a division by zero).
    kinds = ["个人游", "团队游", "探亲", "商务"]
    alike = plain_index([f"港澳签注({kind})" for kind in kinds],
                        examples={i: [f"港澳签注{kind}怎么办"] for i, kind in enumerate(kinds)})
    assert alike.search("港澳签注").signals["shown_margin"] == 0.0


def test_the_likelihood_reads_a_misspelt_word_as_the_catalogue_word_it_stands_for(default_index, monkeypatch):
    from guides.search import SearchIndex
    from guides.text import normalise

    seen = []
    original = SearchIndex._by_likelihood

    def spy(self, top, text, *args):
        seen.append((top, text))
        return original(self, top, text, *args)

    monkeypatch.setattr(SearchIndex, "_by_likelihood", spy)
    question = "护找办理需要什么材料"  # 护找: 护照
    default_index.search(question)
    top, text = seen[-1]
    assert "护照" in text
    read, margin, _ = original(default_index, top, text)
    raw_read, raw_margin, _ = original(default_index, top, normalise(question))
    assert read[0][3].name == "普通护照签发" and margin > raw_margin + 0.5


def test_a_look_up_item_does_not_pass_a_service_on_wording_when_the_question_asks_to_get_it_done(monkeypatch):
    from guides.search import SearchIndex

    names = ["护照过期换发", "普通护照换发办证进度查询", *OTHER_ITEMS]
    # The look-up's examples hold the question's subject words (护照, 过期, 换新的) far more often.
    examples = {0: ["换护照要带什么材料", "在哪办"],
                1: ["护照过期了换新的 办到哪一步了", "过期护照换新的 进度 换新的护照做好了没",
                    "护照过期换了新的 过期 换新的 进度"], 2: ["出国要办护照"]}
    index = plain_index(names, examples=examples)
    seen = []
    original = SearchIndex._by_likelihood

    def spy(self, top, text, *args):
        seen.append((top, text, args))
        return original(self, top, text, *args)

    monkeypatch.setattr(SearchIndex, "_by_likelihood", spy)
    for question, service, first in (("护照过期了 换个新的咋弄", True, "X-0"),
                                     ("护照过期了 换个新的 办到哪了", False, "X-1"),  # it asks to look up
                                     ("护照过期了换个新的", False, "X-1")):  # no plain ask: the wording decides
        assert ranked(index.search(question))[0] == first, question
        top, text, args = seen[-1]
        assert args[0] == service and top[0][3].code == "X-0", question  # the service scores best
        assert original(index, top, text, False)[0][0][3].code == "X-1"  # the look-up's wording is likelier


def test_a_misspelt_word_counts_as_known_for_the_answer_model():
    index = plain_index(OTHER_ITEMS, words=["护照"])
    assert index._analyse("办户照").corrections == ("护照",)
    assert index.search("办户照").signals["known_words"] == 1.0  # 户 and 照 stand for 护照
    assert index.search("办护照 猫粮").signals["known_words"] < 1.0


def test_the_services_a_questions_distinctive_characters_make_likeliest_are_scored(monkeypatch):
    # A crowded catalogue leaves a service out of the candidates when the question shares few terms
    # with its names: worded like its examples (深圳, 跳槽, 广州), it is nominated by likelihood.
    import guides.search as search

    names = ["律师执业变更审核(市内转所)", "律师执业变更审核(跨市转所)", *OTHER_ITEMS]
    examples = {0: ["同一个城市里换了一家律所", "市内换律所 执业变更"],
                1: ["从深圳跳槽到广州的律所，执业证要变", "换到外地城市的律所执业"], 2: ["出国要办护照"]}
    monkeypatch.setattr(search, "EXAMPLE_NOMINATION", 0.0)  # example words nominate nothing
    index = plain_index(names, examples=examples)
    monkeypatch.setattr(search, "MAX_CANDIDATES", 1)  # room for one by the terms: the names tie, X-0 first
    question = "律师执业变更 刚从深圳跳槽到广州"
    assert ranked(index.search(question))[0] == "X-1"
    monkeypatch.setattr(search, "LIKELIHOOD_NOMINEES", 0)
    assert ranked(index.search(question)) == ["X-0"]


def test_a_service_nominated_by_likelihood_is_its_copy_in_the_place_the_question_names(monkeypatch):
    # Copies of a service share their wording, so the first listed (the province's) was the likeliest
    # and the only one scored: a question naming 广州 was offered the province's 跨市转所.
    import guides.search as search

    names = ["律师执业变更审核(市内转所)", "律师执业变更审核(跨市转所)", "律师执业变更审核(跨市转所)", *OTHER_ITEMS]
    moving = ["从深圳跳槽到广州的律所，执业证要变", "换到外地城市的律所执业"]
    examples = {0: ["同一个城市里换了一家律所", "市内换律所 执业变更"], 1: moving, 2: moving, 3: ["出国要办护照"]}
    monkeypatch.setattr(search, "EXAMPLE_NOMINATION", 0.0)  # example words nominate nothing
    index = plain_index(names, examples=examples, regions={0: "440100", 2: "440100"},
                        region_names=[("440000", ["广东省"]), ("440100", ["广州市", "广州"])])
    monkeypatch.setattr(search, "MAX_CANDIDATES", 1)  # room for one by the terms: 市内转所 in 广州
    hits = ranked(index.search("律师执业变更 刚从深圳跳槽到广州"))
    assert hits[0] == "X-2" and "X-1" not in hits
    # Naming no place, the first listed copy stands for its service, as before.
    assert "X-1" in ranked(index.search("律师执业变更 刚从深圳跳槽过来"))


def test_a_question_with_an_unmeasured_signal_is_decided_by_the_fallback_model():
    from guides.search import AnswerModel

    full = {"features": ["top_score", "likelihood_margin"], "means": [0, 0], "scales": [1, 1], "weights": [0, 10],
            "bias": 0, "threshold": 0.5}
    model = AnswerModel.from_dict({**full, "fallback": {"features": ["top_score"], "means": [0], "scales": [1],
                                                        "weights": [0], "bias": -10}})
    assert model.answers({"top_score": 0.9, "likelihood_margin": 1.0})
    assert not model.answers({"top_score": 0.9, "likelihood_margin": -1.0})
    assert not model.answers({"top_score": 0.9, "likelihood_margin": math.nan})  # the fallback's bias decides
    # Without a fallback an unmeasured signal is neutral: it reads as its mean.
    assert AnswerModel.from_dict(full).probability({"top_score": 0.9, "likelihood_margin": math.nan}) == 0.5
    # The shipped model has its fallback, which does not read the margin.
    shipped = answer_model()
    assert "likelihood_margin" in shipped.features and shipped.fallback is not None
    assert "likelihood_margin" not in shipped.fallback.features


def test_the_wording_model_sums_the_weights_of_distinct_characters_and_pairs():
    from guides.search import WordingModel

    model = WordingModel.parse("# comment\n多少\t-2.5\n钱\t-1\n材料\t1.5\n\n")
    assert model.log_odds("要带什么材料") == 1.5
    assert model.log_odds("多少钱，多少钱") == -3.5  # each distinct character or pair once
    assert model.log_odds("") == 0.0 and model.log_odds("🙂<script>") == 0.0


@pytest.mark.parametrize("text, why", [
    ("多少\t-2.5\t1\n", "expected a character or pair"),
    ("三个字\t1\n", "expected a character or pair"),
    ("钱\tnan\n", "finite number"),
    ("钱\tabc\n", "finite number"),
    ("钱\t1\n钱\t2\n", "given twice"),
])
def test_a_malformed_wording_file_is_a_precise_error(text, why):
    from guides.search import WordingModel

    with pytest.raises(ValueError, match=why) as raised:
        WordingModel.parse(text, "service_wording.tsv")
    assert "service_wording.tsv:" in str(raised.value)


def test_the_shipped_wording_speaks_for_how_citizens_ask_a_service_and_against_other_asks():
    from guides.search import wording_model

    model = wording_model()
    # Learnt from the dev questions: a guide's materials and places against a price and a chat.
    assert model.log_odds("要带什么材料，去哪里办") > 0 > model.log_odds("一般收多少钱")
    assert model.log_odds("驾照快到期了，去哪里换证") > model.log_odds("微信聊天记录删了怎么恢复")


def test_the_answer_model_reads_the_wording(monkeypatch):
    import guides.search as search

    index = plain_index(["社会保障卡挂失及补换", "居民身份证补领", "结婚登记"],
                        aliases={0: ["社保卡丢了", "社保卡补卡"]}, examples={0: ["社保卡丢了怎么补办"]})
    question = "社保卡丢了怎么补"
    signals = index.search(question).signals
    assert signals["wording"] == search.wording_model().log_odds(question)
    model = answer_model()
    assert "wording" in model.features and "wording" in model.fallback.features
    plus = {**signals, "wording": signals["wording"] + 20}
    minus = {**signals, "wording": signals["wording"] - 20}
    assert model.probability(plus) > model.probability(signals) > model.probability(minus)


def test_an_abbreviation_of_an_item_name_finds_the_item(monkeypatch):
    import guides.search as search

    names = ["就业创业证申领", "失业登记", "创业担保贷款申请", "高新技术企业认定", "就业困难人员认定",
             "居民身份证申领", "残疾人证申领", "创业补贴申领"]
    index = plain_index(names)
    assert codes(index.search("就创证怎么办"))[:1] == ["X-0"]
    assert codes(index.search("高企认定要什么条件"))[:1] == ["X-3"]
    # Without the generated abbreviations the items still lead on their characters, but the
    # question's words stay unexplained and it is not answered.
    monkeypatch.setattr(search, "ABBREVIATIONS", False)
    index = plain_index(names)
    assert ranked(index.search("就创证怎么办"))[:1] == ["X-0"] and codes(index.search("就创证怎么办")) == []
    assert codes(index.search("高企认定要什么条件")) == []


def test_a_place_the_best_item_does_not_serve_is_a_signal_against_answering():
    places = [("440000", ["广东省", "广东"]), ("440100", ["广州市", "广州"]), ("440300", ["深圳市", "深圳"])]
    index = plain_index(["法律援助申请", "出入境证件办理"], regions={0: "440100", 1: "440300"}, region_names=places)

    def mismatch(question):
        return index.search(question).signals["place_mismatch"]

    assert mismatch("深圳 法律援助怎么申请") == 1.0  # only 广州's office found
    assert mismatch("广州 法律援助怎么申请") == 0.0
    assert mismatch("法律援助怎么申请") == 0.0  # no place named
    assert mismatch("在广东申请法律援助") == 0.0  # 广州 is in the place named
    # A province's item serves each of its cities.
    province = plain_index(["法律援助申请", "出入境证件办理"], regions={1: "440300"}, region_names=places)
    assert province.search("深圳 法律援助").signals["place_mismatch"] == 0.0


def test_asking_words_are_meant_as_written_not_as_a_same_sound_catalogue_word():
    # 加急 (how fast) sounds like 佳绩 of an item's name; it asked about the passport's time limit.
    index = plain_index(["普通护照签发", "志愿服务工作连续五年取得佳绩", *OTHER_ITEMS])
    assert "佳绩" not in index._analyse("护照 加急 广州").corrections
    assert ranked(index.search("护照加急要多久"))[0] == "X-0"


def test_the_last_sentence_is_the_last_one_not_blank():
    from guides.search import _last_sentence, _last_sentence_span

    assert _last_sentence("孩子刚出生。户口怎么上？") == "户口怎么上"
    assert _last_sentence("孩子刚出生。户口怎么上？ ") == "户口怎么上"
    assert _last_sentence("户口怎么上？") == "户口怎么上？"  # one sentence: the whole text
    assert _last_sentence_span("") == (0, 0)
    text = "我在番禺。想开店；要办什么证?"
    start, end = _last_sentence_span(text)
    assert text[start:end] == "要办什么证"


# Questions whose candidates tie (copies of one service in several places, look-alike items): with
# sums in the sets' order their ranking and signals changed with the process's hash seed.
SEED_QUESTIONS = (
    "刚怀上二胎，要先去政府那报个备才能享受免费产检这些吗",
    "幼儿园报名老师让带出生证明和户口本，小班学费一般多少钱",
    "我要去加拿大看女儿，签证那边要证明我们是母女，这个证明去哪里开？",
    "我是外国籍华人，在这边做了几年生意，打算和朋友投资开一家贸易公司。外国人来投资办公司需要怎么登记？",
    "我奶奶在老家一个人住，总说自己身体没事，可上次回去发现她走路都不太稳了。怎么劝一个倔强的老太太搬来城里跟我们住？",
)

SEED_SCRIPT = """
import json, sys
from guidebot.db import unit_of_work
from guides.catalogue import load_directory
from guides.search import SearchIndex
from guides.store import import_bundle
from tests.conftest import CATALOGUE_DIR, migrated_engine

engine = migrated_engine(sys.argv[1])
with unit_of_work(engine) as session:
    if sys.argv[2] == "load":
        import_bundle(session, load_directory(CATALOGUE_DIR))
    index = SearchIndex.from_session(session)
for question in json.loads(sys.argv[3]):
    r = index.search(question)
    print(json.dumps([[h.code for h in r.results], [h.code for h in r.closest],
                      [h.score for h in r.results or r.closest], r.signals]))
"""


def test_the_same_question_gets_the_same_ranking_whatever_the_hash_seed(tmp_path):
    """Each process iterates sets in its own order: sums over them must not decide ties."""
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import PROJECT_ROOT

    url = f"sqlite:///{tmp_path / 'guides.db'}"
    outputs = []
    for seed, step in (("0", "load"), ("1", "read"), ("2", "read")):
        done = subprocess.run([sys.executable, "-c", SEED_SCRIPT, url, step, json.dumps(SEED_QUESTIONS)],
                              cwd=PROJECT_ROOT, env={**os.environ, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done.stdout.splitlines())
    assert len(outputs[0]) == len(SEED_QUESTIONS)
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]


def test_a_service_the_question_names_in_full_is_scored_beside_its_many_variants(monkeypatch):
    # The variants of a service (its 签注, its 进度查询) share every word of its name, and their
    # examples hold the question's other words: they fill the candidates by the terms alone, and
    # the service named in full was never scored.
    import guides.search as search

    names = ["办理往来台湾通行证", "办理往来台湾通行证商务签注", "办理往来台湾通行证探亲签注", *OTHER_ITEMS]
    examples = {0: ["去对岸要办的证件"], 1: ["第一次去台湾谈生意"], 2: ["第一次去台湾看亲戚"]}
    monkeypatch.setattr(search, "LIKELIHOOD_NOMINEES", 0)
    index = plain_index(names, examples=examples)
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)  # room for two by the terms: the variants
    question = "第一次办往来台湾通行证"
    assert "X-0" in ranked(index.search(question))
    monkeypatch.setattr(search, "NAMED_NOMINEES", 0)
    assert "X-0" not in ranked(index.search(question))


def test_only_names_of_two_words_or_more_all_in_the_question_nominate(monkeypatch):
    import guides.search as search

    index = plain_index(["办理往来台湾通行证", "台湾居民来往大陆通行证", *OTHER_ITEMS], aliases={0: ["通行证"]})
    entries = index._entries
    assert [entries[i].code for i in index._named_items(index._analyse("往来台湾的通行证怎么办"))] == ["X-0"]  # 办理 is filler
    assert index._named_items(index._analyse("通行证怎么办")) == []  # a one-word alias names nothing in full
    assert index._named_items(index._analyse("大陆通行证")) == []  # 台湾居民, 来往 are missing
