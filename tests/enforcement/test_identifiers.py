"""GB 32100 统一社会信用代码, GB 11643 身份证号 and phone numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhifa.core.errors import DomainError
from zhifa.enforcement.identifiers import (
    USCC_CATEGORIES,
    USCC_CHARSET,
    InvalidIdentifier,
    birth_date_of,
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    org_code_check_char,
    sex_of,
    uscc_check_char,
    validate_id_number,
    validate_phone,
    validate_uscc,
)

# Published codes of well-known companies (营业执照 / public registers).
REAL_USCCS = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
]


def _reason(excinfo: pytest.ExceptionInfo[InvalidIdentifier]) -> str:
    return str(excinfo.value)


# --- 统一社会信用代码 ---------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_codes_are_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_codes_embed_a_valid_organisation_code(code: str) -> None:
    assert org_code_check_char(code[8:16]) == code[16]


def test_uscc_is_normalised() -> None:
    assert validate_uscc("  9144030071526726xg \n") == "9144030071526726XG"
    # Full-width characters pasted from documents are accepted.
    assert validate_uscc("９１４４０３００１９２２０３８２１６") == "914403001922038216"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91440300192203821", "长度应为18位（当前17位）"),
        ("9144030019220382160", "长度应为18位（当前19位）"),
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("91440300I92203821X", "含有非法字符 'I'"),
        ("914403001922O38216", "含有非法字符 'O'"),
        ("9144030019220382S6", "含有非法字符 'S'"),
        ("91440300192203821-", "含有非法字符 '-'"),
        ("B14403001922038216", "登记管理部门码无效"),
        ("014403001922038216", "登记管理部门码无效"),
        ("944403001922038216", "机构类别码无效"),
        ("Y24403001922038216", "机构类别码无效"),
        ("91A403001922038216", "登记管理机关行政区划码应为6位数字"),
        ("914403001922038217", "校验码错误，应为 '6'"),
        ("9144030071526726X0", "校验码错误，应为 'G'"),
    ],
)
def test_invalid_uscc_messages(code: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        validate_uscc(code)
    assert _reason(excinfo) == reason
    assert excinfo.value.field == "uscc"
    assert excinfo.value.message == "统一社会信用代码" + reason
    assert not is_valid_uscc(code)


def test_invalid_identifier_is_a_value_error_and_a_domain_error() -> None:
    with pytest.raises(ValueError, match="校验码错误"):
        validate_uscc("914403001922038217")
    with pytest.raises(DomainError):
        validate_uscc("914403001922038217")


def test_check_char_31_maps_to_zero() -> None:
    # Find a body whose weighted sum is ≡ 0 (mod 31): the check is then '0', not a 32nd char.
    body = "91310107MA1FL0L9"
    for char in USCC_CHARSET:
        if uscc_check_char(body + char) == "0":
            assert validate_uscc(body + char + "0")
            return
    pytest.fail("no body with check char 0 found")


_DEPARTMENT_CATEGORY = st.sampled_from(
    [dept + cat for dept, cats in USCC_CATEGORIES.items() for cat in cats]
)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    head = draw(_DEPARTMENT_CATEGORY)
    division = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    body = draw(st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9))
    first17 = head + division + body
    return first17 + uscc_check_char(first17)


@given(valid_usccs())
def test_generated_codes_are_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@given(valid_usccs(), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_any_single_substitution_is_detected(code: str, position: int, char: str) -> None:
    if code[position] == char:
        return
    changed = code[:position] + char + code[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        validate_uscc(changed)


@given(valid_usccs(), st.integers(0, 16))
def test_adjacent_transposition_is_detected(code: str, position: int) -> None:
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    assert not is_valid_uscc(swapped)


def test_uscc_check_char_rejects_wrong_input() -> None:
    with pytest.raises(InvalidIdentifier):
        uscc_check_char("9144030019220382")
    with pytest.raises(InvalidIdentifier, match="含有非法字符 'I'"):
        uscc_check_char("9144030019220382I")


# --- 身份证号 -----------------------------------------------------------------------

# GB 11643-1999's own example numbers.
STANDARD_ID_NUMBERS = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", STANDARD_ID_NUMBERS)
def test_standard_examples_are_valid(number: str) -> None:
    assert validate_id_number(number) == number
    assert id_check_char(number[:17]) == number[17]


def test_lower_case_x_is_normalised() -> None:
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


def test_birth_date_and_sex() -> None:
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert sex_of("11010519491231002X") == "female"  # sequence 002: even
    assert birth_date_of("440524188001010014") == date(1880, 1, 1)
    assert sex_of("440524188001010014") == "male"  # sequence 001: odd


def _with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "长度应为18位（当前17位）"),
        ("110105194912310021X", "长度应为18位（当前19位）"),
        ("", "不能为空"),
        ("1101051949123100AX", "含有非法字符 'A'"),
        ("11010519491231002Y", "含有非法字符 'Y'"),
        (_with_check("31010719490230002"), "出生日期无效"),  # 30 February
        (_with_check("31010719491331002"), "出生日期无效"),  # month 13
        (_with_check("31010717991231002"), "出生日期无效"),  # before 1800
        (_with_check("31010700000101002"), "出生日期无效"),  # year 0
        ("110105194912310021", "校验码错误，应为 'X'"),
        ("11010519491231002X".replace("X", "0"), "校验码错误，应为 'X'"),
    ],
)
def test_invalid_id_number_messages(number: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        validate_id_number(number)
    assert _reason(excinfo) == reason
    assert excinfo.value.message == "身份证号" + reason
    assert excinfo.value.field == "id_number"


def test_birth_date_in_the_future_is_invalid_when_today_is_given() -> None:
    number = _with_check("31010720300101001")
    assert validate_id_number(number) == number  # no clock without `today`
    with pytest.raises(InvalidIdentifier, match=r"^出生日期无效$"):
        validate_id_number(number, today=date(2026, 1, 1))
    assert is_valid_id_number(number, today=date(2030, 1, 1))


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    area = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    sequence = draw(st.integers(0, 999))
    return _with_check(f"{area}{born:%Y%m%d}{sequence:03d}")


@given(valid_id_numbers())
def test_generated_id_numbers_are_valid(number: str) -> None:
    assert validate_id_number(number, today=date(2026, 1, 1)) == number
    assert birth_date_of(number).strftime("%Y%m%d") == number[6:14]
    assert sex_of(number) == ("male" if int(number[16]) % 2 else "female")


@given(valid_id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_id_substitution_is_detected(number: str, position: int, char: str) -> None:
    if number[position] == char:
        return
    changed = number[:position] + char + number[position + 1 :]
    assert not is_valid_id_number(changed)


# --- 电话号码 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("021-62541234", "021-62541234"),
        ("02162541234", "021-62541234"),
        ("(021) 6254 1234", "021-62541234"),
        ("（021）62541234", "021-62541234"),
        ("021-62541234转801", "021-62541234-801"),
        ("021-62541234 ext 801", "021-62541234-801"),
        ("021-62541234-801", "021-62541234-801"),
        ("(021)62541234-801", "021-62541234-801"),
        ("+86 21 62541234", "021-62541234"),
        ("010-12345678".replace("1234", "6234"), "010-62345678"),
        ("0571-8888888", "0571-8888888"),
        ("62541234", "62541234"),
    ],
)
def test_valid_phones(raw: str, normalised: str) -> None:
    assert validate_phone(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "不能为空"),
        ("1381234567", "手机号码应为以13-19开头的11位数字"),
        ("12812345678", "手机号码应为以13-19开头的11位数字"),
        ("138123456789", "手机号码应为以13-19开头的11位数字"),
        ("021-12345678", "格式不正确，应为11位手机号码或带区号的固定电话"),
        ("abc", "格式不正确，应为11位手机号码或带区号的固定电话"),
        ("12345", "手机号码应为以13-19开头的11位数字"),
        ("021-6254", "格式不正确，应为11位手机号码或带区号的固定电话"),
    ],
)
def test_invalid_phones(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        validate_phone(raw)
    assert str(excinfo.value) == reason
    assert excinfo.value.field == "phone"


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_mobile_shape_is_accepted(second: str, rest: str) -> None:
    assert validate_phone("1" + second + rest) == "1" + second + rest
