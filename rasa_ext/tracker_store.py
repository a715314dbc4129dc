"""A tracker store that never keeps identity-check digits or contact numbers in clear.

The last four phone digits reach Rasa as the citizen's own message, as an entity and as a slot
value; so does the contact number left with a message for the hotline (which keeps it in its own
table, where staff need it). Before the conversation is stored — after the turn's actions have used them — every one of
those is replaced by a mask, so the tracker store, the /conversations API and anything reading
trackers later only ever see "****".
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.events import SlotSet, UserUttered

MASK = "****"
SECRET_SLOTS = {"phone_tail", "contact_phone"}  # slots whose values are never stored
SECRET_ENTITIES = {"phone_tail"}


def _mask_entities(entities: list[dict[str, Any]]) -> None:
    for entity in entities or []:
        if entity.get("entity") in SECRET_ENTITIES:
            entity["value"] = MASK


def redact(tracker) -> int:
    """Mask secret slot values, secret entities, and user messages that answered a secret slot."""
    requested = None
    changed = 0
    for event in tracker.events:
        if isinstance(event, SlotSet):
            if event.key == "requested_slot":
                requested = event.value
            elif event.key in SECRET_SLOTS and event.value not in (None, MASK):
                event.value = MASK
                changed += 1
        elif isinstance(event, UserUttered):
            _mask_entities(event.entities)
            _mask_entities((event.parse_data or {}).get("entities"))
            if requested in SECRET_SLOTS and event.text != MASK:
                event.text = MASK
                if event.parse_data:
                    event.parse_data["text"] = MASK
                changed += 1
    for slot in SECRET_SLOTS:
        if slot in tracker.slots and tracker.slots[slot].value not in (None, MASK):
            tracker.slots[slot].value = MASK
    return changed


class RedactingTrackerStore(InMemoryTrackerStore):
    """In-memory tracker store that redacts before every save."""

    async def save(self, tracker) -> None:
        redact(tracker)
        await super().save(tracker)
