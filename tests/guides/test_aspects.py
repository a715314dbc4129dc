from guides.aspects import canonical_aspect, detect_aspect, pick_aspect


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
