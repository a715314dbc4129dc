"""Approval records: applications (办件), their step timeline, special procedures, the holiday
table, and verification attempts (for lockout). Personal data is stored only masked or hashed."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidebot.db import Base
from guides.models import Department, ServiceItem


class ApplicationStatus(str, enum.Enum):
    SUBMITTED = "已提交"
    ACCEPTED = "已受理"
    REVIEWING = "审查中"
    CORRECTION = "待补正"
    SPECIAL = "特别程序"
    COMPLETED = "已办结"
    REJECTED = "不予受理"
    WITHDRAWN = "已撤回"


SPECIAL_PROCEDURES = ("听证", "检验检测", "专家评审", "公示", "现场勘验", "招标拍卖", "鉴定")


class Application(Base):
    """One application (办件) for a service item."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(17), unique=True)  # 受理编号, see approvals.numbers
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="RESTRICT"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    window: Mapped[str | None] = mapped_column(String(100))  # 受理窗口
    applicant_name_masked: Mapped[str] = mapped_column(String(50))  # 张*明: the clear name is never stored
    applicant_type: Mapped[str] = mapped_column(String(20))  # 自然人 / 企业法人 / ...
    salt: Mapped[str] = mapped_column(String(32))
    id_hash: Mapped[str] = mapped_column(String(64))  # HMAC of the identity number
    phone_hash: Mapped[str] = mapped_column(String(64))
    phone_tail_hash: Mapped[str] = mapped_column(String(64))  # HMAC of the last four digits: verification
    status: Mapped[ApplicationStatus] = mapped_column(
        Enum(ApplicationStatus, name="application_status", native_enum=False, length=10,
             values_callable=lambda e: [m.value for m in e]))
    current_step: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    promised_days: Mapped[int | None] = mapped_column(Integer)  # limits in force when accepted
    statutory_days: Mapped[int | None] = mapped_column(Integer)
    correction_materials: Mapped[list[str]] = mapped_column(JSON, default=list)  # 补正材料 when 待补正
    result_name: Mapped[str | None] = mapped_column(String(200))  # 办理结果 (证照名称)
    delivery_mode: Mapped[str | None] = mapped_column(String(20))  # 窗口领取 / 邮寄 / 电子证照
    tracking_number: Mapped[str | None] = mapped_column(String(40))  # 快递单号
    is_sample: Mapped[bool] = mapped_column(Boolean, default=True)  # demo data is always marked

    item: Mapped[ServiceItem] = relationship()
    department: Mapped[Department] = relationship()
    steps: Mapped[list[ApplicationStep]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationStep.position")
    procedures: Mapped[list[SpecialProcedure]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="SpecialProcedure.started_on")

    __table_args__ = (
        CheckConstraint("promised_days IS NULL OR promised_days >= 0", name="promised_days_non_negative"),
        CheckConstraint("accepted_at IS NULL OR accepted_at >= submitted_at", name="accepted_after_submitted"),
    )


class ApplicationStep(Base):
    """One step of the timeline, with the department (never a staff name) that handled it."""

    __tablename__ = "application_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="steps")
    department: Mapped[Department] = relationship()

    __table_args__ = (UniqueConstraint("application_id", "position", name="uq_application_steps_app_position"),)


class SpecialProcedure(Base):
    """听证, 检验检测, 专家评审, 公示...: its days do not count against the time limit."""

    __tablename__ = "special_procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship(back_populates="procedures")

    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        CheckConstraint("kind IN ('" + "', '".join(SPECIAL_PROCEDURES) + "')", name="known_kind"),
    )


class HolidayDay(Base):
    """Admin-editable holiday and make-up working day (调休) table, for years the package lacks."""

    __tablename__ = "holiday_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str | None] = mapped_column(String(50))


class HolidayYear(Base):
    """A year whose holidays and make-up days the table lists completely."""

    __tablename__ = "holiday_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note: Mapped[str | None] = mapped_column(String(200))


class VerificationAttempt(Base):
    """One identity check, for lockout after repeated failures (scope: a conversation or a number)."""

    __tablename__ = "verification_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(80))  # "conv:<hash>" or "app:<number>"; no digits stored
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    success: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_verification_attempts_scope_time", "scope", "attempted_at"),)
