from django.conf import settings
from django.db import models

from .framework import Expectation
from .review import Finding, ReviewCycle


class SelfAssessment(models.Model):
    """An agency's assessment of its own policy against the cycle's framework, made before the
    board's review and challenged by it."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="self_assessments"
    )
    agency = models.ForeignKey(
        "policies.Agency", on_delete=models.PROTECT, related_name="self_assessments"
    )
    # The policy version the agency assessed: the one the board reviews.
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="self_assessments",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_STARTED)
    lock_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cycle", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "agency"], name="one_self_assessment_per_agency_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"Self-assessment of {self.agency} in {self.cycle}"


class SelfRating(models.Model):
    """The agency's own answer to one expectation."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    expectation = models.ForeignKey(
        Expectation, on_delete=models.PROTECT, related_name="self_ratings"
    )
    rating = models.CharField(max_length=20, choices=Finding.Rating.choices, blank=True)
    evidence_quote = models.TextField(blank=True)
    evidence_page = models.PositiveIntegerField(null=True, blank=True)
    evidence_section = models.CharField(max_length=200, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "expectation__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "expectation"], name="one_self_rating_per_expectation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.expectation.code}: {self.rating or 'not rated'}"
