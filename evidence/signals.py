"""Evidence is prepared once a policy version's text is ready, and for a review assigned against a
framework loaded after its policy was read."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from policies.signals import version_text_ready
from reviews.models import Review, SelfAssessment
from reviews.signals import findings_saved

from .feedback import evidence_accept_quotes
from .services import evidence_queue, evidence_queue_for_version


@receiver(version_text_ready, dispatch_uid="evidence_for_ready_version")
def _prepare_evidence_for_ready_version(sender, version_id: int, **kwargs) -> None:
    evidence_queue_for_version(version_id=version_id)


@receiver(post_save, sender=Review, dispatch_uid="evidence_for_new_review")
def _prepare_evidence_for_new_review(sender, instance: Review, created: bool, **kwargs) -> None:
    if created and not kwargs.get("raw"):
        evidence_queue(version_id=instance.policy_version_id, framework_id=instance.framework_id)


@receiver(post_save, sender=SelfAssessment, dispatch_uid="evidence_for_new_self_assessment")
def _prepare_evidence_for_new_self_assessment(
    sender, instance: SelfAssessment, created: bool, **kwargs
) -> None:
    if created and instance.policy_version_id and not kwargs.get("raw"):
        evidence_queue(
            version_id=instance.policy_version_id, framework_id=instance.cycle.framework_id
        )


@receiver(findings_saved, dispatch_uid="evidence_accept_quotes")
def _accept_quoted_evidence(sender, review: Review, findings, by, **kwargs) -> None:
    evidence_accept_quotes(review=review, findings=findings, by=by)
