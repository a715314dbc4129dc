"""好差评 and 转人工 actions: thin wrappers over ``feedback.service``."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import engine as _engine  # one engine per action-server process
from feedback.models import LOW_RATINGS, RATING_LEVELS, HandoffKind
from feedback.service import (
    MAX_COMMENT_CHARS,
    AlreadyRated,
    OfficeHours,
    clean_text,
    has_rating,
    items_from_events,
    mask_phone,
    normalise_phone,
    store_handoff,
    store_rating,
    transcript_from_events,
    update_rating,
)
from guidebot.config import load_settings

HOTLINE_HOURS = "12345政务服务便民热线"
SKIP = ("跳过", "不用了", "没有", "无", "略")
# Longest first, so 非常不满意 is not read as 不满意 and 不满意 not as 满意.
_LEVELS_BY_LENGTH = sorted(RATING_LEVELS, key=len, reverse=True)
LOW_NAMES = tuple(name for name, value in RATING_LEVELS.items() if value in LOW_RATINGS)


@lru_cache(maxsize=1)
def _office_hours() -> OfficeHours:
    settings = load_settings()
    return OfficeHours.parse(settings.office_hours, settings.timezone)


def rating_level(text: str | None) -> str | None:
    """The 好差评 level a message names (五级: 非常满意 … 非常不满意), or None."""
    text = text or ""
    return next((name for name in _LEVELS_BY_LENGTH if name in text), None)


def _channel(tracker: Tracker) -> str | None:
    return tracker.get_latest_input_channel()


class ValidateRatingForm(FormValidationAction):
    """Asks for the level, and for the two lowest also reasons and a comment. The rating is stored
    as soon as its level is known and updated as reasons and comment arrive, so a citizen who stops
    half-way still leaves the rating."""

    def name(self) -> str:
        return "validate_rating_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("rating") in LOW_NAMES and tracker.get_slot("rating_saved") != "duplicate":
            return domain_slots
        return ["rating"]

    def validate_rating(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> dict[str, Any]:
        level = rating_level(str(value or "")) or rating_level(tracker.latest_message.get("text"))
        if level is None:
            dispatcher.utter_message(text="请从“非常满意、满意、基本满意、不满意、非常不满意”中选择一项。")
            return {"rating": None}
        try:
            store_rating(_engine(), tracker.sender_id, level, item_codes=items_from_events(tracker.events),
                         channel=_channel(tracker))
        except AlreadyRated:
            return {"rating": level, "rating_saved": "duplicate"}
        return {"rating": level, "rating_saved": "new"}

    def validate_rating_reason(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        text = clean_text(str(value or ""), 200)
        if not text:
            dispatcher.utter_message(text="请选择或写下不满意的原因。")
            return {"rating_reason": None}
        reasons = [r for r in re.split(r"[，,、；;\s]+", text) if r][:5]
        update_rating(_engine(), tracker.sender_id, reasons=reasons)
        return {"rating_reason": "、".join(reasons)}

    def validate_rating_comment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        text = clean_text(str(value or ""), MAX_COMMENT_CHARS)
        comment = None if not text or text in SKIP else text
        update_rating(_engine(), tracker.sender_id, comment=comment, clear_comment=True)
        return {"rating_comment": comment or "（无）"}


class ActionRatingDone(Action):
    """The thank-you; for 差评 it says how they are followed up."""

    def name(self) -> str:
        return "action_rating_done"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        level = tracker.get_slot("rating")
        if tracker.get_slot("rating_saved") == "duplicate" or level is None:  # rated earlier
            dispatcher.utter_message(text="您已经评价过本次咨询，每次咨询只能评价一次。感谢您的支持！")
        elif level in LOW_NAMES:
            dispatcher.utter_message(text=(
                "感谢您的反馈，非常抱歉没能让您满意。您的差评已记录，连同本次咨询涉及的事项转交相关部门核实整改，"
                "并按政务服务“好差评”制度回访。如需尽快解决，请拨打12345政务服务便民热线。"))
        else:
            dispatcher.utter_message(text=f"感谢您的评价（{level}）！我们会继续改进服务。还有其他问题可以随时问我。")
        return [SlotSet("rated", True), SlotSet("rating", None), SlotSet("rating_reason", None),
                SlotSet("rating_comment", None), SlotSet("rating_saved", None)]


class ActionCheckRated(Action):
    """Before asking for a rating: one rating per conversation, also across Rasa sessions."""

    def name(self) -> str:
        return "action_check_rated"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return [SlotSet("rated", has_rating(_engine(), tracker.sender_id))]


class ActionHandoff(Action):
    """转人工: within office hours store the request with the transcript for the hotline console;
    outside them give the hotline and offer to leave a message."""

    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        hours = _office_hours()
        if hours.is_open(_engine()):
            request = store_handoff(_engine(), tracker.sender_id, HandoffKind.LIVE,
                                    transcript_from_events(tracker.events), item_code=tracker.get_slot("item_code"))
            dispatcher.utter_message(text=(
                f"已为您申请转人工服务（请求编号 {request.reference}）。工作人员会先查看本次对话记录，"
                f"再在这里回复您，请不要关闭页面。如等待较久，也可以拨打{HOTLINE_HOURS}。"))
            return []
        dispatcher.utter_message(
            text=(f"现在不在人工客服服务时间（{hours.describe()}）。您可以拨打{HOTLINE_HOURS}，"
                  "也可以给我们留言，工作人员上班后会按您留下的电话联系您。"),
            buttons=[{"title": "我要留言", "payload": "/leave_message"}, {"title": "不用了", "payload": "/deny"}])
        return []


class ValidateHandoffMessageForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_message_form"

    def validate_handoff_message(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        text = clean_text(str(value or ""), MAX_COMMENT_CHARS)
        if len(text) < 2:
            dispatcher.utter_message(text="请写下您要咨询或反映的事情（不超过500字）。")
            return {"handoff_message": None}
        return {"handoff_message": text}

    def validate_contact_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        phone = normalise_phone(str(value or ""))
        if phone is None:
            dispatcher.utter_message(text="电话号码格式不对。请输入11位手机号码，或带区号的固定电话（如0771-1234567）。")
            return {"contact_phone": None}
        return {"contact_phone": phone}


class ActionSubmitHandoffMessage(Action):
    def name(self) -> str:
        return "action_submit_handoff_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        phone = tracker.get_slot("contact_phone")
        request = store_handoff(_engine(), tracker.sender_id, HandoffKind.MESSAGE,
                                transcript_from_events(tracker.events), message=tracker.get_slot("handoff_message"),
                                contact_phone=phone, item_code=tracker.get_slot("item_code"))
        dispatcher.utter_message(text=(
            f"留言已收到（编号 {request.reference}）。工作人员会在下一个工作日内拨打 {mask_phone(phone)} 与您联系。"
            f"如有急事，请拨打{HOTLINE_HOURS}。"))
        return [SlotSet("handoff_message", None), SlotSet("contact_phone", None)]
