"""The portal home and the 政务公开 / 政府信息公开 pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from guidebot.db import unit_of_work
from guides.models import Department, PublicationState, ServiceItem
from portal import portal
from portal.directory import topic_counts
from portal.hot import hot_questions

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    with unit_of_work(portal().engine) as session:
        published = ServiceItem.status == PublicationState.PUBLISHED
        item_count = session.scalar(select(func.count(ServiceItem.id)).where(published))
        rows = session.execute(
            select(Department.code, Department.name, func.count(ServiceItem.id))
            .join(ServiceItem, ServiceItem.department_id == Department.id).where(published)
            .group_by(Department.code, Department.name).order_by(func.count(ServiceItem.id).desc()).limit(12)
        ).all()
        topics = topic_counts(session)[:12]
    return render_template("home.html", item_count=item_count, departments=rows, topics=topics,
                           hot=hot_questions()[:6])


@bp.get("/zwgk")
def open_government():
    return render_template("zwgk.html")


@bp.get("/xxgk")
def information_disclosure():
    with unit_of_work(portal().engine) as session:
        items = session.scalars(
            select(ServiceItem).where(ServiceItem.status == PublicationState.PUBLISHED,
                                      ServiceItem.name.contains("政府信息公开")).order_by(ServiceItem.name).limit(10)
        ).all()
        entries = [(i.code, i.name) for i in items]
    return render_template("xxgk.html", items=entries)
