from django.apps import AppConfig


class ComparerConfig(AppConfig):
    name = "comparer"
    verbose_name = "Comparer"
    default_auto_field = "django.db.models.BigAutoField"
