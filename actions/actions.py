"""Custom actions. Each reads the tracker, calls a service function, and turns the result into
messages and slot events; the logic lives in ``guides.answers``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from approvals.numbers import find_number
from approvals.service import StatusService

from guidebot.config import load_settings
from guidebot.db import engine_from_settings
from guides.answers import HOTLINE, Answer, GuideService
from guides.aspects import pick_aspect
from guides.lists import disclosure_answer, list_items


# Turns that only choose or place something keep the aspect asked before.
CARRY_ASPECT_INTENTS = ("choose_item", "inform", "affirm")


@lru_cache(maxsize=1)
def engine():
    """One database engine (and connection pool) per action-server process, made on first use."""
    return engine_from_settings(load_settings())


@lru_cache(maxsize=1)
def service() -> GuideService:
    """One service per action-server process, created on first use (no work at import)."""
    return GuideService(engine(), load_settings().portal_url)


@lru_cache(maxsize=1)
def status_service() -> StatusService:
    settings = load_settings()
    return StatusService(engine(), settings.secret_key, warning_days=settings.warning_days)


def _entity(tracker: Tracker, name: str) -> str | None:
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == name]
    return str(values[0]) if values and values[0] is not None else None


def _aspect(tracker: Tracker) -> str | None:
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "aspect"]
    return pick_aspect([str(v) for v in values if v is not None]) if values else None


def _item_slots(answer: Answer) -> list[EventType]:
    """The item an answer is about, and where: what follow-ups ("那要多久?", "在柳州呢?") refer to."""
    return [SlotSet("item_code", answer.item_code), SlotSet("region", answer.region)]


RICH_CHANNELS = ("socketio",)  # the portal widget renders guide cards


def _say(dispatcher: CollectingDispatcher, answer: Answer, tracker: Tracker | None = None) -> None:
    if answer.card and tracker is not None and tracker.get_latest_input_channel() in RICH_CHANNELS:
        # Rasa's socket.io channel emits a custom message's keys as emit() arguments: the card
        # goes under "data". The text stays in the card for screen readers and history.
        dispatcher.utter_message(json_message={"data": {**answer.card, "text": answer.text}})
        return
    dispatcher.utter_message(text=answer.text, buttons=answer.buttons or None)


class ActionAnswerGuide(Action):
    def name(self) -> str:
        return "action_answer_guide"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        current = tracker.get_slot("item_code")
        misses = int(tracker.get_slot("misses") or 0)
        if intent == "affirm" and not current:
            dispatcher.utter_message(text="好的。请告诉我您想办理的事项，比如“补办身份证”“营业执照怎么办”。")
            return []
        aspect = _aspect(tracker)
        if aspect is None and intent in CARRY_ASPECT_INTENTS:
            aspect = tracker.get_slot("aspect")  # "在柳州呢?" after "办护照多少钱": still the fee
        answer = service().answer(
            tracker.latest_message.get("text"),
            aspect=aspect,
            item_mention=_entity(tracker, "item"),
            item_code=_entity(tracker, "item_code"),
            current_item=current,
            misses=misses,
        )
        _say(dispatcher, answer, tracker)
        events: list[EventType] = [SlotSet("misses", 0.0 if answer.resolved else float(misses + 1) if answer.miss else float(misses))]
        if answer.item_code:
            events += _item_slots(answer)
        events.append(SlotSet("aspect", answer.aspect))
        return events


class ActionDefaultFallback(Action):
    """Low confidence: try the search honestly; never answer a guess as if it were certain."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        misses = int(tracker.get_slot("misses") or 0)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "deny":
            dispatcher.utter_message(text=f"好的。请换个说法描述您要办理的事项，或拨打{HOTLINE}政务服务便民热线咨询。")
            return []
        answer = service().answer(tracker.latest_message.get("text"), misses=misses)
        if answer.resolved:
            # The model was unsure what was asked; the search was sure which item. Say which.
            answer.text = "我理解您问的是这个事项，如果不对请换个说法：\n\n" + answer.text
        _say(dispatcher, answer, tracker)
        if answer.resolved:
            return [SlotSet("misses", 0.0), *_item_slots(answer)]
        return [SlotSet("misses", float(misses + 1))]


class ActionOutOfScope(Action):
    """The model says "not a guide question"; the catalogue gets a say before the polite refusal."""

    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        answer = service().answer_if_confident(tracker.latest_message.get("text"), aspect=_aspect(tracker))
        if answer is None:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        _say(dispatcher, answer, tracker)
        return [SlotSet("misses", 0.0), *_item_slots(answer), SlotSet("aspect", answer.aspect)]


class ActionListItems(Action):
    def name(self) -> str:
        return "action_list_items"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text, buttons = list_items(service(), tracker.latest_message.get("text"))
        dispatcher.utter_message(text=text, buttons=buttons or None)
        return []


class ActionInfoDisclosure(Action):
    def name(self) -> str:
        return "action_info_disclosure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        answer = disclosure_answer(service(), tracker.latest_message.get("text"), _aspect(tracker))
        _say(dispatcher, answer, tracker)
        # The aspect is kept even when the answer first asks which government: the click on a
        # place then answers what was asked ("要多久答复"), not the overview.
        events: list[EventType] = [SlotSet("aspect", answer.aspect)]
        if answer.item_code:
            events += _item_slots(answer)
        return events


MASK = "****"


class ValidateStatusForm(FormValidationAction):
    """Reads the 受理编号 anywhere in a sentence, then four phone digits, and does the lookup as soon
    as both are valid: the final turn makes one action call, so a status reply is as quick as a
    guide reply. The digits never go back to Rasa: the slot is filled with a mask."""

    def name(self) -> str:
        return "validate_status_form"

    @staticmethod
    def _new_query(tracker: Tracker) -> bool:
        return (tracker.latest_message.get("intent") or {}).get("name") == "query_application_status"

    async def extract_application_number(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> dict[str, Any]:
        text = tracker.latest_message.get("text") or ""
        if "GX" in text.upper():
            return {"application_number": text}
        # A new question about progress starts from scratch: the last number is not assumed.
        return {"application_number": None} if self._new_query(tracker) else {}

    async def extract_phone_tail(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        if self._new_query(tracker):
            return {"phone_tail": None}
        # Only when asked for: a year or a date in another message is not a phone tail.
        if tracker.get_slot("requested_slot") != "phone_tail":
            return {}
        return {"phone_tail": tracker.latest_message.get("text") or ""}

    def validate_application_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        number, problem = find_number(str(value or ""))
        if number is None:
            dispatcher.utter_message(text=problem)
        return {"application_number": number}

    def validate_phone_tail(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        if value == MASK:
            return {"phone_tail": MASK}
        digits = "".join(c for c in str(value or "") if c.isdigit())
        if len(digits) != 4:
            dispatcher.utter_message(text="请只输入4位数字，即申请时预留手机号码的后四位。")
            return {"phone_tail": None}
        number = tracker.get_slot("application_number")
        result = status_service().lookup(tracker.sender_id, number, digits)
        dispatcher.utter_message(text=result.text)
        if result.ok:
            dispatcher.utter_message(text="如需查询其他办件，请再说“查询办件进度”。")
        return {"phone_tail": MASK}
