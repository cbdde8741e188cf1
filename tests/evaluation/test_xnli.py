"""``evaluate xnli``: cross-lingual retrieval@1 on aligned <split>-<lang>.tsv files."""
import io

import pytest
from django.core.management import CommandError, call_command

PREMISES = {
    "en": ["Ukraine did not show up for the prisoner exchange.", "The bridge was destroyed by a missile strike.",
           "Prices for bread and milk rose sharply this month.", "The football match was cancelled because of the storm."],
    "ru": ["Украина не явилась на обмен пленными.", "Мост был разрушен ракетным ударом.",
           "В этом месяце цены на хлеб и молоко резко выросли.", "Футбольный матч отменили из-за шторма."],
    "de": ["Die Ukraine erschien nicht zum Gefangenenaustausch.", "Die Brücke wurde durch einen Raketenangriff zerstört.",
           "Die Preise für Brot und Milch sind diesen Monat stark gestiegen.", "Das Fußballspiel wurde wegen des Sturms abgesagt."],
}


def _write(directory, split="test", languages=("en", "ru", "de"), rows=None):
    for language in languages:
        premises = (rows or PREMISES)[language]
        lines = ["premise\thypothesis\tlabel"]
        for premise in premises:   # XNLI repeats each premise for three hypotheses
            lines += [f"{premise}\th{i}\tneutral" for i in range(3)]
        (directory / f"{split}-{language}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command("evaluate", "xnli", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_prints_retrieval_per_language_pair(tmp_path):
    _write(tmp_path)
    lines = _run("--dir", str(tmp_path), "--split", "test", "--languages", "en,ru,de")
    assert lines[0].startswith("4 unique premises per language")
    assert lines[-1] == "XNLI retrieval@1 en-ru: 1.000 en-de: 1.000"


def test_a_shuffled_translation_is_counted_wrong(tmp_path):
    rows = dict(PREMISES)
    rows["ru"] = [PREMISES["ru"][1], PREMISES["ru"][0], *PREMISES["ru"][2:]]   # rows 0 and 1 swapped
    _write(tmp_path, rows=rows)
    assert _run("--dir", str(tmp_path), "--split", "test", "--languages", "en,ru")[-1] == "XNLI retrieval@1 en-ru: 0.500"


def test_refuses_misaligned_or_missing_files(tmp_path):
    _write(tmp_path, languages=("en",))
    with pytest.raises(CommandError, match="test-ru.tsv: no such file"):
        _run("--dir", str(tmp_path), "--split", "test", "--languages", "en,ru")
    (tmp_path / "test-ru.tsv").write_text("premise\nодин\n", encoding="utf-8")
    with pytest.raises(CommandError, match="aligned row by row"):
        _run("--dir", str(tmp_path), "--split", "test", "--languages", "en,ru")
    with pytest.raises(CommandError, match="must include en"):
        _run("--dir", str(tmp_path), "--split", "test", "--languages", "ru,de")
