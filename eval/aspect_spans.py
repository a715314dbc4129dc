"""Check and fix the span boundaries of ``aspect`` entities against docs/annotation-guide.md.

The guideline in one line: an aspect span is the shortest phrase that by itself names the aspect
(its HEAD), taken from the head lexicon in eval/aspect_lexicon.yml; interrogatives, auxiliaries and
modifiers stay outside, and a span never cuts a word. This script applies exactly that rule.

    .venv/bin/python eval/aspect_spans.py --check [FILE ...]   # exit 1 and list every violation
    .venv/bin/python eval/aspect_spans.py --fix [FILE ...]     # move spans onto their heads
    .venv/bin/python eval/aspect_spans.py --missing [FILE ...] # heads left without any aspect span
    .venv/bin/python eval/aspect_spans.py --table              # the head lexicon as a Markdown table
    .venv/bin/python eval/aspect_spans.py --coverage           # heads no training example uses yet
    .venv-rasa/bin/python eval/aspect_spans.py --check --tokens  # also: every span on jieba word bounds

Without FILE: nlu_data/train/*.yml (not generated/) and nlu_data/test/nlu_test.yml.

``--fix`` only moves the brackets of an aspect annotation onto the head in, across or next to it:
the text of the example, its intent, the annotation's value and every other entity stay
byte-identical. What it cannot decide (no head, or the head would cross another annotation) it
prints for a manual decision. ``--tokens`` needs jieba (the Rasa environment); everything else is
standard library and PyYAML.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LEXICON_PATH = Path(__file__).resolve().parent / "aspect_lexicon.yml"
ASPECTS_PATH = ROOT / "guides" / "data" / "aspects.yaml"
DICTIONARY_DIR = ROOT / "nlu_data" / "dictionary"  # the tokenizer's words (config.yml dictionary_path)
DEFAULT_FILES = sorted((ROOT / "nlu_data" / "train").glob("*.yml")) + [ROOT / "nlu_data" / "test" / "nlu_test.yml"]

# Rasa's annotation syntax: [text](entity), [text](entity:value), [text]{"entity": ...}
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+?)\](?:\((?P<short>[^)]+?)\)|\{(?P<json>[^}]+?)\})")

# Traditional -> Simplified for the characters met in citizens' questions (one character each, so
# offsets are kept). Matching only: the text itself is never changed.
_T2S = dict(pair for pair in (
    "電电 話话 點点 裡里 幾几 週周 聯联 繫系 條条 網网 據据 證证 帶带 麼么 時时 間间 長长 結结 設设 詢询 諮咨 驟骤 "
    "錢钱 資资 費费 辦办 個个 這这 說说 請请 問问 嗎吗 號号 碼码 樣样 處处 熱热 須须 區区 護护 續续 繳缴 與与 們们 "
    "讓让 類类 簽签 單单 應应 當当 該该 經经 營营 許许 醫医 險险 戶户 現现 場场 規规 則则 標标 準准 備备 臺台 灣湾 "
    "門门 開开 關关 禮礼 複复 寫写 實实 際际 審审 線线 務务 機机 報报 節节 會会 錄录 覽览 達达 齡龄 歲岁 誰谁 領领 "
    "補补 檢检 驗验 種种 項项 權权 圍围 龍龙"
).split())


def fold(text: str) -> str:
    """Same length as ``text``: Traditional characters as Simplified, ASCII lower-cased."""
    return "".join(_T2S.get(ch, ch.lower() if ch.isascii() else ch) for ch in text)


def _expand(entry: str) -> list[str]:
    """"(带|拿)(什么|啥)" -> 带什么, 带啥, 拿什么, 拿啥; a plain entry is itself."""
    parts = re.split(r"(\([^)]*\))", str(entry))
    choices = [p[1:-1].split("|") if p.startswith("(") else [p] for p in parts if p]
    return ["".join(c) for c in itertools.product(*choices)]


@dataclass(frozen=True)
class Lexicon:
    tiers: dict[str, tuple[tuple[str, ...], ...]]  # value -> tiers of heads (folded, Simplified)
    words: tuple[str, ...]                          # words a head must not cut into

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> "Lexicon":
        data = yaml.safe_load(path.read_text("utf-8"))
        tiers = {
            value: tuple(tuple(fold(h) for e in tier for h in _expand(e)) for tier in value_tiers)
            for value, value_tiers in data["heads"].items()
        }
        words = list(data.get("words", []))
        for dictionary in sorted(DICTIONARY_DIR.glob("*")):  # jieba user dictionaries: "word freq tag"
            words += [line.split()[0] for line in dictionary.read_text("utf-8").splitlines() if line.strip()]
        owners: dict[str, set[str]] = {}
        for value, value_tiers in tiers.items():
            for head in itertools.chain.from_iterable(value_tiers):
                owners.setdefault(head, set()).add(value)
        shared = {h: sorted(v) for h, v in owners.items() if len(v) > 1}
        if shared:  # the value is read off the span (entity synonyms): a head names ONE aspect
            raise ValueError(f"{path}: heads listed under several values: {shared}")
        return cls(tiers, tuple(sorted({fold(w) for w in words if len(w) > 1})))

    def occurrences(self, value: str, folded: str) -> list[tuple[int, int, int]]:
        """(start, end, tier) of every usable head of ``value`` in ``folded`` text."""
        found = set()
        for tier, heads in enumerate(self.tiers.get(value, ())):
            for head in heads:
                for m in re.finditer(re.escape(head), folded):
                    found.add((m.start(), m.end(), tier))
        blocked = [(m.start(), m.end()) for w in self.words if w in folded
                   for m in re.finditer(re.escape(w), folded)]
        # a head may not cut a word (要钱 inside 需要钱), nor lie inside a longer head (钱 in 多少钱)
        whole = {(s, e, t) for s, e, t in found
                 if not any(s < be and e > bs and not (s <= bs and e >= be) for bs, be in blocked)}
        return sorted((s, e, t) for s, e, t in whole
                      if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in whole))


@dataclass
class Annotation:
    start: int        # in the plain text
    end: int
    entity: str
    value: str | None
    markup: str       # "(item)" or '{"entity": ...}' exactly as written


@dataclass
class Example:
    path: Path
    lineno: int       # 1-based
    intent: str
    prefix: str       # "    - "
    text: str         # plain text, annotations removed
    annotations: list[Annotation] = field(default_factory=list)

    def render(self) -> str:
        out, pos = [], 0
        for a in sorted(self.annotations, key=lambda a: a.start):
            out.append(self.text[pos:a.start] + "[" + self.text[a.start:a.end] + "]" + a.markup)
            pos = a.end
        return self.prefix + "".join(out) + self.text[pos:]

    def marked(self, only: Annotation | None = None) -> str:
        """The text with [brackets] around aspect spans (or just ``only``, of any entity)."""
        spans = [a for a in self.annotations if a is only or (only is None and a.entity == "aspect")]
        out, pos = [], 0
        for a in sorted(spans, key=lambda a: a.start):
            out.append(self.text[pos:a.start] + "[" + self.text[a.start:a.end] + "]")
            pos = a.end
        return "".join(out) + self.text[pos:]


def parse_example(path: Path, lineno: int, intent: str, line: str) -> Example:
    prefix = line[: len(line) - len(line.lstrip())] + "- "
    body = line.lstrip()[2:]
    text, annotations, last = [], [], 0
    for m in ANNOTATION.finditer(body):
        text.append(body[last:m.start()])
        start = sum(map(len, text))
        text.append(m["text"])
        if m["json"] is not None:
            spec = json.loads("{" + m["json"] + "}")
            entity, value, markup = spec.get("entity"), spec.get("value"), "{" + m["json"] + "}"
        else:
            entity, _, value = m["short"].partition(":")
            value, markup = value or None, "(" + m["short"] + ")"
        annotations.append(Annotation(start, start + len(m["text"]), entity, value, markup))
        last = m.end()
    text.append(body[last:])
    return Example(path, lineno, intent, prefix, "".join(text), annotations)


def read_examples(path: Path) -> tuple[list[str], list[Example]]:
    """The file's lines and its training examples (lines of `examples: |` blocks of intents)."""
    lines = path.read_text("utf-8").split("\n")
    examples, intent, block_indent = [], None, None
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None and stripped and indent <= block_indent:
            block_indent = None
        m = re.match(r"-\s+(intent|synonym|regex|lookup):\s*(.+)$", stripped)
        if m:
            intent = m.group(2).strip() if m.group(1) == "intent" else None
            continue
        if stripped.startswith("examples:") and stripped.endswith("|"):
            block_indent = indent
            continue
        if block_indent is not None and intent and stripped.startswith("- "):
            examples.append(parse_example(path, i + 1, intent, line))
    return lines, examples


@dataclass
class Finding:
    example: Example
    annotation: Annotation | None
    message: str
    new: tuple[int, int] | None = None  # the span the guideline gives, when there is one


def expected_span(lex: Lexicon, ex: Example, a: Annotation) -> tuple[tuple[int, int] | None, str]:
    """The span the guideline gives this annotation, or None and why not."""
    occurrences = lex.occurrences(str(a.value), fold(ex.text))
    # heads in, across or right next to the span ([法律]规定 -> 法律[规定]; [多少]钱 -> [多少钱])
    cands = [(s, e, t) for s, e, t in occurrences if s <= a.end and e >= a.start]
    if not cands:
        return None, "no head of this value in or at the span"
    best = min(t for _, _, t in cands)
    s, e, _ = max((c for c in cands if c[2] == best), key=lambda c: (c[0], c[1]))  # the last one
    touching = {(s2, e2) for s2, e2, t in occurrences if t == best}
    while True:  # heads of the same tier that touch it make one compound head: 证明材料, 资格条件
        left = [s2 for s2, e2 in touching if e2 == s]
        right = [e2 for s2, e2 in touching if s2 == e]
        if not left and not right:
            break
        s, e = min(left, default=s), max(right, default=e)
    others = [o for o in ex.annotations if o is not a and o.start < e and o.end > s]
    if others:
        return None, f"head {ex.text[s:e]!r} would cross the {others[0].entity} annotation"
    return (s, e), ""


def check_example(lex: Lexicon, ex: Example, aspects: set[str]) -> list[Finding]:
    findings = []
    for a in ex.annotations:
        if a.entity != "aspect":
            continue
        if a.value not in aspects:
            findings.append(Finding(ex, a, f"value {a.value!r} is not a canonical aspect"))
            continue
        span, why = expected_span(lex, ex, a)
        if span is None:
            findings.append(Finding(ex, a, why))
        elif span != (a.start, a.end):
            head = ex.text[span[0]:span[1]]
            if span[0] >= a.start and span[1] <= a.end:
                why = f"span is not a head: should be {head!r}"
            else:
                why = f"head {head!r} of the same value runs past the span"
            findings.append(Finding(ex, a, why, span))
    return findings


def missing(lex: Lexicon, ex: Example) -> list[str]:
    """Heads (first tier only) outside every annotation: candidates for an aspect span."""
    folded = fold(ex.text)
    taken = [(a.start, a.end) for a in ex.annotations]
    out = []
    for value in lex.tiers:
        for s, e, t in lex.occurrences(value, folded):
            if t == 0 and not any(s < te and e > ts for ts, te in taken):
                out.append(f"{ex.text[s:e]} ({value})")
    return out


_JIEBA = None


def _jieba():
    """jieba with the catalogue dictionary loaded ONCE, as a running Rasa model has it (every
    load_userdict raises jieba's total frequency, and with it how text is cut)."""
    global _JIEBA
    if _JIEBA is None:
        import logging

        import jieba  # the Rasa environment only

        jieba.setLogLevel(logging.WARNING)
        for path in sorted(DICTIONARY_DIR.glob("*")):
            jieba.load_userdict(str(path))
        _JIEBA = jieba
    return _JIEBA


def token_bounds(texts: list[str]):
    jieba = _jieba()
    for text in texts:
        bounds, words = {0}, []
        for word, _, end in jieba.tokenize(text):
            bounds.add(end)
            words.append(word)
        yield bounds, words


def cut_spans(examples: list[Example], entity: str | None = None):
    """(example, annotation, words) for each span (of ``entity``, or of any) that cuts a jieba word."""
    chosen = [ex for ex in examples if any(entity in (None, a.entity) for a in ex.annotations)]
    for ex, (bounds, words) in zip(chosen, token_bounds([ex.text for ex in chosen])):
        for a in ex.annotations:
            if entity in (None, a.entity) and not (a.start in bounds and a.end in bounds):
                yield ex, a, words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="list violations, exit 1 if any")
    mode.add_argument("--fix", action="store_true", help="rewrite spans onto their heads in place")
    mode.add_argument("--missing", action="store_true", help="list heads outside every annotation")
    mode.add_argument("--table", action="store_true", help="print the head lexicon as a Markdown table")
    mode.add_argument("--coverage", action="store_true",
                      help="lexicon heads no training span uses (Rasa maps a value only from seen span texts)")
    parser.add_argument("--tokens", action="store_true",
                        help="with --check: spans of every entity must sit on jieba word bounds")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)

    lex = Lexicon.load()
    aspects = set(yaml.safe_load(ASPECTS_PATH.read_text("utf-8")))
    unknown = set(lex.tiers) - aspects
    if unknown:
        print(f"{LEXICON_PATH}: values not in {ASPECTS_PATH.name}: {sorted(unknown)}", file=sys.stderr)
        return 2
    if args.table:  # for docs/annotation-guide.md
        raw = yaml.safe_load(LEXICON_PATH.read_text("utf-8"))["heads"]
        print("| value | tier 1 (best) | tier 2 | tier 3 |\n|---|---|---|---|")
        for value, value_tiers in raw.items():
            cells = ["、".join(str(h).replace("|", "\\|") for h in tier) for tier in value_tiers]
            cells += [""] * (3 - len(cells))
            print(f"| {value} | " + " | ".join(cells) + " |")
        return 0
    if args.coverage:
        train = args.files or [p for p in DEFAULT_FILES if "test" not in p.parts]
        seen = {(str(a.value), fold(ex.text[a.start:a.end])) for p in train for ex in read_examples(p)[1]
                for a in ex.annotations if a.entity == "aspect"}
        for value, value_tiers in lex.tiers.items():
            unseen = [h for tier in value_tiers for h in tier if (value, h) not in seen]
            print(f"{value}: {len(unseen)} of {sum(map(len, value_tiers))} heads never a training span: "
                  f"{' '.join(unseen)}")
        return 0
    files = args.files or DEFAULT_FILES
    problems = spans = changed = 0
    values_of: dict[str, dict[str, list[str]]] = {}  # span text -> value -> where
    for path in files:
        lines, examples = read_examples(path)
        rel = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        if args.missing:
            for ex in examples:
                heads = missing(lex, ex)
                if heads:
                    print(f"{rel}:{ex.lineno}: [{ex.intent}] {ex.marked()}  <- {', '.join(heads)}")
            continue
        file_changes = 0
        for ex in examples:
            spans += sum(a.entity == "aspect" for a in ex.annotations)
            for a in ex.annotations:
                if a.entity == "aspect":
                    values_of.setdefault(ex.text[a.start:a.end], {}).setdefault(str(a.value), []).append(
                        f"{rel}:{ex.lineno}")
            for f in check_example(lex, ex, aspects):
                a = f.annotation
                label = f"{rel}:{ex.lineno}: {a.value}: {ex.marked(a)}"
                if args.fix and f.new is not None:
                    old = ex.text[a.start:a.end]
                    a.start, a.end = f.new
                    print(f"{label}  ->  {ex.text[a.start:a.end]}   (was {old})")
                    file_changes += 1
                else:
                    problems += 1
                    print(f"{label}  ({f.message})" + ("  MANUAL" if args.fix else ""))
            if args.fix:
                new_line = ex.render()
                if new_line != lines[ex.lineno - 1]:
                    again = parse_example(path, ex.lineno, ex.intent, new_line)
                    assert again.text == ex.text, "the text of an example changed"
                    assert [(o.start, o.end, o.markup) for o in again.annotations if o.entity != "aspect"] == \
                        [(o.start, o.end, o.markup) for o in ex.annotations if o.entity != "aspect"]
                    lines[ex.lineno - 1] = new_line
        if args.fix and file_changes:
            path.write_text("\n".join(lines), "utf-8")
            changed += file_changes
        if args.tokens:
            for ex, a, words in cut_spans(examples):  # every entity: guide rule 6 holds for item and region too
                problems += 1
                label = a.value if a.entity == "aspect" else a.entity
                print(f"{rel}:{ex.lineno}: {label}: {ex.marked(a)}  (cuts a word: {'|'.join(words)})")
    if args.missing:
        return 0
    if args.check:  # Rasa reads an aspect's value off its text (entity synonyms): one text, one value
        for text, values in sorted(values_of.items()):
            if len(values) > 1:
                problems += 1
                where = "; ".join(f"{v} at {', '.join(w[:3])}" for v, w in values.items())
                print(f"span text {text!r} has several values: {where}")
    if args.fix:
        summary = f"{spans} aspect spans read, {changed} moved onto their head, {problems} left for a manual decision"
    else:
        summary = f"{spans} aspect spans checked, {problems} violations"
    print(f"\n{summary}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
