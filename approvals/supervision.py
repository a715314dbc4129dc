"""电子监察: is a case on time? Levels from the promised (承诺) limit: 正常, 预警 (yellow), 超期 (red)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from approvals.calendar import Pause, WorkCalendar

NORMAL, WARNING, OVERDUE, DONE = "正常", "预警", "超期", "已办结"
DEFAULT_WARNING_DAYS = 2


@dataclass(frozen=True)
class Supervision:
    level: str
    promised_deadline: dt.date
    statutory_deadline: dt.date | None
    days_left: int  # working days until the promised deadline; negative when overdue
    paused: bool  # a special procedure is under way: the clock is stopped
    calendar_warning: str | None  # set when a year's holidays are unknown

    def describe(self) -> str:
        """One line for citizens, e.g. 正常（剩余5个工作日）."""
        if self.level == DONE:
            return DONE
        if self.paused:
            return f"{self.level}（特别程序期间暂停计时，剩余{max(self.days_left, 0)}个工作日）"
        if self.days_left < 0:
            return f"{self.level}（已超期{-self.days_left}个工作日）"
        return f"{self.level}（剩余{self.days_left}个工作日）"


def supervise(calendar: WorkCalendar, accepted: dt.date, promised_days: int, today: dt.date, *,
              statutory_days: int | None = None, pauses: list[Pause] = (), completed: dt.date | None = None,
              warning_days: int = DEFAULT_WARNING_DAYS) -> Supervision:
    """The supervision level of a case accepted on ``accepted`` with a promised limit in working days."""
    pauses = list(pauses)
    promised = calendar.add_workdays(accepted, promised_days, pauses, today)
    statutory = calendar.add_workdays(accepted, statutory_days, pauses, today) if statutory_days is not None else None
    reference = completed or today
    days_left = calendar.workdays_between(reference, promised, pauses, today)
    paused = completed is None and any(p.start <= today and (p.end is None or p.end >= today) for p in pauses)
    if completed is not None:
        level = DONE if completed <= promised else OVERDUE
    elif days_left < 0:
        level = OVERDUE
    elif days_left <= warning_days:
        level = WARNING
    else:
        level = NORMAL
    warning = None
    if calendar.unknown_years:
        years = "、".join(str(y) for y in sorted(calendar.unknown_years))
        warning = f"{years}年的法定节假日安排尚未录入，期限按周一至周五估算，请以办理部门告知为准。"
    return Supervision(level, promised, statutory, days_left, paused, warning)
