"""Transactional, idempotent upserts — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from guidebot.db import unit_of_work
from guidebot.errors import ValidationFailed
from guides.catalogue import load_directory
from guides.models import Department, ItemAlias, Material, ProcessStep, Region, ServiceItem
from guides.store import import_bundle
from tests.helpers import item_yaml


def count(engine, model) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def do_import(engine, root):
    with unit_of_work(engine) as session:
        return import_bundle(session, load_directory(root))


def snapshot(engine) -> dict:
    with unit_of_work(engine) as session:
        return {i.code: (i.version, i.updated_at, i.content_hash) for i in session.scalars(select(ServiceItem))}


def test_import_creates_everything(engine, make_catalogue):
    stats = do_import(engine, make_catalogue())
    assert stats.created == {"region": 4, "department": 3, "item": 3}
    with unit_of_work(engine) as session:
        teacher = session.scalar(select(ServiceItem).where(ServiceItem.code == "T-001"))
        assert teacher.department.name == "广西壮族自治区教育厅"
        assert teacher.region.level == 1 and teacher.is_sample is True
        assert [m.name for m in teacher.materials] == ["申请表", "居民身份证"]
        assert [s.position for s in teacher.steps] == [1, 2, 3] and teacher.steps[1].description == "窗口受理"
        assert sorted(teacher.alias_names) == ["高校教师资格证", "高校教资"]
        assert (teacher.statutory_limit, teacher.promised_limit, teacher.promised_limit_unit) == (20, 10, "工作日")
        assert teacher.version == 1 and teacher.updated_at.date().isoformat() == "2026-10-01"
        qingxiu = session.scalar(select(Region).where(Region.code == "450103000000"))
        assert qingxiu.parent.parent.name == "广西壮族自治区"


def test_importing_twice_changes_nothing(engine, make_catalogue):
    root = make_catalogue()
    do_import(engine, root)
    before = snapshot(engine)
    stats = do_import(engine, root)
    assert stats.changed == 0 and stats.unchanged == {"region": 4, "department": 3, "item": 3}
    assert snapshot(engine) == before


def test_changed_item_gets_new_version_and_children_replaced(engine, make_catalogue):
    root = make_catalogue()
    do_import(engine, root)
    before = snapshot(engine)
    path = root / "items" / "teacher.yaml"
    path.write_text(path.read_text("utf-8").replace("  - {name: 申请表, required: 必要, form: 纸质, copies: 1, source: 申请人自备}\n", ""), "utf-8")
    stats = do_import(engine, root)
    assert stats.updated["item"] == 1 and stats.unchanged["item"] == 2
    after = snapshot(engine)
    assert after["T-001"][0] == 2 and after["T-001"][1] > before["T-001"][1]
    assert after["P-NN-001"] == before["P-NN-001"]
    with unit_of_work(engine) as session:
        teacher = session.scalar(select(ServiceItem).where(ServiceItem.code == "T-001"))
        assert [(m.position, m.name) for m in teacher.materials] == [(1, "居民身份证")]
    assert count(engine, Material) == 5  # no orphans left behind


def test_bad_reference_writes_nothing(engine, make_catalogue):
    do_import(engine, make_catalogue())
    before = snapshot(engine)
    bad = make_catalogue({
        "items/ok.yaml": item_yaml("NEW-001", "新事项"),
        "items/bad.yaml": item_yaml("NEW-002", "坏事项", department="nobody"),
    }, name="cat2")
    with pytest.raises(ValidationFailed) as info:
        do_import(engine, bad)
    assert "department: unknown department 'nobody'" in str(info.value)
    assert snapshot(engine) == before and count(engine, ServiceItem) == 3


def test_failure_mid_transaction_rolls_back(engine, make_catalogue):
    """A database error after some rows were written leaves no trace of them."""
    root = make_catalogue()
    with pytest.raises(RuntimeError):
        with unit_of_work(engine) as session:
            import_bundle(session, load_directory(root))
            assert session.scalar(select(func.count()).select_from(ServiceItem)) == 3
            raise RuntimeError("simulated crash")
    assert count(engine, ServiceItem) == 0 and count(engine, Region) == 0


def test_references_may_resolve_from_the_database(engine, make_catalogue):
    do_import(engine, make_catalogue())
    extra = make_catalogue({"items/new.yaml": item_yaml("NEW-001", "新事项", department="nn-gaj",
                                                        region="450100000000", level="市级")},
                           regions="[]", departments="[]", name="cat2")
    stats = do_import(engine, extra)
    assert stats.created["item"] == 1


def test_code_owned_by_another_catalogue_is_refused(engine, make_catalogue):
    do_import(engine, make_catalogue())
    other = make_catalogue({"items/t.yaml": item_yaml("T-001", "抢占编码")}, key="other-cat", name="cat2")
    with pytest.raises(ValidationFailed, match="already belongs to catalogue 'test-cat'"):
        do_import(engine, other)


def test_foreign_keys_are_enforced(engine, make_catalogue):
    do_import(engine, make_catalogue())
    with pytest.raises(IntegrityError):
        with unit_of_work(engine) as session:
            session.execute(delete(Department).where(Department.code == "gx-jyt"))
    with unit_of_work(engine) as session:
        session.execute(delete(ServiceItem).where(ServiceItem.code == "T-001"))
    # Children go with their item (ON DELETE CASCADE).
    assert count(engine, ItemAlias) == 4 and count(engine, ProcessStep) == 6


def test_fee_amount_is_exact_decimal(engine, make_catalogue):
    text = item_yaml("FEE-001", "收费事项").replace("fees: {charged: false, standard: 不收费}",
                                                 "fees: {charged: true, standard: 每本20元, amount: 20.1}")
    do_import(engine, make_catalogue({"items/fee.yaml": text}))
    with unit_of_work(engine) as session:
        item = session.scalar(select(ServiceItem).where(ServiceItem.code == "FEE-001"))
        assert str(item.fee_amount) == "20.10" and item.fee_charged is True
