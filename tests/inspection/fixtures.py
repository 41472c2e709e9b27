"""A small announced draw on a real quicknet round (round 123, see test_beacon.py)."""

from __future__ import annotations

from zhifa.inspection.beacon import DrandSource
from zhifa.inspection.draw import Announcement, Quota, Rounding, Stratum

ROUND = 123
SIGNATURE = (
    "b75c69d0b72a5d906e854e808ba7e2accb1542ac"
    "355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92"
)
CHECKPOINT = "2023-08-21T08:00:00Z"  # more than 24 h before round 123 (2023-08-23 15:15:33)

KEY_UNITS = ("91310107MA1G000011", "91310107MA1G000022", "91310107MA1G000033")
OTHER_UNITS = tuple(f"91310107MA1H{i:06d}" for i in range(1, 21))
INSPECTORS = tuple(f"3101070{i:02d}" for i in range(1, 9))


def announcement(**changes: object) -> Announcement:
    fields: dict[str, object] = {
        "plan": {"plan": "2026年度监督检查计划", "batch": "第一批", "item": "危险化学品安全检查"},
        "announced_at": "2023-08-21T07:55:00Z",
        "strata": (
            Stratum("重点", KEY_UNITS, Quota("all")),
            Stratum("一般", OTHER_UNITS, Quota("ratio", ratio="0.2", rounding=Rounding.CEILING)),
        ),
        "inspectors": INSPECTORS,
        "team_size": 2,
        "cap": 2,
        "randomness": (DrandSource(ROUND),),
        "avoidance": frozenset({("310107001", KEY_UNITS[0]), ("310107002", OTHER_UNITS[3])}),
        "target_fields": {KEY_UNITS[1]: "危险化学品"},
        "field_inspectors": {"危险化学品": ("310107003", "310107004", "310107005")},
    }
    fields.update(changes)
    return Announcement(**fields)  # type: ignore[arg-type]


def drand_value() -> dict[str, object]:
    return {"kind": "drand-quicknet", "round": ROUND, "signature": SIGNATURE}
