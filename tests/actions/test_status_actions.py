"""The 办件进度 form and lookup actions, with rasa-sdk's Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from approvals import demo
from approvals.service import StatusService
from guidebot.db import unit_of_work
from guides.catalogue import load_directory
from guides.store import import_bundle
from tests.conftest import CATALOGUE_DIR

KEY = "test-secret"


@pytest.fixture
def cases(sqlite_engine, monkeypatch):
    with unit_of_work(sqlite_engine) as session:
        import_bundle(session, load_directory(CATALOGUE_DIR))
    with unit_of_work(sqlite_engine) as session:
        demo.load(session, 200, KEY)
        examples = demo.examples(session, 200, KEY)
    now = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.timezone.utc)
    svc = StatusService(sqlite_engine, KEY, now=lambda: now)
    monkeypatch.setattr(act, "status_service", lambda: svc)
    return examples


def tracker(text, requested=None, **slots):
    return Tracker("conv-42", {"requested_slot": requested, "application_number": None, "phone_tail": None, **slots},
                   {"text": text, "intent": {"name": "inform"}, "entities": []}, [], False, None,
                   {"name": "status_form"}, "action_listen")


def validate(slot, value, text):
    dispatcher = CollectingDispatcher()
    form = act.ValidateStatusForm()
    result = getattr(form, f"validate_{slot}")(value, dispatcher, tracker(text), {})
    return result, [m["text"] for m in dispatcher.messages]


def test_number_is_read_from_a_sentence_and_wrong_ones_explained(cases):
    number = cases[0].number
    assert validate("application_number", f"编号是{number.lower()}谢谢", "")[0] == {"application_number": number}
    result, messages = validate("application_number", number[:-1] + ("0" if number[-1] != "0" else "1"), "")
    assert result == {"application_number": None} and "校验码不正确" in messages[0]
    result, messages = validate("application_number", "我忘了", "")
    assert result == {"application_number": None} and "共17位" in messages[0]


def test_phone_tail_only_when_asked_and_four_digits():
    form = act.ValidateStatusForm()
    dispatcher = CollectingDispatcher()
    assert asyncio.run(form.extract_phone_tail(dispatcher, tracker("2026年申请的"), {})) == {}
    assert asyncio.run(form.extract_phone_tail(dispatcher, tracker("3821", requested="phone_tail"), {})) == \
        {"phone_tail": "3821"}
    assert validate("phone_tail", "尾号3821", "")[0] == {"phone_tail": "****"}  # used, then masked
    result, messages = validate("phone_tail", "382", "")
    assert result == {"phone_tail": None} and "4位数字" in messages[0]


def test_valid_digits_do_the_lookup_and_never_go_back_to_rasa(cases):
    case = cases[0]
    form = act.ValidateStatusForm()
    dispatcher = CollectingDispatcher()
    result = form.validate_phone_tail(case.phone_tail, dispatcher, tracker("", application_number=case.number), {})
    assert result == {"phone_tail": "****"}
    assert case.number in dispatcher.messages[0]["text"] and "办理状态：" in dispatcher.messages[0]["text"]
    dispatcher = CollectingDispatcher()
    wrong = "0000" if case.phone_tail != "0000" else "1111"
    result = form.validate_phone_tail(wrong, dispatcher, tracker("", application_number=case.number), {})
    assert result == {"phone_tail": "****"} and "不正确" in dispatcher.messages[0]["text"]


def test_a_new_progress_question_starts_from_scratch(cases):
    form = act.ValidateStatusForm()
    new_query = Tracker("conv-42", {"requested_slot": None, "application_number": cases[0].number, "phone_tail": "****"},
                        {"text": "再查一个", "intent": {"name": "query_application_status"}, "entities": []},
                        [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    assert asyncio.run(form.extract_application_number(dispatcher, new_query, {})) == {"application_number": None}
    assert asyncio.run(form.extract_phone_tail(dispatcher, new_query, {})) == {"phone_tail": None}
