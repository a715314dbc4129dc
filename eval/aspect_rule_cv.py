"""Choose how aspect spans are post-processed by cross-validation on the TRAINING data only.

The held-out test set must not pick the rule, so this splits nlu_data/train (80/20), trains the
NLU pipeline without the AspectCanonicaliser on the 80 %, and scores aspect exact spans (with the
canonical value) on the 20 % for each rule: the raw model output; the span's own reading else the
message's (the actions' fallback); the span's own reading only; and the latter plus an entity
confidence cut. Runs in .venv-rasa, about 4 minutes per fold on 2 cores:

    .venv-rasa/bin/python eval/aspect_rule_cv.py [--seeds 42 7]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
RASA = Path(sys.executable).parent / "rasa"
RULES = ("raw", "span_or_message", "span_only", "span_only_conf>=0.6", "span_only_conf>=0.8")


def spans(rule: str, entities: list[dict], text: str) -> set[tuple]:
    from guides.aspects import canonical_aspect

    out = set()
    for e in entities:
        if e["entity"] != "aspect":
            continue
        value = str(e.get("value"))
        if rule == "raw":
            out.add((e["start"], e["end"], value))
            continue
        if ">=" in rule and e.get("confidence_entity", 1.0) < float(rule.split(">=")[1]):
            continue
        value = canonical_aspect(value, text) if rule == "span_or_message" else canonical_aspect(value)
        if value:
            out.add((e["start"], e["end"], value))
    return out


def fold(seed: int, work: Path) -> dict[str, tuple[int, int, int]]:
    config = work / "config.yml"
    config.write_text("".join(line for line in (ROOT / "config.yml").read_text("utf-8").splitlines(True)
                              if "AspectCanonicaliser" not in line), "utf-8")
    split = work / f"split{seed}"
    subprocess.run([str(RASA), "data", "split", "nlu", "--nlu", str(ROOT / "nlu_data/train"), "--training-fraction",
                    "0.8", "--random-seed", str(seed), "--out", str(split)], check=True, capture_output=True)
    subprocess.run([str(RASA), "train", "nlu", "--config", str(config), "--nlu", str(split / "training_data.yml"),
                    "--out", str(work), "--fixed-model-name", f"fold{seed}"], check=True, capture_output=True)

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = RasaYAMLReader().read(str(split / "test_data.yml")).intent_examples
    agent = Agent.load(str(work / f"fold{seed}.tar.gz"))

    async def parse_all():
        return [await agent.parse_message(ex.get("text")) for ex in examples]

    parsed = asyncio.run(parse_all())
    tallies = {}
    for rule in RULES:
        tp = fp = fn = 0
        for ex, pred in zip(examples, parsed):
            gold = {(e["start"], e["end"], str(e["value"])) for e in ex.get("entities") or [] if e["entity"] == "aspect"}
            got = spans(rule, pred["entities"], ex.get("text"))
            tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
        tallies[rule] = (tp, fp, fn)
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 7])
    args = parser.parse_args()
    logging.disable(logging.INFO)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    with tempfile.TemporaryDirectory(prefix="aspect-cv-") as tmp:
        for seed in args.seeds:
            print(f"\n=== fold seed {seed}: aspect exact span + canonical value on the held-out 20 % of training ===")
            for rule, (tp, fp, fn) in fold(seed, Path(tmp)).items():
                p, r = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
                print(f"  {rule:<22} P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r) if p + r else 0.0:.3f}  gold {tp + fn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
