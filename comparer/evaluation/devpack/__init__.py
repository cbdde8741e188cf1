"""Frozen, hand-judged dev pack of real cross-document sentence pairs (see JUDGING.md)."""
from pathlib import Path

PATH = Path(__file__).resolve().parent / "pairs.tsv"
