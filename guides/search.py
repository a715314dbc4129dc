"""Item search: which service item does a free-text Chinese question mean?

An in-memory index over item names, aliases, main-item names and departments, segmented with
jieba plus the catalogue vocabulary. Each candidate gets a confidence in [0, 1]:

* *name coverage*: how much of the item's best-matching name or alias the question mentions
  (idf-weighted; a name or alias quoted whole counts fully), and
* *query coverage*: how much of the question's content the item explains.

Below :data:`CONFIDENCE_THRESHOLD` nothing is returned: the caller says "no confident match"
instead of guessing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from guides.models import PublicationState, Region, ServiceItem
from guides.text import content_tokens, new_tokenizer, normalise
from guides.vocab import WORD_FREQ, catalogue_words

CONFIDENCE_THRESHOLD = 0.5
NAME_WEIGHT = 0.7  # the rest goes to query coverage
DEPARTMENT_FIELD_WEIGHT = 0.5  # a department mention alone names no item


@dataclass(frozen=True)
class Hit:
    code: str
    name: str
    department: str
    region_code: str
    score: float

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "department": self.department, "score": self.score}


@dataclass
class SearchResponse:
    """Ranked confident results; ``closest`` holds the best guesses when nothing was confident."""

    question: str
    results: list[Hit] = field(default_factory=list)
    closest: list[Hit] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return bool(self.results)


@dataclass
class _Entry:
    code: str
    name: str
    department: str
    region_code: str
    name_fields: list[tuple[str, frozenset[str]]]  # (normalised text, tokens): name, aliases, main-item name
    dept_tokens: frozenset[str]
    all_tokens: frozenset[str]


class SearchIndex:
    """Immutable search index; build it with :meth:`from_session` or :meth:`build`."""

    def __init__(self, entries: list[_Entry], tokenizer, region_parents: dict[str, str | None]):
        self._entries = entries
        self._tokenizer = tokenizer
        self._region_parents = region_parents
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(entries):
            for token in entry.all_tokens:
                self._postings[token].append(index)
        n = max(len(entries), 1)
        self._idf = {t: math.log(1 + n / len(p)) for t, p in self._postings.items()}
        self._default_idf = math.log(1 + n)

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, items: list[dict], words: list[str], region_parents: dict[str, str | None]) -> "SearchIndex":
        """Build from plain records: ``code, name, aliases, parent_name, department, department_names, region_code``."""
        tokenizer = new_tokenizer((w, WORD_FREQ) for w in words)

        def field_of(text: str) -> tuple[str, frozenset[str]]:
            norm = normalise(text, limit=None)
            return norm, frozenset(content_tokens(tokenizer, norm))

        entries = []
        for item in items:
            fields = [field_of(item["name"])]
            fields += [field_of(a) for a in item.get("aliases") or []]
            if item.get("parent_name"):
                fields.append(field_of(item["parent_name"]))
            fields = [f for f in fields if f[1]]
            dept_tokens = frozenset(
                t for name in item.get("department_names") or [] for t in content_tokens(tokenizer, normalise(name, None))
            )
            all_tokens = frozenset().union(*(f[1] for f in fields), dept_tokens) if fields else dept_tokens
            entries.append(_Entry(item["code"], item["name"], item["department"], item["region_code"],
                                  fields, dept_tokens, all_tokens))
        return cls(entries, tokenizer, region_parents)

    @classmethod
    def from_session(cls, session: Session) -> "SearchIndex":
        """Index every published item in the database."""
        query = (
            select(ServiceItem)
            .where(ServiceItem.status == PublicationState.PUBLISHED)
            .options(selectinload(ServiceItem.aliases), selectinload(ServiceItem.department),
                     selectinload(ServiceItem.region))
            .order_by(ServiceItem.code)
        )
        items = [
            {
                "code": i.code, "name": i.name, "aliases": i.alias_names, "parent_name": i.parent_name,
                "department": i.department.name,
                "department_names": [i.department.name, i.department.short_name or "", *i.department.aliases],
                "region_code": i.region.code,
            }
            for i in session.scalars(query)
        ]
        regions = {r.code: (r.parent.code if r.parent else None) for r in session.scalars(select(Region))}
        words = [w.text for w in catalogue_words(session)]
        return cls.build(items, words, regions)

    # ------------------------------------------------------------------ querying

    def _region_scope(self, code: str) -> set[str] | None:
        """A region, its ancestors (higher levels serve it too) and its descendants."""
        if code not in self._region_parents:
            return None
        scope = {code}
        parent = self._region_parents.get(code)
        while parent:
            scope.add(parent)
            parent = self._region_parents.get(parent)
        children: dict[str, list[str]] = defaultdict(list)
        for child, par in self._region_parents.items():
            if par:
                children[par].append(child)
        stack = [code]
        while stack:
            for child in children[stack.pop()]:
                scope.add(child)
                stack.append(child)
        return scope

    def _idf_sum(self, tokens) -> float:
        return sum(self._idf.get(t, self._default_idf) for t in tokens)

    def search(self, question: str | None, limit: int = 5, region: str | None = None) -> SearchResponse:
        """Rank items for ``question``; empty results mean "no confident match"."""
        text = normalise(question)
        response = SearchResponse(question=question or "")
        limit = max(1, min(int(limit), 100))
        if not text:
            return response
        q_tokens = set(content_tokens(self._tokenizer, text))
        if not q_tokens:
            return response
        scope = self._region_scope(region) if region else None
        if region and scope is None:
            return response  # unknown region: nothing can match it
        candidates = {i for t in q_tokens for i in self._postings.get(t, ())}
        q_mass = self._idf_sum(q_tokens)
        scored = []
        for index in candidates:
            entry = self._entries[index]
            if scope is not None and entry.region_code not in scope:
                continue
            best = 0.0
            for norm, tokens in entry.name_fields:
                if len(norm) >= 2 and norm in text:
                    coverage = 1.0
                else:
                    coverage = self._idf_sum(tokens & q_tokens) / (self._idf_sum(tokens) or 1.0)
                best = max(best, coverage)
            dept_only = entry.dept_tokens & q_tokens
            if best == 0.0 and dept_only:
                best = DEPARTMENT_FIELD_WEIGHT * self._idf_sum(dept_only) / (self._idf_sum(entry.dept_tokens) or 1.0)
            q_cov = self._idf_sum(entry.all_tokens & q_tokens) / q_mass
            score = NAME_WEIGHT * best + (1 - NAME_WEIGHT) * q_cov
            scored.append((round(score, 4), entry))
        scored.sort(key=lambda pair: (-pair[0], len(pair[1].name), pair[1].code))
        hits = [Hit(e.code, e.name, e.department, e.region_code, s) for s, e in scored[:limit]]
        if hits and hits[0].score >= CONFIDENCE_THRESHOLD:
            response.results = [h for h in hits if h.score >= CONFIDENCE_THRESHOLD]
        else:
            response.closest = hits
        return response
