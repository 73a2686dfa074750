"""Agency members answer findings with actions; board admins see every action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode

from audit.decorators import permission_required
from audit.services import access_refused
from policies.rules import member_agency_ids

from .. import selectors
from ..forms import ActionFilterForm, ActionForm, ActionStatusForm
from ..services.actions import ActionRefused, action_create, action_update


@login_required
def action_plan(request):
    """The agency's reviews with their gaps; board admins go to the list of every action."""
    user = request.user
    if user.is_board_admin and not member_agency_ids(user):
        return redirect("summaries:actions_board")
    if not member_agency_ids(user):
        raise access_refused(
            request,
            reason="action plans are for agency members",
        )
    reviews = list(selectors.agency_reviews_for_actions(user=user))
    actions = selectors.action_list(user=user).filter(agency_id__in=member_agency_ids(user))
    return render(
        request,
        "summaries/actions/plan.html",
        {"reviews": reviews, "actions": actions, "today": timezone.localdate()},
    )


@login_required
def review_actions(request, pk: int):
    review = selectors.agency_review_get(request, pk)
    return render(
        request,
        "summaries/actions/review.html",
        {
            "review": review,
            "findings": selectors.gap_findings(review),
            "today": timezone.localdate(),
        },
    )


@login_required
def action_new(request, finding_pk: int):
    finding = selectors.gap_finding_get(request, finding_pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_create(
                finding=finding,
                by=request.user,
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                request=request,
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, f"Action recorded for {finding.expectation.code}")
            return redirect("summaries:review_actions", pk=finding.review_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "summaries/actions/new.html", {"finding": finding, "form": form}, status=status
    )


@login_required
def action_detail(request, pk: int):
    action = selectors.action_get_for_user(request, pk)
    may_edit = action.agency_id in member_agency_ids(request.user)
    form = None
    if may_edit:
        versions = selectors.evidence_versions_for(action.agency_id)
        form = ActionStatusForm(
            request.POST or None,
            versions=versions,
            initial={
                "status": action.status,
                "done_note": action.done_note,
                "evidence_version": action.evidence_version_id,
            },
        )
    if request.method == "POST":
        if not may_edit:
            raise access_refused(
                request,
                obj=action,
                agency=action.agency,
                reason="only the agency updates its actions",
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_update(
                    action=action,
                    by=request.user,
                    status=data["status"],
                    done_note=data["done_note"],
                    evidence_version=data["evidence_version"],
                    request=request,
                )
            except ActionRefused as refusal:
                form.add_error(None, refusal.reason)
            else:
                messages.success(request, "Action updated")
                return redirect(action.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "summaries/actions/detail.html",
        {"action": action, "form": form, "today": timezone.localdate()},
        status=status,
    )


@permission_required("summaries.view_all_actions")
def actions_board(request):
    form = ActionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status", "")
    overdue_only = filters.get("overdue", False)
    actions = selectors.action_list(user=request.user, status=status, overdue_only=overdue_only)
    page = Paginator(actions, 100).get_page(request.GET.get("page"))
    query = {"status": status} if status else {}
    if overdue_only:
        query["overdue"] = "on"
    return render(
        request,
        "summaries/actions/board.html",
        {
            "page": page,
            "form": form,
            "query": urlencode(query),
            "today": timezone.localdate(),
        },
    )
