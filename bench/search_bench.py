"""Search benchmark: latency p50/p95, index build time and memory, ours vs a plain BM25 baseline.

Catalogues: the default sample catalogue, the 2,262-item gdzwfw export, and a synthetic expansion
of the export to about 20,000 items (the same items implemented by nine more cities, the way a
real provincial catalogue repeats across cities). Baseline: rank-bm25 (BM25Okapi) over jieba's
default segmentation of each item's name and department — no catalogue dictionary, aliases,
pinyin, synonyms or region handling. Accuracy (top-1/top-3/MRR) is measured on the labelled test
splits for both engines; at 20,000 items on the gdzwfw one, where a labelled item's copy in an
added city counts as right for a question that names no place or names that city.

Each engine and size runs in its own subprocess so memory figures do not mix.
Usage: python bench/search_bench.py [--sizes sample,gdzwfw,20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("GUIDEBOT_SHARED_DIR", ROOT.parent / "shared"))
EXPORT = SHARED / "datasets/gdzwfw-items/items.jsonl"
EXTRA_CITIES = [("440300", "深圳市"), ("440400", "珠海市"), ("440500", "汕头市"), ("440600", "佛山市"),
                ("440700", "江门市"), ("440800", "湛江市"), ("440900", "茂名市"), ("441200", "肇庆市"),
                ("441300", "惠州市")]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def questions_for(size: str) -> list[dict]:
    """The catalogue's labelled questions, then the out-of-scope ones, each with its ``file``."""
    folder = "guangxi" if size == "sample" else "gdzwfw"
    files = sorted((ROOT / "eval/search" / folder).glob("*.jsonl")) + sorted((ROOT / "eval/search").glob("out_of_scope*.jsonl"))
    return [{**q, "file": f"{p.parent.name}/{p.name}"} for p in files for q in read_jsonl(p)]


def load_records(size: str) -> dict:
    """Keyword arguments for SearchIndex.build, read from a throwaway database with the catalogue."""
    from guidebot import migrate
    from guidebot.db import make_engine, session_factory
    from guides.catalogue import load_directory
    from guides.importers.gdzwfw import load_export
    from guides.search import index_records
    from guides.store import import_bundle

    tmp = tempfile.mkdtemp()
    engine = make_engine(f"sqlite:///{tmp}/bench.db")
    migrate.upgrade(engine)
    bundle = load_directory(ROOT / "guides/catalogue") if size == "sample" else load_export(EXPORT)
    with session_factory(engine)() as session, session.begin():
        import_bundle(session, bundle)
    with session_factory(engine)() as session:
        records = index_records(session)
    if size == "20000":
        records = expand(records, 20000)
    return records


def expand(records: dict, target: int) -> dict:
    """The export's city items implemented again by more cities (plus some provincial ones), to ``target``."""
    items = records["items"]
    city_items = [i for i in items if i["region_code"] == "440100000000"]
    province_items = [i for i in items if i["region_code"] != "440100000000"]
    per_city = (target - len(items)) // len(EXTRA_CITIES)
    expanded = list(items)
    for code, city in EXTRA_CITIES:
        region = code + "000000"
        records["region_parents"][region] = "440000000000"
        records["regions"].append((region, [city, city[:-1]]))
        records["words"].append(city)
        pool = city_items + province_items[: max(0, per_city - len(city_items))]
        for item in pool[:per_city]:
            dept = item["department"].replace("广州市", city).replace("广东省", city)
            expanded.append({**item, "code": f"{item['code']}-{code}", "region_code": region, "department": dept,
                             "department_names": [dept], "department_code": f"{item['department_code']}-{code}"})
    records["items"] = expanded[:target] if len(expanded) >= target else expanded
    return records


class Ours:
    name = "guidebot"

    def __init__(self, records):
        from guides.search import SearchIndex

        self.index = SearchIndex.build(**records)

    def search(self, question: str) -> list[str]:
        return [h.code for h in self.index.search(question, limit=5).results]


class Baseline:
    name = "bm25-baseline"

    def __init__(self, records):
        import jieba
        from rank_bm25 import BM25Okapi

        items = records["items"]
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        self.codes = [i["code"] for i in items]
        corpus = [self._tokens(f"{i['name']} {i['department']}") for i in items]
        self.bm25 = BM25Okapi(corpus)

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self.jieba.lcut(text) if t.strip()] or [""]

    def search(self, question: str) -> list[str]:
        scores = self.bm25.get_scores(self._tokens(question))
        order = scores.argsort()[::-1][:5]
        return [self.codes[i] for i in order if scores[i] > 0]


def with_copies(questions: list[dict], records: dict) -> list[dict]:
    """Labels for the expanded catalogue: a labelled item's copy in an added city is right too when
    the question names no place (nothing then tells the copies apart) or names that city (the
    same service where it is asked for); a question naming only other places keeps its labels.
    Places are found by substring over every region name, the same for both engines."""
    codes = {i["code"] for i in records["items"]}
    places = [n for _, names in records["regions"] for n in names if n and len(n) >= 2]
    out = []
    for q in questions:
        if q["codes"]:
            text = q["question"]
            named = any(p in text for p in places)
            cities = [code for code, city in EXTRA_CITIES if not named or city in text or city[:-1] in text]
            extra = [f"{c}-{city}" for c in q["codes"] for city in cities if f"{c}-{city}" in codes]
            q = {**q, "codes": [*q["codes"], *extra]}
        out.append(q)
    return out


def accuracy(engine, questions: list[dict]) -> dict:
    test = [q for q in questions if q["split"] == "test"]
    in_scope = [q for q in test if q["codes"]]
    oos = [q for q in test if not q["codes"]]
    ranks = []
    for q in in_scope:
        got = engine.search(q["question"])
        ranks.append(next((i + 1 for i, c in enumerate(got) if c in q["codes"]), None))
    rejected = sum(not engine.search(q["question"]) for q in oos)
    return {"top1": sum(r == 1 for r in ranks) / len(ranks), "top3": sum(bool(r) and r <= 3 for r in ranks) / len(ranks),
            "mrr": sum(1 / r for r in ranks if r) / len(ranks), "oos_rejection": rejected / len(oos) if oos else None}


def run_one(size: str, engine_name: str, repeat: int) -> dict:
    records = load_records(size)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    engine = (Ours if engine_name == "guidebot" else Baseline)(records)
    build = time.perf_counter() - started
    gc.collect()
    memory = rss_mb() - before
    questions = questions_for(size)
    texts = [q["question"] for q in questions]
    for text in texts[:20]:  # warm caches
        engine.search(text)
    timings = []
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter_ns()
            engine.search(text)
            timings.append((time.perf_counter_ns() - t0) / 1e6)
    timings.sort()
    result = {"size": size, "items": len(records["items"]), "engine": engine.name, "build_s": build, "index_mb": memory,
              "rss_mb": rss_mb(), "queries": len(timings), "p50_ms": statistics.median(timings),
              "p95_ms": timings[int(0.95 * (len(timings) - 1))], "max_ms": timings[-1]}
    result.update(accuracy(engine, with_copies(questions, records) if size == "20000" else questions))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="sample,gdzwfw,20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.repeat)))
        return 0
    sizes = args.sizes.split(",")
    if not EXPORT.exists():
        sizes = [s for s in sizes if s == "sample"]
        print(f"note: {EXPORT} not found; only the sample catalogue is benchmarked")
    rows = []
    for size in sizes:
        for engine in ("guidebot", "bm25"):
            out = subprocess.run([sys.executable, __file__, "--one", size, engine, "--repeat", str(args.repeat)],
                                 capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"\nsearch benchmark on {os.cpu_count()} cores; latency over every labelled + out-of-scope question, "
          f"x{args.repeat}; accuracy on the test splits")
    header = f"{'catalogue':<9} {'items':>6} {'engine':<14} {'build s':>7} {'index MB':>8} {'p50 ms':>7} {'p95 ms':>7} " \
             f"{'top1':>5} {'top3':>5} {'MRR':>5} {'OOS rej':>7}"
    print(header)
    print("-" * len(header))
    for r in rows:
        acc = (f"{r['top1']:>5.3f} {r['top3']:>5.3f} {r['mrr']:>5.3f} {r['oos_rejection']:>7.3f}" if "top1" in r
               else f"{'-':>5} {'-':>5} {'-':>5} {'-':>7}")
        print(f"{r['size']:<9} {r['items']:>6} {r['engine']:<14} {r['build_s']:>7.1f} {r['index_mb']:>8.1f} "
              f"{r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {acc}")
    print("\nratios (guidebot / baseline):")
    for size in sizes:
        ours = next(r for r in rows if r["size"] == size and r["engine"] == "guidebot")
        base = next(r for r in rows if r["size"] == size and r["engine"] == "bm25-baseline")
        line = f"  {size:<9} p95 {ours['p95_ms'] / base['p95_ms']:.2f}x"
        if "top1" in ours:
            line += f", top-1 {ours['top1']:.3f} vs {base['top1']:.3f}, top-3 {ours['top3']:.3f} vs {base['top3']:.3f}"
        print(line)
    target = next((r for r in rows if r["size"] == "20000" and r["engine"] == "guidebot"), None)
    if target:
        print(f"\ntarget p95 <= 5 ms at 20,000 items: {target['p95_ms']:.2f} ms "
              f"({'met' if target['p95_ms'] <= 5 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
