from django.apps import AppConfig

from reviews.suggestions import suggestions_lookup_register


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence finder"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .selectors import suggestions_for_version_step

        # The review step and the agency's self-assessment show what this app finds.
        suggestions_lookup_register(suggestions_for_version_step)
