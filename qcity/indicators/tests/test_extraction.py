"""The plan-import extractor on phrasings from other cities' and provinces' plans (written for these
tests), so the rules stay general rather than fitted to the three built-in Zhengzhou texts."""

import pytest

from qcity.indicators.extraction import (
    QUALITATIVE,
    QUANTITATIVE,
    ProposedTarget,
    classify_domain,
    extract_targets,
    guess_plan_end_year,
    split_multiplier,
)


def only(text: str, default_year: int = 2025) -> ProposedTarget:
    targets = extract_targets(text, default_year=default_year)
    assert len(targets) == 1, [t.as_dict() for t in targets]
    return targets[0]


def numbers(t: ProposedTarget) -> tuple:
    return (t.comparator, t.value, t.low, t.high, t.unit, t.year)


# --- comparators ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        ("全市制造业产品质量合格率达到94%以上。", "制造业产品质量合格率", (">=", 94, None, None, "%", 2025)),
        ("规模以上企业研发投入强度不低于2.5%。", "规模以上企业研发投入强度", (">=", 2.5, None, None, "%", 2025)),
        ("新增省级以上“专精特新”企业不少于200家。", "新增省级以上“专精特新”企业", (">=", 200, None, None, "家", 2025)),
        ("全省高新技术企业数量超过1.5万家。", "高新技术企业数量", (">=", 15000, None, None, "家", 2025)),
        ("每万人口高价值发明专利拥有量达12件。", "每万人口高价值发明专利拥有量", (">=", 12, None, None, "件", 2025)),
        ("力争培育中国质量奖获奖企业1家。", "培育中国质量奖获奖企业", (">=", 1, None, None, "家", 2025)),
        ("食品评价性抽检合格率稳定在98.5%以上。", "食品评价性抽检合格率", (">=", 98.5, None, None, "%", 2025)),
        ("计量器具强制检定率保持在100%。", "计量器具强制检定率", (">=", 100, None, None, "%", 2025)),
        ("城市生活垃圾回收利用率提高到38%。", "城市生活垃圾回收利用率", (">=", 38, None, None, "%", 2025)),
        ("企业标准自我声明公开数量≥3000项。", "企业标准自我声明公开数量", (">=", 3000, None, None, "项", 2025)),
        ("建设工程质量投诉率不高于1%。", "建设工程质量投诉率", ("<=", 1, None, None, "%", 2025)),
        ("重点产品质量安全事故发生率不超过0.3%。", "重点产品质量安全事故发生率", ("<=", 0.3, None, None, "%", 2025)),
        ("产品质量监督抽查不合格发现率控制在5%以内。", "产品质量监督抽查不合格发现率", ("<=", 5, None, None, "%", 2025)),
        ("PM2.5年均浓度降至35微克/立方米以下。", "PM2.5年均浓度", ("<=", 35, None, None, "微克/立方米", 2025)),
        ("工程质量事故死亡率低于0.5%。", "工程质量事故死亡率", ("<=", 0.5, None, None, "%", 2025)),
        ("城市区域环境噪声≤55分贝。", "城市区域环境噪声", ("<=", 55, None, None, "分贝", 2025)),
        ("生活性服务业顾客满意度达到 78 以上。", "生活性服务业顾客满意度", (">=", 78, None, None, "", 2025)),
    ],
)
def test_comparator_words_give_the_comparator_value_and_unit(sentence, name, expected):
    # given a target sentence in another city's wording / when extracting / then one target, read exactly
    target = only(sentence)
    assert numbers(target) == expected
    assert target.name == name


def test_plain_rate_without_comparator_word_is_at_least():
    target = only("大型工程项目一次验收合格率100%，")
    assert numbers(target) == (">=", 100, None, None, "%", 2025)


def test_plain_concentration_without_comparator_word_is_at_most():
    target = only("细颗粒物（PM2.5）年均浓度，2027 年 30 微克/立方米。", default_year=2027)
    assert numbers(target) == ("<=", 30, None, None, "微克/立方米", 2027)


def test_latex_signs_from_a_pdf_conversion_are_read():
    target = only("交通干线噪声 $\\leqslant 68\\text{dB(A)}$ ，")
    assert numbers(target) == ("<=", 68, None, None, "dB(A)", 2025)
    assert target.quote == "交通干线噪声 $\\leqslant 68\\text{dB(A)}$"


# --- growth, reduction and baselines ------------------------------------------------------------------


def test_reduction_is_named_as_a_rate_and_is_at_least():
    target = only("单位地区生产总值能耗下降13.5%以上。")
    assert numbers(target) == (">=", 13.5, None, None, "%", 2025)
    assert target.name == "单位地区生产总值能耗下降率"


def test_growth_is_named_as_a_rate():
    target = only("数字经济核心产业增加值年均增长15%。")
    assert numbers(target) == (">=", 15, None, None, "%", 2025)
    assert target.name == "数字经济核心产业增加值增长率"


def test_raise_from_baseline_to_target_keeps_only_the_target():
    target = only("全市工业产品质量监督抽查合格率由92%提高到95%。")
    assert numbers(target) == (">=", 95, None, None, "%", 2025)
    assert target.name == "工业产品质量监督抽查合格率"


def test_reduction_against_a_base_year_drops_the_base_year_from_the_name():
    target = only("二氧化硫排放总量在 2020 年基础上削减 10%。")
    assert numbers(target) == (">=", 10, None, None, "%", 2025)
    assert target.name == "二氧化硫排放总量削减率"


def test_a_verb_like_improve_inside_the_name_is_not_a_growth_rate():
    target = only("改造提升老旧小区 300 个。")
    assert numbers(target) == (">=", 300, None, None, "个", 2025)
    assert "率" not in target.name


# --- ranges and several targets in one sentence ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "low", "high", "unit"),
    [
        ("创建国家级质量基础设施集成服务基地1~3个。", 1, 3, "个"),
        ("培育省级质量标杆企业5-7家。", 5, 7, "家"),
        ("生产性服务业顾客满意度达到80%—85%以上。", 80, 85, "%"),
        ("主导制定国际标准 2～4 项。", 2, 4, "项"),
        ("每万人拥有社会体育指导员 2.5-3 名。", 2.5, 3, "名"),
    ],
)
def test_ranges_have_low_and_high_and_no_value(sentence, low, high, unit):
    target = only(sentence)
    assert (target.comparator, target.value, target.low, target.high, target.unit) == ("range", None, low, high, unit)


def test_respectively_gives_one_target_per_number():
    targets = extract_targets("城镇生活污水集中收集率和再生水利用率分别达到70%、25%以上。", default_year=2025)
    assert [(t.name, t.comparator, t.value, t.unit) for t in targets] == [
        ("城镇生活污水集中收集率", ">=", 70, "%"),
        ("城镇生活再生水利用率", ">=", 25, "%"),
    ]


def test_two_clauses_two_targets_with_their_own_comparators():
    targets = extract_targets("检验检测机构营业收入≥50亿元，标准化试点示范项目≤10个。", default_year=2025)
    assert [(t.comparator, t.value, t.unit) for t in targets] == [(">=", 5_000_000_000, "元"), ("<=", 10, "个")]


def test_list_of_counts_after_one_verb():
    targets = extract_targets("培养 500 名首席质量官、2000 名质量工程师。", default_year=2025)
    assert [(t.value, t.unit) for t in targets] == [(500, "名"), (2000, "名")]
    assert "质量工程师" in targets[1].name


# --- years ------------------------------------------------------------------------------------------


def test_year_in_the_sentence_scopes_its_targets():
    targets = extract_targets("2023年，全市食品抽检合格率达到97.5%；到2025年，达到98.5%。", default_year=2025)
    assert [(t.year, t.value, t.name) for t in targets] == [
        (2023, 97.5, "食品抽检合格率"),
        (2025, 98.5, "食品抽检合格率"),
    ]


def test_fullwidth_digits_and_percent_sign():
    target = only("到２０２６年，农产品抽检合格率达到９８％以上。", default_year=2025)
    assert numbers(target) == (">=", 98, None, None, "%", 2026)
    assert target.quote == "农产品抽检合格率达到９８％以上"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("某某省“十四五”质量发展规划\n到2025年，质量强省建设取得明显成效。", 2025),
        ("某某市质量提升行动方案（2023—2027年）\n全面提升质量水平。", 2027),
        ("为落实《质量发展纲要（2011—2020年）》，力争2017年成为质量强市示范城市。到 2017 年，", 2017),
        ("某某市“十五五”质量强市规划", 2030),
    ],
)
def test_guess_plan_end_year(text, year):
    assert guess_plan_end_year(text) == year


def test_guess_plan_end_year_without_any_year():
    assert guess_plan_end_year("质量工作要点") is None


def test_default_year_is_guessed_when_not_given():
    target = extract_targets("某某市“十四五”质量强市建设规划\n\n食品抽检合格率达到98%以上。")[0]
    assert target.year == 2025


# --- tables -----------------------------------------------------------------------------------------

YEAR_TABLE = (
    "表1 质量强市主要指标\n"
    "序号\t指标名称\t2020年（基期）\t2023年\t2025年\t属性\n"
    "1\t制造业产品质量合格率（%）\t93.5\t94\t95\t预期性\n"
    "2\t品牌示范区（个）\t2\t3\t5\t预期性\n"
    "3\t工程质量投诉率（%）\t3\t≤2.5\t≤2\t约束性\n"
    "4\t地表水水质\tIV类\tIII类\tIII类\t约束性\n"
)


def test_year_columns_give_one_target_per_year_and_skip_the_baseline_column():
    targets = extract_targets(YEAR_TABLE, default_year=2025)
    assert [(t.name, t.comparator, t.value, t.unit, t.year) for t in targets] == [
        ("制造业产品质量合格率", ">=", 94, "%", 2023),
        ("制造业产品质量合格率", ">=", 95, "%", 2025),
        ("品牌示范区", ">=", 3, "个", 2023),
        ("品牌示范区", ">=", 5, "个", 2025),
        ("工程质量投诉率", "<=", 2.5, "%", 2023),
        ("工程质量投诉率", "<=", 2, "%", 2025),
        ("地表水水质", "<=", 3, "类", 2023),
        ("地表水水质", "<=", 3, "类", 2025),
    ]
    assert targets[0].quote == "1\t制造业产品质量合格率（%）\t93.5\t94\t95\t预期性"


def test_year_columns_without_a_baseline_header_are_all_targets():
    text = "指标\t2024年\t2026年\n检验检测机构数量（家）\t120\t150\n"
    targets = extract_targets(text, default_year=2026)
    assert [(t.year, t.value, t.unit) for t in targets] == [(2024, 120, "家"), (2026, 150, "家")]


def test_value_only_cell_takes_its_name_from_the_row():
    text = "序号\t指标项\t目标值\n1\t省长质量奖\t力争2项（含提名奖）\n2\t团体标准\t1~3个\n"
    targets = extract_targets(text, default_year=2025)
    assert [(t.name, t.comparator, t.value, t.low, t.high, t.unit) for t in targets] == [
        ("省长质量奖", ">=", 2, None, None, "项"),
        ("团体标准", "range", None, 1, 3, "个"),
    ]
    assert targets[0].quote == "1\t省长质量奖\t力争2项（含提名奖）"


def test_table_row_written_as_a_sentence():
    text = "序号\t要求\n1\t消费品质量抽查合格率达到 93% 以上。其他产品合格率达到 90%。\n"
    targets = extract_targets(text, default_year=2025)
    assert [(t.name, t.value) for t in targets] == [("消费品质量抽查合格率", 93), ("其他产品合格率", 90)]


def test_same_target_in_a_box_and_in_a_sentence_is_proposed_once_with_the_box_quote():
    text = (
        "一、主要目标\n\n全市每万人口高价值发明专利拥有量达到 15 件。\n\n"
        "专栏1 知识产权指标\n序号\t指标\t目标\n1\t每万人口高价值发明专利拥有量\t15件\n"
    )
    targets = extract_targets(text, default_year=2025)
    assert len(targets) == 1
    assert targets[0].quote == "1\t每万人口高价值发明专利拥有量\t15件"


# --- what is not a target ---------------------------------------------------------------------------

PAST_AND_NOISE = """某某市人民政府办公室文件

某政办〔2022〕15号

一、“十三五”时期主要成效

（一）质量水平稳步提升

全市产品质量监督抽查合格率达 95.2%，食品抽检合格率为98.6%。累计培育省长质量奖企业6家。

二、主要目标

全市已建成国家级检验检测中心5个。截至2021年底，全市有效注册商标12万件。

对获得中国质量奖的企业一次性奖励200万元。推动“6大产业”集群发展，实施12345热线提质工程，2023年3月底前完成试点。

1. 推进5G基站建设，培育4A级景区。
"""


def test_achievements_rewards_dates_document_numbers_and_names_are_not_targets():
    assert extract_targets(PAST_AND_NOISE, default_year=2025) == []


def test_target_after_an_achievement_section_is_found():
    text = PAST_AND_NOISE + "\n（一）产品质量\n\n1. 制造业产品质量合格率达到94%以上。\n"
    target = extract_targets(text, default_year=2025)[0]
    assert (target.name, target.value, target.domain) == ("制造业产品质量合格率", 94, "product")


def test_a_baseline_year_before_the_plan_is_not_a_target():
    text = "某政〔2024〕3号\n\n空气质量优良天数，2023 年 250 天，2027 年 280 天。"
    target = only(text, default_year=2027)
    assert (target.value, target.unit, target.year) == (280, "天", 2027)


def test_numbers_in_book_titles_and_quotes_are_not_targets():
    assert extract_targets("贯彻《计量发展规划（2021—2035年）》，打造“15分钟便民服务圈”。", default_year=2025) == []


def test_target_quoted_from_another_document_is_not_this_plan_s_target():
    assert extract_targets("满意度总体达到国务院《质量发展纲要》提出的 80%的目标要求。", default_year=2025) == []


# --- names, domains and the output shape ------------------------------------------------------------


def test_name_is_trimmed_of_numbering_and_connectives():
    target = only("（3）力争全市每万人全科医生数量≥4 人；")
    assert target.name == "每万人全科医生数量"


def test_name_takes_the_object_when_the_text_before_is_only_a_verb():
    target = only("建成 2 个国家级质检中心。")
    assert target.name == "建成国家级质检中心"
    assert target.domain == "quality_infrastructure"


@pytest.mark.parametrize(
    ("name", "domain"),
    [
        ("新开工建筑节能标准执行率", "engineering"),
        ("食品抽检合格率", "product"),
        ("生活性服务业顾客满意度", "service"),
        ("政务服务事项网上可办率", "government_service"),
        ("中国驰名商标数", "brand_ip"),
        ("社会公用计量标准总数", "quality_infrastructure"),
        ("首席质量官人数", "talent"),
        ("空气质量优良天数比例", "environment"),
        ("战略性新兴产业占工业比重", "economy"),
    ],
)
def test_domain_from_keywords(name, domain):
    assert classify_domain(name) == domain


def test_domain_falls_back_to_the_section_heading():
    text = "（二）工程质量\n\n新开工项目 100% 落实质量终身责任承诺制度。"
    assert extract_targets(text, default_year=2025)[0].domain == "engineering"


def test_quote_offsets_point_into_the_text_and_as_dict_has_the_catalogue_fields():
    text = "某某市“十四五”质量强市规划\n\n（一）产品质量\n\n到2025年，食品抽检合格率稳定在 98%以上，药品抽检合格率 99.5%。"
    targets = extract_targets(text)
    for t in targets:
        assert text[t.start : t.end] == t.quote
    assert targets[1].as_dict() == {
        "name": "药品抽检合格率",
        "comparator": ">=",
        "value": 99.5,
        "low": None,
        "high": None,
        "unit": "%",
        "year": 2025,
        "domain": "product",
        "quote": "药品抽检合格率 99.5%",
    }
    assert isinstance(targets[0].as_dict()["value"], int)


# --- Chinese numerals and the 万/亿 multipliers -------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("新增市场主体3.5万户。", (">=", 35000, None, None, "户")),
        ("技术合同交易额达到1.2亿元。", (">=", 120_000_000, None, None, "元")),
        ("力争新增两项国家标准。", (">=", 2, None, None, "项")),
        ("建成十二个质量提升示范区。", (">=", 12, None, None, "个")),
        ("培育一百五十家质量标杆企业。", (">=", 150, None, None, "家")),
        ("新增省级以上专精特新企业三至五家。", ("range", None, 3, 5, "家")),
        ("新增绿色建筑面积超过 9000 万平方米。", (">=", 90_000_000, None, None, "平方米")),
        ("年接待游客达到 2.5 万人次。", (">=", 25000, None, None, "人次")),
        ("社会消费品零售总额突破 5000 亿。", (">=", 500_000_000_000, None, None, "")),
        ("建设高标准农田 1-1.5 万亩。", ("range", None, 10000, 15000, "亩")),
        ("新增就业十万人。", (">=", 100_000, None, None, "人")),
    ],
)
def test_chinese_numerals_and_multipliers_give_plain_numbers_and_units(sentence, expected):
    # given a count written in Chinese numerals or with 万/亿 / when extracting / then the number is plain
    target = only(sentence)
    assert (target.comparator, target.value, target.low, target.high, target.unit) == expected
    assert target.kind == QUANTITATIVE


@pytest.mark.parametrize(
    "sentence",
    [
        "构建知识产权司法保护、行政保护、社会保护三张网。",  # no cue, no action verb
        "形成产品质量、工程质量、服务质量、环境质量等四个方面。",  # counts a list
        "实施一批示范性地方标准，打造一流营商环境，进一步提升质量。",  # 一批 / 一流 / 进一步
        "千家万户受益，百强企业带动。",  # 千家 / 百强
        "“十四五”期间，建成三四个示范区。",  # 十四五 and “three or four” are no numbers
    ],
)
def test_chinese_numerals_in_idioms_are_not_targets(sentence):
    assert [t for t in extract_targets(sentence, default_year=2025) if t.kind == QUANTITATIVE] == []


@pytest.mark.parametrize(
    ("number", "unit", "expected"),
    [(3.5, "万户", (35000, "户")), (1.2, "亿元", (120_000_000, "元")), (0.35, "万元", (3500, "元")),
     (2.25, "万", (22500, "")), (98, "%", (98, "%")), (None, "万户", (None, "户")), (12, "", (12, ""))],
)
def test_split_multiplier_is_exact(number, unit, expected):
    assert split_multiplier(number, unit) == expected


# --- one sentence, several indicators ----------------------------------------------------------------


def test_one_target_for_two_indicators_is_split():
    # given a sentence that sets one target for 食品 and 药品 / when extracting
    targets = extract_targets("到2025年，食品和药品抽检合格率均达98%以上。", default_year=2025)
    # then two targets, each with the shared part of the name and the same numbers and quote
    assert [(t.name, t.comparator, t.value, t.unit, t.year) for t in targets] == [
        ("食品抽检合格率", ">=", 98, "%", 2025),
        ("药品抽检合格率", ">=", 98, "%", 2025),
    ]
    assert targets[0].quote == targets[1].quote and "均达98%以上" in targets[0].quote
    assert {t.domain for t in targets} == {"product"}


def test_three_subjects_with_a_shared_target_are_split():
    targets = extract_targets("农产品、食品和药品质量安全抽检合格率都稳定在98.5%以上。", default_year=2025)
    assert [t.name for t in targets] == ["农产品质量安全抽检合格率", "食品质量安全抽检合格率", "药品质量安全抽检合格率"]
    assert {t.value for t in targets} == {98.5}


def test_without_jun_a_joined_name_stays_one_target():
    target = only("城乡居民收入和经济增长同步，城镇调查失业率控制在5.5%以内。")
    assert target.name == "城镇调查失业率"
    assert only("农产品质量安全和食品抽检合格率达到98%。").name == "农产品质量安全和食品抽检合格率"


# --- relative targets: proposed as qualitative ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "wording", "comparator"),
    [
        ("质量损失率低于全国平均水平，", "质量损失率", "低于全国平均水平", "<="),
        ("城市质量竞争力指数高于全省平均水平。", "城市质量竞争力指数", "高于全省平均水平", ">="),
        ("单位地区生产总值能耗下降完成省下达目标。", "单位地区生产总值能耗下降", "完成省下达目标", ">="),
        ("制造业质量竞争力指数位居全省前列。", "制造业质量竞争力指数", "位居全省前列", ">="),
        ("2025年食品质量安全监管达到国内先进水平。", "食品质量安全监管", "达到国内先进水平", ">="),
    ],
)
def test_relative_targets_are_proposed_as_qualitative(sentence, name, wording, comparator):
    # given a target the extractor cannot quantify / when extracting / then a qualitative proposal
    target = only(sentence)
    assert (target.kind, target.name, target.qualitative, target.comparator) == (QUALITATIVE, name, wording, comparator)
    assert (target.value, target.low, target.high, target.unit, target.year) == (None, None, None, "", 2025)
    assert target.as_dict()["kind"] == QUALITATIVE and target.as_dict()["qualitative"] == wording


def test_relative_wording_inside_a_clause_or_in_the_past_is_not_proposed():
    text = ("某政〔2022〕3号\n\n一、“十三五”时期主要成效\n\n质量损失率低于全国平均水平。\n\n二、主要目标\n\n"
            "建成一批达到国内先进水平的检验检测机构。目前质量竞争力指数已高于全省平均水平。")
    assert extract_targets(text, default_year=2025) == []


def test_quantified_and_qualitative_targets_side_by_side():
    targets = extract_targets("食品抽检合格率达到98%以上，质量损失率低于全国平均水平。", default_year=2025)
    assert [(t.kind, t.name) for t in targets] == [(QUANTITATIVE, "食品抽检合格率"), (QUALITATIVE, "质量损失率")]
