"""One desensitiser for personal data shown outside its need-to-know (pure functions).

Rules, and why (GB/T 35273-2020 §3.14/§6.2 asks for 去标识化 by partial hiding but fixes no
digits; the digits below follow common Chinese government and banking practice):

- 身份证号: keep the 6-digit address code and the last 4, hide the 8-digit birth date
  (310107********1234). The birth date is the most personal part; the address code is
  a region, not a person. Note: publication of an individual's 身份证号 is not allowed at
  all (行政处罚结果信息网上公开 practice hides 身份证号码、家庭住址、通讯方式、银行账号);
  the publicity pipeline must leave the field out, this mask is for internal lists.
- 手机号码: keep the first 3 (network) and last 4 (138****5678), the usual form.
  固定电话: keep the area code and the last 4 of the local number (021-****1234).
- 姓名: mode `full` shows the name (where the law allows it, e.g. the penalised person);
  `surname` keeps the surname and writes 某某 (张三 → 张某某, 欧阳娜娜 → 欧阳某某), the
  form used in published decisions; `hidden` writes 某某 only.
- 银行账号: keep the first 4 and the last 4 at most (6222 **** **** 1234 without spaces);
  short numbers keep only their last 4 or fewer (JR/T 0171-2020 allows at most 6+4).
- 家庭住址: keep the administrative part only — 省/市, 区/县, and with level="street" the
  街道/镇/乡 — and hide roads, numbers, 弄/号/室 (上海市普陀区***). The district tells a
  reader the jurisdiction, the rest would locate a home.

Every masked value keeps at least one character hidden, so the output never contains the
full original (tested with hypothesis).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "COMPOUND_SURNAMES",
    "MASK",
    "mask_address",
    "mask_bank_account",
    "mask_id_number",
    "mask_person_name",
    "mask_phone",
    "person_name_in",
    "surname_of",
]

MASK = "*"

NameMode = Literal["full", "surname", "hidden"]
AddressLevel = Literal["district", "street"]

# Two-character surnames (复姓) still in use; checked before the one-character rule.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "西门", "南宫", "独孤",
        "呼延", "赫连", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠",
        "闻人", "万俟", "司空", "司寇", "百里", "东郭", "第五", "左丘", "拓跋", "闾丘",
        "公羊", "谷梁", "乐正", "漆雕", "梁丘", "段干", "巫马", "亓官", "仲孙", "鲜于",
    }
)  # fmt: skip


def _keep_ends(text: str, head: int, tail: int) -> str:
    """Keep `head` and `tail` characters, star the rest; always hide at least one."""
    n = len(text)
    if n == 0:
        return ""
    while head + tail >= n and (head or tail):
        # Shrink the larger end first so that something stays hidden.
        if head >= tail:
            head -= 1
        else:
            tail -= 1
    return text[:head] + MASK * (n - head - tail) + text[n - tail :]


def mask_id_number(number: str) -> str:
    """310107199001011234 → 310107********1234. Other lengths keep 1+1 at most."""
    text = number.strip()
    if len(text) == 18:
        return _keep_ends(text, 6, 4)
    if len(text) == 15:  # first-generation numbers: 6 + 6-digit birth date + 3
        return _keep_ends(text, 6, 3)
    return _keep_ends(text, 1, 1)


_MOBILE = re.compile(r"(?:\+?86[\s-]?)?(1\d{10})")
_LANDLINE = re.compile(r"\(?(0(?:10|2\d|[3-9]\d{2}))[\s)-]*(\d{7,8})((?:[-转#]\d{1,6})?)")


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; 021-62541234 → 021-****1234; else keep the last 2."""
    text = phone.strip()
    mobile = _MOBILE.fullmatch(text)
    if mobile:
        return _keep_ends(mobile.group(1), 3, 4)
    landline = _LANDLINE.fullmatch(text)
    if landline:
        # The extension is dropped: it could identify a desk.
        return f"{landline.group(1)}-{_keep_ends(landline.group(2), 0, 4)}"
    digits = re.sub(r"\D", "", text)
    return _keep_ends(digits or text, 0, 2)


def surname_of(name: str) -> str:
    """The surname: a known 复姓 when the name has 3+ characters, else the first one."""
    text = name.strip()
    if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES:
        return text[:2]
    return text[:1]


# A 个体工商户 is named "字号（经营者姓名）": the trade name is public, the person's is not.
_TRADE_AND_PERSON = re.compile(r"^(?P<trade>.+)（(?P<person>[^（）]+)）$")


def person_name_in(name: str) -> str:
    """The person's own name inside a 个体工商户's "字号（姓名）", else the name itself."""
    text = name.strip()
    found = _TRADE_AND_PERSON.match(text)
    return found["person"] if found else text


def mask_person_name(name: str, mode: NameMode = "surname") -> str:
    """`full`: unchanged; `surname`: 张三 → 张某某; `hidden`: 某某.

    Names with a middle dot (少数民族、外国人 transliterations) keep their first character,
    which is the start of the given name, not a surname: 阿卜杜·热合曼 → 阿某某.
    A 个体工商户's "字号（姓名）" keeps the trade name: 平安五金店（张三） → 平安五金店（张某某）.
    """
    text = name.strip()
    found = _TRADE_AND_PERSON.match(text)
    if found and mode != "full":
        return f"{found['trade']}（{mask_person_name(found['person'], mode)}）"
    if mode == "full":
        return text
    if mode == "hidden" or not text:
        return "某某"
    if mode != "surname":
        raise ValueError(f"unknown name mask mode: {mode!r}")
    if any(dot in text for dot in "·•・."):
        return text[0] + "某某"
    return surname_of(text) + "某某"


def mask_bank_account(account: str) -> str:
    """6222021234567891234 → 6222***********1234 (spaces ignored)."""
    text = re.sub(r"\s+", "", account)
    if len(text) >= 12:
        return _keep_ends(text, 4, 4)
    return _keep_ends(text, 0, min(4, len(text) // 3))


_ADMIN_PREFIX = re.compile(
    r"(?P<province>[^\d市]{2,8}?(?:省|自治区))?"
    r"(?P<city>[^\d区县]{2,8}?(?:市|自治州|地区|盟))?"
    r"(?P<district>[^\d路街道号弄巷]{1,8}?(?:区|县|旗|市))?"
    r"(?P<street>[^\d路号弄巷室栋幢]{1,10}?(?:街道|镇|乡)(?:街道)?)?"
)


def mask_address(address: str, level: AddressLevel = "district") -> str:
    """上海市普陀区真如镇街道真北路100弄2号301室 → 上海市普陀区***.

    level="street" also keeps the 街道/镇/乡: 上海市普陀区真如镇街道***. An address with
    no recognisable administrative prefix becomes *** entirely.
    """
    text = re.sub(r"\s+", "", address)
    match = _ADMIN_PREFIX.match(text)
    keep = ""
    if match:
        # The groups are consecutive in the text, so joining them keeps a prefix.
        parts = ["province", "city", "district"] + (["street"] if level == "street" else [])
        keep = "".join(match.group(part) or "" for part in parts)
    if not keep:
        return MASK * 3
    return keep if keep == text else keep + MASK * 3
