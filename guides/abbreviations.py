"""Abbreviations people make of item names: 就创证 for 就业创业证, 高企认定 for 高新技术企业认定.

A Chinese abbreviation keeps the first character of each word of a phrase (就业|创业|证 → 就创证),
often with the first or the last word whole (高新技术|企业|认定 → 高企认定). They are generated
from the item names when the index is built, so a guide added today is found by its abbreviations
too, with no synonym entry. A span of a question that is one of them, starts and ends on its word
boundaries, and is neither a catalogue word nor a common word, is read as the phrase as well (the
original text is kept: like a same-sound correction, a reading only adds evidence).
"""

from __future__ import annotations

from typing import Iterable

from guides.pinyin import COMMON_WORD_FREQ
from guides.text import is_han, plain_tokenizer, stopwords

MIN_CHARS, MAX_CHARS = 3, 5  # two-character abbreviations are mostly words of their own (医保 is data)
MAX_WORDS = 4  # words of a name an abbreviation stands for
MAX_SPAN_WORDS = 3  # words of a question an abbreviation may be cut into (就|创|证)
MAX_READINGS = 3  # phrases one abbreviation may stand for


def abbreviations_of(name: str) -> set[tuple[str, str]]:
    """(abbreviation, phrase) pairs of a normalised name, for runs of two to ``MAX_WORDS`` words."""
    stop = stopwords()
    words = [w for w in plain_tokenizer().lcut(name, HMM=False) if w and all(is_han(c) for c in w)]
    out = set()
    for start in range(len(words)):
        for end in range(start + 2, min(len(words), start + MAX_WORDS) + 1):
            run = words[start:end]
            if any(w in stop for w in run) or all(len(w) == 1 for w in run):
                continue
            initials = "".join(w[0] for w in run)
            phrase = "".join(run)
            cut = [len(w) >= 2 for w in run]  # the words shortened to their first character
            # At least two words shortened: 证查询 (证 + 查询) is two words as written, not 证书查询.
            for short, shortened in ((initials, cut), (run[0] + initials[1:], [False] + cut[1:]),
                                     (initials[:-1] + run[-1], cut[:-1] + [False])):
                if sum(shortened) >= 2 and MIN_CHARS <= len(short) <= MAX_CHARS and short not in name:
                    out.add((short, phrase))
    return out


class Abbreviations:
    """Reads abbreviations in a question as the phrases of item names they stand for."""

    def __init__(self, names: Iterable[str], known_words: Iterable[str], word_freq: dict[str, int] | None = None):
        """``names``: normalised item names; ``known_words``: catalogue words, never abbreviations."""
        known = frozenset(known_words)
        freq = word_freq or {}
        phrases: dict[str, set[str]] = {}
        for name in set(names):
            for short, phrase in abbreviations_of(name):
                if short not in known and freq.get(short, 0) < COMMON_WORD_FREQ:
                    phrases.setdefault(short, set()).add(phrase)
        # An abbreviation of many phrases tells nothing; a few are all read (as the pinyin readings are).
        self._phrases = {short: tuple(sorted(p)) for short, p in phrases.items() if len(p) <= MAX_READINGS}

    def expansions(self, text: str, boundaries: set[int]) -> list[str]:
        """The phrases that abbreviations in ``text`` stand for; spans start and end on ``boundaries``."""
        cuts = sorted(b for b in boundaries if 0 <= b <= len(text))
        found: list[str] = []
        for i, start in enumerate(cuts):
            for end in cuts[i + 1:i + 1 + MAX_SPAN_WORDS]:
                if end - start > MAX_CHARS:
                    break
                phrases = self._phrases.get(text[start:end])
                if phrases:
                    found.extend(phrases)
        return found
