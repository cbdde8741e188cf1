from django.core.management.base import BaseCommand
from django.utils import timezone

from comparer.watches import services


class Command(BaseCommand):
    help = ("Mail each researcher whose hourly or daily digest is due the watch news not mailed before. "
            "Safe to run often (cron, a worker): a digest is sent when due, and a failed one is retried next run.")

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Send this user's digest now, due or not (changes already mailed are not sent again).")

    def handle(self, *args, user=None, **options):
        if user:
            from django.contrib.auth import get_user_model

            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                self.stderr.write(f"send_digests: no user {user!r}")
                raise SystemExit(1)
            count = services.digest_send(user=account, force=True)
            self.stdout.write(f"send_digests: {user}: {count} changes mailed")
            return
        report = services.digests_send_due(now=timezone.now())
        self.stdout.write(f"send_digests: {report}")
        if report.failed:
            raise SystemExit(1)
