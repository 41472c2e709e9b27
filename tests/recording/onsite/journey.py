"""What an officer's on-site journey costs in a real browser: the taps they make (a click,
a tap into a field to type, a file chosen, a signature drawn) and the full page loads
(the main frame's `load` events; htmx requests load no page)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Page
from sqlalchemy import select

from tests.browser import ARTIFACTS
from zhifa.core.auth import Principal
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.enforcement import actions
from zhifa.enforcement.models import PowerItem

OFFICER, COLLEAGUE = "zhangwei", "wanglei"  # 张伟 and 王磊: valid certificates in the demo
FIGURES = ARTIFACTS / "onsite-journey.json"


@dataclass
class Journey:
    """A page whose taps and full loads are counted from ``start()`` on."""

    page: Page
    taps: int = 0
    loads: int = 0
    counting: bool = False
    steps: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("load", lambda _page: self._loaded())

    def _loaded(self) -> None:
        if self.counting:
            self.loads += 1

    def start(self) -> None:
        self.counting, self.taps, self.loads = True, 0, 0

    def tap(self, selector: str) -> None:
        self.taps += 1
        self.page.locator(selector).first.click()

    def type(self, selector: str, text: str) -> None:
        """A tap into the field, then typing (the keyboard is not counted)."""
        self.taps += 1
        self.page.locator(selector).first.fill(text)

    def choose_file(self, selector: str, path: Path) -> None:
        self.taps += 1
        self.page.set_input_files(selector, str(path))

    def draw_signature(self, selector: str) -> None:
        """One signature is one gesture."""
        self.taps += 1
        pad = self.page.locator(selector)
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        assert box is not None
        mouse = self.page.mouse
        mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
        mouse.down()
        for step in range(1, 12):
            mouse.move(box["x"] + 20 + step * 22, box["y"] + box["height"] / 2 + (step % 3) * 12)
        mouse.up()

    def stop(self) -> dict[str, int]:
        self.counting = False
        return {"taps": self.taps, "loads": self.loads}


def record_figures(name: str, figures: dict[str, int]) -> None:
    """Keep the figures of each run next to the screenshots (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    known = json.loads(FIGURES.read_text(encoding="utf-8")) if FIGURES.exists() else {}
    known[name] = figures
    FIGURES.write_text(json.dumps(known, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{name}: {figures}")


def open_inspection(settings: Settings, title: str) -> int:
    """An open on-site inspection of 张伟 and 王磊, as the case list shows it: its id."""
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        users = {
            u.username: u
            for u in db.scalars(select(User).where(User.username.in_((OFFICER, COLLEAGUE))))
        }
        lead = users[OFFICER]
        who = Principal(lead.id, lead.username, lead.full_name, frozenset({Role.officer}))
        item = db.scalar(select(PowerItem).where(PowerItem.kind == "inspection"))
        assert item is not None
        action = actions.open_action(
            db,
            actions.ActionIn(
                procedure="inspection.on_site",
                party_id=3,
                power_item_id=item.id,
                title=title,
                officer_ids=[lead.id, users[COLLEAGUE].id],
            ),
            who,
        )
        db.commit()
        action_id = action.id
    engine.dispose()
    return action_id


def now_tag() -> str:
    return datetime.now(UTC).strftime("%H%M%S")
