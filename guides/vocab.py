"""The catalogue vocabulary: item names, aliases, departments and regions.

Search and the Rasa tokenizer load the same words, generated from the database, so the bot and
search segment text the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from guides.models import Department, ItemAlias, Region, ServiceItem

# High enough that jieba keeps catalogue words whole ("社保卡", "港澳通行证").
WORD_FREQ = 200000
MAX_WORD_CHARS = 20  # whole long official names would never occur verbatim in a question


@dataclass(frozen=True)
class Word:
    text: str
    tag: str  # item / alias / dept / region


def _keep(text: str | None) -> bool:
    return bool(text) and 2 <= len(text) <= MAX_WORD_CHARS and " " not in text


def catalogue_words(session: Session) -> list[Word]:
    """Every catalogue word, deduplicated, in a stable order."""
    words: dict[str, Word] = {}

    def add(text: str | None, tag: str) -> None:
        if _keep(text) and text not in words:
            words[text] = Word(text, tag)

    for name, parent in session.execute(select(ServiceItem.name, ServiceItem.parent_name)):
        add(name, "item")
        add(parent, "item")
    for (alias,) in session.execute(select(ItemAlias.alias)):
        add(alias, "alias")
    for dept in session.scalars(select(Department)):
        for text in (dept.name, dept.short_name, *dept.aliases):
            add(text, "dept")
    for region in session.scalars(select(Region)):
        for text in (region.name, region.short_name, *region.aliases):
            add(text, "region")
    return sorted(words.values(), key=lambda w: (w.tag, w.text))


def write_jieba_dictionary(words: list[Word], path: Path) -> int:
    """Write a jieba user dictionary (``word freq tag`` per line); returns the word count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{w.text} {WORD_FREQ} {w.tag}" for w in words]
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)  # never leave a half-written dictionary for Rasa to load
    return len(lines)
