"""Catalogue YAML: parsing and validation errors that name the file, the field and why."""

from __future__ import annotations

import pytest

from guidebot.errors import ValidationFailed
from guides.catalogue import load_directory, reference_problems
from tests.conftest import CATALOGUE_DIR
from tests.helpers import item_yaml


def problems_of(root) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        bundle = load_directory(root)
        problems = reference_problems(bundle, {}, set())
        if problems:
            raise ValidationFailed(problems)
    return info.value.problems


def test_valid_catalogue_loads_normalised(make_catalogue):
    bundle = load_directory(make_catalogue())
    assert bundle.meta.key == "test-cat" and bundle.meta.sample is True
    assert sorted(i["code"] for i in bundle.items) == ["P-LZ-001", "P-NN-001", "T-001"]
    teacher = next(i for i in bundle.items if i["code"] == "T-001")
    assert teacher["materials"][1] == {"name": "居民身份证", "required": "必要", "form": "纸质", "copies": 0,
                                       "source": None, "notes": None}
    assert teacher["time_limits"]["promised"] == {"value": 10, "unit": "工作日"}
    assert teacher["status"] == "published"
    assert bundle.origin["item:T-001"].endswith("items/teacher.yaml")
    assert reference_problems(bundle, {}, set()) == []


def test_default_catalogue_is_valid_and_marked_sample():
    bundle = load_directory(CATALOGUE_DIR)
    assert bundle.meta.sample is True and "示例数据" in bundle.meta.title
    assert reference_problems(bundle, {}, set()) == []
    assert len(bundle.items) >= 1
    levels = {r["level"] for r in bundle.regions}
    assert levels == {1, 2, 3, 4, 5}


def test_malformed_yaml_names_file_and_line(make_catalogue):
    root = make_catalogue({"items/bad.yaml": "code: X-1\nname: [unclosed\n"})
    (problem,) = problems_of(root)
    assert "items/bad.yaml" in problem and "malformed YAML at line" in problem


def test_wrong_types_and_missing_fields_are_each_reported(make_catalogue):
    text = item_yaml("X-001", "测试事项").replace("visits: 1", "visits: 三次").replace("type: 行政许可\n", "")
    text = text.replace("copies: 1", "copies: 一份")
    problems = problems_of(make_catalogue({"items/x.yaml": text}))
    joined = "\n".join(problems)
    assert "items/x.yaml: type: is required but missing" in joined
    assert "items/x.yaml: visits: must be of type" in joined
    assert "items/x.yaml: materials[0].copies: must be of type integer" in joined


def test_unquoted_code_with_leading_zero_gets_a_hint(make_catalogue):
    text = item_yaml("X-001", "测试事项").replace("region: '450000000000'", "region: 450000000000")
    (problem,) = problems_of(make_catalogue({"items/x.yaml": text}))
    assert "region: must be of type string" in problem and "quote it" in problem


def test_unknown_department_and_region_references(make_catalogue):
    text = item_yaml("X-001", "测试事项", department="no-such-dept", region="459999000000")
    problems = problems_of(make_catalogue({"items/x.yaml": text}))
    assert any("items/x.yaml: department: unknown department 'no-such-dept'" in p for p in problems)
    assert any("items/x.yaml: region: unknown region '459999000000'" in p for p in problems)


def test_duplicate_codes_name_both_files(make_catalogue):
    root = make_catalogue({"items/a.yaml": item_yaml("DUP-1", "事项甲"), "items/b/c.yaml": item_yaml("DUP-1", "事项乙")})
    (problem,) = problems_of(root)
    assert "'DUP-1' is defined twice" in problem and "items/a.yaml" in problem and "items/b/c.yaml" in problem


def test_duplicate_yaml_keys_are_refused(make_catalogue):
    text = item_yaml("X-001", "测试事项") + "name: 又一个名字\n"
    (problem,) = problems_of(make_catalogue({"items/x.yaml": text}))
    assert "duplicate key 'name'" in problem


def test_semantic_rules(make_catalogue):
    text = item_yaml("X-001", "测试事项", aliases=["测试事项"]).replace(
        "promised: {value: 10, unit: 工作日}", "promised: {value: 30, unit: 工作日}"
    ).replace("fees: {charged: false, standard: 不收费}", "fees: {charged: false, amount: 20}")
    problems = "\n".join(problems_of(make_catalogue({"items/x.yaml": text})))
    assert "time_limits.promised: the promised limit is longer than the statutory limit" in problems
    assert "fees.amount: an amount is given but fees.charged is false" in problems
    assert "aliases: repeats the item name" in problems


def test_level_must_match_region(make_catalogue):
    text = item_yaml("X-001", "测试事项", region="450103000000", level="市级")
    (problem,) = problems_of(make_catalogue({"items/x.yaml": text}))
    assert "level: 市级 does not match region 450103000000" in problem


def test_control_characters_and_blank_strings(make_catalogue):
    text = item_yaml("X-001", "测试\x07事项")
    (problem,) = problems_of(make_catalogue({"items/x.yaml": text.replace("测试\x07事项", '"测试\\a事项"')}))
    assert "name: contains control characters (U+0007)" in problem
    blank = item_yaml("X-002", "测试事项").replace("accept_conditions: 符合条件的申请人", "accept_conditions: '   '")
    (problem,) = problems_of(make_catalogue({"items/y.yaml": blank}, name="cat2"))
    assert "accept_conditions: must not be blank" in problem


def test_not_utf8_and_not_a_mapping(make_catalogue):
    root = make_catalogue({"items/list.yaml": "- a\n- b\n"})
    (root / "items" / "latin1.yaml").write_bytes("name: caf\xe9".encode("latin-1"))
    problems = "\n".join(problems_of(root))
    assert "items/latin1.yaml: not UTF-8 text" in problems
    assert "items/list.yaml: (top level): must be a mapping" in problems


def test_draft_needs_only_identifying_fields(make_catalogue):
    draft = "code: D-1\nname: 草稿事项\ntype: 公共服务\nlevel: 自治区级\ndepartment: gx-jyt\nregion: '450000000000'\nstatus: draft\n"
    bundle = load_directory(make_catalogue({"items/d.yaml": draft}))
    assert bundle.items[0]["status"] == "draft" and bundle.items[0]["materials"] == []
    published = draft.replace("status: draft", "status: published")
    problems = "\n".join(problems_of(make_catalogue({"items/d.yaml": published}, name="cat2")))
    for element in ("accept_conditions", "materials", "process", "time_limits", "fees"):
        assert f"items/d.yaml: {element}: is required but missing" in problems


def test_region_tree_rules(make_catalogue):
    regions = "- {code: '450000000000', name: 广西, level: 1, parent: null}\n- {code: '450103000000', name: 青秀区, level: 3, parent: '450000000000'}\n"
    problems = "\n".join(problems_of(make_catalogue({}, regions=regions, departments="[]")))
    assert "level: is 3 but its parent 450000000000 is level 1" in problems


def test_missing_catalogue_metadata(tmp_path):
    (tmp_path / "items").mkdir()
    problems = problems_of(tmp_path)
    assert any("catalogue.yaml: missing" in p for p in problems)


def test_default_catalogue_covers_the_everyday_and_named_services():
    bundle = load_directory(CATALOGUE_DIR)
    names = [i["name"] for i in bundle.items]
    required = ["高等学校教师资格认定", "建筑业企业资质", "房地产开发企业资质", "外商投资企业设立", "职称",
                "参保证明", "社会保障卡申领", "社会保障卡挂失", "城乡居民基本医疗保险", "资格认证", "失业保险金",
                "住房公积金", "居民身份证换领", "居民身份证补领", "户口迁", "出生登记", "居住证", "普通护照",
                "往来港澳通行证", "驾驶证", "机动车", "个体工商户", "公司设立", "食品经营许可", "转移登记",
                "结婚登记", "生育登记", "最低生活保障", "残疾人证", "高龄津贴", "优待证", "教师资格认定（初级中学",
                "出生医学证明", "政府信息公开"]
    missing = [r for r in required if not any(r in n for n in names)]
    assert missing == []
    departments = {i["department"] for i in bundle.items}
    levels = {i["level"] for i in bundle.items}
    cities = {i["region"] for i in bundle.items if i["level"] == "市级"}
    assert len(bundle.items) >= 120 and len(departments) >= 18
    assert {"自治区级", "市级", "县级", "乡镇级"} <= levels and len(cities) >= 3
    assert all(len(i["aliases"]) >= 2 for i in bundle.items)
    assert all(i["consult_phone"] == "12345" or "示例" in (i["consult_phone"] or "") for i in bundle.items)
