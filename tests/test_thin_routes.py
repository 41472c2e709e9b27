"""Route modules stay thin (design.md, "Routes are thin"; issue 12 point 3): they parse,
call one service function and render or redirect. They never commit or roll back — `Tx`
commits when the handler returns and `submit` undoes a refused form — and the page forms
share one set of helpers instead of each module's copy."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.web.test_admin_and_officers import _api_routes
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

SOURCE = Path(__file__).parents[1] / "src" / "zhifa"
ROUTE_MODULES = sorted(
    path
    for path in SOURCE.rglob("*.py")
    if path.name == "routes.py"
    or path.name.endswith("_routes.py")
    or path.name == "tus.py"
    or (path.parent.name == "web" and path.name.startswith(("portal", "transparency")))
)
# The helpers core/http offers for every route module; a module-level copy is a defect.
SHARED_HELPERS = {"_form", "_back", "_notice", "_form_int", "_form_id", "_form_values"}


def _calls(tree: ast.AST) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.func.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"commit", "rollback"}
    ]


def test_route_modules_are_found() -> None:
    assert len(ROUTE_MODULES) >= 24


def test_no_route_module_commits_or_rolls_back() -> None:
    found = [
        f"{path.relative_to(SOURCE)}:{line}: {name}()"
        for path in ROUTE_MODULES
        for line, name in _calls(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_no_route_module_keeps_its_own_copy_of_a_shared_form_helper() -> None:
    found = [
        f"{path.relative_to(SOURCE)}: {node.name}"
        for path in ROUTE_MODULES
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in SHARED_HELPERS
    ]
    assert found == []


PLUMBING = {"get_db", "get_tx", "get_settings", "current_principal"}


def test_the_permission_is_checked_before_the_record_is_loaded(sqlite_settings: Settings) -> None:
    """A caller without the permission is refused before any record the path names is
    looked up: they never learn from a 404 whether it exists."""
    app = create_app(sqlite_settings)
    late, guarded = [], 0
    for path, route in _api_routes(app.routes):
        calls = [d.call for d in route.dependant.dependencies]
        checks = [i for i, c in enumerate(calls) if hasattr(c, "zhifa_permission")]
        if not checks:
            continue
        guarded += 1
        loaders = [
            getattr(c, "__name__", str(c))
            for c in calls[: checks[0]]
            if getattr(c, "__name__", "") not in PLUMBING and not hasattr(c, "zhifa_permission")
        ]
        if loaders:
            late.append(f"{sorted(route.methods)} {path}: {loaders}")
    assert guarded > 200 and late == []
