"""Propose the quantified targets of a plan document the system has never seen.

A department uploads a quality-strong-city plan and an officer confirms the targets before they enter
the catalogue, so the extractor aims to find every target (recall) without burying the officer in
noise (precision). It is rule-based on purpose: plans are written in a small, formulaic register
(“到2025年，…合格率稳定在98%以上”), rules are explainable to the officer, and nothing leaves the machine.
Reading rules follow qcity/indicators/data/plans/FORMAT.md. Pure Python: no Django import.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

import cn2an

COMPARATORS = (">=", "<=", "==", "range")
QUANTITATIVE = "quantitative"
QUALITATIVE = "qualitative"  # a relative target (高于全省平均水平): no number, the reviewer decides

# --- normalisation (one character for one character, so offsets into the original text stay valid) ---

_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULLWIDTH.update({"％": "%", "．": ".", "～": "~", "〜": "~", "－": "-", "＞": ">", "＜": "<", "＝": "=",
                   "\u3000": " ", "，": "，", "：": "：", "；": "；", "\u00a0": " ", "⩾": "≥", "⩽": "≤"})
_TRANSLATE = str.maketrans(_FULLWIDTH)


def _normalise(text: str) -> str:
    normalised = text.translate(_TRANSLATE)
    assert len(normalised) == len(text)
    return normalised


# --- the vocabulary of targets ----------------------------------------------------------------------

_NUM = r"(?:\d+\.\s\d+(?=\s*(?:%|\\%))|(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
# Longest first; 分 must not be the start of 分别/分类/…; 年 is only accepted after a comparator word.
_UNITS = (
    "个百分点", "百分点", r"\\%", "%", "万平方米", "平方米", "平方公里", "公里", "千米", "万亩", "亩",
    "万户", "户", "万人次", "[万亿][家件张所座条处套台辆批次名位种床项]", "人次", "万人", "人", "名", "位", "万个", "个", "项", "家", "件", "张", "所",
    "座", "条", "处", "套", "台", "辆", "部", "批", "次", "场", "天", "小时", "分钟", "万吨", "吨",
    "亿元", "万元", "元", "微克/立方米", "毫克/立方米", "毫克/升", "立方米", r"dB\(A\)", "dB", "分贝",
    "岁", "倍", "种", "床", r"分(?![别类钟级析布配散期区局批工行管])", r"年(?![内来间后前度底末份])",
    "万", "亿",
)


def _unit_pattern(group: str) -> str:
    return rf"(?:\\text\{{\s*(?P<{group}tex>[^{{}}]{{1,12}}?)\s*\}}|(?P<{group}plain>" + "|".join(_UNITS) + "))"


# Chinese numerals (两项, 十二个, 一百五十家) count only before a unit; cn2an reads them.
_HAN_DIGITS = "零〇一二两三四五六七八九十百千"
_HAN_NUM = rf"(?<![{_HAN_DIGITS}])[{_HAN_DIGITS}]+"
_DASH = r"(?:[~\-—–]+|至)"
_VALUE_RE = re.compile(
    rf"(?P<a>{_NUM}|{_HAN_NUM})\s*{_unit_pattern('ua')}?"
    rf"(?:\s*{_DASH}\s*(?P<b>{_NUM}|{_HAN_NUM})\s*{_unit_pattern('ub')}?)?"
)
# 万/亿 in front of a unit multiply the number: 3.5万户 is 35000 户, 1.2亿元 is 120000000 元.
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
_AFTER_RE = re.compile(r"\s*(?:及|或)?(?P<w>以上|以下|以内|之内|左右)")

# Comparator words before the value, longest first: (kind, words). grow/drop become "…增长率"/"…下降率".
_CUES = (
    ("ge", "不低于 不少于 不小于 不得低于 不得少于 大于等于 高于 大于 多于 超过 突破 达到 提高到 提高至 "
           "提升到 提升至 增加到 增加至 增长到 增长至 增至 扩大到 稳定在 保持在 维持在 至少 力争 确保 实现 "
           "≥ >= \\geqslant \\geq"),
    ("le", "不高于 不超过 不大于 不多于 不得高于 不得超过 低于 小于 少于 控制在 降至 降到 降低到 降低至 "
           "下降到 下降至 减少到 减少至 压减到 压缩到 ≤ <= \\leqslant \\leq"),
    ("grow", "年均增长 增长 增加 递增 提高 提升"),
    ("drop", "下降 降低 减少 削减 压减"),
    ("eq", "保持 为"),
    ("ge", "达"),
)
_CUE_KIND = {word: kind for kind, words in _CUES for word in words.split()}
_CUE_RE = re.compile(
    "|".join(re.escape(w) + (r"(?!标)" if w == "达" else "") for w in sorted(_CUE_KIND, key=len, reverse=True))
)
_HAN_VERB = re.compile(r"(?:新增|培育|建成|建设|创建|培养|打造|引进|新建|完成|制定|修订|认定|获得|争创|开展|举办|"
                       r"推出|发布|形成|实施|建立|组建|设立)")
# Relative targets the extractor cannot quantify, at the end of a clause: proposed as qualitative targets.
_RELATIVE_RE = re.compile(
    r"(?P<phrase>(?:(?:明显|显著|继续|始终)?(?:高于|低于|优于|好于|不低于|不高于|达到或接近|达到或超过|达到|接近|位居|位于|"
    r"居于|走在|稳定在|保持在|保持|处于|进入|位列|跻身)\s*(?:全国同类城市|同类城市|全国|全省|全市|国内|国际|省内|中部地区|"
    r"中部城市)[^，。；、\d]{0,6}?(?:平均水平|前列|先进水平|领先水平|领先地位|领先|前[三五十]位?|第一方阵))"
    r"|完成(?:国家|省级|省|市|上级)?(?:下达|确定|分解)的?(?:目标任务|年度目标|目标|任务|指标)(?:任务)?)\s*$"
)
# A sentence that sets one target for several subjects (“食品和药品抽检合格率均达98%以上”) says 均/都
# before the comparator; the shared part of the name starts at one of these words.
_SHARED_RE = re.compile(r"(?<!年)(?:均|都|全部)$")
_SHARED_HEADS = ("抽检", "抽查", "监督", "质量", "安全", "合格", "覆盖", "满意", "达标", "普及", "处理", "检测", "检验",
                 "追溯", "认证", "评价", "服务", "标准", "利用", "收集", "处置", "使用", "执行", "强制")
_COUNT_UNITS = set("个项家件张所座条处套台辆部批次场名位人户种床")
_LOWER_IS_BETTER = re.compile(r"不合格|发现率|投诉率|事故|死亡率|噪声|浓度|排放|能耗|损失率|发生率|超标|差错|时长|等待")
_PAST_CLAUSE = re.compile(r"已|目前|现有|截至|截止|去年|上年|同比|较上年|现为")
_MONEY_POLICY = re.compile(r"奖励|奖补|补助|资助|补贴|奖金|一次性|给予")
_EXTERNAL = re.compile(r"提出的|规定的|下达的|《[^》]*》[^，；。]{0,6}$")

# --- document structure -----------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十"
_HEADING_LEVELS = (
    (1, re.compile(rf"^[{_CN_NUM}]+[、.．]")),
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (3, re.compile(r"^\d{1,2}\s*[.、．](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
    (5, re.compile(r"^(?:专栏|表)\s*[\d一二三四五六七八九十]*")),
)
_ACHIEVEMENT_HEADING = re.compile(r"十[二三]五|成效|成绩|回顾|发展基础|现状|经验|亮点|主要进展|取得")
_FIVE_YEAR = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
_YEAR_SCOPE_RE = re.compile(
    r"(?P<pre>到|至|在|于|力争|争取|确保|比|较|与|截至|截止|由|从|以)?\s*(?P<y>(?:19|20)\d{2})\s*年"
    r"(?P<post>底|末|前)?(?!\s*\d+\s*月)(?P<tail>\s*(?:基础|为基|基数|基期|水平|相比|以来))?"
)
_YEAR_CELL_RE = re.compile(r"^\s*(?P<y>(?:19|20)\d{2})\s*年?\s*(?P<rest>.*)$")
_BASELINE_WORDS = re.compile(r"基础|基期|基准|基数|现状|现值|基年")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "Ⅵ": 6}
_ROMAN_CELL_RE = re.compile(r"^\s*(?P<r>VI|IV|V|I{1,3}|[ⅠⅡⅢⅣⅤⅥ])\s*类\s*$")

_DOMAIN_KEYWORDS = (
    ("government_service", "政务 政府服务 营商环境 执法 普法 法律顾问 社会信用 行政审批 一网通办 财政"),
    ("talent", "人才 首席质量官 质量工程师 受权人 专业技术人员 职业资格 培训人"),
    ("brand_ip", "标杆 品牌 商标 专利 知识产权 地理标志 质量奖 老字号 名牌 示范城市 示范区 示范县"),
    ("quality_infrastructure", "质量基础设施 标准 计量 检验检测 检测 认证 认可 实验室 质检 技术委员会 测试中心 采标 建档"),
    ("environment", "环境 空气 噪声 污水 污泥 垃圾 颗粒物 PM 排放 水质 绿化 绿地 海绵城市 生态 能耗 化学需氧量 "
                    "氨氮 优良天 水源 节能减排"),
    ("engineering", "工程 建筑 验收 施工 装配式 住宅 房屋 市政 管网 管道 供热 燃气 公路 水利 保障房"),
    ("product", "农业 产品 食品 药品 农产品 抽检 抽查 化妆品 医疗器械 工业品 合格率 制造业"),
    ("service", "服务 满意度 旅游 景区 物流 养老 教育 学位 医生 体育 图书馆 文化 金融 入园 健身 足球"),
    ("economy", "主导产业 新兴产业 产业集群 产业园 增加值 投资 高新技术企业 比重 产值 营业收入 交易额 农田 示范园 "
                "平台 市场主体"),
)
_DOMAIN_RE = [(d, re.compile("|".join(words.split()))) for d, words in _DOMAIN_KEYWORDS]
_HEADING_DOMAINS = (
    ("engineering", "工程质量"), ("product", "产品质量"), ("service", "服务质量"), ("environment", "环境质量"),
    ("environment", "生态"), ("brand_ip", "品牌"), ("brand_ip", "知识产权"), ("quality_infrastructure", "质量基础"),
    ("quality_infrastructure", "标准"), ("talent", "人才"), ("government_service", "政务"), ("economy", "产业"),
)

# Connective words and numbering that start a clause but are not part of the measured quantity.
_LEAD_TRIM = re.compile(
    r"^(?:\d{1,2}\s*[.、．)）](?!\d)|[（(]\d{1,2}[）)]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|"
    r"[①-⑳]|到\d{4}年[底末]?|力争在?|争取|确保|全市|全区|全省|全县|全国|其中|同时|并且|并|且|使|"
    r"努力|基本|进一步|要|的|在?\d{4}年[底末]?|\d+年内|[一二三四五六七八九十]+年内|[十][二三四五]五(?:期间|末)?|期间|在|和|及|与|、|\s)+"
)
_TAIL_TRIM = re.compile(r"(?:年均|每年|达到|达|为|在|稳定|保持|的|总体|均|分别|要|将|逐步|力争|争取|实现|进一步|不断|\s)+$")
_NEEDS_OBJECT = re.compile(r"(?:建成|建设|新增|培育|创建|培养|打造|引进|新建|完成|形成|建立|获得|争创|创|轮训|"
                           r"发展|扶持|认定|培育形成|新培育|参与|举办|组织)$")


@dataclass(frozen=True)
class ProposedTarget:
    """One quantified target proposed to the officer; start/end locate quote in the uploaded text."""

    name: str
    comparator: str
    value: int | float | None
    low: int | float | None
    high: int | float | None
    unit: str
    year: int | None
    domain: str
    quote: str
    start: int
    end: int
    kind: str = QUANTITATIVE
    qualitative: str = ""  # for a qualitative target, the relative wording (低于全国平均水平)

    def as_dict(self) -> dict:
        """The JSON shape of a catalogue target (FORMAT.md), without the offsets; a qualitative proposal
        adds `kind` ("qualitative") and `qualitative` (the wording), and has no numbers."""
        shape = {
            "name": self.name, "comparator": self.comparator, "value": self.value, "low": self.low,
            "high": self.high, "unit": self.unit, "year": self.year, "domain": self.domain, "quote": self.quote,
        }
        if self.kind == QUALITATIVE:
            shape.update(kind=self.kind, qualitative=self.qualitative)
        return shape


@dataclass
class _Candidate:
    target: ProposedTarget
    kind: str  # "year_table", "table" or "prose": which wins when the same target is stated twice
    group: int | None = None  # rows of one table never duplicate each other
    in_box: bool = False


@dataclass
class _Context:
    text: str  # normalised
    original: str
    default_year: int | None
    doc_year: int | None
    headings: dict[int, str] = field(default_factory=dict)
    achievement: dict[int, bool] = field(default_factory=dict)

    @property
    def in_past(self) -> bool:
        return any(self.achievement.values())

    @property
    def in_box(self) -> bool:
        return 5 in self.headings and "专栏" in self.headings[5]

    def enter_heading(self, level: int, title: str) -> None:
        for lvl in [lvl for lvl in self.headings if lvl >= level]:
            del self.headings[lvl]
            self.achievement.pop(lvl, None)
        self.headings[level] = title
        self.achievement[level] = bool(_ACHIEVEMENT_HEADING.search(title)) and level < 5


# --- public API -------------------------------------------------------------------------------------


def guess_plan_end_year(text: str) -> int | None:
    """The year a plan runs to, used for targets that give none: “到2025年” and “十四五” vote, and so do
    period ranges (2021—2025年) outside book titles, which name other documents' periods."""
    text = _normalise(text)
    outside_titles = re.sub(r"《[^》]*》", lambda m: " " * len(m[0]), text)
    votes: Counter[int] = Counter()
    for m in re.finditer(r"(?:到|力争|争取|至)\s*((?:19|20)\d{2})\s*年(?!\s*\d+\s*月)", outside_titles):
        votes[int(m[1])] += 2
    for m in re.finditer(r"((?:19|20)\d{2})\s*[—\-–~至]\s*((?:19|20)\d{2})\s*年?", outside_titles):
        votes[int(m[2])] += 1
    for term, year in _FIVE_YEAR.items():
        count = outside_titles.count(term)
        if count and not _is_past_term(outside_titles, term):
            votes[year] += count
    if not votes:
        return None
    best = max(votes.values())
    return max(year for year, count in votes.items() if count == best)


def extract_targets(text: str, *, default_year: int | None = None) -> list[ProposedTarget]:
    """Propose every quantified target in a plan's text, in text order, each with its exact quote."""
    norm = _normalise(text)
    ctx = _Context(
        text=norm, original=text, default_year=default_year or guess_plan_end_year(text), doc_year=_doc_year(norm)
    )
    candidates: list[_Candidate] = []
    block_start: int | None = None
    block_end = 0
    table: dict | None = None
    table_id = 0

    def flush() -> None:
        nonlocal block_start
        if block_start is not None:
            candidates.extend(_prose(ctx, block_start, block_end))
            block_start = None

    offset = 0
    for line in norm.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        stripped = line.strip()
        end = start + len(line.rstrip("\r\n"))
        cells = line.rstrip("\r\n").split("\t")
        if "\t" in line and sum(1 for c in cells if c.strip()) >= 2:
            flush()
            header = _year_header(cells)
            if header or table is None:  # a year header starts a new table even right after another
                table_id += 1
                table = {"id": table_id, "header": header, "width": len(cells)}
            if not ctx.in_past:
                candidates.extend(_table_row(ctx, table, cells, start, end))
            continue
        if not stripped:
            continue
        table = None
        level = _heading_level(stripped)
        if level is not None:
            flush()
            ctx.enter_heading(level, stripped.lstrip("#").strip())
            candidates.extend(_prose(ctx, start, end))
            continue
        if block_start is None:
            block_start = start
        block_end = end
        if stripped[-1] in "。！？!?":
            flush()
    flush()
    return [c.target for c in _dedupe(candidates)]


# --- structure helpers ------------------------------------------------------------------------------


def _doc_year(text: str) -> int | None:
    """The year the plan was issued (from its document number), to tell baselines from targets."""
    m = re.search(r"[〔\[【]\s*((?:19|20)\d{2})\s*[〕\]】]", text[:2000])
    return int(m[1]) if m else None


def _is_past_term(text: str, term: str) -> bool:
    later = [t for t, y in _FIVE_YEAR.items() if y > _FIVE_YEAR[term] and t in text]
    return bool(later)


def _heading_level(line: str) -> int | None:
    markdown = line.startswith("#")
    title = line.lstrip("#").strip()
    if not title:
        return None
    short = len(title) <= 40 and not re.search(r"[。！？；]", title[:-1]) and title[-1] not in "，；"
    for level, pattern in _HEADING_LEVELS:
        if pattern.match(title):
            if level == 5:
                return 5 if len(title) <= 40 else None
            if markdown or (short and title[-1] not in "。"):
                return level
            return None
    if markdown and len(title) <= 60:
        return 5
    if short and len(title) <= 25 and title[-1] not in "。！？" and "\t" not in line:
        return 5
    return None


def _year_header(cells: list[str]) -> list[tuple[int, int, bool]] | None:
    columns = []
    for i, cell in enumerate(cells):
        m = _YEAR_CELL_RE.match(cell)
        if m and len(m["rest"]) <= 8:
            columns.append((i, int(m["y"]), bool(_BASELINE_WORDS.search(m["rest"]))))
    return columns if len(columns) >= 2 else None


# --- prose ------------------------------------------------------------------------------------------


def _prose(ctx: _Context, start: int, end: int) -> list[_Candidate]:
    if ctx.in_past:
        return []
    out = []
    for s_start, s_end in _split(ctx.text, start, end, "。！？!?"):
        sentence = ctx.text[s_start:s_end]
        if _sentence_is_past(ctx, sentence):
            continue
        scopes = _year_scopes(sentence, s_start)
        for target in _clauses(ctx, s_start, s_end, scopes):
            out.append(_Candidate(target, "prose", in_box=ctx.in_box))
    return out


def _split(text: str, start: int, end: int, marks: str) -> list[tuple[int, int]]:
    pieces, piece_start = [], start
    for i in range(start, end):
        ch = text[i]
        if ch in marks or (ch == "," and not text[i + 1 : i + 4].isdigit()):
            pieces.append((piece_start, i))
            piece_start = i + 1
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def _sentence_is_past(ctx: _Context, sentence: str) -> bool:
    if re.search(r"截至|截止", sentence):
        return True
    return any(
        term in sentence and ctx.default_year and year < ctx.default_year for term, year in _FIVE_YEAR.items()
    )


def _year_scopes(sentence: str, base: int) -> list[tuple[int, int, int]]:
    """(position, year, end of the year mention) for each year that scopes the values after it;
    a year used as a baseline (“在2010年基础上”, “比2020年”) scopes nothing."""
    scopes = []
    for m in _YEAR_SCOPE_RE.finditer(sentence):
        if m["tail"] or (m["pre"] in ("比", "较", "与", "截至", "截止", "由", "从", "以")):
            continue
        if sentence[m.end() : m.end() + 1] in "—-~":
            continue
        scopes.append((base + m.start(), int(m["y"]), base + m.end()))
    return scopes


def _clauses(ctx: _Context, s_start: int, s_end: int, scopes, fallback_name: str = "") -> list[ProposedTarget]:
    out: list[ProposedTarget] = []
    previous_clause = ""
    for c_start, c_end in _split(ctx.text, s_start, s_end, "，；;：:"):
        clause = ctx.text[c_start:c_end]
        found = [] if _PAST_CLAUSE.search(clause) else _values(ctx, c_start, c_end, fallback_name, previous_clause)
        for value in found:
            year = ctx.default_year
            for pos, scope_year, scope_end in scopes:
                if pos <= value["start"]:
                    year = scope_year
                    if scope_end >= value["start"] - 1 and ctx.doc_year and scope_year < ctx.doc_year:
                        year = None  # “2013 年 108 微克/立方米”: a baseline, not a target
            if year is None:
                continue
            target = _make_target(ctx, value, year)
            if not target.name and out:  # “2022年达到97.5%；到2025年，达到98.5%”: same quantity
                target = replace(target, name=out[-1].name, domain=out[-1].domain)
            shared = value["shared"] and not value["respectively"]
            out.extend(_split_shared(ctx, target) if shared else [target])
        if not found:
            qualitative = None if _PAST_CLAUSE.search(clause) else _qualitative(
                ctx, c_start, c_end, scopes, fallback_name)
            if qualitative:
                out.append(qualitative)
            previous_clause = clause
    return out


def _split_shared(ctx: _Context, target: ProposedTarget) -> list[ProposedTarget]:
    """“食品和药品抽检合格率均达98%以上” sets two targets: 食品抽检合格率 and 药品抽检合格率, each ≥ 98.
    The last subject carries the shared part of the name, from the first of _SHARED_HEADS on
    (or after as many characters as the first subject has)."""
    parts = re.split(r"和|与|及|、", re.sub(r"(?:都|全部)$", "", target.name))  # 均 is trimmed already
    if len(parts) < 2 or not all(parts) or any(len(p) > 8 for p in parts[:-1]):
        return [target]
    last = parts[-1]
    heads = [i for i in range(1, len(last) - 1) if last.startswith(_SHARED_HEADS, i)]
    cut = heads[0] if heads else min(len(parts[0]), len(last) - 2)
    shared_part = last[cut:]
    if cut < 1 or len(shared_part) < 2:
        return [target]
    names = [part + shared_part for part in parts[:-1]] + [last]
    headings = list(ctx.headings.values())
    return [replace(target, name=name, domain=classify_domain(name, headings)) for name in names]


def _qualitative(ctx: _Context, c_start: int, c_end: int, scopes, fallback_name: str) -> ProposedTarget | None:
    """A clause ending in a relative target (质量损失率低于全国平均水平, 完成省下达目标) is proposed as a
    qualitative target: the reviewer accepts it as a qualitative indicator or drops it."""
    clause = ctx.text[c_start:c_end].rstrip()
    m = _RELATIVE_RE.search(clause)
    if not m:
        return None
    name = _clean_name(clause[: m.start()]) or _clean_name(fallback_name)
    if not 2 <= len(name) <= 30:
        return None
    year = ctx.default_year
    for pos, scope_year, _end in scopes:
        if pos <= c_start + m.start():
            year = scope_year
    phrase = re.sub(r"\s+", "", m["phrase"])
    comparator = "<=" if phrase.startswith(("低于", "不高于", "明显低于", "显著低于")) else ">="
    start, end = _trim_span(ctx.text, c_start, c_start + len(clause))
    return ProposedTarget(
        name=name, comparator=comparator, value=None, low=None, high=None, unit="", year=year,
        domain=classify_domain(name, list(ctx.headings.values())), quote=ctx.original[start:end], start=start,
        end=end, kind=QUALITATIVE, qualitative=phrase,
    )


def _values(ctx: _Context, c_start: int, c_end: int, fallback_name: str, previous_clause: str,
            *, bare_ok: bool = False) -> list[dict]:
    """Every target value in one clause, with the comparator and the name read around it."""
    text = ctx.text
    clause = text[c_start:c_end]
    results: list[dict] = []
    region_start = 0
    matches = [m for m in _VALUE_RE.finditer(clause) if m["a"][0] not in _HAN_DIGITS or _read_value(clause, m)]
    for index, m in enumerate(matches):
        value = _read_value(clause, m)
        if value is None:
            continue
        after = _AFTER_RE.match(clause, m.end())
        after_word = after["w"] if after else ""
        v_end = after.end() if after else m.end()
        cue = None
        for cm in _CUE_RE.finditer(clause, region_start, m.start()):
            cue = cm
        gap = clause[cue.end() : m.start()] if cue else ""
        if cue and len(re.sub(r"\s|\$", "", gap)) > 8:
            cue = None
        close_cue = cue is not None and len(re.sub(r"\s|\$", "", gap)) <= 2
        if cue and not close_cue and _CUE_KIND[cue[0]] in ("grow", "drop", "eq"):
            cue = None  # “完善提升高标准农田 10 万亩”: 提升 is part of the name, not a growth rate
            gap = ""
        cue_kind = _CUE_KIND[cue[0]] if cue else None
        if not _is_target(clause, m, value, close_cue or bool(after_word) or bare_ok, cue_kind):
            continue
        if _EXTERNAL.search(clause[region_start : m.start()]):
            continue
        if m["a"][0] in _HAN_DIGITS and not (close_cue or after_word or _HAN_VERB.search(clause, 0, m.start())):
            continue  # “三张网”, “办公厅九处”: a Chinese numeral needs a cue or an action verb before it
        if m["a"][0] in _HAN_DIGITS and clause[: m.start()].rstrip()[-1:] in ("等", "、"):
            continue  # “产品质量、工程质量等四个方面” counts a list, it sets no target
        following = next(
            (n.start() for n in matches[index + 1 :] if not (n.start() and clause[n.start() - 1].isascii()
                                                            and clause[n.start() - 1].isalpha())),
            len(clause),
        )
        name_part = clause[region_start : cue.start() if cue else m.start()]
        if results and "、" in name_part:
            name_part = name_part[name_part.rindex("、") + 1 :]  # “培养 2000 名X、100 名Y”
        obj = clause[v_end:following]
        results.append({
            "value": value, "cue": cue[0] if cue else "", "cue_kind": cue_kind, "after": after_word,
            "name_part": name_part, "object": obj, "gap": gap, "fallback": fallback_name, "previous": previous_clause,
            "start": c_start + m.start(), "quote_start": c_start, "quote_end": c_start + v_end,
            "clause": clause, "respectively": "分别" in clause[region_start : m.start()],
            "shared": bool(_SHARED_RE.search(re.sub(r"[\s$]", "", name_part))),
        })
        region_start = v_end
    _share_respectively(results)
    return results


def _read_value(clause: str, m: re.Match) -> dict | None:
    unit_a = _unit(m, "ua")
    unit_b = _unit(m, "ub") if m["b"] is not None else ""
    if not _han_number_ok(m["a"], unit_a or unit_b) or not _han_number_ok(m["b"], unit_b or unit_a):
        return None
    a = _number(m["a"])
    if m["b"] is not None:
        b = _number(m["b"])
        if unit_a and unit_b and unit_a != unit_b or a >= b or (unit_b == "年" and a >= 1900):
            return {"low": None, "high": None, "value": a, "unit": unit_a, "end": m.end("a")}
        return {"low": a, "high": b, "value": None, "unit": unit_b or unit_a}
    return {"low": None, "high": None, "value": a, "unit": unit_a}


def _is_target(clause: str, m: re.Match, value: dict, cued: bool, cue_kind: str | None) -> bool:
    start = m.start()
    before = clause[start - 1] if start else ""
    unit = value["unit"]
    number_end = value.get("end") or m.end("a")
    after_number = clause[number_end : number_end + 1]
    if before and (before.isascii() and (before.isalnum() or before in "._/#*·×-") or before in "第前×·"):
        return False
    if not unit and after_number[:1].isascii() and after_number[:1].isalpha():
        return False
    if re.match(r"\s*[大号月日时点年]", clause[number_end:]) and not unit:
        return False
    if unit == "年" and (not cued or cue_kind is None or (value["value"] or value["high"] or 0) >= 200):
        return False
    if unit in ("年", "") and any(v and v >= 1900 and float(v).is_integer() for v in (value["value"], value["high"])):
        return False
    if not unit and not cued:
        return False
    if unit in ("元", "万元", "亿元") and _MONEY_POLICY.search(clause):
        return False
    if _inside_quotes(clause, start):
        return False
    tail = clause[m.end() :]
    if re.match(r"\s*(?:提高|提升|增加|增长|下降|降低|减少)\s*(?:到|至)|\s*的?基础上", tail):
        return False  # “由80%提高到90%”: 80% is the baseline
    return True


def _inside_quotes(clause: str, pos: int) -> bool:
    for opening, closing in (("《", "》"), ("“", "”"), ("\"", "\""), ("〔", "〕"), ("[", "]")):
        left = clause.rfind(opening, 0, pos)
        if left == -1:
            continue
        if opening == closing:
            if clause.count(opening, 0, pos) % 2 == 1:
                return True
            continue
        if clause.rfind(closing, left, pos) == -1 and clause.find(closing, pos) != -1:
            return True
    return False


def _share_respectively(results: list[dict]) -> None:
    """“覆盖率和回收利用率分别达到 95%、35%”: names split on 和/、, the last unit and 以上 apply to all."""
    group = [r for r in results if r["respectively"]]
    if not group:
        return
    first = group[0]
    followers = [r for r in results[results.index(first) + 1 :] if not re.sub(r"[、和及与\s]", "", r["name_part"])]
    members = [first, *followers]
    names = [n for n in re.split(r"和|与|及|、", first["name_part"].split("分别")[0]) if n.strip()]
    unit = next((r["value"]["unit"] for r in reversed(members) if r["value"]["unit"]), "")
    after = next((r["after"] for r in reversed(members) if r["after"]), "")
    for i, r in enumerate(members):
        r["value"]["unit"] = r["value"]["unit"] or unit
        r["after"] = r["after"] or after
        r["cue"], r["cue_kind"] = first["cue"], first["cue_kind"]
        if len(names) == len(members):
            prefix = _common_prefix_hint(names[0], names[i]) if i else ""
            r["name_part"] = prefix + names[i]
            r["object"] = ""
        r["quote_start"], r["quote_end"] = first["quote_start"], max(m["quote_end"] for m in members)


def _common_prefix_hint(first: str, other: str) -> str:
    """“生活垃圾分类覆盖率和回收利用率”: the second name borrows the first name's subject (生活垃圾)."""
    first = _LEAD_TRIM.sub("", first.strip())
    for size in (4, 3, 2):
        subject = first[:size]
        if len(first) - size >= 3 and subject and not other.startswith(subject) and len(other) <= 6:
            return subject
    return ""


def _make_target(ctx: _Context, found: dict, year: int) -> ProposedTarget:
    value = found["value"]
    unit = value["unit"]
    name = _clean_name(found["name_part"])
    obj = _clean_object(found["object"])
    if not name and found.get("gap"):
        name = _clean_name(found["gap"])  # “力争参与 3—5 项国际标准制定工作”: the verb after the cue
    if not name and not obj and found["fallback"]:
        name = _clean_name(found["fallback"])
    elif len(name) <= 3 or _NEEDS_OBJECT.search(name) or not name:
        name = name + obj if obj else name
    if len(name) <= 3 and found["previous"]:
        name = _clean_name(found["previous"]) + name
    comparator = _comparator(found, name, value)
    if found["cue_kind"] in ("grow", "drop") and comparator != "<=":
        cue = found["cue"].replace("年均", "")
        name = name + cue + ("幅度" if "百分点" in unit else "率") if not name.endswith("率") else name
    quote_start, quote_end = _trim_span(ctx.text, found["quote_start"], found["quote_end"])
    return _target(ctx, name, comparator, value, unit, year, quote_start, quote_end)


def _target(ctx, name, comparator, value, unit, year, start, end) -> ProposedTarget:
    domain = classify_domain(name, list(ctx.headings.values()))
    number, _unit_left = split_multiplier(_tidy(value["value"]), unit)
    low, _unit_left = split_multiplier(_tidy(value["low"]), unit)
    high, unit = split_multiplier(_tidy(value["high"]), unit)
    return ProposedTarget(
        name=name, comparator=comparator, value=number, low=low, high=high, unit=unit, year=year, domain=domain,
        quote=ctx.original[start:end], start=start, end=end,
    )


def _comparator(found: dict, name: str, value: dict) -> str:
    if value["value"] is None:
        return "range"
    after, kind = found["after"], found["cue_kind"]
    if after in ("以下", "以内", "之内"):
        return "<="
    if after == "左右":
        return "=="
    if kind == "le":
        return "<="
    if kind == "eq" and not after:
        return "==" if value["unit"] in _COUNT_UNITS else ">="
    if kind in ("ge", "grow", "drop", "eq") or after == "以上":
        return ">="
    return "<=" if _LOWER_IS_BETTER.search(name) else ">="


def _clean_name(text: str) -> str:
    text = re.sub(r"\s+|\$", "", text)
    text = re.sub(r"(?:在|比|较|与|到|至|于)?\d{4}年(?:的)?(?:基础上|相比|水平上)?", "", text)
    text = re.sub(r"(?:由|从)[\d.]+.*$", "", text)  # “由92%提高到95%”: the baseline is not the name
    text = _LEAD_TRIM.sub("", text)
    text = _TAIL_TRIM.sub("", text)
    text = text.strip("“”\"'《》·:：,，、")
    if text.count("“") > text.count("”"):
        text += "”"
    return text


def _clean_object(text: str) -> str:
    text = re.sub(r"\s+|\$", "", text)
    text = re.sub(r"^(?:的|以上|以下|及以上|（[^）]*）|\([^)]*\))+", "", text)
    return text[:20].strip("、，。；")


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n$":
        start += 1
    numbering = re.match(r"\d{1,2}\s*[.、．](?!\d)\s*|[（(]\d{1,2}[）)]\s*", text[start:end])
    if numbering and start + numbering.end() < end:
        start += numbering.end()
    if text[end - 1 : end] == "$" or text[end : end + 1] == "$":
        end = end + 1 if text[end : end + 1] == "$" else end
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return start, end


def _number(raw: str) -> float:
    if raw[0] in _HAN_DIGITS:
        return float(cn2an.cn2an(raw, "normal"))  # normal, not strict: strict refuses 两
    return float(re.sub(r"[,\s]", "", raw))


def _han_number_ok(raw: str | None, unit: str) -> bool:
    """A Chinese numeral is a value only before a unit, and not in idioms: 一批/一流/进一步 (a lone 一),
    千家万户/百强 (no leading digit before 百/千); 十四五 is no number cn2an accepts.

    cn2an (maintained, MIT, pure Python) reads the numeral itself; these rules only decide whether a
    numeral in running text is a target value at all."""
    if raw is None or raw[0] not in _HAN_DIGITS:
        return True
    if not unit or raw[0] in "百千零〇" or (raw == "一" and unit[0] not in MULTIPLIERS):
        return False
    if len(raw) > 1 and not re.search("[十百千]", raw):
        return False  # 三四个 is “three or four”, not 34
    try:
        cn2an.cn2an(raw, "normal")
    except (ValueError, KeyError, IndexError):
        return False
    return True


def split_multiplier(number, unit: str):
    """(number × 10^4, "户") for (number, "万户"): the unit is kept without 万/亿. Exact for decimals
    (1.2亿 is 120000000, not 120000000.00000001); None stays None."""
    if not unit or unit[0] not in MULTIPLIERS:
        return number, unit
    if number is None:
        return None, unit[1:]
    scaled = Decimal(str(number)) * MULTIPLIERS[unit[0]]
    return (int(scaled) if scaled == scaled.to_integral_value() else float(scaled)), unit[1:]


def _unit(m: re.Match, group: str) -> str:
    unit = m[group + "tex"] or m[group + "plain"] or ""
    return "%" if unit == "\\%" else unit.strip()


def _tidy(number: float | None) -> int | float | None:
    if number is None:
        return None
    return int(number) if float(number).is_integer() else number


# --- tables -----------------------------------------------------------------------------------------


def _table_row(ctx: _Context, table: dict, cells: list[str], start: int, end: int) -> list[_Candidate]:
    line = ctx.text[start:end]
    q_start, q_end = _trim_span(ctx.text, start, end)
    header = table.get("header")
    if header and not _year_header(cells):
        return [_Candidate(t, "year_table", table["id"], True) for t in _year_row(ctx, table, cells, start, (q_start, q_end))]
    out = []
    position = start
    previous_label = ""
    for cell in cells:
        c_start = line.find(cell, position - start) + start if cell else position
        c_end = c_start + len(cell)
        position = c_end
        if not cell.strip() or re.fullmatch(r"\s*\d{1,3}\s*[.、]?\s*", cell):
            continue
        scopes = _year_scopes(cell, c_start)
        targets = []
        for s_start, s_end in _split(ctx.text, c_start, c_end, "。！？!?"):
            targets.extend(_clauses(ctx, s_start, s_end, scopes, fallback_name=previous_label))
        for t in targets:
            if previous_label and t.name == _clean_name(previous_label):  # named by the row, not the cell
                t = replace(t, quote=ctx.original[q_start:q_end], start=q_start, end=q_end)
            out.append(_Candidate(t, "table", table["id"], True))
        if not targets:
            previous_label = cell
    return out


def _year_row(ctx: _Context, table: dict, cells: list[str], row_start: int, span: tuple[int, int]):
    """One target per year column; a column whose header says 基础/基期/现状 holds the baseline."""
    header = table["header"]
    first_year_col = header[0][0]
    label_cells = [c for c in cells[:first_year_col] if c.strip()]
    if not label_cells:
        return []
    raw_name = label_cells[-1]
    unit_hint = ""
    m = re.search(r"\s*[（(]\s*([^（()）]{1,6}?)\s*[）)]\s*$", raw_name)
    if m:
        unit_hint = "%" if m[1] in ("%", "％") else m[1]
        raw_name = raw_name[: m.start()]
    name = re.sub(r"\s+", "", raw_name)
    unit_hint = unit_hint or _unit_from_name(name)
    offsets, at = [], row_start
    for cell in cells:
        offsets.append(at)
        at += len(cell) + 1
    cells_at = list(zip(cells, offsets, strict=True))
    values = cells_at[first_year_col:]
    attribute_cells = [i for i, (c, _) in enumerate(values) if re.search(r"约束性|预期性", c)]
    if len(cells) < table["width"] and attribute_cells:
        # a merged cell: the row is short by the merged span; its last value cell covers the missing years
        values = values[: attribute_cells[0]]
        if values and len(header) > len(values):
            values = values + [values[-1]] * (len(header) - len(values))
    else:
        values = [cells_at[col] if col < len(cells) else ("", 0) for col, _, _ in header]
    out = []
    for (_col, year, is_base), (cell, offset) in zip(header, values, strict=False):
        if is_base or not cell.strip():
            continue
        for label, value, comparator, unit in _year_cell(ctx, cell, offset, name, unit_hint):
            full_name = f"{name}（{label}）" if label else name
            out.append(_target(ctx, full_name, comparator, value, unit, year, *span))
    return out


def _unit_from_name(name: str) -> str:
    """A count column without a unit: “…天数” counts 天, “…企业数” counts 家."""
    for suffix, unit in (("天数", "天"), ("企业数", "家"), ("企业数量", "家"), ("人数", "人")):
        if name.endswith(suffix):
            return unit
    return ""


def _year_cell(ctx: _Context, cell: str, offset: int, name: str, unit_hint: str):
    roman = _ROMAN_CELL_RE.match(cell)
    if roman:  # water quality class: a lower class is cleaner water
        yield "", {"value": float(_ROMAN[roman["r"]]), "low": None, "high": None}, "<=", "类"
        return
    labelled = re.findall(rf"([^\d:：\s]+)\s*[:：]\s*({_NUM})\s*(%?)", cell)
    if len(labelled) >= 2:
        for label, number, percent in labelled:
            yield label, {"value": _number(number), "low": None, "high": None}, ">=", percent or unit_hint
        return
    bare = re.fullmatch(rf"\s*(?P<sign>≥|≤|>=|<=|>|<)?\s*(?P<n>{_NUM})\s*(?P<u>%)?\s*", cell)
    if bare:
        sign = bare["sign"] or ""
        comparator = "<=" if "≤" in sign or "<" in sign else ">="
        if not sign and _LOWER_IS_BETTER.search(name):
            comparator = "<="
        yield "", {"value": _number(bare["n"]), "low": None, "high": None}, comparator, bare["u"] or unit_hint
        return
    found = _values(ctx, offset, offset + len(cell), name, "", bare_ok=True)
    for f in found:
        comparator = _comparator(f, name, f["value"])
        yield "", f["value"], comparator, f["value"]["unit"] or unit_hint


# --- domain and duplicates --------------------------------------------------------------------------


def classify_domain(name: str, headings: list[str] | None = None) -> str:
    """The FORMAT.md domain of a target: the earliest keyword in its name decides (the subject comes
    first in Chinese: “建筑节能标准执行率” is engineering); failing that, the nearest heading."""
    best: tuple[int, str] | None = None
    for domain, pattern in _DOMAIN_RE:
        m = pattern.search(name)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), domain)
    if best:
        return best[1]
    for heading in reversed(headings or []):
        for domain, word in _HEADING_DOMAINS:
            if word in heading:
                return domain
    return "economy"


def _bigrams(name: str) -> set[str]:
    name = re.sub(r"[\s（）()、“”]", "", name)
    return {name[i : i + 2] for i in range(len(name) - 1)} or {name}


def _similar(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def _longest_common(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    """A plan often repeats a column's target in a sentence; the catalogue keeps it once, with the
    column's quote, so prefer year tables, then other tables and boxes (专栏), then prose."""
    rank = {"year_table": 0, "table": 1, "prose": 2}
    order = sorted(range(len(candidates)), key=lambda i: (rank[candidates[i].kind], not candidates[i].in_box, i))
    kept: list[_Candidate] = []
    for i in order:
        c = candidates[i]
        twin = next((k for k in kept if _duplicate(c, k)), None)
        if twin is None:
            kept.append(c)
        elif twin.kind == "year_table" and not twin.target.unit and c.target.unit:
            # the column gives bare numbers; the sentence stating the same figure gives the unit
            for k in kept:
                if k.group == twin.group and k.target.start == twin.target.start and not k.target.unit:
                    k.target = replace(k.target, unit=c.target.unit)
    return sorted(kept, key=lambda c: (c.target.start, c.target.end))


_PLACE = re.compile(r"^(?:全市|全区|全省|全县|建成区|市区|城区|城市|县城|全国)")


def _duplicate(c: _Candidate, k: _Candidate) -> bool:
    a, b = c.target, k.target
    if (a.comparator, a.value, a.low, a.high, a.year) != (b.comparator, b.value, b.low, b.high, b.year):
        return False
    if c.group is not None and c.group == k.group:
        return False
    if c.kind == k.kind == "prose" and (a.start, a.end) == (b.start, b.end) and a.name != b.name:
        return False  # one statement split into several targets (均, 分别)
    if a.start == b.start and a.end == b.end:
        return True
    if a.unit != b.unit and not (k.kind == "year_table" and not b.unit):
        return False
    if _similar(a.name, b.name) >= 0.7:
        return True
    common = _longest_common(_PLACE.sub("", a.name), _PLACE.sub("", b.name))
    if k.kind == "year_table" and c.kind != "year_table" and common >= 3:
        return True
    # a specific count (400 名, 2000 名) stated in a box or table and again in prose is one target
    boxed = k.in_box or k.kind != "prose"
    return boxed and c.kind == "prose" and not c.in_box and (a.value or 0) >= 10 and a.unit != "%" and common >= 2
