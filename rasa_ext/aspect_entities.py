"""An NLU component that gives every ``aspect`` entity the canonical value the actions read.

DIET marks a span and the EntitySynonymMapper maps the spans seen in training to their aspect;
a span it never saw keeps its own text as the value ("幾點", "哪个税务局"). This component, placed
after the mapper, applies :func:`guides.aspects.canonical_aspect_entities` — the one reading the
actions apply — so the tracker, the slots and /model/parse only ever carry the canonical aspects,
and a span with no aspect reading of its own is dropped.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from guides.aspects import canonical_aspect_entities


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class AspectCanonicaliser(GraphComponent):
    """No training and no state: a pure rewrite of each message's entities."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "AspectCanonicaliser":
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if any(e.get("entity") == "aspect" for e in entities):
                message.set(ENTITIES, canonical_aspect_entities(entities), add_to_output=True)
        return messages
