from django.apps import AppConfig


class WebConfig(AppConfig):
    """Installed only so Django finds the researcher pages' template tags (``comparer_web``)."""

    name = "comparer.web"
    label = "comparer_web"
    verbose_name = "Researcher web UI"
