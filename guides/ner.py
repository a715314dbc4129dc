"""Region and department mentions ("在青秀区", "柳州市", "人社局") with spaCy.

A blank ``zh`` pipeline segmenting with jieba, plus an EntityRuler whose phrase patterns come from
the region and department tables (full, short and colloquial names). No model download: the
patterns are the knowledge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guides.text import new_tokenizer


TIE_LABEL = "DEPT"  # the label read when a name is a place's and a department's
# Characters jieba never segments across (it cuts each run of other characters on its own), so a
# text split at them segments as before, piece by piece. Those in no name are clause breaks.
_BREAKS = "，。？！；：、…,?!;:\n\r\t "


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
        self._ambiguous, self._tie_codes = self._read_shared_names(patterns)
        # A mention is a name written out, so a text holding no name's first two characters has none:
        # most questions, which then skip the pipeline (about 0.35 ms of a few-ms search).
        self._openings = frozenset("".join(name.split())[:2] for name in names)
        # Only the clauses holding such an opening go through the pipeline: a long story names a
        # place in one clause of six, and the pipeline's cost grows with the text it cuts.
        breaks = [c for c in _BREAKS if not any(c in name for name in names)]
        self._clause = re.compile(f"[^{re.escape(''.join(breaks))}]+") if breaks else None
        self._joiner = breaks[0] if breaks else ""

    @staticmethod
    def _read_shared_names(patterns: list[dict]) -> tuple[set[str], dict[str, str]]:
        """The names several departments share, and the names a place shares with one department,
        each with that department's code."""
        by_name: dict[str, set[tuple[str, str]]] = {}
        for p in patterns:
            by_name.setdefault(p["pattern"], set()).add((p["label"], p["id"]))
        # Ambiguous: two departments share the name. A region and the service centre named after it
        # (阳朔镇) are not ambiguous about the place.
        ambiguous = {name for name, ids in by_name.items() if len({i for label, i in ids if label == "DEPT"}) > 1}
        # A place and its service centre may share a name (阳朔镇): the ruler would pick either, by
        # where the name stands in the text. The centre is read, always: it places the question as
        # the place does, and ranks its own items first (Guangxi dev questions naming one: 195 of
        # 199 answered right first, 191 reading the place, 194 before, reading either).
        ties = {}
        for name, ids in by_name.items():
            chosen = [i for label, i in ids if label == TIE_LABEL]
            if len(chosen) == 1 and len(ids) > 1:
                ties[name] = chosen[0]
        return ambiguous, ties

    def __call__(self, text: str) -> list[Mention]:
        if not text:
            return []
        if self._clause is None:
            return self._recognise(text, [(0, 0, len(text))]) if self._opens(text) else []
        # (offset in the joined clauses, offset in the text, length) of each clause with an opening
        pieces, at = [], 0
        for clause in self._clause.finditer(text):
            if self._opens(clause.group()):
                pieces.append((at, clause.start(), clause.end() - clause.start()))
                at += clause.end() - clause.start() + len(self._joiner)
        if not pieces:
            return []
        # No name holds the joiner, so no mention spans two clauses: they are recognised as in the text.
        return self._recognise(self._joiner.join(text[s:s + n] for _, s, n in pieces), pieces)

    def _opens(self, text: str) -> bool:
        """Whether ``text`` holds the first two characters of a name (spaces aside)."""
        compact = "".join(text.split())
        return any(compact[i:i + 2] in self._openings for i in range(len(compact) - 1))

    def _recognise(self, joined: str, pieces: list[tuple[int, int, int]]) -> list[Mention]:
        mentions = []
        for ent in self._nlp(joined).ents:
            at, start, _ = next(p for p in reversed(pieces) if p[0] <= ent.start_char)
            shift = start - at
            label, code = ent.label_, ent.ent_id_
            if label != TIE_LABEL and ent.text in self._tie_codes:
                label, code = TIE_LABEL, self._tie_codes[ent.text]
            mentions.append(Mention(ent.text, label, code, ent.start_char + shift, ent.end_char + shift))
        return mentions

    def is_ambiguous(self, name: str) -> bool:
        """True when a name belongs to several regions/departments (e.g. two 人社局)."""
        return name in self._ambiguous
