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
