from django.core.management.base import BaseCommand

from comparer.pipeline.run import analyze


class Command(BaseCommand):
    help = "Analyse pending articles: claims, embeddings, events, claim clusters, relations."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true",
                            help="Extract stored articles' claims again and recompute every machine decision "
                                 "(events, claim clusters, relations); curated (locked) decisions are kept.")

    def handle(self, *args, full, **options):
        report = analyze(full=full, progress=options["verbosity"] > 0)
        self.stdout.write(f"analysis: {report}")
