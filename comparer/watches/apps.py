from django.apps import AppConfig


class WatchesConfig(AppConfig):
    """Watches: researchers follow an event, an outlet pair or a saved search and hear about new
    contradictions through an Atom feed, a mail digest and the API."""

    name = "comparer.watches"
    label = "watches"
    default_auto_field = "django.db.models.BigAutoField"
