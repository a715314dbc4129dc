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

from approvals import demo
from approvals.models import ApplicationStatus
from guidebot import migrate
from guidebot.config import PROJECT_ROOT
from guidebot.db import make_engine, unit_of_work
from guidebot.stack import MODEL, RASA, rasa_stack, say
from guides.catalogue import load_directory
from guides.store import import_bundle
from tests.conftest import CATALOGUE_DIR

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


STACK_KEY = "rest-test-secret"


@pytest.fixture(scope="module")
def stack_data(tmp_path_factory):
    """A database of its own: the catalogue and some demo applications."""
    path = tmp_path_factory.mktemp("stackdb") / "guidebot.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with unit_of_work(engine) as session:
        import_bundle(session, load_directory(CATALOGUE_DIR))
    with unit_of_work(engine) as session:
        demo.load(session, 300, STACK_KEY)
        examples = demo.examples(session, 300, STACK_KEY)
    engine.dispose()
    return f"sqlite:///{path}", examples


@pytest.fixture(scope="module")
def stack(tmp_path_factory, stack_data):
    assert MODEL.exists(), "run `make model` first"
    env = {"DATABASE_URL": stack_data[0], "GUIDEBOT_SECRET_KEY": STACK_KEY}
    with rasa_stack(env=env, log_dir=tmp_path_factory.mktemp("stack")) as url:
        yield url


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
