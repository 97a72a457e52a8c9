"""Numbers as Chinese texts write them: Arabic digits and Chinese numerals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
BIG = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千"


def chinese_to_int(text: str) -> int | None:
    """二十四 → 24, 十五 → 15, 一百零三 → 103; None for anything else."""
    if not text or any(ch not in DIGITS and ch not in UNITS and ch not in BIG for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def decimal_of(text: str) -> Decimal | None:
    """An Arabic number (full-width digits too) as a Decimal."""
    try:
        return Decimal(text.replace("，", "").replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def plain(value: Decimal) -> str:
    """A Decimal without exponent: 35000, 1.20, 84.73."""
    text = format(value, "f")
    return text
