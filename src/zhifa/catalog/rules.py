"""Pure decisions of the catalogue: article numbers (第六十二条第一款第三项), a law's status
on a day, the order of a law's dates, and the parsing of a citation such as
《安全生产法》第一百零一条第二项. No database, no clock, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhifa.core.errors import DomainError

_DIGITS = "零一二三四五六七八九"
_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(n: int) -> str:
    """An article number as written in Chinese law: 1→一, 10→十, 62→六十二, 101→一百零一,
    110→一百一十."""
    if not 0 < n < 10000:
        raise ValueError("article numbers run from 1 to 9999")
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_DIGITS[digit] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def parse_cn_number(text: str) -> int:
    """The inverse of `cn_number`; arabic digits are accepted too."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS.index(char)
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a Chinese number: {text}")
    return total + digit


_NUM = r"([0-9]+|[零一二三四五六七八九十百千]+)"
_ARTICLE_RE = re.compile(rf"^第{_NUM}条(?:第{_NUM}款)?(?:第{_NUM}项)?$")


@dataclass(frozen=True, order=True)
class ArticleRef:
    """第{article}条[第{paragraph}款][第{item}项] — numbers as integers."""

    article: int
    paragraph: int | None = None
    item: int | None = None

    @property
    def number(self) -> str:
        return f"第{cn_number(self.article)}条"

    @property
    def label(self) -> str:
        text = self.number
        if self.paragraph:
            text += f"第{cn_number(self.paragraph)}款"
        if self.item:
            text += f"第{cn_number(self.item)}项"
        return text

    def broader(self) -> list[ArticleRef]:
        """This reference and the wider ones it falls under, most specific first."""
        refs = [self]
        if self.item is not None:
            refs.append(ArticleRef(self.article, self.paragraph))
        if self.paragraph is not None:
            refs.append(ArticleRef(self.article))
        return list(dict.fromkeys(refs))


def parse_article(text: str, field: str = "article") -> ArticleRef:
    """``第六十二条第一款`` (or 第62条) → ArticleRef; a clear error otherwise."""
    match = _ARTICLE_RE.match(re.sub(r"\s+", "", text))
    if not match:
        raise DomainError(
            f"条款编号“{text}”格式不正确，应如“第六十二条”或“第六十二条第一款第三项”", field
        )
    numbers = [parse_cn_number(g) if g else None for g in match.groups()]
    if any(n is not None and not 0 < n < 10000 for n in numbers):
        raise DomainError(f"条款编号“{text}”超出范围", field)
    return ArticleRef(numbers[0] or 0, numbers[1], numbers[2])


def _part(text: str, unit: str) -> str:
    """``62`` / ``六十二`` / ``第六十二条`` → ``第六十二条`` (for unit 条); empty stays empty."""
    text = text.strip()
    if not text:
        return ""
    return ("" if text.startswith("第") else "第") + text + ("" if text.endswith(unit) else unit)


def article_ref(number: str, paragraph: str = "", item: str = "") -> ArticleRef:
    """An article from its separate parts, e.g. ("第六十二条", "第一款", "") or ("62", "1", "")."""
    typed = number + paragraph + item
    try:
        return parse_article(_part(number, "条") + _part(paragraph, "款") + _part(item, "项"))
    except DomainError:
        return parse_article(typed)  # refused, with the message naming what was typed


# ---- laws -------------------------------------------------------------------------------


class LawLevel(StrEnum):
    law = "law"  # 法律
    admin_regulation = "admin_regulation"  # 行政法规
    local_regulation = "local_regulation"  # 地方性法规
    department_rule = "department_rule"  # 部门规章
    local_rule = "local_rule"  # 地方政府规章
    normative_document = "normative_document"  # 规范性文件


LEVEL_LABELS = {
    LawLevel.law: "法律",
    LawLevel.admin_regulation: "行政法规",
    LawLevel.local_regulation: "地方性法规",
    LawLevel.department_rule: "部门规章",
    LawLevel.local_rule: "地方政府规章",
    LawLevel.normative_document: "规范性文件",
}


class LawStatus(StrEnum):
    in_force = "in_force"  # 现行有效
    amended = "amended"  # 已修改 (this text was replaced by an amended one)
    repealed = "repealed"  # 已废止
    pending = "pending"  # 尚未施行


STATUS_LABELS = {
    LawStatus.in_force: "现行有效",
    LawStatus.amended: "已修改",
    LawStatus.repealed: "已废止",
    LawStatus.pending: "尚未施行",
}


@dataclass(frozen=True)
class LawDates:
    published_on: date  # 公布日期
    effective_on: date  # 施行日期
    amended_on: date | None = None  # 修改日期: from this day an amended text applies
    repealed_on: date | None = None  # 废止日期


def check_dates(dates: LawDates) -> None:
    """Refuse dates out of order, naming the field."""
    if dates.effective_on < dates.published_on:
        raise DomainError("施行日期不能早于公布日期", "effective_on")
    if dates.amended_on and dates.amended_on < dates.published_on:
        raise DomainError("修改日期不能早于公布日期", "amended_on")
    if dates.repealed_on and dates.repealed_on < dates.published_on:
        raise DomainError("废止日期不能早于公布日期", "repealed_on")
    if dates.amended_on and dates.repealed_on and dates.repealed_on < dates.amended_on:
        raise DomainError("废止日期不能早于修改日期", "repealed_on")


def law_status(dates: LawDates, on: date) -> LawStatus:
    """The status on a day, from the dates alone."""
    if dates.repealed_on and dates.repealed_on <= on:
        return LawStatus.repealed
    if dates.amended_on and dates.amended_on <= on:
        return LawStatus.amended
    if dates.effective_on > on:
        return LawStatus.pending
    return LawStatus.in_force


class ChangeKind(StrEnum):
    revised = "revised"  # 修改
    repealed = "repealed"  # 废止
    replaced = "replaced"  # 被新法规替代


CHANGE_LABELS = {
    ChangeKind.revised: "修改",
    ChangeKind.repealed: "废止",
    ChangeKind.replaced: "被替代",
}


def dates_after_change(dates: LawDates, kind: ChangeKind, effective_on: date) -> LawDates:
    """A law's dates once a change takes effect (checked for order)."""
    if kind is ChangeKind.revised:
        changed = LawDates(dates.published_on, dates.effective_on, effective_on, dates.repealed_on)
    else:
        changed = LawDates(dates.published_on, dates.effective_on, dates.amended_on, effective_on)
    check_dates(changed)
    return changed


# ---- citations --------------------------------------------------------------------------

_CITATION_RE = re.compile(r"《([^》]+)》\s*(第[^《]+)")
_PREFIX = "中华人民共和国"


def short_title(title: str) -> str:
    """《中华人民共和国安全生产法》 is cited as 《安全生产法》."""
    title = title.strip().strip("《》")
    return title[len(_PREFIX) :] if title.startswith(_PREFIX) else title


@dataclass(frozen=True)
class CitationText:
    title: str  # as written, without 《》
    ref: ArticleRef


def parse_citations(text: str, field: str = "basis") -> list[CitationText]:
    """Lines (or 、；; separated parts) of 《法规》第X条[第Y款][第Z项]; an empty text is no
    citation. Anything that is not a citation is refused."""
    found: list[CitationText] = []
    for part in re.split(r"[\n;；、]+", text):
        part = part.strip().rstrip("。，,")
        if not part:
            continue
        match = _CITATION_RE.fullmatch(part)
        if not match:
            raise DomainError(f"法律依据“{part}”格式不正确，应如《安全生产法》第六十二条", field)
        found.append(CitationText(match.group(1).strip(), parse_article(match.group(2), field)))
    return list(dict.fromkeys(found))
