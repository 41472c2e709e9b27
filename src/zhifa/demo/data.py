"""Demo data (pure, no database) for 上海市普陀区应急管理局:
units, officers and certificates, accounts, parties.

Pure and deterministic: every function takes a seed and returns plain frozen dataclasses
(use `dataclasses.asdict` for dicts); nothing touches the database or the clock. All
names, numbers and addresses are generated: no real person's or company's data.

Identifiers are valid by construction: 统一社会信用代码 get their GB 32100 check character
(and a GB 11714 check on the embedded 组织机构代码), 身份证号 their GB 11643 check character.
执法证号: the real numbering of 上海市行政执法证 is not published in a form we could verify,
so demo numbers are 11 digits: "31" (上海) + "107" (普陀) + a 6-digit serial.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from zhifa.enforcement.identifiers import (
    USCC_CHARSET,
    id_check_char,
    org_code_check_char,
    uscc_check_char,
)
from zhifa.enforcement.models import PARTY_KIND_LABELS, RISK_FLAGS

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_SEED",
    "DISTRICT_CODE",
    "INDUSTRIES",
    "PARTY_KINDS",
    "PERSON_TYPES",
    "RISK_FLAGS",
    "STREETS",
    "DemoAccount",
    "DemoCertificate",
    "DemoDataset",
    "DemoOfficer",
    "DemoParty",
    "DemoUnit",
    "demo_accounts",
    "demo_dataset",
    "demo_officers",
    "demo_parties",
    "demo_units",
]

DEMO_SEED = 2026
# One password for every demo account; demo use only, never for a real installation.
DEMO_PASSWORD = "Zhifa@2026"  # noqa: S105
DISTRICT_CODE = "310107"  # 上海市普陀区 (GB/T 2260)
BUREAU_NAME = "上海市普陀区应急管理局"

# --- vocabularies -------------------------------------------------------------------

# The vocabularies are the domain's own; the demo only picks from them.
PARTY_KINDS: dict[str, str] = {kind.value: label for kind, label in PARTY_KIND_LABELS.items()}
PERSON_TYPES: dict[str, str] = {"individual_business": "个体工商户", "natural_person": "自然人"}

INDUSTRIES: tuple[str, ...] = (
    "危险化学品经营",
    "工贸",
    "仓储物流",
    "加油站",
    "烟花爆竹零售",
    "商贸",
    "餐饮",
)

# 普陀区 街道/镇 and roads that run through them.
STREETS: dict[str, tuple[str, ...]] = {
    "真如镇街道": ("真北路", "铜川路", "曹杨路", "兰溪路"),
    "长征镇": ("金沙江路", "梅川路", "大渡河路", "真北路"),
    "桃浦镇": ("桃浦路", "祁连山南路", "真南路", "武威路"),
    "曹杨新村街道": ("曹杨路", "兰溪路", "枣阳路", "花溪路"),
    "长风新村街道": ("金沙江路", "大渡河路", "中山北路", "泸定路"),
    "宜川路街道": ("宜川路", "中山北路", "普善路", "交通路"),
    "甘泉路街道": ("甘泉路", "志丹路", "子长路", "延长西路"),
    "石泉路街道": ("石泉路", "中山北路", "光新路", "岚皋路"),
    "长寿路街道": ("长寿路", "武宁路", "常德路", "西康路"),
    "万里街道": ("真华路", "新村路", "万镇路", "富平路"),
}
_INDUSTRIAL_STREETS = ("桃浦镇", "长征镇", "真如镇街道")

# --- records ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUnit:
    name: str
    kind: str  # section 科室 | brigade 执法大队 | squad 中队 (core.models.UnitKind)
    parent: str | None = None  # parent unit's name


@dataclass(frozen=True)
class DemoCertificate:
    number: str  # 执法证号
    issuing_authority: str
    scope: tuple[str, ...]  # 执法领域
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class DemoOfficer:
    username: str
    full_name: str
    unit: str
    title: str  # 职务
    phone: str
    certificate: DemoCertificate


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    roles: tuple[str, ...]  # core.permissions.Role values
    unit: str | None
    phone: str | None


@dataclass(frozen=True)
class DemoParty:
    kind: str  # enterprise | person
    name: str  # enterprise name, or the person's name
    uscc: str | None  # enterprises and 个体工商户
    id_number: str | None  # persons
    person_type: str | None  # individual_business | natural_person (persons)
    business_name: str | None  # 个体工商户 字号
    legal_representative: str | None  # enterprises
    industry: str | None
    address: str
    street: str  # 街道/镇
    phone: str
    risk_flags: tuple[str, ...]


@dataclass(frozen=True)
class DemoDataset:
    units: tuple[DemoUnit, ...]
    officers: tuple[DemoOfficer, ...]
    accounts: tuple[DemoAccount, ...]
    parties: tuple[DemoParty, ...]


# --- units --------------------------------------------------------------------------

BRIGADE = "执法大队"
SQUADS = ("第一中队", "第二中队", "第三中队")


def demo_units() -> tuple[DemoUnit, ...]:
    """The bureau's sections, the brigade and its three squads (parents first)."""
    sections = ("局领导", "办公室", "法制宣传科", "安全生产监督管理科", "应急管理科")
    return (
        *(DemoUnit(name, "section") for name in sections),
        DemoUnit(BRIGADE, "brigade"),
        *(DemoUnit(name, "squad", BRIGADE) for name in SQUADS),
    )


# --- officers -----------------------------------------------------------------------

# username, name, unit, title, certificate valid_from, valid_to, scope (space-separated)
_OFFICER_TABLE = """
zhangwei      张伟  执法大队 大队长  2022-03-01 2027-02-28 安全生产,应急管理
wanglei       王磊  执法大队 副大队长 2023-05-10 2028-05-09 安全生产
lina          李娜  第一中队 中队长  2022-09-01 2027-08-31 安全生产
liuyang       刘洋  第一中队 执法队员 2024-04-15 2029-04-14 安全生产
chenjing      陈静  第一中队 执法队员 2023-11-20 2028-11-19 安全生产,应急管理
yangfan       杨帆  第一中队 执法队员 2020-07-01 2025-06-30 安全生产
zhaomin       赵敏  第二中队 中队长  2022-06-01 2027-05-31 安全生产
huangzhiqiang 黄志强 第二中队 执法队员 2025-02-10 2030-02-09 安全生产
zhouxiaodong  周晓东 第二中队 执法队员 2024-08-01 2029-07-31 安全生产,应急管理
wujianguo     吴建国 第二中队 执法队员 2022-01-05 2027-01-04 安全生产
xulihua       徐丽华 第三中队 中队长  2023-03-01 2028-02-29 安全生产,应急管理
sunhao        孙浩  第三中队 执法队员 2025-06-16 2030-06-15 安全生产
zhuwenjie     朱文杰 第三中队 执法队员 2024-01-08 2029-01-07 安全生产
hurong        胡蓉  第三中队 执法队员 2023-09-18 2028-09-17 应急管理,安全生产
"""

_OfficerRow = tuple[str, str, str, str, date, date, tuple[str, ...]]


def _officer_rows() -> list[_OfficerRow]:
    rows: list[_OfficerRow] = []
    for line in _OFFICER_TABLE.strip().splitlines():
        username, name, unit, title, start, end, scope = line.split()
        valid_from, valid_to = date.fromisoformat(start), date.fromisoformat(end)
        rows.append((username, name, unit, title, valid_from, valid_to, tuple(scope.split(","))))
    return rows


CERTIFICATE_ISSUER = "上海市人民政府"  # 上海市行政执法证 is issued in the city government's name

_MOBILE_PREFIXES = ("138", "139", "135", "136", "137", "150", "151", "158", "159", "186", "187")
_MOBILE_PREFIXES += ("188", "130", "131", "133", "153", "180", "189", "177", "199", "185")


def _mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _landline(rng: random.Random) -> str:
    return f"021-{rng.choice('56')}{rng.randrange(10**7):07d}"


def demo_officers(seed: int = DEMO_SEED) -> tuple[DemoOfficer, ...]:
    """14 officers of the brigade; exactly one certificate (杨帆) expired in 2025."""
    rng = random.Random(f"officers-{seed}")  # noqa: S311 - demo data, not secrets
    rows = _officer_rows()
    serials = rng.sample(range(1000, 999_999), len(rows))
    return tuple(
        DemoOfficer(
            username=username,
            full_name=name,
            unit=unit,
            title=title,
            phone=_mobile(rng),
            certificate=DemoCertificate(
                number=f"31107{serial:06d}",
                issuing_authority=CERTIFICATE_ISSUER,
                scope=scope,
                valid_from=valid_from,
                valid_to=valid_to,
            ),
        )
        for (username, name, unit, title, valid_from, valid_to, scope), serial in zip(
            rows, serials, strict=True
        )
    )


# --- accounts -----------------------------------------------------------------------

# (username, name, role, unit): one account for each non-officer role, and a second
# legal-section account.
_ROLE_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("legal", "钱雅琴", "legal", "法制宣传科"),
    ("supervision", "马骏", "supervision", "安全生产监督管理科"),
    ("office", "郭晓燕", "office", "办公室"),
    ("leader", "沈建平", "leader", "局领导"),
    ("archivist", "何佳怡", "archivist", "办公室"),
    ("admin", "系统管理员", "admin", None),
    # A second person of the legal section: exemptions need someone other than the asker.
    ("legal2", "孙丽华", "legal", "法制宣传科"),
)


def demo_accounts(seed: int = DEMO_SEED) -> tuple[DemoAccount, ...]:
    """Every officer (role officer) plus one account for each other role."""
    rng = random.Random(f"accounts-{seed}")  # noqa: S311
    officers = tuple(
        DemoAccount(o.username, o.full_name, ("officer",), o.unit, o.phone)
        for o in demo_officers(seed)
    )
    others = tuple(
        DemoAccount(username, name, (role,), unit, None if role == "admin" else _mobile(rng))
        for username, name, role, unit in _ROLE_ACCOUNTS
    )
    return officers + others


# --- parties ------------------------------------------------------------------------

_TRADE_NAMES = (
    "恒泰", "锦程", "瑞丰", "汇通", "鑫源", "宏达", "安泰", "永盛", "德茂", "嘉禾",
    "润泽", "博远", "启航", "泓源", "信诚", "佳裕", "聚丰", "昌隆", "盛辉", "巨峰",
    "铭扬", "华盈", "天诚", "广益", "弘远", "兴邦", "耀光", "明达", "宝顺", "凯捷",
    "福临", "荣鑫", "宇恒", "诚泰", "华申", "博泰", "众合", "祥和", "金瑞", "海川",
    "东润", "沐阳", "立信", "申茂", "协力", "晟丰", "和润", "天佑", "隆盛", "益达",
)  # fmt: skip

# industry → (name template, base risk flags); {t} is the trade name, {road} a road.
_ENTERPRISE_TEMPLATES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "危险化学品经营": (
        ("上海{t}化工有限公司", ("hazardous_chemicals", "explosive")),
        ("上海{t}化学品贸易有限公司", ("hazardous_chemicals",)),
        ("上海{t}精细化工有限公司", ("hazardous_chemicals", "confined_space")),
    ),
    "工贸": (
        ("上海{t}金属制品有限公司", ("dust_explosion",)),
        ("上海{t}木业有限公司", ("dust_explosion",)),
        ("上海{t}食品有限公司", ("confined_space", "gas")),
        ("上海{t}机械制造有限公司", ("confined_space",)),
    ),
    "仓储物流": (
        ("上海{t}物流有限公司", ()),
        ("上海{t}仓储有限公司", ("hazardous_chemicals",)),
        ("上海{t}供应链管理有限公司", ()),
    ),
    "加油站": (("上海{t}石油销售有限公司{road}加油站", ("hazardous_chemicals", "explosive")),),
    "烟花爆竹零售": (("上海{t}烟花爆竹销售有限公司", ("fireworks", "explosive")),),
    "商贸": (
        ("上海{t}商贸有限公司", ()),
        ("上海{t}实业有限公司", ()),
    ),
    "餐饮": (
        ("上海{t}餐饮管理有限公司", ("gas",)),
        ("上海{t}酒家有限公司", ("gas",)),
    ),
}

# How many enterprises of each industry (40 in all).
_ENTERPRISE_MIX: tuple[tuple[str, int], ...] = (
    ("危险化学品经营", 8),
    ("工贸", 8),
    ("仓储物流", 6),
    ("加油站", 4),
    ("烟花爆竹零售", 3),
    ("商贸", 5),
    ("餐饮", 6),
)

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁"
    "谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁沈"
)
_MALE_GIVEN = (
    "建华", "志刚", "国强", "海涛", "俊杰", "文斌", "永明", "立新",
    "宏伟", "晓峰", "军", "斌", "勇", "超", "磊",
)  # fmt: skip
_FEMALE_GIVEN = (
    "丽娟", "秀英", "美玲", "晓红", "雪梅", "佳慧", "静", "婷",
    "敏", "芳", "燕", "霞", "琳", "颖", "洁",
)  # fmt: skip
# (shop template, industry, risk flags) for 个体工商户
_SHOPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("上海市普陀区{n}小吃店", "餐饮", ("gas",)),
    ("上海市普陀区{n}便利店", "商贸", ()),
    ("上海市普陀区{n}烟花爆竹零售点", "烟花爆竹零售", ("fireworks", "explosive")),
    ("上海市普陀区{n}面馆", "餐饮", ("gas",)),
    ("上海市普陀区{n}五金店", "商贸", ()),
    ("上海市普陀区{n}油漆涂料经营部", "危险化学品经营", ("hazardous_chemicals",)),
)  # fmt: skip


def _person_name(rng: random.Random, male: bool) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_MALE_GIVEN if male else _FEMALE_GIVEN)


def _org_code(rng: random.Random) -> str:
    """A 9-character 组织机构代码: old numeric style or the post-2015 'MA' style."""
    if rng.random() < 0.5:
        body = f"{rng.randrange(10**7, 10**8)}"
    else:
        body = "MA1" + rng.choice("FGHJK") + "".join(rng.choice(USCC_CHARSET) for _ in range(4))
    return body + org_code_check_char(body)


def _uscc(rng: random.Random, category: str = "1") -> str:
    first17 = "9" + category + DISTRICT_CODE + _org_code(rng)
    return first17 + uscc_check_char(first17)


def _id_number(rng: random.Random, male: bool) -> str:
    born = date(rng.randint(1958, 2000), rng.randint(1, 12), rng.randint(1, 28))
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd = male
    first17 = f"{DISTRICT_CODE}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def _street_and_road(rng: random.Random, industrial: bool) -> tuple[str, str]:
    street = rng.choice(_INDUSTRIAL_STREETS if industrial else tuple(STREETS))
    return street, rng.choice(STREETS[street])


def _enterprise(rng: random.Random, industry: str, trade_name: str) -> DemoParty:
    template, flags = rng.choice(_ENTERPRISE_TEMPLATES[industry])
    industrial = industry in ("危险化学品经营", "工贸", "仓储物流")
    street, road = _street_and_road(rng, industrial)
    address = f"上海市普陀区{road}{rng.randint(1, 2000)}号"
    if industrial and rng.random() < 0.5:
        address += f"{rng.randint(1, 12)}幢"
    return DemoParty(
        kind="enterprise",
        name=template.format(t=trade_name, road=road),
        uscc=_uscc(rng),
        id_number=None,
        person_type=None,
        business_name=None,
        legal_representative=_person_name(rng, rng.random() < 0.7),
        industry=industry,
        address=address,
        street=street,
        phone=_landline(rng) if rng.random() < 0.5 else _mobile(rng),
        risk_flags=flags,
    )


def _person(rng: random.Random, index: int, trade_name: str) -> DemoParty:
    male = rng.random() < 0.6
    name = _person_name(rng, male)
    street, road = _street_and_road(rng, industrial=False)
    home = f"上海市普陀区{street}{road}{rng.randint(1, 1500)}弄{rng.randint(1, 60)}号"
    home += f"{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    shop = _SHOPS[index] if index < len(_SHOPS) else None
    return DemoParty(
        kind="person",
        name=name,
        uscc=_uscc(rng, "2") if shop else None,  # a 个体工商户's 92… code
        id_number=_id_number(rng, male),
        person_type="individual_business" if shop else "natural_person",
        business_name=shop[0].format(n=trade_name) if shop else None,
        legal_representative=None,
        industry=shop[1] if shop else None,
        address=home,
        street=street,
        phone=_mobile(rng),
        risk_flags=shop[2] if shop else (),
    )


def _unique(parties: list[DemoParty]) -> bool:
    keys = [p.uscc or p.id_number for p in parties]
    names = [p.name for p in parties]
    return len(set(keys)) == len(keys) and len(set(names)) == len(names)


def demo_parties(seed: int = DEMO_SEED) -> tuple[DemoParty, ...]:
    """50 parties in 普陀区: 40 enterprises (91-prefixed USCC) then 10 persons
    (6 个体工商户 with their 92-prefixed USCC, 4 自然人). Names and identifiers are unique."""
    rng = random.Random(f"parties-{seed}")  # noqa: S311
    industries = [industry for industry, count in _ENTERPRISE_MIX for _ in range(count)]
    rng.shuffle(industries)
    trade_names = rng.sample(_TRADE_NAMES, len(industries) + len(_SHOPS))
    shop_names = trade_names[len(industries) :]
    while True:  # redraw in the (rare) case of a repeated name or identifier
        parties = [
            _enterprise(rng, industry, trade_name)
            for industry, trade_name in zip(industries, trade_names, strict=False)
        ]
        parties += [
            _person(rng, i, shop_names[i] if i < len(shop_names) else "") for i in range(10)
        ]
        if _unique(parties):
            return tuple(parties)


def demo_dataset(seed: int = DEMO_SEED) -> DemoDataset:
    """Everything the demo loads, in one deterministic bundle."""
    return DemoDataset(
        units=demo_units(),
        officers=demo_officers(seed),
        accounts=demo_accounts(seed),
        parties=demo_parties(seed),
    )


# --- power items (执法事项) ---------------------------------------------------------


@dataclass(frozen=True)
class DemoPowerItem:
    code: str
    name: str
    kind: str  # enforcement.steps.ActionKind values
    basis: str


def demo_power_items() -> tuple[DemoPowerItem, ...]:
    """A few of a district bureau's 执法事项; the catalog keeps the full 权责清单."""
    return (
        DemoPowerItem(
            "CF-001",
            "对生产经营单位未按规定对重大危险源登记建档或者进行评估、监控的行政处罚",
            "penalty",
            "《安全生产法》第一百零一条第二项",
        ),
        DemoPowerItem(
            "CF-002",
            "对生产经营单位未如实记录安全生产教育和培训情况的行政处罚",
            "penalty",
            "《安全生产法》第九十七条第四项",
        ),
        DemoPowerItem(
            "CF-003",
            "对未经许可经营危险化学品的行政处罚",
            "penalty",
            "《危险化学品安全管理条例》第七十七条第三款",
        ),
        DemoPowerItem(
            "QZ-001",
            "对不符合保障安全生产的国家标准或者行业标准的设施、设备、器材以及违法生产、储存、"
            "使用、经营、运输的危险物品予以查封或者扣押",
            "compulsion",
            "《安全生产法》第六十五条第一款第四项",
        ),
        DemoPowerItem(
            "QZ-002",
            "证据先行登记保存",
            "compulsion",
            "《行政处罚法》第五十六条",
        ),
        DemoPowerItem(
            "JC-001",
            "对生产经营单位执行有关安全生产的法律、法规和国家标准或者行业标准情况的监督检查",
            "inspection",
            "《安全生产法》第六十五条",
        ),
        DemoPowerItem(
            "ZS-001",
            "突发事件应急处置中征用单位和个人的财产",
            "levy",
            "《突发事件应对法》第十二条",
        ),
        DemoPowerItem(
            "XK-001",
            "危险化学品经营许可（不带储存设施）",
            "license",
            "《危险化学品安全管理条例》第三十三条",
        ),
        DemoPowerItem(
            "QT-001",
            "生产安全事故调查中的现场勘查",
            "other",
            "《生产安全事故报告和调查处理条例》第二十六条",
        ),
    )
