"""Answers of four competency queries worked out by hand from the seed text, beside the golden files.

The goldens (tests/golden/queries) are written by the code; these expectations are not.
Each is read off the seed text, and each test first checks that the seed says what the
comment quotes, in the right speech, so a wrong expectation fails here too.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kg.query import Session
from tests.conftest import SEED_TEXT

SEED = SEED_TEXT.read_text(encoding="utf-8")

#: The five speeches, each from its byline to the next one (the last to the page footer 视频推荐).
BYLINES = {
    "湖南": "湖南省委常委 政法委书记李殿勋",
    "江苏": "江苏省高级人民法院院长夏道虎",
    "广西": "广西壮族自治区人民检察院检察长崔智友",
    "贵州": "贵州省副省长 公安厅厅长郭瑞民",
    "四川": "四川省司法厅厅长刘志诚",
}


def _sections() -> dict[str, str]:
    starts = sorted((SEED.index(line), province) for province, line in BYLINES.items())
    ends = [s for s, _ in starts[1:]] + [SEED.index("视频推荐")]
    return {province: SEED[start:end] for (start, province), end in zip(starts, ends, strict=True)}


SECTIONS = _sections()


@pytest.fixture(scope="module")
def session(store_path: Path) -> Session:
    return Session(backend="oxigraph", store=store_path)


def _in_speech(province: str, quote: str) -> None:
    assert quote in SECTIONS[province], f"the {province} speech does not say {quote!r}"


def test_speakers_are_the_five_bylines(session: Session) -> None:
    # The byline gives name and posts; a post named without its province takes the byline's:
    # "湖南省委常委 政法委书记李殿勋" → 湖南省委常委 and 湖南省委政法委书记;
    # "贵州省副省长 公安厅厅长郭瑞民" → 贵州省副省长 and 贵州省公安厅厅长.
    by_hand = {
        ("李殿勋", "湖南省委常委"),
        ("李殿勋", "湖南省委政法委书记"),
        ("夏道虎", "江苏省高级人民法院院长"),
        ("崔智友", "广西壮族自治区人民检察院检察长"),
        ("郭瑞民", "贵州省副省长"),
        ("郭瑞民", "贵州省公安厅厅长"),
        ("刘志诚", "四川省司法厅厅长"),
    }
    for line in BYLINES.values():
        assert f"\n{line}\n" in SEED
    rows = session.run("speakers").records()
    assert {(r["speakerName"], r["postLabel"]) for r in rows} == by_hand
    assert len(rows) == len(by_hand)


#: Every figure each speech reports, as the text writes it (value, words in that speech).
FIGURES_BY_HAND: dict[str, list[tuple[str, str]]] = {
    "湖南": [
        ("90", "受访群众满意率达90%以上"),
        ("26", "明确26项执法司法制约监督具体任务"),
        ("12", "细化12项执法流程规范"),
        ("17", "细化监管“四类案件”17项情形"),
        ("7", "明确提前介入等“七项措施”"),
        ("12", "司法人员与律师交往“十二条禁令”"),
    ],
    "江苏": [
        ("84.73", "结收案比仍然达到84.73%"),
        ("1.15", "同比上升1.15个百分点"),
        ("86.56", "一审服判息诉率86.56%"),
        ("8.57", "分别为8.57%、3.86%"),
        ("3.86", "分别为8.57%、3.86%"),
        ("12", "监督重大疑难复杂敏感案件等12项"),
        ("11", "督促案件审理进度等11项监管职责"),
        ("24", "细分为24种情形"),
        ("6", "法律适用规则不明等六类情形"),
        ("24", "设定案件审判24种标准流程"),
        ("67", "67个流程节点"),
        ("37", "“854”模式37个流程节点"),
    ],
    "广西": [
        ("173", "召开案件听证会173件"),
        ("2.08", "从去年的1:2.08优化至1:1.20"),
        ("1.20", "从去年的1:2.08优化至1:1.20"),
        ("65.22", "引导侦查取证率为65.22%"),
        ("15", "对危险驾驶等十五种常见罪名"),
        ("5", "完成对5个监狱"),
        ("92.59", "从2013年的92.59%提升到2020年的99.15%"),
        ("99.15", "从2013年的92.59%提升到2020年的99.15%"),
        ("436", "细化分解436个监督项目"),
        ("8", "连续8年在广西政法机关排名第一"),
    ],
    "贵州": [
        ("15", "明确15类常见刑事案件证据标准指引"),
        ("93", "完成93个执法办案管理中心智能化升级改造"),
        ("0", "执法办案管理中心安全事故零发生"),
        ("50", "办案警力节约50%"),
        ("30", "同类案件办案时间缩短30%"),
        ("0", "因现场执法不当引发的涉警舆情零发生"),
        ("1100", "2020年抽查的1100起警情案件"),
        ("100", "1100起警情案件全部如实受立案"),
        ("99.05", "2019年分别达99.05%、97.31%"),
        ("97.31", "2019年分别达99.05%、97.31%"),
    ],
    "四川": [
        ("952", "“释放”952个执法事项"),
        ("8", "逐项明确8大类226种改造行为"),
        ("226", "逐项明确8大类226种改造行为"),
        ("10", "10类假释病情诊断医学问题"),
        ("5", "编制执法流程等5项行政执法地方标准"),
        ("14", "投诉处理等14项工作规范"),
        ("103", "建立103项合法性审查清单"),
        ("8", "专家随机抽选等8项行政复议内控机制"),
        ("23.8", "行政执法责任追究同比增长23.8%"),
        ("7", "“主办-初审-复核-审签”7级审核"),
        ("23.12", "复议纠错率23.12%"),
        ("49.4", "备案审查纠错率49.4%"),
        ("98.85", "群众满意度98.85%"),
    ],
}


def test_figures_per_province_are_those_each_speech_reports(session: Session) -> None:
    for province, figures in FIGURES_BY_HAND.items():
        for _, words in figures:
            _in_speech(province, words)
    counts = {province: len(figures) for province, figures in FIGURES_BY_HAND.items()}
    assert counts == {"湖南": 6, "江苏": 12, "广西": 10, "贵州": 10, "四川": 13}
    rows = session.run("figures").records()
    assert len(rows) == sum(counts.values()) == 51
    for province, figures in FIGURES_BY_HAND.items():
        got = Counter(Decimal(str(r["value"])).normalize() for r in rows if r["provName"] == province)
        assert got == Counter(Decimal(v).normalize() for v, _ in figures), province
        assert len(session.run("figures", province=province)) == counts[province]


def test_policy_documents_with_a_title_are_those_the_text_puts_in_book_marks(session: Session) -> None:
    # 《关于贯彻<中国共产党政法工作条例>扎实做好新时代政法工作的意见》 names two documents, the 意见
    # and, inside <>, the 条例; Guizhou's speech names 《刑事案件基本证据要求》 and 《现场执法执勤处置规范》.
    titles = {"关于贯彻<中国共产党政法工作条例>扎实做好新时代政法工作的意见", "中国共产党政法工作条例"}
    titles |= {"刑事案件基本证据要求", "现场执法执勤处置规范"}
    _in_speech("湖南", "《关于贯彻<中国共产党政法工作条例>扎实做好新时代政法工作的意见》")
    _in_speech("贵州", "《刑事案件基本证据要求》")
    _in_speech("贵州", "《现场执法执勤处置规范》")
    assert SEED.count("《") == 3
    rows = session.run("policy-documents").records()
    assert {r["title"] for r in rows if r["title"]} == titles
    # "联合检、法制定《刑事案件基本证据要求》": Guizhou's public security with procuratorate and court.
    _in_speech("贵州", "联合检、法制定《刑事案件基本证据要求》")
    issuers = {r["valueLabel"] for r in rows if r["title"] == "刑事案件基本证据要求" and r["role"] == "issuer"}
    assert issuers == {"贵州省公安机关", "贵州检察机关", "贵州法院"}


#: The problems each speech names, with the words that name them.
PROBLEMS_BY_HAND: dict[str, dict[str, str]] = {
    "湖南": {
        "关系案": "针对关系案、人情案、金钱案问题",
        "人情案": "针对关系案、人情案、金钱案问题",
        "金钱案": "针对关系案、人情案、金钱案问题",
        "院庭长不愿监督": "针对院庭长不愿监督、不敢监督、不会监督问题",
        "院庭长不敢监督": "针对院庭长不愿监督、不敢监督、不会监督问题",
        "院庭长不会监督": "针对院庭长不愿监督、不敢监督、不会监督问题",
        "证据标准统一难": "针对证据标准统一难",
        "证人出庭难": "针对证人出庭难",
        "纪法衔接难": "针对纪法衔接难",
    },
    "江苏": {
        "权力运行前端职责不明": "针对权力运行前端职责不明、权责不分等问题",
        "权责不分": "针对权力运行前端职责不明、权责不分等问题",
        "权力运行中端监管易脱位": "针对权力运行中端监管易脱位、裁判尺度不统一等问题",
        "裁判尺度不统一": "针对权力运行中端监管易脱位、裁判尺度不统一等问题",
        "权力运行后端督导评查问责不到位": "针对权力运行后端督导评查问责不到位问题",
        "权力行使、监督管理错位越位": "防止权力行使、监督管理错位越位",
        "裁判文书瑕疵问题": "建立裁判文书强制纠错制度",
    },
    "广西": {
        "违法减刑": "监督纠正违法减刑、假释、保外就医等突出问题",
        "违法假释": "监督纠正违法减刑、假释、保外就医等突出问题",
        "违法保外就医": "监督纠正违法减刑、假释、保外就医等突出问题",
        "重罪轻判": "完善撤诉案件、重罪轻判等案件同步备案审查机制",
        "认罪认罚从宽案件的廉政风险": "认罪认罚从宽案件的廉政风险防范",
    },
    "贵州": {
        "有警不录": "有效解决有警不录、有案不立等问题",
        "有案不立": "有效解决有警不录、有案不立等问题",
        "刑讯逼供": "对刑讯逼供、超时讯(询)问等行为自动预警",
        "超时讯(询)问": "对刑讯逼供、超时讯(询)问等行为自动预警",
        "现场执法不当": "因现场执法不当引发的涉警舆情零发生",
        "窗口服务不到位": "窗口服务不到位、民警执法不规范等问题大幅下降",
        "民警执法不规范": "窗口服务不到位、民警执法不规范等问题大幅下降",
    },
    "四川": {
        "假释病情诊断医学问题理解偏差": "容易产生理解偏差的10类假释病情诊断医学问题",
        "人民群众最不满意行政执法突出问题": "开展人民群众最不满意行政执法突出问题承诺整改专项活动",
        "与司法人员不正当交往": "与司法人员不正当交往等专项整治",
        "新老三难": "合力破解“新老三难”问题",
    },
}


def test_problems_per_province_are_those_each_speech_names(session: Session) -> None:
    for province, problems in PROBLEMS_BY_HAND.items():
        for words in problems.values():
            _in_speech(province, words)
    rows = session.run("problems").records()
    assert len({r["problem"] for r in rows}) == sum(len(p) for p in PROBLEMS_BY_HAND.values()) == 32
    for province, problems in PROBLEMS_BY_HAND.items():
        assert {r["problemLabel"] for r in rows if r["provName"] == province} == set(problems), province
