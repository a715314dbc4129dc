"""Small catalogue builders shared by tests."""

from __future__ import annotations

MINI_REGIONS = """\
- {code: '450000000000', name: 广西壮族自治区, short_name: 广西, level: 1, parent: null}
- {code: '450100000000', name: 南宁市, short_name: 南宁, level: 2, parent: '450000000000'}
- {code: '450103000000', name: 青秀区, short_name: 青秀, level: 3, parent: '450100000000'}
- {code: '450200000000', name: 柳州市, short_name: 柳州, level: 2, parent: '450000000000'}
"""

MINI_DEPARTMENTS = """\
- {code: gx-jyt, name: 广西壮族自治区教育厅, short_name: 自治区教育厅, aliases: [教育厅], region: '450000000000'}
- {code: nn-gaj, name: 南宁市公安局, aliases: [公安局], region: '450100000000'}
- {code: lz-gaj, name: 柳州市公安局, aliases: [公安局], region: '450200000000'}
"""


def item_yaml(code: str, name: str, *, department="gx-jyt", region="450000000000", level="自治区级",
              aliases=(), extra: str = "") -> str:
    """A complete, valid published item as YAML text."""
    alias_text = "[" + ", ".join(aliases) + "]"
    return f"""\
code: {code}
name: {name}
type: 行政许可
level: {level}
department: {department}
region: '{region}'
aliases: {alias_text}
accept_conditions: 符合条件的申请人
materials:
  - {{name: 申请表, required: 必要, form: 纸质, copies: 1, source: 申请人自备}}
  - {{name: 居民身份证, required: 必要, form: 纸质, copies: 0}}
process:
  - {{name: 申请}}
  - {{name: 受理, description: 窗口受理}}
  - {{name: 决定}}
time_limits:
  statutory: {{value: 20, unit: 工作日}}
  promised: {{value: 10, unit: 工作日}}
fees: {{charged: false, standard: 不收费}}
consult_phone: '12345'
online: {{available: true, url: 'https://zwfw.gxzf.gov.cn'}}
visits: 1
faq:
  - {{question: 要多久？, answer: 10个工作日。}}
updated_at: '2026-10-01'
{extra}"""


def default_items() -> dict[str, str]:
    """The small catalogue most tests use: one regional item, one service in two cities."""
    return {
        "items/teacher.yaml": item_yaml("T-001", "高等学校教师资格认定", aliases=["高校教师资格证", "高校教资"]),
        "items/passport-nn.yaml": item_yaml("P-NN-001", "普通护照签发", department="nn-gaj", region="450100000000",
                                            level="市级", aliases=["办护照", "护照"]),
        "items/passport-lz.yaml": item_yaml("P-LZ-001", "普通护照签发", department="lz-gaj", region="450200000000",
                                            level="市级", aliases=["办护照", "护照"]),
    }


def stored_rows(database_url: str, model, read=lambda row: row, **filters) -> list:
    """Rows of ``model`` in the database a running stack writes to, passed through ``read``
    while the session is open (so relationships can be followed)."""
    from sqlalchemy import select

    from guidebot.db import make_engine, unit_of_work

    engine = make_engine(database_url)
    try:
        with unit_of_work(engine) as session:
            return [read(row) for row in session.scalars(select(model).filter_by(**filters))]
    finally:
        engine.dispose()
