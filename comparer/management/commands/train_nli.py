import json
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Fine-tune the relate stage's sentence-pair NLI model from ../shared/data (SNLI, SICK, RTE-3, Emergent), "
            "print held-out figures, and install the artefact (about 30 minutes on the 2-core CPU).")

    def add_arguments(self, parser):
        from comparer.relations_model.training import default_data_dir

        parser.add_argument("--data", type=Path, default=default_data_dir(),
                            help="Folder holding snli/, sick/, rte3/ and emergent/ (default: %(default)s).")
        parser.add_argument("--work", type=Path, default=Path("var/nli-fit"), help="Where the fit writes its files.")
        parser.add_argument("--epochs", type=float, default=1.0)
        parser.add_argument("--limit", type=int, default=0, help="Train on only N rows (a quick check; not installed).")
        parser.add_argument("--no-install", action="store_true", help="Leave the committed artefact as it is.")

    def handle(self, *args, data, work, epochs, limit, no_install, **options):
        from comparer.relations_model import nli, nli_fit

        if not (data / "snli").is_dir():
            raise CommandError(f"{data} has no snli/ folder; pass --data with the shared data folder")
        argv = ["--data", str(data), "--out", str(work), "--epochs", str(epochs)]
        if limit:
            argv += ["--limit", str(limit)]
        nli_fit.main(argv)
        figures = json.loads((work / "nli_fit.json").read_text())
        for source, values in figures["figures"].items():
            self.stdout.write(f"held out {source}: acc {values['acc']:.3f} "
                              f"contradiction-F1 {values['contradiction_f1']:.3f} ({values['n']} pairs)")
        if no_install or limit:
            self.stdout.write(f"artefact left in {work / 'nli.safetensors'} (not installed)")
            return
        shutil.copyfile(work / "nli.safetensors", nli.NLI_ARTIFACT_PATH)
        shutil.copyfile(work / "nli_fit.json", nli.NLI_ARTIFACT_PATH.with_name("nli_fit.json"))
        size = nli.NLI_ARTIFACT_PATH.stat().st_size / 1e6
        self.stdout.write(f"installed {nli.NLI_ARTIFACT_PATH} ({size:.1f} MB) after {figures['fit_seconds']} s of fitting")
