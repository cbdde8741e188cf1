"""The evaluate command on small slices of the shared data, through the committed artefact."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comparer.relations_model import ARTIFACT_PATH
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


def test_sick_prints_accuracy_and_contradiction_f1():
    lines = _run("sick", "--file", str(SHARED_DATA / "sick" / "SICK_train_trial.txt"), "--split", "TRIAL",
                 "--limit", "60")
    assert lines[0] == "SICK: 60 pairs (TRIAL)"
    match = re.fullmatch(r"SICK acc: ([01]\.\d{3}) contradiction-F1: ([01]\.\d{3})", lines[-1])
    assert match and float(match.group(1)) > 0.5   # well above the 3-class chance rate


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _run("sick", "--file", str(tmp_path / "missing.txt"))


def test_errors_file_lists_exactly_the_misclassified_pairs(tmp_path):
    import csv

    target = tmp_path / "sick-errors.tsv"
    lines = _run("sick", "--file", str(SHARED_DATA / "sick" / "SICK_train_trial.txt"), "--split", "TRIAL",
                 "--limit", "60", "--errors", str(target))
    # The summary line stays last; the line before it says how many rows went to the file.
    accuracy = float(re.fullmatch(r"SICK acc: ([01]\.\d{3}) .*", lines[-1]).group(1))
    count = int(re.fullmatch(rf"(\d+) misclassified pairs written to {re.escape(str(target))}", lines[-2]).group(1))
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == count
    assert abs((60 - count) / 60 - accuracy) < 0.001
    assert all(row["gold"] != row["predicted"] for row in rows)
    assert {row["gold"] for row in rows} <= {"ENTAILMENT", "CONTRADICTION", "NEUTRAL"}
    assert all(row["claim"] and row["evidence"] for row in rows)
