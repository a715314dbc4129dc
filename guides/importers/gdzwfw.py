"""Importer for the gdzwfw.gov.cn catalogue export (``items.jsonl``, one item per line).

The export carries no process steps, fee amounts or legal-basis text; those stay empty.
Values of "无" mean "not given" and are stored as empty, never as text.

The export has few everyday names for its items, so citizen-style aliases and example questions
kept beside this module (``gdzwfw_aliases/*.yaml`` and ``gdzwfw_examples/*.yaml``: official item
name -> list) are merged in on import. They are our data, written from the item table alone (name,
department, type, applicants), not part of the export.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from guidebot.errors import ValidationFailed
from guides.catalogue import Bundle, CatalogueMeta, normalise_item

META = CatalogueMeta(
    key="gdzwfw",
    title="广东政务服务网事项目录（公开导出）",
    sample=False,
    notice="数据来自广东政务服务网（gdzwfw.gov.cn）公开事项目录的导出，时间较早，办理前请以官方最新办事指南为准。",
    licence="MIT (github.com/Clarence-Kong/QABasedOnPolicyKnowledgeGraph)",
)

REGIONS = {
    "440000": {"code": "440000000000", "name": "广东省", "short_name": "广东", "level": 1, "parent": None, "aliases": []},
    "440100": {"code": "440100000000", "name": "广州市", "short_name": "广州", "level": 2, "parent": "440000000000", "aliases": ["羊城"]},
}
# Places the export has no items of but questions name (official 区划代码): Guangzhou's districts,
# which Guangzhou's items serve (在天河办), and Guangdong's other cities, which they do not (深圳的).
_CITIES = {"440200": "韶关市", "440300": "深圳市", "440400": "珠海市", "440500": "汕头市", "440600": "佛山市",
           "440700": "江门市", "440800": "湛江市", "440900": "茂名市", "441200": "肇庆市", "441300": "惠州市",
           "441400": "梅州市", "441500": "汕尾市", "441600": "河源市", "441700": "阳江市", "441800": "清远市",
           "441900": "东莞市", "442000": "中山市", "445100": "潮州市", "445200": "揭阳市", "445300": "云浮市"}
_GUANGZHOU_DISTRICTS = {"440103": "荔湾区", "440104": "越秀区", "440105": "海珠区", "440106": "天河区",
                        "440111": "白云区", "440112": "黄埔区", "440113": "番禺区", "440114": "花都区",
                        "440115": "南沙区", "440117": "从化区", "440118": "增城区"}
PLACES = [{"code": f"{code}000000", "name": name, "short_name": name[:-1], "level": 2, "parent": "440000000000",
           "aliases": []} for code, name in _CITIES.items()] + [
          {"code": f"{code}000000", "name": name, "short_name": name[:-1], "level": 3, "parent": "440100000000",
           "aliases": []} for code, name in _GUANGZHOU_DISTRICTS.items()]

REQUIRED_KEYS = ("TASK_CODE", "TASK_NAME", "matter_name", "DEPT_NAME", "ORGCODE", "AREACODE", "matter_level", "TASK_TYPE_TEXT")
_NONE = {"", "无", "null", "None"}
_LIMIT = re.compile(r"^\s*(\d+)\s*[（(]\s*(工作日|自然日)\s*[)）]\s*$")
MIN_ALIAS_CHARS = 3
_LOCATION_PREFIX = re.compile(r"^\s*办理地点[：:]\s*")


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in _NONE else text


def _limit(value) -> dict | None:
    text = _text(value)
    if text is None:
        return None
    match = _LIMIT.match(text)
    if not match:
        raise ValueError(f"unrecognised time limit {text!r} (expected like '20(工作日)' or '无')")
    return {"value": int(match[1]), "unit": match[2]}


def _yes(value) -> bool | None:
    text = _text(value)
    if text is None:
        return None
    if text == "是":
        return True
    if text in ("否", "不支持"):
        return False
    raise ValueError(f"expected 是/否/不支持, got {text!r}")


def _aliases(row: dict, name: str, parent: str | None) -> list[str]:
    names = []
    for key in ("matter_short", "matter_daily"):
        text = _text(row.get(key))
        if text:
            # "工程规划许可证核发，建工证" holds two names; "技工学校，设立" holds one name's pieces:
            # keep the parts that can stand as a name on their own.
            parts = [re.sub(r"[\s,]+", "", part) for part in re.split(r"[，、；;]", text)]
            names += [part for part in parts if len(part) >= MIN_ALIAS_CHARS]
    catalogue_name = _text(row.get("CATANAME"))
    if catalogue_name:
        names.append(catalogue_name)
    seen = {name, parent}
    out = []
    for alias in names:
        if alias and alias not in seen and len(alias) <= 100:
            seen.add(alias)
            out.append(alias)
    return out


ALIAS_DIR = Path(__file__).with_name("gdzwfw_aliases")
EXAMPLE_DIR = Path(__file__).with_name("gdzwfw_examples")
MAX_ALIAS_CHARS = 100
MAX_EXAMPLE_CHARS = 120


def load_overlay(directory: Path, what: str, max_chars: int) -> dict[str, list[str]]:
    """Lists of ``what`` by official item name from every ``*.yaml`` in ``directory``; raises ValidationFailed."""
    overlay: dict[str, list[str]] = {}
    problems: list[str] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"{path}: cannot read {what}: {exc}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}: expected a mapping of item name to a list of {what}")
            continue
        for name, values in data.items():
            if not isinstance(name, str) or not isinstance(values, list) or not all(
                    isinstance(v, str) and 0 < len(v.strip()) <= max_chars for v in values):
                problems.append(f"{path}: {name!r}: expected a list of {what} of 1-{max_chars} characters")
                continue
            overlay.setdefault(name.strip(), []).extend(v.strip() for v in values)
    if problems:
        raise ValidationFailed(problems, f"{directory}: {len(problems)} problem(s) in the {what} files")
    return overlay


def load_alias_overlay(directory: Path = ALIAS_DIR) -> dict[str, list[str]]:
    """Aliases by official item name (``gdzwfw_aliases/*.yaml``)."""
    return load_overlay(directory, "aliases", MAX_ALIAS_CHARS)


def load_example_overlay(directory: Path = EXAMPLE_DIR) -> dict[str, list[str]]:
    """Example questions by official item name (``gdzwfw_examples/*.yaml``)."""
    return load_overlay(directory, "example questions", MAX_EXAMPLE_CHARS)


def _string_list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if _text(v)]
    return []


def row_to_item(row: dict) -> dict:
    """Map one export row onto our item record. Raises ValueError on a malformed row."""
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    missing = [k for k in REQUIRED_KEYS if not _text(row.get(k))]
    if missing:
        raise ValueError(f"missing required field(s): {', '.join(missing)}")
    area = str(row["AREACODE"]).strip()
    if area not in REGIONS:
        raise ValueError(f"AREACODE {area!r} is not one of {', '.join(REGIONS)}")
    level = _text(row["matter_level"])
    if level not in ("省级", "市级"):
        raise ValueError(f"matter_level {level!r} is not 省级 or 市级")
    name = _text(row["TASK_NAME"])
    main_name = _text(row["matter_name"])
    parent = main_name if main_name != name else None
    visits_text = _text(row.get("visit_number"))
    if visits_text is not None and not visits_text.isdigit():
        raise ValueError(f"visit_number {visits_text!r} is not a whole number")
    online_url = _text(row.get("online_book_addr"))
    online_available = _yes(row.get("online_book"))
    guide_url = _text(row.get("URL"))
    location = _text(row.get("handle_location"))
    if location:
        location = _LOCATION_PREFIX.sub("", location) or None
    doc = {
        "code": _text(row["TASK_CODE"]),
        "catalog_code": _text(row.get("CATAID")),
        "name": name,
        "parent_name": parent,
        "type": _text(row["TASK_TYPE_TEXT"]),
        "level": level,
        "department": _text(row["ORGCODE"]),
        "region": REGIONS[area]["code"],
        "joint_departments": _text(row.get("co_department")),
        "aliases": _aliases(row, name, parent),
        "topics": [t for t in _string_list(row.get("theme_category")) if t != "其他"],
        "service_objects": _string_list(row.get("service_object_name")),
        "accept_conditions": _text(row.get("accept_standard")),
        "materials": [{"name": m} for m in _string_list(row.get("material_intro"))],
        "time_limits": {"statutory": _limit(row.get("handle_time")), "promised": _limit(row.get("handle_time_limit"))},
        "location": location,
        "consult_phone": _text(row.get("consult_phone")),
        "complaint_phone": _text(row.get("complaint_phone")),
        "online": None if online_available is None else {
            "available": online_available,
            "url": online_url if online_url and online_url.startswith(("http://", "https://")) else None,
            "platform": _text(row.get("bear_paltform")),
        },
        "visits": int(visits_text) if visits_text is not None else None,
        "express_delivery": _yes(row.get("courier_service")),
        "guide_url": guide_url if guide_url and guide_url.startswith(("http://", "https://")) else None,
        "status": "published",
    }
    return normalise_item(doc)


def load_export(path: Path, alias_dir: Path | None = ALIAS_DIR, example_dir: Path | None = EXAMPLE_DIR) -> Bundle:
    """Read a whole export; every bad line is reported, and nothing is returned unless all are good."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationFailed([f"{path}: cannot read file: {exc.strerror}"]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed([f"{path}: not UTF-8 text (byte {exc.start})"]) from exc
    overlay = load_alias_overlay(alias_dir) if alias_dir is not None else {}
    examples = load_example_overlay(example_dir) if example_dir is not None else {}
    bundle = Bundle(meta=META)
    departments: dict[str, dict] = {}
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{label}: malformed JSON at column {exc.colno}: {exc.msg}")
            continue
        try:
            item = row_to_item(row)
        except ValueError as exc:
            problems.append(f"{label}: {exc}")
            continue
        extra = overlay.get(item["name"], [])
        known = {item["name"], item["parent_name"], *item["aliases"]}
        item["aliases"] += [a for a in dict.fromkeys(extra) if a not in known]
        item["examples"] = list(dict.fromkeys(examples.get(item["name"], [])))
        if item["code"] in seen:
            problems.append(f"{label}: TASK_CODE {item['code']!r} repeats line {seen[item['code']]}")
            continue
        seen[item["code"]] = number
        dept = departments.setdefault(item["department"], {
            "code": item["department"], "name": _text(row["DEPT_NAME"]), "region": item["region"],
        })
        if dept["name"] != _text(row["DEPT_NAME"]) or dept["region"] != item["region"]:
            problems.append(f"{label}: ORGCODE {item['department']!r} names two departments or regions")
            continue
        bundle.items.append(item)
        bundle.origin[f"item:{item['code']}"] = label
    if not bundle.items and not problems:
        problems.append(f"{path}: no items found")
    if problems:
        raise ValidationFailed(problems, f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was imported")
    used = {item["region"] for item in bundle.items}
    bundle.regions = [r for r in REGIONS.values() if r["code"] in used or r["code"] == "440000000000"]
    listed = {r["code"] for r in bundle.regions}
    bundle.regions += [p for p in PLACES if p["parent"] in listed]  # districts need their city
    bundle.departments = [{**d, "short_name": None, "aliases": []} for d in departments.values()]
    return bundle
