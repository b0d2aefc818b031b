"""What the white paper and the mid-term evaluation say: tables, charts and sentences built from the
indicator statuses. Sentences are only written for figures that exist, so no report carries a blank
or a placeholder."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from qcity.core.selectors import city_and_districts
from qcity.indicators import selectors as indicator_selectors
from qcity.indicators.choices import Domain, TargetStatus
from qcity.indicators.models import Plan

from . import charts
from .documents import Figure, Report, Section, Table
from .selectors import MAIN_DOMAINS

STATUS_LABELS = {s.value: str(s.label) for s in TargetStatus}
CHAPTERS = [(str(d.label), (d.value,)) for d in MAIN_DOMAINS]
EXTRA_CHAPTER = ("品牌建设与质量基础设施", (Domain.BRAND_IP.value, Domain.QUALITY_INFRASTRUCTURE.value))
INDICATOR_HEADINGS = ["指标", "单位", "目标值", "实际值", "状态"]


def number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _target(milestone, comparator: str = "", unit: str = "") -> str:
    """"≥ 98%（2025年）": the milestone that applies in the year, with its direction."""
    if milestone is None:
        return "—"
    if milestone.value is None:
        return f"{number(milestone.low)}–{number(milestone.high)}{unit}（{milestone.year}年）"
    sign = {">=": "≥ ", "<=": "≤ "}.get(comparator, "")
    return f"{sign}{number(milestone.value)}{unit}（{milestone.year}年）"


def _mean_pct(items) -> float | None:
    scores = [i.result.attainment for i in items if i.result.attainment is not None]
    return round(float(sum(scores, Decimal(0)) / len(scores)) * 100, 1) if scores else None


def counts_sentence(subject: str, items) -> str:
    """"产品质量领域 22 项指标中，8 项已达标、…" — only the statuses that occur are named."""
    counts = indicator_selectors.status_counts(items)
    parts = [f"{counts[s]} 项{STATUS_LABELS[s]}" for s in TargetStatus.values if counts[s]]
    sentence = f"{subject} {len(items)} 项指标中，" + "、".join(parts) + "。"
    mean = _mean_pct(items)
    if mean is not None:
        sentence += f"有数据指标的平均达成度为 {mean}%。"
    return sentence


def _laggards_sentence(items) -> str:
    lagging = sorted([i for i in items if i.status in (TargetStatus.OFF_TRACK, TargetStatus.AT_RISK)],
                     key=lambda i: i.result.attainment or 0)[:3]
    if not lagging:
        return "本领域暂无滞后指标。" if any(i.status != TargetStatus.NO_DATA for i in items) else ""
    names = "；".join(f"{i.indicator.name}（实际 {number(i.result.actual)}{i.indicator.unit}，"
                     f"目标 {_target(i.result.milestone, i.indicator.comparator, i.indicator.unit)}）" for i in lagging)
    return f"需要重点推进的指标：{names}。"


def indicator_table(items, caption: str) -> Table:
    return Table(INDICATOR_HEADINGS, [
        [i.indicator.name, i.indicator.unit or "—", _target(i.result.milestone, i.indicator.comparator), number(i.result.actual),
         i.status_label] for i in items], caption)


CHART_BARS = 30  # more bars would make an unreadable page-long chart; the table lists every indicator


def _attainment_figure(items, title: str) -> Figure | None:
    shown = [i for i in items if i.result.attainment is not None]
    if not shown:
        return None
    if len(shown) > CHART_BARS:
        shown = sorted(shown, key=lambda i: i.result.attainment)[:CHART_BARS]
        title = f"{title}：达成度最低的 {CHART_BARS} 项"
    png = charts.value_bar_chart(labels=[i.indicator.name for i in shown],
                                 values=[float(i.result.attainment) * 100 for i in shown], title=title,
                                 unit="达成度（%）", colours=[charts.STATUS_COLOURS[i.status] for i in shown])
    return Figure(png, title)


def _ranking_table(ranking) -> Table:
    return Table(["名次", "区县", "平均达成度（%）", "已达标", "进度正常", "存在风险", "严重滞后"], [
        [str(r.rank or "—"), r.org_unit.name, f"{r.attainment * 100:.1f}" if r.attainment is not None else "—",
         str(r.counts["achieved"]), str(r.counts["on_track"]), str(r.counts["at_risk"]), str(r.counts["off_track"])]
        for r in ranking], "各区县（开发区）指标达成情况排名")


def _ranking_figure(ranking, title: str) -> Figure:
    png = charts.value_bar_chart(labels=[r.org_unit.name for r in ranking],
                                 values=[float(r.attainment) * 100 if r.attainment is not None else None
                                         for r in ranking], title=title, unit="平均达成度（%）")
    return Figure(png, title)


def _domain_figure(by_domain: dict[str, list], title: str) -> Figure:
    domains = [d for d in Domain if by_domain.get(d.value)]
    png = charts.status_bar_chart(labels=[str(d.label) for d in domains],
                                  counts=[indicator_selectors.status_counts(by_domain[d.value]) for d in domains],
                                  status_labels=STATUS_LABELS, title=title)
    return Figure(png, title)


def _statuses(plan: Plan, year: int):
    city, districts = city_and_districts()
    indicators = list(indicator_selectors.indicator_list(plan=plan))
    statuses = indicator_selectors.indicator_statuses(indicators=indicators, org_units=[city, *districts], year=year)
    mine = [s for s in statuses if s.org_unit.pk == city.pk]
    ranking = indicator_selectors.unit_ranking([s for s in statuses if s.org_unit.pk != city.pk])
    by_domain: dict[str, list] = defaultdict(list)
    for item in mine:
        by_domain[item.indicator.domain].append(item)
    return city, mine, ranking, by_domain


def white_paper(*, plan: Plan, year: int) -> Report:
    """质量白皮书: an overview, the four quality chapters, and brand/infrastructure when it has data."""
    city, mine, ranking, by_domain = _statuses(plan, year)
    overview = Section("综述", [
        f"本白皮书依据《{plan.title}》，对{city.name}{year}年质量强市建设主要指标的完成情况进行总结。",
        counts_sentence(f"{city.name}纳入监测的", mine),
        _domain_figure(by_domain, f"{year}年各领域指标状态"),
    ])
    ranked = [r for r in ranking if r.attainment is not None]
    if ranked:
        overview.blocks += [
            f"在 {len(ranked)} 个区县（开发区）中，{ranked[0].org_unit.name}平均达成度最高"
            f"（{ranked[0].attainment * 100:.1f}%），{ranked[-1].org_unit.name}最低"
            f"（{ranked[-1].attainment * 100:.1f}%）。",
            _ranking_table(ranking),
        ]
    sections = [overview]
    chapters = list(CHAPTERS)
    if any(any(i.result.actual is not None for i in by_domain.get(d, [])) for d in EXTRA_CHAPTER[1]):
        chapters.append(EXTRA_CHAPTER)
    for number_, (title, domains) in enumerate(chapters, start=1):
        items = [i for d in domains for i in by_domain.get(d, [])]
        section = Section(f"{'一二三四五六'[number_ - 1]}、{title}")
        if not items:
            section.blocks.append(f"《{plan.title}》未设置{title}领域的量化指标。")
        else:
            section.blocks.append(counts_sentence(f"{title}领域", items))
            if sentence := _laggards_sentence(items):
                section.blocks.append(sentence)
            section.blocks.append(indicator_table(items, f"{title}主要指标完成情况（{year}年）"))
            if figure := _attainment_figure(items, f"{title}指标达成度（{year}年）"):
                section.blocks.append(figure)
        sections.append(section)
    return Report(f"{city.name}{year}年质量白皮书", f"{city.name}质量强市工作领导小组办公室", sections)


def midterm_evaluation(*, plan: Plan, year: int) -> Report:
    """中期评估: each indicator's value in the evaluation year against the straight-line expectation."""
    city, mine, ranking, by_domain = _statuses(plan, year)
    summary_rows = []
    for domain in Domain:
        items = by_domain.get(domain.value)
        if items:
            counts = indicator_selectors.status_counts(items)
            mean = _mean_pct(items)
            summary_rows.append([str(domain.label), str(len(items)), *[str(counts[s]) for s in TargetStatus.values],
                                 f"{mean}" if mean is not None else "—"])
    overview = Section("一、总体评估", [
        f"《{plan.title}》规划期为 {plan.period_start}—{plan.period_end} 年，本报告以 {year} 年为中期评估年，"
        f"将各项指标的实际值与从基期值到目标值的线性进度预期值进行比较。",
        counts_sentence(f"{city.name}", mine),
        Table(["领域", "指标数", *STATUS_LABELS.values(), "平均达成度（%）"], summary_rows, "分领域评估汇总"),
        _domain_figure(by_domain, f"{year}年各领域指标状态"),
    ])
    rows = []
    for domain in Domain:
        for i in by_domain.get(domain.value, []):
            rows.append([str(domain.label), i.indicator.name, i.indicator.unit or "—",
                         _target(i.result.milestone, i.indicator.comparator),
                         number(i.result.actual), number(i.result.expected), i.status_label])
    detail = Section("二、分指标评估", [
        "“线性预期值”为按规划期匀速推进时评估年应达到的水平；已达标或缺少起点的指标不列预期值。",
        Table(["领域", "指标", "单位", "目标值", f"{year}年实际值", "线性预期值", "评估结论"], rows, "分指标中期评估"),
    ])
    districts = Section("三、分区县评估")
    ranked = [r for r in ranking if r.attainment is not None]
    if ranked:
        districts.blocks += [
            f"{len(ranked)} 个区县（开发区）有审定数据，平均达成度最高的是{ranked[0].org_unit.name}，"
            f"最低的是{ranked[-1].org_unit.name}。",
            _ranking_table(ranking), _ranking_figure(ranked, f"{year}年各区县平均达成度"),
        ]
    else:
        districts.blocks.append(f"{year}年尚无区县审定数据。")
    lagging = [i for i in mine if i.status == TargetStatus.OFF_TRACK]
    advice = Section("四、后半程工作建议", [
        f"对 {len(lagging)} 项严重滞后指标，建议责任单位制定专项推进方案，逐月调度。" if lagging
        else "各项指标总体按进度推进，建议保持现有工作力度。",
    ])
    return Report(f"{plan.title}中期评估报告", f"评估年度：{year}年 · {city.name}质量强市工作领导小组办公室",
                  [overview, detail, districts, advice])
