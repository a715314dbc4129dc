"""The gdzwfw export importer: mapping, bad rows, and the full 2,262-item export."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import func, select

from guidebot.db import unit_of_work
from guidebot.errors import ValidationFailed
from guides.importers.gdzwfw import load_alias_overlay, load_example_overlay, load_export, row_to_item
from guides.models import Department, Material, ServiceItem
from guides.store import import_bundle
from tests.conftest import GDZWFW_EXPORT

ROW = {
    "TASK_CODE": "11440100007483180K344010900200106", "TASK_NAME": "专职律师执业许可(退休人员申请执业)",
    "matter_name": "专职律师执业许可", "CATANAME": "律师执业许可", "subTaskName": "退休人员申请执业",
    "CATAID": "440109002001", "DEPT_NAME": "广州市司法局", "ORGCODE": "007483180", "AREACODE": "440100",
    "matter_level": "市级", "TASK_TYPE_TEXT": "行政许可", "handle_time": "20(工作日)", "handle_time_limit": "无",
    "accept_standard": "无", "material_intro": ["申请书", "身份证"], "handle_location": "办理地点：广州市越秀区府前路1号",
    "consult_phone": "020-12345", "complaint_phone": "无", "online_book": "是", "online_book_addr": "无",
    "courier_service": "不支持", "visit_number": "1", "theme_category": ["其他", "司法公证"],
    "service_object_name": ["自然人"], "matter_short": "无", "matter_daily": "专职 律师 执业，律师证",
    "co_department": "无", "bear_paltform": "广东省法律服务网", "URL": "https://example.gov.cn/item",
}


def write_rows(tmp_path, rows) -> object:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_row_mapping_invents_nothing():
    item = row_to_item(ROW)
    assert item["name"] == "专职律师执业许可(退休人员申请执业)" and item["parent_name"] == "专职律师执业许可"
    assert item["time_limits"] == {"statutory": {"value": 20, "unit": "工作日"}, "promised": None}
    assert item["accept_conditions"] is None and item["complaint_phone"] is None  # "无" is not text
    assert item["location"] == "广州市越秀区府前路1号"
    assert item["materials"][0] == {"name": "申请书", "required": None, "form": None, "copies": None,
                                    "source": None, "notes": None}
    assert item["process"] == [] and item["fees"] is None and item["legal_basis"] is None
    assert item["aliases"] == ["专职律师执业", "律师证", "律师执业许可"]
    assert item["topics"] == ["司法公证"] and item["express_delivery"] is False and item["visits"] == 1
    assert item["online"] == {"available": True, "url": None, "platform": "广东省法律服务网"}
    assert item["region"] == "440100000000" and item["level"] == "市级"


@pytest.mark.parametrize("change, message", [
    ({"TASK_CODE": ""}, "missing required field(s): TASK_CODE"),
    ({"AREACODE": "110000"}, "AREACODE '110000' is not one of"),
    ({"handle_time": "二十天"}, "unrecognised time limit"),
    ({"visit_number": "-1"}, "visit_number '-1' is not a whole number"),
    ({"courier_service": "也许"}, "expected 是/否/不支持"),
])
def test_bad_rows_are_reported_with_line_numbers(tmp_path, change, message):
    path = write_rows(tmp_path, [ROW, {**ROW, "TASK_CODE": "X2", **change}])
    with pytest.raises(ValidationFailed) as info:
        load_export(path)
    assert info.value.problems[0].startswith("items.jsonl:2: ") and message in info.value.problems[0]


def test_malformed_json_duplicate_codes_and_empty_file(tmp_path):
    path = write_rows(tmp_path, [ROW, '{"TASK_CODE": ', "[1, 2]", ROW])
    with pytest.raises(ValidationFailed) as info:
        load_export(path)
    problems = info.value.problems
    assert problems[0].startswith("items.jsonl:2: malformed JSON")
    assert "items.jsonl:3: expected a JSON object" in problems[1]
    assert "items.jsonl:4: TASK_CODE" in problems[2] and "repeats line 1" in problems[2]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", "utf-8")
    with pytest.raises(ValidationFailed, match="no items found"):
        load_export(empty)


@pytest.fixture(scope="module")
def export_bundle():
    if not GDZWFW_EXPORT.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the gdzwfw export is missing at {GDZWFW_EXPORT}")
        pytest.skip(f"the gdzwfw export is not at {GDZWFW_EXPORT}")
    return load_export(GDZWFW_EXPORT)


def test_whole_export_imports_completely_and_idempotently(engine, export_bundle):
    lines = sum(1 for line in GDZWFW_EXPORT.read_text("utf-8").splitlines() if line.strip())
    assert lines == 2262 and len(export_bundle.items) == 2262
    with unit_of_work(engine) as session:
        stats = import_bundle(session, export_bundle)
    # The province, Guangzhou, and the places questions name without items: 20 cities, 11 districts.
    assert stats.created == {"region": 33, "department": 177, "item": 2262}
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(ServiceItem)) == 2262
        assert session.scalar(select(func.count()).select_from(Department)) == 177
        with_materials = session.scalar(select(func.count(func.distinct(Material.item_id))))
        assert with_materials == sum(1 for i in export_bundle.items if i["materials"])
        city = session.scalar(select(func.count()).select_from(ServiceItem).where(ServiceItem.level == "市级"))
        assert city == 238
        repeated = session.execute(
            select(ServiceItem.parent_name, func.count()).where(ServiceItem.parent_name == "专职律师执业许可")
            .group_by(ServiceItem.parent_name)
        ).one()
        assert repeated[1] >= 2  # sub-items of one main item stay separate items
    with unit_of_work(engine) as session:
        again = import_bundle(session, export_bundle)
    assert again.changed == 0 and again.unchanged["item"] == 2262


def test_alias_overlay_is_merged_without_repeats(tmp_path):
    aliases = tmp_path / "aliases"
    aliases.mkdir()
    (aliases / "a.yaml").write_text('"专职律师执业许可(退休人员申请执业)": [退休律师执业, 律师证, 退休律师执业]\n"别的事项": [别名]\n', "utf-8")
    bundle = load_export(write_rows(tmp_path, [ROW]), alias_dir=aliases)
    # The export's own aliases first, then ours, each once; the official name is never an alias.
    assert bundle.items[0]["aliases"] == ["专职律师执业", "律师证", "律师执业许可", "退休律师执业"]
    assert load_export(write_rows(tmp_path, [ROW]), alias_dir=None).items[0]["aliases"] == row_to_item(ROW)["aliases"]


def test_example_questions_are_attached_by_official_name(tmp_path):
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "a.yaml").write_text('"专职律师执业许可(退休人员申请执业)": [退休了还能当律师吗, 退休 律师 执业, 退休了还能当律师吗]\n'
                                     '"别的事项": [别的问题]\n', "utf-8")
    bundle = load_export(write_rows(tmp_path, [ROW]), example_dir=examples)
    assert bundle.items[0]["examples"] == ["退休了还能当律师吗", "退休 律师 执业"]
    assert load_export(write_rows(tmp_path, [ROW]), example_dir=None).items[0]["examples"] == []
    (examples / "b.yaml").write_text('"事项": ["' + "长" * 121 + '"]\n', "utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_export(write_rows(tmp_path, [ROW]), example_dir=examples)
    assert "b.yaml" in info.value.problems[0] and "expected a list of example questions of 1-120" in info.value.problems[0]


@pytest.mark.parametrize("text, message", [
    ("[1, 2]", "expected a mapping"),
    ('"事项": 别名\n', "expected a list of aliases"),
    ('"事项": [""]\n', "expected a list of aliases"),
    ('"事项": [ok\n', "cannot read aliases"),
])
def test_malformed_alias_files_are_reported_and_nothing_is_loaded(tmp_path, text, message):
    aliases = tmp_path / "aliases"
    aliases.mkdir()
    (aliases / "bad.yaml").write_text(text, "utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_export(write_rows(tmp_path, [ROW]), alias_dir=aliases)
    assert "bad.yaml" in info.value.problems[0] and message in info.value.problems[0]


def test_the_alias_files_cover_every_export_item_and_nothing_else(export_bundle):
    overlay = load_alias_overlay()
    names = {item["name"] for item in export_bundle.items}
    assert set(overlay) == names
    assert all(3 <= len(aliases) for aliases in overlay.values())


def test_the_example_files_cover_every_export_item_and_nothing_else(export_bundle):
    overlay = load_example_overlay()
    names = {item["name"] for item in export_bundle.items}
    assert set(overlay) == names
    assert all(len(set(questions)) == len(questions) >= 4 for questions in overlay.values())


def test_questions_may_name_guangzhou_districts_and_other_cities(export_bundle):
    parents = {r["name"]: r["parent"] for r in export_bundle.regions}
    assert parents["天河区"] == "440100000000" and parents["深圳市"] == "440000000000"
    assert parents["广州市"] == "440000000000" and parents["广东省"] is None
