from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comparer.evaluation.fnc1 import DatasetError

NLI_BENCHMARKS = ("snli", "rte3", "sick")


class Command(BaseCommand):
    help = ("Score the analysis on a public benchmark or a judged pair file: "
            "fnc1 --bodies B.csv --stances S.csv | emergent --csv E.csv | sick --file F.txt | "
            "snli --file F.tsv | rte3 --file F.tsv | pairs --file F.tsv | xnli --dir DIR --languages en,ru,...")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="benchmark", required=True)
        fnc = sub.add_parser("fnc1", help="FNC-1 headline/body stance (official weighted score)")
        fnc.add_argument("--bodies", type=Path, required=True)
        fnc.add_argument("--stances", type=Path, required=True)
        em = sub.add_parser("emergent", help="Emergent stance accuracy and headline clustering (B-cubed)")
        em.add_argument("--csv", type=Path, required=True)
        for subparser in (fnc, em):
            subparser.add_argument("--model", type=Path, help="Stance artefact to score (default: the committed one).")
            subparser.add_argument("--errors", type=Path, metavar="FILE",
                                   help="Write the misclassified pairs (labels, probabilities, texts) to FILE as TSV.")
        sk = sub.add_parser("sick", help="SICK 3-way accuracy and contradiction F1 (the relate stage's NLI model)")
        sk.add_argument("--split", choices=["TRAIN", "TRIAL", "TEST"],
                        help="Only rows whose SemEval_set is this (default: every row in the file).")
        snli = sub.add_parser("snli", help="SNLI 3-way accuracy and contradiction F1 (premise, hypothesis, label)")
        rte = sub.add_parser("rte3", help="RTE-3 3-way accuracy and contradiction F1 (premise, hypothesis, label)")
        pairs = sub.add_parser("pairs", help="judged sentence pairs (a, b, label: agree/contradict/none) "
                                             "through the relate stage's decision")
        pairs.add_argument("--errors", type=Path, metavar="FILE", help="Write the wrongly labelled pairs to FILE.")
        for subparser in (sk, snli, rte, pairs):
            subparser.add_argument("--file", type=Path, required=True)
        xn = sub.add_parser("xnli", help="cross-lingual retrieval@1 of the multilingual encoder on aligned "
                                         "<split>-<lang>.tsv files (a 'premise' column, rows aligned)")
        xn.add_argument("--dir", type=Path, required=True, help="Directory of <split>-<lang>.tsv files.")
        xn.add_argument("--languages", required=True,
                        help="Comma-separated language codes, en included (e.g. en,ru,de).")
        xn.add_argument("--split", default="dev", help="File name prefix (default: dev).")
        for subparser in (fnc, em, sk, snli, rte, pairs, xn):
            subparser.add_argument("--limit", type=int, help="Only the first N rows (a quick run).")
            subparser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, benchmark, **options):
        progress = not options["no_progress"]
        try:
            if benchmark in NLI_BENCHMARKS:
                lines = self._nli(benchmark, options, progress)
            elif benchmark == "xnli":
                from comparer.evaluation import xnli

                languages = [code.strip().lower() for code in options["languages"].split(",") if code.strip()]
                if xnli.PIVOT not in languages:
                    raise CommandError("--languages must include en: every language is matched against English")
                lines = xnli.evaluate(options["dir"], languages, split=options["split"], limit=options.get("limit"))
            elif benchmark == "pairs":
                from comparer.evaluation import judged_pairs

                self._require_nli()
                lines = judged_pairs.evaluate(options["file"], limit=options.get("limit"), progress=progress,
                                              errors=options.get("errors"))
            else:
                lines = self._stance(benchmark, options, progress)
        except DatasetError as error:
            raise CommandError(str(error)) from None
        for line in lines:
            self.stdout.write(line)

    def _require_nli(self):
        from comparer.relations_model import nli

        if nli.load_nli() is None:
            raise CommandError(f"no NLI model at {nli.NLI_ARTIFACT_PATH}; build it with `python manage.py train_nli`")

    def _nli(self, benchmark, options, progress):
        from comparer.evaluation import nli_sets

        self._require_nli()
        return nli_sets.evaluate(options["file"], benchmark=benchmark, limit=options.get("limit"),
                                 split=options.get("split"), progress=progress)

    def _stance(self, benchmark, options, progress):
        from comparer.evaluation import emergent, fnc1
        from comparer.relations_model import ARTIFACT_PATH, load_model
        from comparer.relations_model.encoding_cache import EncodingCache

        model_path = options.get("model") or ARTIFACT_PATH
        model = load_model(str(model_path))
        if model is None:
            raise CommandError(f"no relation model at {model_path}; build it with `python manage.py train_relations`")
        cache = EncodingCache()

        def encode(texts):
            return cache.encode(texts, progress=progress)

        common = {"model": model, "encode": encode, "limit": options.get("limit"), "progress": progress,
                  "errors": options.get("errors")}
        try:
            if benchmark == "fnc1":
                return fnc1.evaluate(options["bodies"], options["stances"], **common)
            return emergent.evaluate(options["csv"], **common)
        finally:
            cache.save()
