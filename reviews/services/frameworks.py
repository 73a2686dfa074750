"""Writes to frameworks: loading the board's checklists from data files (TOML or YAML)."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record

from ..framework_files import FrameworkFileError, framework_read_toml, framework_read_yaml
from ..models import Expectation, Framework, Section

FRAMEWORKS_DIR = Path(__file__).resolve().parents[1] / "frameworks"
FRAMEWORK_FILE_PATTERNS = ("*.toml", "*.yaml", "*.yml")
READERS = {".toml": framework_read_toml, ".yaml": framework_read_yaml, ".yml": framework_read_yaml}


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    created: bool


def content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _loadable(data: dict, path: Path) -> None:
    """What a file must have to be published as it is loaded."""
    for section in data["sections"]:
        if not section["expectations"]:
            raise FrameworkFileError(
                f"section {section['number']} has no expectations", name=path.name
            )


def sections_create(framework: Framework, sections: list[dict]) -> None:
    """Write a framework's sections and expectations from the data-file shape, in order."""
    order = 0
    for section_data in sections:
        section = Section.objects.create(
            framework=framework, number=section_data["number"], title=section_data["title"]
        )
        for expectation in section_data.get("expectations", []):
            order += 1
            Expectation.objects.create(
                framework=framework, section=section, order=order, **expectation
            )


def framework_read_file(path: Path) -> dict:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise FrameworkFileError("a framework file is .toml, .yaml or .yml", name=path.name)
    try:
        return reader(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FrameworkFileError(str(error), name=path.name) from error
    except FrameworkFileError as error:
        raise FrameworkFileError(error.problem, line=error.line, name=path.name) from error


def framework_load(*, path: Path) -> LoadResult:
    """Load a framework file; identical content is a no-op, changed content a new version."""
    data = framework_read_file(path)
    _loadable(data, path)
    digest = content_hash(data)
    with transaction.atomic():
        existing = Framework.objects.filter(code=data["code"], content_hash=digest).first()
        if existing is not None:
            return LoadResult(existing, created=False)
        # Serialise loaders of the same framework so two cannot take the same version number.
        list(Framework.objects.select_for_update().filter(code=data["code"]))
        version = (
            Framework.objects.filter(code=data["code"]).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        # Written as a draft, then published: a published version takes no new sections.
        framework = Framework.objects.create(
            code=data["code"],
            version=version,
            name=data["name"],
            publisher=data["publisher"],
            published_on=data["published_on"],
            source=data["source"],
            description=data["description"],
            content_hash=digest,
            status=Framework.Status.DRAFT,
        )
        sections_create(framework, data["sections"])
        Framework.objects.filter(pk=framework.pk).update(
            status=Framework.Status.PUBLISHED, published_at=timezone.now()
        )
        framework.refresh_from_db()
        audit_record(
            action=AuditEvent.Action.FRAMEWORK_LOADED,
            obj=framework,
            detail={"file": path.name, "version": version},
        )
    return LoadResult(framework, created=True)


def frameworks_load_all(*, directory: Path = FRAMEWORKS_DIR) -> list[LoadResult]:
    paths = sorted(p for pattern in FRAMEWORK_FILE_PATTERNS for p in directory.glob(pattern))
    return [framework_load(path=path) for path in paths]
