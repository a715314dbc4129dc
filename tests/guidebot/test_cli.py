"""The guidebot CLI, run as a real subprocess where the contract matters (stdin/stdout/exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from guidebot.cli import main
from tests.helpers import item_yaml


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return {**os.environ}


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


def guidebot(env, *args, input=None):
    """The installed console script, as operators and evaluation tools call it."""
    exe = os.path.join(os.path.dirname(sys.executable), "guidebot")
    return subprocess.run([exe, *args], input=input, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("command", [[], ["db"], ["db", "upgrade"], ["import"], ["export"], ["search"],
                                     ["catalogue", "validate"], ["vocab", "export"]])
def test_help_everywhere(command):
    code, output = run(*command, "--help")
    assert code == 0 and "Usage:" in output


def test_unmigrated_database_gives_a_clear_error(env, make_catalogue):
    code, output = run("import", str(make_catalogue()))
    assert code == 1 and "has no schema: run `guidebot db upgrade`" in output and "Traceback" not in output


def test_import_search_export_cycle(env, make_catalogue, tmp_path):
    assert run("db", "upgrade")[0] == 0
    code, output = run("db", "upgrade")
    assert code == 0 and "already at" in output
    root = make_catalogue()
    code, output = run("import", str(root))
    assert code == 0 and "items: 3 created" in output
    code, output = run("import", str(root))
    assert "items: 0 created, 0 updated, 3 unchanged" in output
    code, output = run("import", "--dry-run", str(make_catalogue({"items/n.yaml": item_yaml("N-001", "新事项")}, name="c2")))
    assert code == 0 and "items: 1 created" in output and "dry run" in output
    assert "N-001" not in run("search", "--json", "新事项")[1]
    code, output = run("search", "--json", "高校教资")
    assert code == 0 and json.loads(output)["results"][0]["code"] == "T-001"
    code, output = run("search", "今天天气怎么样")
    assert code == 0 and "no confident match" in output
    code, output = run("export", str(tmp_path / "out"))
    assert code == 0 and (tmp_path / "out" / "items").is_dir()
    code, output = run("vocab", "export", "--jieba-dir", str(tmp_path / "dict"), "--rasa-file", str(tmp_path / "c.yml"))
    words = (tmp_path / "dict" / "catalogue.txt").read_text("utf-8").splitlines()
    assert code == 0 and "高校教资 200000 alias" in words and "柳州市 200000 region" in words
    import yaml

    nlu = yaml.safe_load((tmp_path / "c.yml").read_text("utf-8"))["nlu"]
    lookups = {b["lookup"]: b["examples"] for b in nlu if "lookup" in b}
    synonyms = {b["synonym"]: b["examples"] for b in nlu if "synonym" in b}
    assert "- 柳州\n" in lookups["region"] and "- 高校教资\n" in lookups["item"]
    assert "- 柳州市\n" in synonyms["450200000000"] and "- 柳州\n" in synonyms["450200000000"]


def test_single_item_file_import_finds_its_catalogue(env, make_catalogue):
    run("db", "upgrade")
    root = make_catalogue()
    assert run("import", str(root))[0] == 0
    (root / "items" / "extra.yaml").write_text(item_yaml("E-001", "额外事项"), "utf-8")
    code, output = run("import", str(root / "items" / "extra.yaml"))
    assert code == 0 and "items: 1 created" in output


def test_bad_catalogue_aborts_with_file_field_and_reason(env, make_catalogue):
    run("db", "upgrade")
    bad = make_catalogue({"items/ok.yaml": item_yaml("OK-001", "好事项"),
                          "items/bad.yaml": item_yaml("BAD-001", "坏事项").replace("type: 行政许可", "type: 随便")})
    code, output = run("import", str(bad))
    assert code == 2 and "items/bad.yaml: type: '随便' is not one of" in output and "nothing was imported" in output
    assert run("search", "--json", "好事项")[1].count("OK-001") == 0
    code, output = run("catalogue", "validate", str(bad))
    assert code == 2 and "items/bad.yaml" in output


def test_batch_search_contract(env, make_catalogue):
    """One JSON line per input line, in order, empty results when not confident — via the real script."""
    assert guidebot(env, "db", "upgrade").returncode == 0
    assert guidebot(env, "import", str(make_catalogue())).returncode == 0
    questions = ["高校教资怎么考", "", "今天天气怎么样", "护照", "😀", "'; DROP TABLE service_items; --",
                 "<script>alert(1)</script>", "\x01\x02控制字符", "护照" * 5000]
    result = guidebot(env, "search", "--limit", "3", input="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert lines[0]["results"][0] == {"code": "T-001", "name": "高等学校教师资格认定",
                                      "department": "广西壮族自治区教育厅", "score": lines[0]["results"][0]["score"]}
    assert lines[1]["results"] == [] and lines[2]["results"] == [] and lines[4]["results"] == []
    assert {r["code"] for r in lines[3]["results"]} == {"P-NN-001", "P-LZ-001"}
    assert all(len(line["results"]) <= 3 for line in lines)
    # Suggestions only stand in for answers, and only items worth offering (none for the weather).
    assert all(line["suggestions"] == [] for line in lines if line["results"]) and lines[2]["suggestions"] == []
    region = guidebot(env, "search", "--json", "--region", "450200000000", "护照")
    assert [r["code"] for r in json.loads(region.stdout)["results"]] == ["P-LZ-001"]
    assert "Traceback" not in result.stderr


def test_unknown_path_and_format_errors(env, tmp_path):
    code, output = run("import", str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in output
    (tmp_path / "x.jsonl").write_text("{broken\n", "utf-8")
    run("db", "upgrade")
    code, output = run("import", str(tmp_path / "x.jsonl"))
    assert code == 2 and "x.jsonl:1: malformed JSON" in output
    loose = tmp_path / "loose.yaml"
    loose.write_text(item_yaml("L-001", "散装事项"), "utf-8")
    code, output = run("import", str(loose))
    assert code == 2 and "not inside a catalogue directory" in output


def test_calendar_admin_table(env):
    run("db", "upgrade")
    code, output = run("calendar", "check", "2026")
    assert code == 0 and "chinesecalendar package" in output
    code, output = run("calendar", "check", "2031")
    assert "NOT KNOWN" in output
    assert run("calendar", "set", "2031-01-01", "--holiday", "--name", "元旦")[0] == 0
    assert run("calendar", "set", "2031-01-04", "--workday")[0] == 0  # a Saturday worked
    assert run("calendar", "complete", "2031")[0] == 0
    code, output = run("calendar", "check", "2031")
    assert "from the admin table" in output and "NOT KNOWN" not in output
    assert run("calendar", "set", "not-a-date", "--holiday")[0] == 2
    assert run("calendar", "set", "2031-01-02")[0] == 2
