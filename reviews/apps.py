from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Frameworks and reviews"

    def ready(self) -> None:
        # Connects the receivers, and lets reviewers see the policies they review.
        from . import grants, receivers  # noqa: F401
