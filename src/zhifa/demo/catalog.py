# ruff: noqa: E501  (legal summaries and guide texts are long Chinese lines)
"""Demo 事前公示 catalogue: the main laws a district emergency-management bureau enforces,
a few of their articles, the 权责清单 citing them, service guides of the licence items
and the 随机抽查事项清单. Seeded idempotently through the catalogue's own use cases, so
every row is versioned and ledgered like one entered by hand.

About the legal texts: titles, issuing bodies, document numbers, dates and article
numbers are those of the official texts as far as the author knows them; article texts
are short summaries (摘要), not the official wording. Entries the author could not check
against an official source are marked ``verified=False`` and say 待核对 in their summary —
check them at 国家法律法规数据库 (flk.npc.gov.cn) before relying on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog import publishing
from zhifa.catalog.items import service as items
from zhifa.catalog.laws import service as laws
from zhifa.catalog.models import RandomCheckItem
from zhifa.catalog.rules import LawLevel
from zhifa.core.models import Unit
from zhifa.demo.data import demo_power_items
from zhifa.enforcement.models import PowerItem
from zhifa.enforcement.steps import ActionKind

NPC = "全国人民代表大会常务委员会"
STATE_COUNCIL = "国务院"
UNVERIFIED = "（待核对）"


@dataclass(frozen=True)
class DemoArticle:
    number: str
    text: str
    verified: bool = True


@dataclass(frozen=True)
class DemoLaw:
    title: str
    level: LawLevel
    issuing_body: str
    doc_number: str
    edition: str
    published_on: date
    effective_on: date
    articles: tuple[DemoArticle, ...]
    amended_on: date | None = None


A = DemoArticle

DEMO_LAWS: tuple[DemoLaw, ...] = (
    DemoLaw(
        "中华人民共和国安全生产法",
        LawLevel.law,
        NPC,
        "中华人民共和国主席令第八十八号",
        "2021年修正",
        date(2021, 6, 10),
        date(2021, 9, 1),
        (
            A("第一条", "摘要：为加强安全生产工作，防止和减少生产安全事故，保障人民群众生命和财产安全，促进经济社会持续健康发展，制定本法。"),
            A("第四条", "摘要：生产经营单位必须遵守本法和其他有关安全生产的法律、法规，建立健全全员安全生产责任制和安全生产规章制度。"),
            A("第六十五条", "摘要：应急管理部门依法对生产经营单位执行安全生产法律、法规和国家标准或者行业标准的情况进行监督检查，可以进入单位检查、当场纠正或者责令限期改正违法行为、责令排除事故隐患，并可对不符合标准的设施、设备、器材和违法的危险物品予以查封或者扣押。"),
            A("第三十五条", "摘要：生产经营单位应当在有较大危险因素的生产经营场所和有关设施、设备上，设置明显的安全警示标志。"),
            A("第四十二条", "摘要：生产经营场所和员工宿舍应当设有符合紧急疏散要求、标志明显、保持畅通的出口、疏散通道。禁止占用、锁闭、封堵生产经营场所或者员工宿舍的出口、疏散通道。"),
            A("第九十七条", "摘要：生产经营单位未按规定设置安全生产管理机构或者配备管理人员、未按规定进行安全生产教育和培训、未如实记录安全生产教育和培训情况等的，责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处罚款。"),
            A("第一百零一条", "摘要：生产经营单位对重大危险源未登记建档，未进行定期检测、评估、监控，未制定应急预案，或者未告知应急措施等的，责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处罚款。"),
            A("第九十九条", "摘要：生产经营单位未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志等的，责令限期改正，处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款，责令停产停业整顿。"),
            A("第一百零二条", "摘要：生产经营单位未采取措施消除事故隐患的，责令立即消除或者限期消除，处五万元以下的罚款；拒不执行的，责令停产停业整顿，并对直接责任人员处以罚款。"),
            A("第一百零五条", "摘要：生产经营场所和员工宿舍未设有符合紧急疏散需要、标志明显、保持畅通的出口、疏散通道，或者占用、锁闭、封堵生产经营场所或者员工宿舍出口、疏散通道的，责令限期改正，处五万元以下的罚款；逾期未改正的，责令停产停业整顿。"),
        ),
    ),
    DemoLaw(
        "中华人民共和国行政处罚法",
        LawLevel.law,
        NPC,
        "中华人民共和国主席令第七十号",
        "2021年修订",
        date(2021, 1, 22),
        date(2021, 7, 15),
        (
            A("第九条", "摘要：行政处罚的种类：警告、通报批评；罚款、没收违法所得、没收非法财物；暂扣许可证件、降低资质等级、吊销许可证件；限制开展生产经营活动、责令停产停业、责令关闭、限制从业；行政拘留；法律、行政法规规定的其他行政处罚。"),
            A("第三十九条", "摘要：行政处罚的实施机关、立案依据、实施程序和救济渠道等信息应当公示。"),
            A("第五十一条", "摘要：违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下罚款或者警告的，可以当场作出行政处罚决定。"),
            A("第五十六条", "摘要：收集证据时可以抽样取证；在证据可能灭失或者以后难以取得的情况下，经行政机关负责人批准，可以先行登记保存，并应当在七日内及时作出处理决定。"),
            A("第六十三条", "摘要：拟作出较大数额罚款、没收较大数额违法所得、责令停产停业、吊销许可证件等行政处罚决定的，应当告知当事人有要求听证的权利。"),
        ),
    ),
    DemoLaw(
        "危险化学品安全管理条例",
        LawLevel.admin_regulation,
        STATE_COUNCIL,
        "中华人民共和国国务院令第645号",
        "2013年修订",
        date(2013, 12, 7),
        date(2013, 12, 7),
        (
            A("第一条", "摘要：为加强危险化学品的安全管理，预防和减少危险化学品事故，保障人民群众生命财产安全，保护环境，制定本条例。"),
            A("第三十三条", "摘要：国家对危险化学品经营（包括仓储经营）实行许可制度。未经许可，任何单位和个人不得经营危险化学品。"),
            A("第三十五条", "摘要：从事剧毒化学品、易制爆危险化学品经营或者有储存设施的，向设区的市级人民政府安全生产监督管理部门提出申请；从事其他危险化学品经营的，向所在地县级人民政府安全生产监督管理部门提出申请。"),
            A("第七十七条", "摘要：未取得危险化学品经营许可证从事危险化学品经营的，由安全生产监督管理部门责令停止经营活动，没收违法经营的危险化学品以及违法所得，并处罚款（第三款）。"),
        ),
    ),
    DemoLaw(
        "生产安全事故应急条例",
        LawLevel.admin_regulation,
        STATE_COUNCIL,
        "中华人民共和国国务院令第708号",
        "",
        date(2019, 2, 17),
        date(2019, 4, 1),
        (
            A("第一条", "摘要：为规范生产安全事故应急工作，保障人民群众生命和财产安全，根据《中华人民共和国安全生产法》和《中华人民共和国突发事件应对法》，制定本条例。"),
            A("第三十条", "摘要：生产经营单位未制定生产安全事故应急救援预案、未定期组织应急救援预案演练、未对从业人员进行应急教育和培训，或者主要负责人在事故发生时不立即组织抢救的，依照《中华人民共和国安全生产法》有关规定追究法律责任。"),
        ),
    ),
    DemoLaw(
        "生产安全事故报告和调查处理条例",
        LawLevel.admin_regulation,
        STATE_COUNCIL,
        "中华人民共和国国务院令第493号",
        "",
        date(2007, 4, 9),
        date(2007, 6, 1),
        (
            A("第二十六条", f"摘要：事故调查组有权向有关单位和个人了解与事故有关的情况，并要求其提供相关文件、资料。{UNVERIFIED}", verified=False),
        ),
    ),
    DemoLaw(
        "中华人民共和国突发事件应对法",
        LawLevel.law,
        NPC,
        "中华人民共和国主席令第六十九号",
        "",
        date(2007, 8, 30),
        date(2007, 11, 1),
        (
            A("第十二条", "摘要：有关人民政府及其部门为应对突发事件，可以征用单位和个人的财产；使用完毕或者应急处置工作结束后应当及时返还，财产被征用或者毁损、灭失的，应当给予补偿。"),
        ),
        # 2024年6月28日修订，自2024年11月1日起施行；修订后文本的条文序号待核对，未登记。
        amended_on=date(2024, 11, 1),
    ),
    DemoLaw(
        "烟花爆竹安全管理条例",
        LawLevel.admin_regulation,
        STATE_COUNCIL,
        "中华人民共和国国务院令第455号",
        "",
        date(2006, 1, 21),
        date(2006, 1, 21),
        (
            A("第十八条", "摘要：烟花爆竹零售经营者应当具备下列条件：主要负责人经过安全知识教育；实行专店或者专柜销售，设专人负责安全管理；经营场所配备必要的消防器材，张贴明显的安全警示标志；法律、法规规定的其他条件。"),
            A("第十九条", "摘要：申请从事烟花爆竹批发的企业向省级或者其委托的设区的市级安全生产监督管理部门提出申请（第一款）；申请从事烟花爆竹零售的经营者向所在地县级人民政府安全生产监督管理部门提出申请，受理部门自受理申请之日起20日内审查，符合条件的核发《烟花爆竹经营（零售）许可证》（第二款）。"),
        ),
    ),
)  # fmt: skip

_PENALTY_DUTIES = (
    "1.立案责任：对发现的违法行为予以审查，决定是否立案。\n"
    "2.调查责任：执法人员不少于两人，出示执法证件，全面、客观、公正地调查取证。\n"
    "3.审查责任：对案件违法事实、证据、调查取证程序、法律适用、处罚种类和幅度等进行审查。\n"
    "4.告知责任：作出行政处罚决定前，告知当事人拟作出处罚的内容及事实、理由、依据，以及陈述、申辩和要求听证的权利。\n"
    "5.决定责任：依法作出处罚决定，制作行政处罚决定书。\n"
    "6.送达责任：依法送达行政处罚决定书。\n"
    "7.执行责任：监督当事人履行处罚决定。\n"
    "8.公示责任：依法公示行政处罚决定。"
)
_PENALTY_ACCOUNTABILITY = (
    "因不履行或者不正确履行行政职责，有下列情形之一的，依法追究相关人员责任：\n"
    "1.没有法律依据或者事实依据实施行政处罚的；\n"
    "2.擅自改变行政处罚种类、幅度的；\n"
    "3.违反法定的行政处罚程序的；\n"
    "4.应当依法移交司法机关追究刑事责任而不移交，以行政处罚代替刑事处罚的；\n"
    "5.在执法过程中滥用职权、玩忽职守、徇私舞弊的。"
)
_OTHER_DUTIES = (
    "1.依法实施：执法人员不少于两人，出示执法证件，告知当事人相关事项。\n"
    "2.全过程记录：对执法活动进行文字和音视频记录。\n"
    "3.决定与送达：依法作出决定并送达。\n"
    "4.公示：依法公示执法信息。"
)
_OTHER_ACCOUNTABILITY = (
    "因不履行或者不正确履行行政职责，有下列情形之一的，依法追究相关人员责任：\n"
    "1.没有法律依据或者违反法定程序实施的；\n"
    "2.滥用职权、玩忽职守、徇私舞弊的；\n"
    "3.侵犯当事人合法权益造成损失的。"
)

# code → (citations, responsible unit)
_POWER_ITEM_BASIS: dict[str, tuple[str, str]] = {
    "CF-001": ("《安全生产法》第一百零一条第二项", "执法大队"),
    "CF-002": ("《安全生产法》第九十七条第四项", "执法大队"),
    "CF-003": ("《危险化学品安全管理条例》第七十七条第三款", "执法大队"),
    "QZ-001": ("《安全生产法》第六十五条第一款第四项", "执法大队"),
    "QZ-002": ("《行政处罚法》第五十六条", "执法大队"),
    "JC-001": ("《安全生产法》第六十五条", "执法大队"),
    "ZS-001": ("《突发事件应对法》第十二条", "应急管理科"),
    "XK-001": ("《危险化学品安全管理条例》第三十三条；《危险化学品安全管理条例》第三十五条", "安全生产监督管理科"),
    "QT-001": ("《生产安全事故报告和调查处理条例》第二十六条", "安全生产监督管理科"),
}  # fmt: skip


@dataclass(frozen=True)
class DemoCatalogItem:
    code: str
    name: str
    kind: ActionKind
    basis: str
    unit: str


_EXTRA_ITEMS: tuple[DemoCatalogItem, ...] = (
    DemoCatalogItem(
        "CF-004",
        "对生产经营单位未采取措施消除事故隐患的行政处罚",
        ActionKind.penalty,
        "《安全生产法》第一百零二条",
        "执法大队",
    ),
    DemoCatalogItem(
        "CF-005",
        "对生产经营单位未制定生产安全事故应急救援预案或者未定期组织演练的行政处罚",
        ActionKind.penalty,
        "《生产安全事故应急条例》第三十条",
        "执法大队",
    ),
    DemoCatalogItem(
        "CF-006",
        "对生产经营单位未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志的行政处罚",
        ActionKind.penalty,
        "《安全生产法》第九十九条第一项",
        "执法大队",
    ),
    DemoCatalogItem(
        "CF-007",
        "对生产经营单位占用、锁闭、封堵生产经营场所或者员工宿舍出口、疏散通道的行政处罚",
        ActionKind.penalty,
        "《安全生产法》第一百零五条第二项",
        "执法大队",
    ),
    DemoCatalogItem(
        "XK-002",
        "烟花爆竹经营（零售）许可",
        ActionKind.license,
        "《烟花爆竹安全管理条例》第十九条第二款",
        "安全生产监督管理科",
    ),
)


def demo_catalog_items() -> tuple[DemoCatalogItem, ...]:
    """The enforcement demo's power items (same codes, names and kinds) plus a few more."""
    known = tuple(
        DemoCatalogItem(p.code, p.name, ActionKind(p.kind), *_POWER_ITEM_BASIS[p.code])
        for p in demo_power_items()
    )
    return known + _EXTRA_ITEMS


_CONTACTS = "咨询电话：021-00000000（演示号码）；监督电话：021-00000001（演示号码）"
_PLACE = (
    "普陀区行政服务中心应急管理窗口（演示地址），或通过“一网通办”平台在线申请；工作日 9:00—17:00。"
)

DEMO_GUIDES: dict[str, items.GuideDetails] = {
    "XK-001": items.GuideDetails(
        conditions="1.有符合国家标准、行业标准的经营场所；\n2.从业人员经过专业技术培训并经考核合格；\n"
        "3.有健全的安全管理规章制度；\n4.有专职安全管理人员；\n5.有符合国家规定的危险化学品事故应急预案和必要的应急救援器材、设备。",
        materials="1.危险化学品经营许可证申请书；\n2.经营场所产权证明或者租赁证明文件；\n"
        "3.主要负责人、安全生产管理人员的安全培训合格证明；\n4.安全生产规章制度和岗位操作规程目录；\n5.事故应急预案。",
        procedure="申请 → 受理（材料齐全、符合法定形式的当场受理）→ 审查（必要时现场核查）→ 决定 → 制证送达",
        time_limit="法定时限：自受理之日起30日内作出决定（承诺时限以窗口公布为准）",
        fees="不收费",
        place=_PLACE,
        contacts=_CONTACTS,
    ),
    "XK-002": items.GuideDetails(
        conditions="1.主要负责人经过安全知识教育；\n2.实行专店或者专柜销售，设专人负责安全管理；\n"
        "3.经营场所配备必要的消防器材，张贴明显的安全警示标志；\n4.法律、法规规定的其他条件（《烟花爆竹安全管理条例》第十八条）。",
        materials="1.烟花爆竹经营（零售）许可证申请书；\n2.零售场所产权或者租赁证明；\n"
        "3.主要负责人安全培训合格证明；\n4.零售场所平面示意图。",
        procedure="申请 → 受理 → 审查（现场核查）→ 决定 → 制证送达",
        time_limit="法定时限：自受理之日起20日内审查并作出决定（《烟花爆竹安全管理条例》第十九条第二款）",
        fees="不收费",
        place=_PLACE,
        contacts=_CONTACTS,
    ),
}

_CHECK_METHOD = "“双随机、一公开”：随机抽取检查对象、随机选派执法人员；现场检查与资料核查相结合"

DEMO_RANDOM_CHECKS: tuple[items.RandomCheckIn, ...] = (
    items.RandomCheckIn(
        code="SJ-001",
        name="危险化学品经营单位安全生产监督检查",
        basis="《安全生产法》第六十五条；《危险化学品安全管理条例》第三十三条",
        targets="本区危险化学品经营单位（含不带储存设施的经营单位）",
        method=_CHECK_METHOD,
        frequency="每年抽查比例不低于20%",
    ),
    items.RandomCheckIn(
        code="SJ-002",
        name="工贸企业安全生产监督检查",
        basis="《安全生产法》第六十五条",
        targets="本区冶金、有色、建材、机械、轻工、纺织、烟草、商贸等工贸企业",
        method=_CHECK_METHOD,
        frequency="每年抽查比例不低于5%",
    ),
    items.RandomCheckIn(
        code="SJ-003",
        name="生产经营单位生产安全事故应急预案管理情况检查",
        basis="《安全生产法》第六十五条；《生产安全事故应急条例》第三十条",
        targets="本区生产经营单位",
        method=_CHECK_METHOD,
        frequency="每年抽查比例不低于3%",
    ),
    items.RandomCheckIn(
        code="SJ-004",
        name="烟花爆竹零售经营单位安全检查",
        basis="《安全生产法》第六十五条；《烟花爆竹安全管理条例》第十八条",
        targets="本区烟花爆竹零售经营单位",
        method=_CHECK_METHOD,
        frequency="春节前全覆盖检查，其他时段每年抽查比例不低于10%",
    ),
)


def _law_input(law: DemoLaw) -> laws.LawIn:
    return laws.LawIn(
        title=law.title,
        level=law.level,
        issuing_body=law.issuing_body,
        doc_number=law.doc_number,
        edition=law.edition,
        published_on=law.published_on,
        effective_on=law.effective_on,
        amended_on=law.amended_on,
        articles=[laws.ArticleIn(article=a.number, text=a.text) for a in law.articles],
    )


def _seed_laws(db: Session) -> int:
    known = {(v.current.title, v.current.edition) for v in laws.list_laws(db)}
    added = 0
    for law in DEMO_LAWS:
        if (law.title, law.edition) not in known:
            laws.create_law(db, _law_input(law), None)
            added += 1
    return added


def _item_details(item: DemoCatalogItem, unit_ids: dict[str, int]) -> dict[str, object]:
    penalty = item.kind is ActionKind.penalty
    return {
        "name": item.name,
        "kind": item.kind,
        "unit_id": unit_ids.get(item.unit),
        "basis": item.basis,
        "duties": _PENALTY_DUTIES if penalty else _OTHER_DUTIES,
        "accountability": _PENALTY_ACCOUNTABILITY if penalty else _OTHER_ACCOUNTABILITY,
    }


def _seed_power_items(db: Session, unit_ids: dict[str, int]) -> int:
    existing = {p.code: p for p in db.scalars(select(PowerItem))}
    added = 0
    for item in demo_catalog_items():
        details = _item_details(item, unit_ids)
        row = existing.get(item.code)
        if row is None:
            items.create_power_item(db, items.PowerItemIn(code=item.code, **details), None)
            added += 1
        elif items.get_power_item(db, row.id).current is None:
            # An item the enforcement demo registered before the catalogue: its first version.
            data = items.PowerItemRevision(reason="纳入权责清单", **details)
            items.revise_power_item(db, row.id, data, None)
    return added


def _seed_guides(db: Session) -> None:
    codes = {p.code: p.id for p in db.scalars(select(PowerItem))}
    for code, guide in DEMO_GUIDES.items():
        if items.guide_of_item(db, codes[code]) is None:
            items.save_guide(db, codes[code], guide, None)


def _seed_random_checks(db: Session, unit_ids: dict[str, int]) -> None:
    known = set(db.scalars(select(RandomCheckItem.code)))
    for check in DEMO_RANDOM_CHECKS:
        if check.code not in known:
            data = check.model_copy(update={"unit_id": unit_ids.get("执法大队")})
            items.create_random_check(db, data, None)


def seed_demo_catalog(db: Session) -> tuple[int, int]:
    """Create whatever of the demo catalogue is missing (in the caller's transaction);
    returns (laws added, power items added)."""
    unit_ids = {u.name: u.id for u in db.scalars(select(Unit))}
    added_laws = _seed_laws(db)
    added_items = _seed_power_items(db, unit_ids)
    _seed_guides(db)
    _seed_random_checks(db, unit_ids)
    return added_laws, added_items


def publish_demo_catalogue(db: Session) -> int:
    """Publish the catalogue and the officer list (whatever is not public in its current
    version yet) and commit; how many snapshots were published. A step of ``zhifa
    seed-demo`` after the seed, whose channels receive them."""
    published = sum(publishing.publish_pending(db, kind, None) for kind in publishing.KINDS)
    db.commit()
    return published
