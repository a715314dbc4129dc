"""The guide knowledge base: regions, departments and service items (办事指南).

The element set follows the national implementation list (实施清单) for a service item.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidebot.db import Base


class RegionLevel(enum.IntEnum):
    """The five administrative levels of the platform."""

    PROVINCE = 1  # 省 / 自治区
    CITY = 2  # 市
    COUNTY = 3  # 县(区)
    TOWNSHIP = 4  # 乡镇(街道)
    VILLAGE = 5  # 村(社区)


# 行使层级 labels accepted in catalogue files, mapped onto the region level they sit at.
ITEM_LEVELS = {
    "国家级": RegionLevel.PROVINCE,  # handled locally on behalf of a national department
    "省级": RegionLevel.PROVINCE,
    "自治区级": RegionLevel.PROVINCE,
    "市级": RegionLevel.CITY,
    "县级": RegionLevel.COUNTY,
    "乡镇级": RegionLevel.TOWNSHIP,
    "村级": RegionLevel.VILLAGE,
}

class PublicationState(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Region(Base):
    """An administrative area on one of the five levels, with its parent."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # 12-digit 区划代码
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(50))
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    parent: Mapped[Region | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent")

    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    def __repr__(self) -> str:
        return f"Region({self.code} {self.name})"


class Department(Base):
    """An implementing body (实施主体)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    phone: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(500))

    region: Mapped[Region] = relationship()

    def __repr__(self) -> str:
        return f"Department({self.code} {self.name})"


class ServiceItem(Base):
    """One service item as implemented by one department in one region (实施清单)."""

    __tablename__ = "service_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # 实施编码
    catalog_code: Mapped[str | None] = mapped_column(String(64), index=True)  # 事项编码
    name: Mapped[str] = mapped_column(String(300), index=True)  # 事项名称 (incl. sub-item)
    parent_name: Mapped[str | None] = mapped_column(String(300))  # 主项名称 for sub-items
    item_type: Mapped[str] = mapped_column(String(20))  # 事项类型
    level: Mapped[str] = mapped_column(String(10))  # 行使层级
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    joint_departments: Mapped[str | None] = mapped_column(Text)  # 联办机构

    legal_basis: Mapped[str | None] = mapped_column(Text)  # 设定依据
    accept_conditions: Mapped[str | None] = mapped_column(Text)  # 受理条件

    statutory_limit: Mapped[int | None] = mapped_column(Integer)  # 法定办结时限
    statutory_limit_unit: Mapped[str | None] = mapped_column(String(10))
    promised_limit: Mapped[int | None] = mapped_column(Integer)  # 承诺办结时限
    promised_limit_unit: Mapped[str | None] = mapped_column(String(10))

    fee_charged: Mapped[bool | None] = mapped_column(Boolean)  # 是否收费
    fee_standard: Mapped[str | None] = mapped_column(Text)  # 收费标准
    fee_basis: Mapped[str | None] = mapped_column(Text)  # 收费依据
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # a single fixed fee, in yuan

    location: Mapped[str | None] = mapped_column(Text)  # 办理地点
    office_hours: Mapped[str | None] = mapped_column(Text)  # 办理时间
    consult_phone: Mapped[str | None] = mapped_column(Text)  # 咨询电话
    complaint_phone: Mapped[str | None] = mapped_column(Text)  # 监督投诉电话

    online_available: Mapped[bool | None] = mapped_column(Boolean)  # 是否网办
    online_url: Mapped[str | None] = mapped_column(Text)  # 网办地址
    online_platform: Mapped[str | None] = mapped_column(Text)
    visits: Mapped[int | None] = mapped_column(Integer)  # 到现场次数
    express_delivery: Mapped[bool | None] = mapped_column(Boolean)  # 是否支持物流快递

    service_objects: Mapped[list[str]] = mapped_column(JSON, default=list)  # 服务对象
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # 主题分类
    # Questions as citizens ask for this item: search matches messages against them (not shown).
    examples: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    guide_url: Mapped[str | None] = mapped_column(Text)  # the source portal's page

    status: Mapped[PublicationState] = mapped_column(
        Enum(PublicationState, name="publication_state", native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e]),
        default=PublicationState.PUBLISHED,
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    effective_date: Mapped[dt.date | None] = mapped_column(Date)  # date the guide content took effect
    source_id: Mapped[int] = mapped_column(ForeignKey("catalogue_sources.id", ondelete="RESTRICT"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))  # makes re-imports no-ops

    department: Mapped[Department] = relationship()
    region: Mapped[Region] = relationship()
    source: Mapped[CatalogueSource] = relationship()
    materials: Mapped[list[Material]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Material.position"
    )
    steps: Mapped[list[ProcessStep]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ProcessStep.position"
    )
    faqs: Mapped[list[FAQ]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="FAQ.position"
    )
    aliases: Mapped[list[ItemAlias]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemAlias.alias"
    )

    __table_args__ = (
        CheckConstraint("visits IS NULL OR visits >= 0", name="visits_non_negative"),
        CheckConstraint("statutory_limit IS NULL OR statutory_limit >= 0", name="statutory_non_negative"),
        CheckConstraint("promised_limit IS NULL OR promised_limit >= 0", name="promised_non_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    @property
    def is_sample(self) -> bool:
        """示例数据: true when the item comes from a sample catalogue."""
        return self.source.is_sample

    @property
    def alias_names(self) -> list[str]:
        return [a.alias for a in self.aliases]

    def __repr__(self) -> str:
        return f"ServiceItem({self.code} {self.name})"


class Material(Base):
    """申请材料: one required document."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str | None] = mapped_column(String(20))  # 必要性: 必要 / 非必要 / 容缺后补
    form: Mapped[str | None] = mapped_column(String(20))  # 纸质 / 电子 / 纸质或电子 / 纸质和电子
    copies: Mapped[int | None] = mapped_column(Integer)  # 份数
    source_channel: Mapped[str | None] = mapped_column(Text)  # 来源渠道
    notes: Mapped[str | None] = mapped_column(Text)  # 备注 / 填报须知

    item: Mapped[ServiceItem] = relationship(back_populates="materials")

    __table_args__ = (
        UniqueConstraint("item_id", "position", name="uq_materials_item_position"),
        CheckConstraint("copies IS NULL OR copies >= 0", name="copies_non_negative"),
    )


class ProcessStep(Base):
    """办理流程: one step, in order."""

    __tablename__ = "process_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    time_limit: Mapped[str | None] = mapped_column(String(100))

    item: Mapped[ServiceItem] = relationship(back_populates="steps")

    __table_args__ = (UniqueConstraint("item_id", "position", name="uq_process_steps_item_position"),)


class FAQ(Base):
    """常见问题: a question and its answer."""

    __tablename__ = "faqs"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)

    item: Mapped[ServiceItem] = relationship(back_populates="faqs")

    __table_args__ = (UniqueConstraint("item_id", "position", name="uq_faqs_item_position"),)


class ItemAlias(Base):
    """A colloquial name citizens use for an item (驾照, 社保卡...)."""

    __tablename__ = "item_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100))

    item: Mapped[ServiceItem] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("item_id", "alias", name="uq_item_aliases_item_alias"),)


class CatalogueSource(Base):
    """Metadata of an imported catalogue: its title and whether it is sample data."""

    __tablename__ = "catalogue_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    notice: Mapped[str | None] = mapped_column(Text)  # shown wherever the catalogue's data is shown
    licence: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
