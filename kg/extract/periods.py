"""Periods as the text gives them (2019年, 1至7月, 今年以来), with dates where they follow."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from kg.extract.model import Mention, Period
from kg.extract.numbers import chinese_to_int

MONTHS_EN = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")  # fmt: skip
_CN_DIGIT = "一二三四五六七八九十"

PERIOD = re.compile(
    r"(?P<y1>\d{4})年?(?:至|到|-|—|~)(?P<y2>\d{4})年"
    r"|(?P<ym_y>\d{4})年(?P<ym_m1>\d{1,2})(?:至|到|-|—|~)(?P<ym_m2>\d{1,2})月"
    r"|(?P<since>\d{4})年以来"
    r"|(?P<year_month_y>\d{4})年(?P<year_month_m>\d{1,2})月(?![\d份]{0,2}日)"
    r"|(?P<year>\d{4})年(?:度)?(?![\d])"
    r"|(?<![\d年])(?P<m1>\d{1,2})(?:至|到|-|—|~)(?P<m2>\d{1,2})月(?:份)?"
    r"|(?P<rel>今年以来|今年上半年|今年前三季度|去年上半年|去年同期|今年|去年|上年|上半年|前三季度|近年来)"
    rf"|近(?P<recent>[{_CN_DIGIT}\d]+)年(?:来)?"
)

_RELATIVE_EN = {
    "今年以来": "this year so far",
    "今年上半年": "first half of this year",
    "今年前三季度": "first three quarters of this year",
    "去年上半年": "first half of last year",
    "去年同期": "same period last year",
    "今年": "this year",
    "去年": "last year",
    "上年": "last year",
    "上半年": "first half of the year",
    "前三季度": "first three quarters",
    "近年来": "in recent years",
}


@dataclass(frozen=True)
class FoundPeriod:
    start: int
    end: int
    period: Period


def _year_span(year: int) -> tuple[str, str]:
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _months(year: int | None, m1: int, m2: int) -> tuple[str | None, str | None]:
    if year is None or not (1 <= m1 <= m2 <= 12):
        return None, None
    last = calendar.monthrange(year, m2)[1]
    return f"{year:04d}-{m1:02d}-01", f"{year:04d}-{m2:02d}-{last:02d}"


def read_period(m: re.Match[str], ref_year: int | None, offset: int = 0) -> FoundPeriod | None:
    exact = m.group()
    mention = Mention(offset + m.start(), offset + m.end(), exact)
    g = m.group
    if g("y1"):
        y1, y2 = int(g("y1")), int(g("y2"))
        period = Period(exact, f"{y1}–{y2}", _year_span(y1)[0], _year_span(y2)[1], mention)
    elif g("ym_y"):
        y, m1, m2 = int(g("ym_y")), int(g("ym_m1")), int(g("ym_m2"))
        start, end = _months(y, m1, m2)
        period = Period(
            exact,
            f"{MONTHS_EN[m1] if 1 <= m1 <= 12 else m1} to {MONTHS_EN[m2] if 1 <= m2 <= 12 else m2} {y}",
            start,
            end,
            mention,
        )
    elif g("since"):
        period = Period(exact, f"since {g('since')}", f"{int(g('since')):04d}-01-01", None, mention)
    elif g("year_month_y"):
        y, mo = int(g("year_month_y")), int(g("year_month_m"))
        start, end = _months(y, mo, mo)
        period = Period(exact, f"{MONTHS_EN[mo] if 1 <= mo <= 12 else mo} {y}", start, end, mention)
    elif g("year"):
        y = int(g("year"))
        if not 1949 <= y <= 2100:
            return None
        start, end = _year_span(y)
        period = Period(exact, str(y), start, end, mention)
    elif g("m1"):
        m1, m2 = int(g("m1")), int(g("m2"))
        if not 1 <= m1 <= m2 <= 12:
            return None
        start, end = _months(ref_year, m1, m2)
        period = Period(exact, f"{MONTHS_EN[m1]} to {MONTHS_EN[m2]}", start, end, mention)
    elif g("rel"):
        rel = g("rel")
        start = end = None
        if ref_year is not None:
            if rel in ("今年以来", "今年", "今年前三季度"):
                start = f"{ref_year:04d}-01-01"
            elif rel in ("今年上半年", "上半年"):
                start, end = _months(ref_year, 1, 6)
            elif rel == "去年上半年":
                start, end = _months(ref_year - 1, 1, 6)
            elif rel in ("去年", "上年", "去年同期"):
                start, end = _year_span(ref_year - 1)
        period = Period(exact, _RELATIVE_EN[rel], start, end, mention)
    else:
        years = g("recent") if g("recent").isdigit() else chinese_to_int(g("recent"))
        period = Period(exact, f"in the last {years} years", None, None, mention)
    return FoundPeriod(mention.start, mention.end, period)


def periods_in(text: str, start: int, end: int, ref_year: int | None) -> list[FoundPeriod]:
    out = []
    for m in PERIOD.finditer(text, start, end):
        found = read_period(m, ref_year)
        if found is not None:
            out.append(found)
    return out
