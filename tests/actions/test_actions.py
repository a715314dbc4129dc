"""Custom actions with rasa-sdk's real Tracker and CollectingDispatcher over a temporary catalogue."""

from __future__ import annotations

import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from guidebot.db import unit_of_work
from guides.answers import GuideService
from guides.catalogue import load_directory
from guides.store import import_bundle
from tests.helpers import default_items, item_yaml


@pytest.fixture
def service(sqlite_engine, make_catalogue, monkeypatch):
    disclosure = item_yaml("INFO-001", "政府信息公开申请（依申请公开）", department="gx-jyt", aliases=["申请信息公开", "依申请公开"])
    items = {**default_items(), "items/info.yaml": disclosure}
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(make_catalogue(items)))
    svc = GuideService(sqlite_engine, "http://portal.test")
    monkeypatch.setattr(act, "service", lambda: svc)
    return svc


def tracker(text, intent="ask_guide", entities=(), **slots):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
    return Tracker("test-user", {"item_code": None, "region": None, "aspect": None, "misses": 0.0, **slots},
                   message, [], False, None, {}, "action_listen")


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher.messages, events


def slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_answers_the_asked_aspect_with_item_department_and_link(service):
    aspect = {"entity": "aspect", "value": "材料", "start": 6, "end": 10}
    messages, events = run(act.ActionAnswerGuide(), tracker("我想考高校教资要带什么材料", entities=[aspect]))
    text = messages[0]["text"]
    assert "【高等学校教师资格认定】广西壮族自治区教育厅（示例数据）" in text
    assert "1. 申请表（必要，纸质，1份）" in text and "2. 居民身份证（必要，纸质，验原件）" in text
    assert "http://portal.test/guides/T-001" in text and "更新日期：2026-10-01" in text
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "材料" not in titles and "时限" in titles
    assert json.loads(messages[0]["buttons"][0]["payload"].split("ask_guide", 1)[1]) == {"aspect": titles[0]}
    assert slots(events) == {"misses": 0.0, "item_code": "T-001", "region": "450000000000", "aspect": "材料"}


def test_follow_up_uses_the_item_in_context(service):
    messages, events = run(act.ActionAnswerGuide(), tracker("那要多久？", item_code="T-001"))
    assert "法定办结时限：20个工作日" in messages[0]["text"] and "承诺办结时限：10个工作日" in messages[0]["text"]
    assert slots(events)["item_code"] == "T-001"


def test_asking_where_offers_every_place_of_the_service_not_only_those_the_search_scored(
        sqlite_engine, make_catalogue, monkeypatch):
    import guides.search as search

    third = item_yaml("P-QX-001", "普通护照签发", department="nn-gaj", region="450103000000", level="县级",
                      aliases=["办护照", "护照"])
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(make_catalogue({**default_items(), "items/passport-qx.yaml": third})))
    svc = GuideService(sqlite_engine, "http://portal.test")
    monkeypatch.setattr(act, "service", lambda: svc)
    monkeypatch.setattr(search, "MAX_COPIES", 2)  # the search scores two of the three copies
    messages, _ = run(act.ActionAnswerGuide(), tracker("办护照要带什么"))
    assert "请问您在哪里办" in messages[0]["text"]
    # The scored copies first (the two cities, tied, in code order), then the catalogue's others.
    assert [b["title"] for b in messages[0]["buttons"]] == ["柳州市", "南宁市", "青秀区"], messages[0]["buttons"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert all(any(code in p for p in payloads) for code in ("P-NN-001", "P-LZ-001", "P-QX-001"))


def test_same_service_in_several_places_asks_where_then_follows_the_region(service):
    messages, events = run(act.ActionAnswerGuide(), tracker("办护照要带什么"))
    assert "请问您在哪里办" in messages[0]["text"]
    assert sorted(b["title"] for b in messages[0]["buttons"]) == ["南宁市", "柳州市"]
    assert "item_code" not in slots(events)
    assert slots(events)["aspect"] == "材料"
    # The citizen clicks a button: the materials asked for come now.
    chosen = {"entity": "item_code", "value": "P-NN-001"}
    messages, events = run(act.ActionAnswerGuide(), tracker('/choose_item{"item_code":"P-NN-001"}', "choose_item",
                                                            [chosen], aspect="材料"))
    assert "南宁市公安局" in messages[0]["text"] and "申请材料：" in messages[0]["text"]
    assert slots(events)["item_code"] == "P-NN-001"
    # ...then asks about another city: the same service, the same aspect, there.
    region = {"entity": "region", "value": "450200000000"}
    messages, events = run(act.ActionAnswerGuide(), tracker("在柳州呢？", "inform", [region], item_code="P-NN-001",
                                                            aspect="材料"))
    assert "柳州市公安局" in messages[0]["text"] and "申请材料：" in messages[0]["text"]
    assert slots(events)["item_code"] == "P-LZ-001"
    # A new question without an aspect is an overview, not the old aspect.
    messages, events = run(act.ActionAnswerGuide(), tracker("高校教资怎么认定", item_code="P-LZ-001", aspect="材料"))
    assert "事项类型：" in messages[0]["text"] and slots(events)["aspect"] is None


def test_miss_is_honest_and_the_second_offers_a_person(service):
    messages, events = run(act.ActionAnswerGuide(), tracker("我家猫不吃饭怎么办"))
    assert "没有找到" in messages[0]["text"] and "12345" in messages[0]["text"]
    assert slots(events) == {"misses": 1.0, "aspect": None}
    assert "/request_human" not in [b["payload"] for b in messages[0].get("buttons") or []]
    messages, events = run(act.ActionAnswerGuide(), tracker("火星移民怎么申请", misses=1.0))
    assert "转人工" in messages[0]["text"] and slots(events) == {"misses": 2.0, "aspect": None}
    assert {"title": "转人工", "payload": "/request_human"} in messages[0]["buttons"]


def test_fallback_never_answers_a_guess_silently(service):
    messages, events = run(act.ActionDefaultFallback(), tracker("高校教资", "nlu_fallback"))
    assert messages[0]["text"].startswith("我理解您问的是这个事项") and slots(events)["item_code"] == "T-001"
    messages, events = run(act.ActionDefaultFallback(), tracker("asdfgh", "nlu_fallback"))
    assert "没有找到" in messages[0]["text"] and slots(events) == {"misses": 1.0}
    messages, _ = run(act.ActionDefaultFallback(), tracker("不是", "deny"))
    assert "换个说法" in messages[0]["text"]


def test_item_lists_and_information_disclosure(service):
    messages, _ = run(act.ActionListItems(), tracker("柳州公安局能办什么", "ask_item_list"))
    assert "普通护照签发（柳州市公安局）" in messages[0]["text"] and "南宁" not in messages[0]["text"]
    messages, events = run(act.ActionInfoDisclosure(), tracker("我想申请政府信息公开", "ask_info_disclosure"))
    assert "政府信息公开目录" in messages[0]["text"] and "【政府信息公开申请（依申请公开）】" in messages[0]["text"]
    assert slots(events)["item_code"] == "INFO-001"


def test_the_asked_aspect_survives_the_question_which_government(sqlite_engine, make_catalogue, monkeypatch):
    items = {**default_items(),
             "items/info-nn.yaml": item_yaml("INFO-NN", "政府信息公开申请（依申请公开）", department="nn-gaj",
                                             region="450100000000", level="市级", aliases=["依申请公开"]),
             "items/info-lz.yaml": item_yaml("INFO-LZ", "政府信息公开申请（依申请公开）", department="lz-gaj",
                                             region="450200000000", level="市级", aliases=["依申请公开"])}
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(make_catalogue(items)))
    monkeypatch.setattr(act, "service", lambda: GuideService(sqlite_engine, "http://portal.test"))
    aspect = {"entity": "aspect", "value": "时限", "start": 9, "end": 11}
    messages, events = run(act.ActionInfoDisclosure(), tracker("依申请公开一般要多久答复", "ask_info_disclosure", [aspect]))
    assert sorted(b["title"] for b in messages[0]["buttons"]) == ["南宁市", "柳州市"]
    assert slots(events) == {"aspect": "时限"}
    chosen = {"entity": "item_code", "value": "INFO-LZ"}
    messages, events = run(act.ActionAnswerGuide(), tracker('/choose_item{"item_code":"INFO-LZ"}', "choose_item",
                                                            [chosen], **slots(events)))
    assert "法定办结时限：" in messages[0]["text"] and slots(events)["item_code"] == "INFO-LZ"


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "<script>alert(1)</script>", "'; DROP TABLE service_items; --",
                                  "护照" * 5000, "\x00\x1b[31m"])
def test_bad_input_gets_a_clear_chinese_reply(service, text):
    messages, _ = run(act.ActionAnswerGuide(), tracker(text))
    assert messages and messages[0]["text"]
    assert "<script>" not in messages[0]["text"]


def test_catalogue_edits_go_live_without_restart(service, sqlite_engine, make_catalogue):
    assert service.answer("新开的事项怎么办").miss
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(make_catalogue(
            {"items/new.yaml": item_yaml("NEW-001", "新开的测试事项", aliases=["新开的事项"])}, name="cat2")))
    assert service.answer("新开的事项怎么办").item_code == "NEW-001"


def test_out_of_scope_defers_to_a_confident_search(service):
    messages, events = run(act.ActionOutOfScope(), tracker("高校教资怎么认定", "out_of_scope"))
    assert "【高等学校教师资格认定】" in messages[0]["text"] and slots(events)["item_code"] == "T-001"
    messages, events = run(act.ActionOutOfScope(), tracker("今天天气怎么样", "out_of_scope"))
    assert messages == [{"response": "utter_out_of_scope", **{k: v for k, v in messages[0].items() if k != "response"}}]
    assert events == []


def test_socketio_conversations_get_a_guide_card_and_rest_gets_text(service):
    aspect = {"entity": "aspect", "value": "材料", "start": 6, "end": 10}
    message = {"text": "高校教资要带什么材料", "intent": {"name": "ask_guide", "confidence": 0.9}, "entities": [aspect]}
    socket = Tracker("web-1", {"item_code": None, "misses": 0.0}, message,
                     [{"event": "user", "text": message["text"], "input_channel": "socketio"}], False, None, {},
                     "action_listen")
    messages, _ = run(act.ActionAnswerGuide(), socket)
    card = messages[0]["custom"]["data"]
    assert card["type"] == "guide_card" and card["title"] == "高等学校教师资格认定" and card["sample"] is True
    assert card["url"] == "http://portal.test/guides/T-001" and card["updated"] == "2026-10-01"
    materials = card["sections"][0]
    assert materials["heading"] == "申请材料" and materials["ordered"] is True
    assert materials["items"][:2] == ["申请表（必要，纸质，1份）", "居民身份证（必要，纸质，验原件）"]
    assert "材料" not in [b["title"] for b in card["buttons"]] and "【高等学校教师资格认定】" in card["text"]
    # The same question over REST: plain text and buttons, no card.
    messages, _ = run(act.ActionAnswerGuide(), tracker("高校教资要带什么材料", entities=[aspect]))
    assert "custom" not in messages[0] or not messages[0]["custom"]
    assert "1. 申请表（必要，纸质，1份）" in messages[0]["text"]
