"""Answering guide questions: which item is meant, and the asked aspect formatted for reading.

Plain functions over the database and the search index; the Rasa actions are thin wrappers.
The item is always resolved here, from the live catalogue, never by the NLU model.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from guidebot.db import session_factory
from guides.aspects import canonical_aspect
from guides.models import PublicationState, Region, ServiceItem
from guides.search import SearchIndex, SearchResponse
from guides.text import normalise

BUTTON_ASPECTS = ("材料", "流程", "时限", "费用", "地点", "网办")
HOTLINE = "12345"
CLOSE_SCORE = 0.03  # results this close to the best are "equally likely"
MAX_CHOICES = 4
MISSES_BEFORE_HUMAN = 2
NOT_GIVEN = "办事指南未提供该项信息，请以办理地公布为准，或拨打咨询电话。"


@dataclass
class Answer:
    """What the bot says, plus the conversation state to keep."""

    text: str
    buttons: list[dict] = field(default_factory=list)
    item_code: str | None = None  # the item now under discussion (None: keep the previous one)
    region: str | None = None
    aspect: str | None = None
    resolved: bool = False  # an item was answered
    miss: bool = False  # nothing confident was found
    card: dict | None = None  # the same answer as a structured guide card, for rich channels


def button(title: str, intent: str, **entities) -> dict:
    """A quick-reply button whose payload triggers ``intent`` with ``entities``."""
    return {"title": title, "payload": f"/{intent}{json.dumps(entities, ensure_ascii=False)}"}


def limit_text(value: int | None, unit: str | None) -> str:
    """A time limit as citizens read it: 即办, 20个工作日, or 未公布."""
    if unit == "即办":
        return "即办（当场办结）"
    if value is None:
        return "未公布"
    return f"{value}个{unit}" if unit in ("工作日", "自然日") else f"{value}{unit or ''}"


class GuideService:
    """Resolves items and formats answers; keeps the search index in step with the catalogue."""

    def __init__(self, engine: Engine, portal_url: str = "http://localhost:5000"):
        self._sessions = session_factory(engine)
        self._portal_url = portal_url.rstrip("/")
        self._index: SearchIndex | None = None
        self._revision = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ index

    def _catalogue_revision(self, session: Session):
        return session.execute(
            select(func.count(ServiceItem.id), func.max(ServiceItem.updated_at), func.max(ServiceItem.id))
        ).one()

    def index(self) -> SearchIndex:
        """The search index, rebuilt when the catalogue changed (edits go live without retraining)."""
        with self._sessions() as session:
            revision = tuple(self._catalogue_revision(session))
            with self._lock:
                if self._index is None or revision != self._revision:
                    self._index = SearchIndex.from_session(session)
                    self._revision = revision
                return self._index

    # ------------------------------------------------------------------ resolution

    def answer(self, text: str | None, *, aspect: str | None = None, item_mention: str | None = None,
               item_code: str | None = None, current_item: str | None = None, misses: int = 0) -> Answer:
        """Answer one guide question in the context of the conversation so far."""
        text = (text or "").strip()
        aspect = canonical_aspect(normalise(aspect) if aspect else None, None if item_code else normalise(text))
        if item_code:  # chosen from buttons
            return self._answer_item(item_code, aspect)
        index = self.index()
        query = text if not item_mention or item_mention in text else f"{item_mention} {text}"
        response = index.search(query, limit=8)
        if response.confident:
            return self._from_results(response, aspect)
        if current_item and (aspect or response.regions or len(normalise(text)) <= 12):
            return self._follow_up(index, current_item, aspect, response.regions)
        return self._miss(response, misses)

    def answer_if_confident(self, text: str | None, aspect: str | None = None) -> Answer | None:
        """An answer only when the search is confident about the item (or the items to choose from)."""
        response = self.index().search(text, limit=8)
        if not response.confident:
            return None
        return self._from_results(response, canonical_aspect(normalise(aspect) if aspect else None, normalise(text)))

    def _from_results(self, response: SearchResponse, aspect: str | None) -> Answer:
        best = response.results[0].score
        close = [h for h in response.results if h.score >= best - CLOSE_SCORE]
        if response.regions:  # the place was named: its own items, not the levels above, are meant
            close = [h for h in close if h.region_code in response.regions] or close[:1]
        names = {h.name for h in close}
        if len(close) == 1:
            return self._answer_item(close[0].code, aspect)
        if len(names) == 1:
            # The same service in several places: ask where, unless the question said. The search
            # scores only a few of its copies, so the places come from the catalogue, best first.
            with self._sessions() as session:
                copies = session.execute(
                    select(ServiceItem.code, Region.name).join(ServiceItem.region)
                    .where(ServiceItem.name == close[0].name, ServiceItem.status == PublicationState.PUBLISHED)
                    .order_by(Region.level, Region.code)).all()
            ranked = {h.code: i for i, h in enumerate(close)}
            copies.sort(key=lambda row: ranked.get(row.code, len(ranked)))  # stable: catalogue order after
            buttons = [button(name, "choose_item", item_code=code) for code, name in copies[:MAX_CHOICES + 2]]
            return Answer(f"“{close[0].name}”在不同地方分别办理，请问您在哪里办？", buttons,
                          aspect=aspect, region=None)
        with self._sessions() as session:
            regions = {r.code: r for r in session.scalars(select(Region).where(Region.code.in_({h.region_code for h in close})))}
        buttons = [
            button(f"{h.name}（{regions[h.region_code].short_name or regions[h.region_code].name}）", "choose_item",
                    item_code=h.code)
            for h in close[:MAX_CHOICES]
        ]
        return Answer("有几个事项都符合您的描述，请问您要办的是哪一个？", buttons, aspect=aspect)

    def _follow_up(self, index: SearchIndex, current_item: str, aspect: str | None, regions: list[str]) -> Answer:
        with self._sessions() as session:
            item = session.scalar(select(ServiceItem).where(ServiceItem.code == current_item))
            if item is None:
                return Answer(f"抱歉，刚才的事项已经下线。请重新描述您要办理的事项，或拨打{HOTLINE}咨询。", miss=True)
            name, item_region = item.name, item.region.code
        if regions and item_region not in regions:
            # "在柳州呢?": the same service where the citizen now asks about.
            moved = index.search(name, limit=5, region=regions[0])
            same = [h for h in moved.results if h.name == name] or moved.results[:1]
            if not same:
                place = self._region_name(regions[0])
                return Answer(f"目录中没有找到{place}的“{name}”。您可以换个说法，或拨打{HOTLINE}咨询当地办理方式。",
                              miss=True, aspect=aspect)
            return self._answer_item(same[0].code, aspect)
        return self._answer_item(current_item, aspect)

    def _miss(self, response: SearchResponse, misses: int) -> Answer:
        misses += 1
        lines = ["抱歉，我没有找到与您的问题确定对应的事项。"]
        buttons = [button(h.name, "choose_item", item_code=h.code) for h in response.suggestions()]
        if buttons:
            lines.append("您是不是想问以下事项？")
        lines.append(f"也可以换个说法告诉我要办的事，或拨打{HOTLINE}政务服务便民热线咨询。")
        if misses >= MISSES_BEFORE_HUMAN:
            lines.append(f"需要的话，可以点“转人工”请工作人员帮您，或拨打{HOTLINE}政务服务便民热线。")
            buttons.append({"title": "转人工", "payload": "/request_human"})
        return Answer("\n".join(lines), buttons, miss=True)

    def _region_name(self, code: str) -> str:
        with self._sessions() as session:
            region = session.scalar(select(Region).where(Region.code == code))
            return region.name if region else code

    # ------------------------------------------------------------------ formatting

    def _answer_item(self, code: str, aspect: str | None) -> Answer:
        with self._sessions() as session:
            item = session.scalar(
                select(ServiceItem).where(ServiceItem.code == code, ServiceItem.status == PublicationState.PUBLISHED)
                .options(selectinload(ServiceItem.materials), selectinload(ServiceItem.steps),
                         selectinload(ServiceItem.faqs), selectinload(ServiceItem.department),
                         selectinload(ServiceItem.region), selectinload(ServiceItem.source))
            )
            if item is None:
                return Answer(f"抱歉，没有找到这个事项（可能已下线）。请重新描述您要办的事，或拨打{HOTLINE}咨询。", miss=True)
            body = aspect_body(item, aspect)
            text = format_item(item, body, self._portal_url)
            buttons = [button(a, "ask_guide", aspect=a) for a in BUTTON_ASPECTS if a != aspect]
            card = guide_card(item, aspect, body, self._portal_url, buttons)
            return Answer(text, buttons, item_code=item.code, region=item.region.code, aspect=aspect, resolved=True,
                          card=card)


def aspect_body(item: ServiceItem, aspect: str | None) -> str:
    """The asked aspect of ``item`` as lines of text (the overview when no aspect was asked)."""
    return _BODIES.get(aspect, _overview)(item)


def format_item(item: ServiceItem, body: str, portal_url: str) -> str:
    """An aspect ``body`` of ``item`` as reading text: a header, the body, the source line and link."""
    sample = "（示例数据）" if item.source.is_sample else ""
    header = f"【{item.name}】{item.department.name}{sample}"
    updated = item.updated_at.date().isoformat() if item.updated_at else "未知"
    footer = f"更新日期：{updated}。完整办事指南：{portal_url}/guides/{item.code}"
    return f"{header}\n\n{body}\n\n{footer}"


_NUMBERED = re.compile(r"^(\d+)\.\s*")
_LABELLED_LIST = re.compile(r"^([^：]{2,10})：(1\.\s*.*)$")


def guide_card(item: ServiceItem, aspect: str | None, body: str, portal_url: str, buttons: list[dict]) -> dict:
    """The answer (``body``, from :func:`aspect_body`) as a guide card for the chat widget: sections
    of plain strings, never markup."""
    sections: list[dict] = []
    lines = []
    for line in body.split("\n"):
        # "受理条件：1. …" (a numbered text field after its label) is a heading and a list.
        labelled = _LABELLED_LIST.match(line)
        lines += [labelled.group(1) + "：", labelled.group(2)] if labelled else [line]
    for line in lines:
        numbered = _NUMBERED.match(line)
        if line.endswith("：") and not numbered:
            sections.append({"heading": line[:-1], "ordered": False, "items": []})
            continue
        if not sections or (sections[-1]["ordered"] and not numbered):
            sections.append({"heading": None, "ordered": False, "items": []})
        if numbered:
            sections[-1]["ordered"] = True
            line = line[numbered.end():]
        sections[-1]["items"].append(line)
    return {
        "type": "guide_card",
        "title": item.name,
        "code": item.code,
        "department": item.department.name,
        "region": item.region.name,
        "updated": item.updated_at.date().isoformat() if item.updated_at else None,
        "url": f"{portal_url}/guides/{item.code}",
        "sample": bool(item.source.is_sample),
        "aspect": aspect,
        "sections": [s for s in sections if s["items"]],
        "buttons": buttons,
    }


def _materials(item: ServiceItem) -> str:
    if not item.materials:
        return "申请材料：" + NOT_GIVEN
    lines = ["申请材料："]
    for n, m in enumerate(item.materials, start=1):
        details = [d for d in (m.requirement, m.form) if d]
        if m.copies is not None:
            details.append("验原件" if m.copies == 0 else f"{m.copies}份")
        line = f"{n}. {m.name}" + (f"（{'，'.join(details)}）" if details else "")
        if m.notes:
            line += f"——{m.notes}"
        lines.append(line)
    return "\n".join(lines)


def _steps(item: ServiceItem) -> str:
    if not item.steps:
        return "办理流程：" + NOT_GIVEN
    lines = ["办理流程："]
    for n, s in enumerate(item.steps, start=1):
        line = f"{n}. {s.name}"
        if s.description:
            line += f"：{s.description}"
        if s.time_limit:
            line += f"（{s.time_limit}）"
        lines.append(line)
    return "\n".join(lines)


def _limits(item: ServiceItem) -> str:
    return (f"法定办结时限：{limit_text(item.statutory_limit, item.statutory_limit_unit)}\n"
            f"承诺办结时限：{limit_text(item.promised_limit, item.promised_limit_unit)}")


def _fees(item: ServiceItem) -> str:
    if item.fee_charged is None:
        return "收费：" + NOT_GIVEN
    if not item.fee_charged:
        text = "不收费。"
        if item.fee_standard and item.fee_standard not in ("不收费", "免费"):
            text += item.fee_standard
        return text
    lines = [f"收费标准：{item.fee_standard or '收费，标准请以办理地公布为准'}"]
    if item.fee_basis:
        lines.append(f"收费依据：{item.fee_basis}")
    return "\n".join(lines)


def _text_or_missing(label: str, value: str | None) -> str:
    return f"{label}：{value}" if value else f"{label}：{NOT_GIVEN}"


def _phones(item: ServiceItem) -> str:
    return (f"咨询电话：{item.consult_phone or HOTLINE}\n"
            f"监督投诉电话：{item.complaint_phone or HOTLINE}")


def _online(item: ServiceItem) -> str:
    if item.online_available is None:
        return "网上办理：" + NOT_GIVEN
    if not item.online_available:
        return f"该事项暂不支持网上办理，需到现场办理。{_visits(item)}"
    where = "，".join(x for x in (item.online_platform, item.online_url) if x)
    return f"可以网上办理{('：' + where) if where else '。'}\n{_visits(item)}"


def _visits(item: ServiceItem) -> str:
    if item.visits is None:
        return "到现场次数：" + NOT_GIVEN
    return "到现场次数：0次（全程网办，不用跑）" if item.visits == 0 else f"到现场次数：最多跑{item.visits}次"


def _overview(item: ServiceItem) -> str:
    lines = [f"事项类型：{item.item_type}；行使层级：{item.level}；实施主体：{item.department.name}"]
    lines.append(f"办结时限：承诺{limit_text(item.promised_limit, item.promised_limit_unit)}"
                 f"（法定{limit_text(item.statutory_limit, item.statutory_limit_unit)}）")
    lines.append("收费：" + ("收费" if item.fee_charged else "不收费" if item.fee_charged is False else "未公布"))
    lines.append(_visits(item))
    if item.online_available is not None:
        lines.append("网上办理：" + ("支持" if item.online_available else "不支持"))
    lines.append("您可以继续问：要带什么材料、流程、在哪里办、办理时间、电话、办理条件、设定依据。")
    return "\n".join(lines)


_BODIES = {
    "材料": _materials,
    "流程": _steps,
    "时限": _limits,
    "费用": _fees,
    "地点": lambda i: _text_or_missing("办理地点", i.location) + (f"\n办理时间：{i.office_hours}" if i.office_hours else ""),
    "办理时间": lambda i: _text_or_missing("办理时间", i.office_hours),
    "电话": _phones,
    "条件": lambda i: _text_or_missing("受理条件", i.accept_conditions),
    "网办": _online,
    "依据": lambda i: _text_or_missing("设定依据", i.legal_basis),
    "到场次数": _visits,
}
