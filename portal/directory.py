"""The guide directory (by department, level, topic) and one full, printable page per item."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from guidebot.db import unit_of_work
from guides.answers import limit_text
from guides.models import Department, ItemAlias, PublicationState, Region, ServiceItem
from portal import portal

bp = Blueprint("directory", __name__)

LEVELS = ("自治区级", "市级", "县级", "乡镇级", "村级")
PAGE_SIZE = 20
MAX_QUERY_CHARS = 50


def _arg(name: str, limit: int = 64) -> str | None:
    value = (request.args.get(name) or "").strip()[:limit]
    return value or None


@bp.get("/guides")
def directory():
    """Published items filtered by department, level, topic, region and a name filter, paged."""
    department, level, topic, region = _arg("department"), _arg("level"), _arg("topic"), _arg("region")
    text = _arg("q", MAX_QUERY_CHARS)
    try:
        page = max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    with unit_of_work(portal().engine) as session:
        # Ids (and topics) of every match first; only the page's items are loaded in full.
        query = (select(ServiceItem.id, ServiceItem.topics).join(Department, ServiceItem.department_id == Department.id)
                 .join(Region, ServiceItem.region_id == Region.id)
                 .where(ServiceItem.status == PublicationState.PUBLISHED))
        if department:
            query = query.where(Department.code == department)
        if level in LEVELS:
            query = query.where(ServiceItem.level == level)
        if region:
            query = query.where(Region.code == region)
        if text:
            alias_match = select(ItemAlias.item_id).where(ItemAlias.alias.contains(text, autoescape=True))
            query = query.where(or_(ServiceItem.name.contains(text, autoescape=True), ServiceItem.id.in_(alias_match)))
        matches = session.execute(query.order_by(Region.level, Region.code, Department.name, ServiceItem.name)).all()
        # Topics are a JSON list: filtered here, the same way on SQLite and PostgreSQL.
        ids = [item_id for item_id, topics in matches if not topic or topic in (topics or [])]
        total = len(ids)
        page_ids = ids[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        loaded = {i.id: i for i in session.scalars(
            select(ServiceItem).where(ServiceItem.id.in_(page_ids))
            .options(selectinload(ServiceItem.department), selectinload(ServiceItem.region),
                     selectinload(ServiceItem.source)))} if page_ids else {}
        rows = [{"code": i.code, "name": i.name, "department": i.department.name, "region": i.region.name,
                 "level": i.level, "online": i.online_available, "visits": i.visits, "sample": i.is_sample}
                for i in (loaded[item_id] for item_id in page_ids)]
        departments = session.execute(
            select(Department.code, Department.name, Region.name).join(Region, Department.region_id == Region.id)
            .where(Department.id.in_(select(ServiceItem.department_id).where(ServiceItem.status == PublicationState.PUBLISHED)))
            .order_by(Region.level, Region.code, Department.name)).all()
        regions = session.execute(
            select(Region.code, Region.name, Region.level)
            .where(Region.id.in_(select(ServiceItem.region_id).where(ServiceItem.status == PublicationState.PUBLISHED)))
            .order_by(Region.level, Region.code)).all()
        topics = sorted(name for name, _ in topic_counts(session))
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    filters = {"department": department, "level": level, "topic": topic, "region": region, "q": text}
    page_url = lambda n: url_for("directory.directory", page=n, **{k: v for k, v in filters.items() if v})  # noqa: E731
    return render_template("directory.html", rows=rows, total=total, page=page, pages=pages, page_url=page_url,
                           filters=filters, departments=departments, regions=regions, topics=topics, levels=LEVELS)


@bp.get("/guides/<code>")
def guide(code: str):
    """Every element of one item's 办事指南."""
    if len(code) > 64:
        abort(404)
    with unit_of_work(portal().engine) as session:
        item = session.scalar(
            select(ServiceItem).where(ServiceItem.code == code, ServiceItem.status == PublicationState.PUBLISHED)
            .options(selectinload(ServiceItem.materials), selectinload(ServiceItem.steps),
                     selectinload(ServiceItem.faqs), selectinload(ServiceItem.department),
                     selectinload(ServiceItem.region), selectinload(ServiceItem.source),
                     selectinload(ServiceItem.aliases)))
        if item is None:
            abort(404)
        limits = {"statutory": limit_text(item.statutory_limit, item.statutory_limit_unit),
                  "promised": limit_text(item.promised_limit, item.promised_limit_unit)}
        return render_template("guide.html", item=item, limits=limits)


@bp.app_template_filter("yesno")
def yesno(value, yes="是", no="否", unknown="未公布"):
    return unknown if value is None else yes if value else no


def topic_counts(session) -> list[tuple[str, int]]:
    """Topics of the published items with how many items each has, most items first."""
    counts: dict[str, int] = {}
    for topics in session.scalars(select(ServiceItem.topics).where(ServiceItem.status == PublicationState.PUBLISHED)):
        for topic in topics or []:
            counts[topic] = counts.get(topic, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
