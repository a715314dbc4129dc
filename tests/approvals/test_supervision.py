import datetime as dt

from approvals.calendar import Pause, WorkCalendar
from approvals.supervision import DONE, NORMAL, OVERDUE, WARNING, supervise

D = dt.date.fromisoformat


def test_levels_from_the_promised_limit():
    cal = WorkCalendar()
    accepted = D("2026-03-02")  # promised 5 working days: due Mon 2026-03-09
    assert supervise(cal, accepted, 5, D("2026-03-03")).level == NORMAL
    warn = supervise(cal, accepted, 5, D("2026-03-05"))
    assert warn.level == WARNING and warn.days_left == 2 and "剩余2个工作日" in warn.describe()
    late = supervise(cal, accepted, 5, D("2026-03-11"), statutory_days=20)
    assert late.level == OVERDUE and late.days_left == -2 and "已超期2个工作日" in late.describe()
    assert late.promised_deadline == D("2026-03-09") and late.statutory_deadline == D("2026-03-30")


def test_completion_and_pauses():
    cal = WorkCalendar()
    assert supervise(cal, D("2026-03-02"), 5, D("2026-04-01"), completed=D("2026-03-06")).level == DONE
    assert supervise(cal, D("2026-03-02"), 5, D("2026-04-01"), completed=D("2026-03-10")).level == OVERDUE
    paused = supervise(cal, D("2026-03-02"), 5, D("2026-03-10"), pauses=[Pause(D("2026-03-03"), None)])
    assert paused.paused and paused.level == NORMAL and "暂停计时" in paused.describe()


def test_unknown_year_warns_in_chinese():
    result = supervise(WorkCalendar(), D("2026-12-28"), 10, D("2026-12-29"))
    assert result.calendar_warning and "2027年" in result.calendar_warning
