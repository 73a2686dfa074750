"""The outcomes app's answer to the review lifecycle: connected in OutcomesConfig.ready."""

from django.dispatch import receiver

from reviews.signals import review_ready_for_outcome

from .services import outcome_prepare


@receiver(review_ready_for_outcome, dispatch_uid="outcomes.prepare")
def outcome_prepare_for_review(sender, review, **kwargs) -> None:
    """Take what the outcome shows in the transaction that made the findings final; the PDF is
    rendered once it commits."""
    outcome_prepare(review=review)
