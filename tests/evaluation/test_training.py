"""train_relations on a small slice, with curator-confirmed relations added and reported."""
import shutil

import pytest

from comparer.relations_model import encoding_cache, load_model
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "fnc1" / "train_stances.csv").exists(),
                                reason="../shared/data is absent")


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A copy of the sentence cache, so the test never writes into var/."""
    target = tmp_path / "cache.npz"
    if encoding_cache.cache_path().exists():
        shutil.copy(encoding_cache.cache_path(), target)
    monkeypatch.setattr(encoding_cache, "cache_path", lambda: target)
    return target


@pytest.fixture
def curated_relations(demo_corpus, django_user_model):
    from comparer.models import Claim, ClaimRelation

    curator = django_user_model.objects.create_user(username="curator", password="pw-curator-1")
    claims = list(Claim.objects.filter(is_checkworthy=True).order_by("id")[:12])
    made = []
    for first, second, label in ((claims[0], claims[5], "contradict"), (claims[1], claims[6], "agree"),
                                 (claims[2], claims[7], "discusses"), (claims[3], claims[8], "unrelated")):
        a, b = sorted((first, second), key=lambda c: c.id)
        relation, _ = ClaimRelation.objects.update_or_create(
            claim_a=a, claim_b=b, defaults={"label": label, "set_by": "curator", "locked": True, "curator": curator,
                                            "event": a.event})
        made.append(relation)
    return made


@pytest.mark.django_db
def test_training_uses_curator_labels_and_reports_before_and_after(private_cache, curated_relations, tmp_path):
    from comparer.relations_model.training import CURATOR_WEIGHT, curator_pairs, train

    pairs = curator_pairs()
    assert len(pairs) == 4 and all(p.weight == CURATOR_WEIGHT and p.source == "curator" for p in pairs)
    output = tmp_path / "model.joblib"
    lines = []
    report = train(SHARED_DATA, limit=150, output=output, log=lines.append)
    assert report.counts["curator"] == 4
    assert report.validation["sick"]["pairs"] > 0 and "fnc1" in report.validation
    assert report.validation_with_curator is not None
    assert any(line.startswith("validation after adding 4 curator relations") for line in lines)
    assert any(line.startswith("leak-free rows") for line in lines)
    assert any(line.strip().startswith("on the leak-free rows: FNC-1") for line in lines)
    assert report.validation_leak_free["sick"]["pairs"] == report.validation["sick"]["pairs"]
    model = load_model(str(output))
    assert model.metadata["counts"]["curator"] == 4
    load_model.cache_clear()
