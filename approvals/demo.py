"""Deterministic demo applications (示例数据) over the catalogue, for trying 办件进度 and 电子监察.

The same seed and catalogue always give the same applications, so `guidebot demo applications`
can regenerate them in memory and print numbers with their phone tails without storing the
tails anywhere.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from approvals.calendar import WorkCalendar
from approvals.models import Application, ApplicationStatus, ApplicationStep, SpecialProcedure
from approvals.numbers import check_character, make_number
from approvals.privacy import keyed_hash, mask_name
from guides.models import PublicationState, ServiceItem

DEMO_SEED = 20261128
REFERENCE_DAY = dt.date(2026, 11, 27)  # the demo's "today": statuses are consistent with it
CHINA = dt.timezone(dt.timedelta(hours=8))
STATUS_MIX = [
    (ApplicationStatus.COMPLETED, 0.55), (ApplicationStatus.REVIEWING, 0.14), (ApplicationStatus.ACCEPTED, 0.07),
    (ApplicationStatus.CORRECTION, 0.07), (ApplicationStatus.SPECIAL, 0.04), (ApplicationStatus.SUBMITTED, 0.05),
    (ApplicationStatus.REJECTED, 0.05), (ApplicationStatus.WITHDRAWN, 0.03),
]
IN_PROGRESS = {ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWING, ApplicationStatus.CORRECTION,
               ApplicationStatus.SPECIAL}
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁韦覃蒙莫黎廖陆欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲文斌海燕宁柳红兰"
DELIVERY = ["窗口领取", "邮寄", "电子证照"]
OVERDUE_SHARE = 0.12  # of cases in progress


@dataclass
class DemoApplication:
    number: str
    item_code: str
    status: ApplicationStatus
    phone_tail: str  # only in memory, for `guidebot demo applications`
    record: dict = field(repr=False, default_factory=dict)


def _workday_on_or_before(calendar: WorkCalendar, day: dt.date) -> dt.date:
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """Beijing wall time, stored as UTC (SQLite keeps no offset; see approvals.service.local_date)."""
    return dt.datetime.combine(day, dt.time(hour, minute), CHINA).astimezone(dt.timezone.utc)


def _items(session: Session) -> list[ServiceItem]:
    return list(session.scalars(
        select(ServiceItem).where(ServiceItem.status == PublicationState.PUBLISHED,
                                  ServiceItem.promised_limit_unit == "工作日", ServiceItem.promised_limit > 0)
        .options(selectinload(ServiceItem.materials), selectinload(ServiceItem.department))
        .order_by(ServiceItem.code)))


def generate(items: list[ServiceItem], count: int, secret_key: str, seed: int = DEMO_SEED,
             calendar: WorkCalendar | None = None) -> list[DemoApplication]:
    """``count`` applications over ``items``; deterministic for a given seed and item list."""
    if not items:
        raise ValueError("no published items with a promised limit in working days to generate applications for")
    rng = random.Random(seed)
    calendar = calendar or WorkCalendar()
    statuses, weights = zip(*STATUS_MIX)
    per_day: dict[dt.date, int] = {}
    out = []
    for _ in range(count):
        item = rng.choice(items)
        status = rng.choices(statuses, weights)[0]
        promised = item.promised_limit
        if status in IN_PROGRESS:
            overdue = rng.random() < OVERDUE_SHARE
            back = promised + rng.randint(1, 10) if overdue else rng.randint(0, max(promised - 1, 0))
            accepted = REFERENCE_DAY
            for _ in range(back):
                accepted = _workday_on_or_before(calendar, accepted - dt.timedelta(days=1))
        elif status == ApplicationStatus.SUBMITTED:
            accepted = None
        else:
            accepted = _workday_on_or_before(calendar, REFERENCE_DAY - dt.timedelta(days=rng.randint(3, 320)))
        submitted_day = _workday_on_or_before(calendar, (accepted or REFERENCE_DAY) - dt.timedelta(days=rng.randint(0, 2)))
        numbered_day = accepted or submitted_day
        per_day[numbered_day] = per_day.get(numbered_day, 0) + 1
        number = make_number(numbered_day, per_day[numbered_day] + rng.randint(0, 9) * 1000)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))
        id_body = f"4501{rng.randint(0, 99):02d}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        id_number = id_body + check_character(id_body)
        phone = "1" + rng.choice("3578") + "".join(str(rng.randint(0, 9)) for _ in range(9))
        salt = "%032x" % rng.getrandbits(128)
        dept = item.department
        steps = [("申请", submitted_day, submitted_day)]
        completed_at = None
        procedures = []
        current = {"已提交": "受理审核", "不予受理": "不予受理", "已撤回": "申请撤回"}.get(status.value)
        if accepted:
            steps.append(("受理", accepted, accepted))
            review_start = accepted
            if status in (ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED):
                done = calendar.add_workdays(accepted, rng.randint(1, promised + (3 if rng.random() < 0.08 else 0)))
                done = min(done, REFERENCE_DAY)
                if status == ApplicationStatus.COMPLETED:
                    if rng.random() < 0.05:
                        start = review_start + dt.timedelta(days=1)
                        procedures.append(("专家评审", start, start + dt.timedelta(days=rng.randint(3, 10))))
                    steps += [("审查", accepted, done), ("决定", done, done), ("送达", done, done)]
                    completed_at = _at(done, rng.randint(9, 16), rng.randint(0, 59))
                else:
                    steps.append(("审查", accepted, done))
                    completed_at = _at(done, 10, 0)
            elif status == ApplicationStatus.WITHDRAWN:
                steps.append(("审查", accepted, None))
                current = "申请撤回"
            else:
                steps.append(("审查", accepted, None))
                current = {"已受理": "审查", "审查中": "审查", "待补正": "补正材料", "特别程序": "特别程序"}[status.value]
                if status == ApplicationStatus.SPECIAL:
                    kind = rng.choice(["听证", "检验检测", "专家评审", "公示", "现场勘验"])
                    procedures.append((kind, min(REFERENCE_DAY, accepted + dt.timedelta(days=1)), None))
        materials = [m.name for m in item.materials] or ["补正告知书所列材料"]
        delivery = rng.choice(DELIVERY) if status == ApplicationStatus.COMPLETED else None
        record = {
            "number": number, "item_id": item.id, "department_id": dept.id,
            "window": f"{dept.short_name or dept.name}综合受理窗口{rng.randint(1, 12)}号",
            "applicant_name_masked": mask_name(name), "applicant_type": "自然人", "salt": salt,
            "id_hash": keyed_hash(secret_key, salt, id_number), "phone_hash": keyed_hash(secret_key, salt, phone),
            "phone_tail_hash": keyed_hash(secret_key, salt, phone[-4:]), "status": status, "current_step": current,
            "submitted_at": _at(submitted_day, rng.randint(8, 11), rng.randint(0, 59)),
            "accepted_at": _at(accepted, rng.randint(14, 17), rng.randint(0, 59)) if accepted else None,
            "completed_at": completed_at, "promised_days": promised, "statutory_days": item.statutory_limit
            if item.statutory_limit_unit == "工作日" else None,
            "correction_materials": rng.sample(materials, k=min(len(materials), rng.randint(1, 2)))
            if status == ApplicationStatus.CORRECTION else [],
            "result_name": f"{item.name}办理结果" if status == ApplicationStatus.COMPLETED else None,
            "delivery_mode": delivery,
            "tracking_number": f"SF{rng.randint(10**11, 10**12 - 1)}" if delivery == "邮寄" else None,
            "steps": steps, "procedures": procedures, "department": dept,
        }
        out.append(DemoApplication(number, item.code, status, phone[-4:], record))
    # A number collision would break the unique key: keep the first, drop later duplicates.
    seen, unique = set(), []
    for app in out:
        if app.number not in seen:
            seen.add(app.number)
            unique.append(app)
    return unique


def load(session: Session, count: int, secret_key: str, seed: int = DEMO_SEED) -> int:
    """Write the demo applications unless applications already exist; return how many were written."""
    if session.scalar(select(func.count()).select_from(Application)):
        return 0
    for demo in generate(_items(session), count, secret_key, seed):
        record = dict(demo.record)
        dept = record.pop("department")
        steps, procedures = record.pop("steps"), record.pop("procedures")
        app = Application(**record, is_sample=True)
        app.steps = [ApplicationStep(position=i + 1, name=name, department_id=dept.id,
                                     started_at=_at(start, 9, 0), finished_at=_at(end, 17, 0) if end else None)
                     for i, (name, start, end) in enumerate(steps)]
        app.procedures = [SpecialProcedure(kind=k, started_on=s, ended_on=e) for k, s, e in procedures]
        session.add(app)
    session.flush()
    return session.scalar(select(func.count()).select_from(Application))


def examples(session: Session, count: int, secret_key: str, seed: int = DEMO_SEED, per_status: int = 2) -> list[DemoApplication]:
    """A few generated applications of every status, to try the bot with."""
    chosen: dict[ApplicationStatus, list[DemoApplication]] = {}
    for demo in generate(_items(session), count, secret_key, seed):
        bucket = chosen.setdefault(demo.status, [])
        if len(bucket) < per_status:
            bucket.append(demo)
    return [d for status, _ in STATUS_MIX for d in chosen.get(status, [])]
