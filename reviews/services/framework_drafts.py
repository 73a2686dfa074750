"""Writes to framework drafts: starting one, changing its sections and expectations, publishing.

Every change takes the draft only if it is still a draft at the lock version the person read
(one guarded UPDATE), so two board admins editing the same draft cannot overwrite each other,
and nothing changes a published version (the database refuses that too).
"""

import functools

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from audit.models import AuditEvent
from audit.services import audit_record

from ..models import Framework
from ..selectors_frameworks import framework_content, framework_previous, framework_problems
from .frameworks import content_hash, sections_create
from .guards import TransitionRefused


class DraftConflict(Exception):
    """Someone changed the draft after this person read it."""

    def __init__(self, framework: Framework):
        self.framework = framework
        self.reason = (
            "Someone else changed this draft after you opened it, so your change has not been "
            "saved. The draft below is as it is now: check it, then make your change again."
        )
        super().__init__(self.reason)


def audited_draft_refusals(service):
    """Record every refused change to a draft; outside the service's transaction, so it is kept."""

    @functools.wraps(service)
    def wrapped(*, by, request=None, **kwargs):
        try:
            return service(by=by, request=request, **kwargs)
        except (TransitionRefused, DraftConflict) as refusal:
            target = kwargs.get("framework") or kwargs.get("section") or kwargs.get("expectation")
            audit_record(
                action=(
                    AuditEvent.Action.EDIT_CONFLICT
                    if isinstance(refusal, DraftConflict)
                    else AuditEvent.Action.TRANSITION_REFUSED
                ),
                request=request,
                actor=by,
                obj=getattr(target, "framework", target),
                detail={"service": service.__name__, "reason": refusal.reason},
            )
            raise

    return wrapped


def draft_take(framework: Framework, *, lock_version: int) -> None:
    taken = Framework.objects.filter(
        pk=framework.pk, status=Framework.Status.DRAFT, lock_version=lock_version
    ).update(lock_version=F("lock_version") + 1)
    if taken:
        framework.lock_version = lock_version + 1
        return
    current = Framework.objects.filter(pk=framework.pk).first()
    if current is None:
        raise TransitionRefused("This draft has been discarded.")
    if not current.is_draft:
        raise TransitionRefused(
            f"Version {current.version} is published and can no longer change. "
            "Start a new version to change it."
        )
    raise DraftConflict(current)


def draft_record(framework: Framework, *, by, request, what: str, **detail) -> None:
    audit_record(
        action=AuditEvent.Action.FRAMEWORK_DRAFT_CHANGED,
        request=request,
        actor=by,
        obj=framework,
        detail={"action": what, "version": framework.version, **detail},
    )


def _draft_create(*, data: dict, by, new_framework: bool) -> Framework:
    code = data["code"]
    versions = list(Framework.objects.select_for_update().filter(code=code))
    if new_framework and versions:
        raise TransitionRefused(
            f"A framework called {versions[0].name} already exists. "
            "Start a new version of it from its page instead."
        )
    draft = next((v for v in versions if v.is_draft), None)
    if draft is not None:
        raise TransitionRefused(
            f"Version {draft.version} of {draft.name} is already a draft. "
            "Edit or discard that draft first."
        )
    version = (Framework.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    framework = Framework.objects.create(
        code=code,
        version=version,
        name=data["name"],
        publisher=data.get("publisher", ""),
        published_on=data.get("published_on"),
        source=data.get("source", ""),
        description=data.get("description", ""),
        status=Framework.Status.DRAFT,
        created_by=by,
    )
    sections_create(framework, data.get("sections", []))
    return framework


def _started(draft: Framework, *, by, request, **detail) -> Framework:
    audit_record(
        action=AuditEvent.Action.FRAMEWORK_DRAFT_CREATED,
        request=request,
        actor=by,
        obj=draft,
        detail={"version": draft.version, **detail},
    )
    return draft


@audited_draft_refusals
def framework_draft_start(*, by, name: str, description: str = "", request=None) -> Framework:
    """A new framework, version 1, as an empty draft."""
    code = slugify(name)[:80]
    if not code:
        raise TransitionRefused("Give the framework a name with letters or numbers in it.")
    data = {"code": code, "name": name, "description": description, "sections": []}
    existing = Framework.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        raise TransitionRefused(
            f"A framework called {existing.name} already exists. "
            "Start a new version of it from its page instead."
        )
    with transaction.atomic():
        framework = _draft_create(data=data, by=by, new_framework=True)
        return _started(framework, by=by, request=request)


@audited_draft_refusals
def framework_draft_new_version(*, code: str, by, request=None) -> Framework:
    """A new draft version of a framework, starting from its latest published version."""
    with transaction.atomic():
        latest = (
            Framework.objects.filter(code=code, status=Framework.Status.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if latest is None:
            raise TransitionRefused("This framework has no published version to start from.")
        data = framework_content(latest)
        data["published_on"] = None
        framework = _draft_create(data=data, by=by, new_framework=False)
        return _started(framework, by=by, request=request, framework=latest.version)


@audited_draft_refusals
def framework_draft_import(*, data: dict, by, file_name: str, request=None) -> Framework:
    """A draft from a data file: a new version of the framework it names, or a new framework."""
    with transaction.atomic():
        framework = _draft_create(data=data, by=by, new_framework=False)
        return _started(framework, by=by, request=request, file=file_name)


@audited_draft_refusals
def framework_draft_update(
    *, framework: Framework, lock_version: int, by, fields: dict, request=None
) -> None:
    """The draft's name, description, publisher and source."""
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        for name, value in fields.items():
            setattr(framework, name, value)
        framework.save(update_fields=list(fields))
        draft_record(framework, by=by, request=request, what="details changed")


@audited_draft_refusals
def framework_draft_discard(*, framework: Framework, lock_version: int, by, request=None) -> None:
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        framework.expectations.all().delete()
        framework.sections.all().delete()
        audit_record(
            action=AuditEvent.Action.FRAMEWORK_DRAFT_DISCARDED,
            request=request,
            actor=by,
            obj=framework,
            detail={"version": framework.version},
        )
        framework.delete()


def _comparable(content: dict) -> dict:
    # The publication date is set when a version is published, so it does not make it different.
    return {key: value for key, value in content.items() if key != "published_on"}


@audited_draft_refusals
def framework_publish(*, framework: Framework, lock_version: int, by, request=None) -> None:
    """Publish a complete draft; from now on it never changes."""
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        problems = framework_problems(framework)
        if problems:
            raise TransitionRefused(" ".join(f"{p}." for p in problems))
        content = framework_content(framework)
        previous = framework_previous(framework)
        if previous is not None and _comparable(framework_content(previous)) == _comparable(
            content
        ):
            raise TransitionRefused(
                f"This draft is the same as version {previous.version}. Change something first."
            )
        digest = content_hash(content)
        now = timezone.now()
        try:
            Framework.objects.filter(pk=framework.pk, status=Framework.Status.DRAFT).update(
                status=Framework.Status.PUBLISHED,
                published_at=now,
                published_on=framework.published_on or timezone.localdate(),
                content_hash=digest,
            )
        except IntegrityError as error:
            raise TransitionRefused(
                "Another version was published with the same content."
            ) from error
        framework.refresh_from_db()
        audit_record(
            action=AuditEvent.Action.FRAMEWORK_PUBLISHED,
            request=request,
            actor=by,
            obj=framework,
            detail={"version": framework.version},
        )
