"""Board admins: review cycles, assigning reviews, reassigning and withdrawing them."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render

from accounts.decorators import permission_required

from .. import selectors
from ..forms.cycles import AssignForm, CycleForm, ReassignForm, WithdrawForm
from ..models import Review, ReviewCycle
from ..selectors_cycles import cycle_scope, cycle_withdrawn_reviews
from ..services.cycles import cycle_open
from ..services.reviews import (
    FINAL_STATES,
    TransitionRefused,
    review_assign_many,
    review_reassign,
    review_withdraw,
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
        },
    )


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
