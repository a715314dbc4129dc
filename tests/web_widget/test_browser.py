"""The widget in a real browser (Playwright driving Debian's Chromium) against the real stack:
portal, Rasa's socket.io channel and the action server. Screenshots go to test-artifacts/screenshots
for a reviewer to look at."""

from __future__ import annotations

import os
import re
import time
import uuid

import pytest

from feedback.models import HandoffKind, HandoffRequest, Rating
from guidebot.config import PROJECT_ROOT
from tests.helpers import stored_rows

pytestmark = pytest.mark.slow
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CHROMIUM = os.environ.get("GUIDEBOT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
# Without the background-networking flags Chromium keeps trying to reach Google on this closed network.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
REPLY = 30_000  # ms: a guide answer goes through Rasa, the action server and the search


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_stack):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_stack.portal_url + "/")
    yield page
    context.close()
    assert errors == [], errors


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def open_widget(page):
    page.get_by_role("button", name=re.compile("在线咨询")).click()
    dialog = page.get_by_role("dialog", name="智能客服")
    expect(dialog).to_be_visible()
    return dialog


def ask(page, text):
    box = page.get_by_role("textbox", name="输入您的问题")
    expect(page.get_by_role("button", name="发送")).to_have_attribute("aria-disabled", "false", timeout=REPLY)
    box.fill(text)
    box.press("Enter")


def test_guide_question_card_quick_reply_and_history_after_reload(page, live_stack):
    dialog = open_widget(page)
    expect(dialog.locator(".gbw-greeting")).to_contain_text("办事指南智能客服")
    expect(dialog.get_by_role("group", name="热门问题").get_by_role("button").first).to_be_visible()
    started = time.perf_counter()
    ask(page, "在南宁补办身份证要带什么材料")
    card = dialog.locator("article.gbw-card").last
    expect(card).to_contain_text("居民身份证补领", timeout=REPLY)
    first_reply_ms = (time.perf_counter() - started) * 1000
    print(f"\ntime to first reply in the browser: {first_reply_ms:.0f} ms")
    expect(card).to_contain_text("示例数据")
    expect(card.locator("ol li").first).to_be_visible()  # numbered materials
    link = card.get_by_role("link", name=re.compile("完整办事指南"))
    assert re.fullmatch(re.escape(live_stack.portal_url) + r"/guides/[\w-]+", link.get_attribute("href"))
    shot(page, "01-guide-card")
    # A quick reply: the title shows as the citizen's bubble, the payload goes to the bot.
    dialog.locator(".gbw-quick").last.get_by_role("button", name="时限").click()
    expect(dialog.locator(".gbw-msg-user").last).to_contain_text("时限")
    expect(dialog.locator("article.gbw-card").last).to_contain_text("承诺办结时限", timeout=REPLY)
    shot(page, "02-quick-reply")
    cards = dialog.locator("article.gbw-card").count()
    # Reload: the same conversation and its history are back, and it carries on with context.
    page.reload()
    dialog = page.get_by_role("dialog", name="智能客服")
    expect(dialog).to_be_visible()  # it was open: it stays open across pages
    expect(dialog.locator("article.gbw-card")).to_have_count(cards)
    ask(page, "那在哪里办")
    expect(dialog.locator("article.gbw-card").last).to_contain_text("办理地点", timeout=REPLY)
    expect(dialog.locator("article.gbw-card").last).to_contain_text("居民身份证补领")
    shot(page, "03-after-reload")
    # The link opens the item's full guide page on the portal.
    page.goto(link.get_attribute("href"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("居民身份证补领")
    expect(page.locator("#main").get_by_role("heading", name="申请材料")).to_be_visible()


def test_html_and_script_in_messages_stay_inert(page):
    dialog = open_widget(page)
    page.evaluate("window.__pwned = false")
    ask(page, '<img src=x onerror="window.__pwned=true"><script>window.__pwned=true</script>')
    expect(dialog.locator(".gbw-msg-user").last).to_contain_text("<img src=x", timeout=REPLY)
    expect(dialog.locator(".gbw-msg-bot").last).to_be_visible(timeout=REPLY)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is False
    assert dialog.locator(".gbw-log img, .gbw-log script").count() == 0
    shot(page, "04-html-inert")


def test_keyboard_only_flow_with_large_text(page, live_stack):
    page.keyboard.press("Tab")  # skip link first
    for _ in range(40):  # tab to the launcher like a keyboard user
        if page.evaluate("document.activeElement && document.activeElement.classList.contains('gbw-launcher')"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="智能客服")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "gbw-input"  # focus goes to the input
    # Large-text mode by keyboard: Shift+Tab back to the toggle.
    for _ in range(40):  # back past the hot questions and the log to the header tools
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent") == "大字模式":
            break
    else:
        pytest.fail("the large-text toggle cannot be reached with Shift+Tab")
    size_before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.gbw-input')).fontSize)")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "true")
    size_after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.gbw-input')).fontSize)")
    assert size_after >= 1.5 * size_before
    page.get_by_role("textbox", name="输入您的问题").focus()
    page.keyboard.type("新生儿落户要什么材料")
    page.keyboard.press("Enter")
    # The same service is offered in two places: the bot asks where, with buttons. Pick one by keyboard.
    expect(dialog.locator(".gbw-quick").last.get_by_role("button", name="青秀区")).to_be_visible(timeout=REPLY)
    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent") == "青秀区":
            break
    else:
        pytest.fail("the quick replies cannot be reached with Shift+Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # visible focus
    page.keyboard.press("Enter")
    expect(dialog.locator("article.gbw-card").last).to_contain_text("申请材料", timeout=REPLY)
    shot(page, "05-keyboard-large-text")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('gbw-launcher')")
    # The mode persists across pages.
    page.goto(live_stack.portal_url + "/guides")
    open_widget(page)
    expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "true")


def test_rating_from_the_header_is_stored_once(page, live_stack):
    dialog = open_widget(page)
    ask(page, "社保卡丢了怎么补办")
    expect(dialog.locator("article.gbw-card, .gbw-quick").last).to_be_visible(timeout=REPLY)
    dialog.get_by_role("button", name="评价", exact=True).click()
    levels = dialog.locator(".gbw-quick").last
    expect(levels.get_by_role("button", name="非常满意")).to_be_visible(timeout=REPLY)
    levels.get_by_role("button", name="非常满意").click()
    expect(dialog.locator(".gbw-msg-bot").last).to_contain_text("感谢您的评价", timeout=REPLY)
    shot(page, "06-rating")
    session = page.evaluate("Object.keys(localStorage).filter(k => k.endsWith(':session')).map(k => localStorage[k])[0]")
    rows = stored_rows(live_stack.database_url, Rating, lambda r: (r.conversation_id, r.level, r.channel))
    assert (session, 5, "socketio") in rows


def test_handoff_outside_office_hours_leaves_a_message(page, live_stack):
    dialog = open_widget(page)
    dialog.get_by_role("button", name="转人工", exact=True).click()
    expect(dialog.locator(".gbw-msg-bot").last).to_contain_text("12345", timeout=REPLY)
    dialog.locator(".gbw-quick").last.get_by_role("button", name="我要留言").click()
    expect(dialog.locator(".gbw-msg-bot").last).to_contain_text("写下", timeout=REPLY)
    note = f"想问个体户注销要多久 {uuid.uuid4().hex[:6]}"
    ask(page, note)
    expect(dialog.locator(".gbw-msg-bot").last).to_contain_text("联系电话", timeout=REPLY)
    ask(page, "138 7712 3456")
    expect(dialog.locator(".gbw-msg-bot").last).to_contain_text("留言已收到", timeout=REPLY)
    expect(dialog.locator(".gbw-msg-bot").last).to_contain_text("138****3456")
    shot(page, "07-handoff-message")
    rows = stored_rows(live_stack.database_url, HandoffRequest, lambda r: (r.kind, r.message, r.contact_phone))
    assert (HandoffKind.MESSAGE, note, "13877123456") in rows


def test_phone_screen_full_panel_and_completion(browser, live_stack):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_stack.portal_url + "/")
    dialog = open_widget(page)
    box = dialog.bounding_box()
    assert box["width"] >= 359 and box["height"] >= 700
    page.get_by_role("textbox", name="输入您的问题").type("教师资格")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_be_visible(timeout=10_000)
    expect(options.first).to_contain_text("教师资格")
    shot(page, "08-phone-completion")
    context.close()
