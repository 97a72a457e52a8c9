"""Organs (place + organ type), and people with their posts from speaker lines and bylines.

An organ mention is resolved to a label the way the curated graph writes them:
a place the text names stays as written (贵州省公安机关); a place implied by
the speech (全省法院, 省纪委, a bare 检察机关) is filled in from the speaker's
province — its short name for the organs of a kind (江苏法院, 湖南检察机关),
its full name for a single body (湖南省纪委, 四川省监狱管理局).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kg.extract.places import PROVINCE_NAME, Place, place_named


@dataclass(frozen=True)
class OrganType:
    canonical: str  # how a label writes it
    cls: str  # local name of the zf: organ-type class
    collective: bool  # all organs of that kind in a place (法院, 检察机关), not one body
    party: bool = False  # a Party body, prefixed with the Party committee when unqualified
    central: bool = False  # a central organ that needs no place


_T = OrganType
#: How texts write organ types (surface form → type); matched longest first.
ORGAN_TYPES: dict[str, OrganType] = {
    "政法委员会": _T("政法委员会", "PoliticalLegalCommission", False, party=True),
    "政法委": _T("政法委", "PoliticalLegalCommission", False, party=True),
    "全面深化改革委员会": _T("全面深化改革委员会", "PartyCommittee", False, party=True),
    "深改委": _T("全面深化改革委员会", "PartyCommittee", False, party=True),
    "纪律检查委员会": _T("纪律检查委员会", "DisciplineInspectionCommission", False),
    "纪委监委": _T("纪委监委", "DisciplineInspectionCommission", False),
    "纪委": _T("纪委", "DisciplineInspectionCommission", False),
    "监察委员会": _T("监察委员会", "DisciplineInspectionCommission", False),
    "最高人民法院": _T("最高人民法院", "SupremePeoplesCourt", False, central=True),
    "最高法院": _T("最高人民法院", "SupremePeoplesCourt", False, central=True),
    "最高法": _T("最高人民法院", "SupremePeoplesCourt", False, central=True),
    "最高人民检察院": _T("最高人民检察院", "PeoplesProcuratorate", False, central=True),
    "最高检": _T("最高人民检察院", "PeoplesProcuratorate", False, central=True),
    "高级人民法院": _T("高级人民法院", "HighPeoplesCourt", False),
    "高院": _T("高级人民法院", "HighPeoplesCourt", False),
    "中级人民法院": _T("中级人民法院", "PeoplesCourt", False),
    "人民法院": _T("人民法院", "PeoplesCourt", True),
    "法院": _T("法院", "PeoplesCourt", True),
    "人民检察院": _T("人民检察院", "PeoplesProcuratorate", False),
    "检察院": _T("人民检察院", "PeoplesProcuratorate", False),
    "检察机关": _T("检察机关", "PeoplesProcuratorate", True),
    "检察部门": _T("检察机关", "PeoplesProcuratorate", True),
    "公安部": _T("公安部", "PublicSecurityOrgan", False, central=True),
    "公安厅": _T("公安厅", "PublicSecurityOrgan", False),
    "公安局": _T("公安局", "PublicSecurityOrgan", False),
    "公安机关": _T("公安机关", "PublicSecurityOrgan", True),
    "公安": _T("公安机关", "PublicSecurityOrgan", True),
    "边检": _T("边检", "PublicSecurityOrgan", True),
    "司法部": _T("司法部", "JusticeAdministration", False, central=True),
    "司法厅": _T("司法厅", "JusticeAdministration", False),
    "司法局": _T("司法局", "JusticeAdministration", False),
    "司法行政机关": _T("司法行政机关", "JusticeAdministration", True),
    "监狱管理局": _T("监狱管理局", "Prison", False),
    "监狱局": _T("监狱管理局", "Prison", False),
    "监狱": _T("监狱", "Prison", True),
    "人民政府": _T("人民政府", "PeoplesGovernment", False),
    "卫生健康委员会": _T("卫生健康委员会", "GovernmentAgency", False),
    "卫健委": _T("卫生健康委员会", "GovernmentAgency", False),
    "卫健": _T("卫生健康委员会", "GovernmentAgency", False),
    "海关": _T("海关", "GovernmentAgency", True),
    "海警": _T("海警", "GovernmentAgency", True),
}
#: The Party committee itself (省委, 市委) is matched on its own.
PARTY_COMMITTEE = _T("委", "PartyCommittee", False)
#: A resident procuratorial office (派驻监狱检察室): its own name, organs of a kind.
RESIDENT_OFFICE = _T("检察室", "PeoplesProcuratorate", True)
#: One-character abbreviations in an enumeration such as 联合公、检、法.
ABBREVIATIONS = {"公": "公安机关", "检": "检察机关", "法": "法院", "司": "司法行政机关"}
#: Role words that imply an organ of a kind where the text names none (法官 → the courts).
ROLES = {"法官": "法院", "院庭长": "法院", "检察官": "检察机关", "民警": "公安机关"}

_TYPES = "|".join(sorted(map(re.escape, ORGAN_TYPES), key=len, reverse=True))
_CITY = r"[\u4e00-\u9fff]{2,3}(?<![全本该各])(?:市|自治州)"
#: Qualifier: a named place, a level word, or a placeholder for the speaker's province.
_QUALIFIER = (
    rf"(?P<place>{PROVINCE_NAME})(?P<suffix>省|市)?(?P<pcq>委|党委)?|(?P<city>{_CITY})"
    r"|(?P<level>市级|县级|基层|各级)|(?P<whole>全省|全区|全市)|(?P<partyq>省委|市委|区委|党委)"
    r"|(?P<bare>自治区|省)|(?P<central>中央|国家)"
)
ORGAN = re.compile(
    rf"(?:{_QUALIFIER})?(?:(?P<type>{_TYPES})|(?P<office>派驻(?:监狱)?检察室))"
    rf"|(?:(?P<pplace>{PROVINCE_NAME})|(?P<pbare>(?<![\u4e00-\u9fff])省|(?<=[与向由经报请请示的])省))(?P<pc>委)(?!员)"
)
ENUMERATION = re.compile(
    r"(?:联合|与|会同|协同|和)(?P<list>[公检法司](?:、[公检法司])+)(?![\u4e00-\u9fff]{0,1}[机部厅局院])"
)
ROLE = re.compile("|".join(ROLES))


@dataclass(frozen=True)
class OrganMention:
    start: int
    end: int
    label: str
    cls: str
    place: Place | None
    level: str | None  # central, provincial, city
    explicit: bool  # the text names the place (or needs none)
    collective: bool
    canonical: str
    inferred: bool = False


def resolve(m: re.Match[str], province: Place | None, offset: int = 0) -> OrganMention | None:
    """Turn one ORGAN match into a labelled organ, filling in the speaker's province."""
    start, end = offset + m.start(), offset + m.end()
    if m.group("pc"):
        place = place_named(m.group("pplace")) if m.group("pplace") else province
        if place is None:
            return None
        return OrganMention(
            start,
            end,
            place.party_committee,
            "PartyCommittee",
            place,
            "provincial",
            bool(m.group("pplace")),
            False,
            "委",
        )
    kind = ORGAN_TYPES[m.group("type")] if m.group("type") else RESIDENT_OFFICE
    surface = m.group("office") or kind.canonical
    if kind.central:
        return OrganMention(start, end, kind.canonical, kind.cls, None, "central", True, False, kind.canonical)
    if m.group("central"):
        label = m.group("central") + (m.group("type") or surface)
        return OrganMention(start, end, label, kind.cls, None, "central", True, False, kind.canonical)
    if m.group("place"):
        place = place_named(m.group("place"))
        written = m.group("place") + (m.group("suffix") or "") + (m.group("pcq") or "")
        if m.group("pcq") and not kind.party:
            return None  # 湖南省委 + a state organ type is not an organ name
        # a named place stays as written: 贵州省公安机关, 江苏法院
        label = written + (m.group("type") if kind.collective else kind.canonical)
        level = None if kind.collective else "provincial"
        return OrganMention(start, end, label, kind.cls, place, level, True, kind.collective, kind.canonical)
    if m.group("city"):
        return OrganMention(
            start,
            end,
            m.group("city") + kind.canonical,
            kind.cls,
            province,
            "city",
            True,
            kind.collective,
            kind.canonical,
        )
    if province is None:
        return None
    if m.group("partyq"):
        label = province.party_committee + kind.canonical
        return OrganMention(start, end, label, kind.cls, province, "provincial", False, False, kind.canonical)
    if m.group("level"):
        label = province.short + m.group("level") + (m.group("type") or surface)
        return OrganMention(start, end, label, kind.cls, province, None, False, True, kind.canonical)
    if kind.collective or (m.group("whole") and kind.cls != "PartyCommittee"):
        canonical = kind.canonical if m.group("type") != "人民法院" else "法院"
        label = province.short + (surface if m.group("office") else canonical)
        return OrganMention(start, end, label, kind.cls, province, None, False, True, canonical)
    if kind.party:
        label = province.party_committee + kind.canonical
    else:
        label = province.full + kind.canonical
    return OrganMention(
        start, end, label, kind.cls, province, "provincial", bool(m.group("bare")) and False, False, kind.canonical
    )


def organ_mentions(text: str, start: int, end: int, province: Place | None) -> list[OrganMention]:
    """Every organ named in ``text[start:end]``, including enumerations (公、检、法) and roles (法官)."""
    found: list[OrganMention] = []
    for m in ORGAN.finditer(text, start, end):
        mention = resolve(m, province)
        if mention is not None:
            found.append(mention)
    if province is not None:
        for m in ENUMERATION.finditer(text, start, end):
            at = m.start("list")
            for ch in m.group("list").split("、"):
                canonical = ABBREVIATIONS[ch]
                kind = ORGAN_TYPES[canonical]
                found.append(
                    OrganMention(
                        at, at + 1, province.short + canonical, kind.cls, province, None, False, True, canonical
                    )
                )
                at += 2
        taken = sorted((f.start, f.end) for f in found)
        starts = [s for s, _ in taken]
        for m in ROLE.finditer(text, start, end):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and taken[i][0] <= m.start() < taken[i][1]:
                continue  # part of an organ's name already found
            canonical = ROLES[m.group()]
            kind = ORGAN_TYPES[canonical]
            found.append(
                OrganMention(
                    m.start(),
                    m.end(),
                    province.short + canonical,
                    kind.cls,
                    province,
                    None,
                    False,
                    True,
                    canonical,
                    inferred=True,
                )
            )
    return sorted(found, key=lambda f: f.start)


def corefer(mentions: list[OrganMention]) -> list[OrganMention]:
    """Within one speech, an implied collective organ is the one the speech names outright.

    贵州省公安机关 named once makes a later bare 公安机关 (or 民警) that same organ.
    """
    named: dict[tuple[str, str, str], str] = {}
    for m in mentions:
        if m.explicit and m.collective and m.place is not None:
            named.setdefault((m.cls, m.canonical, m.place.code), m.label)
    out = []
    for m in mentions:
        key = (m.cls, m.canonical, m.place.code if m.place else "")
        if not m.explicit and m.collective and key in named and named[key] != m.label:
            m = OrganMention(m.start, m.end, named[key], m.cls, m.place, m.level, False, True, m.canonical, m.inferred)
        out.append(m)
    return out


# ---------------------------------------------------------------------------
# Posts and people
# ---------------------------------------------------------------------------

#: Titles whose organ is the people's government of the place (贵州省副省长).
GOVERNMENT_TITLES = ("常务副省长", "副省长", "省长", "常务副市长", "副市长", "市长", "主席", "副主席")


@dataclass(frozen=True)
class PostReading:
    label: str  # 湖南省委政法委书记
    title: str  # 书记
    organ: OrganMention
    start: int
    end: int


def read_posts(text: str, start: int, end: int, titles: str) -> tuple[Place | None, list[PostReading]]:
    """Read the posts of a speaker line's post text (湖南省委常委 政法委书记)."""
    body = text[start:end]
    place_match = re.search(PROVINCE_NAME, body)
    place = place_named(place_match.group()) if place_match else None
    readings: list[PostReading] = []
    for part in re.finditer(r"[^\s\u3000\xa0、，,]+", body):
        p_start, p_end = start + part.start(), start + part.end()
        title_match = re.search(rf"(?:{titles})$", part.group())
        if not title_match:
            continue
        title = title_match.group()
        organ_end = p_start + title_match.start()
        organ = None
        for m in ORGAN.finditer(text, p_start, organ_end):
            if m.end() == organ_end:
                organ = resolve(m, place)
        if organ is None and title in GOVERNMENT_TITLES and place is not None:
            kind = ORGAN_TYPES["人民政府"]
            organ = OrganMention(
                p_start, organ_end, place.full + "人民政府", kind.cls, place, "provincial", True, False, "人民政府"
            )
            readings.append(PostReading(place.full + title, title, organ, p_start, p_end))
            continue
        if organ is None:
            continue
        readings.append(PostReading(organ.label + title, title, organ, p_start, p_end))
    return place, readings
