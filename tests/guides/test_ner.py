import pytest

from guides.ner import MentionRecognizer


@pytest.fixture(scope="module")
def recognizer():
    regions = [("450200000000", ["柳州市", "柳州", "龙城"]), ("450103000000", ["青秀区", "青秀"]),
               ("450321100000", ["阳朔镇"])]
    departments = [("lz-rsj", ["柳州市人力资源和社会保障局", "柳州市人社局", "人社局"]),
                   ("nn-rsj", ["南宁市人力资源和社会保障局", "人社局"]),
                   ("ys-bmfw", ["阳朔镇便民服务中心", "阳朔镇"])]
    return MentionRecognizer(regions, departments)


def test_regions_and_departments_are_recognised(recognizer):
    mentions = recognizer("我在青秀区住，想问柳州市人社局的电话")
    assert [(m.text, m.label, m.code) for m in mentions] == [
        ("青秀区", "REGION", "450103000000"), ("柳州市人社局", "DEPT", "lz-rsj")]
    assert mentions[0].start == 2 and mentions[0].end == 5


def test_colloquial_region_names_and_ambiguity(recognizer):
    assert [m.code for m in recognizer("龙城的社保卡")] == ["450200000000"]
    assert recognizer.is_ambiguous("人社局") and not recognizer.is_ambiguous("柳州市人社局")
    # A region and the service centre named after it do not make the place ambiguous.
    assert not recognizer.is_ambiguous("阳朔镇")


def test_nothing_to_recognise(recognizer):
    assert recognizer("") == [] and recognizer("今天天气怎么样") == []


def test_a_recogniser_is_not_changed_by_the_names_of_another():
    # Two catalogues in one process (the portal's and an imported one, or tests): the second's
    # names (柳州公安局 as one word) must not change how the first segments "柳州公安局能办什么".
    first = MentionRecognizer([("r", ["柳州市", "柳州"])], [("d", ["柳州市公安局", "公安局"])])
    before = [(m.text, m.label) for m in first("柳州公安局能办什么")]
    assert before == [("柳州", "REGION"), ("公安局", "DEPT")]
    MentionRecognizer([("450200000000", ["柳州市", "柳州", "龙城"])],
                      [("lz-gaj", ["柳州市公安局", "柳州公安局", "公安局", "柳州公安", "市公安局"])])
    assert [(m.text, m.label) for m in first("柳州公安局能办什么")] == before


def test_a_text_holding_no_name_skips_the_pipeline(monkeypatch):
    recognizer = MentionRecognizer([("450103000000", ["青秀区", "青秀"])], [("d", ["青秀区民政局"])])
    calls = []
    pipeline = recognizer._nlp
    monkeypatch.setattr(recognizer, "_nlp", lambda text: calls.append(text) or pipeline(text))
    assert recognizer("今天天气怎么样") == [] and calls == []
    # A name spread over whitespace is no mention, and a name written out still is one.
    assert recognizer("青 秀 的 天 气") == [] and calls == []
    assert [m.text for m in recognizer("去青秀区民政局办")] == ["青秀区民政局"] and len(calls) == 1


def test_only_the_clauses_naming_something_go_through_the_pipeline(recognizer, monkeypatch):
    calls = []
    pipeline = recognizer._nlp
    monkeypatch.setattr(recognizer, "_nlp", lambda text: calls.append(text) or pipeline(text))
    text = "我老家是外地的，现在住青秀区，孩子明年上学，想问柳州市人社局的电话。谢谢！"
    mentions = recognizer(text)
    assert calls == ["现在住青秀区，想问柳州市人社局的电话"]
    # Offsets are the text's own, whichever clauses were read.
    assert [(m.text, text[m.start:m.end], m.label) for m in mentions] == [
        ("青秀区", "青秀区", "REGION"), ("柳州市人社局", "柳州市人社局", "DEPT")]


def test_a_name_shared_by_a_place_and_its_service_centre_reads_the_same_anywhere(recognizer):
    # The ruler alone picks either, depending on where the name stands: always the centre.
    texts = ["我" * k + "阳朔镇" for k in range(12)] + ["在青秀区" + "的" * k + "阳朔镇" for k in range(12)]
    for text in texts + ["刚怀上二胎，阳朔镇这边生娃要先去哪里登记？", "低保 阳朔镇"]:
        assert [(m.text, m.label, m.code) for m in recognizer(text) if m.text == "阳朔镇"] == [
            ("阳朔镇", "DEPT", "ys-bmfw")], text
