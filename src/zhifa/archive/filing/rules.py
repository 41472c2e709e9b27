"""Pure rules of filing: the 档号 pattern, the order of the 卷内目录, which records of a
case are filed, which schedule classes apply, and each item's DA/T 46-style metadata.
No database, no clock."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhifa.archive.retention.rules import RecordClass, case_class

#: The parts a 档号 pattern may use, in DA/T 22-2015's words.
PLACEHOLDERS = ("全宗号", "门类代码", "年度", "保管期限", "机构代码", "件号")
REQUIRED_PLACEHOLDERS = ("全宗号", "年度", "保管期限", "件号")
DEFAULT_PATTERN = "{全宗号}-{门类代码}·{年度}-{保管期限}-{机构代码}-{件号}"
_FIELD = re.compile(r"\{([^{}]*)\}")

# Issued documents that show the case held more than its kind: a coercive measure or a
# licence decided within it. Their classes apply too, and the longest period wins.
EXTRA_CLASS_OF_DOCUMENT = {
    "seizure_decision": RecordClass.compulsion,
    "on_site_measure_decision": RecordClass.compulsion,
    "license_decision": RecordClass.license,
}
PENALTY_DECISIONS = frozenset({"penalty_decision", "on_site_penalty_decision"})


def pattern_problem(pattern: str) -> str | None:
    """Why a 档号 pattern cannot be used, in words for the form; None if it can."""
    names = _FIELD.findall(pattern)
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown:
        return f"未知的字段：{'、'.join(unknown)}（可用：{'、'.join(PLACEHOLDERS)}）"
    missing = [name for name in REQUIRED_PLACEHOLDERS if name not in names]
    if missing:
        return f"档号须包含：{'、'.join('{' + m + '}' for m in missing)}"
    if len(set(names)) != len(names):
        return "同一字段只能出现一次"
    if "{" in _FIELD.sub("", pattern) or "}" in _FIELD.sub("", pattern):
        return "花括号不成对"
    return None


@dataclass(frozen=True)
class CodeParts:
    fonds: str
    category: str
    year: int
    period_code: str
    org_code: str
    seq: int
    seq_width: int


def format_code(pattern: str, parts: CodeParts) -> str:
    """A 档号 from its pattern, e.g. "Z123-ZF·2026-D30-FZ-0007"."""
    values = {
        "全宗号": parts.fonds,
        "门类代码": parts.category,
        "年度": str(parts.year),
        "保管期限": parts.period_code,
        "机构代码": parts.org_code,
        "件号": str(parts.seq).zfill(parts.seq_width),
    }
    return _FIELD.sub(lambda match: values[match.group(1)], pattern)


def classes_of_case(
    action_kind: str, procedure: str, issued_kinds: Iterable[str]
) -> set[RecordClass]:
    """Every schedule class a closed case falls into (its kind, procedure and outcome, and
    what its issued documents show it also held)."""
    kinds = set(issued_kinds)
    classes = {case_class(action_kind, procedure, decided=bool(kinds & PENALTY_DECISIONS))}
    classes |= {EXTRA_CLASS_OF_DOCUMENT[k] for k in kinds if k in EXTRA_CLASS_OF_DOCUMENT}
    return classes


@dataclass(frozen=True)
class Candidate:
    """A record of the case to be filed as one item, before it has its 件号."""

    kind: str  # ItemKind value
    source: str  # "document:12", "media:7", "document_service:3/receipt", "action:5"
    title: str
    doc_number: str
    made_on: date
    digest: str
    size: int
    content_type: str
    filename: str
    classified: bool = False
    pages: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_KIND_ORDER = {"document": 0, "receipt": 1, "media": 2, "process": 3}


def catalogue_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The 卷内目录's order: by date, a document before its receipts and the media of
    the same day, the process record last; ties by source, so filing twice the same
    records gives the same order."""
    return sorted(
        candidates,
        key=lambda c: (c.kind == "process", c.made_on, _KIND_ORDER[c.kind], _source_key(c)),
    )


def _source_key(candidate: Candidate) -> tuple[str, int, str]:
    table, _, rest = candidate.source.partition(":")
    number, _, suffix = rest.partition("/")
    return (table, int(number) if number.isdigit() else 0, suffix)


def item_metadata(
    candidate: Candidate,
    *,
    item_no: int,
    archival_code: str,
    fonds: str,
    fonds_name: str,
    retention_label: str,
) -> dict[str, Any]:
    """The item's metadata by the headings of DA/T 46 (文书类电子文件元数据方案)."""
    return {
        "聚合层次": "件",
        "来源": {"全宗名称": fonds_name, "立档单位名称": fonds_name},
        "档号": {"档号": archival_code, "全宗号": fonds, "件号": item_no},
        "内容描述": {
            "题名": candidate.title,
            "文件编号": candidate.doc_number,
            "责任者": fonds_name,
            "日期": candidate.made_on.isoformat(),
            "密级": "国家秘密" if candidate.classified else "",
            "保管期限": retention_label,
        },
        "形式特征": {"页数": candidate.pages, "语种": "汉语"},
        "电子属性": {
            "格式信息": candidate.content_type,
            "计算机文件名": candidate.filename,
            "计算机文件大小": candidate.size,
            "摘要值": candidate.digest,
        },
        "来源记录": candidate.source,
        **({"补充": candidate.extra} if candidate.extra else {}),
    }


#: Metadata an item must carry (完整性 checks it; DA/T 46 M-level elements).
REQUIRED_METADATA = ("题名", "责任者", "日期", "保管期限", "档号", "件号", "摘要值")


#: What each placeholder of a 档号 pattern stands for, for the scheme's form.
PLACEHOLDER_HELP = {
    "全宗号": "档案馆给立档单位的编号，如 Z031",
    "门类代码": "档案门类，如 ZF（执法）",
    "年度": "案件办结的年度，如 2026",
    "保管期限": "Y（永久）、D30（30年）、D10（10年）、M6（6个月）",
    "机构代码": "承办机构（问题）代码，如 FZK",
    "件号": "同一年度、保管期限、机构内的顺序号，按件号位数补零",
}


def example_code(pattern: str, fonds: str, category: str, org_code: str, seq_width: int) -> str:
    """An example 档号 of the pattern (a 30-year file of 2026, the first of its run), or
    why the pattern cannot be used."""
    problem = pattern_problem(pattern)
    if problem:
        return problem
    width = seq_width if 1 <= seq_width <= 8 else 4
    return format_code(pattern, CodeParts(fonds, category, 2026, "D30", org_code, 1, width))


_FORMATS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG 照片",
    "image/png": "PNG 图像",
    "video/mp4": "MP4 视频",
    "audio/mp4": "M4A 音频",
    "audio/mpeg": "MP3 音频",
}


def format_label(content_type: str) -> str:
    """A file format in the words of the 卷内目录's 备注 (PDF, MP4 视频 …)."""
    return _FORMATS.get(content_type, content_type.rpartition("/")[2].upper() or "未知格式")


def source_link(source: str, action_id: int, served: dict[int, int]) -> str | None:
    """The page of the record an item was filed from: a document, a medium, the case (the
    process record), the served document of a receipt (``served``: service id -> document
    id); None when there is none."""
    table, _, rest = source.partition(":")
    number = rest.partition("/")[0]
    if not number.isdigit():
        return None
    record = int(number)
    if table == "document":
        return f"/app/actions/{action_id}/documents/{record}"
    if table == "media":
        return f"/app/media/{record}"
    if table == "action":
        return f"/app/actions/{record}"
    if table == "document_service" and record in served:
        return f"/app/actions/{action_id}/documents/{served[record]}"
    return None
