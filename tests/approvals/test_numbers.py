import datetime as dt

import pytest

from approvals.numbers import check_character, find_number, is_valid, make_number


def test_check_character_is_iso_7064_mod_11_2():
    # The resident identity number uses the same scheme: 11010519491231002X is a published example.
    assert check_character("11010519491231002") == "X"
    assert make_number(dt.date(2026, 10, 15), 123) == "GX20261015000123" + check_character("20261015000123")


def test_validation_catches_typos_swaps_and_bad_dates():
    number = make_number(dt.date(2026, 10, 15), 123)
    assert is_valid(number) and is_valid(number.lower())
    body = number[2:16]
    typo = "GX" + body[:-1] + str((int(body[-1]) + 1) % 10) + number[-1]
    swapped = "GX" + body[:5] + body[6] + body[5] + body[7:] + number[-1]
    assert not is_valid(typo) and (swapped == number or not is_valid(swapped))
    bad_date = "GX20261345000123"
    assert not is_valid(bad_date + check_character(bad_date[2:]))
    for junk in ("", "GX123", "AB20261015000123X", None):
        assert not is_valid(junk or "")


@pytest.mark.parametrize("text", ["我的受理编号是{n}，帮我查一下", "{n}", "编号 {lower} 办到哪了"])
def test_number_found_anywhere_in_a_sentence(text):
    number = make_number(dt.date(2026, 9, 2), 4815)
    found, problem = find_number(text.format(n=number, lower=number.lower()))
    assert found == number and problem is None


def test_missing_or_wrong_number_explains_the_format():
    found, problem = find_number("帮我查下进度")
    assert found is None and "共17位" in problem
    number = make_number(dt.date(2026, 9, 2), 4815)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    found, problem = find_number(f"编号{wrong}")
    assert found is None and "校验码不正确" in problem
