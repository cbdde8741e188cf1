from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

DEMO_USER, DEMO_PASSWORD = "demo", "demo-researcher"


class Command(BaseCommand):
    help = "Create the demo login (a researcher that is also a superuser for the local demo only)."

    def handle(self, *args, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USER, defaults={"is_staff": True,
                                                                                 "is_superuser": True})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        group, _ = Group.objects.get_or_create(name="researcher")
        user.groups.add(group)
        self.stdout.write(f"demo login: {DEMO_USER} / {DEMO_PASSWORD}")
        self._watch_exchange_event(user)

    def _watch_exchange_event(self, user):
        """The demo user watches the POW/body exchange event, so ingesting fixtures-later/ shows news."""
        from comparer.models import Event
        from comparer.watches.services import watch_create, watch_settings_of

        if not user.email:  # digests need an address; the demo prints them on the console
            user.email = "demo@localhost"
            user.save(update_fields=["email"])
        event = Event.objects.filter(articles__title__icontains="fails to show up").distinct().first()
        if event is None:
            self.stdout.write("demo watch: no exchange event yet (run `make analyze` first)")
            return
        watch_create(user=user, kind="event", event=event)
        token = watch_settings_of(user=user).feed_token
        self.stdout.write(f"demo watch: {event.title} · feed: /watches/feed/{token}/")
