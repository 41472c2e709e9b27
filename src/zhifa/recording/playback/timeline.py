"""The time line of an activity's records, laid out for the page (pure): recordings as
bars (overlapping ones, e.g. two cameras, on separate lanes), photos as points, the gaps
found by the continuity check as hatched spans, and a time axis in Beijing time. All
positions are percentages of the line's width, so the page draws it with plain CSS."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from zhifa.core.clock import SHANGHAI

MIN_SPAN = timedelta(minutes=1)
MIN_WIDTH = 0.6  # percent: a one-second segment of a long line stays visible
MAX_TICKS = 8
_STEPS = [
    timedelta(seconds=s)
    for s in (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
]


@dataclass(frozen=True)
class Item:
    """One placed record: a recording (``end`` after ``start``) or a photo."""

    media_id: int
    kind: str  # photo / audio / video
    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True)
class GapIn:
    start: datetime
    end: datetime
    explained: bool
    note: str = ""


@dataclass(frozen=True)
class Bar:
    item: Item
    left: float
    width: float


@dataclass(frozen=True)
class GapBar:
    gap: GapIn
    left: float
    width: float

    @property
    def seconds(self) -> int:
        return round((self.gap.end - self.gap.start).total_seconds())


@dataclass(frozen=True)
class Tick:
    left: float
    label: str


@dataclass
class TimelineView:
    start: datetime
    end: datetime
    lanes: list[list[Bar]] = field(default_factory=list)
    photos: list[Bar] = field(default_factory=list)
    gaps: list[GapBar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)


def layout(items: list[Item], gaps: list[GapIn] | None = None) -> TimelineView | None:
    """None if nothing can be placed."""
    gaps = gaps or []
    if not items:
        return None
    start = min([i.start for i in items] + [g.start for g in gaps])
    end = max([i.end for i in items] + [g.end for g in gaps])
    if end - start < MIN_SPAN:
        pad = (MIN_SPAN - (end - start)) / 2
        start, end = start - pad, end + pad
    span = (end - start).total_seconds()

    def at(moment: datetime) -> float:
        return round((moment - start).total_seconds() / span * 100, 3)

    def width(a: datetime, b: datetime) -> float:
        return max(MIN_WIDTH, round((b - a).total_seconds() / span * 100, 3))

    view = TimelineView(start, end)
    lane_ends: list[datetime] = []
    for item in sorted(items, key=lambda i: (i.start, i.media_id)):
        if item.kind == "photo":
            view.photos.append(Bar(item, at(item.start), 0))
            continue
        bar = Bar(item, at(item.start), width(item.start, item.end))
        for index, lane_end in enumerate(lane_ends):
            if lane_end <= item.start:
                view.lanes[index].append(bar)
                lane_ends[index] = item.end
                break
        else:
            view.lanes.append([bar])
            lane_ends.append(item.end)
    view.gaps = [GapBar(g, at(g.start), width(g.start, g.end)) for g in gaps]
    view.ticks = ticks(start, end)
    return view


def ticks(start: datetime, end: datetime) -> list[Tick]:
    """Axis marks at round Beijing times, at most ``MAX_TICKS``."""
    span = end - start
    step = next((s for s in _STEPS if span / s <= MAX_TICKS), _STEPS[-1])
    local = start.astimezone(SHANGHAI)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    first = midnight + step * -(-(local - midnight) // step)  # the next round time
    fmt = "%H:%M:%S" if step < timedelta(minutes=1) else "%H:%M"
    if step >= timedelta(days=1):  # not a legal limit: a timeline tick
        fmt = "%m-%d"
    out = []
    moment = first
    while moment <= end:
        left = (moment - start) / span * 100
        out.append(Tick(round(left, 3), moment.strftime(fmt)))
        moment += step
    return out
