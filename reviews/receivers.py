"""The reviews app's own answers to its lifecycle's signals, connected in ReviewsConfig.ready."""

from django.db import transaction
from django.dispatch import receiver

from .signals import reply_window_opened
from .tasks import reply_window_notify_task


@receiver(reply_window_opened, dispatch_uid="reviews.reply_window_notify")
def reply_window_notify_on_commit(sender, review, **kwargs) -> None:
    review_id = review.pk
    transaction.on_commit(lambda: reply_window_notify_task.delay(review_id))
