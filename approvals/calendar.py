"""Working days: Chinese public holidays and make-up working days (调休).

Years the ``chinesecalendar`` package knows come from it; an admin-editable table (HolidayDay
rows) overrides or extends it for years it does not know yet. A date in a year known to neither
is counted Monday-to-Friday and the year is reported in :attr:`WorkCalendar.unknown_years`, so
callers can warn — never silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar


@dataclass(frozen=True)
class Pause:
    """A special procedure (听证, 检验检测, 专家评审, 公示...) that stops the clock, ends inclusive."""

    start: dt.date
    end: dt.date | None  # None: still under way


@dataclass
class WorkCalendar:
    overrides: dict[dt.date, bool] = field(default_factory=dict)  # date -> is a working day
    override_years: set[int] = field(default_factory=set)  # years the table fully covers
    unknown_years: set[int] = field(default_factory=set)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year not in self.override_years:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:
                self.unknown_years.add(day.year)
        return day.weekday() < 5

    def _counts(self, day: dt.date, pauses: tuple[Pause, ...], today: dt.date) -> bool:
        """A working day outside every special procedure counts against the limit."""
        return self.is_workday(day) and not any(p.start <= day <= (p.end or today) for p in pauses)

    def add_workdays(self, start: dt.date, days: int, pauses: list[Pause] = (), today: dt.date | None = None) -> dt.date:
        """The date on which ``days`` working days after ``start`` have passed (start day not counted).

        Working days inside a special procedure do not count: the deadline moves out by them.
        """
        today, pauses = today or dt.date.today(), tuple(pauses)
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            counted += self._counts(day, pauses, today)
        return day

    def workdays_between(self, start: dt.date, end: dt.date, pauses: list[Pause] = (), today: dt.date | None = None) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
        if end < start:
            return -self.workdays_between(end, start, pauses, today)
        today, pauses = today or dt.date.today(), tuple(pauses)
        return sum(self._counts(start + dt.timedelta(days=n), pauses, today) for n in range(1, (end - start).days + 1))
