import datetime as dt

from approvals.calendar import Pause, WorkCalendar

D = dt.date.fromisoformat


def test_public_holidays_and_make_up_working_days():
    cal = WorkCalendar()
    assert not cal.is_workday(D("2026-01-01"))  # 元旦
    assert cal.is_workday(D("2026-01-04"))  # a Sunday worked in exchange (调休)
    assert cal.is_workday(D("2026-02-14"))  # a Saturday worked before the Spring Festival
    assert not cal.is_workday(D("2026-10-01"))  # 国庆节
    assert cal.unknown_years == set()


def test_adding_working_days_skips_holidays_and_crosses_the_year():
    cal = WorkCalendar()
    # Accepted Wed 2025-12-31; 1 Jan to 3 Jan are off, Sun 4 Jan is worked.
    assert cal.add_workdays(D("2025-12-31"), 1) == D("2026-01-04")
    assert cal.add_workdays(D("2025-12-31"), 2) == D("2026-01-05")
    assert cal.workdays_between(D("2025-12-31"), D("2026-01-05")) == 2
    assert cal.workdays_between(D("2026-01-05"), D("2025-12-31")) == -2


def test_special_procedures_stop_the_clock():
    cal = WorkCalendar()
    plain = cal.add_workdays(D("2026-03-02"), 5)
    paused = cal.add_workdays(D("2026-03-02"), 5, [Pause(D("2026-03-03"), D("2026-03-05"))])
    assert plain == D("2026-03-09") and paused == D("2026-03-12")  # three working days later
    # A procedure still under way pauses up to today.
    ongoing = cal.add_workdays(D("2026-03-02"), 5, [Pause(D("2026-03-03"), None)], today=D("2026-03-04"))
    assert ongoing == D("2026-03-11")


def test_unknown_year_is_reported_not_silently_assumed():
    cal = WorkCalendar()
    assert cal.is_workday(D("2027-01-04")) and not cal.is_workday(D("2027-01-09"))  # Mon-Fri estimate
    assert cal.unknown_years == {2027}
    # The admin table makes the year known: its holidays apply and nothing is reported.
    admin = WorkCalendar(overrides={D("2027-01-01"): False, D("2027-01-09"): True}, override_years={2027})
    assert not admin.is_workday(D("2027-01-01")) and admin.is_workday(D("2027-01-09"))
    assert admin.unknown_years == set()
