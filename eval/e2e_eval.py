"""End-to-end answer accuracy through the REST channel: right item and right aspect.

Starts the action server and Rasa with the trained model, asks each held-out question
(eval/e2e/questions.jsonl) in a fresh conversation and reads the answer: the item from its guide
link, the aspect from the section it shows. When the bot asks where or which (buttons), the first
button that is an acceptable item is clicked, as a citizen would, and the answer after that
click is scored. Also prints reply latency p50/p95.

Usage: python eval/e2e_eval.py [--limit N] [--failures N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guidebot.stack import rasa_stack, say  # noqa: E402

# The section each aspect's answer shows (see guides.answers); checked in this order.
MARKERS = [
    ("材料", "申请材料："), ("流程", "办理流程："), ("时限", "法定办结时限："), ("条件", "受理条件："),
    ("依据", "设定依据："), ("电话", "咨询电话："), ("网办", "网上办理"), ("地点", "办理地点："),
    ("办理时间", "办理时间："), ("费用", "收费"), ("到场次数", "到现场次数："),
]
OVERVIEW = "事项类型："
LINK = re.compile(r"/guides/([0-9A-Za-z_-]+)")
PAYLOAD = re.compile(r'"item_code":\s*"([^"]+)"')


def read_aspect(text: str) -> str | None:
    if OVERVIEW in text:
        return None
    body = text.split("\n\n")[1] if text.count("\n\n") >= 2 else text
    for aspect, marker in MARKERS:
        if body.startswith(marker) or (aspect == "费用" and body.startswith("不收费")) or \
                (aspect == "网办" and (body.startswith("可以网上办理") or body.startswith("该事项暂不支持网上办理"))):
            return aspect
    return "?"


def ask(url: str, question: dict, timings: list[float]) -> tuple[str | None, str | None, str]:
    sender = uuid.uuid4().hex
    t0 = time.perf_counter()
    messages = say(url, sender, question["question"])
    timings.append(time.perf_counter() - t0)
    text = "\n".join(m.get("text", "") for m in messages)
    if not LINK.search(text):
        buttons = [b for m in messages for b in m.get("buttons") or []]
        chosen = next((b for b in buttons if (PAYLOAD.search(b["payload"]) or [None, None])[1] in question["codes"]), None)
        if chosen:
            messages = say(url, sender, chosen["payload"])
            text = "\n".join(m.get("text", "") for m in messages)
    link = LINK.search(text)
    return (link.group(1) if link else None), (read_aspect(text) if link else "?"), text


def status_examples() -> list:
    """Demo applications of every status from the database the stack uses (loaded by `make demo`)."""
    from approvals import demo
    from guidebot.config import load_settings
    from guidebot.db import engine_from_settings, session_factory

    settings = load_settings()
    with session_factory(engine_from_settings(settings))() as session:
        return demo.examples(session, 5000, settings.secret_key, per_status=8)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--failures", type=int, default=15)
    args = parser.parse_args()
    questions = [json.loads(line) for line in (ROOT / "eval/e2e/questions.jsonl").read_text("utf-8").splitlines() if line.strip()]
    if args.limit:
        questions = questions[: args.limit]
    results, timings, status_timings, status_ok = [], [], [], 0
    started = time.perf_counter()
    demo_cases = status_examples()
    with rasa_stack() as url:
        startup = time.perf_counter() - started
        for q in questions:
            code, aspect, text = ask(url, q, timings)
            results.append((q, code in q["codes"], aspect == q.get("aspect"), text))
        for case in demo_cases:  # 办件进度: three turns; the last one does the check and the lookup
            sender = uuid.uuid4().hex
            say(url, sender, "我的申请办到哪一步了")
            say(url, sender, case.number)
            t0 = time.perf_counter()
            reply = "\n".join(m.get("text", "") for m in say(url, sender, case.phone_tail))
            status_timings.append(time.perf_counter() - t0)
            status_ok += f"办理状态：{case.status.value}" in reply
    timings.sort()
    n = len(results)
    item_ok = sum(r[1] for r in results)
    both_ok = sum(r[1] and r[2] for r in results)
    print(f"\n=== end-to-end through the REST channel: {n} held-out questions (stack start {startup:.0f}s) ===")
    print(f"answer accuracy (right item and right aspect) {both_ok / n:.3f}   right item {item_ok / n:.3f}   "
          f"reply latency p50 {1000 * timings[len(timings) // 2]:.0f} ms  p95 {1000 * timings[int(0.95 * (len(timings) - 1))]:.0f} ms")
    by_style = defaultdict(list)
    for r in results:
        by_style[r[0].get("style", "?")].append(r)
    for style, rows in sorted(by_style.items()):
        print(f"  {style:<14} n={len(rows):>3}  accuracy {sum(a and b for _, a, b, _ in rows) / len(rows):.3f}")
    failures = [r for r in results if not (r[1] and r[2])]
    if status_timings:
        status_timings.sort()
        print(f"办件进度 over REST: {status_ok}/{len(status_timings)} correct status replies; final-turn latency "
              f"p50 {1000 * status_timings[len(status_timings) // 2]:.0f} ms  "
              f"p95 {1000 * status_timings[int(0.95 * (len(status_timings) - 1))]:.0f} ms")
    print(f"failures: {len(failures)}; first {min(args.failures, len(failures))}:")
    for q, item, aspect, text in failures[: args.failures]:
        first = text.strip().splitlines()[0][:70] if text.strip() else "(silence)"
        print(f"  [{q.get('style')}] {q['question'][:50]!r} want {q['codes'][:1]}/{q.get('aspect')} "
              f"item_ok={item} aspect_ok={aspect} :: {first}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
