"""Board admins: review cycles, their agencies and settings, assigning reviews, reassigning and
withdrawing them, and the list of every review."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from audit.decorators import permission_required

from .. import selectors
from ..forms.cycles import (
    AssignForm,
    CycleAgenciesForm,
    CycleForm,
    CycleSettingsForm,
    ReassignForm,
    ReviewFilterForm,
    WithdrawForm,
    add_date_error,
)
from ..models import Review, ReviewCycle
from ..selectors_cycles import (
    agencies_to_add,
    cycle_has_closed,
    cycle_scope,
    cycle_withdrawn_reviews,
)
from ..services import TransitionRefused, review_assign_many, review_reassign, review_withdraw
from ..services.assignment import FINAL_STATES
from ..services.cycles import (
    DeadlineRefused,
    cycle_agencies_add,
    cycle_agency_remove,
    cycle_open,
    cycle_settings_change,
)

MANAGE = "reviews.manage_cycles"


def _cycle(pk: int) -> ReviewCycle:
    return get_object_or_404(ReviewCycle.objects.select_related("framework"), pk=pk)


@permission_required(MANAGE)
def cycle_list(request):
    cycles = selectors.cycles_for_admin()
    return render(request, "reviews/cycles/cycle_list.html", {"cycles": cycles})


@permission_required(MANAGE)
def cycle_new(request):
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = cycle_open(
                by=request.user,
                name=data["name"],
                framework=data["framework"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                agencies=data["agencies"],
                self_assessment_due_on=data["self_assessment_due_on"],
                reply_window_days=data["reply_window_days"],
                request=request,
            )
        except TransitionRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, f"{cycle.name} opened")
            return redirect(cycle.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/cycles/cycle_new.html", {"form": form}, status=status)


@permission_required(MANAGE)
def cycle_detail(request, pk: int):
    cycle = _cycle(pk)
    rows = cycle_scope(cycle)
    return render(
        request,
        "reviews/cycles/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": rows,
            "assigned_count": sum(1 for row in rows if row.review is not None),
            "withdrawn": cycle_withdrawn_reviews(cycle),
            "scope_can_change": not cycle_has_closed(cycle),
        },
    )


@permission_required(MANAGE)
def cycle_agencies_new(request, pk: int):
    cycle = _cycle(pk)
    closed = cycle_has_closed(cycle)
    data = request.POST if request.method == "POST" else None
    form = CycleAgenciesForm(data, agencies=agencies_to_add(cycle))
    if request.method == "POST" and not closed and form.is_valid():
        try:
            added = cycle_agencies_add(
                cycle=cycle,
                agencies=form.cleaned_data["agencies"],
                by=request.user,
                request=request,
            )
        except TransitionRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            names = ", ".join(agency.name for agency in added)
            messages.success(request, f"{names} added to {cycle.name}")
            return redirect(cycle.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reviews/cycles/cycle_agencies_new.html",
        {"cycle": cycle, "form": form, "closed": closed},
        status=status,
    )


@permission_required(MANAGE)
def cycle_settings(request, pk: int):
    """Change an open cycle's self-assessment deadline and reply window."""
    cycle = _cycle(pk)
    closed = cycle_has_closed(cycle)
    form = CycleSettingsForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and not closed and form.is_valid():
        try:
            changed = cycle_settings_change(
                cycle=cycle,
                by=request.user,
                self_assessment_due_on=form.cleaned_data["self_assessment_due_on"],
                reply_window_days=form.cleaned_data["reply_window_days"],
                request=request,
            )
        except TransitionRefused as refusal:
            if isinstance(refusal, DeadlineRefused):
                add_date_error(form, "self_assessment_due_on", refusal.reason)
            else:
                form.add_error(None, refusal.reason)
        else:
            messages.success(request, f"{cycle.name} changed" if changed else "Nothing was changed")
            return redirect(cycle.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reviews/cycles/cycle_settings.html",
        {"cycle": cycle, "form": form, "closed": closed},
        status=status,
    )


@permission_required(MANAGE)
def cycle_agency_remove_confirm(request, pk: int, agency_pk: int):
    cycle = _cycle(pk)
    agency = get_object_or_404(cycle.agencies.all(), pk=agency_pk)
    problem = ""
    if request.method == "POST":
        try:
            cycle_agency_remove(cycle=cycle, agency=agency, by=request.user, request=request)
        except TransitionRefused as refusal:
            problem = refusal.reason
        else:
            messages.success(request, f"{agency.name} taken out of {cycle.name}")
            return redirect(cycle.get_absolute_url())
    return render(
        request,
        "reviews/cycles/cycle_agency_remove.html",
        {"cycle": cycle, "agency": agency, "problem": problem},
        status=400 if problem else 200,
    )


REVIEWS_PER_PAGE = 50


def all_reviews_context(request) -> dict:
    """For a board admin's Reviews page: every review, filtered and paged."""
    form = ReviewFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        chosen = form.cleaned_data.items()
        filters = {name: value for name, value in chosen if value not in (None, "", False)}
    today = timezone.localdate()
    reviews = selectors.reviews_for_board(user=request.user, today=today, **filters)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "all_reviews": page,
        "query": query.urlencode(),
        "today": today,
        "filtered": bool(filters),
    }


@permission_required(MANAGE)
def cycle_assign(request, pk: int):
    cycle = _cycle(pk)
    rows = cycle_scope(cycle)
    form = AssignForm(request.POST or None, rows=rows, initial={"due_on": cycle.closes_on})
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen_rows()
        try:
            reviews = review_assign_many(
                cycle=cycle,
                agencies=[row.agency for row in chosen],
                reviewer=form.cleaned_data["reviewer"],
                moderator=form.cleaned_data["moderator"],
                due_on=form.cleaned_data["due_on"],
                policy_versions={row.agency.pk: row.policy_version for row in chosen},
                by=request.user,
                request=request,
            )
        except TransitionRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            count = len(reviews)
            messages.success(request, f"{count} review{'s' if count != 1 else ''} assigned")
            return redirect(cycle.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reviews/cycles/cycle_assign.html",
        {
            "cycle": cycle,
            "form": form,
            "not_assignable": [row for row in rows if not row.is_assignable],
        },
        status=status,
    )


def _people_initial(review: Review) -> dict:
    return {"reviewer": review.reviewer_id, "moderator": review.moderator_id}


@permission_required(MANAGE)
def review_manage(request, pk: int):
    review = selectors.review_get_for_user(request, pk)
    reassign_form = ReassignForm(initial=_people_initial(review))
    withdraw_form = WithdrawForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reassign":
            reassign_form = ReassignForm(request.POST, initial=_people_initial(review))
            if reassign_form.is_valid():
                try:
                    review_reassign(
                        review=review,
                        reviewer=reassign_form.cleaned_data["reviewer"],
                        moderator=reassign_form.cleaned_data["moderator"],
                        by=request.user,
                        request=request,
                    )
                except TransitionRefused as refusal:
                    reassign_form.add_error(None, refusal.reason)
                else:
                    messages.success(request, "Review reassigned")
                    return redirect("reviews:review_manage", pk=review.pk)
        elif action == "withdraw":
            withdraw_form = WithdrawForm(request.POST)
            if withdraw_form.is_valid():
                try:
                    review_withdraw(
                        review=review,
                        reason=withdraw_form.cleaned_data["reason"],
                        by=request.user,
                        request=request,
                    )
                except TransitionRefused as refusal:
                    withdraw_form.add_error(None, refusal.reason)
                else:
                    messages.success(request, "Review withdrawn")
                    return redirect("reviews:review_manage", pk=review.pk)
        else:
            return HttpResponseBadRequest("Unknown action.")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reviews/cycles/review_manage.html",
        {
            "review": review,
            "reassign_form": reassign_form,
            "withdraw_form": withdraw_form,
            "can_reassign": review.state not in FINAL_STATES,
            "can_withdraw": review.state != Review.State.WITHDRAWN,
        },
        status=status,
    )
