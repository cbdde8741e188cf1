"""Features of a (claim, evidence) pair for the relation classifier.

Every feature is something a reader would check when asking "does B back A up or contradict
it?": how close the meanings are (MiniLM cosine, element-wise |u-v| and u*v against the best
matching evidence sentence), how much wording they share (content-word and IDF-weighted
overlap), whether the evidence refutes or hedges (cue words near the matching sentences),
negation on one side only, the same quantity with different figures, antonyms, and whether
both sides are attributed to different speakers.

Evidence is a list of sentences: one for claim pairs in the app, many for an FNC-1 body.
Per-sentence work (tokens, cues, figures, speakers) is memoised, because benchmark bodies are
shared by many pairs.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from comparer.pipeline import attribution, numbers
from comparer.pipeline.claims import split_sentences

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
NEGATION_WORDS = {"not", "no", "never", "none", "nobody", "neither", "nor", "without", "cannot", "n't", "nothing",
                  "didn't", "doesn't", "don't", "wasn't", "weren't", "isn't", "aren't", "hasn't", "haven't",
                  "hadn't", "won't", "can't", "couldn't", "wouldn't", "shouldn't"}
STOP = (set(ENGLISH_STOP_WORDS) - NEGATION_WORDS) | {"s", "said", "says", "say"}
REFUTING = {"fake", "fraud", "hoax", "false", "deny", "denies", "denied", "denial", "debunk", "debunked",
            "debunks", "refute", "refuted", "refutes", "doubt", "doubts", "doubtful", "bogus", "prank", "pranks",
            "retract", "retracted", "untrue", "myth", "rumour", "rumor", "rumors", "rumours", "satire",
            "satirical", "misleading", "fabricated", "nonsense", "incorrect", "wrong", "dismissed", "rejects",
            "rejected", "baseless", "unfounded", "contrary", "despite", "however", "actually", "never", "not",
            "no", "nothing", "neither", "spoof", "parody", "joke", "disputed", "disputes"}
HEDGING = {"reportedly", "allegedly", "alleged", "claim", "claims", "claimed", "claiming", "according",
           "rumored", "rumoured", "unconfirmed", "unverified", "may", "might", "could", "apparently",
           "purportedly", "purported", "suggest", "suggests", "suggested", "possibly", "possible", "likely",
           "believed", "appears", "appear", "seems", "seem", "report", "reports", "reported", "sources",
           "speculation", "speculated", "supposedly", "if", "whether", "verify", "verified"}
SUPPORTING = {"confirmed", "confirms", "confirm", "announced", "revealed", "official", "officially", "proved",
              "proven", "indeed", "shows", "showed", "evidence", "true", "genuine", "real", "authentic"}
ANTONYM_PAIRS = [
    ("postponed", "held"), ("postponed", "took place"), ("attended", "did not show"), ("showed up", "did not show"),
    ("advanced", "retreated"), ("captured", "repelled"), ("seized", "repelled"), ("increase", "decrease"),
    ("rose", "fell"), ("won", "lost"), ("confirmed", "denied"), ("accepted", "rejected"), ("alive", "dead"),
    ("true", "false"), ("real", "fake"), ("open", "closed"), ("entered", "did not enter"), ("hit", "intercepted"),
    ("up", "down"), ("inside", "outside"), ("man", "woman"), ("boy", "girl"), ("sitting", "standing"),
    ("young", "old"), ("empty", "full"), ("before", "after"), ("guilty", "innocent"), ("all", "none"),
]
_ANTONYM_RES = [(re.compile(rf"\b{re.escape(a)}\b"), re.compile(rf"\b{re.escape(b)}\b")) for a, b in ANTONYM_PAIRS]
TOP_K = 3
# Long bodies are cut: stance is nearly always decided in the first few dozen sentences, and it
# bounds the cost of one pair.
MAX_EVIDENCE_SENTENCES = 60


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower().replace("’", "'"))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    for suffix in ("ing", "edly", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass
class SentenceFacts:
    """What the features need from one sentence, computed once."""

    content: frozenset        # stemmed content words
    bigrams: frozenset
    counts: Counter
    negations: int
    refuting: int
    hedging: int
    supporting: int
    question: bool
    quote: bool
    lowered: str


@dataclass
class DocumentFacts:
    facts: list
    content: frozenset
    bigrams: frozenset
    counts: Counter
    refuting_rate: float
    hedging_rate: float
    supporting_rate: float


class Analyzer:
    """Memoised sentence facts and IDF weights (from the training corpora, stored in the artefact)."""

    def __init__(self, idf: dict[str, float] | None = None, default_idf: float | None = None):
        self.idf = idf or {}
        self.default_idf = default_idf if default_idf is not None else (max(self.idf.values()) if self.idf else 1.0)
        self._facts: dict[str, SentenceFacts] = {}
        self._quantities: dict[str, list] = {}
        self._speakers: dict[str, str] = {}
        self._documents: dict[str, DocumentFacts] = {}
        self._splits: dict[str, list[str]] = {}

    def facts(self, sentence: str) -> SentenceFacts:
        found = self._facts.get(sentence)
        if found is None:
            words = tokens(sentence)
            content = [stem(w) for w in words if w not in STOP and len(w) > 1]
            found = SentenceFacts(
                content=frozenset(content), bigrams=frozenset(zip(content, content[1:])), counts=Counter(content),
                negations=sum(w in NEGATION_WORDS or w.endswith("n't") for w in words),
                refuting=sum(w in REFUTING for w in words), hedging=sum(w in HEDGING for w in words),
                supporting=sum(w in SUPPORTING for w in words),
                question="?" in sentence, quote=bool(re.search(r"[\"“”]", sentence)), lowered=sentence.lower(),
            )
            if len(self._facts) < 400_000:
                self._facts[sentence] = found
        return found

    def quantities(self, sentence: str) -> list[dict]:
        found = self._quantities.get(sentence)
        if found is None:
            found = self._quantities[sentence] = numbers.extract_quantities(sentence)
        return found

    def speaker(self, sentence: str) -> str:
        found = self._speakers.get(sentence)
        if found is None:
            found = self._speakers[sentence] = attribution.normalize_actor(attribution.extract(sentence).speaker).lower()
        return found

    def document(self, sentences: list[str]) -> DocumentFacts:
        """Aggregates over all evidence sentences, computed once per document."""
        key = "\n".join(sentences)
        found = self._documents.get(key)
        if found is None:
            facts = [self.facts(sentence) for sentence in sentences]
            counts = Counter()
            for f in facts:
                counts.update(f.counts)
            n = len(facts)
            found = DocumentFacts(
                facts=facts, content=frozenset().union(*(f.content for f in facts)),
                bigrams=frozenset().union(*(f.bigrams for f in facts)), counts=counts,
                refuting_rate=sum(f.refuting for f in facts) / n, hedging_rate=sum(f.hedging for f in facts) / n,
                supporting_rate=sum(f.supporting for f in facts) / n,
            )
            if len(self._documents) < 50_000:
                self._documents[key] = found
        return found

    def sentences(self, evidence: str, is_document: bool) -> list[str]:
        if not is_document:
            return [evidence]
        found = self._splits.get(evidence)
        if found is None:
            found = [evidence[a:b] for a, b in split_sentences(evidence)][:MAX_EVIDENCE_SENTENCES] or [evidence]
            self._splits[evidence] = found
        return found

    def weight(self, word: str) -> float:
        return self.idf.get(word, self.default_idf)

    def tfidf_cosine(self, a: Counter, b: Counter) -> float:
        if not a or not b:
            return 0.0
        dot = sum(count * b[word] * self.weight(word) ** 2 for word, count in a.items() if word in b)
        norm_a = math.sqrt(sum((c * self.weight(w)) ** 2 for w, c in a.items()))
        norm_b = math.sqrt(sum((c * self.weight(w)) ** 2 for w, c in b.items()))
        return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def numeric_relation(quantities_a: list[dict], quantities_b: list[dict]) -> tuple[int, int]:
    """(same quantity with a different figure, same quantity with the same figure)."""
    mismatch = match = 0
    for a in quantities_a:
        for b in quantities_b:
            if a["unit"] != b["unit"] and not (a.get("what") and a.get("what") == b.get("what")):
                continue
            low, high = sorted([float(a["value"]), float(b["value"])])
            if high > 0 and (high - low) / high > 0.1:
                mismatch = 1
            else:
                match = 1
    return mismatch, match


def antonym_present(text_a: str, text_b: str) -> int:
    for left, right in _ANTONYM_RES:
        if (left.search(text_a) and right.search(text_b) and not right.search(text_a)) or (
                right.search(text_a) and left.search(text_b) and not left.search(text_a)):
            return 1
    return 0


SCALAR_NAMES = [
    "cos_max", "cos_top3", "cos_doc", "cos_first", "log_sentences", "overlap_doc", "overlap_best", "jaccard_best",
    "tfidf_doc", "tfidf_best", "bigram_doc", "claim_words", "best_words", "idf_overlap_doc",
    "refute_claim", "refute_top", "refute_doc_rate", "hedge_claim", "hedge_top", "hedge_doc_rate",
    "support_top", "support_doc_rate", "neg_claim", "neg_best", "neg_top", "neg_asym", "question_claim",
    "quote_top", "numbers_claim", "numeric_mismatch", "numeric_match", "antonym", "speaker_claim", "speaker_best",
    "speaker_same", "speaker_conflict", "is_document", "best_position",
]


def pair_features(analyzer: Analyzer, claim: str, claim_vector: np.ndarray, evidence_sentences: list[str],
                  evidence_vectors: np.ndarray, is_document: bool) -> np.ndarray:
    """One row: the scalar features in ``SCALAR_NAMES`` order, then |u-v| and u*v against the best sentence."""
    sims = evidence_vectors @ claim_vector
    order = np.argsort(-sims)
    best = int(order[0])
    top = [int(i) for i in order[:TOP_K]]
    doc_vector = evidence_vectors.mean(axis=0)
    doc_norm = float(np.linalg.norm(doc_vector)) or 1.0
    c = analyzer.facts(claim)
    document = analyzer.document(evidence_sentences)
    facts = document.facts
    b = facts[best]
    n = len(facts)
    claim_len = max(len(c.content), 1)
    idf_total = sum(analyzer.weight(w) for w in c.content) or 1.0
    top_facts = [facts[i] for i in top]
    top_quantities = [q for i in top for q in analyzer.quantities(evidence_sentences[i])]
    mismatch, match = numeric_relation(analyzer.quantities(claim), top_quantities)
    speaker_c, speaker_b = analyzer.speaker(claim), analyzer.speaker(evidence_sentences[best])
    scalars = [
        float(sims[best]), float(np.mean(sims[top])), float(doc_vector @ claim_vector) / doc_norm, float(sims[0]),
        math.log1p(n),
        len(c.content & document.content) / claim_len, len(c.content & b.content) / claim_len,
        len(c.content & b.content) / max(len(c.content | b.content), 1),
        analyzer.tfidf_cosine(c.counts, document.counts), analyzer.tfidf_cosine(c.counts, b.counts),
        len(c.bigrams & document.bigrams) / max(len(c.bigrams), 1), math.log1p(len(c.content)),
        math.log1p(len(b.content)), sum(analyzer.weight(w) for w in c.content & document.content) / idf_total,
        c.refuting, sum(f.refuting for f in top_facts), document.refuting_rate,
        c.hedging, sum(f.hedging for f in top_facts), document.hedging_rate,
        sum(f.supporting for f in top_facts), document.supporting_rate,
        c.negations, b.negations, sum(f.negations for f in top_facts), float((c.negations > 0) != (b.negations > 0)),
        float(c.question), float(any(f.quote for f in top_facts)), len(analyzer.quantities(claim)), mismatch, match,
        antonym_present(c.lowered, b.lowered),
        float(bool(speaker_c)), float(bool(speaker_b)), float(bool(speaker_c) and speaker_c == speaker_b),
        float(bool(speaker_c) and bool(speaker_b) and speaker_c != speaker_b), float(is_document),
        best / max(n, 1),
    ]
    best_vector = evidence_vectors[best]
    return np.concatenate([np.asarray(scalars, dtype=np.float32), np.abs(claim_vector - best_vector),
                           claim_vector * best_vector]).astype(np.float32)
