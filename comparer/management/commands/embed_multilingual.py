from django.core.management.base import BaseCommand

from comparer.pipeline.backfill import backfill


class Command(BaseCommand):
    help = ("Give stored articles a detected language and stored claims their article's language and a "
            "multilingual vector (multilingual-e5-small), then recompute their events' centroids. Idempotent; "
            "run `analyze --full` after it to re-split Russian/Ukrainian articles and regroup events.")

    def add_arguments(self, parser):
        parser.add_argument("--redetect", action="store_true",
                            help="Detect the language of every article again, not only of those without one.")

    def handle(self, *args, redetect, **options):
        report = backfill(redetect=redetect, progress=options["verbosity"] > 0)
        self.stdout.write(f"embed_multilingual: {report}")
