"""The apps depend one way: the import contract in pyproject.toml holds, no import hides inside a
function to dodge a cycle between apps, and no app reaches for another's private names."""

import ast
import subprocess
import sys
import tomllib
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


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def imports_of(tree: ast.AST):
    """Each import with the first-party module it names and the names it takes, and whether it
    sits inside a function."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, [], id(node) in inside
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node, node.module, [alias.name for alias in node.names], id(node) in inside


def cross_app_imports(path: Path):
    """Imports in `path` of another first-party app: (line, module, names, inside a function)."""
    own_app = path.relative_to(ROOT).parts[0]
    yield from cross_app_imports_in(path.read_text(encoding="utf-8"), own_app=own_app)


def cross_app_imports_in(source: str, *, own_app: str):
    for node, module, names, in_function in imports_of(ast.parse(source)):
        app = module.split(".")[0]
        if app in APPS and app != own_app:
            yield node.lineno, module, names, in_function


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_apps_have_imports_to_check():
    found = [found for path in app_modules() for found in cross_app_imports(path)]
    assert len(found) > 100


def test_a_hidden_import_and_a_private_name_are_found():
    source = (
        "from reviews.models import Review, _internal\n"
        "from .models import Agency\n"
        "def f():\n"
        "    from outcomes.services import outcome_prepare\n"
        "    from policies.selectors import documents_for_user\n"
    )
    assert list(cross_app_imports_in(source, own_app="policies")) == [
        (1, "reviews.models", ["Review", "_internal"], False),
        (4, "outcomes.services", ["outcome_prepare"], True),
    ]


def test_the_import_contract_is_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_orders_every_app_but_the_project_settings():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    layered = {app.strip() for layer in contract["layers"] for app in layer.split("|")}
    assert layered == set(APPS) - {"config"}


def test_no_app_imports_another_inside_a_function():
    hidden = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in app_modules()
        for line, module, _, in_function in cross_app_imports(path)
        if in_function
    ]
    assert hidden == [], "Move these to the top, or the code to the right app:\n" + "\n".join(
        hidden
    )


def test_no_app_imports_another_apps_private_names():
    private = [
        f"{path.relative_to(ROOT)}:{line} imports {module} {', '.join(names)}"
        for path in app_modules()
        for line, module, names, _ in cross_app_imports(path)
        if any(is_private(part) for part in module.split("."))
        or any(is_private(name) for name in names)
    ]
    assert private == [], "Give these a public name in their own app:\n" + "\n".join(private)
