from django.core.management.base import BaseCommand, CommandError

from comparer import jobs
from comparer.feeds.models import Feed
from comparer.feeds.services import feed_poll, feeds_due


class Command(BaseCommand):
    help = ("Poll RSS/Atom feeds now: conditional GET, full text of new entries, analysis enqueued. "
            "By default only feeds that are due (not backing off); one line per feed.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Poll every active feed, due or not.")
        parser.add_argument("--feed", type=int, action="append", default=[], help="Poll this feed id (repeatable).")
        parser.add_argument("--enqueue", action="store_true",
                            help="Hand each poll to the background workers instead of polling here.")

    def handle(self, *args, all, feed, enqueue, **options):
        if feed:
            feeds = list(Feed.objects.filter(id__in=feed))
            missing = set(feed) - {f.id for f in feeds}
            if missing:
                raise CommandError(f"no feed with id {', '.join(map(str, sorted(missing)))}; see `manage.py add_feed`")
        elif all:
            feeds = list(Feed.objects.filter(active=True))
        else:
            feeds = list(feeds_due())
        if not feeds:
            self.stdout.write("no feeds due")
            return
        failed = 0
        for item in feeds:
            if enqueue:
                jobs.enqueue_feed_poll(item.id)
                self.stdout.write(f"feed {item.id}: poll enqueued")
                continue
            report = feed_poll(feed=item)
            failed += report.outcome == "failed"
            self.stdout.write(str(report))
            for error in report.errors if report.outcome != "failed" else []:
                self.stderr.write(f"  {error}")
        if failed:
            self.stderr.write(f"{failed} of {len(feeds)} feeds failed; they back off and are retried later")
