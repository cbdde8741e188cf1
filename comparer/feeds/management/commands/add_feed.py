from django.core.management.base import BaseCommand, CommandError

from comparer.feeds.fetch import FetchError
from comparer.feeds.services import feed_add


class Command(BaseCommand):
    help = "Register an RSS/Atom feed to poll (idempotent by URL)."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--outlet", default="", help="Outlet name for its articles (default: the site name).")
        parser.add_argument("--interval", type=int, default=900, help="Seconds between polls (default 900).")

    def handle(self, *args, url, outlet, interval, **options):
        try:
            feed = feed_add(url=url, outlet_name=outlet, poll_interval=interval)
        except (FetchError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"feed {feed.id}: {feed.url} (every {feed.poll_interval}s)")
