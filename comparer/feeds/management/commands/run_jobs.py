import signal
import time

from django.core.management.base import BaseCommand

from comparer.feeds.queue import work

QUEUES = ("fetch", "analysis")


class Command(BaseCommand):
    help = ("Run background jobs from the PostgreSQL queue (COMPARER_TASK_BACKEND=queue). "
            "Start as many as you like, on any machine that reaches the database.")

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="append", choices=QUEUES, default=[],
                            help="Queue to serve (repeatable; default both: fetch and analysis).")
        parser.add_argument("--burst", action="store_true", help="Exit when no job is ready.")
        parser.add_argument("--poll-feeds-every", type=float, default=0, metavar="SECONDS",
                            help="Also enqueue polls of due feeds this often (run it in one worker only).")
        parser.add_argument("--digests-every", type=float, default=None, metavar="SECONDS",
                            help="Also mail due watch digests this often (default COMPARER_DIGEST_CHECK_EVERY, "
                                 "300; 0 turns it off). Safe in several workers: a digest is sent once.")

    def handle(self, *args, queue, burst, poll_feeds_every, digests_every, **options):
        from django.conf import settings

        from comparer.tasks import poll_due_feeds, send_due_digests

        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        last_feed_round = [0.0]
        if digests_every is None:
            digests_every = settings.COMPARER_WATCHES["DIGEST_CHECK_EVERY"]
        last_digest_round = [time.monotonic()]  # the first check one interval after start

        def schedule_feeds():
            if poll_feeds_every and time.monotonic() - last_feed_round[0] >= poll_feeds_every:
                last_feed_round[0] = time.monotonic()
                poll_due_feeds()
            if digests_every and time.monotonic() - last_digest_round[0] >= digests_every:
                last_digest_round[0] = time.monotonic()
                send_due_digests()

        queues = queue or list(QUEUES)
        self.stdout.write(f"run_jobs: serving {', '.join(queues)}{' until idle' if burst else ''}")
        counts = work(queues, burst=burst, should_stop=lambda: bool(stopping), before_each=schedule_feeds)
        self.stdout.write(f"run_jobs: {counts['done']} done, {counts['failed']} failed")
