from guides.aspects import canonical_aspect, canonical_aspect_entities, detect_aspect, pick_aspect


def test_canonical_values_spans_and_keywords():
    assert canonical_aspect("材料") == "材料"
    assert canonical_aspect("要带啥") == "材料" and canonical_aspect("多长时间") == "时限"
    assert canonical_aspect("挂什么", "感冒挂什么科") is None
    assert detect_aspect("周六上不上班") == "办理时间" and detect_aspect("要跑几趟") == "到场次数"
    assert detect_aspect("营业执照怎么办") is None  # "how do I get it" asks for the overview


def test_the_specific_and_last_aspect_wins():
    assert pick_aspect(["流程", "在哪里办"]) == "地点"
    assert pick_aspect(["多少钱", "要多久"]) == "时限"
    assert pick_aspect(["流程"]) == "流程"
    assert pick_aspect([], "这个要多少钱") == "费用" and pick_aspect([], "你好") is None


def test_traditional_characters_read_as_simplified():
    assert detect_aspect("辦護照要帶什麼") == "材料" and canonical_aspect("幾點") == "办理时间"
    assert canonical_aspect("費用") == "费用"


def test_entities_get_the_canonical_aspect_and_unreadable_aspects_go():
    entities = [
        {"entity": "item", "value": "护照", "start": 0, "end": 2},
        {"entity": "aspect", "value": "材料", "start": 3, "end": 5},       # already canonical
        {"entity": "aspect", "value": "幾點", "start": 6, "end": 8},       # unseen span: its words
        {"entity": "aspect", "value": "哪个窗口", "start": 9, "end": 13},  # its words: 窗口
        {"entity": "aspect", "value": "申請", "start": 14, "end": 16},     # no aspect reading of its own
    ]
    out = canonical_aspect_entities(entities)
    assert [(e["entity"], e["value"]) for e in out] == [("item", "护照"), ("aspect", "材料"),
                                                        ("aspect", "办理时间"), ("aspect", "地点")]
    assert out[0] is entities[0] and "processors" not in out[1]  # untouched entities stay as they were
    assert out[2]["processors"] == ["AspectCanonicaliser"] and (out[2]["start"], out[2]["end"]) == (6, 8)
    assert entities[2]["value"] == "幾點"  # the input list is not modified
    assert canonical_aspect_entities([{"entity": "aspect", "value": "事"}]) == []
