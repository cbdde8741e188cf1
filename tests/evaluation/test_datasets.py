"""Loading the shared benchmark files and the claim-grouped FNC-1 split (small slices only)."""
import pytest

from comparer.evaluation import emergent, fnc1, sick
from comparer.evaluation.fnc1 import DatasetError
from tests.conftest import SHARED_DATA

needs_data = pytest.mark.skipif(not (SHARED_DATA / "fnc1" / "train_stances.csv").exists(),
                                reason="../shared/data is not present")


def test_claim_groups_link_headlines_and_bodies_through_related_pairs():
    rows = [{"Headline": "h1", "Body ID": "1", "Stance": "agree"},
            {"Headline": "h1", "Body ID": "2", "Stance": "discuss"},
            {"Headline": "h2", "Body ID": "2", "Stance": "disagree"},
            {"Headline": "h3", "Body ID": "1", "Stance": "unrelated"},
            {"Headline": "h3", "Body ID": "3", "Stance": "agree"}]
    groups = fnc1.claim_groups(rows)
    assert groups[("h", "h1")] == groups[("b", "1")] == groups[("b", "2")] == groups[("h", "h2")]
    # An unrelated pair does not link: h3 and body 3 form their own group.
    assert groups[("h", "h3")] == groups[("b", "3")] != groups[("h", "h1")]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        fnc1.load(tmp_path / "bodies.csv", tmp_path / "stances.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="missing column"):
        emergent.load(bad)


@needs_data
def test_fnc1_slice_maps_labels_and_straddling_pairs():
    pairs = fnc1.load(SHARED_DATA / "fnc1" / "train_bodies.csv", SHARED_DATA / "fnc1" / "train_stances.csv",
                      limit=300)
    assert len(pairs) == 300
    assert {p.label for p in pairs} <= {"agree", "contradict", "discusses", "unrelated"}
    assert all(p.evidence_is_document for p in pairs)
    related = [p for p in pairs if p.label != "unrelated"]
    assert related and not any(fnc1.straddles(p) for p in related)


@needs_data
def test_emergent_and_sick_slices():
    rows = emergent.load_rows(SHARED_DATA / "emergent" / "emergent_train.csv", limit=50)
    assert len(rows) == 50 and all(r.stance in emergent.TO_APP for r in rows)
    trial = sick.load(SHARED_DATA / "sick" / "SICK_train_trial.txt", split="TRIAL", limit=40)
    assert len(trial) == 40 and {p.label for p in trial} <= {"agree", "contradict", "unrelated"}
