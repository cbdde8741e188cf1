from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comparer.evaluation.fnc1 import DatasetError


class Command(BaseCommand):
    help = ("Score the relation model and claim clustering on a public benchmark file: "
            "fnc1 --bodies B.csv --stances S.csv | emergent --csv E.csv | sick --file F.txt")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="benchmark", required=True)
        fnc = sub.add_parser("fnc1", help="FNC-1 headline/body stance (official weighted score)")
        fnc.add_argument("--bodies", type=Path, required=True)
        fnc.add_argument("--stances", type=Path, required=True)
        em = sub.add_parser("emergent", help="Emergent stance accuracy and headline clustering (B-cubed)")
        em.add_argument("--csv", type=Path, required=True)
        sk = sub.add_parser("sick", help="SICK 3-way accuracy and contradiction F1")
        sk.add_argument("--file", type=Path, required=True)
        sk.add_argument("--split", choices=["TRAIN", "TRIAL", "TEST"],
                        help="Only rows whose SemEval_set is this (default: every row in the file).")
        for subparser in (fnc, em, sk):
            subparser.add_argument("--limit", type=int, help="Only the first N rows (a quick run).")
            subparser.add_argument("--model", type=Path, help="Artefact to score (default: the committed one).")
            subparser.add_argument("--no-progress", action="store_true")
            subparser.add_argument("--errors", type=Path, metavar="FILE",
                                   help="Write the misclassified pairs (labels, probabilities, texts) to FILE as TSV.")

    def handle(self, *args, benchmark, **options):
        from comparer.evaluation import emergent, fnc1, sick
        from comparer.relations_model import ARTIFACT_PATH, load_model
        from comparer.relations_model.encoding_cache import EncodingCache

        model_path = options.get("model") or ARTIFACT_PATH
        model = load_model(str(model_path))
        if model is None:
            raise CommandError(f"no relation model at {model_path}; build it with `python manage.py train_relations`")
        progress = not options["no_progress"]
        cache = EncodingCache()

        def encode(texts):
            return cache.encode(texts, progress=progress)

        common = {"model": model, "encode": encode, "limit": options.get("limit"), "progress": progress,
                  "errors": options.get("errors")}
        try:
            if benchmark == "fnc1":
                lines = fnc1.evaluate(options["bodies"], options["stances"], **common)
            elif benchmark == "emergent":
                lines = emergent.evaluate(options["csv"], **common)
            else:
                lines = sick.evaluate(options["file"], split=options.get("split"), **common)
        except DatasetError as error:
            raise CommandError(str(error)) from None
        finally:
            cache.save()
        for line in lines:
            self.stdout.write(line)
