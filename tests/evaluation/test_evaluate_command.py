"""The evaluate command on small slices of the shared data, through the committed artefact."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comparer.relations_model import ARTIFACT_PATH
from comparer.relations_model.nli import NLI_ARTIFACT_PATH
from tests.conftest import SHARED_DATA

pytestmark = [
    pytest.mark.skipif(not (SHARED_DATA / "fnc1" / "train_stances.csv").exists(), reason="../shared/data is absent"),
    pytest.mark.skipif(not ARTIFACT_PATH.exists(), reason="relation model artefact not built"),
]


def _run(*args):
    out = StringIO()
    call_command("evaluate", *args, "--no-progress", stdout=out)
    return out.getvalue().strip().splitlines()


def test_fnc1_prints_the_official_summary_line():
    lines = _run("fnc1", "--bodies", str(SHARED_DATA / "fnc1" / "train_bodies.csv"),
                 "--stances", str(SHARED_DATA / "fnc1" / "train_stances.csv"), "--limit", "60")
    assert lines[0].startswith("FNC-1: 60 pairs")
    assert any(line.startswith("gold \\ predicted") for line in lines)
    assert re.fullmatch(r"FNC-1 score: \d{1,3}\.\d\d% macro-F1: [01]\.\d{3} disagree-F1: [01]\.\d{3}", lines[-1])


def test_emergent_prints_stance_accuracy_and_b_cubed():
    lines = _run("emergent", "--csv", str(SHARED_DATA / "emergent" / "emergent_train.csv"), "--limit", "80")
    assert re.fullmatch(r"Emergent stance-acc: [01]\.\d{3} B3-F1: [01]\.\d{3}", lines[-1])


def _nli_line(name, lines):
    match = re.fullmatch(rf"{name} acc: ([01]\.\d{{3}}) contradiction-F1: ([01]\.\d{{3}})", lines[-1])
    assert match, lines[-1]
    return float(match.group(1)), float(match.group(2))


@pytest.mark.skipif(not NLI_ARTIFACT_PATH.exists(), reason="NLI artefact not built")
def test_sick_is_scored_with_the_nli_model():
    lines = _run("sick", "--file", str(SHARED_DATA / "sick" / "SICK_train_trial.txt"), "--split", "TRIAL",
                 "--limit", "60")
    assert lines[0] == "SICK: 60 pairs (TRIAL)"
    accuracy, _ = _nli_line("SICK", lines)
    assert accuracy > 0.6   # well above the 3-class chance rate


@pytest.mark.skipif(not NLI_ARTIFACT_PATH.exists(), reason="NLI artefact not built")
@pytest.mark.parametrize("benchmark,path,name", [
    ("snli", SHARED_DATA / "snli" / "snli_dev.tsv", "SNLI"),
    ("rte3", SHARED_DATA / "rte3" / "rte3_dev.tsv", "RTE3"),
])
def test_snli_and_rte3_print_accuracy_and_contradiction_f1(benchmark, path, name):
    lines = _run(benchmark, "--file", str(path), "--limit", "60")
    assert lines[0] == f"{name}: 60 pairs"
    accuracy, _ = _nli_line(name, lines)
    assert accuracy > 0.4


@pytest.mark.skipif(not NLI_ARTIFACT_PATH.exists(), reason="NLI artefact not built")
def test_pairs_scores_judged_pairs_through_the_relate_decision(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "a\tb\tlabel\tnote\n"
        "Russia launched 407 drones and 45 missiles overnight.\tRussia launched 407 drones and 44 missiles overnight.\t"
        "contradict\tfigures\n"
        "Three people were killed in the blast in Kharkiv.\tThe blast in Kharkiv killed three people.\tagree\tsame\n"
        "A man is playing a guitar on stage.\tThe storm closed every road in the county.\tnone\tunrelated\n",
        encoding="utf-8")
    errors = tmp_path / "errors.tsv"
    lines = _run("pairs", "--file", str(pairs), "--errors", str(errors))
    assert lines[0] == "PAIRS: 3 pairs (agree 1, contradict 1, none 1)"
    assert any(line.startswith("  contradict (shipped") for line in lines)
    match = re.fullmatch(r"PAIRS agree-F1: ([01]\.\d{3}) contradict-F1: ([01]\.\d{3}) "
                         r"contradict-precision: ([01]\.\d{3})", lines[-1])
    assert match
    # Conflicting figures in one frame are a contradiction whatever the model reads.
    assert float(match.group(2)) > 0 and float(match.group(3)) > 0
    assert errors.exists()


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _run("emergent", "--csv", str(tmp_path / "missing.csv"))


@pytest.mark.skipif(not NLI_ARTIFACT_PATH.exists(), reason="NLI artefact not built")
def test_a_file_without_premise_and_hypothesis_is_a_command_error(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("x\ty\nfoo\tbar\n", encoding="utf-8")
    with pytest.raises(CommandError, match="premise, hypothesis, label"):
        _run("snli", "--file", str(bad))


def test_errors_file_lists_exactly_the_misclassified_pairs(tmp_path):
    import csv

    target = tmp_path / "emergent-errors.tsv"
    lines = _run("emergent", "--csv", str(SHARED_DATA / "emergent" / "emergent_train.csv"), "--limit", "60",
                 "--errors", str(target))
    accuracy = float(re.fullmatch(r"Emergent stance-acc: ([01]\.\d{3}) .*", lines[-1]).group(1))
    count = int(next(re.fullmatch(rf"(\d+) misclassified pairs written to {re.escape(str(target))}", line).group(1)
                     for line in lines if line.endswith(str(target))))
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == count
    assert abs((60 - count) / 60 - accuracy) < 0.001
    assert all(row["gold"] != row["predicted"] for row in rows)
    assert all(row["claim"] and row["evidence"] for row in rows)
