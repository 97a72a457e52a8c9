"""Province-level divisions (GB/T 2260) and how a text names them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    full: str  # 湖南省, 广西壮族自治区, 北京市
    short: str  # 湖南, 广西, 北京
    code: str  # GB/T 2260

    @property
    def party_committee(self) -> str:
        """How the text names its Party committee: 湖南省委, 北京市委, 广西壮族自治区党委."""
        return self.full + ("党委" if self.full.endswith("自治区") or self.full.endswith("行政区") else "委")


PROVINCES: tuple[Place, ...] = tuple(
    Place(full, short, code)
    for full, short, code in (
        ("北京市", "北京", "110000"),
        ("天津市", "天津", "120000"),
        ("河北省", "河北", "130000"),
        ("山西省", "山西", "140000"),
        ("内蒙古自治区", "内蒙古", "150000"),
        ("辽宁省", "辽宁", "210000"),
        ("吉林省", "吉林", "220000"),
        ("黑龙江省", "黑龙江", "230000"),
        ("上海市", "上海", "310000"),
        ("江苏省", "江苏", "320000"),
        ("浙江省", "浙江", "330000"),
        ("安徽省", "安徽", "340000"),
        ("福建省", "福建", "350000"),
        ("江西省", "江西", "360000"),
        ("山东省", "山东", "370000"),
        ("河南省", "河南", "410000"),
        ("湖北省", "湖北", "420000"),
        ("湖南省", "湖南", "430000"),
        ("广东省", "广东", "440000"),
        ("广西壮族自治区", "广西", "450000"),
        ("海南省", "海南", "460000"),
        ("重庆市", "重庆", "500000"),
        ("四川省", "四川", "510000"),
        ("贵州省", "贵州", "520000"),
        ("云南省", "云南", "530000"),
        ("西藏自治区", "西藏", "540000"),
        ("陕西省", "陕西", "610000"),
        ("甘肃省", "甘肃", "620000"),
        ("青海省", "青海", "630000"),
        ("宁夏回族自治区", "宁夏", "640000"),
        ("新疆维吾尔自治区", "新疆", "650000"),
        ("台湾省", "台湾", "710000"),
        ("香港特别行政区", "香港", "810000"),
        ("澳门特别行政区", "澳门", "820000"),
    )
)

BY_NAME: dict[str, Place] = {}
for _p in PROVINCES:
    BY_NAME[_p.full] = _p
    BY_NAME[_p.short] = _p
    # 广西自治区, 新疆自治区: the full name without the nationality
    if _p.full.endswith("自治区") and _p.full != _p.short + "自治区":
        BY_NAME[_p.short + "自治区"] = _p

#: Any province name, longest first so that 广西壮族自治区 wins over 广西.
PROVINCE_NAME = "|".join(sorted(map(re.escape, BY_NAME), key=len, reverse=True))


def place_named(name: str) -> Place | None:
    return BY_NAME.get(name)
