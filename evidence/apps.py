from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence finder"

    def ready(self) -> None:
        from . import signals  # noqa: F401
