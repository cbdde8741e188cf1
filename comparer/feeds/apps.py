from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "comparer.feeds"
    label = "feeds"
    verbose_name = "Feeds and background work"
