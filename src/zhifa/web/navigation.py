"""The internal app's navigation, by the chapters of the measures: each feature declares
its links in its manifest (`core.features.NavLink`); the chapters' order is here."""

from __future__ import annotations

from zhifa.core.auth import Principal
from zhifa.core.features import NavLink, registry
from zhifa.core.permissions import Permission

CHAPTER_ORDER = (
    "事前公示",
    "执法办案",
    "双随机抽查",
    "全过程记录",
    "公示管理",
    "档案",
    "统计监督",
    "系统管理",
)
# Chapters still being built show their heading with a link that is not live yet.
NOT_YET_BUILT = {"档案": "归档与保管"}


def _links(chapter: str) -> list[NavLink]:
    return [link for link in registry().navigation if link.chapter == chapter]


def nav_chapters(principal: Principal) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The chapters and links this person may open; empty chapters are left out."""
    shown: list[tuple[str, list[tuple[str, str | None]]]] = []
    for chapter in CHAPTER_ORDER:
        links: list[tuple[str, str | None]] = [
            (link.label, link.href)
            for link in _links(chapter)
            if principal.can(Permission(link.permission))
        ]
        if chapter in NOT_YET_BUILT and principal.can(Permission.app_use):
            links.append((NOT_YET_BUILT[chapter], None))
        if links:
            shown.append((chapter, links))
    return shown
