"""Synthetic market entities for the demo city: valid credit codes, Chinese names, real road names.

`city` scale is 1.5 million enterprises and must generate and load in under three minutes on SQLite and
on PostgreSQL, so rows are built from precomputed tables (pinyin initials per name part, checksum
partial sums per code half) and written without the ORM: one `executemany` on SQLite, COPY on
PostgreSQL, with the text-search indexes built once at the end instead of row by row.

Everything is deterministic for a seed and a last day (registrations run up to the day before the
demo's `today`). Rows are made in fixed-size chunks, each with its own `random.Random`, so the first N
rows are the same whatever the total, and chunks can be made in a second process while the first one
writes.
"""

from __future__ import annotations

import bisect
import datetime
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from random import Random
from typing import Any, NamedTuple

from pypinyin import Style, lazy_pinyin

CHUNK = 50_000
FIRST_DAY = datetime.date(1995, 1, 1)  # the registry's oldest entities; the last day is the caller's
DEMO_MARKER = "demo enterprises"  # object_repr of the audit event that records each generated id range

# --- unified social credit code (GB 32100-2015) and organisation code (GB 11714-1997) ---------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CITY_DIVISION_CODE = "410100"
# Registration authority 9 (市场监管/工商); entity category 1 enterprise, 2 individual business,
# 3 farmers' cooperative.
_CATEGORY = {"individual_business": "2", "cooperative": "3"}


def _org_value(c: str) -> int:
    """GB 11714 character value: digits as themselves, letters A=10 … Z=35."""
    return int(c) if c.isdigit() else ord(c) - 55


def organisation_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (weights 3,7,9,10,5,8,4,2, mod 11)."""
    remainder = 11 - _org_partial(body, _ORG_WEIGHTS) % 11
    return "X" if remainder == 10 else "0" if remainder == 11 else str(remainder)


def _uscc_partial(chars: str, weights: Sequence[int]) -> int:
    return sum(_USCC_VALUE[c] * w for c, w in zip(chars, weights, strict=True))


def _org_partial(chars: str, weights: Sequence[int]) -> int:
    return sum(_org_value(c) * w for c, w in zip(chars, weights, strict=True))


class _CodeTables:
    """Checksums split into halves: a code is two table lookups and a few additions, not 26 multiplications.

    An organisation code body is either 8 digits (older registrations) or "MA"-style: two letters and
    six base-31 characters (registrations since the 2015 reform). Each half-table entry is
    (characters, GB 11714 partial sum, GB 32100 partial sum) for the positions that half occupies.
    """

    def __init__(self) -> None:
        digits4 = [f"{n:04d}" for n in range(10_000)]
        self.d_hi = [(s, _org_partial(s, (3, 7, 9, 10)), _uscc_partial(s, (20, 29, 25, 13))) for s in digits4]
        self.d_lo = [(s, _org_partial(s, (5, 8, 4, 2)), _uscc_partial(s, (8, 24, 10, 30))) for s in digits4]
        a = USCC_ALPHABET
        base3 = [a[n // 961] + a[n // 31 % 31] + a[n % 31] for n in range(31 ** 3)]
        self.a_hi = [(s, _org_partial(s, (9, 10, 5)), _uscc_partial(s, (25, 13, 8))) for s in base3]
        self.a_lo = [(s, _org_partial(s, (8, 4, 2)), _uscc_partial(s, (24, 10, 30))) for s in base3]
        self.check_org = ["0" if r == 0 else "X" if r == 1 else str(11 - r) for r in range(11)]
        self.check_value = {c: _USCC_VALUE[c] * 28 for c in "0123456789X"}

    def prefix(self, letters: str) -> tuple[str, int, int]:
        return letters, _org_partial(letters, (3, 7)), _uscc_partial(letters, (20, 29))


@cache
def _code_tables() -> _CodeTables:
    return _CodeTables()


def uscc_prefix_sum(head: str) -> int:
    """Weighted sum of the first 8 characters (authority, category, division code)."""
    return _uscc_partial(head, _USCC_WEIGHTS[:8])


# --- names, places, industries --------------------------------------------------------------------

# Share of the city's market entities per unit (per mille). Unknown units (another city) get 30.
UNIT_WEIGHTS = {
    "金水区": 160, "二七区": 90, "中原区": 90, "管城回族区": 70, "惠济区": 30, "上街区": 10,
    "中牟县": 50, "巩义市": 40, "荥阳市": 40, "新密市": 40, "新郑市": 60, "登封市": 30,
    "郑东新区": 90, "郑州经济技术开发区": 50, "郑州高新技术产业开发区": 70, "郑州航空港经济综合实验区": 80,
}
ROADS = {
    "金水区": "花园路 经三路 纬五路 农业路 东风路 金水路 文化路 丰产路 南阳路 国基路 北环路 红专路 政七街 经七路 黄河路 纬一路",
    "二七区": "大学路 航海中路 京广路 兴华街 长江路 嵩山南路 二七路 解放路 福华街 陇海中路 政通路 淮河路",
    "中原区": "建设西路 中原西路 桐柏路 华山路 伏牛路 嵩山路 陇海西路 秦岭路 须水路 棉纺路 工人路 化工路",
    "管城回族区": "紫荆山路 东大街 城东路 商城路 航海东路 南三环 港湾路 书院街 城南路 未来路 货站街",
    "惠济区": "天河路 开元路 江山路 长兴路 英才街 清华园路 迎宾路 花园口路 文化北路",
    "上街区": "中心路 济源路 新安路 登封路 工业路 汝南路 金华路",
    "中牟县": "青年路 官渡大道 商都大道 万胜路 广惠街 东风路 建设路",
    "巩义市": "杜甫路 新兴路 永新路 嵩山路 桐本路 紫荆路 人民路",
    "荥阳市": "索河路 郑上路 京城路 广武路 演武路 塔山路 万山路",
    "新密市": "青屏大街 开阳路 平安路 长乐路 西大街 金凤路 溱水路",
    "新郑市": "中华路 人民路 新建路 文化路 轩辕路 炎黄大道 郑韩路",
    "登封市": "中岳大街 少林大道 嵩阳路 崇高路 书院河路 洧河路",
    "郑东新区": "商务内环路 商务外环路 金水东路 农业东路 龙湖中环路 如意西路 心怡路 众意路 明理路 商鼎路 祥盛街",
    "郑州经济技术开发区": "第八大街 经北一路 航海东路 第十五大街 经南五路 第二大街 经北三路 朝凤路",
    "郑州高新技术产业开发区": "科学大道 长椿路 翠竹街 莲花街 西三环 瑞达路 合欢街 冬青街 石楠路 枫杨街",
    "郑州航空港经济综合实验区": "新港大道 郑港四路 郑港六街 四港联动大道 航兴路 迎宾大道 华夏大道",
}
GENERIC_ROADS = "人民路 建设路 解放路 文化路 中心街 新华路 友谊路 和平路"
TOWNS = {
    "中牟县": "官渡镇 韩寺镇 狼城岗镇 万滩镇 雁鸣湖镇 姚家镇",
    "巩义市": "回郭镇 小关镇 竹林镇 大峪沟镇 河洛镇 站街镇",
    "荥阳市": "广武镇 高村乡 汜水镇 王村镇 高山镇 刘河镇",
    "新密市": "超化镇 米村镇 牛店镇 平陌镇 刘寨镇 岳村镇",
    "新郑市": "龙湖镇 孟庄镇 郭店镇 辛店镇 梨河镇 和庄镇",
    "登封市": "大冶镇 卢店镇 告成镇 大金店镇 颍阳镇 君召乡",
    "惠济区": "花园口镇 古荥镇",
    "上街区": "峡窝镇",
    "郑州航空港经济综合实验区": "张庄镇 八岗镇",
}
SURNAMES = (  # weighted roughly by frequency
    "王王王王李李李李张张张张刘刘刘陈陈陈杨杨赵赵黄黄周周吴吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董"
    "萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲辉鹏飞斌宇浩凯鑫晨欣怡佳雪婷博文俊峰亮海波慧莉颖帅振永春庆松林东晓小玉兰梅新光利"
TRADE_FIRST = "宏鑫华金恒盛嘉瑞丰隆泰安永祥龙凯新天正通信德康豫博源润兴聚福汇和昌创锦卓优明晟顺升骏耀辉万亿东鼎诚宇远航星辰光腾飞裕翔铭俊佳益群合众力美乐智慧"
TRADE_SECOND = "达源泰华丰盛昌隆祥顺通利发鑫辉宇航德信诚和兴旺泽峰恒瑞安康远宏业成嘉运晟鼎亿佳合润邦驰腾越翔海川林森晖阳"
FOREIGN_TRADE = "凯瑞 艾德 贝尔森 莱恩 维森 澳博 德科 富兰克 普瑞 瑞恩 斯达 杰森 卡洛 奥特 汉森 美捷 博纳 安迪 欧德 路易森".split()
OTHER_CITIES = "北京 上海 深圳 广州 杭州 武汉 西安 天津 南京".split()
VILLAGE_SUFFIX = "庄营寨岗沟屯湾店"

# (word in the name, GB/T 4754-2017 class, weight, licence kinds, certification kinds)
COMPANY_INDUSTRIES = [
    ("商贸", "5199", 120, ("food_business",), ("iso9001",)),
    ("贸易", "5199", 60, (), ("iso9001",)),
    ("科技", "7519", 100, (), ("iso9001",)),
    ("电子科技", "3990", 40, ("industrial_production",), ("iso9001", "ccc")),
    ("信息技术", "6531", 60, (), ("iso9001",)),
    ("网络科技", "6490", 50, (), ("iso9001",)),
    ("软件", "6513", 20, (), ("iso9001",)),
    ("食品", "1499", 30, ("food_production",), ("haccp", "iso22000", "iso9001")),
    ("面业", "1312", 6, ("food_production",), ("haccp", "iso22000")),
    ("速冻食品", "1432", 6, ("food_production",), ("haccp", "iso22000")),
    ("乳业", "1440", 3, ("food_production",), ("haccp", "iso22000")),
    ("饮品", "1529", 4, ("food_production",), ("haccp",)),
    ("酒业", "1512", 4, ("food_production",), ("iso9001", "iso22000")),
    ("调味品", "1469", 3, ("food_production",), ("haccp",)),
    ("粮油", "5121", 15, ("food_business",), ("iso22000",)),
    ("农副产品", "5119", 15, ("food_business",), ("green_food",)),
    ("茶业", "5127", 6, ("food_business",), ("organic",)),
    ("餐饮管理", "6210", 40, ("food_business",), ("iso22000", "haccp")),
    ("酒店管理", "6110", 10, ("food_business",), ("iso9001",)),
    ("机械设备", "3499", 30, ("industrial_production",), ("iso9001", "iso14001", "iso45001")),
    ("重工", "3511", 8, ("industrial_production",), ("iso9001", "iso14001", "iso45001")),
    ("电气", "3823", 12, ("industrial_production",), ("ccc", "iso9001")),
    ("电缆", "3831", 6, ("industrial_production",), ("ccc", "iso9001")),
    ("汽车配件", "3670", 8, (), ("iatf16949", "iso9001")),
    ("耐火材料", "3089", 8, (), ("iso9001", "iso14001")),
    ("铝业", "3252", 5, ("industrial_production",), ("iso9001", "iso14001")),
    ("起重机械", "3432", 4, ("special_equipment",), ("iso9001", "iso45001")),
    ("锅炉", "3411", 2, ("special_equipment",), ("iso9001",)),
    ("电梯", "3435", 2, ("special_equipment",), ("iso9001",)),
    ("仪器仪表", "4011", 5, (), ("iso9001",)),
    ("化工", "2669", 8, ("industrial_production",), ("iso9001", "iso14001")),
    ("涂料", "2641", 4, ("industrial_production",), ("iso9001", "iso14001")),
    ("塑料制品", "2929", 5, ("industrial_production",), ("iso9001",)),
    ("包装材料", "2231", 5, ("industrial_production",), ("iso9001",)),
    ("印刷", "2319", 6, ("industrial_production",), ("iso9001",)),
    ("家具", "2110", 6, (), ("iso9001", "iso14001")),
    ("服饰", "1819", 6, (), ("iso9001",)),
    ("纺织", "1711", 4, (), ("iso9001",)),
    ("钢结构", "3311", 6, ("construction",), ("iso9001",)),
    ("门窗", "3312", 5, (), ("iso9001",)),
    ("建材", "5165", 40, (), ()),
    ("建筑工程", "4790", 40, ("construction",), ("iso9001", "iso14001", "iso45001")),
    ("市政工程", "4813", 10, ("construction",), ("iso9001", "iso45001")),
    ("装饰工程", "5012", 30, ("construction",), ("iso9001",)),
    ("物流", "5821", 30, (), ("iso9001",)),
    ("冷链物流", "5930", 5, (), ("haccp",)),
    ("供应链管理", "7224", 15, (), ()),
    ("企业管理咨询", "7243", 40, (), ()),
    ("文化传媒", "7259", 40, (), ()),
    ("广告", "7259", 15, (), ()),
    ("医药", "5151", 8, ("drug_business",), ("iso9001",)),
    ("大药房", "5251", 12, ("drug_business",), ()),
    ("医疗器械", "5154", 10, ("medical_device",), ("iso9001",)),
    ("生物科技", "7512", 15, (), ("iso9001",)),
    ("新材料", "7513", 8, (), ("iso9001",)),
    ("新能源科技", "7515", 8, (), ("iso9001",)),
    ("环保科技", "7516", 12, (), ("iso14001",)),
    ("节能科技", "7514", 5, (), ("iso9001",)),
    ("检测技术", "7452", 5, (), ("iso9001",)),
    ("农业科技", "7511", 15, (), ("green_food", "organic")),
    ("房地产开发", "7010", 15, (), ("iso9001",)),
    ("物业服务", "7020", 20, (), ("iso9001",)),
    ("房地产经纪", "7030", 10, (), ()),
    ("人力资源", "7269", 15, (), ()),
    ("劳务", "7263", 20, (), ()),
    ("教育咨询", "8394", 15, (), ()),
    ("汽车销售", "5261", 10, (), ()),
    ("汽车服务", "8111", 10, (), ()),
    ("家政服务", "8010", 8, (), ()),
    ("电子商务", "5292", 30, ("food_business",), ()),
    ("投资管理", "7212", 10, (), ()),
]
# Individual businesses: the shop word carries the industry (烩面馆 → 6210 正餐服务).
SHOP_INDUSTRIES = [
    ("烩面馆", "6210", 30, ("food_business",)), ("胡辣汤店", "6291", 20, ("food_business",)),
    ("面馆", "6210", 20, ("food_business",)), ("饭店", "6210", 20, ("food_business",)),
    ("小吃店", "6291", 25, ("food_business",)), ("快餐店", "6220", 15, ("food_business",)),
    ("奶茶店", "6239", 10, ("food_business",)), ("茶馆", "6231", 3, ("food_business",)),
    ("烧烤店", "6210", 8, ("food_business",)), ("超市", "5212", 25, ("food_business",)),
    ("便利店", "5213", 25, ("food_business",)), ("副食店", "5229", 10, ("food_business",)),
    ("水果店", "5223", 15, ("food_business",)), ("蔬菜店", "5223", 8, ("food_business",)),
    ("粮油店", "5221", 8, ("food_business",)), ("蛋糕店", "5222", 6, ("food_business",)),
    ("烟酒商行", "5226", 12, ("food_business",)), ("鲜肉店", "5224", 6, ("food_business",)),
    ("药店", "5251", 6, ("drug_business",)), ("百货店", "5211", 8, ()), ("日用品店", "5239", 8, ()),
    ("五金店", "5271", 15, ()), ("建材店", "5279", 10, ()), ("灯具店", "5272", 4, ()),
    ("家具店", "5273", 4, ()), ("服装店", "5232", 25, ()), ("鞋店", "5233", 8, ()),
    ("理发店", "8040", 20, ()), ("美容店", "8040", 15, ()), ("干洗店", "8030", 5, ()),
    ("足疗店", "8052", 5, ()), ("汽车修理厂", "8111", 10, ()), ("洗车行", "8111", 6, ()),
    ("手机维修部", "8122", 6, ()), ("家电维修部", "8131", 5, ()), ("手机店", "5284", 8, ()),
    ("文具店", "5241", 5, ()), ("鲜花店", "5299", 4, ()), ("图文快印部", "2319", 4, ()),
    ("装饰部", "5012", 5, ()),
]
COOP_PRODUCTS = [  # (product, activity, class)
    ("大蒜", "种植", "0141"), ("蔬菜", "种植", "0141"), ("西瓜", "种植", "0141"), ("小麦", "种植", "0112"),
    ("玉米", "种植", "0113"), ("食用菌", "种植", "0142"), ("花卉", "种植", "0143"), ("葡萄", "种植", "0152"),
    ("红枣", "种植", "0159"), ("石榴", "种植", "0159"), ("中药材", "种植", "0171"), ("金银花", "种植", "0171"),
    ("生猪", "养殖", "0313"), ("肉牛", "养殖", "0311"), ("肉羊", "养殖", "0312"), ("蛋鸡", "养殖", "0321"),
    ("水产", "养殖", "0412"), ("农机", "服务", "0512"),
]
FOREIGN_INDUSTRIES = ("电子科技", "汽车配件", "机械设备", "食品", "电气", "包装材料", "生物科技", "化工")
PARTNERSHIP_INDUSTRIES = ("企业管理咨询", "投资管理", "科技", "文化传媒", "信息技术")
SOLE_INDUSTRIES = ("商贸", "建材", "农副产品", "粮油", "电子商务", "文化传媒", "装饰工程", "广告", "劳务")
COOP_CERTS = {"大蒜": ("green_food",), "蔬菜": ("green_food", "organic"), "葡萄": ("green_food",),
              "红枣": ("organic",), "石榴": ("green_food",), "小麦": ("green_food",)}

# entity type → share per mille (individual businesses are most of a Chinese city's market entities)
ENTITY_WEIGHTS = {
    "individual_business": 620, "limited_company": 300, "branch": 30, "sole_proprietorship": 15,
    "partnership": 12, "cooperative": 10, "joint_stock_company": 8, "foreign_invested": 5,
}
CAPITAL = {  # 万元
    "limited_company": (3, 5, 10, 10, 20, 30, 50, 50, 50, 100, 100, 100, 100, 200, 200, 300, 500, 500, 500,
                        1000, 1000, 2000, 3000, 5000, 10000),
    "joint_stock_company": (1000, 2000, 3000, 5000, 5000, 8000, 10000, 20000, 50000),
    "foreign_invested": (100, 500, 1000, 2000, 5000),
    "sole_proprietorship": (1, 3, 5, 10, 10, 20, 50, 100),
    "partnership": (10, 50, 100, 100, 500, 1000, 3000),
    "cooperative": (10, 50, 100, 100, 200, 300, 500),
    "individual_business": (1, 2, 3, 5, 5, 10, 10, 20, 30, 50),
}
STATUS_TABLE = ["active"] * 90 + ["deregistered"] * 6 + ["revoked"] * 3 + ["moved_out"]
LICENCE_RATE = {"food_production": 0.35, "food_business": 0.12, "industrial_production": 0.3,
                "drug_business": 0.5, "medical_device": 0.5, "special_equipment": 0.6, "construction": 0.2}
CERT_RATE = 0.25
CQO_RATE = 0.5  # of limited, joint-stock and foreign-invested manufacturers
MANUFACTURING_DIVISIONS = {f"{n:02d}" for n in range(13, 44)}
CQO_TITLES = ("总经理", "副总经理", "质量总监", "生产副总经理", "技术总监", "质量部经理")
CERT_ISSUERS = {
    "iso9001": ("中国质量认证中心", "方圆标志认证集团有限公司", "中国船级社质量认证有限公司"),
    "iso14001": ("中国质量认证中心", "中环联合（北京）认证中心有限公司"),
    "iso45001": ("中国质量认证中心", "方圆标志认证集团有限公司"),
    "haccp": ("中国质量认证中心", "北京中大华远认证中心"),
    "iso22000": ("中国质量认证中心", "北京中大华远认证中心"),
    "ccc": ("中国质量认证中心",),
    "organic": ("南京国环有机产品认证中心", "中绿华夏有机产品认证中心"),
    "green_food": ("中国绿色食品发展中心",),
    "iatf16949": ("必维认证（北京）有限公司", "通标标准技术服务有限公司"),
}


class Unit(NamedTuple):
    id: int
    name: str
    short_name: str
    division_code: str | None
    kind: str


class Chunk(NamedTuple):
    """One chunk of generated rows. Enterprise rows carry their global index; children refer to it."""

    enterprises: list[tuple]
    licences: list[tuple]
    certifications: list[tuple]
    officers: list[tuple]
    pick: int | None  # a good enterprise for the demo enterprise account, if this chunk has one


# enterprise row layout (index 0 is the global row number; the loader turns it into the id)
ENTERPRISE_FIELDS = ("uscc", "name", "name_initials", "entity_type", "industry_code", "org_unit_id",
                     "address", "legal_representative", "registered_capital", "established_on", "status")


def units_from_reference_data() -> list[Unit]:
    """The shipped Zhengzhou units, with list positions as ids: for files made without a database."""
    data = json.loads((Path(__file__).resolve().parent.parent / "core" / "data" / "zhengzhou.json")
                      .read_text("utf-8"))
    return [Unit(i, u["name"], u.get("short_name") or u["name"], u.get("division_code"), u["kind"])
            for i, u in enumerate(data["units"], start=1)]


def _table(weights: dict[Any, int]) -> list:
    """A lookup list with each key repeated by its weight: `table[int(random() * len(table))]`."""
    return [key for key, weight in weights.items() for _ in range(weight)]


@cache
def _initials_of(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


@cache
def _days(last_day: datetime.date) -> tuple[list[str], list[float], list[int]]:
    """Every day from 1995 to `last_day` with a weight growing with the year (registrations boomed after
    the 2014 business-registration reform), as ISO strings, cumulative weights and years."""
    days, cumulative, years, total = [], [], [], 0.0
    day = FIRST_DAY
    while day <= last_day:
        y = day.year
        total += 1.0 if y < 2005 else 2.5 if y < 2014 else 6.0 + (y - 2014) * 0.4
        days.append(day.isoformat())
        cumulative.append(total)
        years.append(y)
        day += datetime.timedelta(days=1)
    return days, cumulative, years


class _Parts:
    """Precomputed name parts, addresses and lookup tables for a list of units (built once per process)."""

    def __init__(self, units: Sequence[Unit], last_day: datetime.date) -> None:
        self.units = list(units)
        by_name = {u.name: i for i, u in enumerate(self.units)}
        self.unit_table = _table({i: UNIT_WEIGHTS.get(u.name, 30) for i, u in enumerate(self.units)})
        rural = [i for i, u in enumerate(self.units) if u.name in TOWNS or u.kind in ("county", "county_city")]
        self.rural_table = _table({i: UNIT_WEIGHTS.get(self.units[i].name, 30) for i in rural}) or self.unit_table
        self.entity_table = _table(ENTITY_WEIGHTS)
        self.company_table = _table({i: w for i, (_, _, w, _, _) in enumerate(COMPANY_INDUSTRIES)})
        self.shop_table = _table({i: w for i, (_, _, w, _) in enumerate(SHOP_INDUSTRIES)})
        index = {word: i for i, (word, *_) in enumerate(COMPANY_INDUSTRIES)}
        self.foreign_industries = [index[w] for w in FOREIGN_INDUSTRIES]
        self.partnership_industries = [index[w] for w in PARTNERSHIP_INDUSTRIES]
        self.sole_industries = [index[w] for w in SOLE_INDUSTRIES]
        self.company_ini = [_initials_of(word) for word, *_ in COMPANY_INDUSTRIES]
        self.shop_ini = [_initials_of(word) for word, *_ in SHOP_INDUSTRIES]
        self.coop_ini = [_initials_of(p + a) for p, a, _ in COOP_PRODUCTS]
        self.char_ini = {c: _initials_of(c) for c in TRADE_FIRST + TRADE_SECOND + SURNAMES + "老记姐村"
                         + VILLAGE_SUFFIX}
        self.unit_ini = [_initials_of(u.name) for u in self.units]
        self.unit_division = [u.division_code or CITY_DIVISION_CODE for u in self.units]
        # Branches are named after the place: 金水分公司, 管城分公司, 高新区分公司.
        self.branch_place = []
        for u in self.units:
            place = u.short_name or u.name
            if u.kind != "development_zone" and len(place) > 2 and place[-1] in "区县市":
                place = place[:-1]
            self.branch_place.append(place)
        self.address_head = []
        for u in self.units:
            if u.kind == "county_city":
                self.address_head.append(f"河南省{u.name}")
            elif u.name.startswith("郑州"):
                self.address_head.append(f"河南省{u.name}")
            else:
                self.address_head.append(f"河南省郑州市{u.name}")
        self.roads = [ROADS.get(u.name, GENERIC_ROADS).split() for u in self.units]
        self.towns = [TOWNS.get(u.name, "城关镇").split() for u in self.units]
        self.rural_units = set(rural)
        self.by_name = by_name
        self.days, self.day_weights, self.day_years = _days(last_day)
        self.day_total = self.day_weights[-1]
        tables = _code_tables()
        self.code_tables = tables
        # USCC partial sums of "9" + category + division, per (category, unit)
        self.heads = {}
        for cat in "123":
            for i, division in enumerate(self.unit_division):
                head = f"9{cat}{division}"
                self.heads[cat, i] = (head, uscc_prefix_sum(head))
        self.capital = {k: [f"{v}.00" for v in values] for k, values in CAPITAL.items()}
        self.ini_cache: dict[str, str] = {}


_PARTS: dict[tuple, _Parts] = {}


def _parts(units: Sequence[Unit], last_day: datetime.date) -> _Parts:
    key = (tuple(units), last_day)
    if key not in _PARTS:
        _PARTS[key] = _Parts(units, last_day)
    return _PARTS[key]


def code_permutation(seed: int) -> tuple[int, int]:
    """(a, b) of the bijection i → (a·i + b) mod 10⁸ that makes every organisation code body distinct."""
    rng = Random(f"{seed}:uscc")
    a = rng.randrange(10_000_001, 99_999_999) | 1
    while a % 5 == 0:
        a += 2
    return a, rng.randrange(100_000_000)


def generate_chunk(seed: int, chunk_no: int, stop: int, units: Sequence[Unit], last_day: datetime.date,
                   org_prefix: str = "") -> Chunk:
    """Rows CHUNK·chunk_no … min(stop, CHUNK·(chunk_no+1)) − 1, established on or before `last_day`. Pure:
    no database access.

    `org_prefix` (two letters) makes every organisation code "<prefix>" + six base-31 characters, a
    namespace the demo never uses — for test files that must not collide with demo codes.
    """
    p = _parts(units, last_day)
    rng = Random(f"{seed}:enterprises:{chunk_no}")
    rnd = rng.random
    a_mul, b_add = code_permutation(seed)
    t = p.code_tables
    d_hi, d_lo, a_hi, a_lo = t.d_hi, t.d_lo, t.a_hi, t.a_lo
    check_org, check_value = t.check_org, t.check_value
    alphabet = USCC_ALPHABET
    ma_prefix = t.prefix(org_prefix or "MA")
    force_alpha = bool(org_prefix)
    heads = p.heads
    unit_table, rural_table, entity_table = p.unit_table, p.rural_table, p.entity_table
    n_unit, n_rural, n_entity = len(unit_table), len(rural_table), len(entity_table)
    company_table, shop_table = p.company_table, p.shop_table
    n_company, n_shop = len(company_table), len(shop_table)
    char_ini, unit_ini = p.char_ini, p.unit_ini
    days, day_weights, day_years, day_total = p.days, p.day_weights, p.day_years, p.day_total
    units_ = p.units
    roads, towns, address_head = p.roads, p.towns, p.address_head
    capital = p.capital
    surnames, given = SURNAMES, GIVEN
    n_sur, n_given = len(SURNAMES), len(GIVEN)
    first, second = TRADE_FIRST, TRADE_SECOND
    n_first, n_second = len(TRADE_FIRST), len(TRADE_SECOND)
    status_table = STATUS_TABLE
    n_status = len(status_table)
    bisect_left = bisect.bisect_left

    enterprises: list[tuple] = []
    licences: list[tuple] = []
    certifications: list[tuple] = []
    officers: list[tuple] = []
    pick = None
    lo = chunk_no * CHUNK
    hi = min(stop, lo + CHUNK)
    for i in range(lo, hi):
        kind = entity_table[int(rnd() * n_entity)]
        u = rural_table[int(rnd() * n_rural)] if kind == "cooperative" else unit_table[int(rnd() * n_unit)]
        day = bisect_left(day_weights, rnd() * day_total)
        established = days[day]
        year = day_years[day]
        # legal representative
        surname = surnames[int(rnd() * n_sur)]
        person = surname + given[int(rnd() * n_given)]
        if rnd() < 0.6:
            person += given[int(rnd() * n_given)]
        # trade name (字号): two characters, sometimes three
        c1, c2 = first[int(rnd() * n_first)], second[int(rnd() * n_second)]
        trade, trade_ini = c1 + c2, char_ini[c1] + char_ini[c2]
        if rnd() < 0.3:
            c3 = second[int(rnd() * n_second)]
            trade, trade_ini = trade + c3, trade_ini + char_ini[c3]
        lic_kinds: tuple = ()
        cert_kinds: tuple = ()
        manufacturer = False
        if kind == "individual_business":
            shop = shop_table[int(rnd() * n_shop)]
            word, industry, _, lic_kinds = SHOP_INDUSTRIES[shop]
            r = rnd()
            if r < 0.25:
                trade, trade_ini = "老" + surname, "l" + char_ini[surname]
            elif r < 0.45:
                trade, trade_ini = surname + "记", char_ini[surname] + "j"
            elif r < 0.5:
                trade, trade_ini = surname + "姐", char_ini[surname] + "j"
            name = units_[u].name + trade + word
            initials = unit_ini[u] + trade_ini + p.shop_ini[shop]
            cat = "2"
            road = roads[u][int(rnd() * len(roads[u]))]
            number = int(rnd() * 300) + 1
            address = f"{address_head[u]}{road}{number}号" if rnd() < 0.6 else \
                f"{address_head[u]}{road}{number}号附{int(rnd() * 20) + 1}号"
            cap = capital[kind][int(rnd() * 10)] if rnd() < 0.8 else None
        elif kind == "cooperative":
            coop = int(rnd() * len(COOP_PRODUCTS))
            product, activity, industry = COOP_PRODUCTS[coop]
            town = towns[u][int(rnd() * len(towns[u]))]
            village = surname + VILLAGE_SUFFIX[int(rnd() * len(VILLAGE_SUFFIX))]
            if rnd() < 0.5:
                trade, trade_ini = village, char_ini[surname] + char_ini[village[1]]
            name = f"{units_[u].name}{trade}{product}{activity}专业合作社"
            initials = unit_ini[u] + trade_ini + p.coop_ini[coop] + "zyhzs"
            word = product
            cat = "3"
            address = f"{address_head[u]}{town}{village}村"
            cap = capital[kind][int(rnd() * 7)]
            cert_kinds = COOP_CERTS.get(product, ())
        else:
            if kind == "foreign_invested":
                industry_no = p.foreign_industries[int(rnd() * len(p.foreign_industries))]
            elif kind == "partnership":
                industry_no = p.partnership_industries[int(rnd() * len(p.partnership_industries))]
            elif kind == "sole_proprietorship":
                industry_no = p.sole_industries[int(rnd() * len(p.sole_industries))]
            else:
                industry_no = company_table[int(rnd() * n_company)]
            word, industry, _, lic_kinds, cert_kinds = COMPANY_INDUSTRIES[industry_no]
            word_ini = p.company_ini[industry_no]
            head, head_ini = ("郑州", "zz") if rnd() < 0.72 else ("河南", "hn")
            if kind == "limited_company":
                form, form_ini = ("有限公司", "yxgs") if rnd() < 0.85 else ("有限责任公司", "yxzrgs")
                name, initials = head + trade + word + form, head_ini + trade_ini + word_ini + form_ini
            elif kind == "joint_stock_company":
                name, initials = head + trade + word + "股份有限公司", head_ini + trade_ini + word_ini + "gfyxgs"
            elif kind == "foreign_invested":
                trade = FOREIGN_TRADE[int(rnd() * len(FOREIGN_TRADE))]
                trade_ini = _cached_initials(p, trade)
                name = f"{trade}（郑州）{word}有限公司"
                initials = f"{trade_ini}（zz）{word_ini}yxgs"
            elif kind == "sole_proprietorship":
                r = rnd()
                form, form_ini = ("商行", "sh") if r < 0.4 else ("经营部", "jyb") if r < 0.7 else ("服务中心", "fwzx")
                name, initials = head + trade + word + form, head_ini + trade_ini + word_ini + form_ini
            elif kind == "partnership":
                form, form_ini = ("中心（有限合伙）", "zx（yxhh）") if rnd() < 0.7 else \
                    ("中心（普通合伙）", "zx（pthh）")
                name, initials = head + trade + word + form, head_ini + trade_ini + word_ini + form_ini
            else:  # branch
                if rnd() < 0.25:
                    other = OTHER_CITIES[int(rnd() * len(OTHER_CITIES))]
                    name = f"{other}{trade}{word}有限公司郑州分公司"
                    initials = _cached_initials(p, other) + trade_ini + word_ini + "yxgszzfgs"
                else:
                    place = p.branch_place[u]
                    name = f"{head}{trade}{word}有限公司{place}分公司"
                    initials = head_ini + trade_ini + word_ini + "yxgs" + _cached_initials(p, place) + "fgs"
            cat = "1"
            road = roads[u][int(rnd() * len(roads[u]))]
            number = int(rnd() * 300) + 1
            r = rnd()
            if r < 0.45:
                address = f"{address_head[u]}{road}{number}号"
            elif r < 0.8:
                address = (f"{address_head[u]}{road}{number}号{int(rnd() * 12) + 1}号楼"
                           f"{int(rnd() * 30) + 1}层{int(rnd() * 30) + 1:02d}号")
            else:
                address = f"{address_head[u]}{road}与{roads[u][int(rnd() * len(roads[u]))]}交叉口{number}号"
            values = capital.get(kind)
            cap = values[int(rnd() * len(values))] if values else None  # branches have no capital of their own
            manufacturer = industry[:2] in MANUFACTURING_DIVISIONS
        status = status_table[int(rnd() * n_status)]

        # credit code: organisation body from the bijection, so codes never repeat
        perm = (a_mul * i + b_add) % 100_000_000
        if force_alpha or year >= 2016:
            hi_part, lo_part = a_hi[perm // 29_791], a_lo[perm % 29_791]
            pre = ma_prefix
        else:
            hi_part, lo_part = d_hi[perm // 10_000], d_lo[perm % 10_000]
            pre = ("", 0, 0)
        org_c = check_org[(pre[1] + hi_part[1] + lo_part[1]) % 11]
        head_str, head_sum = heads[cat, u]
        total = head_sum + pre[2] + hi_part[2] + lo_part[2] + check_value[org_c]
        body = pre[0] + hi_part[0] + lo_part[0] + org_c
        uscc = head_str + body + alphabet[-total % 31]

        enterprises.append((i, uscc, name, initials, kind, industry, units_[u].id, address, person, cap,
                            established, status))

        # licences, certifications and chief quality officers for some of them
        if status != "active":
            continue
        for lic in lic_kinds:
            if rnd() < LICENCE_RATE[lic]:
                licences.append((i, lic, day, p.unit_division[u], units_[u].name, rnd()))
        if kind != "individual_business" and cert_kinds and rnd() < CERT_RATE:
            cert = cert_kinds[int(rnd() * len(cert_kinds))]
            certifications.append((i, cert, day, rnd()))
        if manufacturer and kind in ("limited_company", "joint_stock_company", "foreign_invested") \
                and rnd() < CQO_RATE:
            officer = SURNAMES[int(rnd() * n_sur)] + GIVEN[int(rnd() * n_given)] + GIVEN[int(rnd() * n_given)]
            officers.append((i, officer, CQO_TITLES[int(rnd() * len(CQO_TITLES))],
                             f"0371-6{int(rnd() * 10_000_000):07d}", max(year, 2016), rnd() < 0.6))
            if pick is None and units_[u].name == "金水区" and kind == "limited_company":
                pick = i
    return Chunk(enterprises, licences, certifications, officers, pick)


def _cached_initials(p: _Parts, text: str) -> str:
    value = p.ini_cache.get(text)
    if value is None:
        value = p.ini_cache[text] = _initials_of(text)
    return value


def enterprise_rows(*, seed: int, count: int, units: Sequence[Unit], last_day: datetime.date, org_prefix: str = "",
                    start: int = 0) -> Iterator[tuple]:
    """Enterprise rows start … count − 1 (see ENTERPRISE_FIELDS; element 0 is the row number)."""
    for chunk_no in range(start // CHUNK, (count + CHUNK - 1) // CHUNK):
        for row in generate_chunk(seed, chunk_no, count, units, last_day, org_prefix).enterprises:
            if row[0] >= start:
                yield row


def _chunks(seed: int, count: int, units: Sequence[Unit], last_day: datetime.date, workers: int) -> Iterator[Chunk]:
    """Chunks in order; with workers > 0 they are made in other processes while this one writes."""
    numbers = range((count + CHUNK - 1) // CHUNK)
    if workers <= 0 or len(numbers) < 3:
        for n in numbers:
            yield generate_chunk(seed, n, count, units, last_day)
        return
    # fork: the children inherit the loaded modules and never touch the database connection.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(_chunk_job, [(seed, n, count, tuple(units), last_day) for n in numbers])


def _chunk_job(args) -> Chunk:
    return generate_chunk(*args)


# --- licences, certificates, officers as table rows ------------------------------------------------

_ISSUED_BY = {
    "food_production": "郑州市市场监督管理局", "food_business": "{unit}市场监督管理局",
    "industrial_production": "河南省市场监督管理局", "drug_business": "郑州市市场监督管理局",
    "medical_device": "郑州市市场监督管理局", "special_equipment": "河南省市场监督管理局",
    "construction": "河南省住房和城乡建设厅",
}
_LICENCE_YEARS = {"food_production": 5, "food_business": 5, "industrial_production": 5, "drug_business": 5,
                  "medical_device": 5, "special_equipment": 4, "construction": 5}


def _licence_number(kind: str, seq: int, division: str, year: int) -> str:
    """Numbers in the format each licence uses; `seq` (unique per kind) keeps them distinct."""
    if kind == "food_production":
        return f"SC1{seq % 31 + 1:02d}{division}{seq // 31:05d}"
    if kind == "food_business":
        return f"JY{1 + seq % 2}{division}{seq // 2:07d}"
    if kind == "industrial_production":
        return f"(豫)XK{seq % 30 + 1:02d}-{seq // 30 % 1000:03d}-{seq // 30_000:05d}"
    if kind == "drug_business":
        return f"豫AA371{seq:06d}"
    if kind == "medical_device":
        return f"豫郑药监械经营许{year}{seq:06d}号"
    if kind == "special_equipment":
        return f"TS{seq % 7 + 2}41{seq // 7:05d}-{year}"
    return f"D241{seq:07d}"


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _valid_period(p: _Parts, established_day: int, fraction: float, years: int) -> tuple[str, str]:
    """Issued at a random point between establishment and the last demo day; some have expired since."""
    index = established_day + int((len(p.days) - 1 - established_day) * fraction)
    start = datetime.date.fromisoformat(p.days[index])
    return start.isoformat(), _add_years(start, years).isoformat()


# --- writing -----------------------------------------------------------------------------------------


class _Writer:
    """Bulk writes without the ORM, and the index work around them, for one database vendor."""

    def __init__(self, connection, log) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.log = log
        self.raw = connection.connection
        self._dropped_fks: list[tuple[str, str, str]] = []

    # --- setup / teardown
    def reserve_ids(self, table: str, count: int) -> int:
        """First of `count` consecutive ids that nobody else will be given."""
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute(f"SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))",
                               [sequence])
                first = cursor.fetchone()[0]
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
                return first
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            first = cursor.fetchone()[0] + 1
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            return max(first, (row[0] + 1) if row else 1)

    def before_load(self, tables: Sequence[str]) -> None:
        from . import search

        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache for the index inserts
                for statement in search.SQLITE_FTS_DROP_TRIGGERS:
                    cursor.execute(statement)
            elif self.vendor == "postgresql":
                # Fire checks still queued in this transaction (ALTER TABLE refuses pending trigger events).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
                for statement in search.PG_TRGM_DROP:
                    cursor.execute(statement)
                # Foreign keys are checked per row at commit (1.5 M trigger calls); dropping them and
                # adding them back validates the whole table with one join instead.
                cursor.execute(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [list(tables)])
                self._dropped_fks = cursor.fetchall()
                for table, name, _definition in self._dropped_fks:
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')

    def after_load(self) -> None:
        from . import search

        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                self.log("building the full-text index")
                search.rebuild_index()
                for statement in search.SQLITE_FTS_SQL:
                    cursor.execute(statement)
                cursor.execute("PRAGMA cache_size = -2000")
            elif self.vendor == "postgresql":
                for table, name, definition in self._dropped_fks:
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred
                self.log("building the trigram indexes")
                for statement in search.PG_TRGM_SQL:
                    cursor.execute(statement)
                cursor.execute("ANALYZE enterprises_enterprise")

    # --- rows
    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        if self.vendor == "postgresql":
            return self._copy(table, columns, rows)
        placeholders = ", ".join(["?"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        counter = _Counter(rows)
        self.raw.executemany(sql, counter)
        return counter.n

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """COPY in text format. Our values never hold tabs, newlines or backslashes; None is \\N."""
        n = 0
        with self.raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                buffer: list[str] = []
                for row in rows:
                    buffer.append("\t".join("\\N" if v is None else v if isinstance(v, str) else str(v)
                                            for v in row))
                    n += 1
                    if len(buffer) >= 20_000:
                        copy.write("\n".join(buffer) + "\n")
                        buffer.clear()
                if buffer:
                    copy.write("\n".join(buffer) + "\n")
        return n


class _Counter:
    def __init__(self, rows: Iterable) -> None:
        self.rows = iter(rows)
        self.n = 0

    def __iter__(self):
        return self

    def __next__(self):
        row = next(self.rows)
        self.n += 1
        return row


def _timestamp(vendor: str) -> str:
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    return now.isoformat(sep=" ") + ("+00:00" if vendor == "postgresql" else "")


def _bool(vendor: str, value: bool):
    return ("t" if value else "f") if vendor == "postgresql" else int(value)


def generate(ctx) -> dict[str, Any]:
    """Generate ctx.enterprise_count enterprises with licences, certifications and quality officers, all
    registered, issued and appointed before ctx.today."""
    from django.db import connection, transaction

    from qcity.core.audit import audit_record
    from qcity.core.choices import AuditAction
    from qcity.core.models import OrgUnit

    from .models import Enterprise

    count = ctx.enterprise_count
    last_day = ctx.today - datetime.timedelta(days=1)
    city = OrgUnit.objects.get(parent__isnull=True)
    units = [Unit(u.pk, u.name, u.short_name, u.division_code, u.kind)
             for u in OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk")]
    if not units:
        raise RuntimeError("no districts under the city: load the reference data first (qcity seed)")
    tables = ["enterprises_enterprise", "enterprises_licence", "enterprises_certification",
              "enterprises_chiefqualityofficer"]
    vendor = connection.vendor
    now = _timestamp(vendor)
    # One extra process makes rows while this one writes; only worth it for big runs on 2+ cores.
    workers = 1 if count > 4 * CHUNK and (os.cpu_count() or 1) > 1 else 0
    licences: list[tuple] = []
    certifications: list[tuple] = []
    officers: list[tuple] = []
    picks: list[int] = []
    with transaction.atomic():
        writer = _Writer(connection, ctx.progress)
        first_id = writer.reserve_ids("enterprises_enterprise", count)
        writer.before_load(tables)
        ctx.progress(f"writing {count:,} enterprises (ids from {first_id}, {workers} helper process)")
        p = _parts(units, last_day)

        def rows():
            for chunk in _chunks(ctx.seed, count, units, last_day, workers):
                licences.extend(chunk.licences)
                certifications.extend(chunk.certifications)
                officers.extend(chunk.officers)
                if chunk.pick is not None:
                    picks.append(chunk.pick)
                for row in chunk.enterprises:
                    yield (first_id + row[0], *row[1:], now, now)
                if chunk.enterprises and (chunk.enterprises[-1][0] + 1) % (10 * CHUNK) == 0:
                    ctx.progress(f"  {chunk.enterprises[-1][0] + 1:,} enterprises")

        written = writer.write("enterprises_enterprise", ("id", *ENTERPRISE_FIELDS, "created_at", "updated_at"),
                               rows())
        ctx.progress(f"wrote {written:,} enterprises; writing licences, certifications, officers")
        seq: dict[str, int] = {}
        licence_rows = []
        for i, kind, day, division, unit_name, fraction in licences:
            n = seq[kind] = seq.get(kind, -1) + 1
            valid_from, valid_to = _valid_period(p, day, fraction, _LICENCE_YEARS[kind])
            licence_rows.append((first_id + i, kind, _licence_number(kind, n, division, int(valid_from[:4])),
                                 _ISSUED_BY[kind].format(unit=f"郑州市{unit_name}" if not unit_name.startswith("郑州")
                                                         else unit_name), valid_from, valid_to))
        writer.write("enterprises_licence", ("enterprise_id", "kind", "number", "issued_by", "valid_from",
                                             "valid_to"), licence_rows)
        cert_rows = []
        for n, (i, kind, day, fraction) in enumerate(certifications):
            valid_from, valid_to = _valid_period(p, day, fraction, 3)
            issuers = CERT_ISSUERS[kind]
            cert_rows.append((first_id + i, kind, _certificate_number(kind, n, int(valid_from[:4])),
                              issuers[n % len(issuers)], valid_from, valid_to))
        writer.write("enterprises_certification", ("enterprise_id", "kind", "certificate_number", "issuer",
                                                   "valid_from", "valid_to"), cert_rows)
        officer_rows = []
        for i, name, title, phone, year, trained in officers:
            appointed = min(datetime.date(min(year + 1, last_day.year), 1 + i % 12, 1 + i % 28), last_day).isoformat()
            officer_rows.append((first_id + i, name, title, phone, appointed, _bool(vendor, trained)))
        writer.write("enterprises_chiefqualityofficer", ("enterprise_id", "name", "title", "phone",
                                                         "appointed_on", "trained"), officer_rows)
        writer.after_load()
        last_id = first_id + count - 1
        audit_record(
            action=AuditAction.IMPORT, by=None, object_type="enterprises.enterprise", object_repr=DEMO_MARKER,
            message=f"demo data: {count} enterprises, scale {ctx.scale}, seed {ctx.seed}",
            after={"first_id": first_id, "last_id": last_id, "seed": ctx.seed, "scale": ctx.scale,
                   "licences": len(licence_rows), "certifications": len(cert_rows),
                   "chief_quality_officers": len(officer_rows)},
        )
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
        elif vendor == "postgresql" and not connection.in_atomic_block:
            # Sets hint bits and the visibility map now, rather than on the first reads of every page.
            ctx.progress("vacuuming")
            cursor.execute("VACUUM enterprises_enterprise")
    pick = picks[0] if picks else 0
    ctx.results["demo_enterprise"] = Enterprise.objects.select_related("org_unit").get(pk=first_id + pick)
    ctx.results["enterprise_ids"] = (first_id, last_id)
    return {"enterprises": count, "licences": len(licence_rows), "certifications": len(cert_rows),
            "chief_quality_officers": len(officer_rows)}


def _certificate_number(kind: str, n: int, year: int) -> str:
    if kind == "ccc":
        return f"{year}01{n % 100:02d}{n:08d}"
    if kind in ("organic", "green_food"):
        return f"{'LB' if kind == 'green_food' else '001OP'}{year % 100:02d}{n:07d}"
    letter = {"iso9001": "Q", "iso14001": "E", "iso45001": "S", "haccp": "H", "iso22000": "F",
              "iatf16949": "T"}[kind]
    return f"001{year % 100:02d}{letter}{n:06d}R0M"


def demo_id_ranges() -> list[tuple[int, int]]:
    """Id ranges of the enterprises earlier demo runs generated (recorded in the audit log)."""
    from qcity.core.models import AuditEvent

    events = AuditEvent.objects.filter(object_type="enterprises.enterprise", object_repr=DEMO_MARKER)
    return [(e.after["first_id"], e.after["last_id"]) for e in events if e.after and "first_id" in e.after]


def reset(ctx) -> dict[str, Any]:
    """Delete the enterprises (with their licences, certifications, officers) earlier demo runs made."""
    from django.db import connection, transaction

    from qcity.core.audit import audit_record
    from qcity.core.choices import AuditAction

    from . import search

    deleted = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in search.SQLITE_FTS_DROP_TRIGGERS:
                    cursor.execute(statement)
            for first, last in demo_id_ranges():
                # Plain DELETEs: the ORM's cascade collector would load 1.5 M objects first.
                for table in ("enterprises_licence", "enterprises_certification",
                              "enterprises_chiefqualityofficer"):
                    cursor.execute(f"DELETE FROM {table} WHERE enterprise_id BETWEEN %s AND %s", [first, last])
                cursor.execute("DELETE FROM enterprises_enterprise WHERE id BETWEEN %s AND %s", [first, last])
                deleted += cursor.rowcount
            if connection.vendor == "sqlite":
                search.rebuild_index()
                for statement in search.SQLITE_FTS_SQL:
                    cursor.execute(statement)
        audit_record(action=AuditAction.DELETE, by=None, object_type="enterprises.enterprise",
                     object_repr="demo enterprises reset", message=f"demo data reset: {deleted} enterprises deleted")
    return {"enterprises_deleted": deleted}
