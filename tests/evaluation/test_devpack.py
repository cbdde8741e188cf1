"""Shape checks for the frozen dev pack (comparer/evaluation/devpack/pairs.tsv). No database."""
import csv
from pathlib import Path

PAIRS = Path(__file__).resolve().parents[2] / "comparer" / "evaluation" / "devpack" / "pairs.tsv"
HEADER = ["id", "a", "b", "label", "source_a", "source_b", "kind", "note"]
LABELS = {"agree", "contradict", "none"}


def _rows():
    with open(PAIRS, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader)
        return header, [dict(zip(header, row)) for row in reader], reader.line_num


def _document(source: str) -> str:
    # ecbplus:<doc_id>:<sentence> names a sentence; its document is the part before the sentence number.
    if source.startswith("ecbplus:"):
        return source.rsplit(":", 1)[0]
    return source


def test_header():
    header, _, _ = _rows()
    assert header == HEADER


def test_size_and_labels():
    _, rows, _ = _rows()
    assert len(rows) >= 200
    labels = [row["label"] for row in rows]
    assert set(labels) <= LABELS
    assert labels.count("contradict") >= 60
    assert labels.count("agree") >= 60


def test_cells():
    header, rows, lines = _rows()
    assert lines == len(rows) + 1, "a cell spans several lines"
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    for row in rows:
        assert len(row) == len(header)
        for key in ("a", "b", "source_a", "source_b", "kind"):
            assert row[key].strip(), (row["id"], key)
        assert "\n" not in row["a"] and "\n" not in row["b"]


def test_no_duplicate_pairs():
    _, rows, _ = _rows()
    seen = set()
    for row in rows:
        key = frozenset((row["a"], row["b"]))
        assert key not in seen, row["id"]
        seen.add(key)


def test_cross_document():
    _, rows, _ = _rows()
    for row in rows:
        assert _document(row["source_a"]) != _document(row["source_b"]), row["id"]
