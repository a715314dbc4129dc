"""Writing catalogues to the database: transactional, idempotent upserts by code.

Every importer produces a :class:`~guides.catalogue.Bundle` of normalised records and hands it to
:func:`import_bundle`, so YAML and external exports share one write path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from guidebot.errors import ValidationFailed
from guides.catalogue import ITEM_FIELDS, Bundle, reference_problems
from guides.models import (
    FAQ,
    CatalogueSource,
    Department,
    ItemAlias,
    Material,
    ProcessStep,
    PublicationState,
    Region,
    ServiceItem,
)

# Fields that describe the record's history, not its content: they do not make an item "changed".
_HISTORY_FIELDS = {"version", "updated_at"}
_SET_FIELDS = ("aliases", "topics", "service_objects")


@dataclass
class ImportStats:
    """What an import did, per kind: created / updated / unchanged counts."""

    created: dict[str, int] = field(default_factory=lambda: {"region": 0, "department": 0, "item": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"region": 0, "department": 0, "item": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"region": 0, "department": 0, "item": 0})

    def summary(self) -> str:
        parts = []
        for kind in ("region", "department", "item"):
            parts.append(
                f"{kind}s: {self.created[kind]} created, {self.updated[kind]} updated, {self.unchanged[kind]} unchanged"
            )
        return "; ".join(parts)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def content_hash(item: dict) -> str:
    """Stable hash of an item's content (history fields excluded)."""
    content = {k: item.get(k) for k in ITEM_FIELDS if k not in _HISTORY_FIELDS}
    for key in _SET_FIELDS:  # order carries no meaning in these lists
        content[key] = sorted(content.get(key) or [])
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _parse_when(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value or " " in value else \
        dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _upsert_source(session: Session, bundle: Bundle) -> CatalogueSource:
    meta = bundle.meta
    source = session.scalar(select(CatalogueSource).where(CatalogueSource.key == meta.key))
    if source is None:
        source = CatalogueSource(key=meta.key)
        session.add(source)
    for attr, value in (("title", meta.title), ("is_sample", meta.sample), ("notice", meta.notice), ("licence", meta.licence)):
        if getattr(source, attr) != value:
            setattr(source, attr, value)
    session.flush()
    return source


def _upsert_record(session: Session, model, kind: str, by_code: dict, code: str, values: dict,
                   stats: ImportStats) -> None:
    """Create the row for ``code`` or update only the attributes that differ; count what happened."""
    row = by_code.get(code)
    if row is None:
        row = model(code=code, **values)
        session.add(row)
        by_code[code] = row
        stats.created[kind] += 1
        return
    changed = False
    for attr, value in values.items():
        if getattr(row, attr) != value:
            setattr(row, attr, value)
            changed = True
    (stats.updated if changed else stats.unchanged)[kind] += 1


def _upsert_regions(session: Session, bundle: Bundle, stats: ImportStats) -> dict[str, Region]:
    by_code = {r.code: r for r in session.scalars(select(Region))}
    for record in sorted(bundle.regions, key=lambda r: r["level"]):  # parents before children
        values = {
            "name": record["name"],
            "short_name": record.get("short_name"),
            "level": record["level"],
            "parent": by_code.get(record["parent"]) if record.get("parent") else None,
            "aliases": list(record.get("aliases") or []),
        }
        _upsert_record(session, Region, "region", by_code, record["code"], values, stats)
    session.flush()
    return by_code


def _upsert_departments(session: Session, bundle: Bundle, regions: dict[str, Region], stats: ImportStats) -> dict[str, Department]:
    by_code = {d.code: d for d in session.scalars(select(Department))}
    for record in bundle.departments:
        values = {
            "name": record["name"],
            "short_name": record.get("short_name"),
            "aliases": list(record.get("aliases") or []),
            "region": regions[record["region"]],
            "phone": record.get("phone"),
            "address": record.get("address"),
            "website": record.get("website"),
        }
        _upsert_record(session, Department, "department", by_code, record["code"], values, stats)
    session.flush()
    return by_code


def _item_columns(item: dict) -> dict:
    limits = item.get("time_limits") or {}
    statutory, promised = limits.get("statutory") or {}, limits.get("promised") or {}
    fees = item.get("fees") or {}
    online = item.get("online") or {}
    amount = fees.get("amount")
    return {
        "catalog_code": item.get("catalog_code"),
        "name": item["name"],
        "parent_name": item.get("parent_name"),
        "item_type": item["type"],
        "level": item["level"],
        "joint_departments": item.get("joint_departments"),
        "legal_basis": item.get("legal_basis"),
        "accept_conditions": item.get("accept_conditions"),
        "statutory_limit": statutory.get("value"),
        "statutory_limit_unit": statutory.get("unit"),
        "promised_limit": promised.get("value"),
        "promised_limit_unit": promised.get("unit"),
        "fee_charged": fees.get("charged"),
        "fee_standard": fees.get("standard"),
        "fee_basis": fees.get("basis"),
        "fee_amount": Decimal(str(amount)) if amount not in (None, "") else None,
        "location": item.get("location"),
        "office_hours": item.get("office_hours"),
        "consult_phone": item.get("consult_phone"),
        "complaint_phone": item.get("complaint_phone"),
        "online_available": online.get("available"),
        "online_url": online.get("url"),
        "online_platform": online.get("platform"),
        "visits": item.get("visits"),
        "express_delivery": item.get("express_delivery"),
        "service_objects": list(item.get("service_objects") or []),
        "topics": list(item.get("topics") or []),
        "examples": list(item.get("examples") or []),
        "guide_url": item.get("guide_url"),
        "status": PublicationState(item.get("status") or "published"),
        "effective_date": dt.date.fromisoformat(item["effective_date"]) if item.get("effective_date") else None,
    }


def _children(item: dict) -> dict:
    return {
        "materials": [
            Material(position=i + 1, name=m["name"], requirement=m.get("required"), form=m.get("form"),
                     copies=m.get("copies"), source_channel=m.get("source"), notes=m.get("notes"))
            for i, m in enumerate(item.get("materials") or [])
        ],
        "steps": [
            ProcessStep(position=i + 1, name=s["name"], description=s.get("description"), time_limit=s.get("time_limit"))
            for i, s in enumerate(item.get("process") or [])
        ],
        "faqs": [FAQ(position=i + 1, question=q["question"], answer=q["answer"]) for i, q in enumerate(item.get("faq") or [])],
        "aliases": [ItemAlias(alias=a) for a in dict.fromkeys(item.get("aliases") or [])],
    }


def _upsert_items(session: Session, bundle: Bundle, source: CatalogueSource, regions: dict[str, Region],
                  departments: dict[str, Department], stats: ImportStats) -> None:
    codes = [item["code"] for item in bundle.items]
    existing: dict[str, ServiceItem] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        query = select(ServiceItem).where(ServiceItem.code.in_(chunk)).options(
            selectinload(ServiceItem.materials), selectinload(ServiceItem.steps),
            selectinload(ServiceItem.faqs), selectinload(ServiceItem.aliases),
        )
        existing.update({i.code: i for i in session.scalars(query)})
    now = _now()
    for item in bundle.items:
        digest = content_hash(item)
        row = existing.get(item["code"])
        columns = _item_columns(item)
        columns.update(department=departments[item["department"]], region=regions[item["region"]], source=source)
        if row is None:
            row = ServiceItem(code=item["code"], content_hash=digest, version=item.get("version") or 1,
                              updated_at=_parse_when(item.get("updated_at")) or now, **columns, **_children(item))
            session.add(row)
            stats.created["item"] += 1
        elif row.content_hash == digest and row.source_id == source.id:
            stats.unchanged["item"] += 1
        else:
            # Delete the old children first: the new ones reuse their (item, position) keys.
            for relation in ("materials", "steps", "faqs", "aliases"):
                getattr(row, relation).clear()
            session.flush()
            for attr, value in {**columns, **_children(item)}.items():
                setattr(row, attr, value)
            row.content_hash = digest
            row.version = max(row.version + 1, item.get("version") or 0)
            row.updated_at = now
            stats.updated["item"] += 1
    session.flush()


def import_bundle(session: Session, bundle: Bundle) -> ImportStats:
    """Upsert a validated bundle inside the caller's transaction.

    References are checked against the bundle and the database first; on any problem a
    :class:`ValidationFailed` is raised before anything is written.
    """
    known_regions = dict(session.execute(select(Region.code, Region.level)).all())
    known_departments = set(session.scalars(select(Department.code)))
    problems = reference_problems(bundle, known_regions, known_departments)
    other_sources = dict(
        session.execute(
            select(ServiceItem.code, CatalogueSource.key)
            .join(CatalogueSource, ServiceItem.source_id == CatalogueSource.id)
            .where(CatalogueSource.key != bundle.meta.key)
        ).all()
    )
    for item in bundle.items:
        if item["code"] in other_sources:
            where = bundle.origin.get(f"item:{item['code']}", item["code"])
            problems.append(f"{where}: code: {item['code']!r} already belongs to catalogue {other_sources[item['code']]!r}")
    if problems:
        raise ValidationFailed(problems)
    stats = ImportStats()
    source = _upsert_source(session, bundle)
    regions = _upsert_regions(session, bundle, stats)
    departments = _upsert_departments(session, bundle, regions, stats)
    _upsert_items(session, bundle, source, regions, departments, stats)
    return stats
