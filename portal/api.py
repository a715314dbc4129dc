"""JSON API: guide search, name completion, hot questions, one guide."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy import literal, select

from guidebot.db import unit_of_work
from guides.models import Department, ItemAlias, PublicationState, Region, ServiceItem
from guides.text import normalise
from portal import portal
from portal.hot import hot_questions

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_QUERY_CHARS = 200
MAX_COMPLETION_CHARS = 30


def _error(message: str, status: int = 400):
    return jsonify({"error": message}), status


def _limit(default: int, most: int) -> int | None:
    raw = request.args.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if 1 <= value <= most else None


@bp.after_request
def _cors(response):
    # The widget may be embedded on other department sites of the same platform.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/search")
def search():
    """``?q=…&region=<code>&limit=5``: ranked items; ``results`` is empty when nothing is confident."""
    question = normalise(request.args.get("q") or "")
    if not question:
        return _error("请输入要查询的事项，例如“补办身份证”。")
    if len(question) > MAX_QUERY_CHARS:
        return _error(f"查询内容太长，请控制在{MAX_QUERY_CHARS}字以内。")
    limit = _limit(5, 50)
    if limit is None:
        return _error("limit 须为 1 到 50 之间的整数。")
    response = portal().guides.index().search(question, limit=limit, region=request.args.get("region") or None)
    return jsonify({"query": question, "confident": response.confident,
                    "results": [h.as_dict() for h in response.results],
                    "closest": [h.as_dict() for h in response.closest[:3]]})


@bp.get("/complete")
def complete():
    """``?q=教师&limit=6``: item names (and the alias that matched) starting with or containing ``q``."""
    prefix = normalise(request.args.get("q") or "")[:MAX_COMPLETION_CHARS]
    limit = _limit(6, 20)
    if limit is None:
        return _error("limit 须为 1 到 20 之间的整数。")
    if len(prefix) < 1:
        return jsonify({"query": prefix, "suggestions": []})
    published = ServiceItem.status == PublicationState.PUBLISHED
    with unit_of_work(portal().engine) as session:
        columns = (ServiceItem.code, ServiceItem.name, Department.name, Region.name)
        joined = lambda q: q.join(Region, ServiceItem.region_id == Region.id).join(  # noqa: E731
            Department, ServiceItem.department_id == Department.id)
        by_name = session.execute(joined(select(*columns, literal(None)))
                                  .where(published, ServiceItem.name.contains(prefix, autoescape=True)).limit(200)).all()
        by_alias = session.execute(joined(select(*columns, ItemAlias.alias).join(ItemAlias, ItemAlias.item_id == ServiceItem.id))
                                   .where(published, ItemAlias.alias.contains(prefix, autoescape=True)).limit(200)).all()
    seen: dict[str, dict] = {}
    ranked = []
    for code, name, department, region, alias in [*by_name, *by_alias]:
        text = alias or name
        rank = (0 if alias is None else 2) + (0 if text.startswith(prefix) else 1)
        ranked.append(((rank, len(text), name), code, name, department, region, alias))
    for _, code, name, department, region, alias in sorted(ranked, key=lambda r: r[0]):
        if code not in seen and name not in {s["name"] for s in seen.values() if s["region"] == region}:
            seen[code] = {"code": code, "name": name, "department": department, "region": region,
                          **({"matched": alias} if alias else {})}
        if len(seen) >= limit:
            break
    return jsonify({"query": prefix, "suggestions": list(seen.values())})


@bp.get("/hot-questions")
def hot():
    return jsonify({"questions": hot_questions()})


@bp.get("/guides/<code>")
def guide(code: str):
    with unit_of_work(portal().engine) as session:
        item = session.scalar(select(ServiceItem).where(ServiceItem.code == code[:64], ServiceItem.status == PublicationState.PUBLISHED))
        if item is None:
            return _error("没有找到该事项，可能已下线。", 404)
        return jsonify({"code": item.code, "name": item.name, "department": item.department.name,
                        "region": item.region.name, "level": item.level, "sample": item.is_sample,
                        "url": f"{portal().settings.portal_url}/guides/{item.code}",
                        "updated": item.updated_at.date().isoformat() if item.updated_at else None})
