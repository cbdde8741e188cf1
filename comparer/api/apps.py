from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner JSON API (``/api/v1/``): no models of its own, only templates for the docs page."""

    name = "comparer.api"
    label = "api"
    verbose_name = "Partner API"
