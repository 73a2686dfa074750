"""Reads of policy data, always limited to what the person may see."""

import re
from datetime import timedelta
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.services import access_refused

from .grants import versions_granted
from .models import Agency, PolicyDocument, PolicyPage, PolicyVersion
from .rules import member_agency_ids


def agencies_for_user(user) -> QuerySet[Agency]:
    if not user.is_authenticated:
        return Agency.objects.none()
    if user.is_board_admin:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=member_agency_ids(user))


def documents_for_user(user) -> QuerySet[PolicyDocument]:
    """Board admins see every policy; agency members their agency's; reviewers and moderators
    the policies of the reviews assigned to them."""
    if not user.is_authenticated:
        return PolicyDocument.objects.none()
    documents = PolicyDocument.objects.select_related("agency", "current_version")
    if user.is_board_admin:
        return documents
    visible = Q(agency_id__in=member_agency_ids(user))
    for version_ids in versions_granted(user):
        visible |= Q(pk__in=PolicyVersion.objects.filter(pk__in=version_ids).values("document"))
    return documents.filter(visible)


def versions_for_user(user) -> QuerySet[PolicyVersion]:
    """Board admins see every version; agency members every version of their agency's
    policies; reviewers and moderators only the versions under their reviews."""
    versions = PolicyVersion.objects.select_related("document__agency", "uploaded_by")
    if not user.is_authenticated:
        return versions.none()
    if user.is_board_admin:
        return versions
    visible = Q(document__agency_id__in=member_agency_ids(user))
    for version_ids in versions_granted(user):
        visible |= Q(pk__in=version_ids)
    return versions.filter(visible)


def document_list(*, user, agency_id: int | None = None, search: str = "") -> QuerySet:
    documents = documents_for_user(user).annotate(
        version_count=Count("versions"),
        checking_count=Count("versions", filter=Q(versions__status=PolicyVersion.Status.CHECKING)),
    )
    if agency_id:
        documents = documents.filter(agency_id=agency_id)
    if search:
        documents = documents.filter(Q(title__icontains=search) | Q(agency__name__icontains=search))
    return documents.order_by("agency__name", "title")


def documents_past_review(*, user) -> QuerySet[PolicyDocument]:
    """Policies whose current version's own next review date has passed."""
    return (
        documents_for_user(user)
        .filter(current_version__next_review_date__lt=timezone.localdate())
        .order_by("current_version__next_review_date", "agency__name")
    )


def member_documents_past_review(*, user) -> QuerySet[PolicyDocument]:
    """The policies of the person's own agencies that are past their review date."""
    return documents_past_review(user=user).filter(agency_id__in=member_agency_ids(user))


def _refuse(request, *, obj, agency) -> Exception:
    return access_refused(
        request,
        obj=obj,
        agency=agency,
        reason="not in the person's agencies",
        error=Http404("No such policy."),
    )


def document_get_for_user(request, pk: int) -> PolicyDocument:
    """Find a policy the person may see; another agency's policy is a 404 and an audit event."""
    try:
        return documents_for_user(request.user).get(pk=pk)
    except PolicyDocument.DoesNotExist:
        other = PolicyDocument.objects.select_related("agency").filter(pk=pk).first()
        if other is not None:
            raise _refuse(request, obj=other, agency=other.agency) from None
        raise Http404("No such policy.") from None


def version_get_for_user(request, document_pk: int, number: int) -> PolicyVersion:
    try:
        return versions_for_user(request.user).get(document_id=document_pk, number=number)
    except PolicyVersion.DoesNotExist:
        other = (
            PolicyVersion.objects.select_related("document__agency")
            .filter(document_id=document_pk, number=number)
            .first()
        )
        if other is not None:
            raise _refuse(request, obj=other, agency=other.document.agency) from None
        raise Http404("No such policy version.") from None


def version_pages(*, version: PolicyVersion, search: str = "") -> QuerySet[PolicyPage]:
    """The version's pages, or those that contain the search's words in any form ("moderate"
    finds "moderating") or its exact text."""
    pages = version.pages.order_by("number")
    if not search:
        return pages
    exact = Q(text__icontains=search)
    if connection.vendor == "postgresql":
        return pages.annotate(words=SearchVector("text", config="english")).filter(
            exact | Q(words=SearchQuery(search, config="english"))
        )
    # Elsewhere the same English stemmer runs here, over this one version's pages.
    wanted = _stems(search)
    texts = pages.values_list("pk", "text") if wanted else []
    found = [pk for pk, text in texts if wanted <= _stems(text)]
    return pages.filter(exact | Q(pk__in=found))


_WORD = re.compile(r"\w+")
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def _stems(text: str) -> set[str]:
    return {_stem(word) for word in _WORD.findall(text.lower())}


def versions_stuck_checking(*, older_than: timedelta) -> QuerySet[PolicyVersion]:
    cutoff = timezone.now() - older_than
    return PolicyVersion.objects.filter(
        status=PolicyVersion.Status.CHECKING, uploaded_at__lt=cutoff
    )
