from django.core.management.base import BaseCommand, CommandError

from comparer.pipeline.ingest import FORMATS, ingest_paths


class Command(BaseCommand):
    help = "Ingest articles from text, HTML, JSON or CSV files (directories are walked). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--outlet", help="Outlet name for every article (overrides the file's own).")
        parser.add_argument("--format", choices=FORMATS, help="Input format; by default from the file extension.")
        parser.add_argument("--analyze", action="store_true", help="Run the analysis on what was ingested.")

    def handle(self, *args, paths, outlet, format, analyze, **options):
        report = ingest_paths(paths, fmt=format, outlet_name=outlet, progress=options["verbosity"] > 0)
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"error: {error}"))
        self.stdout.write(f"ingested {len(report.created)} new, {len(report.existing)} already present, "
                          f"{len(report.errors)} errors")
        if analyze and report.created:
            from comparer.pipeline.run import analyze as run_analysis

            self.stdout.write(f"analysis: {run_analysis(report.created, progress=True)}")
        if report.errors and not report.articles:
            raise CommandError("nothing was ingested")
