"""The draw's page forms as the API's bodies (pure: no database, no clock)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from zhifa.core.errors import DomainError

_NUMBERS = re.compile(r"[\s,，、]+")


def announce_data(values: Mapping[str, str]) -> dict[str, object]:
    """The announce form: an optional later time for the drand round (Beijing time) and an
    optional lottery (name, draw date, number of sets, which sets are ordered: "1,3")."""
    data: dict[str, object] = {"round_at": values.get("round_at") or None}
    name = values.get("lottery_name", "").strip()
    if not name:
        return data
    count = values.get("lottery_sets", "").strip()
    if not (count.isascii() and count.isdigit() and 1 <= int(count) <= 10):
        raise DomainError("彩票号码组数须为 1 至 10", "lottery_sets")
    ordered = {p for p in _NUMBERS.split(values.get("lottery_ordered", "").strip()) if p}
    if not ordered <= {str(i) for i in range(1, int(count) + 1)}:
        raise DomainError(f"按顺序计的组须为 1 至 {count} 中的组号", "lottery_ordered")
    data["lottery"] = {
        "name": name,
        "draw_date": values.get("lottery_date") or None,
        "ordered": [str(i) in ordered for i in range(1, int(count) + 1)],
    }
    return data


def beacon_data(values: Mapping[str, str]) -> dict[str, object]:
    """The beacon form: the drand signature, and the lottery's numbers one set a line."""
    sets = []
    for line in values.get("lottery_numbers", "").splitlines():
        parts = [p for p in _NUMBERS.split(line.strip()) if p]
        if not parts:
            continue
        if not all(p.isascii() and p.isdigit() and len(p) <= 9 for p in parts):
            raise DomainError("彩票号码须为非负整数，以空格或逗号分隔，每组一行", "lottery")
        sets.append([int(p) for p in parts])
    return {"signature": values.get("signature", ""), "lottery_sets": sets}
