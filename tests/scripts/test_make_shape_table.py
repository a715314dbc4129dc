"""The look-alike table's generator: its rules on a small made-up stroke table, and a precise error
for a wrong data folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from make_shape_table import everyday, main  # noqa: E402

from guides.shapes import parse_table  # noqa: E402

# Stroke types, components and four-corner codes, made up to exercise each rule.
ORDER = {
    "已": "515", "己": "515",  # the same strokes
    "拨": "12153544", "拔": "12113544",  # one stroke apart, eight strokes
    "丈": "134", "不": "1324",  # one stroke apart, short, four-corner codes unlike
    "大": "134", "太": "1344",  # one stroke apart, short, four-corner codes alike
    "援": "121344311354", "缓": "551344311354",  # two apart, sharing 爰
    "护": "1214513", "扩": "1214133",  # two apart, sharing only the radical 手
    "爰": "344311354", "手": "3112", "户": "4513", "广": "413",
}
PARTS = {"援": ["手", "爰"], "缓": ["丝", "爰"], "护": ["手", "户"], "扩": ["手", "广"], "拨": ["手", "发"],
         "拔": ["手", "犮"], "大": ["人", "一"], "太": ["大", "丶"]}


# 手 counts as a radical only when many everyday characters use it: 120 others do here.
FILLER = {c: "3112" + "1" * (i % 5) for i, c in enumerate(
    [c for c in map(chr, range(0x9000, 0x9FA5)) if everyday(c) and c not in ORDER][:120])}
FOUR = {"丈": "50000", "不": "10900", "大": "40800", "太": "40030", "已": "17717", "己": "17717"}


@pytest.fixture
def data(tmp_path):
    for name, table in (("order", ORDER | FILLER), ("stroke", PARTS | {c: ["手"] for c in FILLER}),
                        ("fourangle", FOUR)):
        (tmp_path / f"char_{name}.dict").write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_the_rules_pair_look_alikes_and_only_them(data, tmp_path):
    out = tmp_path / "shapes.tsv"
    assert main([str(data), "--out", str(out)]) == 0
    table = parse_table(out.read_text(encoding="utf-8"))
    for a, b in ("已己", "拨拔", "大太", "援缓"):
        assert b in table.get(a, ()), (a, b)
    for a, b in ("丈不", "护扩"):
        assert b not in table.get(a, ()), (a, b)
    assert out.read_text(encoding="utf-8").startswith("# Look-alike characters")


def test_a_folder_without_the_data_is_a_precise_error(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path)])
    assert "char_order.dict not found" in capsys.readouterr().err
