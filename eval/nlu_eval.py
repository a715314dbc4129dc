"""NLU evaluation on the held-out test set: intent accuracy and macro-F1, a confusion summary, and
entity F1 per entity type on EXACT spans (Rasa's own entity score is token-level and lenient);
for ``aspect`` the canonical value must match too.

Runs in .venv-rasa (it loads the trained model with Rasa's Agent):
    .venv-rasa/bin/python eval/nlu_eval.py [--model models/guidebot.tar.gz] [--test nlu_data/test/nlu_test.yml]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter, defaultdict

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models/guidebot.tar.gz")
    parser.add_argument("--test", default="nlu_data/test/nlu_test.yml")
    parser.add_argument("--errors", type=int, default=20, help="misclassified examples to print")
    parser.add_argument("--entity-errors", default="", metavar="ENTITY[,ENTITY]",
                        help="also print the messages whose exact spans differ for these entities")
    args = parser.parse_args()

    import logging

    logging.disable(logging.INFO)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = [m for m in RasaYAMLReader().read(args.test).intent_examples]
    started = time.perf_counter()
    agent = Agent.load(args.model)
    load_s = time.perf_counter() - started

    async def parse_all():
        out = []
        for ex in examples:
            t0 = time.perf_counter()
            out.append((await agent.parse_message(ex.get("text")), time.perf_counter() - t0))
        return out

    parsed = asyncio.run(parse_all())
    gold_intents = [ex.get("intent") for ex in examples]
    pred_intents = [p["intent"]["name"] for p, _ in parsed]
    labels = sorted(set(gold_intents))
    per_intent = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold_intents, pred_intents))
        fp = sum(g != label and p == label for g, p in zip(gold_intents, pred_intents))
        fn = sum(g == label and p != label for g, p in zip(gold_intents, pred_intents))
        per_intent[label] = (*f1(tp, fp, fn), tp + fn)
    accuracy = sum(g == p for g, p in zip(gold_intents, pred_intents)) / len(examples)
    macro = sum(v[2] for v in per_intent.values()) / len(per_intent)

    # The model's own entities: regex/lookup matches are features, not what is evaluated.
    predicted = [[e for e in p.get("entities") or [] if e.get("extractor") != "RegexEntityExtractor"]
                 for p, _ in parsed]
    # entity -> tp, fp, fn on exact spans (entity type, start, end); "aspect+value" also needs the value.
    counts = defaultdict(lambda: [0, 0, 0])
    for ex, got_entities in zip(examples, predicted):
        gold_entities = ex.get("entities") or []
        for name, key in (("", lambda e: (e["entity"], e["start"], e["end"])),
                          ("+value", lambda e: (e["entity"], e["start"], e["end"], str(e.get("value"))))):
            gold = {key(e) for e in gold_entities if not name or e["entity"] == "aspect"}
            got = {key(e) for e in got_entities if not name or e["entity"] == "aspect"}
            for k in gold | got:
                counts[k[0] + name][0 if (k in gold and k in got) else 1 if k in got else 2] += 1

    # What the bot acts on: the set of aspect values per message, wherever the span was drawn.
    from guides.aspects import canonical_aspect, pick_aspect  # the same reading the bot applies

    model_counts, bot_counts = [0, 0, 0], [0, 0, 0]
    for ex, (pred, _) in zip(examples, parsed):
        gold = {str(e.get("value")) for e in ex.get("entities") or [] if e["entity"] == "aspect"}
        values = [str(e.get("value")) for e in pred.get("entities") or [] if e["entity"] == "aspect"]
        model = {canonical_aspect(v, ex.get("text")) for v in values} - {None}
        bot = {pick_aspect(values, ex.get("text"))} - {None}  # one aspect per message, as the bot reads it
        for tally, got in ((model_counts, model), (bot_counts, bot)):
            tally[0] += len(gold & got)
            tally[1] += len(got - gold)
            tally[2] += len(gold - got)

    latencies = sorted(t for _, t in parsed)
    print(f"\n=== NLU held-out test: {len(examples)} examples, {len(labels)} intents (model {args.model}) ===")
    print(f"intent accuracy {accuracy:.3f}   intent macro-F1 {macro:.3f}   "
          f"model load {load_s:.1f}s   parse p50 {1000 * latencies[len(latencies) // 2]:.1f} ms")
    print(f"{'intent':<26} {'P':>5} {'R':>5} {'F1':>5} {'n':>4}")
    for label, (p, r, f, n) in sorted(per_intent.items(), key=lambda kv: kv[1][2]):
        print(f"{label:<26} {p:>5.2f} {r:>5.2f} {f:>5.2f} {n:>4}")
    print("\nentity F1 on exact spans (type, start and end must all match; aspect+value: the value too):")
    print(f"{'entity':<20} {'P':>5} {'R':>5} {'F1':>5} {'gold':>5}")
    for entity, (tp, fp, fn) in sorted(counts.items()):
        p, r, f = f1(tp, fp, fn)
        print(f"{entity:<20} {p:>5.3f} {r:>5.3f} {f:>5.3f} {tp + fn:>5}")
    for label, tally in (("model's aspect entities, canonicalised", model_counts),
                          ("the bot's one aspect (pick_aspect)", bot_counts)):
        p, r, f = f1(*tally)
        print(f"aspect value per message, {label}: P {p:.2f} R {r:.2f} F1 {f:.2f} (gold {tally[0] + tally[2]})")
    confusions = Counter((g, p) for g, p in zip(gold_intents, pred_intents) if g != p)
    print("\nmost frequent confusions (gold -> predicted):")
    for (g, p), n in confusions.most_common(8):
        print(f"  {g} -> {p}: {n}")
    print(f"\nmisclassified examples (first {args.errors}):")
    shown = 0
    for ex, (pred, _) in zip(examples, parsed):
        if pred["intent"]["name"] != ex.get("intent") and shown < args.errors:
            shown += 1
            print(f"  [{ex.get('intent')} -> {pred['intent']['name']} {pred['intent']['confidence']:.2f}] {ex.get('text')}")
    for entity in filter(None, args.entity_errors.split(",")):
        print(f"\nexact-span differences for {entity!r} (gold | predicted):")
        for ex, got_entities in zip(examples, predicted):
            text = ex.get("text")
            gold = sorted(f"{text[e['start']:e['end']]}={e.get('value')}" for e in ex.get("entities") or []
                          if e["entity"] == entity)
            got = sorted(f"{text[e['start']:e['end']]}={e.get('value')}" for e in got_entities
                         if e["entity"] == entity)
            if gold != got:
                print(f"  {text}  |  {', '.join(gold) or '-'}  |  {', '.join(got) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
