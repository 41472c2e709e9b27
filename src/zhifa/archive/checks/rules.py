"""四性检测 as data and pure decisions (DA/T 70-2018《文书类电子档案检测一般要求》).

DA/T 70 checks electronic records at three points — 归档 (filing), 移交与接收 (transfer)
and 长期保存 (periodic checks while kept) — under four headings: 真实性, 完整性, 可用性,
安全性. Its tables number the test items per point (GD-… at filing, YJ-… at transfer,
BC-… while kept) as ``<heading>-<n>``; the ``basis`` of each item below names the
filing-table item it implements (the same item recurs at the other points).

zhifa's items are what its own records allow to be checked by a machine: a digest in the
ledger, signed checkpoints, write-once blob storage, typed metadata. Items of DA/T 70 that
concern physical carriers (光盘, 载体外观) have no counterpart here; the virus scan
(GD-4-2) is answered, as far as software without an antivirus engine can, by the format
whitelist and the active-content check.

Every finding is one item (件, named by its 件号 and 题名) or the whole case (件号 None)
under one check; a check's outcome is the worst of its findings, and the report is 不通过
as soon as any finding failed. Warnings (e.g. a plain PDF that is not PDF/A) are shown
and counted, but do not fail the report.

No database, clock or I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from zhifa.core.clock import people_date


class Heading(StrEnum):
    authenticity = "真实性"
    integrity = "完整性"
    usability = "可用性"
    security = "安全性"


class Outcome(StrEnum):
    passed = "通过"
    warning = "警告"
    failed = "不通过"


class Stage(StrEnum):
    """检测环节 (DA/T 70: 归档环节, 移交与接收环节, 长期保存环节)."""

    filing = "归档"
    transfer = "移交"
    periodic = "定期"


class ContentKind(StrEnum):
    """What an item's content is: an issued 文书 (PDF) or a 音视频记录 (MediaKind)."""

    document = "document"
    photo = "photo"
    audio = "audio"
    video = "video"


@dataclass(frozen=True)
class CheckItem:
    """One 检测项目: its heading, its name as printed, what zhifa checks, and the item
    of DA/T 70 (or the standard) it answers to."""

    id: str
    heading: Heading
    name: str
    method: str
    basis: str


_ITEMS = (
    # ---- 真实性 ----
    CheckItem(
        "fixity",
        Heading.authenticity,
        "固化信息有效性检测",
        "重新计算内容数据的摘要，与账本登记的摘要逐件比对",
        "DA/T 70-2018 GD-1-1 固化信息有效性检测（数字摘要）",
    ),
    CheckItem(
        "checkpoint",
        Heading.authenticity,
        "账本签名检查点检测",
        "登记该件的账本条目已被经签名的检查点覆盖，且包含证明成立",
        "DA/T 70-2018 GD-1-1 固化信息有效性检测（电子签名、时间戳）",
    ),
    CheckItem(
        "properties",
        Heading.authenticity,
        "内容数据电子属性一致性检测",
        "内容数据实际的类型与元数据登记的类型、大小一致",
        "DA/T 70-2018 真实性：内容数据的电子属性与元数据一致",
    ),
    # ---- 完整性 ----
    CheckItem(
        "total_items",
        Heading.integrity,
        "总件数相符性检测",
        "实际件数与登记件数相符",
        "DA/T 70-2018 GD-2-1 总件数相符性检测",
    ),
    CheckItem(
        "total_bytes",
        Heading.integrity,
        "总字节数相符性检测",
        "实际总字节数与登记总字节数相符",
        "DA/T 70-2018 GD-2-2 总字节数相符性检测",
    ),
    CheckItem(
        "required_metadata",
        Heading.integrity,
        "元数据必填著录项目检测",
        "题名、责任者、日期、件号、保管期限、档号（文书另需文号）均已著录",
        "DA/T 70-2018 GD-2-4；DA/T 46-2009 文书类电子文件元数据方案",
    ),
    CheckItem(
        "item_numbers",
        Heading.integrity,
        "连续性元数据项检测",
        "件号自 1 起连续编号，无缺号、重号",
        "DA/T 70-2018 GD-2-6；DA/T 22-2015 归档文件整理规则",
    ),
    CheckItem(
        "content_present",
        Heading.integrity,
        "内容数据完整性检测",
        "每件均有对应的内容数据，且可从存储中取得",
        "DA/T 70-2018 GD-2-7 内容数据完整性检测",
    ),
    CheckItem(
        "scope",
        Heading.integrity,
        "归档范围检测",
        "案件办理过程中应归档的文书和音视频记录均已归档",
        "DA/T 70-2018 GD-2-9 归档范围检测；《全过程记录办法》第十条",
    ),
    # ---- 可用性 ----
    CheckItem(
        "readable",
        Heading.usability,
        "内容数据的可读性检测",
        "PDF 逐页解析，图片完整解码，音视频逐包读取并解码首尾画面和声音",
        "DA/T 70-2018 GD-3-4 内容数据的可读性检测",
    ),
    CheckItem(
        "format",
        Heading.usability,
        "内容数据格式检测",
        "格式在可接受的长期保存格式清单内",
        "DA/T 70-2018 GD-3-3 内容数据格式检测；GB/T 18894-2016；DA/T 47",
    ),
    CheckItem(
        "unencrypted",
        Heading.usability,
        "内容数据未加密检测",
        "内容数据未加密、未设打开口令",
        "DA/T 70-2018 可用性：不得包含加密或非公开压缩算法的内容数据",
    ),
    # ---- 安全性 ----
    CheckItem(
        "active_content",
        Heading.security,
        "恶意代码检测",
        "内容数据不含脚本、启动外部程序等可执行内容",
        "DA/T 70-2018 GD-4-2 病毒感染检测（以格式白名单和可执行内容检查代替杀毒引擎）",
    ),
    CheckItem(
        "access",
        Heading.security,
        "利用权限控制检测",
        "涉及国家秘密、商业秘密、个人隐私的件已设利用限制",
        "DA/T 70-2018 GD-4-7 归档过程安全性检测；《全过程记录办法》第十条第二款",
    ),
    CheckItem(
        "write_once",
        Heading.security,
        "存储写保护检测",
        "内容数据处于一次写入、不可改删的存储状态，且保护期不短于保管期限",
        "DA/T 70-2018 GD-4-7 归档过程安全性检测",
    ),
    CheckItem(
        "copies",
        Heading.security,
        "备份副本检测",
        "内容数据的副本份数不少于规定份数，且各副本摘要一致",
        "DA/T 70-2018 安全性；GB/T 18894-2016 备份要求",
    ),
)
CHECKS: dict[str, CheckItem] = {item.id: item for item in _ITEMS}


@dataclass(frozen=True)
class Finding:
    """What one check found about one thing (an item's content, or the case)."""

    check: str
    outcome: Outcome
    message: str

    def __post_init__(self) -> None:
        if self.check not in CHECKS:
            raise ValueError(f"unknown check {self.check!r}")

    @property
    def heading(self) -> Heading:
        return CHECKS[self.check].heading


@dataclass(frozen=True)
class ItemFinding(Finding):
    """A finding that names its 件 (``item`` is the 件号; None for the whole case)."""

    item: int | None = None
    title: str = "案卷"


def passed(check: str, message: str) -> Finding:
    return Finding(check, Outcome.passed, message)


def warning(check: str, message: str) -> Finding:
    return Finding(check, Outcome.warning, message)


def failed(check: str, message: str) -> Finding:
    return Finding(check, Outcome.failed, message)


def of_item(item: int | None, title: str, findings: Iterable[Finding]) -> list[ItemFinding]:
    """The findings about one item's content, named by its 件号 and 题名."""
    return [ItemFinding(f.check, f.outcome, f.message, item=item, title=title) for f in findings]


# ---- accepted formats -----------------------------------------------------------------------


@dataclass(frozen=True)
class FormatFacts:
    """What a probe found out about a content's format."""

    kind: ContentKind
    content_type: str
    container: str | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    pdfa: str | None = None  # "2B" for PDF/A-2b, from the XMP pdfaid:part / conformance


PDFA_PARTS = frozenset({"1", "2", "3"})
PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF"}
VIDEO_CODECS = {"h264": "H.264", "hevc": "H.265"}
MP4_AUDIO = frozenset({"aac"})
MP3_CODECS = frozenset({"mp3", "mp3float"})

# As printed on the report: what is accepted without a warning.
ACCEPTED_FORMATS = (
    ("文书", "PDF/A-1、PDF/A-2、PDF/A-3（未标识为 PDF/A 的 PDF 可读但给出警告）"),
    ("照片", "JPEG、PNG、TIFF"),
    ("视频", "MP4（视频 H.264 或 H.265，音频 AAC）"),
    ("音频", "MP3、WAV（PCM）、M4A（AAC）"),
)


def format_finding(facts: FormatFacts) -> Finding:
    """Is the format on the accepted list? Readable formats zhifa took in but that are
    not long-term formats (a plain PDF, WebP, MKV …) pass with a warning: the record is
    usable today and its digest is ledgered as it is, so it is kept unchanged and its
    migration is flagged; anything else fails."""
    match facts.kind:
        case ContentKind.document:
            return _document_format(facts)
        case ContentKind.photo:
            return _photo_format(facts)
        case ContentKind.video:
            return _video_format(facts)
        case ContentKind.audio:
            return _audio_format(facts)
    raise AssertionError(facts.kind)  # pragma: no cover - every kind is matched


def _document_format(facts: FormatFacts) -> Finding:
    if facts.content_type != "application/pdf":
        return failed("format", f"文书格式 {facts.content_type} 不在可接受的格式清单内")
    if facts.pdfa and facts.pdfa[:1] in PDFA_PARTS:
        return passed("format", f"PDF/A-{facts.pdfa[:1]}{facts.pdfa[1:].lower()}")
    return warning(
        "format", "PDF 未标识为 PDF/A（长期保存格式），可正常读取；建议迁移为 PDF/A 并记录"
    )


def _photo_format(facts: FormatFacts) -> Finding:
    if facts.content_type in PHOTO_TYPES:
        return passed("format", PHOTO_TYPES[facts.content_type])
    if facts.content_type.startswith("image/"):
        name = facts.content_type.removeprefix("image/").upper()
        return warning("format", f"照片格式 {name} 不是长期保存格式，建议转换为 JPEG 或 TIFF")
    return failed("format", f"照片格式 {facts.content_type} 不在可接受的格式清单内")


def _video_format(facts: FormatFacts) -> Finding:
    codec = VIDEO_CODECS.get(facts.video_codec or "")
    audio_ok = facts.audio_codec is None or facts.audio_codec in MP4_AUDIO
    if facts.container == "mp4" and codec and audio_ok:
        return passed("format", f"MP4（{codec}{'，AAC' if facts.audio_codec else ''}）")
    advice = "不是长期保存格式，建议转换为 MP4（H.264）"
    return warning("format", f"视频格式 {_av_name(facts)} {advice}")


def _audio_format(facts: FormatFacts) -> Finding:
    codec = facts.audio_codec or ""
    if facts.content_type == "audio/mpeg" and codec in MP3_CODECS:
        return passed("format", "MP3")
    if facts.content_type == "audio/wav" and codec.startswith("pcm_"):
        return passed("format", "WAV（PCM）")
    if facts.content_type == "audio/mp4" and codec in MP4_AUDIO:
        return passed("format", "M4A（AAC）")
    return warning("format", f"音频格式 {_av_name(facts)} 不是长期保存格式，建议转换为 MP3 或 WAV")


def _av_name(facts: FormatFacts) -> str:
    codecs = "、".join(c for c in (facts.video_codec, facts.audio_codec) if c)
    name = (facts.container or facts.content_type).upper()
    return f"{name}（{codecs}）" if codecs else name


def properties_finding(
    declared_kind: ContentKind,
    declared_type: str,
    found_kind: ContentKind,
    found_type: str,
) -> Finding:
    """The content is what its record says it is (a photo record holds a photo …)."""
    if found_kind is not declared_kind:
        return failed(
            "properties",
            f"登记为{KIND_LABELS[declared_kind]}，实际内容是{KIND_LABELS[found_kind]}（{found_type}）",
        )
    if declared_type and declared_type != found_type:
        return failed("properties", f"登记的类型为 {declared_type}，实际为 {found_type}")
    return passed("properties", f"{KIND_LABELS[found_kind]}，{found_type}")


KIND_LABELS = {
    ContentKind.document: "文书",
    ContentKind.photo: "照片",
    ContentKind.audio: "音频",
    ContentKind.video: "视频",
}


# ---- 完整性 from plain data ------------------------------------------------------------------


def count_findings(
    declared_items: int, present_items: int, declared_bytes: int, present_bytes: int
) -> list[Finding]:
    """总件数 and 总字节数 against what the filing declared."""
    items = (
        passed("total_items", f"共 {present_items} 件，与登记相符")
        if declared_items == present_items
        else failed("total_items", f"登记 {declared_items} 件，实际 {present_items} 件")
    )
    size = (
        passed("total_bytes", f"共 {present_bytes} 字节，与登记相符")
        if declared_bytes == present_bytes
        else failed("total_bytes", f"登记 {declared_bytes} 字节，实际 {present_bytes} 字节")
    )
    return [items, size]


@dataclass(frozen=True)
class ItemMetadata:
    """An item's 著录 as filed (DA/T 46-style elements zhifa keeps)."""

    number: int | None  # 件号
    title: str | None  # 题名
    responsible: str | None  # 责任者
    date: date | datetime | None  # 日期
    retention: str | None  # 保管期限
    archival_code: str | None  # 档号
    doc_number: str | None = None  # 文号
    numbered: bool = False  # the document kind carries a 文号


def missing_fields(meta: ItemMetadata) -> list[str]:
    """The labels of the required elements that are empty, in the order printed."""
    values: list[tuple[str, object]] = [
        ("件号", meta.number),
        ("题名", meta.title),
        ("责任者", meta.responsible),
        ("日期", meta.date),
        ("保管期限", meta.retention),
        ("档号", meta.archival_code),
    ]
    if meta.numbered:
        values.append(("文号", meta.doc_number))
    return [label for label, value in values if value is None or str(value).strip() == ""]


def metadata_findings(items: Sequence[ItemMetadata]) -> list[ItemFinding]:
    """元数据必填著录项目, one finding per item."""
    out: list[ItemFinding] = []
    for meta in items:
        missing = missing_fields(meta)
        finding = (
            failed("required_metadata", f"缺少著录项：{'、'.join(missing)}")
            if missing
            else passed("required_metadata", "必填著录项齐全")
        )
        out += of_item(meta.number, meta.title or "（无题名）", [finding])
    return out


def numbering_finding(numbers: Sequence[int | None]) -> Finding:
    """件号 run 1..n without a gap, a repeat or an item without one."""
    given = [n for n in numbers if n is not None]
    problems: list[str] = []
    if unnumbered := len(numbers) - len(given):
        problems.append(f"{unnumbered} 件未编件号")
    if bad := sorted({n for n in given if n < 1}):
        problems.append(f"件号 {_join(bad)} 无效（应从 1 起）")
    if repeated := sorted({n for n in given if given.count(n) > 1}):
        problems.append(f"件号 {_join(repeated)} 重复")
    top = max(given, default=0)
    if gaps := sorted(set(range(1, top + 1)) - set(given)):
        problems.append(f"缺少件号 {_join(gaps)}")
    if problems:
        return failed("item_numbers", "；".join(problems))
    return passed("item_numbers", f"件号 1—{top} 连续" if top else "无件")


def _join(numbers: Iterable[int]) -> str:
    return "、".join(str(n) for n in numbers)


@dataclass(frozen=True)
class Expected:
    """Something the case's history says must be in the file (a 文书 issued, a 音视频
    记录 taken): ``key`` identifies it (e.g. ``document:12``), ``title`` names it."""

    key: str
    title: str


def scope_findings(expected: Sequence[Expected], filed: Iterable[str]) -> list[ItemFinding]:
    """归档范围: every expected record has been filed; a missing one is named."""
    present = set(filed)
    missing = [e for e in expected if e.key not in present]
    if not missing:
        return of_item(None, "案卷", [passed("scope", f"应归档的 {len(expected)} 项均已归档")])
    return [
        ItemFinding("scope", Outcome.failed, f"应归档而未归档：{e.title}", item=None, title=e.title)
        for e in missing
    ]


def content_finding(present: bool, size: int | None = None) -> Finding:
    if not present:
        return failed("content_present", "存储中找不到该件的内容数据")
    return passed("content_present", f"内容数据 {size} 字节" if size is not None else "已取得")


# ---- 真实性 and 安全性 from plain data -------------------------------------------------------


def fixity_finding(ledgered: str, computed: str) -> Finding:
    """Digests are ``<algorithm>:<hex>`` as the blob store writes them."""
    if ledgered == computed:
        return passed("fixity", f"摘要与账本一致（{computed.split(':', 1)[0]}）")
    return failed("fixity", f"摘要与账本登记不一致：登记 {ledgered}，实际 {computed}")


def checkpoint_finding(entry_index: int, checkpoint_size: int | None, proof_ok: bool) -> Finding:
    if checkpoint_size is None or entry_index >= checkpoint_size:
        return failed("checkpoint", f"账本第 {entry_index} 条尚未被签名检查点覆盖")
    if not proof_ok:
        return failed("checkpoint", f"账本第 {entry_index} 条的包含证明不成立")
    covered = f"已被签名检查点（共 {checkpoint_size} 条）覆盖"
    return passed("checkpoint", f"账本第 {entry_index} 条{covered}")


def access_finding(needs_restriction: bool, restricted: bool) -> Finding:
    if needs_restriction and not restricted:
        return failed("access", "涉及秘密或个人隐私，但未设利用限制")
    return passed("access", "已设利用限制" if restricted else "无须限制利用")


def write_once_finding(
    locked: bool, locked_until: date | None, retain_until: date | None
) -> Finding:
    """Write-once state of the content's storage. ``locked_until`` None with ``locked``
    means locked for good (a local store that never deletes); ``retain_until`` None
    means kept permanently (永久)."""
    if not locked:
        return failed("write_once", "内容数据所在存储未处于写保护（一次写入）状态")
    if locked_until is not None and (retain_until is None or locked_until < retain_until):
        until = "永久" if retain_until is None else people_date(retain_until)
        return failed(
            "write_once", f"写保护期至{people_date(locked_until)}，短于保管期限（至{until}）"
        )
    return passed(
        "write_once", "写保护" + (f"至{people_date(locked_until)}" if locked_until else "")
    )


def copies_finding(digests: Sequence[str | None], required: int) -> Finding:
    """``digests``: what each configured copy holds (None where the copy is missing)."""
    held = [d for d in digests if d is not None]
    if len(set(held)) > 1:
        return failed("copies", "各副本摘要不一致")
    if len(held) < required:
        return failed("copies", f"应有 {required} 份副本，实有 {len(held)} 份")
    return passed("copies", f"副本 {len(held)} 份，摘要一致")


# ---- the report -----------------------------------------------------------------------------

_SEVERITY = {Outcome.passed: 0, Outcome.warning: 1, Outcome.failed: 2}


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    return max(outcomes, key=_SEVERITY.__getitem__, default=Outcome.passed)


@dataclass(frozen=True)
class HeadingSummary:
    """One row of the summary: 检测项目数 and how many of them passed, failed, warned
    (a check counts by its worst finding)."""

    heading: Heading
    checks: int
    passed: int
    failed: int
    warned: int


@dataclass(frozen=True)
class CheckReport:
    """A 四性检测 of one case (案卷) at one 检测环节."""

    archival_code: str  # 档号
    title: str  # 题名
    stage: Stage
    checked_at: datetime  # UTC
    checker: str  # 检测人 (or the system, for a scheduled check)
    findings: tuple[ItemFinding, ...] = field(default=())

    @property
    def verdict(self) -> Outcome:
        """通过 or 不通过: warnings alone do not fail a check."""
        failing = any(f.outcome is Outcome.failed for f in self.findings)
        return Outcome.failed if failing else Outcome.passed

    @property
    def summary(self) -> list[HeadingSummary]:
        return summarise(self.findings)

    @property
    def problems(self) -> list[ItemFinding]:
        """Failed findings first, then warnings, each in item order."""
        bad = [f for f in self.findings if f.outcome is not Outcome.passed]
        return sorted(bad, key=lambda f: (-_SEVERITY[f.outcome], _item_order(f)))

    @property
    def rows(self) -> list[ItemFinding]:
        """Every finding, item by item (the case first), in the order of the checks."""
        order = {check: n for n, check in enumerate(CHECKS)}
        return sorted(self.findings, key=lambda f: (_item_order(f), order[f.check]))


def _item_order(f: ItemFinding) -> tuple[int, int]:
    return (0, 0) if f.item is None else (1, f.item)


def summarise(findings: Iterable[ItemFinding]) -> list[HeadingSummary]:
    """Per heading, in DA/T 70's order, the checks run and their outcomes."""
    by_check: dict[str, list[Outcome]] = {}
    for f in findings:
        by_check.setdefault(f.check, []).append(f.outcome)
    rows = []
    for heading in Heading:
        outcomes = [worst(o) for c, o in by_check.items() if CHECKS[c].heading is heading]
        rows.append(
            HeadingSummary(
                heading,
                checks=len(outcomes),
                passed=outcomes.count(Outcome.passed),
                failed=outcomes.count(Outcome.failed),
                warned=outcomes.count(Outcome.warning),
            )
        )
    return rows
