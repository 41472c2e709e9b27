"""Feature loading: every feature declares itself in one manifest (its `feature.py`), and
`load_features()` reads them all into one `Registry` — the same in the app, the portal-only
app, the command line and the worker.

Nothing registers itself as a side effect of importing a module: a duty source, step
requirement or hook that exists in the web process but not in the worker is a legal duty
silently lost (a certificate revised from the command line that opens no update obligation,
公示办法 第八条第三项). The consumers (ledger tracking, certificate changes, duty lists, step
completion, public snapshots, the portal's guard, the jobs) read `registry()`, which loads
every manifest on first use, so no process can forget to.

Core names feature modules only as strings (as `core.schema` does for models): features
import core, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from zhifa.core.settings import Settings

# Loaded in this order; within a feature, hooks run in the order its manifest lists them.
FEATURE_MODULES = (
    "zhifa.core.feature",
    "zhifa.enforcement.feature",
    "zhifa.recording.feature",
    "zhifa.catalog.feature",
    "zhifa.publicity.feature",
    "zhifa.insight.feature",
    "zhifa.inspection.feature",
    "zhifa.archive.feature",
    "zhifa.supervision.feature",
)


@dataclass(frozen=True)
class DutySource:
    """A kind of publicity duty (公示义务) listed on the board and the overdue report:
    `read(db, scope, names)` yields its duties, `refresh(db)` does its catch-up work."""

    kind: str
    read: Callable[..., Any]
    refresh: Callable[[Session], int] | None = None


@dataclass(frozen=True)
class PortalRoutes:
    """Public pages of a feature that the portal-only process serves as well: the router
    (``module:attribute``), the tables its routes may touch, and those of them it may only
    append rows to (`web.portal.TableGuard`)."""

    router: str
    tables: frozenset[str]
    appends: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JobContext:
    """What a job run gets: a session factory and the settings of its process."""

    factory: sessionmaker[Session]
    settings: Settings


@dataclass(frozen=True)
class Job:
    """A scheduled job (`core.jobs`): `run` does one pass and says what it did; it runs
    every `interval(settings)` seconds (0 or less: never), under a lease."""

    name: str
    interval: Callable[[Settings], float]
    run: Callable[[JobContext], str]
    label: str = ""


@dataclass(frozen=True)
class NavLink:
    """One link of the internal app's navigation: its chapter, label, address and the
    permission needed to see it (a `core.permissions.Permission` value)."""

    chapter: str
    label: str
    href: str
    permission: str


@dataclass(frozen=True)
class Feature:
    """One feature's manifest."""

    name: str
    models: tuple[str, ...] = ()  # the modules that declare its tables
    tracked: tuple[type, ...] = ()  # tables whose every change is a ledger entry
    duty_sources: tuple[DutySource, ...] = ()
    requirements: tuple[tuple[str, Callable[..., list[str]]], ...] = ()
    # (event name, (db, action) -> the start events of a case's periods, `enforcement.periods`)
    period_starts: tuple[tuple[str, Callable[..., Any]], ...] = ()
    certificate_hooks: tuple[Callable[..., None], ...] = ()
    publish_hooks: tuple[Callable[..., None], ...] = ()
    # recompute(db, calendar, year, actor) -> how many stored provisional due days were
    # recomputed after `year`'s official schedule was loaded (core.recompute)
    recompute_hooks: tuple[Callable[..., int], ...] = ()
    # disposed(db) -> {digest: why its content is gone with approval}: `zhifa verify`
    # reports such a missing blob as disposed, not as lost (archive/disposal)
    disposed_blobs: tuple[Callable[..., Mapping[str, str]], ...] = ()
    routers: tuple[str, ...] = ()  # "module:attribute", served by the app
    navigation: tuple[NavLink, ...] = ()
    portal_routes: tuple[PortalRoutes, ...] = ()
    jobs: tuple[Job, ...] = ()
    commands: tuple[tuple[str, str], ...] = ()  # (group name, "module:attribute" Typer app)


@dataclass(frozen=True)
class Registry:
    """Everything the manifests declare, merged."""

    features: tuple[str, ...]
    models: tuple[str, ...] = ()
    tracked: Mapping[str, type] = field(default_factory=dict)
    duty_sources: Mapping[str, DutySource] = field(default_factory=dict)
    requirements: Mapping[str, Callable[..., list[str]]] = field(default_factory=dict)
    period_starts: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    certificate_hooks: tuple[Callable[..., None], ...] = ()
    publish_hooks: tuple[Callable[..., None], ...] = ()
    recompute_hooks: tuple[Callable[..., int], ...] = ()
    disposed_blobs: tuple[Callable[..., Mapping[str, str]], ...] = ()
    routers: tuple[str, ...] = ()
    navigation: tuple[NavLink, ...] = ()
    portal_routes: tuple[PortalRoutes, ...] = ()
    jobs: Mapping[str, Job] = field(default_factory=dict)
    commands: tuple[tuple[str, str], ...] = ()

    def summary(self) -> dict[str, list[str]]:
        """Each registry by name, as a process would report it (compared across processes)."""

        def name(thing: Any) -> str:
            return f"{thing.__module__}.{thing.__qualname__}"

        return {
            "features": list(self.features),
            "models": list(self.models),
            "tracked": sorted(self.tracked),
            "duty_sources": [f"{k}:{name(s.read)}" for k, s in self.duty_sources.items()],
            "requirements": [f"{k}:{name(c)}" for k, c in self.requirements.items()],
            "period_starts": [f"{k}:{name(c)}" for k, c in self.period_starts.items()],
            "certificate_hooks": [name(h) for h in self.certificate_hooks],
            "publish_hooks": [name(h) for h in self.publish_hooks],
            "recompute_hooks": [name(h) for h in self.recompute_hooks],
            "disposed_blobs": [name(h) for h in self.disposed_blobs],
            "routers": list(self.routers),
            "navigation": [f"{n.chapter}/{n.label}" for n in self.navigation],
            "portal_routes": [p.router for p in self.portal_routes],
            "jobs": list(self.jobs),
            "commands": [name for name, _ in self.commands],
        }


def merge(manifests: list[Feature]) -> Registry:
    """One registry from the manifests; a name declared twice is a mistake, not an override."""
    tracked: dict[str, type] = {}
    sources: dict[str, DutySource] = {}
    requirements: dict[str, Callable[..., list[str]]] = {}
    starts: dict[str, Callable[..., Any]] = {}
    jobs: dict[str, Job] = {}
    for feature in manifests:
        for model in feature.tracked:
            _add(tracked, model.__tablename__, model, feature)  # type: ignore[attr-defined]
        for source in feature.duty_sources:
            _add(sources, source.kind, source, feature)
        for key, check in feature.requirements:
            _add(requirements, key, check, feature)
        for key, source in feature.period_starts:
            _add(starts, key, source, feature)
        for job in feature.jobs:
            _add(jobs, job.name, job, feature)
    return Registry(
        features=tuple(f.name for f in manifests),
        models=tuple(m for f in manifests for m in f.models),
        tracked=tracked,
        duty_sources=sources,
        requirements=requirements,
        period_starts=starts,
        certificate_hooks=tuple(h for f in manifests for h in f.certificate_hooks),
        publish_hooks=tuple(h for f in manifests for h in f.publish_hooks),
        recompute_hooks=tuple(h for f in manifests for h in f.recompute_hooks),
        disposed_blobs=tuple(h for f in manifests for h in f.disposed_blobs),
        routers=tuple(r for f in manifests for r in f.routers),
        navigation=tuple(n for f in manifests for n in f.navigation),
        portal_routes=tuple(p for f in manifests for p in f.portal_routes),
        jobs=jobs,
        commands=tuple(c for f in manifests for c in f.commands),
    )


def _add(into: dict[str, Any], key: str, value: Any, feature: Feature) -> None:
    if key in into and into[key] is not value:
        raise RuntimeError(f"feature {feature.name} declares {key!r} again")
    into[key] = value


@cache
def load_features() -> Registry:
    """Every feature's manifest, loaded once per process."""
    return merge([import_module(module).FEATURE for module in FEATURE_MODULES])


def registry() -> Registry:
    """The loaded registry (loading it if this process has not yet)."""
    return load_features()


def load_router(ref: str) -> Any:
    """The router a manifest names as ``module:attribute``."""
    module, _, attribute = ref.partition(":")
    return getattr(import_module(module), attribute)
