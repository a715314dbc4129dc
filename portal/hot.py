"""Hot questions shown when the chat opens (editable data, not code)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

HOT_QUESTIONS = Path(__file__).with_name("data") / "hot_questions.yaml"


@lru_cache(maxsize=1)
def hot_questions() -> list[str]:
    data = yaml.safe_load(HOT_QUESTIONS.read_text("utf-8")) or {}
    return [str(q) for q in data.get("questions", []) if str(q).strip()]
