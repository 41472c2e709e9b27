"""The personal-data desensitiser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhifa.enforcement.identifiers import id_check_char
from zhifa.enforcement.masking import (
    COMPOUND_SURNAMES,
    mask_address,
    mask_bank_account,
    mask_id_number,
    mask_person_name,
    mask_phone,
    person_name_in,
    surname_of,
)


def test_id_number_hides_the_birth_date() -> None:
    assert mask_id_number("310107199001011234") == "310107********1234"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("110105491231002") == "110105******002"  # 15-digit
    assert mask_id_number("12345") == "1***5"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 13812345678", "138****5678"),
        ("021-62541234", "021-****1234"),
        ("02162541234", "021-****1234"),
        ("(021)62541234", "021-****1234"),
        ("0571-8888888", "0571-***8888"),
        ("021-62541234-801", "021-****1234"),
        ("62541234", "******34"),
        ("12", "*2"),
    ],
)
def test_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "surname_mode"),
    [
        ("张三", "张某某"),
        ("王小明", "王某某"),
        ("李", "李某某"),
        ("欧阳娜娜", "欧阳某某"),
        ("司马光", "司马某某"),
        ("诸葛亮", "诸葛某某"),
        ("上官婉儿", "上官某某"),
        ("东方明", "东方某某"),
        ("东方", "东某某"),  # two characters: surname 东, given name 方
        ("皇甫嵩", "皇甫某某"),
        ("尉迟恭", "尉迟某某"),
        ("公孙胜", "公孙某某"),
        ("慕容复", "慕容某某"),
        ("长孙无忌", "长孙某某"),
        ("宇文泰", "宇文某某"),
        ("司徒雷", "司徒某某"),
        ("夏侯惇", "夏侯某某"),
        ("轩辕明", "轩辕某某"),
        ("令狐冲", "令狐某某"),
        ("钟离春", "钟离某某"),
        ("阿卜杜·热合曼", "阿某某"),
        (" 张三 ", "张某某"),
    ],
)
def test_person_name(name: str, surname_mode: str) -> None:
    assert mask_person_name(name) == surname_mode
    assert mask_person_name(name, "surname") == surname_mode
    assert mask_person_name(name, "full") == name.strip()
    assert mask_person_name(name, "hidden") == "某某"


def test_sole_trader_keeps_the_trade_name_and_masks_the_person() -> None:
    name = "平安五金店（欧阳娜娜）"
    assert mask_person_name(name) == "平安五金店（欧阳某某）"
    assert mask_person_name(name, "hidden") == "平安五金店（某某）"
    assert mask_person_name(name, "full") == name
    assert person_name_in(name) == "欧阳娜娜" and person_name_in("张三") == "张三"


def test_required_compound_surnames_are_known() -> None:
    required = "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离"
    assert set(required.split()) <= COMPOUND_SURNAMES
    assert surname_of("欧阳修") == "欧阳"
    assert surname_of("欧文") == "欧"


def test_unknown_name_mode_is_refused() -> None:
    with pytest.raises(ValueError):
        mask_person_name("张三", "initials")  # type: ignore[arg-type]


def test_bank_account() -> None:
    assert mask_bank_account("6222 0212 3456 7891 234") == "6222***********1234"
    assert mask_bank_account("6222021234567891") == "6222********7891"
    assert mask_bank_account("31001234567") == "********567"
    assert mask_bank_account("1234") == "***4"


@pytest.mark.parametrize(
    ("address", "district", "street"),
    [
        (
            "上海市普陀区真如镇街道真北路100弄2号301室",
            "上海市普陀区***",
            "上海市普陀区真如镇街道***",
        ),
        ("上海市普陀区长征镇梅川路1号", "上海市普陀区***", "上海市普陀区长征镇***"),
        ("上海市普陀区曹杨新村街道兰溪路5号", "上海市普陀区***", "上海市普陀区曹杨新村街道***"),
        ("上海市普陀区武宁路100号", "上海市普陀区***", "上海市普陀区***"),
        ("普陀区铜川路8号", "普陀区***", "普陀区***"),
        ("江苏省苏州市工业园区星湖街328号", "江苏省苏州市工业园区***", "江苏省苏州市工业园区***"),
        ("真北路100号", "***", "***"),
        ("上海市普陀区", "上海市普陀区", "上海市普陀区"),
    ],
)
def test_address(address: str, district: str, street: str) -> None:
    assert mask_address(address) == district
    assert mask_address(address, "street") == street


# --- properties ----------------------------------------------------------------------


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    first17 = draw(st.text(alphabet="0123456789", min_size=17, max_size=17))
    return first17 + id_check_char(first17)


@given(id_numbers())
def test_masked_id_never_reveals_the_number(number: str) -> None:
    masked = mask_id_number(number)
    assert number not in masked
    assert len(masked) == len(number)
    assert masked[6:14] == "*" * 8


_MOBILES = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
_LANDLINES = st.builds(
    lambda area, local: f"{area}-{local}",
    st.sampled_from(["010", "021", "022", "0571", "0755"]),
    st.text(alphabet="0123456789", min_size=8, max_size=8).filter(lambda s: s[0] not in "01"),
)


@given(st.one_of(_MOBILES, _LANDLINES))
def test_masked_phone_never_reveals_the_number(phone: str) -> None:
    masked = mask_phone(phone)
    assert phone not in masked
    assert phone.replace("-", "") not in masked.replace("-", "")
    assert "*" in masked


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_masked_digits_never_reveal_the_original(text: str) -> None:
    for masked in (mask_phone(text), mask_bank_account(text), mask_id_number(text)):
        assert text not in masked
        assert "*" in masked
