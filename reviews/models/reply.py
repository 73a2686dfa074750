from django.conf import settings
from django.db import models

from .review import Finding


class Reply(models.Model):
    """An agency's response, on factual accuracy, to one signed-off finding, and the reviewer's
    answer to it: amend the finding (the moderator confirms the change) or keep it, with a
    reason."""

    class Answer(models.TextChoices):
        AMEND = "amend", "Amend the finding"
        KEEP = "keep", "Keep the finding"

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="reply")
    text = models.TextField()
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(auto_now_add=True)

    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    answer_reason = models.TextField(blank=True)
    # The finding as the reviewer proposes to amend it; applied when the moderator confirms.
    proposed_rating = models.CharField(max_length=20, choices=Finding.Rating.choices, blank=True)
    proposed_comment = models.TextField(blank=True)
    # Evidence for an amendment to Met or Partially met: where the policy shows it.
    proposed_evidence_quote = models.TextField(blank=True)
    proposed_evidence_page = models.PositiveIntegerField(null=True, blank=True)
    proposed_evidence_section = models.CharField(max_length=200, blank=True)
    # The moderator's note when sending the amendment back, which the reviewer reads.
    moderator_note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking per reply: replies to different findings never conflict.
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["finding__review", "finding__expectation__order"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply to {self.finding}"

    @property
    def is_settled(self) -> bool:
        """Kept with a reason, or amended and confirmed by the moderator."""
        if self.answer == self.Answer.KEEP:
            return True
        return self.answer == self.Answer.AMEND and self.confirmed_at is not None


# What a reviewer may change when amending a finding, and the reply's field proposing each.
AMENDABLE_FIELDS = {
    "rating": "proposed_rating",
    "comment": "proposed_comment",
    "evidence_quote": "proposed_evidence_quote",
    "evidence_page": "proposed_evidence_page",
    "evidence_section": "proposed_evidence_section",
}


def finding_as_amended(finding: Finding, **proposal) -> Finding:
    """An unsaved copy of `finding` as the proposal would leave it: each proposed field that is
    given replaces the finding's own; the rest is kept."""
    amended = Finding(
        expectation=finding.expectation,
        not_applicable_reason=finding.not_applicable_reason,
        **{field: getattr(finding, field) for field in AMENDABLE_FIELDS},
    )
    for field, proposed in AMENDABLE_FIELDS.items():
        value = proposal.get(proposed)
        if value not in (None, ""):
            setattr(amended, field, value)
    return amended
