"""The Rasa bot as a whole: data validation, conversation tests, and the REST channel end to end.

These need the trained model (`make test` trains it first when the data changed).
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import uuid

import pytest

from approvals.models import ApplicationStatus
from feedback.models import HandoffKind, HandoffRequest, Rating
from guidebot.config import PROJECT_ROOT
from guidebot.stack import MODEL, RASA, say
from tests.helpers import stored_rows

RASA_ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
DATA = ["nlu_data/train", "bot/rules.yml", "bot/stories.yml"]

pytestmark = pytest.mark.slow


def rasa(*args, timeout=900):
    return subprocess.run([str(RASA), *args], cwd=PROJECT_ROOT, env=RASA_ENV, capture_output=True, text=True,
                          timeout=timeout)


def test_rasa_data_validates_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings", "--domain", "bot/domain.yml", "--config", "config.yml",
                  "--data", *DATA)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_conversation_stories_pass(tmp_path):
    assert MODEL.exists(), "run `make model` first"
    result = rasa("test", "core", "--model", str(MODEL), "--stories", "tests/conversations",
                  "--fail-on-prediction-errors", "--out", str(tmp_path / "results"), "--no-plot")
    failed = tmp_path / "results" / "failed_test_stories.yml"
    detail = failed.read_text("utf-8")[-6000:] if failed.exists() else result.stdout[-4000:] + result.stderr[-3000:]
    assert result.returncode == 0, detail


@pytest.fixture(scope="module")
def stack_data(live_stack):
    return live_stack.database_url, live_stack.examples


@pytest.fixture(scope="module")
def stack(live_stack):
    return live_stack.rasa_url


def texts(messages):
    return "\n".join(m.get("text", "") for m in messages)


def test_guide_conversation_over_rest(stack):
    sender = uuid.uuid4().hex
    reply = texts(say(stack, sender, "在南宁补办身份证要带什么材料"))
    assert "居民身份证补领" in reply and "申请材料：" in reply and "/guides/" in reply
    reply = texts(say(stack, sender, "那要多久"))
    assert "居民身份证补领" in reply and "承诺办结时限" in reply
    reply = say(stack, sender, "今天天气怎么样")
    assert "不在我的服务范围" in texts(reply)


def test_parsed_aspects_carry_the_canonical_value(stack):
    """The AspectCanonicaliser in the pipeline: Traditional or unseen spans get the actions' aspect."""
    from guides.aspects import ASPECTS

    found = []
    for text in ("護照窗口幾點開門", "辦居住證要帶什麼", "补办社保卡要多长时间", "营业执照办理的收费标准"):
        request = urllib.request.Request(f"{stack}/model/parse", data=json.dumps({"text": text}).encode("utf-8"),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            parsed = json.loads(response.read().decode("utf-8"))
        found += [e["value"] for e in parsed["entities"] if e["entity"] == "aspect"]
    assert found and set(found) <= set(ASPECTS), found


@pytest.mark.parametrize("text", ["", " ", "我" * 10000, "😀😀😀", "<script>alert('x')</script><b>粗体</b>",
                                  "'; DROP TABLE events; --", "\x00\x07\x1b[31m", "https://example.com/?q=<img src=x>"])
def test_bad_input_gets_a_clear_chinese_reply(stack, text):
    messages = say(stack, uuid.uuid4().hex, text)
    assert messages, "the bot stayed silent"
    reply = texts(messages)
    assert any("\u4e00" <= c <= "\u9fff" for c in reply), reply
    assert "<script>" not in reply and "Traceback" not in reply


def test_application_status_conversation_over_rest(stack, stack_data):
    _, examples = stack_data
    sender = uuid.uuid4().hex
    first, second = (next(e for e in examples if e.status == s)
                     for s in (ApplicationStatus.CORRECTION, ApplicationStatus.COMPLETED))
    assert "受理编号" in texts(say(stack, sender, "我的申请办到哪一步了"))
    assert "后四位" in texts(say(stack, sender, f"编号是{first.number}"))
    reply = texts(say(stack, sender, first.phone_tail))
    assert "办理状态：待补正" in reply and "需要您补正以下材料" in reply
    # One conversation, a second application: asked again from the start.
    assert "受理编号" in texts(say(stack, sender, "再查一个办件进度"))
    say(stack, sender, second.number)
    reply = texts(say(stack, sender, "0000" if second.phone_tail != "0000" else "1111"))
    assert "不正确" in reply
    # The stored conversation never holds the digits in clear: not as text, entity or slot.
    with urllib.request.urlopen(f"{stack}/conversations/{sender}/tracker") as response:
        stored = json.loads(response.read().decode("utf-8"))
    events = stored["events"]
    user_texts = [e.get("text") for e in events if e["event"] == "user"]
    assert first.phone_tail not in user_texts and "****" in user_texts
    assert all(e.get("value") in (None, "****") for e in events if e["event"] == "slot" and e["name"] == "phone_tail")
    entities = [x for e in events if e["event"] == "user" for x in (e.get("parse_data") or {}).get("entities", [])]
    assert all(x["value"] == "****" for x in entities if x["entity"] == "phone_tail")


@pytest.mark.parametrize("status", list(ApplicationStatus))
def test_every_status_in_a_conversation(stack, stack_data, status):
    _, examples = stack_data
    case = next(e for e in examples if e.status == status)
    sender = uuid.uuid4().hex
    say(stack, sender, "帮我查一下办件进度")
    say(stack, sender, f"我的受理编号是{case.number.lower()}")
    reply = texts(say(stack, sender, f"尾号{case.phone_tail}"))
    assert f"办理状态：{status.value}" in reply and "（示例数据）" in reply


def test_status_failure_paths_in_a_conversation(stack, stack_data):
    _, examples = stack_data
    case = examples[0]
    sender = uuid.uuid4().hex
    say(stack, sender, "查询办件进度")
    assert "共17位" in texts(say(stack, sender, "GX2026"))  # too short: the format is explained
    wrong_check = case.number[:-1] + ("0" if case.number[-1] != "0" else "1")
    assert "校验码不正确" in texts(say(stack, sender, wrong_check))
    say(stack, sender, case.number)
    assert "4位数字" in texts(say(stack, sender, "12"))
    wrong = "0000" if case.phone_tail != "0000" else "1111"
    assert "不正确" in texts(say(stack, sender, wrong))
    # Four more failures from this conversation lock it, even for the right digits.
    for _ in range(4):
        say(stack, sender, "查询办件进度")
        say(stack, sender, case.number)
        say(stack, sender, wrong)
    say(stack, sender, "查询办件进度")
    say(stack, sender, case.number)
    assert "验证失败次数过多" in texts(say(stack, sender, case.phone_tail))


def test_rating_conversation_over_rest_stores_one_rating_with_the_items(stack, stack_data):
    sender = uuid.uuid4().hex
    assert "申请材料" in texts(say(stack, sender, "在南宁补办身份证要带什么材料"))
    goodbye = say(stack, sender, "好的，再见")
    assert any(b["payload"] == "/rate" for m in goodbye for b in m.get("buttons", []))
    ask = say(stack, sender, "/rate")
    assert [b["title"] for b in ask[-1]["buttons"]] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert "原因" in texts(say(stack, sender, '/rate{"rating": "不满意"}'))
    assert "跳过" in texts(say(stack, sender, "答案不准确"))
    reply = texts(say(stack, sender, "材料清单和窗口说的不一样"))
    assert "核实整改" in reply
    [rating] = stored_rows(stack_data[0], Rating, lambda r: (r.level, r.reasons, r.comment, [i.name for i in r.items]),
                           conversation_id=sender)
    assert rating == (2, ["答案不准确"], "材料清单和窗口说的不一样", ["居民身份证补领"])
    assert "已经评价过" in texts(say(stack, sender, "我要评价"))
    assert len(stored_rows(stack_data[0], Rating, conversation_id=sender)) == 1


def test_handoff_outside_office_hours_takes_a_message_over_rest(stack, stack_data):
    sender = uuid.uuid4().hex
    reply = say(stack, sender, "转人工")
    assert "不在人工客服服务时间" in texts(reply) and "12345" in texts(reply)
    assert "写下" in texts(say(stack, sender, "/leave_message"))
    assert "联系电话" in texts(say(stack, sender, "想问营业执照变更要多久"))
    assert "格式不对" in texts(say(stack, sender, "12345"))
    reply = texts(say(stack, sender, "13877123456"))
    assert "留言已收到" in reply and "138****3456" in reply
    [request] = stored_rows(stack_data[0], HandoffRequest, conversation_id=sender)
    assert (request.kind, request.message, request.contact_phone) == (HandoffKind.MESSAGE, "想问营业执照变更要多久", "13877123456")
    assert any(t["text"] == "转人工" for t in request.transcript)
    # The conversation Rasa keeps holds the number only masked (the hotline has it in its table).
    with urllib.request.urlopen(f"{stack}/conversations/{sender}/tracker") as response:
        stored = response.read().decode("utf-8")
    assert "13877123456" not in stored and "****" in stored
