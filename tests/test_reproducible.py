"""Every randomised test can be run again with the same draws: Hypothesis is derandomised
(tests/conftest.py) and any other randomness in the tests comes from `random.Random(seed)`.
Random names of temporary resources (`secrets`, `uuid`: a database, a bucket) are not
inputs of a test and stay random, so parallel runs never share them."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).parent


def _unseeded(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "random":
            found += [(node.lineno, f"from random import {a.name}") for a in node.names]
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else ""
        call = f"{name}.{node.func.attr}"
        if call == "os.urandom" or (name == "random" and node.func.attr != "Random"):
            found.append((node.lineno, call))
        elif call == "random.Random" and not node.args:
            found.append((node.lineno, "random.Random() without a seed"))
    return found


def test_no_unseeded_randomness_in_the_tests() -> None:
    problems = [
        f"{path.relative_to(TESTS)}:{line}: {what}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, what in _unseeded(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert problems == []


def test_the_check_finds_unseeded_draws() -> None:
    source = "import os, random\nos.urandom(4)\nrandom.choice([1])\nrandom.Random()\n"
    assert [line for line, _ in _unseeded(ast.parse(source))] == [2, 3, 4]
    assert _unseeded(ast.parse("import random\nrandom.Random(7).random()\n")) == []


def test_hypothesis_draws_the_same_examples_every_run() -> None:
    exploring = os.environ.get("HYPOTHESIS_PROFILE") == "explore"  # asked for new draws
    assert settings.default.derandomize or exploring
    assert settings.default.print_blob and settings.default.database is None
