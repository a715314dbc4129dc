"""好差评 and 转人工 storage, office hours and contact numbers, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from approvals.models import HolidayDay
from feedback.models import HandoffKind, HandoffRequest, Rating
from feedback.service import (
    AlreadyRated,
    OfficeHours,
    clean_text,
    has_rating,
    items_from_events,
    mask_phone,
    normalise_phone,
    store_handoff,
    store_rating,
    transcript_from_events,
)
from guidebot.db import unit_of_work
from guidebot.errors import ConfigurationError
from guides.catalogue import load_directory
from guides.store import import_bundle

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def catalogue_engine(engine, make_catalogue):
    with unit_of_work(engine) as session:
        import_bundle(session, load_directory(make_catalogue()))
    return engine


def test_one_rating_per_conversation_with_the_items_discussed(catalogue_engine):
    store_rating(catalogue_engine, "conv-1", "不满意", reasons=["答案不准确", ""], comment="  没找到\x07我要的 ",
                 item_codes=["T-001", "NOPE"], channel="socketio")
    assert has_rating(catalogue_engine, "conv-1") and not has_rating(catalogue_engine, "conv-2")
    with pytest.raises(AlreadyRated):
        store_rating(catalogue_engine, "conv-1", "非常满意")
    with unit_of_work(catalogue_engine) as session:
        ratings = session.scalars(select(Rating)).all()
        assert len(ratings) == 1
        rating = ratings[0]
        assert (rating.level, rating.level_name, rating.reasons, rating.comment) == (2, "不满意", ["答案不准确"], "没找到我要的")
        assert [i.code for i in rating.items] == ["T-001"]  # unknown codes are not invented


def test_an_unknown_level_is_refused_and_nothing_is_stored(catalogue_engine):
    with pytest.raises(ValueError, match="unknown rating level"):
        store_rating(catalogue_engine, "conv-x", "还行")
    assert not has_rating(catalogue_engine, "conv-x")


def test_handoff_requests_keep_the_transcript_and_a_unique_reference(catalogue_engine):
    events = [{"event": "user", "text": "办护照要带什么", "timestamp": 1.0}, {"event": "action", "name": "x"},
              {"event": "bot", "text": "【普通护照签发】…", "timestamp": 2.0},
              {"event": "slot", "name": "item_code", "value": "T-001"}, {"event": "user", "text": "转人工"}]
    transcript = transcript_from_events(events)
    assert [t["who"] for t in transcript] == ["user", "bot", "user"]
    assert items_from_events(events) == ["T-001"]
    live = store_handoff(catalogue_engine, "conv-9", HandoffKind.LIVE, transcript, item_code="T-001")
    message = store_handoff(catalogue_engine, "conv-9", HandoffKind.MESSAGE, transcript,
                            message="营业执照变更多久能好", contact_phone="138 7712 3456")
    assert live.reference != message.reference and live.reference.startswith("RG")
    with unit_of_work(catalogue_engine) as session:
        stored = {r.kind: r for r in session.scalars(select(HandoffRequest))}
        assert stored[HandoffKind.LIVE].transcript == transcript and stored[HandoffKind.LIVE].item.code == "T-001"
        assert stored[HandoffKind.MESSAGE].contact_phone == "13877123456"
        assert stored[HandoffKind.MESSAGE].status.value == "待处理"


def test_a_message_without_a_valid_number_is_refused(catalogue_engine):
    with pytest.raises(ValueError):
        store_handoff(catalogue_engine, "c", HandoffKind.MESSAGE, [], message="你好", contact_phone="12345")
    with unit_of_work(catalogue_engine) as session:
        assert session.scalars(select(HandoffRequest)).all() == []


@pytest.mark.parametrize("text,expected", [
    ("13877123456", "13877123456"), ("138-7712-3456", "13877123456"), ("+86 138 7712 3456", "13877123456"),
    ("0771-1234567", "07711234567"), ("（0771）12345678", "077112345678"),
    ("12345", None), ("23877123456", None), ("1387712345", None), ("<script>", None), ("", None), (None, None),
])
def test_contact_numbers(text, expected):
    assert normalise_phone(text) == expected


def test_masking_and_cleaning():
    assert mask_phone("13877123456") == "138****3456"
    assert clean_text("a\x00b\x1b" + "长" * 600)[:3] == "ab长" and len(clean_text("长" * 600)) == 500


def test_office_hours_follow_working_days_and_holidays(catalogue_engine):
    hours = OfficeHours.parse("09:00-12:00,13:30-17:30")
    monday = dt.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    assert hours.is_open(catalogue_engine, monday)
    assert not hours.is_open(catalogue_engine, monday.replace(hour=12, minute=30))  # lunch
    assert not hours.is_open(catalogue_engine, monday.replace(hour=18))
    assert not hours.is_open(catalogue_engine, dt.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI))  # Saturday
    assert not hours.is_open(catalogue_engine, dt.datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI))  # 国庆
    # UTC input is read in local time: 02:00 UTC is 10:00 in Nanning.
    assert hours.is_open(catalogue_engine, dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.timezone.utc))
    # The admin holiday table wins: a Monday declared a day off.
    with unit_of_work(catalogue_engine) as session:
        session.add(HolidayDay(day=dt.date(2026, 11, 30), is_workday=False, name="示例调休"))
    assert not hours.is_open(catalogue_engine, monday)
    assert OfficeHours.parse("always").is_open(catalogue_engine) and not OfficeHours.parse("never").is_open(catalogue_engine)
    assert hours.describe() == "工作日 09:00—12:00、13:30—17:30"


@pytest.mark.parametrize("spec", ["9-12", "12:00-09:00", "25:00-26:00", "09:00-12:00,"])
def test_bad_office_hours_are_operator_errors(spec):
    with pytest.raises(ConfigurationError, match="GUIDEBOT_OFFICE_HOURS"):
        OfficeHours.parse(spec)


def test_bad_timezone_is_an_operator_error():
    with pytest.raises(ConfigurationError, match="GUIDEBOT_TIMEZONE"):
        OfficeHours.parse("always", "Mars/Olympus")
