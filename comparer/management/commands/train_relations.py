from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comparer.evaluation.fnc1 import DatasetError


class Command(BaseCommand):
    help = ("Train the agree/contradict/discusses/unrelated classifier from ../shared/data (FNC-1, Emergent, "
            "SICK) plus curator-confirmed relations; print claim-grouped validation figures; write the artefact.")

    def add_arguments(self, parser):
        from comparer.relations_model import ARTIFACT_PATH
        from comparer.relations_model.training import default_data_dir

        parser.add_argument("--data", type=Path, default=default_data_dir(),
                            help="Folder holding fnc1/, emergent/ and sick/ (default: %(default)s).")
        parser.add_argument("--output", type=Path, default=ARTIFACT_PATH, help="Artefact path (default: %(default)s).")
        parser.add_argument("--no-validation", action="store_true", help="Skip the validation model; train only.")
        parser.add_argument("--limit", type=int, help="Use only the first N rows of each file (quick check).")
        parser.add_argument("--cross-encoder", action="store_true",
                            help="Also fine-tune the MiniLM cross-encoder (minutes on a GPU, hours on CPU); without "
                                 "it the committed cross-encoder and its held-out predictions are reused.")

    def handle(self, *args, data, output, no_validation, limit, **options):
        from comparer.relations_model.training import train

        if not data.is_dir():
            raise CommandError(f"{data} is not a folder; pass --data with the shared data folder")
        try:
            report = train(data, validate=not no_validation, output=output, limit=limit,
                           progress=options["verbosity"] > 0, log=self.stdout.write,
                           cross_encoder=options["cross_encoder"])
        except DatasetError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"wrote {report.artifact} ({report.artifact.stat().st_size / 1e6:.1f} MB) "
                          f"in {report.seconds:.0f} s")
