"""Demo complaints and reports (投诉举报, 12315): a year of them up to ctx.today for the demo city.

What a reviewer should find believable:
- volumes: about 0.3 per enterprise of the registry (small ≈ 1,500, city capped at 150,000), by district
  as the registry is (respondents are drawn from it), more in the weeks of 3·15 and of Double 11 and
  fewer over the Spring Festival;
- what they are about: categories and problem types in the shares of the national 12315 statistics
  (食品, 家用电子电器, 通讯类产品, 互联网服务 and 生活社会服务 lead; 合同, 质量 and 售后服务 lead the
  problems), respondents whose industry sells what is complained about, texts from templates per
  category and problem; some sellers on a platform, some respondents unknown to the registry with only an
  address on a road of the city (routed by the gazetteer) or none (the city's triage queue);
- who: ~80 % complaints, the rest reports (~5 % of all anonymous reports), a few mixed submissions
  split into a complaint and a report; fake people (phone 1380000xxxx, common names) that never appear
  in the history's notes;
- as of today: the history is a pipeline cut at the last working day, so old ones are finished with
  outcomes, recent ones are open, a few late ones are overdue (and escalated); members of direct settlement
  (the demo enterprise among them) get their complaints first; the demo district's handler
  (`jinshui-handler`) and the city's (`handler`) find work on their home page today.

Rows are drawn in chunks, each with its own random generator and block of tracking numbers (at city scale a
helper process draws the next chunk while this one writes), and written in bulk (the city scale has ~150,000
complaints and ~900,000 events); deadlines through
`complaints.deadlines.refresh` with the legal durations memoised; the credit events of substantiated
complaints through `credit_events_load`, as the credit demo loads its own. Every act of the regulator is
dated on a working day (ctx.workday). Deterministic for the seed and the day.
"""

from __future__ import annotations

import collections
import datetime
import json
import operator
import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core import deadlines
from qcity.core.audit import audit_record
from qcity.core.bulk import foreign_keys_checked_once, ids_reserve, rows_insert
from qcity.core.choices import AuditAction
from qcity.core.demo import choice_label, made_in_helper
from qcity.core.models import OrgUnit, User
from qcity.credit.choices import CreditEventKind
from qcity.credit.models import CreditEvent
from qcity.credit.services import credit_events_load
from qcity.enterprises.models import Enterprise
from qcity.indicators.services import computed_indicators_refresh

from . import deadlines as complaint_deadlines
from .choices import (
    CaseGrade,
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintKind,
    ComplaintStatus,
    DeclineGround,
    MediationMode,
    MediationOutcome,
    Remedy,
    ReporterChannel,
    ReportTipDecision,
    RewardStatus,
    RoutingMethod,
    SettlementAnswer,
    SuspensionReason,
    TerminationGround,
)
from .indicators import INDICATORS
from .models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEscalation,
    ComplaintEvent,
    DirectSettlementMembership,
    ProblemType,
    Reward,
)
from .services.classification import classification_defaults_load
from .services.feedback import source_ref as credit_source_ref

ROWS_PER_ENTERPRISE = 0.3
MIN_ROWS, MAX_ROWS = 60, 150_000
POOL_SIZE = 60_000  # enterprises drawn from the registry as respondents (all of them at small scale)
BATCH = 5000
CHUNK = 15_000  # complaints drawn at once: at city scale the helper process draws the next while this one writes
CHUNK_NUMBERS = 20_000  # tracking numbers kept for a chunk: its complaints and the reports split from them
DEMO_ENTERPRISE_ROWS = 8  # complaints against the demo enterprise over the year (beside the fresh ones)

# National 12315 statistics (SAMR / 中消协 annual reports, rounded): share of complaints by category.
CATEGORY_SHARES = {
    "food": 14, "household-appliances": 7, "clothing-shoes-hats": 5, "vehicles": 3, "communication-products": 6,
    "daily-goods": 5, "medicines-medical-supplies": 2, "cosmetics": 3, "housing-building-materials": 2,
    "tobacco-alcohol-beverages": 1.5, "jewellery": 0.5, "agricultural-inputs": 0.5,
    "living-services": 12, "internet-services": 11, "education-training": 5, "culture-entertainment-sports": 4,
    "telecom-services": 3, "travel-services": 2, "sales-services": 5, "public-utilities": 1,
    "renovation-property-services": 3, "financial-services": 1, "insurance-services": 0.5,
    "health-care-services": 2, "postal-services": 2,
}
PROBLEM_SHARES = {"contract": 24, "quality": 22, "after-sales": 18, "price": 8, "false-advertising": 9, "safety": 6,
                  "measurement": 2, "counterfeit": 5, "personal-dignity": 2, "personal-information": 4}
# Industries (GB/T 4754 prefixes of the demo registry) whose enterprises sell what a category is about.
CATEGORY_INDUSTRIES = {
    "food": ("62", "5212", "5213", "5222", "5223", "5224", "5229", "14", "13"),
    "household-appliances": ("5199", "5211", "8131", "5292"), "clothing-shoes-hats": ("5232", "5233", "18", "5211"),
    "vehicles": ("5261", "8111", "3670"), "communication-products": ("5284", "8122", "5292"),
    "daily-goods": ("5212", "5213", "5239", "5211", "5271"), "medicines-medical-supplies": ("5251", "5151", "5154"),
    "cosmetics": ("8040", "5239", "5211"), "housing-building-materials": ("5165", "5279", "5272", "5273", "7010"),
    "tobacco-alcohol-beverages": ("5226", "1512", "6239"), "jewellery": ("5211", "5199"),
    "agricultural-inputs": ("5119", "7511"), "living-services": ("8040", "8030", "8052", "8010", "62", "6110"),
    "internet-services": ("6490", "6531", "5292", "6513"), "education-training": ("8394",),
    "culture-entertainment-sports": ("7259", "6231"), "telecom-services": ("5284", "6490"),
    "travel-services": ("6110", "7259"), "sales-services": ("5199", "5211", "5261", "5292"),
    "public-utilities": ("7020",), "renovation-property-services": ("5012", "7020", "4790"),
    "financial-services": ("7212",), "insurance-services": ("7212",), "health-care-services": ("8040", "5251"),
    "postal-services": ("5821", "5930"),
}
PLATFORMS = ["淘宝", "京东", "拼多多", "抖音电商", "美团", "饿了么", "快手电商", "唯品会"]
ONLINE_CATEGORIES = {"internet-services", "communication-products", "household-appliances", "clothing-shoes-hats",
                     "cosmetics", "daily-goods", "food"}

# (product or service, amount range in yuan, what goes wrong with it)
PRODUCTS = {
    "food": [("月饼礼盒", 80, 400, "已过保质期"), ("外卖套餐", 20, 90, "菜品中发现异物"), ("鲜牛奶", 20, 80, "开封后有异味"),
             ("熟食卤味", 20, 120, "食用后出现腹泻"), ("婴幼儿配方奶粉", 200, 700, "罐内有结块和黑点"), ("速冻水饺", 15, 60, "包装内有头发")],
    "household-appliances": [("空调", 2000, 7000, "制冷效果差、噪音大"), ("滚筒洗衣机", 1500, 4500, "脱水时剧烈晃动"),
                             ("电热水器", 800, 3000, "漏电保护频繁跳闸"), ("冰箱", 2000, 8000, "冷藏室不制冷"),
                             ("扫地机器人", 900, 3500, "无法回充"), ("电饭煲", 200, 900, "内胆涂层脱落")],
    "clothing-shoes-hats": [("羽绒服", 400, 1800, "含绒量与标注不符"), ("运动鞋", 300, 1200, "穿了两周鞋底开胶"),
                            ("羊毛大衣", 600, 2500, "洗后严重缩水起球")],
    "vehicles": [("电动自行车", 2000, 5000, "电池续航远低于宣传"), ("二手轿车", 50000, 150000, "隐瞒泡水事故"),
                 ("汽车保养", 300, 1500, "更换的机油并非约定品牌")],
    "communication-products": [("智能手机", 1500, 7000, "频繁死机重启"), ("蓝牙耳机", 200, 1500, "左耳无声"),
                               ("智能手表", 500, 2500, "屏幕出现亮线")],
    "daily-goods": [("床上四件套", 200, 800, "严重掉色"), ("儿童玩具", 50, 400, "零件脱落存在吞咽风险"),
                    ("洗衣凝珠", 40, 150, "包装破损漏液")],
    "medicines-medical-supplies": [("血压计", 150, 600, "测量值误差很大"), ("保健食品", 300, 3000, "宣称可治疗疾病"),
                                   ("医用口罩", 30, 200, "无产品注册证号")],
    "cosmetics": [("面霜", 200, 1200, "使用后面部过敏红肿"), ("美白精华", 300, 1500, "成分与标签不一致")],
    "housing-building-materials": [("瓷砖", 3000, 20000, "铺贴后大面积空鼓"), ("实木门", 2000, 9000, "开裂变形"),
                                   ("整体橱柜", 8000, 30000, "板材甲醛味浓")],
    "tobacco-alcohol-beverages": [("白酒礼盒", 300, 3000, "疑似假冒"), ("果汁饮料", 10, 60, "瓶内有絮状物")],
    "jewellery": [("黄金手镯", 3000, 15000, "实际克重不足"), ("翡翠吊坠", 2000, 20000, "证书与实物不符")],
    "agricultural-inputs": [("小麦种子", 500, 5000, "出苗率极低"), ("复合肥", 300, 3000, "养分含量不足")],
    "living-services": [("美容美发会员卡", 1000, 8000, "门店关闭无法消费"), ("家政保洁服务", 200, 800, "损坏家具拒不赔偿"),
                        ("干洗服务", 50, 300, "衣物洗坏"), ("婚庆服务", 5000, 30000, "服务内容缩水")],
    "internet-services": [("网购平台订单", 100, 3000, "商家拒绝七日无理由退货"), ("视频会员自动续费", 15, 300, "未经同意自动扣费"),
                          ("网络游戏充值", 100, 5000, "账号被封且不退款"), ("外卖平台服务", 20, 150, "配送超时且拒绝赔付")],
    "education-training": [("少儿英语培训课", 3000, 20000, "机构停课拒不退费"), ("职业技能培训", 2000, 15000, "承诺的证书无法取得")],
    "culture-entertainment-sports": [("健身房年卡", 1500, 6000, "健身房突然闭店"), ("演唱会门票", 300, 2000, "演出取消退款迟迟未到")],
    "telecom-services": [("宽带套餐", 500, 2000, "网速远低于承诺"), ("手机资费套餐", 50, 500, "被擅自变更套餐")],
    "travel-services": [("跟团游", 2000, 10000, "强制购物"), ("酒店预订", 300, 2000, "到店后无房")],
    "sales-services": [("预付费购物卡", 500, 5000, "商家跑路无法使用"), ("以旧换新活动", 500, 3000, "补贴未兑现")],
    "public-utilities": [("停车服务", 20, 200, "收费标准未公示")],
    "renovation-property-services": [("家装工程", 20000, 150000, "工期严重拖延且质量差"), ("物业服务", 1000, 5000, "收费项目与合同不符")],
    "financial-services": [("分期购物服务", 2000, 20000, "隐藏高额手续费")],
    "insurance-services": [("随车保险", 500, 5000, "被捆绑销售")],
    "health-care-services": [("口腔诊所种植牙", 5000, 30000, "术后反复疼痛"), ("医美项目", 3000, 50000, "效果与宣传严重不符")],
    "postal-services": [("快递服务", 10, 3000, "包裹丢失赔偿过低"), ("同城配送", 20, 500, "物品损毁")],
}
OPENINGS = ["{date}在{where}购买了{product}，", "本人于{date}通过{where}购买{product}，", "{date}在{where}消费{product}，",
            "我在{date}于{where}办理了{product}，"]
PROBLEM_TEXTS = {
    "quality": ["使用不到{days}天即出现{issue}。", "收货后发现{issue}，联系商家多次未果。", "{issue}，商家称属正常现象。"],
    "safety": ["{issue}，存在安全隐患，家中有老人小孩十分担心。", "使用过程中{issue}，险些造成人身伤害。"],
    "after-sales": ["{issue}，申请售后后商家一直推诿，{days}天过去仍未处理。", "{issue}，客服电话无人接听，售后承诺未兑现。"],
    "contract": ["{issue}，商家未按合同约定履行义务，要求解除合同被拒。", "签订合同时商家口头承诺的内容未兑现，{issue}。"],
    "price": ["结账时实际收费高于标价，且{issue}。", "同一商品次日降价，商家拒绝保价；{issue}。"],
    "false-advertising": ["商家宣传与实际严重不符，{issue}。", "直播间宣称“全网最低价、假一赔十”，实际{issue}。"],
    "measurement": ["复称后发现短斤少两，且{issue}。", "计量器具疑似被改动，{issue}。"],
    "counterfeit": ["经品牌方鉴定为假冒产品，{issue}。", "包装印刷粗糙，疑似假冒，{issue}。"],
    "personal-dignity": ["维权时遭到店员辱骂，{issue}。", "被店员当众搜包，{issue}。"],
    "personal-information": ["购买后频繁接到推销电话，怀疑个人信息被泄露，{issue}。", "商家强制要求人脸识别才能消费，{issue}。"],
}
REQUESTS = ["要求退货退款。", "要求更换合格商品。", "要求免费维修并赔偿损失。", "要求按规定三倍赔偿。",
            "要求退还剩余费用。", "要求商家赔礼道歉并赔偿。", "要求依法处理。"]
REPORT_TEXTS = ["该经营者{issue}，涉嫌销售不合格商品，请依法查处。", "该店铺{issue}，涉嫌虚假宣传，请核查。",
                "发现该经营者无证经营，且{issue}，请依法处理。", "该商家{issue}，涉嫌价格欺诈，请查处。"]
DECLINE_NOTES = {
    DeclineGround.NOT_COMPETENT: "所涉事项不属于市场监督管理部门职责，已告知向有关部门反映",
    DeclineGround.HANDLED_ELSEWHERE: "该纠纷已由消费者协会调解处理",
    DeclineGround.NOT_DAILY_CONSUMPTION: "所购商品用于经营，不属于生活消费",
    DeclineGround.TIME_BARRED: "自知道权益受侵害之日起已超过三年",
    DeclineGround.MATERIALS_MISSING: "经告知补正后仍未提供必要的投诉材料",
}
OUTCOME_NOTES = {
    MediationOutcome.AGREEMENT: "经调解，双方达成调解协议，经营者已履行",
    MediationOutcome.WITHDRAWN: "投诉人撤回投诉",
    MediationOutcome.SETTLED_BY_PARTIES: "调解过程中双方自行和解",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲辉鹏飞斌宇浩凯鑫晨欣怡佳雪婷博文俊峰亮海波慧莉颖"
UNKNOWN_SHOPS = ["手机店", "服装店", "小吃店", "美容店", "健身房", "超市", "烟酒店", "水果店", "培训机构", "家电维修部"]
CHANNELS = [(ComplaintChannel.PORTAL, 45), (ComplaintChannel.NATIONAL_PLATFORM, 27), (ComplaintChannel.HOTLINE, 23),
            (ComplaintChannel.OFFICER, 5)]


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=_zone())


@cache
def _zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


class _Draft:
    """A complaint's columns as plain attributes, starting from the model's defaults: what the model's
    deadline functions read and `_write` inserts (a model instance costs ~0.2 ms to build, the city has
    150,000). `district` is the handling unit itself."""

    def __init__(self, **values):
        self.__dict__.update(_defaults(), district=None, pk=None, **values)


@cache
def _defaults() -> dict[str, Any]:
    return {f.attname: f.get_default() for f in Complaint._meta.concrete_fields if not f.primary_key}


@dataclass
class _Row:
    """One complaint or report before it is written: its fields and its history, each step with its day."""

    complaint: _Draft
    events: list[tuple] = field(default_factory=list)  # (kind, at, note, from_unit_id, to_unit_id, public, by)
    split_of: int | None = None  # index of the complaint a report was split from
    escalation: ComplaintEscalation | None = None
    credit: bool = False
    reward: Reward | None = None


@dataclass
class _Drawn:
    """A chunk of drawn rows as `_write` inserts them: plain values, cheap to pickle back from the helper process
    (a chunk of `_Row`s with their drafts took longer to pickle and unpickle than to draw)."""

    complaints: list[tuple] = field(default_factory=list)  # the columns of `_defaults()`, in its order
    events: list[list[tuple]] = field(default_factory=list)  # each one's history: (kind, at, by id, from, to, note, public)
    split_of: list[int | None] = field(default_factory=list)  # the complaint of the chunk a report was split from
    rewards: list[tuple[int, Reward]] = field(default_factory=list)  # (index in the chunk, reward)
    escalations: list[tuple[int, ComplaintEscalation]] = field(default_factory=list)
    credit: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # credit event rows without source_ref
    counts: collections.Counter = field(default_factory=collections.Counter)

    @classmethod
    def of(cls, rows: list[_Row], categories: dict[int, str], problems: dict[int, str]) -> _Drawn:
        drawn, values = cls(), operator.attrgetter(*_defaults())
        for index, row in enumerate(rows):
            c = row.complaint
            drawn.complaints.append(values(c))
            drawn.events.append([(str(kind), at, by.pk if by else None, from_unit, to_unit, note, public)
                                 for kind, at, note, from_unit, to_unit, public, by in row.events])
            drawn.split_of.append(row.split_of)
            if row.reward is not None:
                drawn.rewards.append((index, row.reward))
            if row.escalation is not None:
                drawn.escalations.append((index, row.escalation))
            if row.credit:  # the credit event the closing service records for a substantiated complaint or report
                what = "举报" if c.kind == ComplaintKind.REPORT_TIP else "投诉"
                topic = "、".join(n for n in (categories.get(c.category_id), problems.get(c.problem_type_id)) if n)
                drawn.credit.append((index, {
                    "enterprise_id": c.respondent_id, "kind": CreditEventKind.SUBSTANTIATED_COMPLAINT,
                    "occurred_on": c.closed_on, "source_authority": f"{c.district.name}市场监督管理局",
                    "summary": f"{topic}方面的{what}经查证属实（查询编号 {c.tracking_number}）"}))
            drawn.counts[c.kind] += 1
            drawn.counts["open"] += c.closed_on is None
        return drawn


class _Generator:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng("complaints")
        self.city = ctx.demo_city
        self.districts = {u.pk: u for u in ctx.demo_city_units}
        self.by_name = {u.name: u for u in self.districts.values()}
        self.categories = {c.code: c for c in ComplaintCategory.objects.all()}
        self.problems = {p.code: p for p in ProblemType.objects.all()}
        self.categories_by_pk = {c.pk: c.name for c in self.categories.values()}
        self.problems_by_pk = {p.pk: p.name for p in self.problems.values()}
        users = {u.username: u for u in User.objects.filter(username__in=["handler", "jinshui-handler"])}
        self.city_handler = users.get("handler")
        self.district_handler = users.get("jinshui-handler")
        self.roads = _roads()
        self.members: dict[int, datetime.date] = {}
        self.numbers = 0  # the tracking numbers given so far

    # --- the registry ---------------------------------------------------------------------------------

    def pool(self) -> dict[str, list[tuple]]:
        """category code → respondents (id, name, uscc, address, district id, industry) selling what it is about."""
        fields = ("id", "name", "uscc", "address", "org_unit_id", "industry_code")
        active = Enterprise.objects.filter(status="active")
        total = active.count()
        if total <= POOL_SIZE:
            rows = list(active.order_by("id").values_list(*fields))
        else:
            first, last = self.ctx.results.get("enterprise_ids") or (
                Enterprise.objects.order_by("id").values_list("id", flat=True).first(),
                Enterprise.objects.order_by("-id").values_list("id", flat=True).first())
            ids = sorted(set(self.rng.sample(range(first, last + 1), min(POOL_SIZE * 2, last - first + 1))))
            rows = []
            for i in range(0, len(ids), BATCH):
                rows += active.filter(pk__in=ids[i:i + BATCH]).values_list(*fields)
        units = {u.pk: u for u in OrgUnit.objects.all()}
        district_of = {}
        for unit in units.values():  # an enterprise of a street belongs to its district's regulator
            district_of[unit.pk] = next((d.pk for d in self.districts.values() if unit.path.startswith(d.path)), None)
        rows = [(*r[:4], district_of.get(r[4]), r[5]) for r in rows if district_of.get(r[4])]
        out: dict[str, list[tuple]] = {code: [] for code in CATEGORY_SHARES}
        for row in rows:
            for code, prefixes in CATEGORY_INDUSTRIES.items():
                if row[5].startswith(prefixes):
                    out[code].append(row)
        self.any_rows = rows
        return out

    def memberships(self) -> list[DirectSettlementMembership]:
        """Direct settlement (ODR): the demo enterprise and about one in ten enterprises with an account joined
        before the year of operations (an enterprise answers settlements through its account)."""
        demo = self.ctx.results.get("demo_enterprise")
        with_accounts = sorted(set(User.objects.filter(enterprise__isnull=False).values_list("enterprise_id", flat=True)))
        chosen = {e for e in with_accounts if self.rng.random() < 0.1}
        if demo is not None:
            chosen.add(demo.pk)
        joined = self.ctx.workday(self.ctx.year_start - _days(60))
        self.members = {pk: joined for pk in chosen}
        return [DirectSettlementMembership(enterprise_id=pk, joined_on=joined) for pk in sorted(chosen)]

    # --- one row ----------------------------------------------------------------------------------------

    def person(self, c: _Draft, district_name: str) -> None:
        rng = self.rng
        c.person_name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        c.person_phone = f"1380000{rng.randint(0, 9999):04d}"
        c.phone_last4 = c.person_phone[-4:]
        birth = datetime.date(rng.randint(1990, 2005), rng.randint(1, 12), rng.randint(1, 28))  # 410105 since 1990
        c.person_id_number = _id_number(f"410105{birth:%Y%m%d}{rng.randint(0, 999):03d}")
        road = rng.choice(self.roads.get(district_name) or ["人民路"])
        c.person_address = f"郑州市{district_name}{road}{rng.randint(1, 300)}号院{rng.randint(1, 20)}号楼"

    def texts(self, c: _Draft, category: str, problem: str, where: str, received: datetime.date) -> None:
        rng = self.rng
        product, low, high, issue = rng.choice(PRODUCTS[category])
        bought = received - _days(rng.randint(1, 60))
        c.product = product
        c.amount = Decimal(rng.randint(low, high))
        c.harm_known_on = received - _days(rng.randint(0, 20))
        opening = rng.choice(OPENINGS).format(date=f"{bought.month}月{bought.day}日", where=where, product=product)
        detail = rng.choice(PROBLEM_TEXTS[problem]).format(issue=issue, days=rng.randint(3, 30))
        amount = f"涉及金额{c.amount}元。"
        if c.kind == ComplaintKind.REPORT_TIP:
            c.facts = opening + rng.choice(REPORT_TEXTS).format(issue=issue)
            c.request = "请依法查处。"
        else:
            c.facts = opening + detail + amount
            c.request = rng.choice(REQUESTS)
        c.subject = f"{product}{self.problems[problem].name}问题" if problem in self.problems else product

    def build(self, received_at: datetime.datetime, plan: dict | None = None) -> _Row:
        """A complaint or report received at `received_at`; `plan` forces draws (the fresh work of the demo
        district and the demo enterprise): kind, category, respondent, and the working days of each step."""
        rng, plan = self.rng, plan or {}
        received = timezone.localdate(received_at)
        kind = plan.get("kind") or (ComplaintKind.COMPLAINT if rng.random() < 0.8 else ComplaintKind.REPORT_TIP)
        anonymous = kind == ComplaintKind.REPORT_TIP and plan.get("anonymous", rng.random() < 0.25)
        channel = rng.choices(*zip(*CHANNELS, strict=True))[0]
        if channel == ComplaintChannel.OFFICER and received.weekday() >= 5:  # the window is closed at weekends
            channel = ComplaintChannel.PORTAL
        category = plan.get("category") or rng.choices(self.category_codes, self.category_weights)[0]
        problem = rng.choices(self.problem_codes, self.problem_weights)[0]
        self.numbers += 1
        category_id = self.categories[category].pk if category in self.categories else None
        problem_id = self.problems[problem].pk if problem in self.problems else None
        c = _Draft(tracking_number=f"TS{received:%Y%m%d}{self.numbers:06d}", kind=kind, channel=channel,
                   received_at=received_at, received_on=received, anonymous=anonymous,
                   reporter_channel=ReporterChannel.NONE if anonymous else ReporterChannel.SMS,
                   category_id=category_id, problem_type_id=problem_id, suggested_category_id=category_id,
                   suggested_problem_type_id=problem_id, category_code=category)
        if channel == ComplaintChannel.NATIONAL_PLATFORM:
            c.source_ref = f"12315-{received:%Y%m%d}-{self.numbers:07d}"
        row = _Row(c)
        # the respondent: one of the registry that sells it (most), or a shop the registry does not know
        roll = rng.random()
        if "respondent" in plan:
            respondent = plan["respondent"]
        elif roll < 0.9:
            candidates = self.candidates.get(category) or self.any_rows
            respondent = rng.choice(candidates) if candidates else None
        else:
            respondent = None
        district = None
        if respondent is not None:
            ent_id, name, uscc, address, district_id, _industry = respondent
            c.respondent_id, c.respondent_name, c.respondent_uscc = ent_id, name, uscc
            c.respondent_address = address
            district = self.districts[district_id]
            c.routing_method = RoutingMethod.REGISTRY
        else:
            shop = rng.choice(UNKNOWN_SHOPS)
            if roll < 0.97 and not plan.get("no_place"):  # an address on a road of the city, without the district: the gazetteer places it
                district = rng.choice(list(self.districts.values()))
                road = rng.choice(self.roads.get(district.name) or ["人民路"])
                c.respondent_name = f"{road}{shop}"
                c.respondent_address = f"郑州市{road}{rng.randint(1, 400)}号"
                c.routing_method = RoutingMethod.GAZETTEER
            else:  # nothing to place it by: the city's triage queue
                c.respondent_name = f"某{shop}（名称不详）"
                c.respondent_address = "地址不详"
                c.routing_method = RoutingMethod.TRIAGE
        where = c.respondent_name
        if category in ONLINE_CATEGORIES and respondent is not None and rng.random() < 0.3:
            c.platform_name = rng.choice(PLATFORMS)
            where = f"{c.platform_name}平台上的店铺“{c.respondent_name}”"
        self.texts(c, category, problem, where, received)
        if not anonymous:
            self.person(c, (district or rng.choice(list(self.districts.values()))).name)
        row.events.append((ComplaintEventKind.RECEIVED, received_at, choice_label(ComplaintChannel, c.channel), None, None, True, None))
        self.route(row, district, plan)
        return row

    def step(self, plan: dict, key: str, low: int, high: int) -> int:
        """Working days until the next step: drawn, or forced by the plan (99: not yet)."""
        return plan[key] if key in plan else self.rng.randint(low, high)

    def route(self, row: _Row, district: OrgUnit | None, plan: dict) -> None:
        rng, ctx, c = self.rng, self.ctx, row.complaint
        received, last = c.received_on, ctx.last_workday
        clock = received
        if c.routing_method == RoutingMethod.TRIAGE:  # assigned by the city's handler the next working days
            routed = ctx.workday(received, self.step(plan, "triage", 1, 2))
            if routed > last:
                c.status = ComplaintStatus.TRIAGE
                return
            district = rng.choice(list(self.districts.values()))
            c.routing_note = "经核实经营地址，分派至属地"
            row.events.append((ComplaintEventKind.ROUTED, _at(routed, 10), c.routing_note, None, district.pk, True,
                               self.city_handler))
            clock = routed
        else:
            at = c.received_at + datetime.timedelta(minutes=2)
            row.events.append((ComplaintEventKind.ROUTED, at, choice_label(RoutingMethod, c.routing_method), None, district.pk, True,
                               None))
            if "plan" not in plan and rng.random() < 0.02:  # sent to the wrong unit first: transferred
                wrong, district = district, rng.choice([d for d in self.districts.values() if d != district])
                moved = ctx.workday(received, rng.randint(1, 3))
                if moved <= last:
                    c.routing_method, c.routing_note = RoutingMethod.TRANSFER, "经营场所不在本辖区，移送有管辖权的单位"
                    row.events.append((ComplaintEventKind.TRANSFERRED, _at(moved, 11), c.routing_note, wrong.pk,
                                       district.pk, True, None))
                    clock = moved
                else:
                    district = wrong
        c.district, c.org_unit_id = district, district.pk
        c.handler = self.district_handler if district.pk == self.demo_district_pk else None
        c.handler_id = c.handler.pk if c.handler else None
        if c.kind == ComplaintKind.COMPLAINT:
            self.complaint_flow(row, clock, plan)
        else:
            self.report_flow(row, clock, plan)

    def late(self, plan: dict, share: float) -> bool:
        return plan.get("late", self.rng.random() < share)

    def due(self, code: str, start: datetime.date) -> datetime.date:
        return deadlines.deadline(code, start).on

    def complaint_flow(self, row: _Row, clock: datetime.date, plan: dict) -> None:
        rng, ctx, c = self.rng, self.ctx, row.complaint
        last, by = ctx.last_workday, c.handler
        c.status = ComplaintStatus.RECEIVED
        if c.respondent_id in self.members and self.members[c.respondent_id] <= c.received_on:
            c.status, c.settlement_started_on = ComplaintStatus.DIRECT_SETTLEMENT, c.received_on
            row.events.append((ComplaintEventKind.SETTLEMENT_STARTED, c.received_at + datetime.timedelta(minutes=3),
                               "", None, None, True, None))
            window = self.due("complaint-direct-settlement", c.received_on)
            answered = ctx.workday(c.received_on, self.step(plan, "answer", 1, 12))
            if answered > window:  # no answer in the window: back to the regulator's clock
                lapsed = ctx.workday(window, 1)
                if lapsed > last:
                    return
                row.events.append((ComplaintEventKind.SETTLEMENT_LAPSED, _at(lapsed, 0, 30), "", None, None, True, None))
                clock = lapsed
            elif answered > last:
                return
            else:
                settled = rng.random() < 0.65
                c.settlement_answer = SettlementAnswer.SETTLED if settled else SettlementAnswer.NOT_SETTLED
                c.settlement_answered_at = _at(answered, rng.randint(9, 17))
                c.settlement_note = "已与消费者协商一致，办理退款" if settled else "经协商，双方未能达成一致"
                row.events.append((ComplaintEventKind.SETTLEMENT_ANSWERED, c.settlement_answered_at,
                                   choice_label(SettlementAnswer, c.settlement_answer), None, None, True, None))
                if not settled:
                    clock = answered
                else:
                    confirmed = ctx.workday(answered, rng.randint(0, 3))
                    if confirmed > last:
                        return
                    c.status, c.closed_on, c.remedy = ComplaintStatus.SETTLED, confirmed, Remedy.REFUND
                    c.amount_recovered = c.amount
                    row.events.append((ComplaintEventKind.SETTLEMENT_CONFIRMED, _at(confirmed, 20), "", None, None,
                                       True, None))
                    self.rate(row, plan)
                    return
            c.status = ComplaintStatus.RECEIVED
        c.acceptance_clock_from = clock
        deadline = self.due("complaint-acceptance-decision", clock)
        decided = (ctx.workday(deadline, rng.randint(1, 6)) if self.late(plan, 0.015)
                   else ctx.workday(clock, self.step(plan, "decide", 1, 6)))
        if decided > last:
            self.escalate(row, deadline, "acceptance_deadline")
            return
        if plan.get("decline", rng.random() < 0.12):
            ground = rng.choices(list(DECLINE_NOTES), (40, 15, 15, 10, 20))[0]
            if ground == DeclineGround.TIME_BARRED:
                c.harm_known_on = c.received_on - _days(365 * 3 + rng.randint(20, 300))
            c.status, c.decline_ground, c.decision_note, c.closed_on = (ComplaintStatus.DECLINED, ground,
                                                                        DECLINE_NOTES[ground], decided)
            row.events.append((ComplaintEventKind.DECLINED, _at(decided, 15), c.decision_note, None, None, True, by))
            self.escalate(row, deadline, "acceptance_deadline", until=decided)
            self.rate(row, plan)
            return
        c.status, c.accepted_on, c.classification_confirmed = ComplaintStatus.ACCEPTED, decided, True
        row.events.append((ComplaintEventKind.CLASSIFIED, _at(decided, 14, 50), "", None, None, False, by))
        row.events.append((ComplaintEventKind.ACCEPTED, _at(decided, 15), "", None, None, True, by))
        self.escalate(row, deadline, "acceptance_deadline", until=decided)
        started = ctx.workday(decided, self.step(plan, "mediate", 1, 5))
        if started > last:
            return
        c.status, c.mediator_id = ComplaintStatus.MEDIATING, c.handler_id
        c.mediation_mode = MediationMode.REMOTE if rng.random() < 0.6 else MediationMode.ON_SITE
        row.events.append((ComplaintEventKind.MEDIATION_STARTED, _at(started, 9, 30), choice_label(MediationMode, c.mediation_mode),
                           None, None, True, by))
        limit = self.due("complaint-mediation-limit", decided)
        ends = ctx.workday(started, self.step(plan, "end", 3, 32))
        if rng.random() < 0.05:  # a test of the goods suspends the mediation
            since = ctx.workday(started, rng.randint(1, 5))
            resumed = ctx.workday(since, rng.randint(5, 15))
            if since <= last:
                c.suspended_since, c.suspension_reason = since, SuspensionReason.TESTING
                row.events.append((ComplaintEventKind.SUSPENDED, _at(since, 16), choice_label(SuspensionReason, c.suspension_reason),
                                   None, None, True, by))
                if resumed <= last:
                    c.suspended_since, c.suspended_working_days = None, len(ctx.workdays(since, resumed)) - 1
                    row.events.append((ComplaintEventKind.RESUMED, _at(resumed, 9), "检测报告已出具", None, None, True, by))
                    limit = ctx.workday(limit, c.suspended_working_days)
                    ends = ctx.workday(ends, c.suspended_working_days)
                else:
                    return
        if self.late(plan, 0.015):
            ends = ctx.workday(limit, rng.randint(1, 8))
        if rng.random() < 0.03 and ctx.workday(started, 2) <= last:  # a violation clue found in mediation
            c.clue_found_on = ctx.workday(started, 2)
            verified = ctx.workday(c.clue_found_on, rng.randint(5, 15))
            if verified <= last:
                c.clue_verified_on = verified
                row.events.append((ComplaintEventKind.CLUE_VERIFIED, _at(verified, 16),
                                   "已移交执法机构按行政处罚程序办理", None, None, False, by))
        if ends > last:
            self.escalate(row, limit, "mediation_deadline")
            return
        self.escalate(row, limit, "mediation_deadline", until=ends)
        c.closed_on, c.closed_late = ends, ends > limit
        roll = rng.random()
        if roll < 0.22:
            ground = rng.choices([TerminationGround.IMPASSE, TerminationGround.ABSENT_OR_REFUSED,
                                  TerminationGround.NO_TEST_AGREEMENT, TerminationGround.OTHER], (50, 30, 10, 10))[0]
            if c.closed_late:
                ground = TerminationGround.TIME_LIMIT
            c.status, c.termination_ground, c.remedy = ComplaintStatus.TERMINATED, ground, Remedy.NONE
            row.events.append((ComplaintEventKind.TERMINATED, _at(ends, 16), choice_label(TerminationGround, c.termination_ground), None,
                               None, True, by))
        else:
            outcome = (MediationOutcome.AGREEMENT if roll < 0.78 else
                       MediationOutcome.SETTLED_BY_PARTIES if roll < 0.89 else MediationOutcome.WITHDRAWN)
            c.status, c.outcome = ComplaintStatus.CLOSED, outcome
            if outcome == MediationOutcome.WITHDRAWN:
                c.remedy = Remedy.NONE
            else:
                c.remedy = rng.choices([Remedy.REFUND, Remedy.REPLACEMENT, Remedy.REPAIR, Remedy.COMPENSATION,
                                        Remedy.APOLOGY], (40, 15, 15, 25, 5))[0]
                share = Decimal(rng.choice((30, 50, 80, 100, 100, 100))) / 100
                c.amount_recovered = (c.amount * share).quantize(Decimal("0.01"))
                c.substantiated = rng.random() < 0.35
                row.credit = c.substantiated and c.respondent_id is not None
            row.events.append((ComplaintEventKind.CLOSED, _at(ends, 16), OUTCOME_NOTES[outcome], None, None, True, by))
        self.rate(row, plan)

    def report_flow(self, row: _Row, clock: datetime.date, plan: dict) -> None:
        rng, ctx, c = self.rng, self.ctx, row.complaint
        last, by = ctx.last_workday, c.handler
        c.status, c.acceptance_clock_from = ComplaintStatus.RECEIVED, clock
        checked = ctx.workday(clock, self.step(plan, "check", 1, 3))
        if checked > last:
            return
        c.status, c.classification_confirmed = ComplaintStatus.VERIFYING, True
        row.events.append((ComplaintEventKind.CLASSIFIED, _at(checked, 10), "", None, None, False, by))
        c.tip_check_extended = rng.random() < 0.05
        deadline = complaint_deadlines.acceptance_deadline(c).on
        decided = (ctx.workday(deadline, rng.randint(1, 5)) if self.late(plan, 0.01) else
                   ctx.workday(clock, self.step(plan, "decide", 16, 27) if c.tip_check_extended
                               else self.step(plan, "decide", 4, 14)))
        if c.tip_check_extended and ctx.workday(clock, 14) <= last:
            row.events.append((ComplaintEventKind.EXTENDED, _at(ctx.workday(clock, 14), 16), "案情复杂，经批准延长核查期限",
                               None, None, False, by))
        if decided > last:
            self.escalate(row, deadline, "acceptance_deadline")
            return
        self.escalate(row, deadline, "acceptance_deadline", until=decided)
        c.tip_decided_on = decided
        if plan.get("opened", rng.random() < 0.35):
            c.tip_decision, c.status = ReportTipDecision.CASE_OPENED, ComplaintStatus.CASE_OPENED
            c.case_number = f"{c.district.name[:2]}市监立〔{decided.year}〕{row.complaint.tracking_number[-5:]}号"
            row.events.append((ComplaintEventKind.CASE_OPENED, _at(decided, 16), "", None, None, False, by))
        else:
            c.tip_decision, c.status, c.closed_on = ReportTipDecision.NOT_OPENED, ComplaintStatus.CLOSED, decided
            c.decision_note = "经核查，未发现违法事实"
            row.events.append((ComplaintEventKind.NOT_OPENED, _at(decided, 16), c.decision_note, None, None, False, by))
        if not c.anonymous:
            notice = self.due("report-tip-case-notice", decided)
            told = ctx.workday(decided, rng.randint(1, 4))
            if told <= last:
                c.reporter_notified_on = told
                row.events.append((ComplaintEventKind.REPORTER_NOTIFIED, _at(told, 11), choice_label(ReporterChannel, c.reporter_channel),
                                   None, None, True, by))
            else:
                self.escalate(row, notice, "reporter_notice_deadline")
        if c.tip_decision == ReportTipDecision.CASE_OPENED:
            closed = ctx.workday(decided, rng.randint(20, 90))
            if closed <= last:
                c.status, c.closed_on, c.substantiated = ComplaintStatus.CLOSED, closed, rng.random() < 0.85
                row.events.append((ComplaintEventKind.CLOSED, _at(closed, 16),
                                   "案件已办结，依法作出行政处罚" if c.substantiated else "案件已办结，违法事实不成立",
                                   None, None, False, by))
                row.credit = c.substantiated and c.respondent_id is not None
                if c.substantiated and not c.anonymous and rng.random() < 0.25:
                    row.reward = self.reward(c, closed)

    def reward(self, c: _Draft, closed: datetime.date) -> Reward | None:
        """A reward for a report that led to a penalty, at every status (the amounts are illustrative: the
        office's reward table decides real ones)."""
        rng, ctx, last = self.rng, self.ctx, self.ctx.last_workday
        fine = Decimal(rng.choice((5000, 10000, 20000, 50000, 100000, 300000)))
        grade = CaseGrade.GRADE_3 if fine < 50000 else CaseGrade.GRADE_2 if fine < 300000 else CaseGrade.GRADE_1
        proposed = ctx.workday(closed, rng.randint(1, 10))
        if proposed > last:
            return None
        reward = Reward(grade=grade, fine_amount=fine, amount=min(max(fine * Decimal("0.05"), Decimal(200)),
                                                                   Decimal(100000)),
                        penalty_decision_number=f"{c.case_number.replace('立', '罚')}", proposed_on=proposed,
                        proposed_by_id=c.handler_id)
        decided = ctx.workday(proposed, rng.randint(3, 15))
        if decided > last:
            return reward
        reward.decided_on, reward.decided_by = decided, None
        if rng.random() < 0.15:
            reward.status, reward.decision_note = RewardStatus.REJECTED, "举报内容已在执法机关掌握之中"
            return reward
        reward.status = RewardStatus.APPROVED
        paid = ctx.workday(decided, rng.randint(5, 20))
        if paid <= last:
            reward.status, reward.paid_on, reward.payment_ref = RewardStatus.PAID, paid, f"JL{paid:%Y%m%d}{rng.randint(1, 999):03d}"
            reward.reporter_notified_at = _at(paid, 10)
        return reward

    def escalate(self, row: _Row, due: datetime.date, field: str, *, until: datetime.date | None = None) -> None:
        """Overdue work (`field` passed) is escalated the working day after its deadline (still open, or done
        late)."""
        day = self.ctx.workday(due, 1)
        if day <= self.ctx.last_workday and (until is None or day < until) and row.escalation is None:
            row.escalation = ComplaintEscalation(escalated_at=_at(day, 8, 30), deadline_field=field)
            row.events.append((ComplaintEventKind.ESCALATED, row.escalation.escalated_at, "已超过办理期限", None, None,
                               False, None))

    def rate(self, row: _Row, plan: dict) -> None:
        """About half of the complainants rate a finished complaint, within a few days."""
        rng, c = self.rng, row.complaint
        if c.kind != ComplaintKind.COMPLAINT or rng.random() > 0.55:
            return
        day = self.ctx.workday(c.closed_on, rng.randint(0, 4))
        if day > self.ctx.last_workday:
            return
        weights = ((2, 3, 10, 30, 55) if c.status in (ComplaintStatus.SETTLED, ComplaintStatus.CLOSED)
                   else (30, 25, 25, 12, 8))
        c.satisfaction = rng.choices((1, 2, 3, 4, 5), weights)[0]
        c.satisfaction_comment = {1: "处理结果不满意", 2: "处理太慢", 3: "", 4: "", 5: "处理及时，非常感谢"}[c.satisfaction]
        row.events.append((ComplaintEventKind.RATED, _at(day, 21), "", None, None, True, None))

    # --- the year -----------------------------------------------------------------------------------------

    def chunks(self, count: int) -> list[tuple[int, list[datetime.date] | None]]:
        """The year's `count` receipt days, drawn by season and cut into chunks of CHUNK, then a last chunk
        (None) for today's work: the arguments of `drawn`."""
        ctx = self.ctx
        self.candidates = self.pool()
        codes = [c for c in CATEGORY_SHARES if c in self.categories]
        self.category_codes, self.category_weights = codes, [CATEGORY_SHARES[c] for c in codes]
        problems = [p for p in PROBLEM_SHARES if p in self.problems] or list(PROBLEM_SHARES)
        self.problem_codes, self.problem_weights = problems, [PROBLEM_SHARES[p] for p in problems]
        days = [ctx.year_start + _days(k) for k in range((ctx.today - ctx.year_start).days)]
        picked = sorted(self.rng.choices(days, [_season(d) for d in days], k=count))
        self.demo_district_pk = ctx.demo_district.pk  # read here: the helper process draws without the database
        demo = ctx.results.get("demo_enterprise")
        self.demo_district_of = self._district_of(demo) if demo is not None else None
        chunks: list[tuple[int, list[datetime.date] | None]] = [
            (k, picked[start:start + CHUNK]) for k, start in enumerate(range(0, len(picked), CHUNK))]
        return [*chunks, (len(chunks), None)]

    def drawn(self, k: int, days: list[datetime.date] | None, now: datetime.datetime) -> _Drawn:
        """Chunk `k` of the year: a complaint or report received on each of `days` (a few reports split from
        them), or today's work (`days` None), with their deadlines, as the rows `_write` inserts. Its own random
        generator and block of tracking numbers, so the chunks can be drawn apart from one another."""
        self.rng, self.numbers = self.ctx.rng(f"complaints:{k}"), k * CHUNK_NUMBERS
        rows: list[_Row] = []
        for day in days or ():
            rows.append(self.build(_at(day, self.rng.randint(7, 21), self.rng.randint(0, 59))))
            if (rows[-1].complaint.kind == ComplaintKind.COMPLAINT and rows[-1].complaint.respondent_id
                    and self.rng.random() < 0.03):
                rows.append(self.split(rows[-1], len(rows) - 1))
        if days is None:
            rows = self.fresh()
        if self.numbers > (k + 1) * CHUNK_NUMBERS:
            raise ValueError(f"complaints chunk {k} used more tracking numbers than it is given")
        for row in rows:
            complaint_deadlines.refresh(row.complaint)
            row.complaint.created_at = row.complaint.updated_at = now
        return _Drawn.of(rows, self.categories_by_pk, self.problems_by_pk)

    def split(self, original: _Row, index: int) -> _Row:
        """A mixed submission: the complaint goes on, the report is split off and handled on its own."""
        c = original.complaint
        plan = {"kind": ComplaintKind.REPORT_TIP, "anonymous": False, "plan": True}
        respondent = (c.respondent_id, c.respondent_name, c.respondent_uscc, c.respondent_address, c.org_unit_id, "")
        row = self.build(c.received_at, {**plan, "respondent": respondent, "category": c.category_code})
        r = row.complaint
        r.person_name, r.person_phone, r.phone_last4 = c.person_name, c.person_phone, c.phone_last4
        r.person_id_number, r.person_address, r.channel = c.person_id_number, c.person_address, c.channel
        r.source_ref = None
        row.split_of = index
        note = "投诉与举报分开处理"
        original.events.insert(1, (ComplaintEventKind.SPLIT, c.received_at + datetime.timedelta(minutes=1), note,
                                   None, None, True, None))
        row.events.insert(1, (ComplaintEventKind.SPLIT, c.received_at + datetime.timedelta(minutes=1), note, None,
                              None, True, None))
        return row

    def fresh(self) -> list[_Row]:
        """Today's work: in the demo district a complaint to accept from the last working day and one whose
        decision is overdue, one accepted to mediate, one in mediation, a report to check; in the city's triage
        queue two without a known place; and for the demo enterprise complaints to settle (direct settlement)."""
        ctx, rng = self.ctx, self.rng
        demo = self.ctx.results.get("demo_enterprise")
        local = [r for r in self.any_rows if r[4] == self.demo_district_pk and r[0] not in self.members]
        rows = []

        def add(day: datetime.date, plan: dict, hour: int = 10) -> None:
            rows.append(self.build(_at(day, hour, rng.randint(0, 59)), plan))

        if local:
            for plan, day in [({"decide": 99}, ctx.last_workday), ({"decide": 99}, ctx.workday(ctx.today, -2)),
                              ({"decide": 99, "late": False}, ctx.workday(ctx.today, -10)),
                              ({"decide": 1, "decline": False, "mediate": 99, "late": False}, ctx.workday(ctx.today, -2)),
                              ({"decide": 2, "decline": False, "mediate": 1, "end": 99, "late": False},
                               ctx.workday(ctx.today, -25)),
                              ({"kind": ComplaintKind.REPORT_TIP, "anonymous": False, "check": 99}, ctx.last_workday)]:
                kind = plan.get("kind", ComplaintKind.COMPLAINT)
                add(day, {"kind": kind, "respondent": rng.choice(local), "plan": True, **plan})
        for _ in range(2):
            add(ctx.last_workday, {"kind": ComplaintKind.COMPLAINT, "triage": 99, "plan": True, "respondent": None,
                                   "no_place": True}, hour=16)
        if demo is not None and demo.pk in self.members:
            own = (demo.pk, demo.name, demo.uscc, demo.address, self.demo_district_of, demo.industry_code)
            category = next((code for code, prefixes in CATEGORY_INDUSTRIES.items()
                             if demo.industry_code.startswith(prefixes)), None)
            if own[4] is not None:
                for _ in range(DEMO_ENTERPRISE_ROWS):
                    day = ctx.year_start + _days(rng.randint(0, (ctx.today - ctx.year_start).days - 30))
                    add(day, {"kind": ComplaintKind.COMPLAINT, "respondent": own, "category": category, "plan": True})
                for day in (ctx.last_workday, ctx.workday(ctx.today, -3)):
                    add(day, {"kind": ComplaintKind.COMPLAINT, "respondent": own, "category": category, "answer": 99,
                              "plan": True})
        return rows

    def _district_of(self, enterprise: Enterprise) -> int | None:
        path = enterprise.org_unit.path
        return next((d.pk for d in self.districts.values() if path.startswith(d.path)), None)


def _season(day: datetime.date) -> float:
    """Relative volume of a day: more around 3·15 and after Double 11 and 618, fewer over the Spring Festival
    (late January to February) and at weekends (the hotline and the window are closed)."""
    weight = {1: 0.9, 2: 0.7, 3: 1.15, 4: 1.0, 5: 1.0, 6: 1.05, 7: 1.0, 8: 1.0, 9: 0.95, 10: 0.9, 11: 1.15,
              12: 1.1}[day.month]
    if day.month == 3 and 8 <= day.day <= 22:
        weight *= 3.0 if day.day == 15 else 1.8
    if day.month == 11 and 11 <= day.day <= 25:
        weight *= 1.9
    if day.month == 6 and 18 <= day.day <= 25:
        weight *= 1.3
    return weight * (0.75 if day.weekday() >= 5 else 1.0)


def _id_number(first17: str) -> str:
    """GB 11643 check character: a number that passes a format check (the region and birth date are real,
    the person is not)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


@cache
def _roads() -> dict[str, list[str]]:
    """The roads of each district in the shipped gazetteer (an unknown shop's address names one, and routing
    places it there); the enterprise demo's road names for a district the gazetteer lists no road of."""
    with (Path(__file__).resolve().parent / "data" / "gazetteer_zhengzhou.json").open(encoding="utf-8") as handle:
        entries = json.load(handle)
    path = Path(__file__).resolve().parent.parent / "enterprises" / "data" / "demo_vocabulary.json"
    with path.open(encoding="utf-8") as handle:
        roads = {unit: list(names) for unit, names in json.load(handle)["roads"].items()}
    gazetteer: dict[str, list[str]] = {}
    for entry in entries:
        if entry["kind"] == "road":
            gazetteer.setdefault(entry["unit"], []).append(entry["name"])
    return roads | gazetteer


def generate(ctx) -> dict[str, Any]:
    if Complaint.objects.exists():
        ctx.progress("complaints: data already present, left as it is")
        return {"complaints": Complaint.objects.count()}
    classification_defaults_load()  # shipped after every migrate; a test database may not have them
    count = max(MIN_ROWS, min(MAX_ROWS, round(ctx.enterprise_count * ROWS_PER_ENTERPRISE)))
    generator = _Generator(ctx)
    memberships = generator.memberships()
    chunks = generator.chunks(count)
    now = timezone.now()
    # city scale: the helper process draws the next chunk while this one writes (the history's deadlines read
    # the legal durations once per process; nothing else it draws needs the database), unless the demo's
    # background work has the second core (PostgreSQL's grams index build): then drawing here beside it is faster
    helper = len(chunks) >= 3 and (os.cpu_count() or 1) > 1 and not ctx.background_busy()
    written: collections.Counter = collections.Counter()
    counts: collections.Counter = collections.Counter()
    credit: list[dict[str, Any]] = []
    with deadlines.memoized():
        drawing = made_in_helper(generator.drawn, [(k, days, now) for k, days in chunks], helper=helper)
        if not helper:  # all drawn first, beside the background work: dropping the foreign keys below waits for
            drawing = list(drawing)  # an index build on the tables they point at (PostgreSQL)
        with transaction.atomic():
            DirectSettlementMembership.objects.bulk_create(memberships)
            with foreign_keys_checked_once(Complaint, ComplaintEvent):
                for drawn in drawing:
                    written.update(_write(drawn, credit))
                    counts.update(drawn.counts)
            total = counts[ComplaintKind.COMPLAINT] + counts[ComplaintKind.REPORT_TIP]
            ctx.progress(f"complaints: {total:,} rows and {written['events']:,} history steps written")
            audit_record(action=AuditAction.IMPORT, by=None, object_type="complaints.complaint",
                         object_repr="demo complaints", message=f"demo: {total} complaints and reports loaded")
        credit_events = credit_events_load(rows=credit, by=None, note="complaints demo") if credit else 0
    refreshed = sum(computed_indicators_refresh(key=key, year=year) for year in ctx.platform_years for key in INDICATORS)
    return {"complaints": counts[ComplaintKind.COMPLAINT], "reports": counts[ComplaintKind.REPORT_TIP],
            "open": counts["open"], **written, "credit_events": credit_events,
            "direct_settlement_members": len(memberships), "indicator_values": refreshed}


def _write(drawn: _Drawn, credit: list[dict[str, Any]]) -> dict[str, int]:
    """A chunk's complaints and their history without the ORM (`core.bulk.rows_insert`: COPY on PostgreSQL): the
    ORM's bulk_create prepares each of ~90 columns row by row and field by field, and the history has ~6 steps
    a complaint. Ids are reserved first, so a report names the complaint it was split from as it is written. The
    chunk's credit events are added to `credit`, each naming its complaint."""
    ids = ids_reserve(Complaint, len(drawn.complaints))
    split_at = list(_defaults()).index("split_from_id")

    def complaints():
        for pk, values, split in zip(ids, drawn.complaints, drawn.split_of, strict=True):
            yield (pk, *values) if split is None else (pk, *values[:split_at], ids[split], *values[split_at + 1:])

    rows_insert(Complaint, ["id", *_defaults()], complaints())
    events = rows_insert(ComplaintEvent, ("complaint", "kind", "at", "by", "from_unit", "to_unit", "note", "public"),
                         ((pk, *event) for pk, history in zip(ids, drawn.events, strict=True) for event in history))
    for index, reward in drawn.rewards:
        reward.complaint_id = ids[index]
    Reward.objects.bulk_create([reward for _index, reward in drawn.rewards])
    for index, escalation in drawn.escalations:
        escalation.complaint_id = ids[index]
    ComplaintEscalation.objects.bulk_create([escalation for _index, escalation in drawn.escalations], batch_size=BATCH)
    credit += [{**row, "source_ref": credit_source_ref(SimpleNamespace(pk=ids[index]))} for index, row in drawn.credit]
    return {"events": events, "split": sum(split is not None for split in drawn.split_of),
            "rewards": len(drawn.rewards), "escalations": len(drawn.escalations)}


def reset(ctx) -> dict[str, Any]:
    """Delete the demo's complaints with their history, rewards and credit events, and the memberships."""
    with transaction.atomic():
        credit = CreditEvent.objects.filter(kind=CreditEventKind.SUBSTANTIATED_COMPLAINT,
                                            source_ref__startswith="complaint:").delete()[0]
        Reward.objects.all().delete()
        ComplaintAttachment.objects.all().delete()
        events = ComplaintEvent.objects.all().delete()[0]
        ComplaintEscalation.objects.all().delete()
        Complaint.objects.update(split_from=None)
        complaints = Complaint.objects.all().delete()[0]
        members = DirectSettlementMembership.objects.all().delete()[0]
    return {"complaints_deleted": complaints, "complaint_events_deleted": events, "credit_events_deleted": credit,
            "direct_settlement_members_deleted": members}
