from django.core.management.base import BaseCommand

from comparer.pipeline.backfill import backfill


class Command(BaseCommand):
    help = ("Give stored articles a detected language and stored claims their article's language and a "
            "multilingual vector (multilingual-e5-small), then recompute their events' centroids. Idempotent; "
            "run `analyze --full` after it to re-split Russian/Ukrainian articles and regroup events.")

    def add_arguments(self, parser):
        parser.add_argument("--redetect", action="store_true",
                            help="Detect the language of every article again, not only of those without one.")
        parser.add_argument("--all", action="store_true", dest="everything",
                            help="Encode every claim, not only those analysis encodes at once (claims not in "
                                 "English, English headlines and leads); the rest are otherwise encoded when "
                                 "their event first holds another language.")

    def handle(self, *args, redetect, everything, **options):
        report = backfill(redetect=redetect, progress=options["verbosity"] > 0, everything=everything)
        self.stdout.write(f"embed_multilingual: {report}")
