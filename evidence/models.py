from django.conf import settings
from django.db import models


class Passage(models.Model):
    """A quotable passage of a policy version: a paragraph, list item or table cell."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", "Paragraph"
        ITEM = "item", "List item"
        CELL = "cell", "Table cell"

    version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.CASCADE, related_name="evidence_passages"
    )
    order = models.PositiveIntegerField()
    text = models.TextField()
    # None where the format has no pages (Word documents).
    page = models.PositiveIntegerField(null=True, blank=True)
    section = models.CharField(max_length=200, blank=True, help_text="The heading it sits under.")
    paragraph = models.PositiveIntegerField(help_text="Its number under that heading.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARAGRAPH)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="passage_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version} passage {self.order}"

    @property
    def location(self) -> str:
        return passage_location(
            page=self.page, section=self.section, paragraph=self.paragraph, kind=self.kind
        )


def passage_location(*, page: int | None, section: str, paragraph: int, kind: str) -> str:
    """Where a passage is, in words a reviewer can follow: "Page 3, Images, paragraph 2"."""
    noun = {"item": "list item", "cell": "table cell"}.get(kind, "paragraph")
    parts = [f"Page {page}"] if page else []
    parts.append(
        f"{section}, {noun} {paragraph}" if section else f"{noun.capitalize()} {paragraph}"
    )
    return ", ".join(parts)


def suggestions_demoted(suggestions: list[dict], passage_ids: set[int]) -> list[dict]:
    """The suggestions with those passages moved last, unlabelled and marked `dismissed`."""
    kept, demoted = [], []
    for suggestion in suggestions:
        if suggestion.get("passage") in passage_ids:
            demoted.append({**suggestion, "label": "", "dismissed": True})
        else:
            kept.append(suggestion)
    return kept + demoted


class EvidenceRun(models.Model):
    """The suggestions for one policy version against one framework version, computed once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.CASCADE, related_name="evidence_runs"
    )
    framework = models.ForeignKey(
        "reviews.Framework", on_delete=models.CASCADE, related_name="evidence_runs"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "framework"], name="one_evidence_run_per_framework"
            )
        ]

    def __str__(self) -> str:
        return f"Evidence for {self.version} against {self.framework}"


class ExpectationEvidence(models.Model):
    """The passages suggested for one expectation, strongest first.

    Each suggestion is kept whole (text, location, score, matched words) so that a review step
    reads every expectation's suggestions in one query: a policy version's text never changes.
    """

    run = models.ForeignKey(EvidenceRun, on_delete=models.CASCADE, related_name="expectations")
    expectation = models.ForeignKey(
        "reviews.Expectation", on_delete=models.CASCADE, related_name="+"
    )
    suggestions = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "expectation"], name="one_evidence_per_expectation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.expectation.code}"


class AcceptedEvidence(models.Model):
    """A passage a reviewer quoted as evidence for an expectation, kept as the board's example
    of what evidence for it looks like: the finder looks for passages like it in later policies.

    Keyed by the framework's code and the expectation's code rather than the expectation row, so
    that what was accepted against one framework version still helps under the next.
    """

    finding = models.OneToOneField(
        "reviews.Finding", on_delete=models.CASCADE, related_name="accepted_evidence"
    )
    version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.CASCADE, related_name="accepted_evidence"
    )
    framework_code = models.CharField(max_length=100)
    expectation_code = models.CharField(max_length=20)
    text = models.TextField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["framework_code", "expectation_code", "-accepted_at"],
                name="accepted_evidence_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework_code} {self.expectation_code}: {self.text[:60]}"


class DismissedSuggestion(models.Model):
    """A reviewer said a suggested passage is not relevant to an expectation: it is demoted for
    that policy version and no longer labelled."""

    version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.CASCADE, related_name="dismissed_suggestions"
    )
    expectation = models.ForeignKey(
        "reviews.Expectation", on_delete=models.CASCADE, related_name="+"
    )
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "expectation", "passage"], name="dismissed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expectation.code}: passage {self.passage_id} not relevant"
