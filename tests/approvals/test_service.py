"""办件进度 lookups over generated demo data, on SQLite and PostgreSQL: every status, privacy rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from approvals import demo
from approvals.models import Application, ApplicationStatus, VerificationAttempt
from approvals.numbers import make_number
from approvals.service import LOCKED, NOT_MATCHED, StatusService
from guidebot.db import unit_of_work
from guides.catalogue import load_directory
from guides.store import import_bundle
from tests.conftest import CATALOGUE_DIR

KEY = "test-secret"
NOW = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Beijing


@pytest.fixture
def loaded(engine):
    with unit_of_work(engine) as session:
        import_bundle(session, load_directory(CATALOGUE_DIR))
    with unit_of_work(engine) as session:
        written = demo.load(session, 400, KEY)
        examples = demo.examples(session, 400, KEY)
    return engine, written, examples


def service(engine, now=NOW):
    return StatusService(engine, KEY, now=lambda: now)


def test_demo_data_is_deterministic_idempotent_and_masked(loaded):
    engine, written, examples = loaded
    assert written >= 395  # a duplicate number is dropped, never stored twice
    with unit_of_work(engine) as session:
        assert demo.load(session, 400, KEY) == 0
        statuses = dict(session.execute(select(Application.status, func.count()).group_by(Application.status)).all())
        assert set(statuses) == set(ApplicationStatus)
        names = session.scalars(select(Application.applicant_name_masked)).all()
        assert all("*" in n for n in names)
        row = session.execute(text("SELECT * FROM applications LIMIT 1")).mappings().one()
        assert not any(str(v).isdigit() and len(str(v)) in (4, 11, 18) for v in row.values() if v is not None)
    assert {e.status for e in examples} == set(ApplicationStatus)


def test_every_status_is_reported_after_the_check(loaded):
    engine, _, examples = loaded
    for status in ApplicationStatus:
        case = next(e for e in examples if e.status == status)
        result = service(engine).lookup(f"conv-{status.name}", f"我的受理编号是{case.number}", case.phone_tail)
        assert result.ok, result.text
        assert f"办理状态：{status.value}" in result.text and case.number in result.text and "（示例数据）" in result.text
        if status == ApplicationStatus.CORRECTION:
            assert "需要您补正以下材料" in result.text and "1. " in result.text
        if status in (ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWING, ApplicationStatus.CORRECTION):
            assert "电子监察：" in result.text and "承诺办结期限：" in result.text
        if status == ApplicationStatus.SPECIAL:
            assert "暂停计时" in result.text and "不计入办理时限" in result.text
        if status == ApplicationStatus.COMPLETED:
            assert "办理结果：" in result.text


def test_unknown_number_and_wrong_digits_get_the_same_reply(loaded):
    engine, _, examples = loaded
    case = examples[0]
    wrong_tail = f"{(int(case.phone_tail) + 1) % 10000:04d}"
    unknown = make_number(dt.date(2026, 1, 5), 999999)
    assert service(engine).lookup("c", case.number, wrong_tail).text == NOT_MATCHED
    assert service(engine).lookup("c2", unknown, case.phone_tail).text == NOT_MATCHED
    assert not service(engine).lookup("c3", "GX123", "1234").ok


def test_lockout_after_five_failures_per_conversation_and_per_number(loaded):
    engine, _, examples = loaded
    case = examples[0]
    svc = service(engine)
    for attempt in range(5):
        assert svc.lookup("attacker", case.number, "0000" if case.phone_tail != "0000" else "1111").text == NOT_MATCHED
    # Even the right digits are refused now, from this conversation...
    assert svc.lookup("attacker", case.number, case.phone_tail).text == LOCKED
    # ...and for this number from any conversation.
    assert svc.lookup("someone-else", case.number, case.phone_tail).locked
    # Another number from another conversation still works; after 15 minutes the lock lifts.
    other = examples[1]
    assert svc.lookup("someone-else", other.number, other.phone_tail).ok
    later = service(engine, NOW + dt.timedelta(minutes=16))
    assert later.lookup("attacker", case.number, case.phone_tail).ok
    with unit_of_work(engine) as session:
        scopes = session.scalars(select(VerificationAttempt.scope)).all()
    assert all(case.number not in s and "attacker" not in s for s in scopes)


def test_overdue_cases_are_flagged(loaded):
    engine, _, examples = loaded
    with unit_of_work(engine) as session:
        generated = demo.generate(demo._items(session), 400, KEY)
    in_progress = [g for g in generated if g.status == ApplicationStatus.REVIEWING]
    texts = [service(engine).lookup(f"c{i}", g.number, g.phone_tail).text for i, g in enumerate(in_progress[:60])]
    assert any("超期" in t for t in texts) and any("正常" in t for t in texts)
