"""What the white paper and the mid-term evaluation say: tables, charts and sentences built from the
indicator statuses. Sentences are only written for figures that exist, so no report carries a blank
or a placeholder."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core.selectors import org_root
from qcity.core.units import amount_display, unit_display
from qcity.indicators import selectors as indicator_selectors
from qcity.indicators.choices import IndicatorDomain, TargetStatus
from qcity.indicators.models import Plan

from . import charts
from .documents import Figure, Report, Section, Table
from .selectors import MAIN_DOMAINS

# Reports are written in the language of whoever generates them: labels are looked up at that moment.
CHAPTERS = [(d.label, (d.value,)) for d in MAIN_DOMAINS]
EXTRA_CHAPTER = (gettext_lazy("品牌建设与质量基础设施"),
                 (IndicatorDomain.BRAND_IP.value, IndicatorDomain.QUALITY_INFRASTRUCTURE.value))
INDICATOR_HEADINGS = [gettext_lazy("指标"), gettext_lazy("单位"), gettext_lazy("目标值"), gettext_lazy("实际值"),
                      gettext_lazy("状态")]


def _status_labels() -> dict[str, str]:
    return {s.value: str(s.label) for s in TargetStatus}


def number(value: Decimal | None, unit: str = "") -> str:
    """A value with its unit's precision (a count is a whole number: `qcity.core.units`)."""
    return amount_display(value, unit)


def _target(milestone, comparator: str = "", unit: str = "") -> str:
    """"≥ 98%（2025年）": the milestone that applies in the year, with its direction."""
    if milestone is None:
        return "—"
    raw_unit, unit = unit, unit_display(unit)
    if milestone.value is None:
        value = f"{number(milestone.low, raw_unit)}–{number(milestone.high, raw_unit)}{unit}"
    else:
        value = f"{ {'>=': '≥ ', '<=': '≤ '}.get(comparator, '')}{number(milestone.value, raw_unit)}{unit}"
    return _("%(value)s（%(year)s年）") % {"value": value, "year": milestone.year}


def _mean_pct(items) -> float | None:
    scores = [i.result.attainment for i in items if i.result.attainment is not None]
    return round(float(sum(scores, Decimal(0)) / len(scores)) * 100, 1) if scores else None


def counts_sentence(subject: str, items) -> str:
    """"产品质量领域 22 项指标中，8 项已达标、…" — only the statuses that occur are named."""
    counts = indicator_selectors.status_counts(items)
    labels = _status_labels()
    parts = [_("%(count)s 项%(status)s") % {"count": counts[s], "status": labels[s]}
             for s in TargetStatus.values if counts[s]]
    sentence = _("%(subject)s %(count)s 项指标中，%(parts)s。") % {
        "subject": subject, "count": len(items), "parts": _("、").join(parts)}
    mean = _mean_pct(items)
    if mean is not None:
        sentence += _("有数据指标的平均达成度为 %(mean)s%%。") % {"mean": mean}
    return sentence


def _laggards_sentence(items) -> str:
    lagging = sorted([i for i in items if i.status in (TargetStatus.OFF_TRACK, TargetStatus.AT_RISK)],
                     key=lambda i: i.result.attainment or 0)[:3]
    if not lagging:
        return _("本领域暂无滞后指标。") if any(i.status != TargetStatus.NO_DATA for i in items) else ""
    names = _("；").join(
        _("%(name)s（实际 %(actual)s，目标 %(target)s）") % {
            "name": i.indicator.name, "actual": f"{number(i.result.actual, i.indicator.unit)}{unit_display(i.indicator.unit)}",
            "target": _target(i.result.milestone, i.indicator.comparator, i.indicator.unit)}
        for i in lagging)
    return _("需要重点推进的指标：%(names)s。") % {"names": names}


def indicator_table(items, caption: str) -> Table:
    return Table([str(h) for h in INDICATOR_HEADINGS], [
        [i.indicator.name, unit_display(i.indicator.unit).strip() or "—", _target(i.result.milestone, i.indicator.comparator), number(i.result.actual, i.indicator.unit),
         i.status_label] for i in items], caption)


# chapter numbers as the report writes them: 一、二、… in Chinese, 1, 2, … in English
_CHAPTER_NUMBERS = [gettext_lazy("一"), gettext_lazy("二"), gettext_lazy("三"), gettext_lazy("四"), gettext_lazy("五"),
                    gettext_lazy("六")]
CHART_BARS = 30  # more bars would make an unreadable page-long chart; the table lists every indicator


def _attainment_figure(items, title: str) -> Figure | None:
    shown = [i for i in items if i.result.attainment is not None]
    if not shown:
        return None
    if len(shown) > CHART_BARS:
        shown = sorted(shown, key=lambda i: i.result.attainment)[:CHART_BARS]
        title = _("%(title)s：达成度最低的 %(count)s 项") % {"title": title, "count": CHART_BARS}
    png = charts.value_bar_chart(labels=[i.indicator.name for i in shown],
                                 values=[float(i.result.attainment) * 100 for i in shown], title=title,
                                 unit=_("达成度（%）"), colours=[charts.STATUS_COLOURS[i.status] for i in shown])
    return Figure(png, title)


def _ranking_table(ranking) -> Table:
    return Table([_("名次"), _("区县"), _("平均达成度（%）"), _("已达标"), _("进度正常"), _("存在风险"), _("严重滞后")], [
        [str(r.rank or "—"), r.org_unit.name, f"{r.attainment * 100:.1f}" if r.attainment is not None else "—",
         str(r.counts["achieved"]), str(r.counts["on_track"]), str(r.counts["at_risk"]), str(r.counts["off_track"])]
        for r in ranking], _("各区县（开发区）指标达成情况排名"))


def _ranking_figure(ranking, title: str) -> Figure:
    png = charts.value_bar_chart(labels=[r.org_unit.name for r in ranking],
                                 values=[float(r.attainment) * 100 if r.attainment is not None else None
                                         for r in ranking], title=title, unit=_("平均达成度（%）"))
    return Figure(png, title)


def _domain_figure(by_domain: dict[str, list], title: str) -> Figure:
    domains = [d for d in IndicatorDomain if by_domain.get(d.value)]
    png = charts.status_bar_chart(labels=[str(d.label) for d in domains],
                                  counts=[indicator_selectors.status_counts(by_domain[d.value]) for d in domains],
                                  status_labels=_status_labels(), title=title)
    return Figure(png, title)


def _statuses(plan: Plan, year: int):
    city = org_root()
    mine, ranking = indicator_selectors.unit_statuses_and_ranking(plan=plan, year=year, unit=city)
    by_domain: dict[str, list] = defaultdict(list)
    for item in mine:
        by_domain[item.indicator.domain].append(item)
    return city, mine, ranking, by_domain


def white_paper(*, plan: Plan, year: int) -> Report:
    """质量白皮书: an overview, the four quality chapters, and brand/infrastructure when it has data."""
    city, mine, ranking, by_domain = _statuses(plan, year)
    overview = Section(_("综述"), [
        _("本白皮书依据《%(plan)s》，对%(city)s%(year)s年质量强市建设主要指标的完成情况进行总结。")
        % {"plan": plan.title, "city": city.name, "year": year},
        counts_sentence(_("%(city)s纳入监测的") % {"city": city.name}, mine),
        _domain_figure(by_domain, _("%(year)s年各领域指标状态") % {"year": year}),
    ])
    ranked = [r for r in ranking if r.attainment is not None]
    if ranked:
        overview.blocks += [
            _("在 %(count)s 个区县（开发区）中，%(best)s平均达成度最高（%(best_pct)s%%），%(worst)s最低（%(worst_pct)s%%）。")
            % {"count": len(ranked), "best": ranked[0].org_unit.name, "best_pct": f"{ranked[0].attainment * 100:.1f}",
               "worst": ranked[-1].org_unit.name, "worst_pct": f"{ranked[-1].attainment * 100:.1f}"},
            _ranking_table(ranking),
        ]
    sections = [overview]
    chapters = list(CHAPTERS)
    if any(any(i.result.actual is not None for i in by_domain.get(d, [])) for d in EXTRA_CHAPTER[1]):
        chapters.append(EXTRA_CHAPTER)
    for number_, (title, domains) in enumerate(chapters, start=1):
        items = [i for d in domains for i in by_domain.get(d, [])]
        section = Section(_("%(number)s、%(title)s") % {"number": _CHAPTER_NUMBERS[number_ - 1], "title": title})
        if not items:
            section.blocks.append(_("《%(plan)s》未设置%(title)s领域的量化指标。") % {"plan": plan.title, "title": title})
        else:
            section.blocks.append(counts_sentence(_("%(title)s领域") % {"title": title}, items))
            if sentence := _laggards_sentence(items):
                section.blocks.append(sentence)
            section.blocks.append(indicator_table(items, _("%(title)s主要指标完成情况（%(year)s年）")
                                                  % {"title": title, "year": year}))
            if figure := _attainment_figure(items, _("%(title)s指标达成度（%(year)s年）") % {"title": title, "year": year}):
                section.blocks.append(figure)
        sections.append(section)
    return Report(_("%(city)s%(year)s年质量白皮书") % {"city": city.name, "year": year},
                  _("%(city)s质量强市工作领导小组办公室") % {"city": city.name}, sections)


def midterm_evaluation(*, plan: Plan, year: int) -> Report:
    """中期评估: each indicator's value in the evaluation year against the straight-line expectation."""
    city, mine, ranking, by_domain = _statuses(plan, year)
    summary_rows = []
    for domain in IndicatorDomain:
        items = by_domain.get(domain.value)
        if items:
            counts = indicator_selectors.status_counts(items)
            mean = _mean_pct(items)
            summary_rows.append([str(domain.label), str(len(items)), *[str(counts[s]) for s in TargetStatus.values],
                                 f"{mean}" if mean is not None else "—"])
    overview = Section(_("一、总体评估"), [
        _("《%(plan)s》规划期为 %(start)s—%(end)s 年，本报告以 %(year)s 年为中期评估年，"
          "将各项指标的实际值与从基期值到目标值的线性进度预期值进行比较。")
        % {"plan": plan.title, "start": plan.period_start, "end": plan.period_end, "year": year},
        counts_sentence(f"{city.name}", mine),
        Table([_("领域"), _("指标数"), *_status_labels().values(), _("平均达成度（%）")], summary_rows, _("分领域评估汇总")),
        _domain_figure(by_domain, _("%(year)s年各领域指标状态") % {"year": year}),
    ])
    rows = []
    for domain in IndicatorDomain:
        for i in by_domain.get(domain.value, []):
            rows.append([str(domain.label), i.indicator.name, unit_display(i.indicator.unit).strip() or "—",
                         _target(i.result.milestone, i.indicator.comparator),
                         number(i.result.actual, i.indicator.unit), number(i.result.expected, i.indicator.unit),
                         i.status_label])
    detail = Section(_("二、分指标评估"), [
        _("“线性预期值”为按规划期匀速推进时评估年应达到的水平，目标年度即目标值；缺少起点的指标在目标年度之前不列预期值。"),
        Table([_("领域"), _("指标"), _("单位"), _("目标值"), _("%(year)s年实际值") % {"year": year}, _("线性预期值"),
               _("评估结论")], rows, _("分指标中期评估")),
    ])
    districts = Section(_("三、分区县评估"))
    ranked = [r for r in ranking if r.attainment is not None]
    if ranked:
        districts.blocks += [
            _("%(count)s 个区县（开发区）有审定数据，平均达成度最高的是%(best)s，最低的是%(worst)s。")
            % {"count": len(ranked), "best": ranked[0].org_unit.name, "worst": ranked[-1].org_unit.name},
            _ranking_table(ranking), _ranking_figure(ranked, _("%(year)s年各区县平均达成度") % {"year": year}),
        ]
    else:
        districts.blocks.append(_("%(year)s年尚无区县审定数据。") % {"year": year})
    lagging = [i for i in mine if i.status == TargetStatus.OFF_TRACK]
    advice = Section(_("四、后半程工作建议"), [
        _("对 %(count)s 项严重滞后指标，建议责任单位制定专项推进方案，逐月调度。") % {"count": len(lagging)} if lagging
        else _("各项指标总体按进度推进，建议保持现有工作力度。"),
    ])
    return Report(_("%(plan)s中期评估报告") % {"plan": plan.title},
                  _("评估年度：%(year)s年 · %(city)s质量强市工作领导小组办公室") % {"year": year, "city": city.name},
                  [overview, detail, districts, advice])
