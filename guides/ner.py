"""Region and department mentions ("在青秀区", "柳州市", "人社局") with spaCy.

A blank ``zh`` pipeline segmenting with jieba, plus an EntityRuler whose phrase patterns come from
the region and department tables (full, short and colloquial names). No model download: the
patterns are the knowledge.
"""

from __future__ import annotations

from dataclasses import dataclass

from guides.text import new_tokenizer


@dataclass(frozen=True)
class Mention:
    text: str
    label: str  # REGION or DEPT
    code: str  # region code or department code
    start: int  # character offsets in the analysed text
    end: int


class MentionRecognizer:
    """Finds region and department mentions in normalised text."""

    def __init__(self, regions: list[tuple[str, list[str]]], departments: list[tuple[str, list[str]]]):
        """``regions`` / ``departments``: (code, names) pairs; names are full, short and colloquial."""
        import spacy  # heavy: imported only when a recogniser is built

        names = {n for _, ns in regions + departments for n in ns if n and len(n) >= 2}
        self._nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        # Patterns must be single jieba tokens or token sequences, so every name is made a word
        # before the patterns are tokenised. spaCy segments with jieba's global dictionary: give
        # it a private one, or each recogniser's names would change how every other one segments.
        self._nlp.tokenizer.jieba_seg = new_tokenizer((name, 200000) for name in names)
        ruler = self._nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True})
        patterns = []
        seen = set()
        for label, records in (("REGION", regions), ("DEPT", departments)):
            for code, ns in records:
                for name in ns:
                    if name and len(name) >= 2 and (label, name, code) not in seen:
                        seen.add((label, name, code))
                        patterns.append({"label": label, "pattern": name, "id": code})
        ruler.add_patterns(patterns)
        self._ambiguous = self._find_ambiguous(patterns)
        # A mention is a name written out, so a text holding no name's first two characters has none:
        # most questions, which then skip the pipeline (about 0.35 ms of a few-ms search).
        self._openings = frozenset("".join(name.split())[:2] for name in names)

    @staticmethod
    def _find_ambiguous(patterns: list[dict]) -> set[str]:
        by_name: dict[str, set[tuple[str, str]]] = {}
        for p in patterns:
            by_name.setdefault(p["pattern"], set()).add((p["label"], p["id"]))
        # Ambiguous: two departments share the name. A region and the service centre named after it
        # (阳朔镇) are not ambiguous about the place.
        return {name for name, ids in by_name.items() if len({i for label, i in ids if label == "DEPT"}) > 1}

    def __call__(self, text: str) -> list[Mention]:
        if not text:
            return []
        compact = "".join(text.split())
        if not any(compact[i:i + 2] in self._openings for i in range(len(compact) - 1)):
            return []
        doc = self._nlp(text)
        mentions = []
        for ent in doc.ents:
            mentions.append(Mention(ent.text, ent.label_, ent.ent_id_, ent.start_char, ent.end_char))
        return mentions

    def is_ambiguous(self, name: str) -> bool:
        """True when a name belongs to several regions/departments (e.g. two 人社局)."""
        return name in self._ambiguous
