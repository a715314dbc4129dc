"""The human-editable catalogue format: YAML files, validated against JSON Schemas.

A catalogue directory holds::

    catalogue.yaml        metadata (key, title, sample flag, notice)
    regions.yaml          list of regions, parents before children
    departments/*.yaml    lists of departments (or a single departments.yaml)
    items/**/*.yaml       one service item per file

Every problem is reported as ``<file>: <field>: <why>`` and nothing is imported
while any problem remains.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from guidebot.errors import ValidationFailed
from guides.models import ITEM_LEVELS

MAX_FILE_BYTES = 2 * 1024 * 1024  # a single guide is a few KB; anything this big is a mistake

ITEM_FIELDS = (
    "code", "catalog_code", "name", "parent_name", "type", "level", "department", "region",
    "joint_departments", "aliases", "examples", "topics", "service_objects", "legal_basis", "accept_conditions",
    "materials", "process", "time_limits", "fees", "location", "office_hours", "consult_phone",
    "complaint_phone", "online", "visits", "express_delivery", "faq", "guide_url", "status",
    "version", "updated_at", "effective_date",
)


@dataclass
class CatalogueMeta:
    key: str
    title: str
    sample: bool
    notice: str | None = None
    licence: str | None = None


@dataclass
class Bundle:
    """Everything read from one catalogue, validated and normalised."""

    meta: CatalogueMeta
    regions: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)  # "item:<code>" -> file it came from


# --------------------------------------------------------------------------- YAML reading


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Mark] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key].line + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path, label: str | None = None) -> Any:
    """Parse one YAML file strictly; raise :class:`ValidationFailed` naming the file on any problem."""
    label = label or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationFailed([f"{label}: cannot read file: {exc.strerror}"]) from exc
    if size > MAX_FILE_BYTES:
        raise ValidationFailed([f"{label}: file is {size} bytes, larger than the {MAX_FILE_BYTES} byte limit"])
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed([f"{label}: not UTF-8 text (byte {exc.start}): save the file as UTF-8"]) from exc
    return parse_yaml(text, label)


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text strictly (no duplicate keys); raise :class:`ValidationFailed` naming ``label``."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise ValidationFailed([f"{label}: malformed YAML at {where}: {exc.problem or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise ValidationFailed([f"{label}: malformed YAML: {exc}"]) from exc


# --------------------------------------------------------------------------- schema validation


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    """Load one of the bundled JSON Schemas (item, regions, departments, catalogue)."""
    text = resources.files("guides").joinpath("schema", f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name))


def _path(error_path: Iterable[Any]) -> str:
    out = ""
    for part in error_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(error: ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required but missing")
    if error.validator == "additionalProperties":
        return error.message + " (check the spelling against the schema)"
    if error.validator == "type":
        expected = error.validator_value
        got = type(error.instance).__name__
        hint = " (quote it: codes and numbers with leading zeros must be strings)" if expected == "string" and isinstance(error.instance, int) else ""
        return f"must be of type {expected}, got {got} {error.instance!r}{hint}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern":
        if error.validator_value == r"\S":
            return "must not be blank"
        return f"{error.instance!r} does not match the expected format {error.validator_value}"
    if error.validator == "oneOf" and error.context:
        best = min(error.context, key=lambda e: len(list(e.path)))
        return _describe(best)
    return error.message


def schema_problems(name: str, document: Any, label: str) -> list[str]:
    """Validate ``document`` against schema ``name``; return ``file: field: why`` strings."""
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: (list(map(str, e.path)), e.message))
    problems = []
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = path + [missing] if missing else path
            problems.append(f"{label}: {_path(path)}: is required but missing")
        else:
            problems.append(f"{label}: {_path(path)}: {_describe(error)}")
    return problems


# --------------------------------------------------------------------------- normalisation and semantic checks


def _plain(value: Any) -> Any:
    """Turn YAML-native dates into ISO strings so documents validate and hash the same way."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_ALLOWED_CONTROL = {"\n", "\t"}


def _control_problems(value: Any, label: str, path: list) -> list[str]:
    if isinstance(value, str):
        bad = sorted({c for c in value if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROL})
        if bad:
            codes = ", ".join(f"U+{ord(c):04X}" for c in bad)
            return [f"{label}: {_path(path)}: contains control characters ({codes})"]
        return []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _control_problems(v, label, path + [k])]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _control_problems(v, label, path + [i])]
    return []


def _clean_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, dict):
        return {k: _clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_text(v) for v in value]
    return value


def _limit_in_days(limit: dict | None) -> float | None:
    if not limit:
        return None
    unit, value = limit["unit"], limit["value"]
    return {"即办": 0, "小时": value / 24, "工作日": value, "自然日": value * 5 / 7}[unit]


def item_semantic_problems(item: dict, label: str) -> list[str]:
    """Consistency rules the schema cannot express."""
    problems = []
    limits = item.get("time_limits") or {}
    for key in ("statutory", "promised"):
        lim = limits.get(key)
        if lim and lim["unit"] == "即办" and lim["value"] != 0:
            problems.append(f"{label}: time_limits.{key}.value: must be 0 when the unit is 即办")
    statutory, promised = _limit_in_days(limits.get("statutory")), _limit_in_days(limits.get("promised"))
    if statutory is not None and promised is not None and promised > statutory:
        problems.append(f"{label}: time_limits.promised: the promised limit is longer than the statutory limit")
    fees = item.get("fees") or {}
    if fees and not fees.get("charged") and fees.get("amount") not in (None, "", 0, "0"):
        problems.append(f"{label}: fees.amount: an amount is given but fees.charged is false")
    if fees.get("amount") not in (None, ""):
        try:
            Decimal(str(fees["amount"]))
        except InvalidOperation:
            problems.append(f"{label}: fees.amount: {fees['amount']!r} is not a number")
    online = item.get("online") or {}
    if online.get("url") and not online.get("available"):
        problems.append(f"{label}: online.url: a 网办 address is given but online.available is false")
    aliases = item.get("aliases") or []
    if item.get("name") in aliases:
        problems.append(f"{label}: aliases: repeats the item name {item['name']!r}")
    return problems


def normalise_item(document: dict) -> dict:
    """Fill absent optional fields with empty values so every item has the same shape."""
    doc = _clean_text(_plain(document))
    item = {key: doc.get(key) for key in ITEM_FIELDS}
    for key in ("aliases", "examples", "topics", "service_objects", "materials", "process", "faq"):
        item[key] = list(item[key] or [])
    item["materials"] = [
        {k: m.get(k) for k in ("name", "required", "form", "copies", "source", "notes")} for m in item["materials"]
    ]
    item["process"] = [{k: s.get(k) for k in ("name", "description", "time_limit")} for s in item["process"]]
    item["faq"] = [{"question": q["question"], "answer": q["answer"]} for q in item["faq"]]
    limits = item["time_limits"] or {}
    item["time_limits"] = {"statutory": limits.get("statutory"), "promised": limits.get("promised")}
    fees = item["fees"]
    item["fees"] = None if fees is None else {k: fees.get(k) for k in ("charged", "standard", "basis", "amount")}
    if item["fees"] and item["fees"]["amount"] is not None:
        item["fees"]["amount"] = str(Decimal(str(item["fees"]["amount"])).quantize(Decimal("0.01")))
    online = item["online"]
    item["online"] = None if online is None else {k: online.get(k) for k in ("available", "url", "platform")}
    item["status"] = item["status"] or "published"
    return item


def parse_item(document: Any, label: str) -> tuple[dict | None, list[str]]:
    """Validate one item document; return the normalised item or the problems."""
    document = _plain(document)
    problems = schema_problems("item", document, label)
    if not problems:
        problems = _control_problems(document, label, [])
    if problems:
        return None, problems
    item = normalise_item(document)
    problems = item_semantic_problems(item, label)
    return (None, problems) if problems else (item, [])


# --------------------------------------------------------------------------- directories and files


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _load_list(path: Path, schema_name: str, root: Path) -> tuple[list[dict], list[str]]:
    label = _rel(path, root)
    try:
        data = read_yaml(path, label)
    except ValidationFailed as exc:
        return [], exc.problems
    data = _clean_text(_plain(data if data is not None else []))
    problems = schema_problems(schema_name, data, label) or _control_problems(data, label, [])
    return ([] if problems else data), problems


def load_directory(root: Path) -> Bundle:
    """Read and validate a whole catalogue directory. Raises :class:`ValidationFailed`."""
    root = Path(root)
    if not root.is_dir():
        raise ValidationFailed([f"{root}: not a directory"])
    problems: list[str] = []
    meta_path = root / "catalogue.yaml"
    meta = None
    if not meta_path.exists():
        problems.append(f"{_rel(meta_path, root)}: missing: a catalogue directory needs catalogue.yaml (key, title, sample)")
    else:
        try:
            doc = _plain(read_yaml(meta_path, _rel(meta_path, root)))
            meta_problems = schema_problems("catalogue", doc, _rel(meta_path, root))
            problems += meta_problems
            if not meta_problems:
                meta = CatalogueMeta(**_clean_text(doc))
        except ValidationFailed as exc:
            problems += exc.problems

    bundle = Bundle(meta=meta or CatalogueMeta(key="invalid", title="", sample=True))
    if (root / "regions.yaml").exists():
        regions, errs = _load_list(root / "regions.yaml", "regions", root)
        bundle.regions, problems = regions, problems + errs
    dept_files = sorted((root / "departments").glob("**/*.yaml")) if (root / "departments").is_dir() else []
    if (root / "departments.yaml").exists():
        dept_files.insert(0, root / "departments.yaml")
    for path in dept_files:
        depts, errs = _load_list(path, "departments", root)
        problems += errs
        for d in depts:
            bundle.origin[f"department:{d['code']}"] = _rel(path, root)
        bundle.departments += depts

    item_files = sorted((root / "items").glob("**/*.yaml")) if (root / "items").is_dir() else []
    items, errs = _read_items(item_files, root)
    problems += errs
    bundle.items = [item for item, _ in items]
    bundle.origin.update({f"item:{item['code']}": label for item, label in items})
    problems += duplicate_problems(bundle) + _duplicate_items(items)
    if problems:
        raise ValidationFailed(problems, f"{root}: {len(problems)} problem{'s' if len(problems) != 1 else ''} found; nothing was imported")
    return bundle


def _read_items(paths: list[Path], root: Path | None) -> tuple[list[tuple[dict, str]], list[str]]:
    items, problems = [], []
    for path in paths:
        label = _rel(path, root) if root else str(path)
        try:
            document = read_yaml(path, label)
        except ValidationFailed as exc:
            problems += exc.problems
            continue
        if not isinstance(document, dict):
            problems.append(f"{label}: (top level): must be a mapping of item fields, got {type(document).__name__}")
            continue
        item, errs = parse_item(document, label)
        problems += errs
        if item:
            items.append((item, label))
    return items, problems


def load_item_files(paths: list[Path], meta: CatalogueMeta) -> Bundle:
    """Read individual item files (not a whole directory) into a bundle for ``meta``'s catalogue."""
    items, problems = _read_items([Path(p) for p in paths], None)
    bundle = Bundle(meta=meta, items=[i for i, _ in items], origin={f"item:{i['code']}": lbl for i, lbl in items})
    problems += _duplicate_items(items)
    if problems:
        raise ValidationFailed(problems)
    return bundle


def _duplicate_items(items: list[tuple[dict, str]]) -> list[str]:
    first: dict[str, str] = {}
    problems = []
    for item, label in items:
        if item["code"] in first:
            problems.append(f"item code {item['code']!r} is defined twice: in {first[item['code']]} and again in {label}")
        else:
            first[item["code"]] = label
    return problems


def duplicate_problems(bundle: Bundle) -> list[str]:
    """Region and department codes must be unique within a catalogue."""
    problems = []
    for kind, records in (("region", bundle.regions), ("department", bundle.departments)):
        seen: set[str] = set()
        for index, record in enumerate(records):
            if record["code"] in seen:
                where = bundle.origin.get(f"{kind}:{record['code']}", f"{kind}s")
                problems.append(f"{kind} code {record['code']!r} is defined twice (again at {where}, entry {index + 1})")
            seen.add(record["code"])
    return problems


def reference_problems(bundle: Bundle, known_regions: dict[str, int], known_departments: set[str]) -> list[str]:
    """Check that every region/department reference resolves, in the bundle or the database.

    ``known_regions`` maps region code to level for regions already in the database.
    """
    levels = dict(known_regions)
    problems = []
    for index, region in enumerate(bundle.regions):
        parent = region.get("parent")
        label = f"regions.yaml: [{index}] {region['code']}"
        if region["level"] == 1 and parent:
            problems.append(f"{label}: parent: a level-1 region has no parent")
        elif region["level"] > 1:
            if not parent:
                problems.append(f"{label}: parent: is required for a level-{region['level']} region")
            elif parent not in levels:
                problems.append(f"{label}: parent: unknown region {parent!r} (define parents before children)")
            elif levels[parent] != region["level"] - 1:
                problems.append(f"{label}: level: is {region['level']} but its parent {parent} is level {levels[parent]}")
        levels[region["code"]] = region["level"]
    departments = set(known_departments)
    for region_dept in bundle.departments:
        where = bundle.origin.get(f"department:{region_dept['code']}", "departments")
        if region_dept["region"] not in levels:
            problems.append(f"{where}: {region_dept['code']}: region: unknown region {region_dept['region']!r}")
        departments.add(region_dept["code"])
    for item in bundle.items:
        where = bundle.origin.get(f"item:{item['code']}", item["code"])
        if item["department"] not in departments:
            problems.append(f"{where}: department: unknown department {item['department']!r}")
        if item["region"] not in levels:
            problems.append(f"{where}: region: unknown region {item['region']!r}")
        elif ITEM_LEVELS[item["level"]] != levels[item["region"]]:
            problems.append(
                f"{where}: level: {item['level']} does not match region {item['region']} (a level-{levels[item['region']]} region)"
            )
    return problems


# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(data: Any, header: str | None = None) -> str:
    """Render ``data`` as readable YAML (block literals for multi-line text, keys in order)."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return (f"# {header}\n" if header else "") + text


def item_to_document(item: dict) -> dict:
    """Drop empty optional fields so exported files stay readable."""
    doc = {}
    for key in ITEM_FIELDS:
        value = item.get(key)
        if value is None or value == [] or value == {}:
            continue
        if key == "materials":
            value = [{k: v for k, v in m.items() if v is not None} for m in value]
        elif key == "process":
            value = [{k: v for k, v in s.items() if v is not None} for s in value]
        elif key in ("fees", "online"):
            value = {k: v for k, v in value.items() if v is not None}
        doc[key] = value
    return doc
