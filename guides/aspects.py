"""The aspects of a guide a question can ask about, and how to recognise them.

Standard library, PyYAML and zhconv only: the Rasa server imports this too (rasa_ext's
AspectCanonicaliser), so the model's aspect values are the ones the actions read.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

import yaml
import zhconv

ASPECTS = ("材料", "流程", "时限", "费用", "地点", "办理时间", "电话", "条件", "网办", "依据", "到场次数")


@lru_cache(maxsize=1)
def aspect_keywords() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(aspect, phrases) from guides/data/aspects.yaml, in priority order."""
    data = yaml.safe_load(resources.files("guides").joinpath("data", "aspects.yaml").read_text("utf-8"))
    return tuple((aspect, tuple(phrases)) for aspect, phrases in data.items())


def _fold(text: str) -> str:
    # Traditional is read as Simplified (幾點 is 几点), as the search reads it.
    return zhconv.convert(unicodedata.normalize("NFKC", text or "").lower(), "zh-cn")


def detect_aspect(text: str | None) -> str | None:
    """The aspect named by keywords in ``text`` (first listed wins), or None."""
    folded = _fold(text)
    for aspect, phrases in aspect_keywords():
        if any(p in folded for p in phrases):
            return aspect
    return None


def canonical_aspect(value: str | None, text: str | None = None) -> str | None:
    """A model's aspect value as one of :data:`ASPECTS`: the value itself when canonical, else the
    aspect its words name, else the aspect the whole message names."""
    if value in ASPECTS:
        return value
    return detect_aspect(value) or detect_aspect(text)


def canonical_aspect_entities(entities: list[dict]) -> list[dict]:
    """NLU entities with each ``aspect`` value made canonical; a span with no aspect reading of
    its own ("…的事", "是什么", "申请") is dropped, as the actions ignore it too.

    The message's words are deliberately not a fallback here: a span that names no aspect is a
    tagging error, whatever the rest of the message asks (chosen by cross-validation on the
    training data; the actions still read the message when no aspect entity is left)."""
    kept = []
    for entity in entities:
        if entity.get("entity") == "aspect":
            value = canonical_aspect(str(entity.get("value") or ""))
            if value is None:
                continue
            if value != entity.get("value"):
                entity = {**entity, "value": value,
                          "processors": [*(entity.get("processors") or []), "AspectCanonicaliser"]}
        kept.append(entity)
    return kept


WEAK_ASPECT = "流程"  # "手续/怎么弄" often just means "how do I get this done"


def pick_aspect(values: list[str | None], text: str | None = None) -> str | None:
    """The aspect a message asks, from the model's aspect values (any spans) and its words.

    Several aspects ("离婚手续在哪里办"): the weak 流程 yields to a specific one, and the last
    mentioned wins — Chinese questions end with what they ask.
    """
    found = [a for a in (canonical_aspect(v) for v in values if v) if a]
    if not found:
        return detect_aspect(text)
    specific = [a for a in found if a != WEAK_ASPECT]
    return (specific or found)[-1]
