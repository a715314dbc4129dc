"""Time to first reply in the browser (not a test): Debian Chromium through Playwright against the
real stack (portal, Rasa socket.io, action server) on the local database (`make demo` first).

For each of N fresh browser sessions: load the portal, open the widget, ask a guide question, and
time (a) page load to connected and (b) Enter to the first bot message on screen. The first
question after start-up also pays for building the search index in the action server; it is
reported on its own.

    .venv/bin/python bench/widget_bench.py [--runs 10]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guidebot.config import PROJECT_ROOT  # noqa: E402
from guidebot.stack import free_port, portal_server, rasa_stack  # noqa: E402

QUESTIONS = ["在南宁补办身份证要带什么材料", "社保卡丢了怎么补办", "公积金提取要多久", "开个体户要什么材料",
             "新生儿落户在青秀区哪里办", "高校教师资格认定流程", "结婚登记要带什么", "低保怎么申请"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    bundle = PROJECT_ROOT / "web_widget" / "dist" / "guidebot-widget.js"
    raw = bundle.read_bytes()
    print(f"widget bundle: {len(raw) / 1024:.1f} KB minified, {len(gzip.compress(raw, 9)) / 1024:.1f} KB gzipped "
          f"(socket.io client included)")
    rasa_port, portal_port = free_port(), free_port()
    env = {"GUIDEBOT_PORTAL_URL": f"http://127.0.0.1:{portal_port}", "GUIDEBOT_RASA_URL": f"http://127.0.0.1:{rasa_port}"}
    os.environ.update(env)
    connect, reply = [], []
    with rasa_stack(env=env, rasa_port=rasa_port) as _, portal_server(env=env, port=portal_port) as portal, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("GUIDEBOT_CHROMIUM", "/usr/bin/chromium"),
                                    args=ARGS, headless=True)
        for run in range(args.runs + 1):
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            started = time.perf_counter()
            page.goto(portal + "/")
            page.get_by_role("button", name="在线咨询").click()
            page.wait_for_selector(".gbw-send[aria-disabled='false']", timeout=30_000)
            connected = time.perf_counter()
            box = page.get_by_role("textbox", name="输入您的问题")
            box.fill(QUESTIONS[run % len(QUESTIONS)])
            before = page.locator(".gbw-msg-bot").count()
            sent = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(f"document.querySelectorAll('.gbw-msg-bot').length > {before}", timeout=60_000)
            answered = time.perf_counter()
            if run == 0:
                print(f"first question after start-up (builds the search index): {1000 * (answered - sent):.0f} ms")
            else:
                connect.append(1000 * (connected - started))
                reply.append(1000 * (answered - sent))
            context.close()
        browser.close()
    print(f"{args.runs} fresh browser sessions:")
    print(f"  page load -> widget connected: p50 {statistics.median(connect):.0f} ms, p95 {pct(connect, 0.95):.0f} ms")
    print(f"  Enter -> first bot message:    p50 {statistics.median(reply):.0f} ms, p95 {pct(reply, 0.95):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
