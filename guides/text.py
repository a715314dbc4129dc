"""Text normalisation and tokenisation shared by search, vocabulary and the bot."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

import jieba
import zhconv

# Long story-like messages are a few hundred characters; anything beyond this is noise or abuse.
MAX_QUERY_CHARS = 1000

_PUNCT_OR_SPACE = re.compile(r"[\s\u3000]+")
_PARTICLE = "\ue000"  # a private-use character: stands in for 么 while zhconv converts


def normalise(text: str | None, limit: int | None = MAX_QUERY_CHARS) -> str:
    """NFKC-fold, drop control/format characters, lower-case, collapse whitespace, cap length."""
    if not text:
        return ""
    if limit is not None:
        text = text[: limit * 2]  # cheap guard before the per-character work
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    text = _PUNCT_OR_SPACE.sub(" ", text).strip().lower()
    text = text[:limit] if limit is not None else text
    # Traditional -> Simplified: the catalogue is Simplified; 補辦身份證 means 补办身份证.
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        return text
    # zhconv reads 么 before 半, 子, 妹… as the Traditional spelling of 幺 (么半群 -> 幺半群), which
    # turns the typo 怎么半 (怎么办) into 怎幺半. In Simplified text 么 is the particle: keep it.
    text = text.replace(_PARTICLE, "").replace("么", _PARTICLE)
    return zhconv.convert(text, "zh-cn").replace(_PARTICLE, "么")


def is_han(char: str) -> bool:
    """A Chinese character (CJK Unified Ideographs)."""
    return "\u4e00" <= char <= "\u9fff"


def is_word_char(char: str) -> bool:
    """Letters and digits of any script (CJK included); not punctuation, symbols or emoji."""
    return unicodedata.category(char)[0] in ("L", "N")


def char_grams(text: str) -> list[str]:
    """The characters and overlapping character pairs of each run of letters and digits."""
    out: list[str] = []
    for run in WORD_RUN.findall(text):
        out.extend(run)
        out.extend(map(str.__add__, run, run[1:]))
    return out


# A run of is_word_char characters: str.isalnum() less the underscore, found at C speed.
WORD_RUN = re.compile(r"[^\W_]+")


def han_bigrams(text: str) -> list[str]:
    """Overlapping pairs of Chinese characters (within runs of Han characters)."""
    out = []
    for a, b in zip(text, text[1:]):
        if "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff":
            out.append(a + b)
    return out


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("guides").joinpath("data", "stopwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _jieba_dictionary() -> tuple[dict[str, int], int]:
    """jieba's own dictionary (word frequencies and their total), loaded once per process."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ, tokenizer.total


NOUN_TAGS = frozenset({"n", "nz", "vn", "ng"})  # jieba's tags of nouns (vn: a verb used as one)


@lru_cache(maxsize=1)
def noun_words() -> frozenset[str]:
    """The words jieba's own dictionary tags as nouns (read from its dict.txt: 130,000 words, 14 MB;
    importing jieba.posseg would cost 50 MB). Its cached frequencies carry no tags."""
    path = resources.files("jieba").joinpath("dict.txt")
    with path.open(encoding="utf-8") as lines:
        return frozenset(parts[0] for parts in (line.split() for line in lines)
                         if len(parts) == 3 and parts[2] in NOUN_TAGS)


def new_tokenizer(words: Iterable[tuple[str, int]] = ()) -> jieba.Tokenizer:
    """A private jieba tokenizer (the global one is shared with other code) with extra words."""
    freq, total = _jieba_dictionary()
    tokenizer = jieba.Tokenizer()
    # Loading the dictionary takes about 0.6 s and copying it 0.01 s; every index build makes two
    # tokenizers (search, mentions), so they copy the one loaded dictionary.
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(freq), total, True
    unknown = set()
    for word, freq in words:
        if not tokenizer.FREQ.get(word):
            unknown.add(word)
        tokenizer.add_word(word, freq)
    # Words jieba's own dictionary lacks (注册核安全工程师): content_tokens looks inside them.
    tokenizer.added_words = frozenset(unknown)
    return tokenizer


@lru_cache(maxsize=1)
def plain_tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with jieba's own dictionary only, shared, never given words: it cuts a
    catalogue phrase into everyday words (就业创业证 → 就业 创业 证), as no catalogue tokenizer can."""
    freq, total = _jieba_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return tokenizer


def is_filler(token: str, stop: frozenset[str] | None = None) -> bool:
    """True when the token is made only of stopwords (怎么弄 = 怎么 + 弄, 我想 = 我 + 想)."""
    stop = stopwords() if stop is None else stop
    n = len(token)
    reachable = [True] + [False] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 4), end):
            if reachable[start] and token[start:end] in stop:
                reachable[end] = True
                break
    return reachable[n]


def content_tokens(tokenizer: jieba.Tokenizer, text: str, words: Iterable[str] | None = None) -> list[str]:
    """Tokens that carry meaning: no stopwords or filler, punctuation, emoji or whitespace.

    ``words``: the text as ``tokenizer.cut(text, HMM=False)`` cut it, when the caller has it already.
    """
    stop = stopwords()
    out = []
    for token in _for_search(tokenizer, tokenizer.cut(text, HMM=False) if words is None else words):
        token = token.strip()
        if not token or token in stop or is_filler(token, stop):
            continue
        if not any(is_word_char(c) for c in token):
            continue
        out.append(token)
    added = getattr(tokenizer, "added_words", None)
    if added:
        out += _missed_characters(out, added, stop)
    return out


def _for_search(tokenizer: jieba.Tokenizer, words: Iterable[str]) -> Iterator[str]:
    """jieba's search mode (``cut_for_search``) over words already cut: each word's known pairs
    and triples of characters, then the word. Kept equal to jieba's so a question cut once serves
    its word boundaries and its tokens (a long story's cut is a large part of its search time)."""
    tokenizer.check_initialized()  # initialising replaces FREQ
    known = tokenizer.FREQ
    for word in words:
        n = len(word)
        if n > 2:
            for i in range(n - 1):
                if known.get(word[i:i + 2]):
                    yield word[i:i + 2]
        if n > 3:
            for i in range(n - 2):
                if known.get(word[i:i + 3]):
                    yield word[i:i + 3]
        yield word


def covered_positions(token: str, pieces: Iterable[str]) -> list[bool]:
    """For each character of ``token``, whether one of the other ``pieces`` found in it covers it."""
    hit = [False] * len(token)
    for piece in pieces:
        if not piece or piece == token:
            continue
        start = token.find(piece)
        while start != -1:
            hit[start:start + len(piece)] = [True] * len(piece)
            start = token.find(piece, start + 1)
    return hit


def _missed_characters(tokens: list[str], added: frozenset[str], stop: frozenset[str]) -> list[str]:
    """Single characters of an added word that none of its pieces cover (核 in 注册核安全工程师).

    jieba's search mode splits an added word into the dictionary words inside it (注册, 安全,
    工程师) but drops the characters between them, so a question that says 核安全 in its own
    words (考个核安全方面的注册工程师证) never meets the 核 that tells the item from 注册安全工程师.
    """
    pieces = [t for t in tokens if len(t) >= 2]
    out = []
    for token in {t for t in tokens if len(t) >= 3 and t in added}:
        hit = covered_positions(token, pieces)
        if not any(hit):
            continue
        for i, char in enumerate(token):
            # Only lone characters: longer uncovered runs are no words of the dictionary and
            # counting them made matches looser (measured on the dev questions).
            lone = not hit[i] and (i == 0 or hit[i - 1]) and (i + 1 == len(token) or hit[i + 1])
            if lone and char not in stop and is_word_char(char):
                out.append(char)
    return out
