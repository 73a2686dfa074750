from django.conf import settings
from django.db import models
from django.urls import reverse

from ..answers import review_reference
from .framework import Expectation, Framework


class ReviewCycle(models.Model):
    """A round of reviews, e.g. "2026 social media policy review", against one framework version."""

    name = models.CharField(max_length=200, unique=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    opens_on = models.DateField()
    closes_on = models.DateField()
    agencies = models.ManyToManyField("policies.Agency", related_name="review_cycles")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Each agency assesses itself against the framework by this date; none: no self-assessment.
    self_assessment_due_on = models.DateField(null=True, blank=True)
    # Working days an agency has to reply to the signed-off findings before the outcome is
    # issued; none: the outcome is issued on sign-off.
    reply_window_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="cycle_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:cycle", args=[self.pk])


class Review(models.Model):
    """One policy version assessed in one cycle."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        SIGNED_OFF = "signed_off", "Signed off"
        IN_REPLY = "in_reply", "Open for the agency's reply"
        OUTCOME_ISSUED = "outcome_issued", "Outcome issued"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        MEETS = "meets", "Meets expectations"
        MEETS_WITH_RECOMMENDATIONS = (
            "meets_with_recommendations",
            ("Meets expectations with recommendations"),
        )
        DOES_NOT_MEET = "does_not_meet", "Does not meet expectations"

    EDITABLE_STATES = (State.ASSIGNED, State.IN_PROGRESS, State.RETURNED)
    # The agency sees a review only once the board has signed it off.
    PUBLISHED_STATES = (State.SIGNED_OFF, State.OUTCOME_ISSUED)

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="reviews")
    policy_version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.PROTECT, related_name="reviews"
    )
    # Kept on the review so access checks and lists need no joins through the policy.
    agency = models.ForeignKey("policies.Agency", on_delete=models.PROTECT, related_name="reviews")
    # The framework version the review started with; a newer framework changes nothing here.
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_to_do"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_to_moderate"
    )
    due_on = models.DateField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.ASSIGNED)
    round = models.PositiveIntegerField(default=1, help_text="Goes up each time it is returned.")

    overall_outcome = models.CharField(max_length=40, choices=Outcome.choices, blank=True)
    outcome_override_reason = models.TextField(blank=True)
    summary = models.TextField(blank=True)

    # Optimistic locking: every edit form carries the version it was read at.
    lock_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # Set when the agency's reply window opens: the last day it may reply.
    reply_closes_on = models.DateField(null=True, blank=True)
    # Set when a member of the agency says it has sent every reply it means to: from then on the
    # reply ends as soon as every reply is settled, without waiting for the last day.
    reply_finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the agency's reply ends (the agency finished and every reply is settled, or the
    # last day passed): the review stays open for reply until its outcome is issued, and its
    # findings are final.
    reply_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reviewer=models.F("moderator")),
                name="moderator_is_not_reviewer",
            ),
            models.UniqueConstraint(
                fields=["cycle", "agency"],
                condition=~models.Q(state="withdrawn"),
                name="one_live_review_per_agency_per_cycle",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "state"]),
            models.Index(fields=["moderator", "state"]),
            models.Index(fields=["agency", "state"]),
        ]

    def __str__(self) -> str:
        return f"Review {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:review", args=[self.pk])

    @property
    def reference(self) -> str:
        return review_reference(assigned_at=self.assigned_at, pk=self.pk)

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def is_published(self) -> bool:
        return self.state in self.PUBLISHED_STATES


class Finding(models.Model):
    """A review's answer to one expectation."""

    class Rating(models.TextChoices):
        MET = "met", "Met"
        PARTIALLY_MET = "partially_met", "Partially met"
        NOT_MET = "not_met", "Not met"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    expectation = models.ForeignKey(Expectation, on_delete=models.PROTECT, related_name="findings")
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    evidence_quote = models.TextField(blank=True)
    evidence_page = models.PositiveIntegerField(null=True, blank=True)
    evidence_section = models.CharField(max_length=200, blank=True)
    comment = models.TextField(blank=True)
    not_applicable_reason = models.TextField(blank=True)
    # Copied from the agency's previous review as a starting point: not an answer until saved.
    carried_forward = models.BooleanField(default=False)

    class SelfAssessmentView(models.TextChoices):
        AGREE = "agree", "Agree"
        CHALLENGE = "challenge", "Challenge"

    # The reviewer's view of the agency's own rating for this expectation, where it gave one.
    self_assessment_view = models.CharField(
        max_length=20, choices=SelfAssessmentView.choices, blank=True
    )
    self_assessment_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "expectation__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "expectation"], name="one_finding_per_expectation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.expectation.code}: {self.get_rating_display() or 'not rated'}"

    def field_problems(self) -> list[tuple[str, str]]:
        """What is missing before this finding can be submitted: (field, message) pairs."""
        code = self.expectation.code
        if self.carried_forward:
            return [("rating", f"Confirm or change the carried-forward answer for {code}")]
        if not self.rating:
            return [("rating", f"Select a rating for {code}")]
        if self.rating == self.Rating.NOT_APPLICABLE and not self.not_applicable_reason.strip():
            return [("not_applicable_reason", f"Give the reason {code} does not apply")]
        if self.rating in (self.Rating.MET, self.Rating.PARTIALLY_MET):
            missing = []
            if not self.evidence_quote.strip():
                missing.append(("evidence_quote", f"Quote the policy's evidence for {code}"))
            # Where it is: a page, or for a Word or OpenDocument file (which has no pages) the
            # section it is in.
            if not self.evidence_page and not self.evidence_section.strip():
                missing.append(
                    ("evidence_page", f"Give the page or section of the evidence for {code}")
                )
            return missing
        if self.rating == self.Rating.NOT_MET and not self.comment.strip():
            return [("comment", f"Say what is missing from the policy for {code}")]
        return []

    def problems(self) -> list[str]:
        return [message for _, message in self.field_problems()]


class Recommendation(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    order = models.PositiveIntegerField()
    text = models.TextField()
    findings = models.ManyToManyField(Finding, related_name="recommendations", blank=True)

    class Meta:
        ordering = ["review", "order"]

    def __str__(self) -> str:
        return self.text[:80]


class ReturnRound(models.Model):
    """A moderator's return of a submitted review, with comments the reviewer sees."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="returns")
    round = models.PositiveIntegerField()
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(auto_now_add=True)
    comments = models.TextField()

    class Meta:
        ordering = ["review", "round"]

    def __str__(self) -> str:
        return f"{self.review} returned in round {self.round}"


class SignOff(models.Model):
    """Who signed, in what role, when, and what they attested."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", "Reviewer"
        MODERATOR = "moderator", "Moderator"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sign_offs")
    role = models.CharField(max_length=20, choices=Role.choices)
    round = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text: the record must read the same if the account is renamed later.
    signed_by_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(auto_now_add=True)
    attestation = models.TextField()

    class Meta:
        ordering = ["review", "signed_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} sign-off of {self.review} by {self.signed_by_name}"
