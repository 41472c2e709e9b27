"""Check and normalise the identifiers of parties: 统一社会信用代码, 身份证号, 电话号码.

Pure functions: no I/O, no clock (the "not in the future" check takes `today`).

- 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and A-Z without I, O, S, V, Z;
  char 1 登记管理部门码, char 2 机构类别码 (value set per department), chars 3-8 the
  登记管理机关行政区划码 (GB/T 2260), chars 9-17 主体标识码 (组织机构代码, GB 11714),
  char 18 the check character: ISO 7064 MOD 31-3 with weights 3^i mod 31.
- 公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit sequence
  (odd = male), check character by ISO 7064 MOD 11-2.

Errors are `InvalidIdentifier`: `str(exc)` is the bare Chinese reason (so that a pydantic
validator's message reads well after the field label), `exc.message` is label + reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

from zhifa.core.errors import DomainError

__all__ = [
    "ID_NUMBER_LABEL",
    "PHONE_LABEL",
    "SEX_LABELS",
    "USCC_CATEGORIES",
    "USCC_CHARSET",
    "USCC_DEPARTMENTS",
    "USCC_LABEL",
    "InvalidIdentifier",
    "birth_date_of",
    "id_check_char",
    "is_sole_trader_uscc",
    "is_valid_id_number",
    "is_valid_uscc",
    "org_code_check_char",
    "sex_of",
    "uscc_check_char",
    "validate_id_number",
    "validate_phone",
    "validate_uscc",
]

USCC_LABEL = "统一社会信用代码"
ID_NUMBER_LABEL = "身份证号"
PHONE_LABEL = "联系电话"


class InvalidIdentifier(DomainError, ValueError):
    """An identifier that fails its standard's rules. Nothing was changed."""

    def __init__(self, reason: str, *, label: str = "", field: str | None = None) -> None:
        super().__init__(reason, field)
        self.reason = reason
        self.label = label
        # The message shown on its own names the identifier; str(exc) stays the bare reason.
        self.message = f"{label}{reason}"


def _clean(text: object, label: str, field: str) -> str:
    """NFKC (full-width → ASCII), strip, upper-case; refuse non-text and empty input."""
    if not isinstance(text, str):
        raise InvalidIdentifier("应为文本", label=label, field=field)
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    if not cleaned:
        raise InvalidIdentifier("不能为空", label=label, field=field)
    return cleaned


# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_VALUE = {char: value for value, char in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# 登记管理部门码 → 名称
USCC_DEPARTMENTS: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

# 登记管理部门码 → {机构类别码: 名称}
USCC_CATEGORIES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常住新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}


def _uscc_error(reason: str) -> InvalidIdentifier:
    return InvalidIdentifier(reason, label=USCC_LABEL, field="uscc")


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (ISO 7064 MOD 31-3; a result of 31 becomes 0)."""
    if len(first17) != 17:
        raise _uscc_error(f"前17位长度应为17位（当前{len(first17)}位）")
    total = 0
    for char, weight in zip(first17.upper(), _USCC_WEIGHTS, strict=True):
        if char not in _USCC_VALUE:
            raise _uscc_error(f"含有非法字符 '{char}'")
        total += _USCC_VALUE[char] * weight
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """Return the normalised code, or raise InvalidIdentifier saying what is wrong."""
    cleaned = _clean(code, USCC_LABEL, "uscc")
    if len(cleaned) != 18:
        raise _uscc_error(f"长度应为18位（当前{len(cleaned)}位）")
    bad = next((char for char in cleaned if char not in _USCC_VALUE), None)
    if bad is not None:
        raise _uscc_error(f"含有非法字符 '{bad}'")
    department, category = cleaned[0], cleaned[1]
    if department not in USCC_DEPARTMENTS:
        raise _uscc_error("登记管理部门码无效")
    if category not in USCC_CATEGORIES[department]:
        raise _uscc_error("机构类别码无效")
    if not cleaned[2:8].isdigit():
        raise _uscc_error("登记管理机关行政区划码应为6位数字")
    expected = uscc_check_char(cleaned[:17])
    if cleaned[17] != expected:
        raise _uscc_error(f"校验码错误，应为 '{expected}'")
    return cleaned


def is_valid_uscc(code: str) -> bool:
    try:
        validate_uscc(code)
    except InvalidIdentifier:
        return False
    return True


def is_sole_trader_uscc(code: str | None) -> bool:
    """A code given to a 个体工商户 (登记管理部门码 9, 机构类别码 2: 92…)."""
    text = (code or "").strip().upper()
    return USCC_CATEGORIES.get(text[:1], {}).get(text[1:2]) == "个体工商户"


def party_kind_label(kind_label: str, uscc: str | None) -> str:
    """The party's kind in words: a person registered with a 92… code is a 个体工商户."""
    return "个体工商户" if is_sole_trader_uscc(uscc) else kind_label


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_char(first8: str) -> str:
    """GB 11714 组织机构代码 check character for the 8-character body (digits, A-Z)."""
    if len(first8) != 8 or not all(c.isdigit() or "A" <= c <= "Z" for c in first8.upper()):
        raise InvalidIdentifier("本体代码应为8位数字或大写字母", label="组织机构代码")
    pairs = zip(first8.upper(), _ORG_WEIGHTS, strict=True)
    total = sum(int(char, 36) * weight for char, weight in pairs)
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


# --- 公民身份号码 (GB 11643-1999) -----------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_MAP = "10X98765432"  # index = weighted sum mod 11
_EARLIEST_BIRTH = date(1800, 1, 1)  # the standard's own example is born in 1880

Sex = Literal["male", "female"]
SEX_LABELS: dict[str, str] = {"male": "男", "female": "女"}


def _id_error(reason: str) -> InvalidIdentifier:
    return InvalidIdentifier(reason, label=ID_NUMBER_LABEL, field="id_number")


def id_check_char(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise _id_error("前17位应为17位数字")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_MAP[total % 11]


def _birth_date(digits8: str) -> date | None:
    try:
        return date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


def validate_id_number(number: str, today: date | None = None) -> str:
    """Return the normalised 18-character number (lower-case x → X) or raise.

    `today` bounds the birth date (no future births); without it only the calendar
    check (and a year-1800 floor) applies, which keeps the function free of the clock.
    """
    cleaned = _clean(number, ID_NUMBER_LABEL, "id_number")
    if len(cleaned) != 18:
        raise _id_error(f"长度应为18位（当前{len(cleaned)}位）")
    bad = next((c for c in cleaned[:17] if not ("0" <= c <= "9")), None)
    if bad is None and not ("0" <= cleaned[17] <= "9" or cleaned[17] == "X"):
        bad = cleaned[17]
    if bad is not None:
        raise _id_error(f"含有非法字符 '{bad}'")
    born = _birth_date(cleaned[6:14])
    if born is None or born < _EARLIEST_BIRTH or (today is not None and born > today):
        raise _id_error("出生日期无效")
    expected = id_check_char(cleaned[:17])
    if cleaned[17] != expected:
        raise _id_error(f"校验码错误，应为 '{expected}'")
    return cleaned


def is_valid_id_number(number: str, today: date | None = None) -> bool:
    try:
        validate_id_number(number, today)
    except InvalidIdentifier:
        return False
    return True


def birth_date_of(id_number: str) -> date:
    """Birth date encoded in a valid 身份证号 (validates first)."""
    cleaned = validate_id_number(id_number)
    born = _birth_date(cleaned[6:14])
    assert born is not None  # guaranteed by validate_id_number
    return born


def sex_of(id_number: str) -> Sex:
    """'male' if the sequence code (17th digit) is odd, else 'female' (validates first)."""
    cleaned = validate_id_number(id_number)
    return "male" if int(cleaned[16]) % 2 == 1 else "female"


# --- 电话号码 (light check) -----------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-()（）]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code: 010 and 020-029 are three digits, the rest four (0 + 3); local 7-8 digits.
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))([2-9]\d{6,7})")
_LOCAL = re.compile(r"[2-9]\d{6,7}")
_EXTENSION = re.compile(r"^(.*?)\s*(?:转|EXT\.?|X|#)\s*(\d{1,6})$")
# 021-62541234-801: a hyphenated extension after a hyphenated or bracketed area code.
_DASHED_EXTENSION = re.compile(r"^([(（]?0\d{2,3}[)）]?[\s-]?\d{7,8})-(\d{1,6})$")


def _phone_error(reason: str) -> InvalidIdentifier:
    return InvalidIdentifier(reason, label=PHONE_LABEL, field="phone")


def validate_phone(phone: str) -> str:
    """Normalise a mainland number: mobile → '13812345678'; landline → '021-62541234'
    (with extension '021-62541234-801'); a bare 7-8 digit local number is kept as is.

    Accepts +86 / 0086 prefixes, spaces, hyphens and brackets. Raises InvalidIdentifier.
    """
    cleaned = _clean(phone, PHONE_LABEL, "phone")
    extension = ""
    match = _EXTENSION.match(cleaned) or _DASHED_EXTENSION.match(cleaned)
    if match:
        cleaned, extension = match.group(1), match.group(2)
    had_country_code = cleaned.startswith(("+86", "0086"))
    digits = _SEPARATORS.sub("", cleaned.removeprefix("+86").removeprefix("0086"))
    if not digits.isascii() or not digits.isdigit():
        raise _phone_error("格式不正确，应为11位手机号码或带区号的固定电话")
    if _MOBILE.fullmatch(digits) and not extension:
        return digits
    if had_country_code and not digits.startswith("0"):
        digits = "0" + digits  # +86 21 ... drops the trunk prefix 0
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        number = f"{landline.group(1)}-{landline.group(2)}"
        return f"{number}-{extension}" if extension else number
    if _LOCAL.fullmatch(digits) and not had_country_code:
        return f"{digits}-{extension}" if extension else digits
    if digits.startswith("1"):
        raise _phone_error("手机号码应为以13-19开头的11位数字")
    raise _phone_error("格式不正确，应为11位手机号码或带区号的固定电话")
