"""办件进度: look up an application after an identity check, with lockout, and report its status
and 电子监察 supervision in Chinese."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload, selectinload

from approvals.calendar import Pause, WorkCalendar
from approvals.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    HolidayDay,
    HolidayYear,
    VerificationAttempt,
)
from approvals.numbers import find_number
from approvals.privacy import matches
from approvals.supervision import supervise
from guidebot.db import session_factory

MAX_FAILURES = 5
CALENDAR_TTL = dt.timedelta(minutes=1)
LOCK_WINDOW = dt.timedelta(minutes=15)
CHINA = dt.timezone(dt.timedelta(hours=8))
HOTLINE = "12345"
NOT_MATCHED = "受理编号或手机号后四位不正确，请核对后重试。"  # the same whether the number exists or not
LOCKED = (f"验证失败次数过多，为保护申请人信息，请15分钟后再试，或拨打{HOTLINE}政务服务便民热线，"
          "由工作人员核实身份后为您查询。")


@dataclass
class StatusResult:
    ok: bool
    text: str
    locked: bool = False


def load_calendar(session) -> WorkCalendar:
    """The working-day calendar with the admin holiday table applied."""
    overrides = {row.day: row.is_workday for row in session.scalars(select(HolidayDay))}
    years = set(session.scalars(select(HolidayYear.year)))
    return WorkCalendar(overrides=overrides, override_years=years)


def local_date(value: dt.datetime) -> dt.date:
    """The Beijing date of a stored time; naive values (SQLite keeps no offset) are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(CHINA).date()


def _scope_key(kind: str, value: str) -> str:
    # Conversation ids are hashed too: the attempts table should not be a map of who asked what.
    return f"{kind}:{hashlib.sha256(value.encode('utf-8')).hexdigest()[:32]}"


class StatusService:
    def __init__(self, engine: Engine, secret_key: str, now: Callable[[], dt.datetime] | None = None,
                 warning_days: int = 2):
        self._sessions = session_factory(engine)
        self._secret = secret_key
        self._now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self._warning_days = warning_days
        self._cached_calendar: WorkCalendar | None = None
        self._calendar_read_at = dt.datetime.min.replace(tzinfo=dt.timezone.utc)

    def _locked(self, session, scopes: list[str], since: dt.datetime) -> bool:
        """One query for all scopes: is any of them at the failure limit?"""
        counts = session.execute(
            select(VerificationAttempt.scope, func.count()).where(
                VerificationAttempt.scope.in_(scopes), VerificationAttempt.attempted_at >= since,
                VerificationAttempt.success.is_(False)).group_by(VerificationAttempt.scope)).all()
        return any(count >= MAX_FAILURES for _, count in counts)

    def _calendar(self, session, now: dt.datetime) -> WorkCalendar:
        # The holiday table changes a few times a year; re-reading it once a minute is plenty.
        if self._cached_calendar is None or now - self._calendar_read_at > CALENDAR_TTL:
            self._cached_calendar, self._calendar_read_at = load_calendar(session), now
        return WorkCalendar(overrides=self._cached_calendar.overrides,
                            override_years=self._cached_calendar.override_years)

    def lookup(self, conversation: str, number_text: str | None, phone_tail: str | None) -> StatusResult:
        """Check the caller may see the application, then report it. Every attempt is recorded."""
        number, problem = find_number(number_text)
        if number is None:
            return StatusResult(False, problem)
        tail = "".join(c for c in (phone_tail or "") if c.isdigit())
        if len(tail) != 4:
            return StatusResult(False, "请输入申请时预留手机号码的后四位数字。")
        now = self._now()
        scopes = [_scope_key("conv", conversation), _scope_key("app", number)]
        with self._sessions() as session, session.begin():
            if self._locked(session, scopes, now - LOCK_WINDOW):
                return StatusResult(False, LOCKED, locked=True)
            app = session.scalar(select(Application).where(Application.number == number).options(
                joinedload(Application.item), selectinload(Application.steps).joinedload(ApplicationStep.department),
                selectinload(Application.procedures)))
            ok = app is not None and matches(self._secret, app.salt, tail, app.phone_tail_hash)
            session.add_all([VerificationAttempt(scope=s, attempted_at=now, success=ok) for s in scopes])
            if not ok:
                return StatusResult(False, NOT_MATCHED)
            return StatusResult(True, self._report(session, app, now))

    def _report(self, session, app: Application, now: dt.datetime) -> str:
        today = now.astimezone(CHINA).date()
        lines = [f"【{app.item.name}】受理编号 {app.number}（申请人：{app.applicant_name_masked}）"]
        lines.append(f"办理状态：{app.status.value}" + (f"；当前环节：{app.current_step}" if app.current_step else ""))
        if app.steps:
            last = app.steps[-1]
            lines.append(f"当前办理部门：{last.department.name}")
        if app.accepted_at:
            accepted = local_date(app.accepted_at)
            lines.append(f"受理日期：{accepted.isoformat()}")
            if app.promised_days is not None and app.status not in (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN):
                pauses = [Pause(p.started_on, p.ended_on) for p in app.procedures]
                completed = local_date(app.completed_at) if app.completed_at else None
                result = supervise(self._calendar(session, now), accepted, app.promised_days, today,
                                   statutory_days=app.statutory_days, pauses=pauses, completed=completed,
                                   warning_days=self._warning_days)
                lines.append(f"承诺办结期限：{result.promised_deadline.isoformat()}"
                             + (f"（法定期限：{result.statutory_deadline.isoformat()}）" if result.statutory_deadline else ""))
                lines.append(f"电子监察：{result.describe()}")
                for p in app.procedures:
                    end = p.ended_on.isoformat() if p.ended_on else "进行中"
                    lines.append(f"特别程序：{p.kind}（{p.started_on.isoformat()} 至 {end}，不计入办理时限）")
                if result.calendar_warning:
                    lines.append(result.calendar_warning)
        lines.append(self._next_step(app))
        lines.append("（示例数据）" if app.is_sample else "")
        return "\n".join(line for line in lines if line)

    @staticmethod
    def _next_step(app: Application) -> str:
        status = app.status
        if status == ApplicationStatus.CORRECTION:
            items = "\n".join(f"{n}. {m}" for n, m in enumerate(app.correction_materials or [], start=1))
            return "需要您补正以下材料，请在补正告知书规定的期限内提交：\n" + (items or "请按补正告知书要求提交。")
        if status == ApplicationStatus.COMPLETED:
            result = f"办理结果：{app.result_name or '已办结'}"
            if app.delivery_mode == "邮寄" and app.tracking_number:
                return f"{result}，已邮寄，快递单号 {app.tracking_number}。"
            if app.delivery_mode:
                return f"{result}，领取方式：{app.delivery_mode}。"
            return result
        if status == ApplicationStatus.REJECTED:
            return "该申请不予受理，具体理由见不予受理通知书；如有疑问可拨打事项咨询电话或12345。"
        if status == ApplicationStatus.WITHDRAWN:
            return "该申请已撤回。"
        if status == ApplicationStatus.SPECIAL:
            return "目前处于特别程序阶段，结束后继续审查，请留意短信通知。"
        if status == ApplicationStatus.SUBMITTED:
            return "材料已提交，等待窗口受理审核。"
        return "正在办理中，无需您操作，办结后将短信通知您。"
