"""Storing 好差评 ratings and 转人工 requests; office hours; contact number checks.

Plain functions over a session; the Rasa actions call them and the portal reads what they store.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from approvals.service import load_calendar
from feedback.models import RATING_LEVELS, HandoffKind, HandoffRequest, Rating
from guidebot.db import unit_of_work
from guidebot.errors import ConfigurationError
from guides.models import ServiceItem

MAX_COMMENT_CHARS = 500
MAX_TRANSCRIPT_TURNS = 60  # the console shows the latest turns; older ones add nothing for a callback
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class OfficeHours:
    """When a person can take over a conversation: time ranges on working days."""

    ranges: tuple[tuple[dt.time, dt.time], ...]
    always: bool = False
    timezone: str = "Asia/Shanghai"

    @classmethod
    def parse(cls, spec: str, timezone: str = "Asia/Shanghai") -> "OfficeHours":
        """``"09:00-12:00,13:30-17:30"``, ``"always"`` or ``"never"``; raises ConfigurationError."""
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigurationError(f"GUIDEBOT_TIMEZONE {timezone!r} is not a known time zone") from None
        spec = spec.strip().lower()
        if spec == "always":
            return cls((), always=True, timezone=timezone)
        if spec == "never":
            return cls((), timezone=timezone)
        ranges = []
        for part in spec.split(","):
            match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", part)
            if not match:
                raise ConfigurationError(f"GUIDEBOT_OFFICE_HOURS: {part!r} is not HH:MM-HH:MM")
            h1, m1, h2, m2 = map(int, match.groups())
            try:
                start, end = dt.time(h1, m1), dt.time(h2, m2)
            except ValueError:
                raise ConfigurationError(f"GUIDEBOT_OFFICE_HOURS: {part!r} is not a valid time range") from None
            if start >= end:
                raise ConfigurationError(f"GUIDEBOT_OFFICE_HOURS: {part!r} ends before it starts")
            ranges.append((start, end))
        return cls(tuple(ranges), timezone=timezone)

    def describe(self) -> str:
        if self.always:
            return "全天"
        if not self.ranges:
            return "暂未开放"
        return "工作日 " + "、".join(f"{a:%H:%M}—{b:%H:%M}" for a, b in self.ranges)

    def is_open(self, engine: Engine, now: dt.datetime | None = None) -> bool:
        """Whether ``now`` (default: the current time) falls in office hours on a working day."""
        if self.always:
            return True
        if not self.ranges:
            return False
        local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(ZoneInfo(self.timezone))
        if not any(a <= local.time() < b for a, b in self.ranges):
            return False
        with unit_of_work(engine) as session:
            return load_calendar(session).is_workday(local.date())


def clean_text(text: str | None, limit: int = MAX_COMMENT_CHARS) -> str:
    """Free text from a citizen, without control characters, trimmed to ``limit``."""
    return _CONTROL.sub("", text or "").strip()[:limit]


def normalise_phone(text: str | None) -> str | None:
    """A mainland mobile or landline number without separators, or None when it is not one."""
    digits = re.sub(r"[\s\-－—()（）]", "", (text or "").strip())
    digits = digits.removeprefix("+86").removeprefix("0086") if len(digits) > 11 else digits
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    return None


def mask_phone(phone: str) -> str:
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) >= 8 else "*" * len(phone)


def transcript_from_events(events: list[dict]) -> list[dict]:
    """The user's and the bot's messages from Rasa tracker events, oldest first."""
    turns = []
    for event in events:
        kind = event.get("event")
        text = event.get("text")
        if kind in ("user", "bot") and text:
            turns.append({"who": kind, "text": str(text)[:2000],
                          **({"at": event["timestamp"]} if event.get("timestamp") else {})})
    return turns[-MAX_TRANSCRIPT_TURNS:]


def items_from_events(events: list[dict]) -> list[str]:
    """The item codes a conversation discussed, in order, from its ``item_code`` slot events."""
    codes: list[str] = []
    for event in events:
        if event.get("event") == "slot" and event.get("name") == "item_code" and event.get("value"):
            if event["value"] not in codes:
                codes.append(str(event["value"]))
    return codes


def _clean_reasons(reasons) -> list[str]:
    return [r for r in (clean_text(r, 50) for r in reasons) if r]


class AlreadyRated(Exception):
    """The conversation has its one rating already."""


def has_rating(engine: Engine, conversation_id: str) -> bool:
    with unit_of_work(engine) as session:
        return session.scalar(select(Rating.id).where(Rating.conversation_id == conversation_id)) is not None


def store_rating(engine: Engine, conversation_id: str, level_name: str, *, reasons: list[str] = (),
                 comment: str | None = None, item_codes: list[str] = (), channel: str | None = None) -> Rating:
    """Store the conversation's one rating; raises AlreadyRated, or ValueError for an unknown level."""
    if level_name not in RATING_LEVELS:
        raise ValueError(f"unknown rating level {level_name!r}; expected one of {', '.join(RATING_LEVELS)}")
    try:
        with unit_of_work(engine) as session:
            items = list(session.scalars(select(ServiceItem).where(ServiceItem.code.in_(list(item_codes))))) if item_codes else []
            rating = Rating(conversation_id=conversation_id[:100], level=RATING_LEVELS[level_name],
                            reasons=_clean_reasons(reasons),
                            comment=clean_text(comment) or None, channel=channel, items=items)
            session.add(rating)
        return rating
    except IntegrityError as exc:
        raise AlreadyRated(conversation_id) from exc


def update_rating(engine: Engine, conversation_id: str, *, reasons: list[str] | None = None,
                  comment: str | None = None, clear_comment: bool = False) -> bool:
    """Add reasons and/or a comment to the conversation's rating; False when it has none."""
    with unit_of_work(engine) as session:
        rating = session.scalar(select(Rating).where(Rating.conversation_id == conversation_id[:100]))
        if rating is None:
            return False
        if reasons is not None:
            rating.reasons = _clean_reasons(reasons)
        if comment is not None or clear_comment:
            rating.comment = clean_text(comment) or None
        return True


def _reference(now: dt.datetime) -> str:
    return f"RG{now:%Y%m%d}{secrets.randbelow(10**6):06d}"


def store_handoff(engine: Engine, conversation_id: str, kind: HandoffKind, transcript: list[dict], *,
                  message: str | None = None, contact_phone: str | None = None,
                  item_code: str | None = None) -> HandoffRequest:
    """Store a hand-off request for the hotline console; returns it with its reference."""
    if kind is HandoffKind.MESSAGE and (not clean_text(message) or normalise_phone(contact_phone) is None):
        raise ValueError("a message needs its text and a valid contact number")
    now = dt.datetime.now(dt.timezone.utc)
    for _ in range(5):  # a reference clash is a one-in-a-million event per day; try again
        try:
            with unit_of_work(engine) as session:
                item_id = session.scalar(select(ServiceItem.id).where(ServiceItem.code == item_code)) if item_code else None
                request = HandoffRequest(
                    reference=_reference(now), conversation_id=conversation_id[:100], kind=kind,
                    transcript=transcript, message=clean_text(message) or None,
                    contact_phone=normalise_phone(contact_phone) if contact_phone else None, item_id=item_id)
                session.add(request)
            return request
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a hand-off reference")
