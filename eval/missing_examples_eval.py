"""Search on a catalogue where some guides have no example questions (guides just added).

Every shipped item has example questions, but a guide an editor adds, or a catalogue imported
from elsewhere, starts without. This takes each catalogue, removes the example questions of a
seeded fifth of its services, and prints, per split: how questions about those services fare, how
the questions about the others fare, and the out-of-scope rejection; once as shipped (the names
and aliases of an item without examples stand in for them: ``NAMES_STAND_IN``) and once without
stand-ins.

Usage: python eval/missing_examples_eval.py [--share 0.2] [--seed 11]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.2, help="share of services that lose their examples")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    from search_bench import load_records, questions_for

    import guides.search
    from guides.search import SearchIndex

    for size, name in (("sample", "guangxi"), ("gdzwfw", "gdzwfw")):
        records = load_records(size)
        services = sorted({item["name"] for item in records["items"]})
        stripped = set(random.Random(args.seed).sample(services, round(args.share * len(services))))
        records["items"] = [{**item, "examples": []} if item["name"] in stripped else item
                            for item in records["items"]]
        stripped_codes = {item["code"] for item in records["items"] if item["name"] in stripped}
        questions = questions_for(size)
        print(f"\n=== {name}: {len(stripped)} of {len(services)} services without example questions ===")
        tally: dict[tuple[str, str, str], list[int]] = {}
        for label, stand_in in (("names stand in", True), ("no stand-ins", False)):
            saved, guides.search.NAMES_STAND_IN = guides.search.NAMES_STAND_IN, stand_in
            try:
                index = SearchIndex.build(**records)
            finally:
                guides.search.NAMES_STAND_IN = saved
            for q in questions:
                got = [h.code for h in index.search(q["question"], limit=5).results]
                codes = set(q["codes"])
                group = ("out of scope" if not codes else
                         "about them" if codes & stripped_codes else "about the others")
                counts = tally.setdefault((q["split"], group, label), [0, 0, 0])
                if codes:  # top-1, top-3 (answered)
                    counts[0] += bool(got) and got[0] in codes
                    counts[1] += bool(codes & set(got[:3]))
                else:  # rejected
                    counts[1] += not got
                counts[2] += 1
        for split in ("dev", "test"):
            for group in ("about them", "about the others", "out of scope"):
                cells = []
                for label in ("names stand in", "no stand-ins"):
                    top1, hits, n = tally.get((split, group, label), [0, 0, 0])
                    if n:
                        cells.append(f"{label}: rejected {hits / n:.3f}" if group == "out of scope" else
                                     f"{label}: top1 {top1 / n:.3f} top3 {hits / n:.3f}")
                n = tally.get((split, group, "names stand in"), [0, 0, 0])[2]
                print(f"  {split:<5} {group:<17} n={n:<5} " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
