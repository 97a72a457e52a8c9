"""Figures: percentages, counts with their counter word, ratios, changes, comparisons
with the national average, the indicator phrase each measures and its period.

The number patterns extend ``kg.coverage``'s (its NUMBER and COUNTERS), so that
``kg stats`` and ``kg extract`` agree on what a figure is.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.coverage import COUNTERS, NUMBER, YEAR
from kg.extract.model import FigureData, Mention
from kg.extract.numbers import BIG, CHINESE_NUMERAL, chinese_to_int, decimal_of
from kg.extract.periods import FoundPeriod, periods_in
from kg.extract.text import Segment, clauses

#: Counter words beyond coverage's (longest first when joined).
MORE_COUNTERS = ("人次", "个月", "户", "所", "批", "份", "宗", "处", "位", "支", "场", "轮", "篇", "元", "天", "小时")
_COUNT_WORDS = tuple(c for c in COUNTERS if c not in ("个百分点", "万")) + MORE_COUNTERS
COUNTER = "|".join(sorted(_COUNT_WORDS, key=len, reverse=True))
#: Counter words that follow a Chinese numeral as a figure (not 年: 三年 is too often idiom).
CN_COUNTER = "|".join(sorted(set(_COUNT_WORDS) - {"年", "人", "天", "小时"}, key=len, reverse=True))

#: A number with thousands separators (1,200) or a plain one (coverage's NUMBER).
AMOUNT = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?![\d,])(?:\.\d+)?|{NUMBER})"

FIGURE = re.compile(
    rf"(?P<ratio>(?<![\d.:：∶])1[:：∶](?P<ratio_v>{NUMBER})(?![\d:：∶]))"
    rf"|(?P<pp>(?<![\d.])(?P<pp_v>{NUMBER})个百分点)"
    rf"|(?P<pct>(?<![\d.,])(?P<pct_v>{AMOUNT})\s?[%％](?P<pct_more>以上)?)"
    rf"|(?P<count>(?<![\d.,:：∶\-/])(?P<count_v>{AMOUNT})(?P<count_more>余|多)?(?P<count_big>万|亿)?(?P<count_more3>余|多)?"
    rf"(?P<count_c>{COUNTER})?(?(count_c)|(?(count_big)|(?!)))(?P<count_more2>以上)?)"
    rf"|(?P<cn>(?<!第)(?P<cn_v>[{CHINESE_NUMERAL}]+)(?P<cn_c>{CN_COUNTER}))"
    r"|(?P<zero>零(?:发生|事故|发案|差错|投诉|伤亡|脱逃))"
)
ALL = re.compile(r"全部|全都")

#: Comparison phrases after a figure: (pattern, comparator).
AFTER = (
    (re.compile(r"高于全国平均(?:水平|值)?"), "AboveNationalAverage"),
    (re.compile(r"低于全国平均(?:水平|值)?"), "BelowNationalAverage"),
    (re.compile(r"(?:居|位居|排在|位于|处于|走在)全国前列"), "AmongNationalLeaders"),
    (re.compile(r"(?:在)?全国率先"), "FirstNationally"),
    (re.compile(r"排名第一|位居第一|排名首位|排第一|名列第一"), "RankedFirst"),
)
#: Year on year: 同比上升, 较去年提高, 比上年同期分别增长.
_YOY = r"(?:同比|较去年|较上年|比去年|比上年|与去年相比|与上年相比)(?:同期)?(?:分别)?"
YOY_UP = re.compile(_YOY + r"(?:上升|增长|提高|增加|上涨)了?\s*$")
YOY_DOWN = re.compile(_YOY + r"(?:下降|减少|降低|下滑)了?\s*$")
#: A period that is only the base of a comparison (较去年, 比上年同期) is not the figure's period.
COMPARISON_BASE = re.compile(r"[较比]$|与$")
REDUCTION = re.compile(r"(?:缩短|节约|节省|减少|降低|压缩)了?\s*$")
#: "from A … to B": A is followed by B.
TRANSITION = re.compile(r"(?:提升|提高|优化|上升|下降|降低|增长|增加|减少|压缩|缩短)(?:到|至|为)")

_LEAD = re.compile(r"^(?:其中|同时|全年|目前|此外|另外|从|对|在|其|共|累计|并|且|还|使|让|将|把|经|通过)+")
_TRAIL = re.compile(
    r"(?:(?:从|的|仍然|仍|已经|已|分别|均|都|共|累计|同比|较去年|较上年|比去年|逐年|持续|不断|明显|大幅|稳步|进一步|连续)*"
    r"(?:达到|达|为|是|占|提升到|提高到|上升到|下降到|降至|降到|增至|优化至|超过|提升|上升|增长|提高|下降|减少|降低|"
    r"缩短|节约|节省|压缩|创|显示)?了?)+$"
)
_STOP_AFTER = re.compile(r"进行|必须|专门|实现|开展|全部|履职|及|和|并|对|向|把|将|从|由|的|等|[，,、；;。：:]")


@dataclass
class RawFigure:
    data: FigureData
    comparators: list[str] = field(default_factory=list)


def _counted(value: Decimal, big: str | None) -> Decimal:
    """150.6万 → 1506000 (an integer when it is one)."""
    if not big:
        return value
    value *= BIG[big]
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()


_CHANGE_WORDS = ("YearOnYearIncrease", "YearOnYearDecrease", "Reduction")


def _is_change(f: FigureData) -> bool:
    return f.unit == "PercentagePoint" or "YearOnYearIncrease" in f.comparators or "YearOnYearDecrease" in f.comparators


def _link_changes(text: str, figs: list[FigureData]) -> None:
    """Changes report on the figures before them; 从A…提升到B makes a before/after pair.

    A run of changes after 分别 pairs with as many figures before it, in order
    (受理150.6万件，审结142.3万件，同比分别上升8.2%和7.9%); otherwise a change is
    the change of the nearest figure before it that is not itself a change.
    """
    i = 0
    while i < len(figs):
        f = figs[i]
        if not _is_change(f):
            if i and TRANSITION.search(text[figs[i - 1].number.end : f.number.start]) and figs[i - 1].unit == f.unit:
                figs[i - 1].followed_by, f.preceded_by = str(id(f)), str(id(figs[i - 1]))
            i += 1
            continue
        run = [f]
        while i + len(run) < len(figs) and _is_change(figs[i + len(run)]):
            run.append(figs[i + len(run)])
        bases = [g for g in figs[:i] if not _is_change(g) and g.unit in ("Percent", "RatioToOne", "Count")]
        lead = text[bases[-1].number.end if bases else 0 : f.number.start] if bases else ""
        if len(run) > 1 and "分别" in lead and len(bases) >= len(run):
            for change, base in zip(run, bases[-len(run) :], strict=True):
                change.change_of = str(id(base))
        elif bases:
            for change in run:
                change.change_of = str(id(bases[-1]))
        i += len(run)


def scan(text: str, start: int, end: int) -> list[FigureData]:
    """Every figure in ``text[start:end]``, in text order, without their context yet."""
    found: list[FigureData] = []
    for m in FIGURE.finditer(text, start, end):
        g = m.group
        mention = Mention(m.start(), m.end(), m.group())
        if g("ratio"):
            value = decimal_of(g("ratio_v"))
            if value is not None:
                found.append(FigureData(value, "RatioToOne", mention, rule="ratio 1:x"))
        elif g("pp"):
            value = decimal_of(g("pp_v"))
            if value is not None:
                found.append(FigureData(value, "PercentagePoint", mention, rule="percentage points"))
        elif g("pct"):
            value = decimal_of(g("pct_v"))
            if value is not None:
                figure = FigureData(value, "Percent", mention, rule="percentage")
                if g("pct_more"):
                    figure.comparators.append("AtLeast")
                found.append(figure)
        elif g("count"):
            value = decimal_of(g("count_v"))
            counter = g("count_c")
            if value is None:
                continue
            if counter == "年":
                if YEAR.match(g("count_v")) or g("count_big"):
                    continue  # 2019年 is a date
                figure = FigureData(value, "Year", mention, rule="years")
            else:
                value = _counted(value, g("count_big"))
                figure = FigureData(value, "Count", mention, counter=counter or g("count_big"), rule="count")
            if g("count_more") or g("count_more2") or g("count_more3"):
                figure.comparators.append("AtLeast")
            found.append(figure)
        elif g("cn"):
            numeral = g("cn_v")
            number = chinese_to_int(numeral)
            if number is None or numeral == "一" or not re.search("[零〇二两三四五六七八九十]", numeral):
                continue
            found.append(FigureData(Decimal(number), "Count", mention, counter=g("cn_c"), rule="Chinese numeral"))
        elif g("zero"):
            found.append(FigureData(Decimal(0), "Count", mention, counter="起", rule="zero occurrences (零发生)"))
    return sorted(found, key=lambda f: f.number.start)


def _all_figures(text: str, clause: Segment, figures: list[FigureData]) -> list[FigureData]:
    """全部 after a count in the same clause: the whole of it, 100%."""
    out = []
    for m in ALL.finditer(text, clause.start, clause.end):
        if any(f.unit == "Count" and f.number.end <= m.start() for f in figures):
            out.append(
                FigureData(
                    Decimal(100), "Percent", Mention(m.start(), m.end(), m.group()), rule="all of a count (全部)"
                )
            )
    return out


def _cleaned(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim connectives at the start and verbs, adverbs and 从… at the end of a phrase."""
    phrase = text[start:end]
    cut = re.search(r"从(?=\d|今年|去年|上年|前|原)", phrase)
    if cut:
        end = start + cut.start()
        phrase = text[start:end]
    lead = _LEAD.match(phrase)
    if lead:
        start += lead.end()
    phrase = text[start:end]
    trail = _TRAIL.search(phrase)
    if trail:
        end = start + trail.start()
    return _balanced(text, start, end)


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop spaces and quotation marks at the edges that have no partner inside."""
    while start < end:
        phrase = text[start:end]
        if phrase[-1] in " \u3000" or (phrase[-1] == "”" and "“" not in phrase[:-1]) or phrase[-1] == "“":
            end -= 1
        elif phrase[0] in " \u3000" or (phrase[0] == "“" and "”" not in phrase[1:]) or phrase[0] == "”":
            start += 1
        else:
            break
    return start, end


def _without_periods(text: str, start: int, end: int, found: list[FoundPeriod]) -> tuple[int, int]:
    for p in found:
        if p.start <= start < p.end:
            start = p.end
        if start < p.end and p.start < end and p.start >= start:
            # a period inside: keep what follows it when it starts the phrase
            if text[start : p.start].strip("的在于") == "":
                start = p.end
    return start, end


def _indicator_before(text: str, clause: Segment, fig: FigureData, found: list[FoundPeriod]) -> Mention | None:
    start, end = _without_periods(text, clause.start, fig.number.start, found)
    start, end = _cleaned(text, start, end)
    start, end = _without_periods(text, start, end, found)
    start, end = _cleaned(text, start, end)
    if end - start < 2 or not re.search(r"[\u4e00-\u9fff]", text[start:end]):
        return None
    return Mention(start, end, text[start:end])


def _indicator_after(text: str, fig: FigureData, limit: int) -> Mention | None:
    start = fig.number.end
    while start < limit and text[start] in '“"':
        start += 1
    stop = _STOP_AFTER.search(text, start + 1, limit)
    end = stop.start() if stop else limit
    end = min(end, start + 20)
    start, end = _balanced(text, start, end)
    lead = _LEAD.match(text[start:end])
    if lead and start + lead.end() < end:
        start += lead.end()
    if end - start < 1 or not re.search(r"[\u4e00-\u9fff]", text[start:end]):
        return None
    return Mention(start, end, text[start:end])


def _distribution(
    text: str, sentence: Segment, clause: Segment, figs: list[FigureData], found: list[FoundPeriod]
) -> dict[int, Mention]:
    """二审改判率、发回重审率分别为8.57%、3.86%: pair the listed indicators with the figures in order."""
    if len(figs) < 2:
        return {}
    first = figs[0].number.start
    at = text.find("分别", clause.start, first)
    if at < 0:
        return {}
    start, end = _without_periods(text, clause.start, at, found)
    start, end = _cleaned(text, start, end)
    if end - start < 2:
        # the list is in the previous clause: 人民群众安全感和对公安机关满意度逐年提升,2019年分别达…
        previous = [c for c in clauses(text, sentence) if c.end <= clause.start]
        if not previous:
            return {}
        start, end = _cleaned(text, previous[-1].start, previous[-1].end)
    items: list[Mention] = []
    at = start
    for m in re.finditer(r"[、和及与]|$", text[start:end]):
        s, e = _cleaned(text, at, start + m.start())
        if e - s >= 1:
            items.append(Mention(s, e, text[s:e]))
        at = start + m.end()
    if len(items) != len(figs):
        return {}
    return {id(f): item for f, item in zip(figs, items, strict=True)}


def contextualise(text: str, sentence: Segment, figs: list[FigureData], ref_year: int | None) -> list[FigureData]:
    """Fill in comparators, periods, indicator phrases and links of the figures of one sentence."""
    found = periods_in(text, sentence.start, sentence.end, ref_year)
    parts = clauses(text, sentence)

    def clause_of(f: FigureData) -> Segment:
        return next((c for c in parts if c.start <= f.number.start < c.end), sentence)

    extra: list[FigureData] = []
    for c in parts:
        extra += _all_figures(text, c, [f for f in figs if c.start <= f.number.start < c.end])
    figs = sorted(figs + extra, key=lambda f: f.number.start)
    for f in figs:
        before = text[max(sentence.start, f.number.start - 14) : f.number.start]
        if YOY_UP.search(before):
            f.comparators.append("YearOnYearIncrease")
        elif YOY_DOWN.search(before):
            f.comparators.append("YearOnYearDecrease")
        elif REDUCTION.search(before):
            f.comparators.append("Reduction")
    # comparison phrases after figures: the last figure before, or all since the last phrase with 均/都
    phrases = sorted(
        (
            (m.start(), m.end(), comparator)
            for pattern, comparator in AFTER
            for m in pattern.finditer(text, sentence.start, sentence.end)
        ),
    )
    since = sentence.start
    for p_start, p_end, comparator in phrases:
        targets = [f for f in figs if since <= f.number.end <= p_start]
        if targets:
            together = re.search(r"[均都皆]\s*$", text[max(sentence.start, p_start - 2) : p_start])
            chosen = targets if together else targets[-1:]
            # a change (同比上升…) reports on the figure before it: the comparison is the figure's own
            if comparator in ("AboveNationalAverage", "BelowNationalAverage", "AmongNationalLeaders"):
                chosen = [f for f in chosen if f.unit != "PercentagePoint"] or chosen
            for f in chosen:
                if comparator not in f.comparators:
                    f.comparators.append(comparator)
        since = p_end
    # a figure listed right after one with a change word shares it (同比分别上升8.2%和7.9%)
    for prior, f in itertools.pairwise(figs):
        if re.fullmatch(r"\s*[、和及与]\s*", text[prior.number.end : f.number.start]) and not f.comparators:
            f.comparators = [c for c in prior.comparators if c in _CHANGE_WORDS]
    _link_changes(text, figs)
    # periods: the last period before the figure in its sentence, unless it belongs to an earlier figure of a pair
    for f in figs:
        candidates = [
            p
            for p in found
            if p.end <= f.number.start
            and not (p.start <= f.number.start < p.end)
            and not COMPARISON_BASE.search(text[max(sentence.start, p.start - 2) : p.start])
        ]
        if candidates:
            p = candidates[-1]
            earlier = [g for g in figs if p.end <= g.number.start < f.number.start]
            if not (earlier and f.preceded_by):
                f.period = p.period
    # indicators
    by_clause: dict[int, list[FigureData]] = {}
    for f in figs:
        by_clause.setdefault(clause_of(f).start, []).append(f)
    keyed = {str(id(f)): f for f in figs}
    for c_start, group in by_clause.items():
        clause = clause_of(group[0])
        dist = (
            _distribution(text, sentence, clause, [g for g in group if g.unit in ("Percent", "RatioToOne")], found)
            if len(group) > 1
            else {}
        )
        for n, f in enumerate(group):
            if id(f) in dist:
                f.indicator_mention = dist[id(f)]
            elif f.unit in ("Count",) and f.rule != "zero occurrences (零发生)":
                nxt = group[n + 1].number.start if n + 1 < len(group) else clause.end
                f.indicator_mention = _indicator_after(text, f, nxt)
                if f.indicator_mention is None:
                    following = group[n + 1 :] + by_clause_next(by_clause, c_start)
                    adjacent = following[:1] if following and following[0].number.start == f.number.end else []
                    later = adjacent + [g for g in following if g.unit == "Count" and g.counter == f.counter]
                    for g in later:
                        limit = next((h.number.start for h in figs if h.number.start > g.number.start), sentence.end)
                        f.indicator_mention = _indicator_after(text, g, min(limit, clause_end(parts, g)))
                        if f.indicator_mention:
                            break
                if f.indicator_mention is None:
                    f.indicator_mention = _indicator_before(text, clause, f, found)
            elif f.unit == "Year":
                f.indicator_mention = _indicator_after(text, f, clause.end)
            elif f.preceded_by and f.preceded_by in keyed and keyed[f.preceded_by].indicator_mention:
                f.indicator_mention = keyed[f.preceded_by].indicator_mention
            elif f.rule == "all of a count (全部)":
                f.indicator_mention = _indicator_after(text, f, clause.end)
            else:
                # a second figure of the clause is measured by what stands before the first
                f.indicator_mention = _indicator_before(text, clause, group[0], found)
            if f.indicator_mention is None and f.change_of and f.change_of in keyed:
                f.indicator_mention = keyed[f.change_of].indicator_mention
            if f.indicator_mention is not None:
                f.indicator = f.indicator_mention.text
    return figs


def by_clause_next(by_clause: dict[int, list[FigureData]], start: int) -> list[FigureData]:
    later = sorted(k for k in by_clause if k > start)
    return by_clause[later[0]] if later else []


def clause_end(parts: list[Segment], f: FigureData) -> int:
    return next((c.end for c in parts if c.start <= f.number.start < c.end), f.number.end + 20)
