"""Item search: which service item does a free-text Chinese question mean?

The question is normalised (NFKC, Traditional → Simplified), region and department mentions are
recognised (spaCy EntityRuler over the region and department tables), same-sound typos are read
as catalogue words (pinyin), and so are look-alike ones (法律缓助: 法律援助, guides/shapes.py),
abbreviations of item names as their phrases (就创证: 就业创业证, generated from the names), and
colloquial phrases add the official words they stand for (``guides/data/synonyms.yaml``). The
candidates are the items sharing the most term weight with the question, with at most
:data:`MAX_COPIES` copies of one service (its items in other places; those in a place the question
names first), so that a catalogue repeating its services across many places
still scores several services; and the best items of the few services that the question's
distinctive characters and character pairs make likeliest (naive Bayes over each service's
wording), so that a question worded like a service's examples but sharing few terms with its names
still has it scored. Each candidate item then gets a confidence in [0, 1]:

* *name coverage*: how much of the item's best-matching name or alias the question mentions —
  idf-weighted jieba words, or character bigrams for words jieba does not know; a name or alias
  quoted whole counts fully;
* *query coverage*: how much of the question's content the item explains (words the synonym
  table added count much less than the question's own; a story's last sentence, usually its ask,
  counts as the question too);
* a *region affinity* factor: an item in the mentioned region (or its parents, which serve it)
  keeps its score, an item elsewhere loses most of it; the exact level mentioned wins ties;
* *example questions*: resembling one of the item's example questions (Dice on word weights of
  their own) fills part of what the words left open (a soft OR, never reaching 1.0); an item
  without any (a guide just added) has its name and aliases stand in for them;
* *ranking cues* (``guides/data/ranking_cues.yaml``) lower an item's score a little when it is
  for a group of applicants the question does not mention; a look-up item when the question wants
  something done, or a service item when it plainly asks to look something up; an item for
  another stage (变更, 注销…, read in a story's last sentence first; a first application when the
  question names none) or applicant (个人, 企业) than the one asked for; an item whose sibling's
  qualifier (same parent name: 初始注册 vs 重新注册) the question names, and none of its own; and
  every item when the question asks for advice or trivia. A group the question mentions (香港人)
  counts as the words names use for it (外商投资).

Candidates are ranked by confidence plus how much of the question each explains, and how closely
it resembles their examples, relative to the best candidate: in a long story both are small for
every item, and only the relative figures tell the candidates apart. Word associations learnt
from the example questions of many services (改 → 变更, 丢 → 补办) also count, in the ranking
only. The best few are then reordered by what tells each from the leader (:meth:`SearchIndex._contrast`):
the question's words (and character pairs of names) a challenger knows and the leader does not,
less the converse, so look-alike items are told apart by the words that differ rather than by
those they share. The best ten are then reordered by how likely each service's whole wording
(names, aliases, example questions) makes the question's characters and character pairs
(:meth:`SearchIndex._by_likelihood`, naive Bayes), which weighs all the examples where resemblance
takes the closest one. That hand-weighed order is the last word only without a :class:`RankModel`:
a conditional logit fitted on the dev questions weighs the same evidence of each of the ten (and
its place in that order) and sets their order. Copies of a service in other places follow the
other services in the list.
Whether the best items answer the question is decided by :class:`AnswerModel`, a logistic
model over signals of the search (the top scores, how much the question resembles the items'
examples and the messages that ask for no service, ``guides/data/not_a_service.yaml``: advice,
chit-chat, consumer and technology questions, and the procedures of banks, employers, schools…;
how the question's wording alone speaks for asking a service, :class:`WordingModel`; and the
likelihood margins of the leader, and of the services the answer shows, over the likeliest other
service, or a fallback model without them when they cannot be measured), trained on the dev
questions. A question asking how much a benefit pays, or none of whose words the catalogue knows
(:data:`ANSWER_GATES`), is never answered.
When the model says no, or the best item scores below :data:`ANSWER_FLOOR`, nothing is returned:
the caller says "no confident match" and may offer :meth:`SearchResponse.suggestions` as
suggestions, never as an answer. When it says yes, the items beside the answer are those that
reach the bar of a suggestion (:data:`SUGGESTION_SCORE`).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from guides.abbreviations import Abbreviations
from guides.aspects import aspect_keywords
from guides.catalogue import parse_yaml
from guides.models import Department, PublicationState, Region, ServiceItem
from guides.ner import MentionRecognizer
from guides.pinyin import PinyinCorrector, word_syllables
from guides.shapes import ShapeCorrector
from guides.text import (char_grams, content_tokens, covered_positions, han_bigrams, new_tokenizer,
                         normalise, noun_words, stopwords)
from guides.vocab import WORD_FREQ, catalogue_words

SUGGESTION_SCORE = 0.3  # below this an item is noise: no suggestion, nor an alternative beside an answer
# No answer from an item scoring below this, whatever the answer model says: a safeguard only. A long
# story explains itself poorly with any item's words and may score under the bar of a suggestion
# when its wording and the rest of the signals say the item answers it (工伤事故备案 at 0.26; a
# story of a first business trip abroad that asks for 本子, 普通护照签发 at 0.14). On dev no
# out-of-scope question the model would answer scores under 0.25.
ANSWER_FLOOR = 0.1
NAME_WEIGHT = 0.65  # best name or alias coverage
QUERY_WEIGHT = 0.25  # how much of the question the item explains
OFFICIAL_NAME_WEIGHT = 0.10  # the official name itself: breaks ties between look-alike items
EXPANSION_WEIGHT = 0.9  # words added by the synonym table count a little less than the user's own
QUERY_EXPANSION_WEIGHT = 0.4  # …and much less as part of the question an item should explain
UNKNOWN_WORD_FACTOR = 0.5
BIGRAM_WEIGHT = 0.8  # bigram overlap is weaker evidence than whole words
DEPARTMENT_FIELD_WEIGHT = 0.5  # a department mention alone names no item
OTHER_REGION_FACTOR = 0.55  # an item in a region the question did not ask about
DEPARTMENT_BOOST = 1.08
MIN_QUOTED_CHARS = 3  # a 2-character alias inside a question is too often a coincidence
GROUP_FACTOR = 0.9  # an item for a group of applicants the question does not mention
LOOKUP_FACTOR = 0.9  # a look-up item when the question asks to get something done
SERVICE_FACTOR = 0.9  # a service item when the question plainly asks to look something up
ADVICE_FACTOR = 0.85  # any item, when the question asks for advice or trivia
FACET_FACTOR = 0.9  # an item whose stage (变更, 注销…) or applicant (个人, 企业) is not the one asked for
DEFAULT_FACET_FACTOR = 0.95  # an item off the default stage (新申请) when the question names none
EXAMPLE_WEIGHT = 0.6  # how much resembling one of an item's example questions adds to its score
EXAMPLE_NOMINATION = 0.5  # weight of example-question words when nominating candidates
RARE_FRACTION = 0.005  # a word of example questions nominates only if fewer items' examples have it
MAX_CANDIDATES = 25  # full scoring only for the best pre-scored candidates…
MAX_COPIES = 2  # …of which at most this many copies of one service (its items in other places)
SORTED_HEAD = 256  # pre-scored items sorted before the rest are (only when these do not yield enough)
NAMED_NOMINEES = 4  # services a question names in full (every word of a name or alias) join the candidates
UNEXPLAINED_ITEMS = 3  # a noun counts as unexplained when none of the best this many items explains it
RELATIVE_COVERAGE_WEIGHT = 0.25  # ranking only: coverage relative to the best candidate's
RELATIVE_EXAMPLE_WEIGHT = 0.2  # ranking only: example resemblance relative to the best candidate's
EXAMPLE_RANK_WEIGHT = 0.6  # ranking only: resemblance added on top of EXAMPLE_WEIGHT (soft OR)
SIBLING_FACTOR = 0.9  # a sibling item's qualifier (重新注册) is in the question and none of its own
NOT_A_SERVICE_MIN = 0.2  # resemblance to a message that asks for no service (guides/data/not_a_service.yaml)…
NOT_A_SERVICE_MARGIN = 0.05  # …above every candidate's own resemblance: no confident match
ASSOCIATION_MIN_ITEMS = 4  # learnt word associations (改 → 变更) need this many items' examples…
ASSOCIATION_MIN_SHARE = 0.6  # …most of whose names share the official word…
ASSOCIATION_MIN_LIFT = 10.0  # …far more than item names do on the whole
ASSOCIATION_RANK_WEIGHT = 0.1  # ranking only: the share of the associated words an item's names have
CONTRAST_ITEMS = 5  # ranking only: the best few candidates are reordered by what tells each from the leader…
CONTRAST_WEIGHT = 0.5  # …gaining this times the weight of the words it knows and the leader does not, less the converse
LAST_SENTENCE_WEIGHT = 0.7  # a story's last sentence (its ask) counts as the question too, a little less
COMMON_FRACTION = 0.05  # terms in more items than this only score, they do not nominate candidates
# Ranking only: the best few candidates are reordered by how likely each item's own text (names,
# aliases, example questions: all its wording, pooled) makes the question's characters and pairs,
# a naive Bayes reading that weighs every example at once where resemblance takes the closest.
LIKELIHOOD_ITEMS = 10
LIKELIHOOD_SMOOTHING = 0.1  # added to every character (pair) count
LIKELIHOOD_RANK_NATS = 10.0  # a likelihood this many times e (nats) lower costs one place
LIKELIHOOD_NOMINEES = 3  # services the question's distinctive characters make likeliest join the candidates…
LIKELIHOOD_RARE_FRACTION = 0.02  # …reading the characters and pairs in fewer items' wording than this
SHOWN_SERVICES = 3  # the services an answer shows: its item and the alternatives beside it
NAMES_STAND_IN = True  # an item without example questions has its name and aliases as examples
ABBREVIATIONS = True  # abbreviations generated from the item names are read in questions (guides/abbreviations.py)
SHAPES = True  # look-alike typos are read as the catalogue words they resemble (guides/shapes.py)
RANK_MODEL = True  # the likelihood window is ordered by the rank model (guides/data/rank_model.yaml)


def _data_file(name: str):
    """One of guides/data/*.yaml, parsed strictly: a key written twice is an error, not a lost entry."""
    return parse_yaml(resources.files("guides").joinpath("data", name).read_text("utf-8"), f"guides/data/{name}")


@lru_cache(maxsize=1)
def synonym_table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(official words, colloquial phrases) pairs from guides/data/synonyms.yaml, normalised as
    questions and names are: a phrase written L签 or ＣＰＡ meets the question as l签 and cpa."""
    data = _data_file("synonyms.yaml") or {}

    def phrase(text) -> str:
        return "+".join(normalise(piece, limit=None) for piece in str(text).split("+"))

    return tuple((normalise(str(k), limit=None), tuple(phrase(v) for v in vs)) for k, vs in data.items())


@dataclass(frozen=True)
class _SynonymIndex:
    """The synonym table arranged for one pass over a question.

    Whole phrases and the pieces of ``拖拉机+补贴`` phrases are found by their first character and
    their length: a question's character is looked up once per length its phrases have, not once
    per phrase (开 starts about a hundred). A ``+`` phrase matches when every piece is in the
    question, in any order and with anything between ("想买台拖拉机，听说政府有补贴"; "把证扯了"
    for ``证+扯``).
    """

    phrase_lengths: dict[str, tuple[int, ...]]  # first char -> lengths of whole phrases
    phrases: dict[str, set[int]]  # whole phrase -> table entries
    piece_lengths: dict[str, tuple[int, ...]]  # first char -> lengths of pieces of + phrases
    conjunctions: dict[str, list[tuple[frozenset[str], int]]]  # piece -> (all its pieces, table entry)


def _lengths(words) -> dict[str, tuple[int, ...]]:
    out: dict[str, set[int]] = {}
    for word in words:
        out.setdefault(word[0], set()).add(len(word))
    return {char: tuple(sorted(lengths)) for char, lengths in out.items()}


@lru_cache(maxsize=1)
def _synonym_index() -> _SynonymIndex:
    phrases: dict[str, set[int]] = {}
    conjunctions: dict[str, list[tuple[frozenset[str], int]]] = {}
    for position, (_, written) in enumerate(synonym_table()):
        for phrase in written:
            if "+" not in phrase:
                if phrase:
                    phrases.setdefault(phrase, set()).add(position)
                continue
            pieces = frozenset(p for p in phrase.split("+") if p)
            for piece in pieces:
                conjunctions.setdefault(piece, []).append((pieces, position))
    return _SynonymIndex(_lengths(phrases), phrases, _lengths(conjunctions), conjunctions)


def synonym_officials(text: str) -> list[str]:
    """The official words of every synonym entry with a phrase in ``text``, in table order."""
    index = _synonym_index()
    hits: set[int] = set()
    present: set[str] = set()
    phrases, conjunctions = index.phrases, index.conjunctions
    for start, char in enumerate(text):
        for length in index.phrase_lengths.get(char, ()):
            positions = phrases.get(text[start:start + length])
            if positions:
                hits |= positions
        for length in index.piece_lengths.get(char, ()):
            piece = text[start:start + length]
            if piece in conjunctions:
                present.add(piece)
    for piece in present:
        for pieces, position in conjunctions[piece]:
            if position not in hits and pieces <= present:
                hits.add(position)
    table = synonym_table()
    return [table[position][0] for position in sorted(hits)]


@dataclass(frozen=True)
class RankingCues:
    """Who an item serves and whether it only looks something up (guides/data/ranking_cues.yaml)."""

    groups: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (group, in_name, in_question)
    mainland_names: tuple[str, ...]
    advice_questions: tuple[str, ...]
    lookup_names: tuple[str, ...]
    lookup_questions: tuple[str, ...]
    clear_lookup_questions: tuple[str, ...]
    # (facet, default value or "", ((value, in_name, in_question), ...))
    facets: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]], ...] = ()
    amount_questions: tuple[str, ...] = ()  # it asks how much one gets, or a rate (能领多少, 利率)
    fee_words: tuple[str, ...] = ()  # …unless the words follow one of these: a fee (收费标准是多少)
    service_questions: tuple[str, ...] = ()  # it plainly asks how to get something done (要带什么, 怎么申请)

    def words(self) -> frozenset[str]:
        """The cue words of applicant groups, stages and look-ups (who asks, and for which act)."""
        out = set(self.mainland_names) | set(self.lookup_names)
        out |= set(self.lookup_questions) | set(self.clear_lookup_questions)
        for _, in_name, in_question in self.groups:
            out |= set(in_name) | set(in_question)
        for _, _, values in self.facets:
            for _, in_name, in_question in values:
                out |= set(in_name) | set(in_question)
        return frozenset(out)

    def item_facets(self, name: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """Per facet, the values the item's name shows (facets it does not show are left out)."""
        found = []
        for facet, _, values in self.facets:
            shown = frozenset(v for v, in_name, _ in values if any(m in name for m in in_name))
            if shown:
                found.append((facet, shown))
        return tuple(found)

    def question_facets(self, text: str) -> dict[str, tuple[frozenset[str], bool]]:
        """Per facet, the values the question asks for and whether they are only the default."""
        asked = {}
        # A story's last sentence holds the ask: "公司成立三年了……地址和法人都得改" wants a change.
        last = _last_sentence(text)
        for facet, default, values in self.facets:
            def shown_in(part: str) -> frozenset[str]:
                return frozenset(v for v, _, in_question in values if any(m in part for m in in_question))

            shown = shown_in(last) or (shown_in(text) if last is not text else frozenset())
            if shown:
                asked[facet] = (shown, False)
            elif default:
                asked[facet] = (frozenset({default}), True)
        return asked

    def item_groups(self, name: str) -> frozenset[str]:
        return frozenset(g for g, in_name, _ in self.groups if any(m in name for m in in_name))

    def is_mainland(self, name: str) -> bool:
        return any(m in name for m in self.mainland_names)

    def question_groups(self, text: str) -> frozenset[str]:
        return frozenset(g for g, _, in_question in self.groups if any(m in text for m in in_question))

    def group_name_words(self, groups: frozenset[str]) -> tuple[str, ...]:
        """The words by which item names name these groups (外商投资 for a question about 港资)."""
        return tuple(m for g, in_name, _ in self.groups if g in groups for m in in_name)

    def asks_advice(self, text: str) -> bool:
        return any(m in text for m in self.advice_questions)

    def is_lookup(self, name: str) -> bool:
        return any(m in name for m in self.lookup_names)

    def asks_lookup(self, text: str) -> bool:
        return any(m in text for m in self.lookup_questions)

    def clearly_asks_lookup(self, text: str) -> bool:
        return any(m in text for m in self.clear_lookup_questions)

    def clearly_asks_service(self, text: str) -> bool:
        return any(m in text for m in self.service_questions)

    def asks_amount(self, text: str) -> bool:
        for cue in self.amount_questions:
            start = text.find(cue)
            while start != -1:
                if not any(text.endswith(fee, 0, start) for fee in self.fee_words):
                    return True
                start = text.find(cue, start + 1)
        return False


_SENTENCE_BREAK = re.compile(r"[。！？?!；;]")


def _last_sentence(text: str) -> str:
    """The text after its last sentence break (the text itself when it is one sentence)."""
    start, end = _last_sentence_span(text)
    return text[start:end]


def _last_sentence_span(text: str) -> tuple[int, int]:
    """Where the last sentence that is not blank starts and ends; (0, len(text)) when there is one."""
    breaks = list(_SENTENCE_BREAK.finditer(text))
    starts = [0] + [m.end() for m in breaks]
    stops = [m.start() for m in breaks] + [len(text)]
    sentences = [(a, b) for a, b in zip(starts, stops) if text[a:b].strip()]
    return sentences[-1] if len(sentences) > 1 else (0, len(text))


@lru_cache(maxsize=1)
def ranking_cues() -> RankingCues:
    """The ranking cues from guides/data/ranking_cues.yaml."""
    data = _data_file("ranking_cues.yaml") or {}

    def words(section: dict | None, key: str) -> tuple[str, ...]:
        return tuple(map(str, (section or {}).get(key) or ()))

    groups = tuple((str(g), words(v, "in_name"), words(v, "in_question"))
                   for g, v in (data.get("applicant_groups") or {}).items())
    facets = tuple(
        (str(f), str((spec or {}).get("default") or ""),
         tuple((str(v), words(w, "in_name"), words(w, "in_question")) for v, w in ((spec or {}).get("values") or {}).items()))
        for f, spec in (data.get("facets") or {}).items())
    return RankingCues(groups, words(data.get("mainland"), "in_name"), words(data.get("advice"), "in_question"),
                       words(data.get("lookups"), "in_name"), words(data.get("lookups"), "in_question"),
                       words(data.get("lookups"), "clearly_in_question"), facets,
                       words(data.get("amounts"), "in_question"), words(data.get("amounts"), "not_after"),
                       service_questions=words(data.get("lookups"), "service_in_question"))


@lru_cache(maxsize=1)
def _asking_words() -> frozenset[str]:
    """The words by which a question asks for an aspect of a guide (guides/data/aspects.yaml)."""
    return frozenset(phrase for _, phrases in aspect_keywords() for phrase in phrases)


@lru_cache(maxsize=1)
def not_a_service_examples() -> tuple[str, ...]:
    """Messages that ask for no government service, from guides/data/not_a_service.yaml."""
    data = _data_file("not_a_service.yaml")
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise ValueError("guides/data/not_a_service.yaml: expected a list of messages")
    return tuple(x for x in data if x.strip())


# What the answer model reads of a search: see SearchIndex._answer_signals.
ANSWER_SIGNALS = ("top_score", "second_score", "top_coverage", "top_resemblance", "best_resemblance",
                  "no_service_resemblance", "no_service", "known_words", "advice", "clear_lookup",
                  "top_unexplained", "asks_amount", "likelihood_margin", "shown_margin", "wording",
                  "place_mismatch", "no_known_words")


# Signals that rule an answer out whatever the answer model says (the model does not read them):
# - a question asking how much a benefit pays or a loan's rate (失业金一个月能领多少) asks what no
#   guide holds, however clearly it names the item; its closest items are offered instead;
# - a question none of whose words is a catalogue word, or a misspelling of one (长城到底有多长),
#   names no service: whatever it shares with an item is a character or a turn of phrase. All 226
#   such dev questions are out of scope, yet a model may weigh the rest of its signals highly.
ANSWER_GATES = ("asks_amount", "no_known_words")

# Signals a search cannot always measure (NaN then): the likelihood margins need a leader and a
# rival with example questions of their own, which a guide just added or a small catalogue lacks.
PARTIAL_SIGNALS = ("likelihood_margin", "shown_margin")


WORDING_FILE = "service_wording.tsv"


@dataclass(frozen=True)
class WordingModel:
    """How a question's wording alone speaks for asking a service the catalogue has: naive Bayes
    log-odds of its characters and character pairs, learnt from the dev questions (answerable ones
    against out-of-scope ones) by ``eval/train_answer_model.py``, which writes
    ``guides/data/service_wording.tsv``. "要带什么材料" speaks for a service, "一般收多少钱",
    "怎么恢复" against: what the question asks, beside the words the items explain."""

    weights: dict[str, float]

    def log_odds(self, text: str) -> float:
        """The sum of the weights of the distinct characters and pairs of ``text`` (normalised)."""
        get = self.weights.get
        return math.fsum(get(g, 0.0) for g in set(char_grams(text)))

    @classmethod
    def parse(cls, text: str, source: str = WORDING_FILE) -> "WordingModel":
        """Read ``gram<TAB>weight`` lines (``#`` comments); a malformed line is a precise error."""
        weights: dict[str, float] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            try:
                if len(parts) != 2 or not parts[0] or len(parts[0]) > 2:
                    raise ValueError
                weight = float(parts[1])
                if not math.isfinite(weight):
                    raise ValueError
            except ValueError:
                raise ValueError(f"{source}:{number}: expected a character or pair, a tab and a finite number") from None
            if parts[0] in weights:
                raise ValueError(f"{source}:{number}: {parts[0]!r} given twice")
            weights[parts[0]] = weight
        return cls(weights)


@lru_cache(maxsize=1)
def wording_model() -> WordingModel:
    """The shipped wording model (guides/data/service_wording.tsv)."""
    text = resources.files("guides").joinpath("data", WORDING_FILE).read_text("utf-8")
    return WordingModel.parse(text, f"guides/data/{WORDING_FILE}")


@lru_cache(maxsize=8)
def quadratic_pairs(n: int) -> tuple[tuple[int, int], ...]:
    """The (i, j) signal pairs, i <= j, whose products a quadratic answer model weighs, in its order."""
    return tuple(itertools.combinations_with_replacement(range(n), 2))


@dataclass(frozen=True)
class AnswerModel:
    """Logistic model of "the best items answer the question", trained on the dev questions.

    ``guides/data/answer_model.yaml`` is written by ``eval/train_answer_model.py``: signals are
    standardised with ``means`` and ``scales``, and the question is answered when the probability
    reaches ``threshold``. A question whose signals include an unmeasured one (NaN) is decided by
    ``fallback``, the model fitted on the same questions without the PARTIAL_SIGNALS: the other
    weights of the full model lean on the partial signals and would misjudge it.

    A ``quadratic`` model also weighs products of signal pairs (``quadratic_pairs``, squares
    included): one signal's evidence may depend on another's (a low likelihood margin matters less
    when the top score is high). A product reads each signal's place between ``lows`` and
    ``highs`` (its 5th and 95th percentiles over the dev questions, standardised) as a number in
    [0, 1], so every product grows with both signals and vanishes when either is at its low end: a
    plain product of standardised signals would turn two very low ones (a chat message that
    scarcely matches any item) into strong evidence.
    """

    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    fallback: "AnswerModel | None" = None
    lows: tuple[float, ...] | None = None  # set for a quadratic model only
    highs: tuple[float, ...] | None = None

    @property
    def quadratic(self) -> bool:
        return self.lows is not None

    def probability(self, signals: dict[str, float]) -> float:
        if self.fallback is not None and any(math.isnan(signals[f]) for f in self.features):
            return self.fallback.probability(signals)
        # Without a fallback an unmeasured signal is neutral: it reads as the dev questions' mean.
        z = [0.0 if math.isnan(signals[f]) else (signals[f] - m) / s
             for f, m, s in zip(self.features, self.means, self.scales)]
        if self.quadratic:
            u = [min(1.0, max(0.0, (v - lo) / (hi - lo))) for v, lo, hi in zip(z, self.lows, self.highs)]
            z += [u[i] * u[j] for i, j in quadratic_pairs(len(self.features))]
        logit = self.bias + math.fsum(w * v for w, v in zip(self.weights, z))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))

    def answers(self, signals: dict[str, float]) -> bool:
        """Whether the best items answer the question."""
        return self.probability(signals) >= self.threshold

    @classmethod
    def from_dict(cls, data, source: str = "answer model") -> "AnswerModel":
        """Validate and build; a malformed model is a precise error, never a silent default."""
        if not isinstance(data, dict):
            raise ValueError(f"{source}: expected a mapping")
        terms = data.get("terms", "linear")
        if terms not in ("linear", "quadratic"):
            raise ValueError(f"{source}: terms must be linear or quadratic, not {terms!r}")
        try:
            features = tuple(str(f) for f in data["features"])
            columns = [tuple(float(x) for x in data[key]) for key in ("means", "scales", "weights")]
            bias, threshold = float(data["bias"]), float(data["threshold"])
            bounds = ([tuple(float(x) for x in data[key]) for key in ("lows", "highs")]
                      if terms == "quadratic" else [None, None])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: missing or non-numeric field ({exc})") from None
        unknown = [f for f in features if f not in ANSWER_SIGNALS]
        if unknown:
            raise ValueError(f"{source}: unknown signals {unknown}; known: {list(ANSWER_SIGNALS)}")
        gates = [f for f in features if f in ANSWER_GATES]
        if gates:
            raise ValueError(f"{source}: reads gate signals {gates}, which decide without the model: retrain it")
        n = len(features)
        if any(len(c) != n for c in [*columns[:2], *(b for b in bounds if b is not None)]):
            raise ValueError(f"{source}: means, scales (and lows, highs) need one value per feature ({n})")
        expected = n + len(quadratic_pairs(n)) if terms == "quadratic" else n
        if len(columns[2]) != expected:
            raise ValueError(f"{source}: a {terms} model over {n} features needs {expected} weights, "
                             f"not {len(columns[2])}")
        if any(not x > 0 for x in columns[1]) or not 0.0 < threshold < 1.0:
            raise ValueError(f"{source}: scales must be positive and the threshold within (0, 1)")
        if terms == "quadratic" and any(not lo < hi for lo, hi in zip(*bounds)):
            raise ValueError(f"{source}: each low must be below its high")
        fallback = None
        if data.get("fallback") is not None:
            inner = data["fallback"]
            if not isinstance(inner, dict):
                raise ValueError(f"{source}: fallback: expected a mapping")
            fallback = cls.from_dict({**inner, "threshold": threshold}, f"{source}: fallback")
            partial = [f for f in fallback.features if f in PARTIAL_SIGNALS]
            if partial:
                raise ValueError(f"{source}: fallback: reads signals that may be unmeasured: {partial}")
        return cls(features, *columns, bias, threshold, fallback, *bounds)


@lru_cache(maxsize=1)
def answer_model() -> AnswerModel:
    """The shipped answer model (guides/data/answer_model.yaml)."""
    return AnswerModel.from_dict(_data_file("answer_model.yaml"), "guides/data/answer_model.yaml")


# What the rank model reads of each candidate in the likelihood window (SearchIndex._rank_features):
# - place, cue, department: the region affinity, the ranking cues' factor, the department named;
# - first, second, third, position: its place in the hand-weighed order (the likelihood order);
# - window_position: its place before the likelihood reordered the window;
# - confidence, confidence_gap, coverage_share, resemblance, resemblance_gap: its score and how
#   much of the question it covers and resembles, also against the best candidate's;
# - likelihood_gap, rare_likelihood_gap: how far its wording's log-likelihood of the question
#   falls short of the likeliest candidate's, per character or pair (plain, and weighed by rarity);
# - lookup_for_service: a look-up item for a question that plainly asks to get something done.
RANK_FEATURES = ("place", "cue", "department", "first", "second", "third", "position", "window_position",
                 "confidence", "confidence_gap", "coverage_share", "resemblance", "resemblance_gap",
                 "likelihood_gap", "rare_likelihood_gap", "lookup_for_service")


@dataclass(frozen=True)
class RankModel:
    """Linear scorer of the candidates in the likelihood window, trained on the dev questions.

    ``guides/data/rank_model.yaml`` is written by ``eval/train_rank_model.py`` (a conditional
    logit: which candidate of the window is a right one). The window is put in the order of
    its scores; ties keep the hand-weighed order, which is also one of its features.
    """

    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]

    def __post_init__(self):
        # Each weight over its scale, once: the means shift every candidate's score alike.
        object.__setattr__(self, "_factors", tuple((f, w / s) for f, s, w in zip(self.features, self.scales, self.weights)))

    def scores(self, rows: list[dict[str, float]]) -> list[float]:
        """Each candidate's score (up to a constant shared by the window, which orders nothing)."""
        # A plain sum in a fixed order: the same in every process, like the exact sums elsewhere.
        return [sum(row[f] * k for f, k in self._factors) for row in rows]

    @classmethod
    def from_dict(cls, data, source: str = "rank model") -> "RankModel":
        """Validate and build; a malformed model is a precise error, never a silent default."""
        if not isinstance(data, dict):
            raise ValueError(f"{source}: expected a mapping")
        try:
            features = tuple(str(f) for f in data["features"])
            columns = [tuple(float(x) for x in data[key]) for key in ("means", "scales", "weights")]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: missing or non-numeric field ({exc})") from None
        unknown = [f for f in features if f not in RANK_FEATURES]
        if unknown:
            raise ValueError(f"{source}: unknown features {unknown}; known: {list(RANK_FEATURES)}")
        if not features or any(len(c) != len(features) for c in columns):
            raise ValueError(f"{source}: means, scales and weights need one value per feature ({len(features)})")
        if any(not (x > 0 and math.isfinite(x)) for x in columns[1]) or not all(
                math.isfinite(x) for c in (columns[0], columns[2]) for x in c):
            raise ValueError(f"{source}: scales must be positive and every number finite")
        return cls(features, *columns)


@lru_cache(maxsize=1)
def rank_model() -> RankModel | None:
    """The shipped rank model (guides/data/rank_model.yaml); None while ``RANK_MODEL`` is off."""
    if not RANK_MODEL:
        return None
    return RankModel.from_dict(_data_file("rank_model.yaml"), "guides/data/rank_model.yaml")


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
    """Ranked confident results; ``closest`` holds the best guesses when nothing was confident.

    Each hit's score is the confidence in that item. The ranking also weighs how much of the
    question an item explains relative to the other candidates, so a later hit may score higher.
    """

    question: str
    results: list[Hit] = field(default_factory=list)
    closest: list[Hit] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # region codes the question mentions
    departments: list[str] = field(default_factory=list)  # department codes it mentions
    not_a_service: bool = False  # it resembles a message that asks for no service
    signals: dict[str, float] = field(default_factory=dict)  # what the answer model read (ANSWER_SIGNALS)
    # The likelihood window as the rank model read it: (code, RANK_FEATURES values) of each
    # candidate, in the order before the likelihood reordering, for eval/train_rank_model.py.
    window: list[tuple[str, dict[str, float]]] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return bool(self.results)

    def suggestions(self, limit: int = 3) -> list[Hit]:
        """The closest items worth offering ("您是不是想问…") when nothing was confident: none for
        a message like one that asks for no service (chit-chat is not offered 户口迁移)."""
        if self.not_a_service:
            return []
        return [h for h in self.closest[:limit] if h.score >= SUGGESTION_SCORE]


@dataclass
class _Field:
    text: str
    tokens: frozenset[str]  # every token, compounds included: they nominate candidates
    bigrams: frozenset[str]
    parts: frozenset[str]  # the finest tokens: coverage is measured on these
    parts_mass: float = 0.0  # idf sums of parts and bigrams, filled in when the index is built
    bigram_mass: float = 0.0


def _finest(tokens: frozenset[str]) -> frozenset[str]:
    """Drop compound tokens whose pieces are also tokens (社会保障卡 when 社会, 保障, 卡 are there).

    jieba's search mode yields a whole word and its pieces; counting both would make a question
    that names every piece look like it covers only part of the name.
    """
    stop = stopwords()

    def covered(token: str) -> bool:
        # 办理及加注护照: 办理, 及 are filler, so they cover too.
        return all(covered_positions(token, [*tokens, *(w for w in stop if w in token)]))

    # 开公司 stays (公司 leaves 开 uncovered); 社会保障卡 goes when 社会, 保障 and 卡 are all there.
    return frozenset(t for t in tokens if not covered(t))


@dataclass
class _Entry:
    code: str
    name: str
    department: str
    department_code: str
    region_code: str
    fields: list[_Field]
    dept_tokens: frozenset[str]
    all_tokens: frozenset[str]
    all_bigrams: frozenset[str]
    dept_mass: float = 0.0
    groups: frozenset[str] = frozenset()  # applicant groups its official name names
    mainland: bool = False  # it names mainland residents: the general case
    lookup: bool = False  # it only looks something up
    facets: tuple[tuple[str, frozenset[str]], ...] = ()  # facet values (stages) its official name shows
    examples: tuple[frozenset[str], ...] = ()  # content words of each example question
    own_examples: bool = True  # it has example questions of its own (else its names stand in)
    example_tokens: frozenset[str] = frozenset()  # of all of them
    example_masses: tuple[float, ...] = ()
    # Its wording's characters and pairs: their ids (sorted), log(1 + count / smoothing) of each,
    # and log(all counts + smoothing × the number of distinct ones in the catalogue).
    gram_ids: np.ndarray | None = None
    gram_weights: np.ndarray | None = None
    gram_norm: float = 0.0
    own_words: frozenset[str] = frozenset()  # words of its name that tell it from its sibling items
    sibling_words: frozenset[str] = frozenset()  # such words of its siblings' names, not of its own


@dataclass
class _MessageSet:
    """Messages that ask for no service, and which of them hold each word (there are hundreds)."""
    messages: tuple[frozenset[str], ...] = ()
    postings: dict[str, tuple[int, ...]] = field(default_factory=dict)
    masses: tuple[float, ...] = ()

    @classmethod
    def of(cls, messages: tuple[frozenset[str], ...]) -> "_MessageSet":
        postings: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(messages):
            for word in words:
                postings[word].append(i)
        return cls(messages, {w: tuple(p) for w, p in postings.items()})


@dataclass
class _Query:
    text: str  # normalised question plus corrections and expansions
    tokens: set[str]  # the question's words, typo corrections included
    expanded: set[str]  # plus the official words its colloquial phrases stand for
    bigrams: set[str]
    regions: list[str]
    departments: list[str]
    department_names: list[str] = field(default_factory=list)  # every department mention, generic ones too
    groups: frozenset[str] = frozenset()  # applicant groups the question mentions
    lookup: bool = False  # it asks to look something up or check it
    clear_lookup: bool = False  # it plainly asks to look something up (查询, 在哪查, 进度)
    service: bool = False  # it plainly asks how to get something done (要带什么, 怎么申请) and not to look up
    advice: bool = False  # it asks for advice, opinions or trivia rather than a service
    amount: bool = False  # its ask (a story's last sentence) is how much one gets, or a rate: no guide says
    # facet values (stages) it asks for, and whether it was silent so that the default applies
    facets: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict)
    example_mass: float = 0.0  # its words' weight among example questions
    group_words: frozenset[str] = frozenset()  # how item names call the groups it mentions
    # the weights of its words and bigrams, looked up once rather than for every candidate field
    weights: dict[str, float] = field(default_factory=dict)
    bigram_weights: dict[str, float] = field(default_factory=dict)
    coverage_weights: dict[str, float] = field(default_factory=dict)  # how much each word counts as the question's
    associated: frozenset[str] = frozenset()  # official words its words are learnt to stand for
    mass: float = 0.0  # the weight of its words as a whole, by their coverage weights
    last: frozenset[str] = frozenset()  # the words of its last sentence, when it has several
    last_mass: float = 0.0
    corrections: tuple[str, ...] = ()  # the catalogue words its misspelt words stand for
    misspelt: frozenset[str] = frozenset()  # its words whose sounds lie within a correction's (登纪 for 登记)
    # what the likelihood reads: the normalised question and the corrections of its misspelt words
    # (户照 → 护照: the typo's characters make every service less likely, the corrected ones the right one likelier)
    reading: str = ""
    wording: float = 0.0  # how its wording alone speaks for asking a service (WordingModel)


def index_records(session: Session) -> dict:
    """Everything :meth:`SearchIndex.build` needs, read from the database in a few queries."""
    query = (
        select(ServiceItem)
        .where(ServiceItem.status == PublicationState.PUBLISHED)
        .options(selectinload(ServiceItem.aliases), selectinload(ServiceItem.department),
                 selectinload(ServiceItem.region))
        .order_by(ServiceItem.code)
    )
    items = [
        {
            "code": i.code, "name": i.name, "aliases": i.alias_names, "examples": list(i.examples or []),
            "parent_name": i.parent_name,
            "department": i.department.name, "department_code": i.department.code,
            "department_names": [i.department.name, i.department.short_name or "", *i.department.aliases],
            "region_code": i.region.code,
        }
        for i in session.scalars(query)
    ]
    region_rows = list(session.scalars(select(Region).options(selectinload(Region.parent))))
    dept_rows = list(session.scalars(select(Department).options(selectinload(Department.region))))
    return {
        "items": items,
        "words": [w.text for w in catalogue_words(session)],
        "region_parents": {r.code: (r.parent.code if r.parent else None) for r in region_rows},
        "regions": [(r.code, [r.name, r.short_name or "", *r.aliases]) for r in region_rows],
        "departments": [(d.code, [d.name, d.short_name or "", *d.aliases]) for d in dept_rows],
        "department_regions": {d.code: d.region.code for d in dept_rows},
    }


_FAMILY_END = re.compile(r"[（(]")  # 律师执业变更审核(执业类别变更): the service is what comes before


def _best_dice(shared_and_masses, query_mass: float) -> float:
    """The best Dice coefficient over (shared word weight, example's word weight) pairs."""
    return max((2 * shared / (mass + query_mass) for shared, mass in shared_and_masses if shared), default=0.0)


_BRACKETS = re.compile(r"[（）()\s]")


def _within(part: tuple, whole: tuple) -> bool:
    """Whether ``part`` occurs in ``whole`` as a contiguous run."""
    n = len(part)
    return any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def _service(name: str) -> str:
    """The service an item name stands for: 律师执业变更审核(（执业类别变更）) in one place and
    律师执业变更审核(执业类别变更) in another are one service written two ways."""
    return _BRACKETS.sub("", name)


def _distinct_first(ranked: list) -> list:
    """Copies of a service already listed (its items in other places) moved behind the other services.

    A list of three choices that names 公司设立登记 three times offers one; the copies stay in the
    list (the answer asks "在哪里办?" from them) but after every other service.
    """
    seen: set[str] = set()
    first, copies = [], []
    for candidate in ranked:
        name = _service(candidate[-1].name)
        (copies if name in seen else first).append(candidate)
        seen.add(name)
    return first + copies


def _count_grams(entries: list[_Entry], wordings: list[list[str]]) -> dict[str, int]:
    """Each entry's wording (its normalised names, aliases and example questions) as counts of
    characters and pairs; returns the id of every character and pair."""
    ids: dict[str, int] = {}
    counts = [Counter(ids.setdefault(g, len(ids)) for text in texts for g in char_grams(text)) for texts in wordings]
    smoothing_mass = LIKELIHOOD_SMOOTHING * max(len(ids), 1)
    for entry, count in zip(entries, counts):
        order = sorted(count)
        entry.gram_ids = np.array(order, dtype=np.int32)
        entry.gram_weights = np.log1p(np.array([count[g] for g in order], dtype=np.float32) / LIKELIHOOD_SMOOTHING)
        entry.gram_norm = math.log(sum(count.values()) + smoothing_mass)
    return ids


def _sibling_key(item: dict) -> str:
    """Items with the same parent catalogue name, or the same name before a bracketed qualifier."""
    parent = normalise(item.get("parent_name") or "", limit=None)
    if parent:
        return parent
    name = normalise(item["name"], limit=None)
    cut = name.find("(")
    return name[:cut] if cut > 0 else ""


def _mark_siblings(entries: list[_Entry], items: list[dict], field_of) -> None:
    """Give each item of a sibling group the words that tell it and its siblings apart."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        key = _sibling_key(item)
        if key:
            groups[key].append(i)
    for key, members in groups.items():
        names = {entries[i].fields[0].tokens for i in members}
        if len(names) < 2:
            continue
        base = field_of(key).tokens | frozenset.intersection(*names)
        # Single characters (增, 项) are too often parts of unrelated words to tell items apart.
        own = {i: frozenset(t for t in entries[i].fields[0].tokens - base if len(t) >= 2) for i in members}
        for i in members:
            name = entries[i].fields[0].tokens
            entries[i].own_words = own[i]
            entries[i].sibling_words = frozenset().union(*(own[j] for j in members if j != i)) - name


class SearchIndex:
    """Immutable search index; build it with :meth:`from_session` or :meth:`build`."""

    def __init__(self, entries: list[_Entry], tokenizer, region_parents: dict[str, str | None],
                 recognizer: MentionRecognizer | None, corrector: PinyinCorrector,
                 department_regions: dict[str, str] | None = None,
                 department_names: dict[str, str] | None = None, not_a_service: _MessageSet | None = None,
                 gram_ids: dict[str, int] | None = None, abbreviations: Abbreviations | None = None,
                 shapes: ShapeCorrector | None = None):
        self._entries = entries
        self._shapes = shapes
        self._abbreviations = abbreviations
        self._gram_ids = gram_ids or {}  # characters and pairs of the items' wording (see _count_grams)
        self._not_a_service = not_a_service or _MessageSet()
        self._department_regions = department_regions or {}
        self._department_names = department_names or {}  # code -> full name
        self._tokenizer = tokenizer
        self._parents = region_parents
        self._recognizer = recognizer
        self._corrector = corrector
        token_postings: dict[str, list[int]] = defaultdict(list)
        bigram_postings: dict[str, list[int]] = defaultdict(list)
        example_postings: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(entries):
            for token in entry.all_tokens:
                token_postings[token].append(index)
            for bigram in entry.all_bigrams:
                bigram_postings[bigram].append(index)
            for token in entry.example_tokens:
                example_postings[token].append(index)
        # Per item, its service and its place as small integers: a service offered in many places
        # has as many copies, which must not crowd the others out of the candidates.
        services: dict[str, int] = {}
        self._service_of = np.array([services.setdefault(_service(e.name), len(services)) for e in entries],
                                    dtype=np.int32)
        places: dict[str, int] = {}
        self._place_of = np.array([places.setdefault(e.region_code, len(places)) for e in entries], dtype=np.int32)
        self._places = places
        self._scope_masks: dict[str, np.ndarray] = {}
        n = max(len(entries), 1)
        # Example questions have their own word weights: their everyday words (孩子, 公司, 丢了)
        # must not change how much the words of names weigh.
        self._example_idf = {t: math.log(1 + n / len(p)) for t, p in example_postings.items()}
        self._idf = {t: math.log(1 + n / len(p)) for t, p in token_postings.items()}
        self._bigram_idf = {b: math.log(1 + n / len(p)) for b, p in bigram_postings.items()}
        self._default_idf = math.log(1 + n)
        self._common = max(20, int(COMMON_FRACTION * n))
        self._rare = max(10, int(RARE_FRACTION * n))
        # Terms that nominate candidates, with their postings as arrays and their nominating weight:
        # at 20,000 items a term's postings run to a thousand items, too many for a Python loop.
        self._nominators = (
            self._nominating(token_postings, self._idf, self._common, 1.0),
            self._nominating(bigram_postings, self._bigram_idf, self._common, 0.5),
            # everyday words fill examples: only rare ones nominate
            self._nominating(example_postings, self._example_idf, self._rare, EXAMPLE_NOMINATION),
        )
        for entry in entries:  # denominators never change: compute them once, not per query
            entry.dept_mass = self._idf_sum(entry.dept_tokens) or 1.0
            for f in entry.fields:
                f.parts_mass = self._idf_sum(f.parts) or 1.0
                f.bigram_mass = self._bigram_idf_sum(f.bigrams) or 1.0
            entry.example_masses = tuple(self._example_idf_sum(e) or 1.0 for e in entry.examples)
        self._not_a_service.masses = tuple(self._example_idf_sum(m) or 1.0 for m in self._not_a_service.messages)
        self._ancestor_chain = {code: tuple(self._walk_up(code)) for code in region_parents}
        self._depth = {code: len(chain) for code, chain in self._ancestor_chain.items()}
        self._associations = self._associate(entries)
        # What a question asks for (材料, 收费标准) is never a subject the answer must explain...
        self._all_asking = _asking_words()
        # ...but an asking word that names services too (法律 of 法律援助) is a word of the topic.
        self._asking = self._all_asking - self._idf.keys()
        self._nouns = noun_words()  # read here, not on the first question
        # Who applies, which stage, a look-up: the ranking cues weigh such words, they name no subject.
        self._cue_words = ranking_cues().words()
        self._gram_postings = self._rare_gram_postings(entries, len(self._gram_ids))
        self._named = self._name_postings(entries, self._idf)
        self._last_grams: tuple[str, list[int]] | None = None
        # How rare each character or pair is among the items' wording: the margin of the services an
        # answer shows weighs the question's distinctive grams (结婚证) above its asking ones (丢了 补).
        worded = [e.gram_ids for e in entries if e.gram_ids is not None]
        counts = np.bincount(np.concatenate(worded), minlength=len(self._gram_ids)) if worded else np.zeros(0)
        self._gram_idf = np.log((len(worded) + 1) / (counts + 1))

    @staticmethod
    def _name_postings(entries: list[_Entry], idf: dict[str, float]) -> dict[str, tuple[tuple[frozenset[str], tuple[int, ...]], ...]]:
        """Per word, the names and aliases (of two words or more) whose rarest word it is, each with
        the items that have it: a question holding that word may name one in full (see
        :meth:`_named_items`). A service's copies in many places share their names: one check each."""
        postings: dict[str, dict[frozenset[str], list[int]]] = defaultdict(dict)
        for index, entry in enumerate(entries):
            for f in entry.fields:
                # Words, not tokens: search mode also cuts 通行 out of 通行证, one word.
                if sum(not any(t in u for u in f.parts if u != t) for t in f.parts) >= 2:
                    items = postings[max(sorted(f.parts), key=lambda t: idf.get(t, 0.0))].setdefault(f.parts, [])
                    if not items or items[-1] != index:
                        items.append(index)
        return {word: tuple((parts, tuple(items)) for parts, items in names.items()) for word, names in postings.items()}

    def _named_items(self, query: _Query) -> list[int]:
        """The items one of whose names or aliases the question holds every word of, in item order."""
        asked = query.expanded
        found = [items for word in asked for parts, items in self._named.get(word, ()) if parts <= asked]
        return sorted(set().union(*found)) if found else []

    @staticmethod
    def _rare_gram_postings(entries: list[_Entry], grams: int):
        """Per character or pair held by few items' wording (LIKELIHOOD_RARE_FRACTION), the items
        with example questions of their own that hold it and its weight there, as CSR arrays; and
        every item's likelihood denominator (infinite for an item without examples of its own)."""
        own = [i for i, e in enumerate(entries) if e.own_examples and e.gram_ids is not None]
        if not own or not grams:
            return None
        norms = np.full(len(entries), np.inf)
        norms[own] = [entries[i].gram_norm for i in own]
        ids = np.concatenate([entries[i].gram_ids for i in own])
        weights = np.concatenate([entries[i].gram_weights for i in own])
        items = np.concatenate([np.full(len(entries[i].gram_ids), i, dtype=np.int32) for i in own])
        keep = np.bincount(ids, minlength=grams)[ids] <= max(2, LIKELIHOOD_RARE_FRACTION * len(own))
        ids, weights, items = ids[keep], weights[keep], items[keep]
        order = np.argsort(ids, kind="stable")
        starts = np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=grams))])
        return starts, items[order], weights[order], norms

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _associate(entries: list[_Entry]) -> dict[str, frozenset[str]]:
        """Words of example questions that items' names put differently (改 → 变更, 做得好 → 表彰).

        Learnt across services, so a question may use them for a service whose own examples do
        not: a word must occur in the examples of at least ASSOCIATION_MIN_ITEMS services without
        being in their names, and most of those services' names must share the official word. A
        service is a family of items: the same name in many places, or a name's bracketed variants.
        """
        names: dict[str, set[str]] = defaultdict(set)
        examples: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            family = _FAMILY_END.split(entry.name, 1)[0]
            for f in entry.fields:
                names[family] |= f.parts
            examples[family] |= entry.example_tokens
        in_names: dict[str, int] = defaultdict(int)
        families_with: dict[str, list[str]] = defaultdict(list)
        for family, words in names.items():
            for word in words:
                in_names[word] += 1
            for word in examples[family] - words:
                families_with[word].append(family)
        n = max(len(names), 1)
        found: dict[str, set[str]] = defaultdict(set)
        for word, families in families_with.items():
            if len(families) < ASSOCIATION_MIN_ITEMS:
                continue
            shared: dict[str, int] = defaultdict(int)
            for family in families:
                for official in names[family]:
                    shared[official] += 1
            for official, k in shared.items():
                share = k / len(families)
                if (k >= ASSOCIATION_MIN_ITEMS and share >= ASSOCIATION_MIN_SHARE
                        and share * n / in_names[official] >= ASSOCIATION_MIN_LIFT):
                    found[word].add(official)
        return {word: frozenset(officials) for word, officials in found.items()}

    @staticmethod
    def _nominating(postings: dict[str, list[int]], idf: dict[str, float], most: int,
                    factor: float) -> dict[str, tuple[np.ndarray, float]]:
        return {term: (np.array(items, dtype=np.int32), factor * idf[term])
                for term, items in postings.items() if len(items) <= most}

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, items: list[dict], words: list[str], region_parents: dict[str, str | None],
              regions: list[tuple[str, list[str]]] = (), departments: list[tuple[str, list[str]]] = (),
              department_regions: dict[str, str] | None = None) -> "SearchIndex":
        """Build from plain records.

        ``items``: dicts with ``code, name, aliases, parent_name, department, department_code,
        department_names, region_code``; ``regions``/``departments``: (code, names) for mention
        recognition.
        """
        tokenizer = new_tokenizer((w, WORD_FREQ) for w in words)

        def normalised_field(norm: str) -> _Field:
            tokens = frozenset(content_tokens(tokenizer, norm))
            return _Field(norm, tokens, frozenset(han_bigrams(norm)), _finest(tokens))

        def field_of(text: str) -> _Field:
            return normalised_field(normalise(text, limit=None))

        def example_words(norm: str) -> frozenset[str]:
            """The content words of a normalised example question."""
            return _finest(frozenset(content_tokens(tokenizer, norm)))

        entries = []
        wordings = []  # per item, its names and example questions, normalised once for every use
        cues = ranking_cues()
        vocabulary = set(words)
        for item in items:
            names = [normalise(t, limit=None) for t in (item["name"], *(item.get("aliases") or []))]
            said = [normalise(t, limit=None) for t in item.get("examples") or []]
            wordings.append(names + said)
            fields = [normalised_field(t) for t in names]
            if item.get("parent_name"):
                fields.append(field_of(item["parent_name"]))
            fields = [f for f in fields if f.tokens or f.bigrams]
            dept_tokens = frozenset(
                t for name in item.get("department_names") or [] for t in content_tokens(tokenizer, normalise(name, None))
            )
            all_tokens = frozenset().union(dept_tokens, *(f.tokens for f in fields))
            all_bigrams = frozenset().union(*(f.bigrams for f in fields)) if fields else frozenset()
            vocabulary |= {t for f in fields for t in f.tokens if len(t) >= 2}
            examples = tuple(e for e in map(example_words, said) if e)
            own_examples = bool(examples)
            if not examples and NAMES_STAND_IN:
                # A guide just added has no example questions yet. Resembling them is strong
                # evidence, for the ranking and for the answer model alike: without stand-ins its
                # siblings with examples outrank it and most questions about it go unanswered.
                examples = tuple(e for e in map(example_words, names) if e)
            name = names[0]
            entries.append(_Entry(item["code"], item["name"], item["department"], item.get("department_code", ""),
                                  item["region_code"], fields, dept_tokens, all_tokens, all_bigrams,
                                  groups=cues.item_groups(name), mainland=cues.is_mainland(name),
                                  lookup=cues.is_lookup(name), facets=cues.item_facets(name),
                                  examples=examples, example_tokens=frozenset().union(*examples),
                                  own_examples=own_examples))
        _mark_siblings(entries, items, field_of)
        gram_ids = _count_grams(entries, wordings)
        vocabulary |= {k for k, _ in synonym_table() for k in k.split()}
        # Asking words are meant as written: 加急 is not a typo of the item word 佳绩.
        vocabulary |= _asking_words()
        recognizer = MentionRecognizer(list(regions), list(departments)) if (regions or departments) else None
        negatives = tuple(e for e in (example_words(normalise(m, limit=None)) for m in not_a_service_examples()) if e)
        abbreviations = Abbreviations((w[0] for w in wordings), vocabulary, tokenizer.FREQ) if ABBREVIATIONS else None
        shapes = ShapeCorrector(vocabulary, tokenizer.FREQ) if SHAPES else None
        return cls(entries, tokenizer, region_parents, recognizer, PinyinCorrector(sorted(vocabulary), tokenizer.FREQ),
                   department_regions, {code: names[0] for code, names in departments if names},
                   _MessageSet.of(negatives), gram_ids, abbreviations, shapes)

    @classmethod
    def from_session(cls, session: Session) -> "SearchIndex":
        """Index every published item in the database."""
        return cls.build(**index_records(session))

    # ------------------------------------------------------------------ regions

    def _walk_up(self, code: str):
        parent = self._parents.get(code)
        while parent:
            yield parent
            parent = self._parents.get(parent)

    def _ancestors(self, code: str) -> tuple[str, ...]:
        return self._ancestor_chain.get(code) or tuple(self._walk_up(code))

    def _region_scope(self, code: str) -> set[str] | None:
        """A region, its ancestors (higher levels serve it too) and its descendants."""
        if code not in self._parents:
            return None
        return {r for r in self._parents if r == code or code in self._ancestors(r)} | set(self._ancestors(code))

    def _affinity(self, item_region: str, mentioned: list[str]) -> float:
        """1.0 for the mentioned region itself; a little less for its parents and subdivisions."""
        if not mentioned:
            return 1.0
        best = OTHER_REGION_FACTOR
        item_ancestors = self._ancestors(item_region)
        for region in mentioned:
            if item_region == region:
                return 1.0
            if item_region in self._ancestors(region):  # a higher level serving the mentioned place
                best = max(best, 1.0 - 0.02 * (self._depth[region] - self._depth[item_region]))
            elif region in item_ancestors:  # a subdivision of the mentioned place
                best = max(best, 1.0 - 0.03 * (self._depth[item_region] - self._depth[region]))
        return best

    # ------------------------------------------------------------------ querying

    def _analyse(self, question: str | None) -> _Query:
        text = normalise(question)
        mentions = self._recognizer(text) if self._recognizer and text else []
        # A generic name (公安局) fits many departments: it neither boosts one nor places the question.
        named = [m for m in mentions if m.label == "DEPT" and not self._recognizer.is_ambiguous(m.text)]
        departments = list(dict.fromkeys(m.code for m in named))
        regions = list(dict.fromkeys(
            [m.code for m in mentions if m.label == "REGION"]
            + [self._department_regions[d] for d in departments if d in self._department_regions]
        ))
        # 柳江区拉堡村: the village is the place meant; its district only locates it.
        regions = [r for r in regions if not any(r in self._ancestors(other) for other in regions)]
        # Mentions place the question; they say nothing about which service it is.
        stripped = text
        for mention in sorted(mentions, key=lambda m: -m.start):
            stripped = stripped[:mention.start] + " " + stripped[mention.end:]
        # Cut once: the words give the boundaries, the tokens and the last sentence's tokens.
        words = list(self._tokenizer.cut(stripped, HMM=False))
        ends = list(itertools.accumulate(map(len, words)))
        boundaries = {0, *ends}
        corrections = self._corrector.corrections(stripped, boundaries)
        # 法律缓助: read as 法律援助 too, and the words holding the look-alike count as misspelt.
        shape_typos = []
        for fix in self._shapes.corrections(stripped, boundaries) if self._shapes else ():
            corrections += [w for w in fix.words if w not in corrections]
            shape_typos.append(fix.typo)
        if self._abbreviations:  # 就创证: read as 就业创业证 too
            corrections += self._abbreviations.expansions(stripped, boundaries)
        added = " ".join(corrections)
        literal = stripped + " " + added
        officials = synonym_officials(literal)
        full = literal + " " + " ".join(officials)
        # jieba cuts at every space, so the literal text's words are the stripped text's and the added ones'.
        tokens = set(content_tokens(self._tokenizer, literal, [*words, " ", *self._tokenizer.cut(added, HMM=False)]))
        expanded = (tokens | set(content_tokens(self._tokenizer, " ".join(officials)))) if officials else tokens
        bigrams = set(han_bigrams(stripped)) | {b for w in corrections for b in han_bigrams(w)}
        department_names = [m.text for m in mentions if m.label == "DEPT"]
        cues = ranking_cues()
        groups = cues.question_groups(text)
        # 香港人在广州开公司: the question names the group the way people do; item names say 外商投资.
        group_words = frozenset(w for w in cues.group_name_words(groups) if w in self._idf) - expanded
        if group_words:
            expanded = expanded | group_words
        associated = frozenset(a for t in tokens for a in self._associations.get(t, ())) - expanded
        # A word no item contains still counts against coverage, but less: it may be context
        # ("下个月去日本旅游") rather than a different subject. Group words may be matched, never missed.
        own = tokens | group_words
        coverage_weights = {t: self._idf.get(t, UNKNOWN_WORD_FACTOR * self._default_idf)
                            * (1.0 if t in own else QUERY_EXPANSION_WEIGHT) for t in expanded}
        start, end = _last_sentence_span(stripped)
        # A story's last sentence is usually its ask ("……执业机构怎么变更？"): it counts on its own too.
        # Sentence breaks are never inside a jieba word, so its words are those of the stripped text.
        last = (frozenset(content_tokens(self._tokenizer, stripped[start:end],
                                         [w for w, e in zip(words, ends) if start < e <= end])) & expanded
                if (start, end) != (0, len(stripped)) else frozenset())
        mass = math.fsum(coverage_weights[t] for t in expanded - group_words)
        last_mass = math.fsum(coverage_weights[t] for t in last)
        lookup = cues.asks_lookup(text)
        return _Query(full, tokens, expanded, bigrams, regions, departments, department_names,
                      groups=groups, group_words=group_words, lookup=lookup,
                      clear_lookup=cues.clearly_asks_lookup(text),
                      service=cues.clearly_asks_service(text) and not lookup,
                      advice=cues.asks_advice(text), amount=cues.asks_amount(_last_sentence(text)),
                      facets=cues.question_facets(literal),
                      example_mass=self._example_idf_sum(expanded) if self._example_idf else 0.0,
                      weights={t: self._idf.get(t, self._default_idf) for t in expanded},
                      bigram_weights={b: self._bigram_idf.get(b, self._default_idf) for b in bigrams},
                      coverage_weights=coverage_weights, associated=associated,
                      mass=mass, last=last, last_mass=last_mass, corrections=tuple(corrections),
                      misspelt=self._misspelt(tokens, corrections) | frozenset(
                          w for w, e in zip(words, ends) if w in tokens and any(e - len(w) <= t < e for t in shape_typos)),
                      reading=" ".join((text, *corrections)),
                      wording=wording_model().log_odds(text))

    @staticmethod
    def _misspelt(tokens, corrections) -> frozenset[str]:
        """The words a correction accounts for: their syllables lie within the correction's."""
        if not corrections:
            return frozenset()
        sounds = [word_syllables(c) for c in corrections]
        return frozenset(t for t in tokens if any(_within(word_syllables(t), s) for s in sounds))

    def _idf_sum(self, tokens) -> float:
        return math.fsum(self._idf.get(t, self._default_idf) for t in tokens)

    def _example_idf_sum(self, tokens) -> float:
        return math.fsum(self._example_idf.get(t, self._default_idf) for t in tokens)

    def _bigram_idf_sum(self, bigrams) -> float:
        return math.fsum(self._bigram_idf.get(b, self._default_idf) for b in bigrams)

    def _in_scope(self, regions: list[str]) -> np.ndarray:
        """Per item, whether it is in or serves one of ``regions`` (their parents and subdivisions)."""
        masks = []
        for region in regions:
            mask = self._scope_masks.get(region)
            if mask is None:
                scope = self._region_scope(region) or set()
                mask = np.array([code in scope for code in self._places], dtype=bool)[self._place_of]
                if region in self._parents:  # one mask per known place, never one per odd request
                    self._scope_masks[region] = mask
            masks.append(mask)
        return np.logical_or.reduce(masks) if len(masks) > 1 else masks[0]

    def _candidates(self, query: _Query, region: str | None = None) -> list[int]:
        """The items worth scoring in full: those sharing the most weight of terms with the question.

        A service offered in many places has as many copies with the same words; at most
        :data:`MAX_COPIES` of them take a place among the candidates, so that a large catalogue
        still scores several services. Copies in the places the question names come first.
        """
        tokens, bigrams, examples = self._nominators
        # Terms in sorted order: the sums below then never depend on the sets' (hash-seeded) order.
        words = sorted(query.expanded)
        postings = [nominated for terms, nominators in
                    ((words, tokens), (sorted(query.bigrams), bigrams), (words, examples))
                    for nominated in map(nominators.get, terms) if nominated is not None]
        # One weighted count over every posting (in the same order, so the same sums as term by term).
        if postings:
            items = np.concatenate([p[0] for p in postings])
            weights = np.repeat([p[1] for p in postings], [len(p[0]) for p in postings])
            prescore = np.bincount(items, weights, minlength=len(self._entries))
        else:
            prescore = np.zeros(len(self._entries))
        if region:  # a filter: nothing outside it is a candidate
            prescore[~self._in_scope([region])] = 0.0
        found = np.flatnonzero(prescore)
        chosen = found.tolist() if len(found) <= MAX_CANDIDATES else self._best_pre_scored(found, prescore, query)
        return self._likeliest(query, self._with_named(query, chosen, prescore, region), region)

    def _placed_prescore(self, items: np.ndarray, prescore: np.ndarray, query: _Query) -> np.ndarray:
        """The pre-score of ``items`` as the score will weigh places: the place named first, then
        those serving it, then the rest."""
        key = prescore[items]
        if query.regions:
            key = key * np.array([OTHER_REGION_FACTOR, 0.98, 1.0])[self._place_rank(items, query.regions)]
        return key

    def _best_pre_scored(self, found: np.ndarray, prescore: np.ndarray, query: _Query) -> list[int]:
        """The MAX_CANDIDATES best pre-scored of ``found``, at most MAX_COPIES copies of a service."""
        key = self._placed_prescore(found, prescore, query)
        # The best, and among equals the earlier items: a stable order, whatever the sets' order.
        # A few hundred are read at most: those are sorted first (with every item tied with the
        # last of them, so the order is the full sort's) and the rest only if they run out.
        parts = [(found, key)]
        if len(found) > SORTED_HEAD:
            keep = key >= -np.partition(-key, SORTED_HEAD - 1)[SORTED_HEAD - 1]
            parts = [(found[keep], key[keep]), (found[~keep], key[~keep])]
        chosen: list[int] = []
        copies: dict[int, int] = defaultdict(int)
        for part, part_key in parts:
            order = part[np.lexsort((part, -part_key))]
            for index, service in zip(order.tolist(), self._service_of[order].tolist()):
                if copies[service] < MAX_COPIES:
                    copies[service] += 1
                    chosen.append(index)
                    if len(chosen) == MAX_CANDIDATES:
                        return chosen
        return chosen

    def _with_named(self, query: _Query, chosen: list[int], prescore: np.ndarray, region: str | None) -> list[int]:
        """``chosen`` and the best copies of up to NAMED_NOMINEES services the question names in full
        (every word of one of their names or aliases), if not already there: a service whose words
        its many variants share (办理往来台湾通行证 beside each 签注 and 进度查询 of it) can be
        outweighed by them in the pre-score, named as plainly as it is."""
        if not NAMED_NOMINEES:
            return chosen
        items = np.array(self._named_items(query), dtype=np.int64)
        if region and len(items):
            items = items[self._in_scope([region])[items]]
        if not len(items):
            return chosen
        key = self._placed_prescore(items, prescore, query)
        return chosen + self._new_services(items[np.lexsort((items, -key))].tolist(), chosen, NAMED_NOMINEES)

    def _new_services(self, ordered: list[int], chosen: list[int], most: int) -> list[int]:
        """The first item of each service in ``ordered`` that has none in ``chosen``, at most ``most``."""
        services = {int(self._service_of[i]) for i in chosen}
        added: list[int] = []
        for i in ordered:
            service = int(self._service_of[i])
            if service not in services:
                services.add(service)
                added.append(i)
                if len(added) == most:
                    break
        return added

    def _likeliest(self, query: _Query, chosen: list[int], region: str | None) -> list[int]:
        """``chosen`` and the best items of the LIKELIHOOD_NOMINEES services that the question's
        distinctive characters and pairs make likeliest (naive Bayes over those alone), if not
        already there: a question worded like a service's examples but sharing few terms with
        its names (跳槽到广州的律所 for 跨市转所) still has it scored."""
        if not LIKELIHOOD_NOMINEES or self._gram_postings is None:
            return chosen
        starts, items, weights, norms = self._gram_postings
        asked = np.array(self._grams_of(query.reading), dtype=np.int64)
        if not len(asked):
            return chosen
        # The postings of every asked gram at once: positions starts[g] … starts[g + 1] - 1 of each.
        lengths = starts[asked + 1] - starts[asked]
        if not lengths.sum():
            return chosen
        ends = np.cumsum(lengths)
        positions = np.arange(ends[-1]) + np.repeat(starts[asked] - (ends - lengths), lengths)
        score = np.bincount(items[positions], weights[positions], minlength=len(self._entries))
        held = np.flatnonzero(score)
        if region:
            held = held[self._in_scope([region])[held]]
        if not len(held):
            return chosen
        likelihood = score[held] - np.count_nonzero(lengths) * norms[held]
        look = min(len(held), 4 * LIKELIHOOD_NOMINEES + len(chosen))  # enough to pass those chosen
        best = np.argpartition(-likelihood, look - 1)[:look] if look < len(held) else np.arange(len(held))
        best = best[np.lexsort((held[best], -likelihood[best]))]
        added = self._new_services(held[best].tolist(), chosen, LIKELIHOOD_NOMINEES)
        if added and query.regions:
            added = self._placed_copies(query, added, held, likelihood)
        return chosen + added

    def _grams_of(self, text: str) -> list[int]:
        """The ids of the characters and pairs of ``text`` that the items' wording holds."""
        # The nomination and the reordering read the same text: the last one's are kept.
        last = self._last_grams
        if last is None or last[0] != text:
            last = self._last_grams = (text, [g for g in map(self._gram_ids.get, char_grams(text)) if g is not None])
        return last[1]

    def _place_rank(self, items: np.ndarray, regions: list[str]) -> np.ndarray:
        """Per item: 2 in a place ``regions`` names, 1 in one serving it (or a subdivision), else 0."""
        named = np.isin(self._place_of[items], [self._places[r] for r in regions if r in self._places])
        return np.where(named, 2, np.where(self._in_scope(regions)[items], 1, 0))

    def _placed_copies(self, query: _Query, added: list[int], held: np.ndarray, likelihood: np.ndarray) -> list[int]:
        """Each of ``added`` replaced by its service's copy in the place the question names, or
        else in one serving it, if one holds the question's grams: copies share their wording, so
        the likeliest copy is the first one listed (the province's), not the one for 广州."""
        place = self._place_rank(held, query.regions)
        services = self._service_of[held]
        placed = []
        for i in added:
            same = np.flatnonzero(services == self._service_of[i])
            # The best place, then the likeliest copy there, then the earliest item: a stable choice.
            pick = same[np.lexsort((held[same], -likelihood[same], -place[same]))[0]]
            placed.append(int(held[pick]))
        return placed

    def _score(self, entry: _Entry, query: _Query) -> tuple[float, float, float]:
        """The item's confidence, how much of the question it explains and how closely the
        question resembles its examples (each 0..1)."""
        best = official = 0.0
        expanded = query.expanded is not query.tokens
        weight, bigram_weight = query.weights.__getitem__, query.bigram_weights.__getitem__
        for position, f in enumerate(entry.fields):
            if len(f.text) >= MIN_QUOTED_CHARS and f.text in query.text:
                best = 1.0
                if position == 0:
                    official = 1.0
                break
            if f.parts.isdisjoint(query.expanded) and f.bigrams.isdisjoint(query.bigrams):
                continue  # nothing in common: coverage 0 (most alias fields, for most questions)
            bigram = (BIGRAM_WEIGHT * math.fsum(map(bigram_weight, f.bigrams & query.bigrams)) / f.bigram_mass
                      if f.bigrams else 0.0)
            common = f.parts & query.tokens
            word = math.fsum(map(weight, common)) / f.parts_mass if common else 0.0
            coverage = word if word > bigram else bigram
            if expanded:
                common_x = f.parts & query.expanded
                if len(common_x) > len(common):  # the expansion reaches this field (else it adds nothing)
                    via = EXPANSION_WEIGHT * max(math.fsum(map(weight, common_x)) / f.parts_mass, bigram)
                    if via > coverage:
                        coverage = via
            if position == 0:
                official = coverage
            if coverage > best:
                best = coverage
        if best == 0.0:
            dept_only = entry.dept_tokens & query.expanded
            if dept_only:
                best = DEPARTMENT_FIELD_WEIGHT * math.fsum(map(weight, dept_only)) / entry.dept_mass
        # Words of items are all known words: their weights are the question's own.
        counted = query.coverage_weights.__getitem__
        q_cov = min(1.0, math.fsum(map(counted, entry.all_tokens & query.expanded)) / query.mass) if query.mass else best
        if query.last_mass and LAST_SENTENCE_WEIGHT:
            last_cov = min(1.0, math.fsum(map(counted, entry.all_tokens & query.last)) / query.last_mass)
            q_cov = max(q_cov, LAST_SENTENCE_WEIGHT * last_cov)
        score = NAME_WEIGHT * best + QUERY_WEIGHT * q_cov + OFFICIAL_NAME_WEIGHT * official
        if entry.examples and query.example_mass:
            # Soft OR: resemblance fills part of what the words left open, and never reaches 1.0,
            # so it cannot tie items the name already tells apart.
            sim = self._example_similarity(entry, query)
            score += EXAMPLE_WEIGHT * sim * (1.0 - score)
        else:
            sim = 0.0
        score *= self._affinity(entry.region_code, query.regions) * self._cue_factor(entry, query)
        if entry.department_code in query.departments:
            score = min(1.0, score * DEPARTMENT_BOOST)
        return round(score, 4), q_cov, sim

    @staticmethod
    def _cue_factor(entry: _Entry, query: _Query) -> float:
        """What the ranking cues make of the item for this question: 1.0, or less when one speaks against it."""
        factor = 1.0
        if entry.groups:
            if entry.groups.isdisjoint(query.groups):
                factor *= GROUP_FACTOR
        elif entry.mainland and query.groups:
            factor *= GROUP_FACTOR
        if entry.lookup and not query.lookup:
            factor *= LOOKUP_FACTOR
        elif query.clear_lookup and not entry.lookup:
            factor *= SERVICE_FACTOR
        if query.advice:
            factor *= ADVICE_FACTOR
        names_a_sibling = not entry.sibling_words.isdisjoint(query.expanded)
        if names_a_sibling and entry.own_words.isdisjoint(query.expanded):
            factor *= SIBLING_FACTOR
        for facet, shown in entry.facets:
            asked, defaulted = query.facets.get(facet, (frozenset(), False))
            if asked and shown.isdisjoint(asked):
                factor *= DEFAULT_FACET_FACTOR if defaulted else FACET_FACTOR
        return factor

    def _example_similarity(self, entry: _Entry, query: _Query) -> float:
        """How closely the question resembles the item's example questions (0..1, Dice on word weights)."""
        shared = [0.0] * len(entry.examples)
        for token in sorted(entry.example_tokens & query.expanded):  # a few words: cheaper than a set per example
            weight = self._example_idf[token]
            for i, words in enumerate(entry.examples):
                if token in words:
                    shared[i] += weight
        return _best_dice(zip(shared, entry.example_masses), query.example_mass)

    def _no_service_resemblance(self, query: _Query) -> float:
        """How closely the question resembles a message that asks for no service (0…1)."""
        messages = self._not_a_service
        if not messages.messages or not query.example_mass:
            return 0.0
        shared: dict[int, float] = defaultdict(float)
        # How a question asks (几点, 多少钱, 在哪) is what service questions ask too: such words are
        # no evidence that it asks for no service ("车管所几点上班" is not "几点下班了好无聊").
        for word in sorted(query.expanded - self._asking):
            for i in messages.postings.get(word, ()):
                shared[i] += self._example_idf.get(word, self._default_idf)
        return _best_dice(((s, messages.masses[i]) for i, s in shared.items()), query.example_mass)

    def _asks_no_service(self, query: _Query, best_sim: float, resemblance: float) -> bool:
        """The question resembles a message asking for no service more than any candidate's examples,
        or resembles one and asks for advice."""
        if resemblance < NOT_A_SERVICE_MIN:
            return False
        # Asking for advice and resembling such a message are two signs: no margin needed
        # ("申论怎么写才能拿高分" resembles the 公务员考试报名 examples as much).
        return query.advice or resemblance > best_sim + NOT_A_SERVICE_MARGIN

    def browse(self, question: str | None, limit: int = 10) -> SearchResponse:
        """Items related to a topic or department ("社保有哪些业务", "人社局能办什么"), best first.

        Unlike :meth:`search` this does not look for one item: any item sharing the question's
        words (department names included) is related; places mentioned still rank their items first.
        """
        query = self._analyse(question)
        response = SearchResponse(question=question or "", regions=query.regions, departments=query.departments)
        scored = []
        if query.department_names:  # "柳州公安局能办什么": that department's items, in that place
            # Sub-units count as the department: 柳州市公安局出入境管理支队 is part of 柳州市公安局.
            full_names = [self._department_names[d] for d in query.departments if d in self._department_names]
            for entry in self._entries:
                named = entry.department_code in query.departments or any(
                    entry.department.startswith(n) for n in full_names) or any(
                    n in entry.department or n in entry.dept_tokens for n in query.department_names)
                affinity = self._affinity(entry.region_code, query.regions)
                if named and affinity > OTHER_REGION_FACTOR:
                    scored.append((affinity + self._idf_sum(entry.all_tokens & query.expanded), entry))
        else:
            for index in self._candidates(query):
                entry = self._entries[index]
                overlap = self._idf_sum(entry.all_tokens & query.expanded)
                if overlap:
                    scored.append((overlap * self._affinity(entry.region_code, query.regions), entry))
        scored.sort(key=lambda pair: (-pair[0], pair[1].name, pair[1].code))
        response.results = [Hit(e.code, e.name, e.department, e.region_code, round(s, 4)) for s, e in scored[:limit]]
        return response

    def search(self, question: str | None, limit: int = 5, region: str | None = None) -> SearchResponse:
        """Rank items for ``question``; empty results mean "no confident match"."""
        response = SearchResponse(question=question or "")
        limit = max(1, min(int(limit), 100))
        query = self._analyse(question)
        response.regions, response.departments = query.regions, query.departments
        if not query.expanded and not query.bigrams:
            return response
        if region and region not in self._parents:
            return response  # unknown region: nothing can match it
        # A region filter is applied by the nomination itself: every candidate is in its scope.
        scored = [(*self._score(self._entries[i], query), self._entries[i]) for i in self._candidates(query, region)]
        # The ranking weighs more than the confidence does. A long story leaves most of its words
        # unexplained by every item and resembles no example closely, so coverage and resemblance
        # count also relative to the best candidate's; and resemblance counts more, since
        # out-of-scope questions resemble some example too and must not gain confidence from it.
        best_cov = max((cov for _, cov, _, _ in scored), default=0.0) or 1.0
        best_sim = max((sim for _, _, sim, _ in scored), default=0.0)
        associated = {t: self._idf[t] for t in query.associated}
        associated_mass = math.fsum(associated.values()) or 1.0

        def rank(candidate):
            confidence, cov, sim, entry = candidate
            extra = (RELATIVE_COVERAGE_WEIGHT * (cov / best_cov - cov)
                     + RELATIVE_EXAMPLE_WEIGHT * (sim / (best_sim or 1.0) - sim)
                     + EXAMPLE_RANK_WEIGHT * sim * (1.0 - confidence)
                     + ASSOCIATION_RANK_WEIGHT * math.fsum(associated[t] for t in entry.all_tokens & query.associated)
                     / associated_mass)
            # A place the question did not ask about lowers what the ranking adds, as it lowers the confidence.
            extra *= self._affinity(entry.region_code, query.regions)
            return -(confidence + extra), len(entry.name), entry.code

        top = self._contrast(heapq.nsmallest(max(limit, 2, CONTRAST_ITEMS, LIKELIHOOD_ITEMS), scored, key=rank),
                             query, rank)
        # As many as before the reordering: the copies moved behind other services (_distinct_first)
        # must not be pushed out of the list by the candidates only the reordering looked at.
        top, margin, shown_margin = self._by_likelihood(top, query.reading, query.service, query, response.window)
        top = top[:max(limit, 2, CONTRAST_ITEMS)]
        # The answer model reads the ranking as it stands: a copy in another place is a runner-up too.
        hits = [Hit(e.code, e.name, e.department, e.region_code, s) for s, _, _, e in _distinct_first(top)]
        if not hits:
            return response
        resemblance = self._no_service_resemblance(query)
        response.not_a_service = self._asks_no_service(query, best_sim, resemblance)
        response.signals = self._answer_signals(query, top, best_sim, resemblance, response.not_a_service,
                                                margin, shown_margin)
        hits = hits[:limit]
        if (hits[0].score >= ANSWER_FLOOR and not any(response.signals[g] for g in ANSWER_GATES)
                and answer_model().answers(response.signals)):
            # Beside the answer, the items worth offering as the answer's alternatives: the bar of
            # the suggestions offered when nothing is confident (a hotline operator reads them all;
            # the assistant asks to choose only among items as good as the answer).
            response.results = [hits[0]] + [h for h in hits[1:] if h.score >= SUGGESTION_SCORE]
        else:
            response.closest = hits
        return response

    def _by_likelihood(self, top: list, text: str, service: bool = False, query: _Query | None = None,
                       window: list | None = None) -> tuple[list, float, float]:
        """Reorder the best few candidates by how likely each one's wording makes ``text``, the
        question as the likelihood reads it (``_Query.reading``).

        Naive Bayes over characters and character pairs (the question's pairs the catalogue never
        uses are left out): a candidate loses one place for every LIKELIHOOD_RANK_NATS its
        log-likelihood falls short of the best candidate's. When the question plainly asks how to
        get something done (``service``: 护照过期了 换个新的咋弄), a look-up item counts as at most
        as likely as the items ahead of it that are not: its wording shares the subject
        (首次办理普通护照办证进度查询 and 第一次办护照), not the ask. Also returns two margins, NaN when not
        measured (a leader or rivals without example questions of their own):

        * the new leader's over the likeliest other service, per character or pair, at most 1:
          how clearly its wording, not a rival's, is the question's;
        * that of the first SHOWN_SERVICES services (those an answer shows) over the likeliest
          other, with each character or pair weighed by its rarity in the items' wording, at
          most 1 (1 when there is no other): whether the question is worded like one of the
          answer's services, whichever. Look-alike services split the leader's margin
          (结婚证 丢了: 补领结婚证 and 补领离婚证), not this one; and asking words every
          service's examples hold (丢了, 怎么补) weigh little beside the subject (结婚证).
        """
        head = top[:LIKELIHOOD_ITEMS]
        grams = self._grams_of(text)
        if len(head) < 2 or not grams or head[0][3].gram_ids is None:
            return top, math.nan, math.nan
        asked = np.array(grams, dtype=np.int32)
        rarity = self._gram_idf[asked]
        total = float(rarity.sum())  # the weighted count of the question's grams

        def log_likelihoods(entry: _Entry) -> tuple[float, float]:
            """Plain and weighted by rarity."""
            at = np.searchsorted(entry.gram_ids, asked)
            at[at == len(entry.gram_ids)] = 0
            found = entry.gram_ids[at] == asked
            counts = entry.gram_weights[at[found]]
            return (float(counts.sum()) - len(grams) * entry.gram_norm,
                    float(counts @ rarity[found]) - total * entry.gram_norm)

        # Copies of a service in several places keep the order the place gave them: their wording
        # differs a little (examples naming their city), which must not decide between places.
        by_service: dict[str, float] = {}
        weighted: dict[str, float] = {}
        for c in head:
            if c[3].own_examples:
                key = _service(c[3].name)
                plain, rare = log_likelihoods(c[3])
                by_service[key] = max(by_service.get(key, -math.inf), plain)
                weighted[key] = max(weighted.get(key, -math.inf), rare)
        if not by_service:
            return top, math.nan, math.nan
        best = max(by_service.values())
        # A guide without example questions has only its names for wording, far less than the
        # others: it keeps its place (as likely as the best), for the others to pass or not.
        likelihoods = [by_service.get(_service(c[3].name), best) if c[3].own_examples else best for c in head]
        if service:
            ahead = -math.inf  # the likeliest item ahead that is no look-up
            for i, c in enumerate(head):
                if not c[3].lookup:
                    ahead = max(ahead, likelihoods[i])
                elif ahead > -math.inf:
                    likelihoods[i] = min(likelihoods[i], ahead)
            # The leader's margin reads the same likelihoods (a look-up's copies are all look-ups).
            by_service = {}
            for c, likelihood in zip(head, likelihoods):
                if c[3].own_examples:
                    key = _service(c[3].name)
                    by_service[key] = max(by_service.get(key, -math.inf), likelihood)
        order = sorted(range(len(head)), key=lambda i: i + (best - likelihoods[i]) / LIKELIHOOD_RANK_NATS)
        if query is not None:
            # The rank model weighs the same evidence, the hand-weighed order among it, as the dev
            # questions say; without it (RANK_MODEL off) that order stands.
            place = {i: k for k, i in enumerate(order)}
            rows = self._rank_features(head, place, query, service, likelihoods, best, weighted, len(grams), total)
            if window is not None:
                window[:] = [(c[3].code, row) for c, row in zip(head, rows)]
            model = rank_model()
            if model is not None:
                # A guide without example questions of its own keeps its place, as above: its
                # likelihood, read from its names alone, says nothing the model could weigh.
                scores = model.scores(rows)
                worded = iter(sorted((i for i in order if head[i][3].own_examples), key=lambda i: (-scores[i], place[i])))
                order = [next(worded) if head[i][3].own_examples else i for i in order]
        read = [head[i] for i in order] + top[LIKELIHOOD_ITEMS:]
        leader = _service(read[0][3].name)
        rivals = [v for k, v in by_service.items() if k != leader]
        if not read[0][3].own_examples or not rivals:
            return read, math.nan, math.nan
        margin = min(1.0, (by_service[leader] - max(rivals)) / len(grams))
        # Services first listed after the window have no likelihood: they count neither as shown nor as others.
        shown = list(dict.fromkeys(_service(c[3].name) for c in read[:LIKELIHOOD_ITEMS]))[:SHOWN_SERVICES]
        others = [v for k, v in weighted.items() if k not in shown]
        shown_margin = 1.0
        if others:
            best_shown = max(weighted[k] for k in shown if k in weighted)
            # No character or pair rarer than every item's wording: no evidence either way.
            shown_margin = min(1.0, (best_shown - max(others)) / total) if total > 0 else 0.0
        return read, margin, shown_margin

    def _rank_features(self, head: list, place: dict[int, int], query: _Query, service: bool, likelihoods: list[float],
                       best: float, weighted: dict[str, float], grams: int, total: float) -> list[dict[str, float]]:
        """RANK_FEATURES of each candidate in the likelihood window (``head``, in its order before
        the likelihood; ``place``: each one's place in the hand-weighed order of the likelihood)."""
        top_confidence = max(c[0] for c in head)
        top_coverage = max(c[1] for c in head) or 1.0
        top_resemblance = max(c[2] for c in head)
        best_weighted = max(weighted.values())
        rows = []
        for i, (confidence, coverage, resemblance, entry) in enumerate(head):
            k = place[i]
            rare = weighted.get(_service(entry.name), best_weighted) if entry.own_examples else best_weighted
            rows.append({
                "place": self._affinity(entry.region_code, query.regions), "cue": self._cue_factor(entry, query),
                "department": float(entry.department_code in query.departments),
                "first": float(k == 0), "second": float(k == 1), "third": float(k == 2), "position": 1.0 / (1 + k),
                "window_position": 1.0 / (1 + i), "confidence": confidence,
                "confidence_gap": confidence - top_confidence, "coverage_share": coverage / top_coverage,
                "resemblance": resemblance, "resemblance_gap": resemblance - top_resemblance,
                "likelihood_gap": (likelihoods[i] - best) / grams,
                "rare_likelihood_gap": (rare - best_weighted) / total if total > 0 else 0.0,
                "lookup_for_service": float(entry.lookup and service)})
        return rows

    @staticmethod
    def _contrast(top: list, query: _Query, rank) -> list:
        """Reorder the best few candidates by what tells each from the leader, not by what they share.

        Look-alike items (首次办理普通护照办证进度查询, 换发往来台湾通行证办证进度查询) share most of
        what they explain in a question. The words of the question a challenger knows, in its names
        or its example questions (or character pairs of its names), and the leader does not
        (第一次), less those the leader knows and it does not, are the evidence between them: the
        challenger gains :data:`CONTRAST_WEIGHT` times their weight, as a share of all the
        question's words the candidates know, on its ranking value. A challenger a ranking cue speaks against (a look-up item for "要带什么") gains
        nothing, nor does the leader's copy in another place; and for a question that names a
        place, candidates of several places keep their order: the place decides.
        """
        head = top[:CONTRAST_ITEMS]
        if len(head) < 2 or (query.regions and len({c[3].region_code for c in head}) > 1):
            return top
        asked = query.expanded
        # Intersect before the union: names and examples hold hundreds of words, a question a few.
        # Character pairs of a name that the question holds but not as words count too, as in the
        # score: 转出来 holds 转出 (党员组织关系转出, not 转入), and 网上 is no content word alone.
        inside = query.bigrams - asked
        known = [(asked & c[3].all_tokens) | (asked & c[3].example_tokens) | (inside & c[3].all_bigrams)
                 for c in head]

        def weight(term: str) -> float:
            word = query.coverage_weights.get(term)
            return word if word is not None else BIGRAM_WEIGHT * query.bigram_weights[term]

        total = math.fsum(map(weight, frozenset().union(*known))) or 1.0
        service = _service(head[0][3].name)

        def key(i: int):
            value, length, code = rank(head[i])
            entry = head[i][3]
            if i == 0 or _service(entry.name) == service or SearchIndex._cue_factor(entry, query) < 1.0:
                return value, length, code
            gain = math.fsum(map(weight, known[i] - known[0])) - math.fsum(map(weight, known[0] - known[i]))
            return value - CONTRAST_WEIGHT * gain / total, length, code

        return [head[i] for i in sorted(range(len(head)), key=key)] + top[CONTRAST_ITEMS:]

    def _answer_signals(self, query: _Query, top: list, best_sim: float, resemblance: float,
                        no_service: bool, margin: float, shown_margin: float) -> dict[str, float]:
        """What decides whether the best items answer the question (see :class:`AnswerModel`)."""
        confidence, coverage, similarity, leader = top[0]
        # A misspelt word (登纪) is known as the catalogue word it stands for (登记).
        known = sum(1 for t in query.tokens if t in self._idf or t in query.misspelt)
        known = known / len(query.tokens) if query.tokens else 0.0
        return {"top_score": confidence, "second_score": top[1][0] if len(top) > 1 else 0.0,
                "top_coverage": coverage, "top_resemblance": similarity, "best_resemblance": best_sim,
                "no_service_resemblance": resemblance, "no_service": float(no_service),
                "known_words": known, "advice": float(query.advice), "clear_lookup": float(query.clear_lookup),
                "top_unexplained": self._unexplained([c[3] for c in top[:UNEXPLAINED_ITEMS]], query),
                "asks_amount": float(query.amount), "likelihood_margin": margin, "shown_margin": shown_margin,
                "wording": query.wording, "place_mismatch": self._place_mismatch(leader, query),
                "no_known_words": float(known == 0.0)}

    def _place_mismatch(self, entry: _Entry, query: _Query) -> float:
        """1.0 when the question names places and the best item is in none of them nor serves them
        (柳州 asked, only 南宁's 法律援助申请 found): that office's guide is not the asker's."""
        if not query.regions:
            return 0.0
        return float(self._affinity(entry.region_code, query.regions) <= OTHER_REGION_FACTOR)

    def _unexplained(self, entries: list[_Entry], query: _Query) -> float:
        """The share of the question held by its weightiest noun that none of the best items
        accounts for (利率 in 公积金贷款利率多少, answered with 公积金提取): a subject of its own.
        A noun another of them explains is a second subject the catalogue has ("护照 教师资格")."""
        if not query.mass:
            return 0.0

        def explained(words) -> bool:
            return any(not e.all_tokens.isdisjoint(words) or not e.example_tokens.isdisjoint(words)
                       for e in entries)

        worst = 0.0
        for token in query.tokens - query.group_words - self._all_asking:
            weight = query.coverage_weights.get(token, 0.0)
            if weight <= worst or token not in self._nouns or explained((token,)):
                continue
            # 婚姻登记 for an item whose words are 婚姻 and 登记: explained piece by piece.
            pieces = [p for p in query.tokens if p != token and p in token and explained((p,))]
            if pieces and all(covered_positions(token, pieces)):
                continue
            if explained(self._associations.get(token, ())):
                continue
            officials = synonym_officials(token)
            if officials and any(explained(content_tokens(self._tokenizer, o)) for o in officials):
                continue
            if token in query.misspelt:
                continue  # the misspelling of a word the corrections hold
            if any(cue in token for cue in self._cue_words):
                continue  # 企业, 台湾人: who applies
            worst = weight
        return worst / query.mass
