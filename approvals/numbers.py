"""受理编号 (application numbers): ``GX`` + acceptance date ``YYYYMMDD`` + 6-digit sequence + a
check character, e.g. ``GX20261015000123X``.

The check character is ISO 7064 MOD 11-2 over the 14 digits (the scheme of the resident ID
number): a mistyped digit or two swapped neighbours is caught before any lookup.
"""

from __future__ import annotations

import datetime as dt
import re

PREFIX = "GX"
PATTERN = re.compile(r"(?<![0-9A-Za-z])[Gg][Xx]\s?(\d{8})\s?(\d{6})\s?([0-9Xx])(?![0-9A-Za-z])")
FORMAT_HELP = "受理编号由“GX”、8位受理日期、6位流水号和1位校验码组成，共17位，例如 GX20261015000123X（可在受理通知书或短信中找到）。"


def check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 check character (0-9 or X) for a string of digits."""
    if not digits.isdigit():
        raise ValueError(f"digits expected, got {digits!r}")
    remainder = 0
    for digit in digits:
        remainder = (remainder + int(digit)) * 2 % 11
    value = (12 - remainder) % 11
    return "X" if value == 10 else str(value)


def make_number(accepted: dt.date, sequence: int) -> str:
    """The 受理编号 for the ``sequence``-th application accepted on ``accepted``."""
    if not 0 <= sequence <= 999_999:
        raise ValueError("sequence must be 0..999999")
    digits = f"{accepted:%Y%m%d}{sequence:06d}"
    return f"{PREFIX}{digits}{check_character(digits)}"


def is_valid(number: str) -> bool:
    """Format, a real date, and the check character all hold."""
    match = PATTERN.fullmatch(number.strip()) if number else None
    if not match:
        return False
    date_part, seq, check = match.groups()
    try:
        dt.datetime.strptime(date_part, "%Y%m%d")
    except ValueError:
        return False
    return check_character(date_part + seq) == check.upper()


def find_number(text: str | None) -> tuple[str | None, str | None]:
    """The 受理编号 in a sentence, normalised, or (None, reason in Chinese) when absent or invalid."""
    if not text:
        return None, "没有找到受理编号。" + FORMAT_HELP
    match = PATTERN.search(text)
    if not match:
        return None, "没有找到受理编号。" + FORMAT_HELP
    number = PREFIX + "".join(match.groups()).upper()
    if not is_valid(number):
        return None, f"受理编号 {number} 的校验码不正确，请核对后重新输入。" + FORMAT_HELP
    return number, None
