"""Ratings (好差评) and hand-off requests (转人工), each tied to the conversation they came from."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidebot.db import Base
from guides.models import ServiceItem


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# The five national 好差评 levels, best first; the number is what is stored.
RATING_LEVELS = {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}
LOW_RATINGS = (2, 1)  # 差评: reasons and a comment are asked for, and they are followed up

rating_items = Table(
    "rating_items",
    Base.metadata,
    Column("rating_id", ForeignKey("ratings.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("service_items.id", ondelete="CASCADE"), primary_key=True),
)


class Rating(Base):
    """One 好差评 per conversation, with the items discussed in it."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    items: Mapped[list[ServiceItem]] = relationship(secondary=rating_items)

    @property
    def level_name(self) -> str:
        return next(name for name, value in RATING_LEVELS.items() if value == self.level)


class HandoffKind(str, enum.Enum):
    LIVE = "转人工"  # within office hours: a person takes over the conversation
    MESSAGE = "留言"  # outside office hours: a message with a contact number, answered later


class HandoffStatus(str, enum.Enum):
    PENDING = "待处理"
    IN_PROGRESS = "处理中"
    DONE = "已办结"


class HandoffRequest(Base):
    """A request for a person, stored with the transcript for the hotline console."""

    __tablename__ = "handoff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[HandoffKind] = mapped_column(Enum(HandoffKind, name="handoff_kind", values_callable=lambda e: [m.value for m in e]))
    status: Mapped[HandoffStatus] = mapped_column(
        Enum(HandoffStatus, name="handoff_status", values_callable=lambda e: [m.value for m in e]),
        default=HandoffStatus.PENDING)
    transcript: Mapped[list] = mapped_column(JSON, default=list)  # [{"who": "user"|"bot", "text": ...}]
    message: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(20))  # needed to call back; shown only to staff
    item_id: Mapped[int | None] = mapped_column(ForeignKey("service_items.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    item: Mapped[ServiceItem | None] = relationship()
