"""Writes to frameworks: loading the board's checklists from data files."""

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Max

from audit.models import AuditEvent
from audit.services import audit_record

from ..models import Expectation, Framework, Section

FRAMEWORKS_DIR = Path(__file__).resolve().parents[1] / "frameworks"


class FrameworkFileError(ValueError):
    pass


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    created: bool


def _content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _validate(data: dict, path: Path) -> None:
    for key in ("code", "name", "sections"):
        if not data.get(key):
            raise FrameworkFileError(f"{path.name}: '{key}' is missing.")
    codes = [e.get("code") for s in data["sections"] for e in s.get("expectations", [])]
    if not codes or any(not c for c in codes):
        raise FrameworkFileError(f"{path.name}: every expectation needs a code.")
    if len(codes) != len(set(codes)):
        raise FrameworkFileError(f"{path.name}: expectation codes must be unique.")
    for section in data["sections"]:
        for expectation in section.get("expectations", []):
            if not expectation.get("text", "").strip():
                raise FrameworkFileError(f"{path.name}: {expectation['code']} has no text.")
            concepts = expectation.get("concepts", [])
            if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
                raise FrameworkFileError(
                    f"{path.name}: {expectation['code']}'s concepts must be a list of wordings."
                )


def framework_load(*, path: Path) -> LoadResult:
    """Load a framework file; identical content is a no-op, changed content a new version."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise FrameworkFileError(f"{path.name}: {error}") from error
    _validate(data, path)
    content_hash = _content_hash(data)
    with transaction.atomic():
        existing = Framework.objects.filter(code=data["code"], content_hash=content_hash).first()
        if existing is not None:
            return LoadResult(existing, created=False)
        # Serialise loaders of the same framework so two cannot take the same version number.
        list(Framework.objects.select_for_update().filter(code=data["code"]))
        version = (
            Framework.objects.filter(code=data["code"]).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        framework = Framework.objects.create(
            code=data["code"],
            version=version,
            name=data["name"].strip(),
            publisher=data.get("publisher", "").strip(),
            published_on=data.get("published_on"),
            source=data.get("source", "").strip(),
            description=data.get("description", "").strip(),
            content_hash=content_hash,
        )
        order = 0
        for section_data in data["sections"]:
            section = Section.objects.create(
                framework=framework,
                number=section_data["number"],
                title=section_data["title"].strip(),
            )
            for expectation_data in section_data.get("expectations", []):
                order += 1
                Expectation.objects.create(
                    framework=framework,
                    section=section,
                    code=expectation_data["code"],
                    order=order,
                    text=expectation_data["text"].strip(),
                    what_good_looks_like=expectation_data.get("what_good_looks_like", "").strip(),
                    concepts=[c.strip() for c in expectation_data.get("concepts", []) if c.strip()],
                )
        audit_record(
            action=AuditEvent.Action.FRAMEWORK_LOADED,
            obj=framework,
            detail={"file": path.name, "version": version},
        )
    return LoadResult(framework, created=True)


def frameworks_load_all(*, directory: Path = FRAMEWORKS_DIR) -> list[LoadResult]:
    return [framework_load(path=path) for path in sorted(directory.glob("*.toml"))]
