"""A review assigned against a framework loaded after its policy was read gets suggestions too."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from reviews.models import Review

from .services import evidence_queue


@receiver(post_save, sender=Review, dispatch_uid="evidence_for_new_review")
def _prepare_evidence_for_new_review(sender, instance: Review, created: bool, **kwargs) -> None:
    if created and not kwargs.get("raw"):
        evidence_queue(version_id=instance.policy_version_id, framework_id=instance.framework_id)
