"""Small pieces: a module past ~400 lines becomes a package, a function past ~60 does two things.

The limits here leave a little room over those figures so that a docstring does not fail the build.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "config",
    "accounts",
    "audit",
    "documents",
    "policies",
    "reviews",
    "evidence",
    "outcomes",
    "summaries",
    "people",
    "retention",
    "demo",
]
MAX_MODULE_LINES = 420
MAX_FUNCTION_LINES = 70


def first_party_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (lines := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES
    ]


def test_the_apps_have_modules_to_check():
    assert len(first_party_modules()) > 50


def test_no_module_is_over_the_line_limit():
    too_long = []
    for path in first_party_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT)} ({lines} lines)")
    assert too_long == [], "Split these modules:\n" + "\n".join(too_long)


def test_no_function_is_over_the_line_limit():
    too_long = [entry for path in first_party_modules() for entry in long_functions(path)]
    assert too_long == [], "Shorten these functions:\n" + "\n".join(too_long)
