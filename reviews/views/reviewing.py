"""The reviewer's side: their reviews, the task list, one step per section, the overall outcome
and recommendations, "Check your answers" and submit. Every step saves to the database."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from audit.services import access_refused
from evidence.selectors import suggestions_for_step
from policies.models import PolicyPage
from policies.rules import member_agency_ids

from .. import selectors
from ..forms.reviewing import FindingForm, OutcomeForm, RecommendationForm, SavedAnswer
from ..models import Finding, Review
from ..services import (
    EditConflict,
    TransitionRefused,
    review_save_findings,
    review_save_outcome,
    review_submit,
    suggested_outcome,
)
from ..services.reviews import REVIEWER_ATTESTATION, RecommendationInput, review_problems

BLANK_RECOMMENDATIONS = 3


@login_required
def review_list(request):
    user = request.user
    context = {}
    if user.is_reviewer:
        context["to_review"] = selectors.my_reviews(user=user)
    if user.is_moderator:
        context["to_moderate"] = selectors.reviews_to_moderate(user=user)
    if member_agency_ids(user):
        context["published"] = (
            selectors.reviews_for_user(user)
            .select_related("cycle")
            .filter(agency_id__in=member_agency_ids(user), state__in=Review.PUBLISHED_STATES)
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
    for finding in findings:
        section = finding.expectation.section
        entry = sections.setdefault(
            section.number, {"section": section, "findings": [], "problems": 0, "rated": 0}
        )
        entry["findings"].append(finding)
        entry["problems"] += len(finding.field_problems())
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
    return render(
        request,
        "reviews/review_published.html",
        {"review": selectors.review_with_history(review)},
    )


# Rendered parts of a review step are kept for a while: the policy's text never changes once it
# is ready, and a step's answers change only with the review's lock version, which every save moves.
STEP_CACHE_SECONDS = 60 * 60
EVIDENCE_PENDING_SECONDS = 15


def policy_pane_html(review: Review) -> str:
    """The policy beside the questions: its text page by page. Rendered once per version (and
    title); a review read by `review_step_to_show` carries both, so a hit needs no query."""
    if hasattr(review, "version_sha256"):
        sha256, title = review.version_sha256, review.document_title
    else:
        sha256, title = review.policy_version.sha256, review.policy_version.document.title
    title_digest = hashlib.sha256(title.encode()).hexdigest()[:16]
    key = f"policy-pane:{review.policy_version_id}:{sha256}:{title_digest}"
    html = cache.get(key)
    if html is None:
        version = review.policy_version
        pages = (
            PolicyPage.objects.filter(version_id=version.pk)
            .order_by("number")
            .only("number", "text")
        )
        html = render_to_string(
            "reviews/review/_policy_pane.html", {"version": version, "pages": pages}
        )
        cache.set(key, html, STEP_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping template


def _findings_html(forms_: list[FindingForm | SavedAnswer], suggestions: dict) -> str:
    return render_to_string(
        "reviews/review/_section_findings.html", {"forms": forms_, "suggestions": suggestions}
    )


def _section_findings(review: Review, number: int) -> list[Finding]:
    findings = list(
        review.findings.select_related("expectation__section")
        .filter(expectation__section__number=number)
        .order_by("expectation__order")
    )
    if not findings:
        raise Http404("The framework has no such section.")
    return findings


def _step_key(review: Review, number: int) -> str:
    """What a saved step shows depends on the review's version, its policy version, and the
    agency's and the policy's names (read with it by `review_step_to_show`)."""
    names = hashlib.sha256(f"{review.agency_name}\n{review.document_title}".encode()).hexdigest()
    return (
        f"review-step:{review.pk}:{review.lock_version}:{review.updated_at.timestamp()}:"
        f"{review.policy_version_id}:{review.version_sha256}:{names[:16]}:{number}"
    )


# A kept step has holes where each page's own values go: the CSRF token of its forms and the
# nonce of its inline script. Everything else on it is the same for this person until the
# review is saved again.
TOKEN_HOLE = "csrf-token-of-this-page"  # noqa: S105 - a placeholder, not a secret
NONCE_HOLE = "script-nonce-of-this-page"


def _page_key(user, review: Review, number: int) -> str:
    """The person's part of a kept step: the header shows their name, the navigation their
    roles."""
    person = f"{user.pk}:{user.full_name}:{user.email}:{user.is_board_admin}:{user.is_board_member}"
    digest = hashlib.sha256(person.encode()).hexdigest()[:16]
    return f"{_step_key(review, number)}:{digest}"


@login_required
def review_section(request, pk: int, number: int):
    if request.method != "POST":
        review = _editable_review(request, pk, fetch=selectors.review_step_to_show)
        return _section_page(request, review, number)
    review = _editable_review(request, pk)
    findings = _section_findings(review, number)
    page_count = review.policy_version.page_count
    forms_ = [FindingForm(request.POST, finding=f, page_count=page_count) for f in findings]
    conflict, saved_by_other = None, []
    # Save every answer that is well formed, even if others on the step are not: what a
    # person typed is never thrown away, and the rest stays on the page to be fixed.
    valid = [form for form in forms_ if form.is_valid()]
    try:
        review = review_save_findings(
            review=review,
            by=request.user,
            lock_version=int(request.POST.get("lock_version", 0)),
            answers={form.finding.pk: form.answers() for form in valid},
            request=request,
        )
    except (EditConflict, TransitionRefused) as refusal:
        conflict, status = refusal.reason, 409
        if isinstance(refusal, EditConflict):
            review = refusal.review
            saved_by_other = list(
                review.findings.filter(pk__in=[f.pk for f in findings])
                .select_related("expectation")
                .order_by("expectation__order")
            )
    else:
        if "later" in request.POST and len(valid) == len(forms_):
            messages.success(request, "Your answers are saved. You can come back later.")
            return redirect("reviews:review", pk=review.pk)
        if "later" not in request.POST:
            for form in valid:
                form.check_rules()
        if not any(form.errors for form in forms_):
            return redirect(_next_step(review, number))
        status = 400
    return _render_section(
        request,
        review,
        section=findings[0].expectation.section,
        findings_html=_findings_html(
            forms_, suggestions_for_step(review=review, section_number=number)
        ),
        errors=[
            (f"id_{form.prefix}-{field}", message)
            for form in forms_
            for field, messages_ in form.errors.items()
            for message in messages_
        ],
        conflict=conflict,
        saved_by_other=saved_by_other,
        status=status,
    )


def _section_page(request, review: Review, number: int):
    """The step as saved. What it shows changes only when the review is saved, so the page is
    rendered once per lock version and person, and kept with holes for its token and nonce."""
    if messages.get_messages(request):
        # A message to show once: this page is not the kept one.
        return _render_section(request, review, **_saved_step(review, number)[0])
    key = _page_key(request.user, review, number)
    page = cache.get(key)
    if page is None:
        step, ready = _saved_step(review, number)
        page = _render_section(
            request, review, **step, holes={"csrf_token": TOKEN_HOLE, "CSP_NONCE": NONCE_HOLE}
        ).content.decode()
        # Suggested evidence never changes once ready; until then the step is kept only briefly,
        # so that the suggestions appear soon after they are prepared.
        cache.set(key, page, STEP_CACHE_SECONDS if ready else EVIDENCE_PENDING_SECONDS)
    return HttpResponse(
        page.replace(TOKEN_HOLE, get_token(request)).replace(NONCE_HOLE, str(request.csp_nonce))
    )


def _saved_step(review: Review, number: int) -> tuple[dict, bool]:
    """The step's section and answers as saved, and whether its suggestions are ready."""
    findings = _section_findings(review, number)
    suggestions = suggestions_for_step(review=review, section_number=number)
    step = {
        "section": findings[0].expectation.section,
        "findings_html": _findings_html([SavedAnswer(f) for f in findings], suggestions),
    }
    return step, bool(suggestions)


def _render_section(
    request,
    review,
    *,
    section,
    findings_html,
    errors=(),
    conflict=None,
    saved_by_other=(),
    status=200,
    holes=None,
):
    return render(
        request,
        "reviews/review/section.html",
        {
            "review": review,
            "section": section,
            "findings_html": findings_html,
            "policy_pane": policy_pane_html(review),
            "errors": errors,
            "conflict": conflict,
            "saved_by_other": saved_by_other,
            **(holes or {}),
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
    findings = list(selectors.findings_of(review))
    suggested = suggested_outcome(f.rating for f in findings)
    existing = list(review.recommendations.prefetch_related("findings").order_by("order"))
    choices = _finding_choices(findings)
    data = request.POST if request.method == "POST" else None
    form = OutcomeForm(
        data,
        suggested=suggested,
        initial={
            "overall_outcome": review.overall_outcome or suggested,
            "override_reason": review.outcome_override_reason,
            "summary": review.summary,
        },
    )
    rows = len(existing) + BLANK_RECOMMENDATIONS
    if data is not None:
        rows = max(rows, int(data.get("recommendation_rows", rows) or rows))
    recommendation_forms = [
        RecommendationForm(
            data,
            prefix=f"r{i}",
            finding_choices=choices,
            initial=(
                {
                    "text": existing[i].text,
                    "findings": [str(f.pk) for f in existing[i].findings.all()],
                }
                if i < len(existing)
                else None
            ),
        )
        for i in range(min(rows, 50))
    ]
    status, conflict = 200, None
    if request.method == "POST":
        if form.is_valid() and all(r.is_valid() for r in recommendation_forms):
            try:
                review = review_save_outcome(
                    review=review,
                    by=request.user,
                    lock_version=int(request.POST.get("lock_version", 0)),
                    overall_outcome=form.cleaned_data["overall_outcome"],
                    override_reason=form.cleaned_data["override_reason"],
                    summary=form.cleaned_data["summary"],
                    recommendations=[
                        RecommendationInput(
                            r.cleaned_data["text"].strip(),
                            tuple(int(f) for f in r.cleaned_data["findings"]),
                        )
                        for r in recommendation_forms
                        if r.cleaned_data["text"].strip()
                    ],
                    request=request,
                )
            except (EditConflict, TransitionRefused) as refusal:
                conflict, status = refusal.reason, 409
                if isinstance(refusal, EditConflict):
                    review = refusal.review
            else:
                if "later" in request.POST:
                    messages.success(request, "Your answers are saved. You can come back later.")
                    return redirect("reviews:review", pk=review.pk)
                form.check_rules()
                if not form.errors:
                    return redirect("reviews:check", pk=review.pk)
                status = 400
        else:
            status = 400
    return render(
        request,
        "reviews/review/outcome.html",
        {
            "review": review,
            "form": form,
            "suggested": Review.Outcome(suggested).label,
            "recommendation_forms": recommendation_forms,
            "errors": [
                (f"id_{f.prefix + '-' if f.prefix else ''}{field}", message)
                for f in [form, *recommendation_forms]
                for field, messages_ in f.errors.items()
                for message in messages_
            ],
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
                lock_version=int(request.POST.get("lock_version", 0)),
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
