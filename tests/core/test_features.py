"""Features load the same way in every process (issue 12, point 1): the app, the
portal-only app, the command line and the worker each load every manifest when they start,
and their registries are identical; a certificate revised in a bare process (no app, no
route module imported) still opens its update obligation (公示办法 第八条第三项)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from zhifa.catalog.updates.models import CatalogueUpdate
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.features import Feature, merge
from zhifa.core.models import Certificate
from zhifa.core.settings import Settings

# Each snippet starts one kind of process the way its entry point does, then reports
# whether the manifests were already loaded (before anything asked for a registry) and
# what they hold.
REPORT = (
    "import json\n"
    "from zhifa.core.features import load_features\n"
    "loaded = load_features.cache_info().currsize\n"
    "print('REGISTRY=' + json.dumps({'loaded': loaded, **load_features().summary()}))\n"
)
PRELUDE = "from zhifa.core.settings import load_settings\nsettings = load_settings()\n"
PROCESSES = {
    "app": "from zhifa.web.app import create_app; create_app(settings)",
    "portal": "from zhifa.web.app import create_portal_app; create_portal_app(settings)",
    "cli": "from zhifa.cli import app; app(['calendar', 'due', '--help'], standalone_mode=False)",
    "worker": "from zhifa.cli import app; app(['worker', '--once'], standalone_mode=False)",
}


def _environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "ZHIFA_DATA_DIR": str(settings.data_dir),
        "ZHIFA_DATABASE_URL": settings.resolved_database_url,
        "ZHIFA_SECRET_KEY": "t" * 40,
        # the worker must not deliver to channels or expire anything for this test
        "ZHIFA_OUTBOX_INTERVAL_SECONDS": "0",
        "ZHIFA_PUBLICITY_REFRESH_INTERVAL_SECONDS": "0",
    }


def _run(code: str, settings: Settings) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        env=_environment(settings),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.data_dir,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _registry_of(kind: str, settings: Settings) -> dict[str, object]:
    out = _run(f"{PROCESSES[kind]}\n{REPORT}", settings)
    line = next(x for x in out.splitlines() if x.startswith("REGISTRY="))
    return json.loads(line.removeprefix("REGISTRY="))  # type: ignore[no-any-return]


def test_every_process_loads_the_same_registries(sqlite_settings: Settings) -> None:
    reports = {kind: _registry_of(kind, sqlite_settings) for kind in PROCESSES}
    for kind, report in reports.items():
        assert report.pop("loaded") == 1, f"{kind} did not load the manifests when it started"
    app = reports["app"]
    sizes = {name: len(value) for name, value in app.items()}  # type: ignore[arg-type]
    print("registries per process:", sizes)
    for kind in ("portal", "cli", "worker"):
        assert reports[kind] == app, f"{kind}'s registries differ from the app's"
    assert sizes["duty_sources"] == 8 and sizes["certificate_hooks"] == 2
    assert sizes["publish_hooks"] == 1 and sizes["requirements"] == 4
    # the correction form, certificate verification, the 双随机 plans and draws, the
    # complaint form
    # jobs: checkpoints, delivery, publicity refresh, the archive's periodic 四性检测 and
    # its monthly disposal due list, the weak-points dashboard's facts
    assert sizes["portal_routes"] == 4 and sizes["jobs"] == 6
    assert sizes["disposed_blobs"] == 1  # archive disposal tells verify what it removed
    assert sizes["commands"] == 3  # zhifa publicity, zhifa ingest, zhifa archive
    # The obligation a certificate change opens comes before the publication that fulfils it.
    assert [h.rsplit(".", 1)[-1] for h in app["certificate_hooks"]] == [  # type: ignore[union-attr]
        "on_certificate_changed",
        "certificate_changed",
    ]


def test_a_certificate_revised_in_a_bare_process_opens_its_update_obligation(
    sqlite_settings: Settings,
) -> None:
    engine = make_engine(sqlite_settings.resolved_database_url)
    with make_session_factory(engine)() as db:
        certificate = db.scalars(select(Certificate).order_by(Certificate.id)).first()
        assert certificate is not None
        before = len(list(db.scalars(select(CatalogueUpdate))))
    # Only the service: no app, no route module, no command; nothing calls load_features.
    code = (
        "from zhifa.core.db import make_engine, make_session_factory\n"
        "from zhifa.core import certificates\n"
        "factory = make_session_factory(make_engine(settings.resolved_database_url),"
        " actor_key=settings.ledger_actor_key())\n"
        "with factory() as db:\n"
        f"    view = certificates.get_certificate(db, {certificate.id})\n"
        "    data = certificates.CertificateRevision(number=view.current.number,"
        " issuing_authority=view.current.issuing_authority, scope=view.current.scope,"
        " valid_from=view.current.valid_from, valid_to=view.current.valid_to,"
        " status='revoked', reason='调离执法岗位')\n"
        f"    certificates.revise_certificate(db, {certificate.id}, data, None)\n"
        "    db.commit()\n"
    )
    _run(code, sqlite_settings)
    with make_session_factory(engine)() as db:
        opened = list(db.scalars(select(CatalogueUpdate).order_by(CatalogueUpdate.id)))
    engine.dispose()
    assert len(opened) == before + 1
    assert (opened[-1].cause, opened[-1].target_kind) == ("certificate", "officer")
    assert opened[-1].limit_code == "publicity.update_certificate"


def test_a_name_declared_twice_is_refused() -> None:
    def check(*_: object) -> list[str]:
        return []

    def other(*_: object) -> list[str]:
        return []

    first = Feature("a", requirements=(("same", check),))
    second = Feature("b", requirements=(("same", other),))
    with pytest.raises(RuntimeError, match="declares 'same' again"):
        merge([first, second])
    assert merge([first]).requirements == {"same": check}


def test_no_module_registers_anything_when_imported() -> None:
    """The registration calls of old are gone from the source: the manifests are the one
    place features declare themselves."""
    root = Path(__file__).parents[2] / "src" / "zhifa"
    banned = ("track(", "register_requirement(", "on_change(", "on_publish(", "duties.register(")
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith(banned)
    ]
    assert found == []
