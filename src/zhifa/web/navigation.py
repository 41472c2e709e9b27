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
    "执法监督",
    "系统管理",
)


def _links(chapter: str) -> list[NavLink]:
    return [link for link in registry().navigation if link.chapter == chapter]


def nav_chapters(principal: Principal) -> list[tuple[str, list[tuple[str, str]]]]:
    """The chapters and links this person may open; empty chapters are left out."""
    shown: list[tuple[str, list[tuple[str, str]]]] = []
    for chapter in CHAPTER_ORDER:
        links = [
            (link.label, link.href)
            for link in _links(chapter)
            if principal.can(Permission(link.permission))
        ]
        if links:
            shown.append((chapter, links))
    return shown
