"""The NLU data follows the aspect annotation guide (docs/annotation-guide.md): every aspect span,
in training and held-out data alike, is a head from eval/aspect_lexicon.yml."""

from __future__ import annotations

import subprocess
import sys

from guidebot.config import PROJECT_ROOT


def test_every_aspect_span_follows_the_annotation_guide():
    result = subprocess.run([sys.executable, "eval/aspect_spans.py", "--check"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 violations" in result.stdout + result.stderr


def test_the_checker_catches_a_span_that_breaks_the_guide(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text('version: "3.1"\nnlu:\n- intent: ask_guide\n  examples: |\n'
                   '    - 办护照[要带什么材料吗]{"entity": "aspect", "value": "材料"}\n', "utf-8")
    result = subprocess.run([sys.executable, "eval/aspect_spans.py", "--check", str(bad)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "要带什么材料吗" in result.stdout + result.stderr


ALIGNMENT_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, "eval")
from aspect_spans import cut_spans, read_examples
for path in sorted(Path(sys.argv[1]).rglob("*.yml")):
    for ex, a, words in cut_spans(read_examples(path)[1]):
        print(f"{path}:{ex.lineno} [{ex.text[a.start:a.end]}]({a.entity}) cuts {'|'.join(words)}")
"""


def _misaligned(folder) -> list[str]:
    result = subprocess.run([sys.executable, "-c", ALIGNMENT_SCRIPT, str(folder)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


def test_every_entity_span_is_whole_jieba_tokens():
    """Rasa drops a training span that starts or ends inside a token ("Misaligned entity
    annotation"), so its example teaches nothing about that entity; a held-out span inside a token
    is one the model can never predict. The tokens are jieba's with the generated catalogue
    dictionary, which glues words such as 护照办理: the whole word is the span (guide rule 6)."""
    assert (PROJECT_ROOT / "nlu_data" / "dictionary" / "catalogue.txt").exists(), "run `make catalogue` first"
    assert _misaligned(PROJECT_ROOT / "nlu_data" / "train") == []
    assert _misaligned(PROJECT_ROOT / "nlu_data" / "test") == []


def test_the_alignment_check_finds_a_span_inside_a_word(tmp_path):
    (tmp_path / "bad.yml").write_text('version: "3.1"\nnlu:\n- intent: ask_guide\n  examples: |\n'
                                      '    - [护照](item)办理流程是什么\n    - [护照办理](item)流程是什么\n', "utf-8")
    found = _misaligned(tmp_path)
    assert len(found) == 1 and "[护照](item)" in found[0]


def test_the_documented_token_check_reports_a_span_of_any_entity_inside_a_word(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text('version: "3.1"\nnlu:\n- intent: ask_guide\n  examples: |\n'
                   '    - [护照](item)办理[流程]{"entity": "aspect", "value": "流程"}是什么\n', "utf-8")
    result = subprocess.run([sys.executable, "eval/aspect_spans.py", "--check", "--tokens", str(bad)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "item: [护照]办理流程是什么" in result.stdout
