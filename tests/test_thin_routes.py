"""Route modules stay thin (design.md, "Routes are thin"; issue 12 point 3): they parse,
call one service function and render or redirect. They never commit or roll back — `Tx`
commits when the handler returns and `submit` undoes a refused form — and the page forms
share one set of helpers instead of each module's copy."""

from __future__ import annotations

import ast
from pathlib import Path

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
