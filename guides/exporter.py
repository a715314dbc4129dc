"""Export catalogues from the database as YAML catalogue directories (re-importable as they are)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from guidebot.errors import GuidebotError
from guides.catalogue import dump_yaml, item_to_document
from guides.models import CatalogueSource, Region, ServiceItem


def item_record(row: ServiceItem) -> dict:
    """The normalised record of a stored item, in the shape importers produce."""

    def limit(value, unit):
        return None if value is None and unit is None else {"value": value, "unit": unit}

    fees = {
        "charged": row.fee_charged, "standard": row.fee_standard, "basis": row.fee_basis,
        "amount": None if row.fee_amount is None else f"{row.fee_amount:.2f}",
    }
    online = {"available": row.online_available, "url": row.online_url, "platform": row.online_platform}
    return {
        "code": row.code, "catalog_code": row.catalog_code, "name": row.name, "parent_name": row.parent_name,
        "type": row.item_type, "level": row.level, "department": row.department.code, "region": row.region.code,
        "joint_departments": row.joint_departments, "aliases": row.alias_names,
        "examples": list(row.examples or []),
        "topics": list(row.topics or []), "service_objects": list(row.service_objects or []),
        "legal_basis": row.legal_basis, "accept_conditions": row.accept_conditions,
        "materials": [
            {"name": m.name, "required": m.requirement, "form": m.form, "copies": m.copies,
             "source": m.source_channel, "notes": m.notes}
            for m in row.materials
        ],
        "process": [{"name": s.name, "description": s.description, "time_limit": s.time_limit} for s in row.steps],
        "time_limits": {"statutory": limit(row.statutory_limit, row.statutory_limit_unit),
                        "promised": limit(row.promised_limit, row.promised_limit_unit)},
        "fees": None if all(v is None for v in fees.values()) else fees,
        "location": row.location, "office_hours": row.office_hours,
        "consult_phone": row.consult_phone, "complaint_phone": row.complaint_phone,
        "online": None if all(v is None for v in online.values()) else online,
        "visits": row.visits, "express_delivery": row.express_delivery,
        "faq": [{"question": f.question, "answer": f.answer} for f in row.faqs],
        "guide_url": row.guide_url, "status": row.status.value, "version": row.version,
        "updated_at": row.updated_at.date().isoformat() if row.updated_at else None,
        "effective_date": row.effective_date.isoformat() if row.effective_date else None,
    }


def _slug(code: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "_", code)


def _region_chain(regions: set[Region]) -> list[Region]:
    """The regions plus all their ancestors, parents first."""
    closed: dict[str, Region] = {}
    for region in regions:
        while region is not None and region.code not in closed:
            closed[region.code] = region
            region = region.parent
    return sorted(closed.values(), key=lambda r: (r.level, r.code))


def export_catalogues(session: Session, directory: Path, source_key: str | None = None) -> list[tuple[str, Path, int]]:
    """Write each catalogue (or only ``source_key``) to ``directory``; return (key, path, item count)."""
    sources = list(session.scalars(select(CatalogueSource).order_by(CatalogueSource.key)))
    if source_key:
        sources = [s for s in sources if s.key == source_key]
        if not sources:
            raise GuidebotError(f"no catalogue with key {source_key!r} in the database")
    if not sources:
        raise GuidebotError("the database holds no catalogue to export")
    directory = Path(directory)
    written = []
    for source in sources:
        target = directory if len(sources) == 1 else directory / source.key
        items = list(session.scalars(
            select(ServiceItem).where(ServiceItem.source_id == source.id).order_by(ServiceItem.code).options(
                selectinload(ServiceItem.materials), selectinload(ServiceItem.steps), selectinload(ServiceItem.faqs),
                selectinload(ServiceItem.aliases), selectinload(ServiceItem.department),
                selectinload(ServiceItem.region),
            )
        ))
        departments = {i.department.code: i.department for i in items}
        regions = _region_chain({i.region for i in items} | {d.region for d in departments.values()})
        (target / "items").mkdir(parents=True, exist_ok=True)
        (target / "departments").mkdir(exist_ok=True)
        meta = {"key": source.key, "title": source.title, "sample": source.is_sample}
        meta.update({k: v for k, v in (("notice", source.notice), ("licence", source.licence)) if v})
        (target / "catalogue.yaml").write_text(dump_yaml(meta, "Exported by guidebot export"), encoding="utf-8")
        region_docs = []
        for r in regions:
            doc = {"code": r.code, "name": r.name, "short_name": r.short_name, "level": r.level,
                   "parent": r.parent.code if r.parent else None, "aliases": list(r.aliases or [])}
            region_docs.append({k: v for k, v in doc.items() if v not in ([], None) or k == "parent"})
        (target / "regions.yaml").write_text(dump_yaml(region_docs), encoding="utf-8")
        dept_docs = []
        for d in sorted(departments.values(), key=lambda d: d.code):
            doc = {"code": d.code, "name": d.name, "short_name": d.short_name, "aliases": list(d.aliases or []),
                   "region": d.region.code, "phone": d.phone, "address": d.address, "website": d.website}
            dept_docs.append({k: v for k, v in doc.items() if v not in ([], None)})
        (target / "departments" / "departments.yaml").write_text(dump_yaml(dept_docs), encoding="utf-8")
        for item in items:
            path = target / "items" / _slug(item.department.code) / f"{_slug(item.code)}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_yaml(item_to_document(item_record(item))), encoding="utf-8")
        written.append((source.key, target, len(items)))
    return written
