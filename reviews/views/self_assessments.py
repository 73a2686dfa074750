"""An agency's self-assessment: its list, a task list, one step per framework section (with the
policy beside the questions and the passages the evidence finder suggests), "Check your
answers" and submit, all before the cycle's deadline. Board admins, and the reviewer and
moderator of the agency's review, read it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from policies.models import PolicyPage
from policies.rules import member_agency_ids

from ..forms.reviewing import error_links
from ..forms.self_assessments import SelfRatingFormSet
from ..models import ReviewCycle, SelfAssessment
from ..selectors_self_assessments import (
    cycles_asking_agencies,
    self_assessment_get_for_user,
    self_assessment_ratings,
    self_assessment_to_edit,
    self_assessment_version_change,
    self_assessments_for_user,
    step_ratings,
)
from ..services.guards import TransitionRefused
from ..services.self_assessments import (
    EDITABLE_STATES,
    SelfAssessmentConflict,
    is_open,
    self_assessment_follow_policy,
    self_assessment_open,
    self_assessment_save,
    self_assessment_submit,
    self_rating_problems,
)
from ..suggestions import step_suggestions
from .reviewing import POLICY_PANE_SECONDS

RATINGS_PREFIX = "ratings"


def _lock_version(request) -> int:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return 0


def _member_rows(request) -> list[dict]:
    """The person's agencies' self-assessments, each opened (not started) the first time it is
    listed while its cycle still takes them."""
    rows = []
    for cycle, agency in cycles_asking_agencies(request.user):
        assessment = SelfAssessment.objects.filter(cycle=cycle, agency=agency).first()
        if assessment is None and is_open(cycle):
            assessment = self_assessment_open(
                cycle=cycle, agency=agency, by=request.user, request=request
            )
        rows.append({"cycle": cycle, "agency": agency, "assessment": assessment})
    return rows


def _board_rows(request) -> list[dict]:
    """Every agency in every cycle that asks for self-assessment, with its own if it has one."""
    found = {(a.cycle_id, a.agency_id): a for a in self_assessments_for_user(request.user)}
    cycles = (
        ReviewCycle.objects.filter(self_assessment_due_on__isnull=False)
        .prefetch_related("agencies")
        .order_by("-opens_on", "name")
    )
    return [
        {"cycle": cycle, "agency": agency, "assessment": found.get((cycle.pk, agency.pk))}
        for cycle in cycles
        for agency in sorted(cycle.agencies.all(), key=lambda a: a.name)
    ]


@login_required
def self_assessment_list(request):
    user = request.user
    rows = _board_rows(request) if user.is_board_admin else _member_rows(request)
    return render(
        request,
        "reviews/self_assessment/list.html",
        {"rows": rows, "is_member": bool(member_agency_ids(user))},
    )


def _sections(ratings) -> list[dict]:
    sections: dict[int, dict] = {}
    for rating in ratings:
        section = rating.expectation.section
        entry = sections.setdefault(
            section.number, {"section": section, "ratings": [], "problems": 0, "rated": 0}
        )
        entry["ratings"].append(rating)
        entry["problems"] += len(self_rating_problems(rating))
        entry["rated"] += bool(rating.rating)
    for entry in sections.values():
        if entry["rated"] == 0:
            entry["status"] = "Not started"
        elif entry["problems"]:
            entry["status"] = "In progress"
        else:
            entry["status"] = "Completed"
    return list(sections.values())


def _editable(request, assessment: SelfAssessment) -> bool:
    return (
        assessment.agency_id in member_agency_ids(request.user)
        and assessment.state in EDITABLE_STATES
        and is_open(assessment)
    )


def _follow_policy(request, assessment: SelfAssessment) -> dict | None:
    """For the agency while it may still change it: the self-assessment moved to a newer
    policy version, if ever, so the page can ask it to check its quotes."""
    self_assessment_follow_policy(assessment=assessment, by=request.user, request=request)
    return self_assessment_version_change(assessment)


@login_required
def self_assessment_overview(request, pk: int):
    assessment = self_assessment_get_for_user(request, pk)
    context = {
        "assessment": assessment,
        "is_member": assessment.agency_id in member_agency_ids(request.user),
        "closed": not is_open(assessment),
    }
    if _editable(request, assessment):
        context["version_change"] = _follow_policy(request, assessment)
        sections = _sections(self_assessment_ratings(assessment))
        return render(
            request,
            "reviews/self_assessment/task_list.html",
            {
                **context,
                "sections": sections,
                "completed": sum(s["status"] == "Completed" for s in sections),
                "ready_to_check": not any(s["problems"] for s in sections),
            },
        )
    return render(
        request,
        "reviews/self_assessment/detail.html",
        {**context, "ratings": self_assessment_ratings(assessment)},
    )


def _step_ratings(assessment: SelfAssessment, number: int):
    ratings = step_ratings(assessment=assessment, number=number)
    if not ratings:
        raise Http404("The framework has no such section.")
    return ratings


def _closed_redirect(request, assessment: SelfAssessment):
    if assessment.state == SelfAssessment.State.SUBMITTED:
        messages.info(request, "This self-assessment is submitted, so it can no longer change.")
    else:
        messages.error(
            request,
            f"The self-assessment closed on "
            f"{assessment.cycle.self_assessment_due_on:%-d %B %Y}. It can no longer be changed "
            "or submitted.",
        )
    return redirect("reviews:self_assessment", pk=assessment.pk)


@login_required
def self_assessment_section(request, pk: int, number: int):
    assessment = self_assessment_to_edit(request, pk)
    if not _editable(request, assessment):
        return _closed_redirect(request, assessment)
    _follow_policy(request, assessment)
    version = assessment.policy_version
    formset = SelfRatingFormSet(
        request.POST if request.method == "POST" else None,
        prefix=RATINGS_PREFIX,
        ratings=_step_ratings(assessment, number),
        page_count=version.page_count if version else None,
    )
    if request.method != "POST":
        return _render_section(request, assessment, formset, number=number)
    # Save every answer that is well formed: what a person typed is never thrown away.
    valid = [form for form in formset if form.is_valid()]
    try:
        assessment = self_assessment_save(
            assessment=assessment,
            by=request.user,
            lock_version=_lock_version(request),
            answers={form.instance.pk: form.answers() for form in valid},
            request=request,
        )
    except (SelfAssessmentConflict, TransitionRefused) as refusal:
        if isinstance(refusal, SelfAssessmentConflict):
            assessment = refusal.assessment
        return _render_section(
            request, assessment, formset, number=number, conflict=refusal.reason, status=409
        )
    if "later" in request.POST and len(valid) == len(formset.forms):
        messages.success(request, "Your ratings are saved. You can come back later.")
        return redirect("reviews:self_assessment", pk=assessment.pk)
    if "later" not in request.POST:
        for form in valid:
            form.check_rules()
    if not any(form.errors for form in formset):
        return redirect(_next_step(assessment, number))
    return _render_section(request, assessment, formset, number=number, status=400)


def _next_step(assessment: SelfAssessment, number: int) -> str:
    if assessment.cycle.framework.sections.filter(number=number + 1).exists():
        return reverse("reviews:self_assessment_section", args=[assessment.pk, number + 1])
    return reverse("reviews:self_assessment_check", args=[assessment.pk])


def _render_section(request, assessment, formset, *, number: int, conflict=None, status=200):
    version = assessment.policy_version
    context = {
        "assessment": assessment,
        "section": formset.ratings[0].expectation.section,
        "formset": formset,
        "version": version,
        "errors": error_links(formset.forms),
        "conflict": conflict,
        "pane_seconds": POLICY_PANE_SECONDS,
        "version_change": self_assessment_version_change(assessment),
    }
    if version is not None:
        context["suggestions"] = step_suggestions(
            version_id=version.pk,
            framework_id=assessment.cycle.framework_id,
            section_number=number,
        )
        # Read only when the pane's cached fragment is missing.
        context["pages"] = (
            PolicyPage.objects.filter(version_id=version.pk)
            .order_by("number")
            .only("number", "text")
        )
    return render(request, "reviews/self_assessment/section.html", context, status=status)


def _problem_links(assessment: SelfAssessment, ratings) -> list[tuple[str, str]]:
    """(link, message) for what stops the submission: each to its field on its step, as the
    step's own error summary links them."""
    links = []
    position: dict[int, int] = {}
    for rating in ratings:
        number = rating.expectation.section.number
        index = position[number] = position.get(number, -1) + 1
        step = reverse("reviews:self_assessment_section", args=[assessment.pk, number])
        for field, message in self_rating_problems(rating):
            # A group of radios is reached by its first item, as crispy-forms-gds numbers them.
            anchor = f"id_{RATINGS_PREFIX}-{index}-{field}{'_1' if field == 'rating' else ''}"
            links.append((f"{step}#{anchor}", message))
    return links


@login_required
def self_assessment_check(request, pk: int):
    assessment = self_assessment_to_edit(request, pk)
    if not _editable(request, assessment):
        return _closed_redirect(request, assessment)
    version_change = _follow_policy(request, assessment)
    status, refusal_reason = 200, None
    if request.method == "POST":
        try:
            assessment = self_assessment_submit(
                assessment=assessment,
                by=request.user,
                lock_version=_lock_version(request),
                request=request,
            )
        except (SelfAssessmentConflict, TransitionRefused) as refusal:
            refusal_reason = refusal.reason
            status = 409 if isinstance(refusal, SelfAssessmentConflict) else 400
            assessment.refresh_from_db()
        else:
            messages.success(
                request, f"Your self-assessment for {assessment.cycle.name} is submitted."
            )
            return redirect("reviews:self_assessment", pk=assessment.pk)
    ratings = self_assessment_ratings(assessment)
    return render(
        request,
        "reviews/self_assessment/check.html",
        {
            "assessment": assessment,
            "ratings": ratings,
            "problems": _problem_links(assessment, ratings),
            "refusal": refusal_reason,
            "version_change": version_change,
        },
        status=status,
    )
