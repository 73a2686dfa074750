"""The reviewer's side: their reviews, the task list, one step per section, the overall outcome
and recommendations, "Check your answers" and submit. Every step saves to the database."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.services import access_refused
from policies.models import PolicyPage
from policies.rules import member_agency_ids

from .. import selectors
from ..answers import self_assessment_view_problems
from ..forms.reviewing import (
    FindingFormSet,
    OutcomeForm,
    RecommendationFormSet,
    error_links,
)
from ..models import Finding, Review
from ..selectors_self_assessments import submitted_self_ratings
from ..services import (
    REVIEWER_ATTESTATION,
    EditConflict,
    RecommendationInput,
    TransitionRefused,
    review_problems,
    review_save_findings,
    review_save_outcome,
    review_submit,
    suggested_outcome,
)
from ..suggestions import step_suggestions
from .cycles import all_reviews_context
from .replies import agency_reply_page

FINDINGS_PREFIX = "findings"
RECOMMENDATIONS_PREFIX = "recommendations"


@login_required
def review_list(request):
    user = request.user
    context = all_reviews_context(request) if user.is_board_admin else {}
    if user.is_reviewer:
        context["to_review"] = selectors.my_reviews(user=user)
    if user.is_moderator:
        context["to_moderate"] = selectors.reviews_to_moderate(user=user)
    if member_agency_ids(user):
        context["published"] = (
            selectors.reviews_for_user(user)
            .select_related("cycle")
            .filter(agency_id__in=member_agency_ids(user), state__in=selectors.AGENCY_STATES)
            .order_by("-signed_off_at")
        )
    return render(request, "reviews/review/review_list.html", context)


def _editable_review(request, pk: int, fetch=selectors.review_to_edit) -> Review:
    """The review, for its reviewer, while it can still be changed."""
    review = fetch(request.user, pk)
    if review is not None:
        return review
    # Not theirs to edit: a 404 if they may not see it at all, else a 403; both audited.
    review = selectors.review_get_for_user(request, pk)
    if review.reviewer_id != request.user.pk or not review.is_editable:
        raise access_refused(
            request,
            obj=review,
            agency=review.agency,
            reason="only the reviewer edits, and only before submission",
        )
    return review


def _sections(review: Review, findings: list[Finding]) -> list[dict]:
    sections: dict[int, dict] = {}
    # A step with an agency's rating still to agree with or challenge is not complete.
    self_rated = submitted_self_ratings(review=review)
    for finding in findings:
        section = finding.expectation.section
        entry = sections.setdefault(
            section.number, {"section": section, "findings": [], "problems": 0, "rated": 0}
        )
        entry["findings"].append(finding)
        entry["problems"] += len(finding.field_problems())
        if finding.expectation_id in self_rated:
            entry["problems"] += len(self_assessment_view_problems(finding))
        entry["rated"] += bool(finding.rating) and not finding.carried_forward
    for entry in sections.values():
        if entry["rated"] == 0:
            entry["status"] = "Not started"
        elif entry["problems"]:
            entry["status"] = "In progress"
        else:
            entry["status"] = "Completed"
    return list(sections.values())


@login_required
def review_overview(request, pk: int):
    review = selectors.review_get_for_user(request, pk)
    user = request.user
    if review.reviewer_id == user.pk and review.is_editable:
        findings = list(selectors.findings_of(review))
        sections = _sections(review, findings)
        problems = review_problems(review)
        outcome_done = bool(review.overall_outcome) and not any("outcome" in p for p in problems)
        latest_return = review.returns.select_related("returned_by").order_by("-round").first()
        return render(
            request,
            "reviews/review/task_list.html",
            {
                "review": review,
                "sections": sections,
                "outcome_done": outcome_done,
                "ready_to_check": not problems,
                "completed": sum(s["status"] == "Completed" for s in sections) + outcome_done,
                "total_tasks": len(sections) + 1,
                "latest_return": latest_return if review.state == Review.State.RETURNED else None,
            },
        )
    if review.moderator_id == user.pk and review.state == Review.State.SUBMITTED:
        return redirect("reviews:moderate", pk=review.pk)
    if review.state == Review.State.IN_REPLY and review.agency_id in member_agency_ids(user):
        return agency_reply_page(request, review)
    return render(
        request,
        "reviews/review_published.html",
        {"review": selectors.review_with_history(review)},
    )


# How long the policy's text, rendered, is kept in the shared cache: it never changes once the
# version is ready, and the fragment is keyed by the file's sha256.
POLICY_PANE_SECONDS = 60 * 60 * 24


def _lock_version(request) -> int:
    """The version the page was read at; a missing or mangled one is never current."""
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return 0


def _step_findings(review: Review, number: int) -> list[Finding]:
    findings = selectors.step_findings(review=review, number=number)
    if not findings:
        raise Http404("The framework has no such section.")
    return findings


@login_required
def review_section(request, pk: int, number: int):
    if request.method != "POST":
        review = _editable_review(request, pk, fetch=selectors.review_for_step)
        formset = FindingFormSet(
            prefix=FINDINGS_PREFIX,
            findings=_step_findings(review, number),
            page_count=review.policy_version.page_count,
            self_ratings=submitted_self_ratings(review=review),
        )
        return _render_section(request, review, formset, number=number)
    review = _editable_review(request, pk)
    formset = FindingFormSet(
        request.POST,
        prefix=FINDINGS_PREFIX,
        findings=_step_findings(review, number),
        page_count=review.policy_version.page_count,
        self_ratings=submitted_self_ratings(review=review),
    )
    # Save every answer that is well formed, even if others on the step are not: what a
    # person typed is never thrown away, and the rest stays on the page to be fixed.
    valid = [form for form in formset if form.is_valid()]
    try:
        review = review_save_findings(
            review=review,
            by=request.user,
            lock_version=_lock_version(request),
            answers={form.finding.pk: form.answers() for form in valid},
            request=request,
        )
    except (EditConflict, TransitionRefused) as refusal:
        saved_by_other = []
        if isinstance(refusal, EditConflict):
            review = refusal.review
            saved_by_other = selectors.step_findings(review=review, number=number)
        return _render_section(
            request,
            review,
            formset,
            number=number,
            conflict=refusal.reason,
            saved_by_other=saved_by_other,
            status=409,
        )
    if "later" in request.POST and len(valid) == len(formset.forms):
        messages.success(request, "Your answers are saved. You can come back later.")
        return redirect("reviews:review", pk=review.pk)
    if "later" not in request.POST:
        for form in valid:
            form.check_rules()
    if not any(form.errors for form in formset):
        return redirect(_next_step(review, number))
    return _render_section(request, review, formset, number=number, status=400)


def _render_section(
    request, review: Review, formset, *, number: int, conflict=None, saved_by_other=(), status=200
):
    version = review.policy_version
    return render(
        request,
        "reviews/review/section.html",
        {
            "review": review,
            "section": formset.findings[0].expectation.section,
            "formset": formset,
            "suggestions": step_suggestions(
                version_id=review.policy_version_id,
                framework_id=review.framework_id,
                section_number=number,
            ),
            "version": version,
            # Read only when the pane's cached fragment is missing.
            "pages": PolicyPage.objects.filter(version_id=version.pk)
            .order_by("number")
            .only("number", "text"),
            "pane_seconds": POLICY_PANE_SECONDS,
            "errors": error_links(formset.forms),
            "conflict": conflict,
            "saved_by_other": saved_by_other,
        },
        status=status,
    )


def _next_step(review: Review, number: int) -> str:
    if review.framework.sections.filter(number=number + 1).exists():
        return reverse("reviews:section", args=[review.pk, number + 1])
    return reverse("reviews:outcome", args=[review.pk])


def _finding_choices(findings: list[Finding]) -> list[tuple[str, str]]:
    gaps = [
        f for f in findings if f.rating in (Finding.Rating.PARTIALLY_MET, Finding.Rating.NOT_MET)
    ]
    return [
        (str(f.pk), f"{f.expectation.code} ({f.get_rating_display() or 'not rated'})")
        for f in (gaps or findings)
    ]


@login_required
def review_outcome(request, pk: int):
    review = _editable_review(request, pk)
    findings = list(review.findings.select_related("expectation").order_by("expectation__order"))
    suggested = suggested_outcome(f.rating for f in findings)
    choices = _finding_choices(findings)
    if request.method != "POST":
        saved = _saved_recommendations(review)
        return _render_outcome(
            request,
            review,
            form=_outcome_form(review, suggested),
            recommendations=RecommendationFormSet(
                prefix=RECOMMENDATIONS_PREFIX,
                initial=saved,
                finding_choices=choices,
                # One empty row to start with, or when asked for another.
                blank_rows=1 if not saved or "another" in request.GET else 0,
            ),
            suggested=suggested,
        )
    form = OutcomeForm(request.POST, suggested=suggested)
    recommendations = RecommendationFormSet(
        request.POST, prefix=RECOMMENDATIONS_PREFIX, finding_choices=choices
    )
    page = functools.partial(
        _render_outcome, request, form=form, recommendations=recommendations, suggested=suggested
    )
    if not (form.is_valid() and recommendations.is_valid()):
        return page(review, status=400)
    try:
        review = review_save_outcome(
            review=review,
            by=request.user,
            lock_version=_lock_version(request),
            overall_outcome=form.cleaned_data["overall_outcome"],
            override_reason=form.cleaned_data["override_reason"],
            summary=form.cleaned_data["summary"],
            recommendations=[
                RecommendationInput(text, finding_ids)
                for text, finding_ids in recommendations.recommendations()
            ],
            request=request,
        )
    except (EditConflict, TransitionRefused) as refusal:
        if isinstance(refusal, EditConflict):
            review = refusal.review
        return page(review, conflict=refusal.reason, status=409)
    if "add" in request.POST:
        # Saved; the page comes back with a row to write the next one in.
        row = len(recommendations.recommendations()) + 1
        url = reverse("reviews:outcome", args=[review.pk])
        return redirect(f"{url}?another=1#recommendation-{row}")
    if "later" in request.POST:
        messages.success(request, "Your answers are saved. You can come back later.")
        return redirect("reviews:review", pk=review.pk)
    form.check_rules()
    if form.errors:
        return page(review, status=400)
    return redirect("reviews:check", pk=review.pk)


def _saved_recommendations(review: Review) -> list[dict]:
    return [
        {"text": r.text, "findings": [str(f.pk) for f in r.findings.all()]}
        for r in review.recommendations.prefetch_related("findings").order_by("order")
    ]


def _outcome_form(review: Review, suggested: str) -> OutcomeForm:
    return OutcomeForm(
        suggested=suggested,
        initial={
            "overall_outcome": review.overall_outcome or suggested,
            "override_reason": review.outcome_override_reason,
            "summary": review.summary,
        },
    )


def _render_outcome(
    request, review: Review, *, form, recommendations, suggested: str, conflict=None, status=200
):
    errors = error_links([form, *recommendations.forms])
    errors += [("recommendations", message) for message in recommendations.non_form_errors()]
    return render(
        request,
        "reviews/review/outcome.html",
        {
            "review": review,
            "form": form,
            "suggested": Review.Outcome(suggested).label,
            "recommendations": recommendations,
            "errors": errors,
            "conflict": conflict,
        },
        status=status,
    )


@login_required
def review_check(request, pk: int):
    review = _editable_review(request, pk)
    status, refusal_reason = 200, None
    if request.method == "POST":
        try:
            review = review_submit(
                review=review,
                by=request.user,
                lock_version=_lock_version(request),
                request=request,
            )
        except (EditConflict, TransitionRefused) as refusal:
            refusal_reason, status = (
                refusal.reason,
                409 if isinstance(refusal, EditConflict) else 400,
            )
        else:
            messages.success(
                request, f"Review {review.reference} submitted. The moderator has been told."
            )
            return redirect("reviews:review", pk=review.pk)
    history = selectors.review_with_history(review)
    return render(
        request,
        "reviews/review/check.html",
        {
            "review": history,
            "problems": review_problems(review),
            "refusal": refusal_reason,
            "attestation": REVIEWER_ATTESTATION,
            "suggested": Review.Outcome(
                suggested_outcome(f.rating for f in history.findings.all())
            ).label,
        },
        status=status,
    )
