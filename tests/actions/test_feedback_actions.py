"""好差评 and 转人工 actions with rasa-sdk's real Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

import actions.feedback as fb
from feedback.models import HandoffKind, HandoffRequest, Rating
from feedback.service import OfficeHours
from guidebot.db import unit_of_work
from guides.catalogue import load_directory
from guides.store import import_bundle

EVENTS = [
    {"event": "user", "text": "高校教师资格认定要带什么材料", "timestamp": 1.0},
    {"event": "bot", "text": "【高等学校教师资格认定】申请材料：…", "timestamp": 2.0},
    {"event": "slot", "name": "item_code", "value": "T-001"},
    {"event": "user", "text": "转人工", "timestamp": 3.0},
]


@pytest.fixture
def engine_with_catalogue(sqlite_engine, make_catalogue, monkeypatch):
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(make_catalogue()))
    monkeypatch.setattr(fb, "_engine", lambda: sqlite_engine)
    return sqlite_engine


def tracker(text="", intent="inform", entities=(), events=EVENTS, sender="conv-1", **slots):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities)}
    return Tracker(sender, {"item_code": "T-001", **slots}, message, list(events), False, None,
                   {"name": "rating_form"}, "action_listen")


def validate(method, value, t):
    dispatcher = CollectingDispatcher()
    return method(value, dispatcher, t, {}), [m.get("text") for m in dispatcher.messages]


def ratings(engine):
    with unit_of_work(engine) as session:
        return [(r.conversation_id, r.level, r.reasons, r.comment, [i.code for i in r.items])
                for r in session.scalars(select(Rating))]


def test_a_good_rating_is_stored_at_once_with_the_items_and_needs_nothing_more(engine_with_catalogue):
    form = fb.ValidateRatingForm()
    result, said = validate(form.validate_rating, "满意", tracker('/rate{"rating":"满意"}', "rate"))
    assert result == {"rating": "满意", "rating_saved": "new"} and said == []
    assert ratings(engine_with_catalogue) == [("conv-1", 4, [], None, ["T-001"])]
    required = asyncio.run(form.required_slots(["rating", "rating_reason", "rating_comment"], CollectingDispatcher(),
                                               tracker(rating="满意"), {}))
    assert required == ["rating"]


def test_a_low_rating_asks_for_reasons_and_a_comment_and_updates_the_stored_rating(engine_with_catalogue):
    form = fb.ValidateRatingForm()
    validate(form.validate_rating, None, tracker("说实话非常不满意", "rate"))  # typed, not clicked
    required = asyncio.run(form.required_slots(["rating", "rating_reason", "rating_comment"], CollectingDispatcher(),
                                               tracker(rating="非常不满意", rating_saved="new"), {}))
    assert required == ["rating", "rating_reason", "rating_comment"]
    result, _ = validate(form.validate_rating_reason, "答案不准确，回答看不懂", tracker())
    assert result == {"rating_reason": "答案不准确、回答看不懂"}
    result, _ = validate(form.validate_rating_comment, "<script>alert(1)</script>问了三次都没找到", tracker())
    assert ratings(engine_with_catalogue) == [
        ("conv-1", 1, ["答案不准确", "回答看不懂"], "<script>alert(1)</script>问了三次都没找到", ["T-001"])]
    # Skipping the comment stores none.
    validate(form.validate_rating_comment, "跳过", tracker())
    assert ratings(engine_with_catalogue)[0][3] is None


def test_an_unknown_level_is_asked_again(engine_with_catalogue):
    result, said = validate(fb.ValidateRatingForm().validate_rating, "还行吧", tracker("还行吧"))
    assert result == {"rating": None} and "非常满意" in said[0]
    assert ratings(engine_with_catalogue) == []


def test_a_second_rating_is_refused_politely(engine_with_catalogue):
    form = fb.ValidateRatingForm()
    validate(form.validate_rating, "满意", tracker())
    result, _ = validate(form.validate_rating, "非常不满意", tracker())
    assert result["rating_saved"] == "duplicate"
    dispatcher = CollectingDispatcher()
    events = fb.ActionRatingDone().run(dispatcher, tracker(rating="非常不满意", rating_saved="duplicate"), {})
    assert "已经评价过" in dispatcher.messages[0]["text"]
    assert ratings(engine_with_catalogue)[0][1] == 4  # the first rating stands
    assert {"event": "slot", "timestamp": None, "name": "rated", "value": True} in events
    dispatcher = CollectingDispatcher()
    assert fb.ActionCheckRated().run(dispatcher, tracker(), {})[0]["value"] is True


def test_the_low_rating_thank_you_says_how_it_is_followed_up(engine_with_catalogue):
    dispatcher = CollectingDispatcher()
    fb.ActionRatingDone().run(dispatcher, tracker(rating="不满意", rating_saved="new"), {})
    assert "核实整改" in dispatcher.messages[0]["text"] and "回访" in dispatcher.messages[0]["text"]


def _handoffs(engine):
    with unit_of_work(engine) as session:
        return [(r.kind, r.conversation_id, len(r.transcript), r.message, r.contact_phone)
                for r in session.scalars(select(HandoffRequest))]


def test_handoff_in_office_hours_stores_the_request_with_the_transcript(engine_with_catalogue, monkeypatch):
    monkeypatch.setattr(fb, "_office_hours", lambda: OfficeHours.parse("always"))
    dispatcher = CollectingDispatcher()
    fb.ActionHandoff().run(dispatcher, tracker("转人工", "request_human"), {})
    assert "请求编号 RG" in dispatcher.messages[0]["text"] and "对话记录" in dispatcher.messages[0]["text"]
    assert _handoffs(engine_with_catalogue) == [(HandoffKind.LIVE, "conv-1", 3, None, None)]


def test_handoff_outside_office_hours_offers_a_message_and_stores_nothing(engine_with_catalogue, monkeypatch):
    monkeypatch.setattr(fb, "_office_hours", lambda: OfficeHours.parse("never"))
    dispatcher = CollectingDispatcher()
    fb.ActionHandoff().run(dispatcher, tracker("转人工", "request_human"), {})
    assert "12345" in dispatcher.messages[0]["text"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/leave_message", "/deny"]
    assert _handoffs(engine_with_catalogue) == []


def test_a_message_is_validated_then_stored_with_the_number(engine_with_catalogue):
    form = fb.ValidateHandoffMessageForm()
    assert validate(form.validate_handoff_message, " ", tracker())[0] == {"handoff_message": None}
    assert validate(form.validate_contact_phone, "电话是12345", tracker())[0] == {"contact_phone": None}
    assert validate(form.validate_contact_phone, "138 7712 3456", tracker())[0] == {"contact_phone": "13877123456"}
    dispatcher = CollectingDispatcher()
    events = fb.ActionSubmitHandoffMessage().run(
        dispatcher, tracker(handoff_message="营业执照变更多久能好", contact_phone="13877123456"), {})
    assert "138****3456" in dispatcher.messages[0]["text"] and "编号 RG" in dispatcher.messages[0]["text"]
    assert _handoffs(engine_with_catalogue) == [(HandoffKind.MESSAGE, "conv-1", 3, "营业执照变更多久能好", "13877123456")]
    assert {e["name"]: e["value"] for e in events} == {"handoff_message": None, "contact_phone": None}
