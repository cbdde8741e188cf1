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
