"""Homophone and typo correction through pinyin: 设保卡 → 社保卡, 架照 → 驾照, 阳塑 → 阳朔.

Citizens type with pinyin input methods, so most typos are same-sound characters. Any span of the
question whose toneless pinyin equals that of catalogue words, but whose characters differ, is
read as each of them too (核法: 合法 and 核发; the original text is kept, corrections only add
evidence).
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from guides.text import is_han

MIN_CHARS, MAX_CHARS = 2, 8
LOOSE_CHARS = 3  # spans this long may start and end inside jieba's words
FUZZY_MIN_CHARS = 3  # spans this long may also differ by sounds many speakers merge (照价工程师 ~ 造价工程师)
# A two-character span that is itself a common word was meant as written: 流程 is not 柳城, 实名 not
# 失明. Typos rarely make common words (设保, 架照, 查寻 and 注消 are rare or no words at all).
COMMON_WORD_FREQ = 50
# Sounds that southern speakers (and their pinyin typing) merge: zh/z, ch/c, sh/s; -ng/-n.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def _syllables(text: str) -> list[str]:
    """One syllable per character (non-Han characters stand for themselves), so spans stay aligned."""
    out = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chunk: list(chunk))
    if len(out) != len(text):  # defensive: never misalign spans
        out = [lazy_pinyin(c, style=Style.NORMAL)[0] if is_han(c) else c for c in text]
    return out


@lru_cache(maxsize=65536)
def word_syllables(word: str) -> tuple[str, ...]:
    """The pinyin syllables of a word, toneless."""
    # Questions are new every time but their words repeat: pypinyin cost about 0.6 ms a question.
    return tuple(_syllables(word))


def _text_syllables(text: str, boundaries: set[int] | None) -> list[str]:
    """Syllables of ``text`` read word by word (the words between ``boundaries``), each word cached."""
    if boundaries is None:
        return _syllables(text)
    out: list[str] = []
    cuts = sorted(b for b in boundaries if 0 < b < len(text))
    start = 0
    for end in cuts + [len(text)]:
        if end > start:
            out.extend(word_syllables(text[start:end]))
            start = end
    return out


@lru_cache(maxsize=4096)
def _fuzzy(syllable: str) -> str:
    for merged, into in _FUZZY_INITIALS:
        if syllable.startswith(merged):
            syllable = into + syllable[len(merged):]
            break
    for merged, into in _FUZZY_FINALS:
        if syllable.endswith(merged):
            return syllable[:-len(merged)] + into
    return syllable


class PinyinCorrector:
    """Maps same-sound spans of a text onto known words."""

    def __init__(self, words: list[str], word_freq: dict[str, int] | None = None):
        self._word_freq = word_freq or {}
        self._by_sound: dict[str, tuple[str, ...]] = {}
        self._by_fuzzy: dict[str, tuple[str, ...]] = {}
        for word in sorted(set(words), key=lambda w: (-len(w), w)):
            if MIN_CHARS <= len(word) <= MAX_CHARS and all(is_han(c) for c in word):
                # Every word of a shared sound is a reading (核法: 合法 and 核发), longest then lexically first.
                sounds = word_syllables(word)  # also warms the cache with the catalogue's words
                key = " ".join(sounds)
                self._by_sound[key] = self._by_sound.get(key, ()) + (word,)
                if len(word) >= FUZZY_MIN_CHARS:
                    key = " ".join(map(_fuzzy, sounds))
                    self._by_fuzzy[key] = self._by_fuzzy.get(key, ()) + (word,)
        self._words = frozenset(words)
        # The first two sounds of every known word: a span starting with two others matches none,
        # so most positions of a long question try one span, not seven.
        self._openings = frozenset(" ".join(key.split(" ")[:2]) for key in self._by_sound)
        self._fuzzy_openings = frozenset(" ".join(key.split(" ")[:2]) for key in self._by_fuzzy)

    @staticmethod
    def _pieces_reach(known_piece: dict[int, int], start: int, end: int) -> bool:
        """Whether catalogue words as cut lead from ``start`` exactly to ``end``."""
        while start < end and start in known_piece:
            start = known_piece[start]
        return start == end

    def corrections(self, text: str, boundaries: set[int] | None = None) -> list[str]:
        """Known words that same-sound spans of ``text`` stand for (excluding spans already spelt right).

        With ``boundaries`` (word boundaries of the text, as character offsets), a span must start
        and end on one: 适合做 must not be read as 合作.
        """
        if not text:
            return []
        sounds = _text_syllables(text, boundaries)
        n = len(text)
        # Catalogue words as jieba cut them (start → end). A span made of two or more of them is
        # spelt right: 扶养协议 is 扶养 + 协议, not a typo of the item word 抚养协议.
        known_piece: dict[int, int] = {}
        if boundaries is not None:
            cuts = sorted(b for b in boundaries if 0 <= b <= n)
            known_piece = {a: b for a, b in zip(cuts, cuts[1:]) if b - a >= 2 and text[a:b] in self._words}
        # Span keys are slices of one joined string, and "all Han" is a prefix-count test: this runs
        # for every span of every question, so no list slicing or joining per span.
        fuzzies = [_fuzzy(s) for s in sounds]
        plain, fuzzy = " ".join(sounds), " ".join(fuzzies)
        starts, fuzzy_starts, non_han = [0], [0], [0]
        for sound, fuzzy_sound, char in zip(sounds, fuzzies, text):
            starts.append(starts[-1] + len(sound) + 1)
            fuzzy_starts.append(fuzzy_starts[-1] + len(fuzzy_sound) + 1)
            non_han.append(non_han[-1] + (not is_han(char)))
        found: list[str] = []
        i = 0
        while i < n:
            matched = 0
            if non_han[i + 1] == non_han[i]:
                on_boundary = boundaries is None or i in boundaries
                longest = min(MAX_CHARS, n - i)
                if longest >= MIN_CHARS and non_han[i + MIN_CHARS] == non_han[i] and (
                        plain[starts[i]:starts[i + MIN_CHARS] - 1] not in self._openings
                        and fuzzy[fuzzy_starts[i]:fuzzy_starts[i + MIN_CHARS] - 1] not in self._fuzzy_openings):
                    longest = MIN_CHARS  # no known word starts with these sounds: no longer span can match
                for length in range(longest, (MIN_CHARS if on_boundary else LOOSE_CHARS) - 1, -1):
                    end = i + length
                    # A span of three or more same-sound characters is rarely a coincidence, so it
                    # need not sit on word boundaries (jieba cuts a typo anywhere: 养|直证).
                    if non_han[end] != non_han[i] or (
                            boundaries is not None and length < LOOSE_CHARS and end not in boundaries):
                        continue
                    if length == MIN_CHARS and self._word_freq.get(text[i:end], 0) >= COMMON_WORD_FREQ:
                        matched = length  # a common word as written
                        break
                    if text[i:end] in self._words:
                        matched = length  # a catalogue word as written
                        break
                    if i in known_piece and self._pieces_reach(known_piece, i, end):
                        continue  # several catalogue words as written: a shorter span may still be a typo
                    word = self._by_sound.get(plain[starts[i]:starts[end] - 1])
                    if word is None and length >= FUZZY_MIN_CHARS:
                        word = self._by_fuzzy.get(fuzzy[fuzzy_starts[i]:fuzzy_starts[end] - 1])
                    if word:
                        span = text[i:end]
                        found.extend(w for w in word if w != span)
                        matched = length
                        break
            i += matched or 1
        return found
