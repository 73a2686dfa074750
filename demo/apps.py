from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Invented people, agencies, policies and review history for a laptop. Nothing depends on it:
    it sits on top of every other app and uses only their services."""

    name = "demo"
    verbose_name = "Demo data"
