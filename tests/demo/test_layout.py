"""The demo sits on top of every other app: it uses their services, and nothing uses it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMPORTS_DEMO = re.compile(r"^\s*(from|import) demo\b", re.MULTILINE)


def test_no_other_app_imports_the_demo():
    packages = [
        path
        for path in ROOT.iterdir()
        if (path / "__init__.py").exists() and path.name not in {"demo", "tests", "benchmarks"}
    ]
    importers = [
        str(path.relative_to(ROOT))
        for package in packages
        for path in package.rglob("*.py")
        if IMPORTS_DEMO.search(path.read_text(encoding="utf-8"))
    ]
    assert packages and importers == []
