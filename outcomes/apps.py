from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Signed outcomes"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
