"""Search evaluation: top-1, top-3, MRR and out-of-scope rejection per set, split and style.

Runs the real `guidebot search` batch contract (stdin -> JSON lines) against throwaway SQLite
databases holding (a) the default catalogue and (b) the gdzwfw export, and prints the figures
and the failures. Splits: ``dev`` (tuned on), ``test`` (written from the item tables like dev, never
tuned on; the issue's targets) and ``life_test`` (written from people's lives by writers who never
saw the catalogue, labelled by two judges; never tuned on, see eval/search/life_sets/README.md).
"top3+offered" also counts the right item among the items the assistant offers
("您是不是想问…") when it has no confident match: one click away, but not an answer.
Usage: python eval/search_eval.py [--split dev|test|life_test|all] [--failures N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDEBOT = Path(sys.executable).parent / "guidebot"
SHARED = Path(os.environ.get("GUIDEBOT_SHARED_DIR", ROOT.parent / "shared"))
SETS = {
    "guangxi": {"source": ROOT / "guides" / "catalogue", "questions": sorted((ROOT / "eval/search/guangxi").glob("*.jsonl"))},
    "gdzwfw": {"source": SHARED / "datasets/gdzwfw-items/items.jsonl", "questions": sorted((ROOT / "eval/search/gdzwfw").glob("*.jsonl"))},
}
OUT_OF_SCOPE = sorted((ROOT / "eval/search").glob("out_of_scope*.jsonl"))  # short and long ones


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def run_search(env: dict, questions: list[str]) -> tuple[list[list[str]], float]:
    started = time.perf_counter()
    result = subprocess.run([str(GUIDEBOT), "search", "--limit", "5"], input="\n".join(questions) + "\n",
                            capture_output=True, text=True, env=env, check=True)
    elapsed = time.perf_counter() - started
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions, "batch contract broken: order or count differs"
    return [([r["code"] for r in line["results"]], [r["code"] for r in line["suggestions"]]) for line in lines], elapsed


def metrics(rows: list[tuple[dict, list[str]]]) -> dict:
    in_scope = [(q, got) for q, got in rows if q["codes"]]
    oos = [(q, got) for q, got in rows if not q["codes"]]
    out = {"n": len(in_scope), "oos_n": len(oos)}
    if in_scope:
        ranks = []
        for q, got in in_scope:
            rank = next((i + 1 for i, code in enumerate(got) if code in q["codes"]), None)
            ranks.append(rank)
        out["top1"] = sum(r == 1 for r in ranks) / len(ranks)
        out["top3"] = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
        out["mrr"] = sum(1 / r for r in ranks if r) / len(ranks)
        out["no_answer"] = sum(not got for _, got in in_scope) / len(in_scope)
        # One click away: in the top 3 answers, or among the items offered when nothing was confident.
        out["reach3"] = sum(any(c in q["codes"] for c in (got[:3] or q["offered"]))
                            for q, got in in_scope) / len(in_scope)
    if oos:
        out["oos_rejection"] = sum(not got for _, got in oos) / len(oos)
        out["oos_offered"] = sum(bool(q["offered"]) for q, got in oos if not got) / len(oos)
    return out


def fmt(m: dict) -> str:
    parts = [f"n={m['n']:>3}"]
    if m["n"]:
        parts += [f"top1={m['top1']:.3f}", f"top3={m['top3']:.3f}", f"MRR={m['mrr']:.3f}", f"unanswered={m['no_answer']:.3f}",
                  f"top3+offered={m['reach3']:.3f}"]
    if m["oos_n"]:
        parts.append(f"OOS n={m['oos_n']} rejected={m['oos_rejection']:.3f} (offered items={m['oos_offered']:.3f})")
    return "  ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test", "life_test", "all"], default="all")
    parser.add_argument("--failures", type=int, default=15, help="failures to print per set (test, then life_test, then dev)")
    args = parser.parse_args()
    oos = [{**q, "file": path.stem} for path in OUT_OF_SCOPE for q in read_jsonl(path)]
    for name, spec in SETS.items():
        if not spec["source"].exists():
            print(f"[{name}] skipped: {spec['source']} not found")
            continue
        questions = [{**q, "file": path.stem} for path in spec["questions"] for q in read_jsonl(path)] + oos
        if args.split != "all":
            questions = [q for q in questions if q["split"] == args.split]
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/eval.db"}
            subprocess.run([str(GUIDEBOT), "db", "upgrade"], env=env, check=True, capture_output=True)
            subprocess.run([str(GUIDEBOT), "import", str(spec["source"])], env=env, check=True, capture_output=True)
            got, elapsed = run_search(env, [q["question"] for q in questions])
        # "offered": the items the assistant suggests when it has no confident match
        rows = [({**q, "offered": offered}, results) for q, (results, offered) in zip(questions, got)]
        print(f"\n=== {name}: {len(questions)} questions, batch search {elapsed:.1f}s (incl. index build) ===")
        for split in ("dev", "test", "life_test"):
            split_rows = [r for r in rows if r[0]["split"] == split]
            if not split_rows:
                continue
            print(f"  {split:<9} all            {fmt(metrics(split_rows))}")
            by_file = defaultdict(list)
            for row in split_rows:
                by_file[row[0].get("file", "out_of_scope")].append(row)
            if len(by_file) > 2:  # which question file: sets written at different times, by different hands
                for file_name in sorted(by_file):
                    print(f"  {split:<9} file {file_name:<12} {fmt(metrics(by_file[file_name]))}")
            by_style = defaultdict(list)
            for row in split_rows:
                by_style[row[0]["style"]].append(row)
            for style in sorted(by_style):
                print(f"  {split:<9} {style:<14} {fmt(metrics(by_style[style]))}")
        failures = [(q, g) for q, g in sorted(rows, key=lambda r: ("test", "life_test", "dev").index(r[0]["split"]))
                    if (q["codes"] and (not g or g[0] not in q["codes"])) or (not q["codes"] and g)]
        print(f"  failures (top-1 wrong or OOS answered): {len(failures)}; first {min(args.failures, len(failures))}:")
        for q, g in failures[: args.failures]:
            print(f"    [{q['split']}/{q['style']}] {q['question'][:60]!r} expected {q['codes'][:2]} got {g[:2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
