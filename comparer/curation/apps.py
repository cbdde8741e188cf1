from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "comparer.curation"
    label = "curation"
    verbose_name = "Curation"
