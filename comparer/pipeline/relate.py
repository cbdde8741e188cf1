"""Relate: label pairs of claims from different outlets in one event.

``judge`` decides agree / contradict / discusses / unrelated for one pair, with a score and
a machine-readable reason (``negation``, ``numeric_mismatch``, ``antonym``,
``attribution_conflict``, ``model``). Confident rules come first: the same quantity with
figures whose ranges cannot both be true is a ``numeric_mismatch`` (both figures kept in
``details``), one sentence being the negation of the other (nearly the same words, one
negated) is a ``negation``, so is a denial of what the other sentence plainly asserts, and two
incompatible accounts of one happening (a no-show against a postponement) are an ``antonym``. A
description of what something is, beside a denial of a happening it does not name or a report of
what happened there, is unrelated; a report of the parties' dispute ("gave conflicting accounts") only
discusses either side's account. A model agreement between sentences that do not state one
proposition (a fate of the happening against another matter, a supposition against the assertion, a
bare denial against a plain assertion, denials or negations of different things, figures of different
quantities, an added point the other does not restate, a condition the other asserts) becomes *discusses*.
Everything else is decided by the trained relation model
(``comparer.relations_model``); its contradiction is overruled where one sentence denies a
happening the other only supposes ("further advances into the area could ...") and where one gives
the fate of a happening and the other a rival explanation that says nothing of its fate. When the
model says *contradict*, the reason names the cue present in the pair (negation, antonym, different
speakers) or ``model``. Without the model artefact a rule-based judge is used and a warning is
logged.

``relate_event`` stores the decisions, never touching a curator-locked relation, and skips
pairs of syndicated copies (a copy is not a confirmation). ``apply_rules`` gives benchmark
sentence pairs the same rules and overrules, so the evaluation scores what the app decides.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from comparer.models import Claim, ClaimRelation, Event
from comparer.pipeline import attribution, numbers
from comparer.relations_model.features import NEGATION_WORDS, REFUTING, STOP, antonym_present, stem, tokens
from comparer.relations_model.pairs import LABELS

MIN_SIMILARITY = 0.45        # below this cosine, a pair is not worth judging
NUMERIC_SIMILARITY = 0.50    # two figures only conflict if the sentences are about the same thing
NEGATION_OVERLAP = 0.5       # content-word Jaccard above which "X" vs "not X" is a plain negation
NEGATION_SIMILARITY = 0.65
AGREE_SIMILARITY = 0.70      # rule-based fallback only
MIN_MODEL_SCORE = 0.40       # a model label less probable than this is not stored
# Training weights contradictions up (they are rare and matter most), which inflates their
# probability; in the app a contradiction must be the more likely reading outright.
MIN_CONTRADICT_SCORE = 0.50
# Two near-paraphrases with the same polarity, no antonym and no conflicting figure do not
# contradict each other, whatever refuting words they share ("Ukraine fails to show up" /
# "Ukraine did not show up").
PARAPHRASE_SIMILARITY = 0.75
# ... unless one of them calls the story false or a joke, or asks it as a question, and the other
# does not: "The Batmobile was stolen" / "Batmobile stolen in Detroit? Good one, joker" are close
# in wording and opposite in stance. On Emergent's training headlines this cut the contradictions
# among pairs taken for paraphrases from 29 of 623 to 11 of 558.
DEBUNKING = frozenset(REFUTING - NEGATION_WORDS - {"however", "despite", "actually", "contrary"})
NEGATION = re.compile(
    r"\b(not|no|never|none|nobody|neither|nor|without|didn't|did not|doesn't|don't|wasn't|weren't|isn't|aren't|"
    r"hasn't|haven't|hadn't|won't|cannot|can't|fail(?:s|ed)? to|den(?:y|ies|ied)|refut\w*|reject\w*|dismiss\w*|"
    r"false|fake|untrue|baseless)\b", re.IGNORECASE)
HEDGES = re.compile(r"\b(reportedly|allegedly|claim(?:s|ed)?|according to|could not be (?:independently )?verified|"
                    r"unconfirmed|said to|appears?|if confirmed)\b", re.IGNORECASE)


# What two reports say became of one scheduled happening (an exchange, a vote, a meeting). A
# side that did not show up, a postponement by arrangement and a held meeting are accounts
# that cannot all be true; the sentence-pair models miss this because the wording differs.
NO_SHOW, APPEARED, POSTPONED, HELD, NOT_HELD = "no-show", "appeared", "postponed", "held", "not held"
_MISSED = (r"miss(?:ed|es)?\s+(?:(?:the|a|an|any|its|their)\s+)?(?:agreed(?:-upon)?\s+)?"
           r"(?:meeting|exchange|talks|session|handover|appointment)s?\b")
# "Never showed up" is a no-show; "never showed up late" or "never turned up on time" says how a
# party came, not that it stayed away, and "never failed to show up" says it came.
_HOW_ONE_CAME = r"(?!\s+(?:late|early|on time|in time|ahead|unannounced|uninvited|empty-handed|without|drunk|armed)\b)"
_STATUS_PATTERNS = [
    (NO_SHOW, re.compile(r"(?<!never )(?<!not )(?<!n't )\b(?:did not|didn't|fail(?:s|ed)? to|refused to|declined to)\s+"
                         rf"(?:show up|turn up|appear|attend|come|arrive)\b{_HOW_ONE_CAME}|"
                         r"\bnever\s+(?:showed|turned|shows|turns|show|turn)\s+up\b"
                         rf"{_HOW_ONE_CAME}|\bno-show\b|\bstayed away\b|\bboycott(?:ed|s)?\b", re.IGNORECASE)),
    (NOT_HELD, re.compile(r"\b(?:did not|didn't|has not|hasn't|had not|was not|wasn't|never)\s+"
                          r"(?:take place|taken place|happen(?:ed)?|go ahead|gone ahead|held)\b", re.IGNORECASE)),
    # "Delayed" is left out: it says nothing about why, and fits a no-show as well as an arrangement.
    (POSTPONED, re.compile(r"\b(?:postponed|postpones?|rescheduled|put off|pushed back|called off|cancell?ed)\b",
                           re.IGNORECASE)),
    (HELD, re.compile(r"\b(?:took place|takes place|went ahead|was held|were held|was completed|were completed|"
                      r"(?:showed|turned) up|attended|was carried out|were carried out)\b", re.IGNORECASE)),
    # "Ukraine did not miss any meeting" says it appeared; "missed the exchange" says it did not.
    (APPEARED, re.compile(rf"\b(?:did not|didn't|never|has not|hasn't|had not|hadn't)\s+{_MISSED}", re.IGNORECASE)),
    (NO_SHOW, re.compile(rf"(?<!not )(?<!n't )(?<!never )\b{_MISSED}", re.IGNORECASE)),
]
# A denial reaches the account that follows it in the same clause ("denied that it had failed to
# appear"), not one the speaker then asserts ("... and said the exchange was postponed").
_DENIAL_VERBS = r"den(?:y|ies|ied)|reject(?:s|ed)?|dismiss(?:es|ed)?"
_THEN_ASSERTS = r"\b(?:and|but)\s+(?:said|says|added|insisted|stated)\b"
_DENIAL = re.compile(rf"\b(?:{_DENIAL_VERBS})\b(?:(?!{_THEN_ASSERTS})[^.;,])*$", re.IGNORECASE)
_DENIED = {NO_SHOW: APPEARED, NOT_HELD: HELD, POSTPONED: HELD}
_CONFLICTS = {frozenset(pair) for pair in ((NO_SHOW, APPEARED), (NO_SHOW, POSTPONED), (NO_SHOW, HELD),
                                           (POSTPONED, HELD), (NOT_HELD, HELD))}
# The status patterns are specific enough that any pair similar enough to be judged at all is about
# the same happening when both name the same party or share a word for what happened
# (``status_conflict``): in the demo, every no-show / postponement / appearance pair at cosine
# 0.45-0.55 was a true contradiction (the models read them as agree).
STATUS_SIMILARITY = MIN_SIMILARITY


def _accounts(text: str):
    """(account, the text before it) for each plain account of the happening in the sentence.
    "Kyiv denied claims that it had failed to appear" reports an appearance, not a no-show."""
    for status, pattern in _STATUS_PATTERNS:
        for match in pattern.finditer(text):
            before = text[:match.start()]
            if status == HELD and re.search(r"\b(?:not|n't|never)\s+$", before):
                continue
            account = _DENIED.get(status) if _DENIAL.search(before) else status
            if account is not None:
                yield account, before


def happening_accounts(text: str) -> dict[str, set[str]]:
    """What the sentence says became of the happening it is about, where it says so plainly, with
    the party each account names as acting ("Ukraine did not show up" → {no-show: {"ukraine"}};
    "" where none is named, as in "the exchange was postponed")."""
    found: dict[str, set[str]] = {}
    for account, before in _accounts(text):
        found.setdefault(account, set()).add(attribution.acting_party(before))
    return found


def happening_statuses(text: str) -> set[str]:
    """The accounts of ``happening_accounts``, without looking for their parties."""
    return {account for account, _ in _accounts(text)}


def _common_words(text: str) -> set[str]:
    """Content words written in lower case (or opening the sentence): what happened and to what,
    without the names of people and places, which two different happenings can share."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    return _content(" ".join(w for i, w in enumerate(words) if i == 0 or not w[:1].isupper()))


def status_conflict(text_a: str, text_b: str, similarity: float) -> dict | None:
    """Both accounts when two similar sentences give incompatible fates of the same happening.

    An account both sentences give (both say "postponed") means they do not conflict, whatever
    else either adds. Accounts of different parties do not conflict ("Russia did not show up"
    and "Ukraine attended"). When only one side names a party, the two must share a word for
    what happened beyond names and places: "the band did not show up for the concert in Kyiv"
    says nothing of "the match in Kyiv was postponed".
    """
    if similarity < STATUS_SIMILARITY:
        return None
    accounts_a, accounts_b = happening_accounts(text_a), happening_accounts(text_b)
    if not accounts_a or not accounts_b or set(accounts_a) & set(accounts_b):
        return None
    shares_happening = bool(_common_words(text_a) & _common_words(text_b))
    for a, b in sorted((a, b) for a in accounts_a for b in accounts_b if frozenset((a, b)) in _CONFLICTS):
        parties_a, parties_b = accounts_a[a] - {""}, accounts_b[b] - {""}
        if parties_a and parties_b:
            if any(attribution.same_actor(x, y) for x in parties_a for y in parties_b):
                return {"accounts": [a, b]}
        elif shares_happening:
            return {"accounts": [a, b]}
    return None


@dataclass
class Judgement:
    label: str
    score: float
    reason: str
    details: dict = field(default_factory=dict)


def _outlet(claim: Claim) -> str:
    try:
        return claim.article.outlet.name
    except Exception:  # claims built in memory (tests, evaluation) may have no saved article
        return ""


def numeric_mismatch(numbers_a: list[dict], numbers_b: list[dict]) -> dict | None:
    """Both figures when the two claims give incompatible values for the same quantity.

    A figure that one of the other claim's figures of the same kind agrees with is not in
    conflict: "39 armored vehicles, including five APCs" does not contradict "39 armored
    vehicles ... five M113 APCs" through 39 against five.
    """
    def matched(figure, others):
        return any(numbers.same_quantity(figure, other) and not numbers.figures_conflict(figure, other)
                   for other in others)

    for a in numbers_a:
        if matched(a, numbers_b):
            continue
        for b in numbers_b:
            if matched(b, numbers_a):
                continue
            if numbers.same_quantity(a, b) and numbers.figures_conflict(a, b):
                return {"a": {"value": a["value"], "text": a["text"]}, "b": {"value": b["value"], "text": b["text"]},
                        "unit": a.get("kind") or a["unit"], "what": a.get("what") or b.get("what") or ""}
    return None


def _negated(text: str) -> bool:
    return bool(NEGATION.search(text))


def _content(text: str) -> set[str]:
    return {stem(w) for w in tokens(text) if w not in STOP and w not in NEGATION_WORDS and len(w) > 1}


def _plain_negation(text_a: str, text_b: str, similarity: float) -> bool:
    """One sentence says what the other says, with a negation on one side only."""
    if _negated(text_a) == _negated(text_b) or similarity < NEGATION_SIMILARITY:
        return False
    a, b = _content(text_a), _content(text_b)
    return bool(a and b) and len(a & b) / len(a | b) >= NEGATION_OVERLAP


def _debunks(text: str) -> bool:
    return any(word in DEBUNKING for word in tokens(text))


def _paraphrase(text_a: str, text_b: str, similarity: float) -> bool:
    return (similarity >= PARAPHRASE_SIMILARITY and _negated(text_a) == _negated(text_b)
            and not antonym_present(text_a.lower(), text_b.lower())
            and _debunks(text_a) == _debunks(text_b) and ("?" in text_a) == ("?" in text_b))


def _same_account(text_a: str, text_b: str) -> bool:
    """Both sentences give the same fate of a happening and no incompatible one ("Russian officials
    said Ukraine did not show up" / "Ukraine fails to show up at prisoner, body exchange")."""
    statuses_a, statuses_b = happening_statuses(text_a), happening_statuses(text_b)
    return bool(statuses_a & statuses_b) and not any(
        frozenset((a, b)) in _CONFLICTS for a in statuses_a for b in statuses_b)


# What a denial denies: the rest of its clause, after "that" or "claim(s)/report(s) that" when
# present ("rejected Moscow's claim that 3,435 Ukrainian soldiers were killed"), up to what the
# speaker then asserts ("denied that Kyiv had failed to appear and said the exchange was postponed").
# "Refuses to confirm or deny" denies nothing.
_DENIED_CLAUSE = re.compile(rf"(?<!\bor )\b(?P<verb>{_DENIAL_VERBS}|refut(?:e|es|ed))\b\s+"
                            r"(?:(?:[\w'’]+\s+){0,3}?(?:claims?|reports?|allegations?|suggestions?)\s+)?(?:that\s+)?"
                            rf"(?P<clause>(?:(?!{_THEN_ASSERTS})[^.;])+)", re.IGNORECASE)


# A comma and a verb in the denial verb's own form start the subject's next predicate, which is not
# denied: "General Staff denies Russian entry into Dnipropetrovsk region, disputes loss figures",
# "Kyiv rejected the claim, accused Moscow of lying"; so does a participle of saying (", saying ...").
# A comma and a listed noun ("denies strikes on schools, hospitals and homes") is not cut.
_NEXT_PREDICATE = re.compile(r",\s+(?:and\s+|but\s+)?(?:(?:saying|adding|insisting|noting|arguing|stressing|calling)\b|"
                             r"(?P<verb>[a-z]+)\s+(?!(?:and|or|nor)\b)[\w'’\"“])")


def _denied_clause(text: str) -> str | None:
    """What the sentence's denial denies (``_DENIED_CLAUSE``), up to the subject's next predicate."""
    match = _DENIED_CLAUSE.search(text)
    if match is None:
        return None
    clause, denial_verb = match.group("clause"), match.group("verb").lower()
    suffix = "ed" if denial_verb.endswith("ed") else "s" if denial_verb.endswith("s") else None
    for cut in _NEXT_PREDICATE.finditer(clause):
        verb = cut.group("verb")
        if verb is None or (suffix and verb.endswith(suffix) and not verb.endswith("ss") and len(verb) > 3):
            return clause[:cut.start()]
    return clause


def _denied_content(text: str) -> set[str] | None:
    clause = _denied_clause(text)
    return _content(clause) if clause is not None else None


def _deny_different_things(text_a: str, text_b: str) -> bool:
    """Both sentences deny something, and the denied clauses share no content word: two denials
    of different claims ("rejected the claim that 3,435 soldiers were killed" / "denied that
    Russian forces had entered the region") take the same side, whatever refuting words they share."""
    denied_a, denied_b = _denied_content(text_a), _denied_content(text_b)
    return bool(denied_a) and bool(denied_b) and not (denied_a & denied_b)


# Most of a denied clause's content words must recur in a sentence for the denial to be of what
# that sentence asserts.
DENIED_SHARE = 0.6
_CONDITIONAL = re.compile(r"\b(?:if|whether|would|could|might|may)\b", re.IGNORECASE)


# Outlets tell one military move in many words: a denial that "forces had entered" the region is of
# "forces have advanced into" it, and a headline's "denies Russian entry into" the region denies the
# same. Moving into a place, or an entry into it, reads as entering it, and the words for armed men as
# one, before the denied words are compared.
# A move may name the line it passes on the way before the place it enters ("a tank division had advanced
# beyond the western edge of the Donetsk region into Dnipropetrovsk", "crossed the border into"): the path
# words are kept, read as where the move passed, and the move still reads as entering.
_MOVES_INTO = re.compile(r"\b(?:advanc\w*|push\w*(?:\s+on)?|mov(?:e|es|ed|ing)|cross\w*|offensive|incursions?|"
                         r"entry|entries|entrance|march\w*)\s+(?:further\s+|deeper\s+)?"
                         r"(?P<path>(?:(?:beyond|past|across|over|through|from|via|out\s+of)\s+|the\s+(?=border\b|"
                         r"frontier\b|front\b|river\b|line\b))(?:(?!into\b)[^,.;:])*?\s+)?into\b", re.IGNORECASE)
_ARMED = {"troop": "forc", "unit": "forc", "soldier": "forc", "army": "forc", "armi": "forc"}
# A formation of armed men read as forces: a brigade, battalion or regiment ("a fire brigade" is none), and a
# division or corps named as military by its arm or number ("a tank division", "the 20th Guards Army's 3rd
# division"; "a division of the company" is none).
_ARM = (r"(?:\d+(?:st|nd|rd|th)|tank|armou?red|infantry|airborne|motori[sz]ed|mechani[sz]ed|rifle|artillery|marine|"
        r"assault|guards|paratroop(?:er)?|separate|mountain)")
_FORMATION = re.compile(rf"\b(?:(?:{_ARM}\s+)*(?<!fire\s)(?<!fire-)(?:brigades?|battalions?|regiments?)|"
                        rf"(?:{_ARM}\s+)+(?:divisions?|corps))\b", re.IGNORECASE)


def _entering(match: re.Match) -> str:
    return "entered " + (match.group("path") or "")


def _as_forces(text: str) -> str:
    """Formations read as forces ("a tank division had advanced" → "a forces had advanced")."""
    return _FORMATION.sub("forces", text)
# Words that say who or where, not what happened: the denied happening itself must recur.
_WHO_OR_WHERE = frozenset({"forc", "region", "citi", "city", "town", "village", "area", "provinc", "oblast",
                           "district", "territori", "border"})


def _military_content(text: str) -> set[str]:
    """Content words, with moves into a place read as entering it, the words for armed men as one,
    and a state's people as the state ("Russian forces" / "Russia's forces")."""
    words = (word.rstrip("'’") for word in _content(_MOVES_INTO.sub(_entering, _as_forces(text))))
    return {_ARMED.get(word, attribution.DEMONYMS.get(word, word)) for word in words}


def _names(text: str) -> set[str]:
    """Content words written with a capital (people, places, peoples)."""
    return _military_content(" ".join(re.findall(r"\b[A-Z][\w'’-]*", text)))


# The party whose armed men a sentence names ("Russian forces", "Russia's troops", "Ukrainian units"), or
# whose move into a place it names ("Russian entry into", "Russia's incursion into").
_ARMED_WORDS = r"(?:forces|troops|units|soldiers|army|armies|military|entry|entries|incursions?)"
_FORCES_OF = re.compile(rf"\b(?P<party>[A-Z][\w'’.-]*?)(?:['’]s)?\s+(?:armed\s+)?{_ARMED_WORDS}\b")


def _forces_parties(text: str) -> set[str]:
    """The states whose forces the sentence names ("Russian forces" → {"russia"})."""
    return set().union(*(_names(match.group("party")) for match in _FORCES_OF.finditer(_as_forces(text))))


def _party_left_implicit(party: set[str], other: str) -> bool:
    """The other sentence tells of armed men without naming whose ("troops from a tank division",
    "Units of a tank division"), so it may be of the denied party's; armed men it names as another
    party's ("Ukrainian troops") are not."""
    said = _military_content(other)
    return "forc" in said and not (_forces_parties(other) - party)


def _title_case(text: str) -> bool:
    """Most words capitalised, as in a headline ("Iraq Denies Lebanon Captured ... Wife and Child"): capitals
    do not tell names there."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    return sum(word[:1].isupper() for word in words) > len(words) / 2


def denial_of_assertion(text_a: str, text_b: str) -> bool:
    """One sentence denies what the other plainly asserts ("Ukraine's General Staff on Sunday denied that
    Russian forces had entered the Dnipropetrovsk region" / "Russian forces have advanced into Ukraine's
    Dnipropetrovsk region ..., the Russian Defense Ministry said"): most of the denied clause's content
    words are in the other sentence, which itself denies, negates, disputes and supposes nothing."""
    for denial, other in ((text_a, text_b), (text_b, text_a)):
        clause = _denied_clause(denial)
        if (clause is None or _denied_content(other) is not None or _negated(other)
                or _debunks(other) or _CONDITIONAL.search(other)):
            continue
        denied, said = _military_content(clause), _military_content(other)
        if len(denied) < 2 or len(denied & said) / len(denied) < DENIED_SHARE:
            continue
        # The same people and places, and something of the same happening: a denial that forces
        # entered a region is not of their shelling it ("Russian forces shelled the Dnipropetrovsk
        # region"), nor of their entering another one. Capitals tell names only in sentence case; a
        # Title Case headline ("Iraq Denies Lebanon Captured ... Wife and Child") keeps the share test.
        if _title_case(clause):
            return True
        names = _names(clause)
        happening = denied - names - _WHO_OR_WHERE
        # Whose forces the denial names need not recur where the other sentence leaves its armed men
        # unnamed ("denied that Russian forces had entered the region" / "troops from a tank division
        # ... pushed on into Dnipropetrovsk", as the Russian ministry reported); the places must.
        party = _forces_parties(clause)
        missing = names - said
        if missing and missing <= party and _party_left_implicit(party, other):
            missing = set()
        if not missing and (not happening or happening & said):
            return True
    return False


# A sentence that only says what something is: a noun phrase of a few words, a copula, then a noun
# phrase ("The Dnipropetrovsk region is a major mining and industrial centre for Ukraine"). A
# determiner or a verb of saying inside the subject means the copula belongs to a reported clause
# ("Analysts say the region is a vital hub"), which is someone's claim, not a description; so does
# a participle, as in a headline's "Banksy Arrested Real Identity Revealed Is The Same Hoax".
_DESCRIPTION = re.compile(r"^\s*(?P<subject>(?:[\w'’.-]+\s+){0,5}[\w'’.-]+)\s+(?:is|are|was|were|remains?)\s+"
                          r"(?:an?|the|one of)\s+(?P<predicate>[^;]+)$", re.IGNORECASE)
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
_SAYING = re.compile(r"\b(?:says?|said|told|tells?|claims?|states?|insists?|believes?|thinks?|thought|reports?|adds?|notes?|"
                     r"warns?)\b", re.IGNORECASE)


def _description_predicate(text: str) -> set[str] | None:
    """The content words of what an unattributed, unhedged, unnegated description says its subject is."""
    match = _DESCRIPTION.match(text)
    if not match or _negated(text) or HEDGES.search(text) or _SAYING.search(match.group("subject")):
        return None
    subject = match.group("subject").lower().split()
    if _DETERMINERS & set(subject[1:]) or any(word.endswith("ed") for word in subject):
        return None
    found = attribution.extract(text)
    if found.speaker or found.is_quote:
        return None
    return _content(match.group("predicate"))


def _description_beside_denial(text_a: str, text_b: str) -> bool:
    """One sentence denies a happening and the other only describes what something is, with nothing
    the denial denies in the description ("The Dnipropetrovsk region is a major mining and industrial
    centre" / "denied that Russian forces had entered the Dnipropetrovsk region"). The two share the
    place they are about, which the models read as a contradiction (or, overruled, as agreement); but
    a description that asserts no happening neither is what a denial denies nor supports the denial,
    so the pair is unrelated. A description whose predicate names something denied ("... is a Russian
    stronghold") is left to the model."""
    for description, denial in ((text_a, text_b), (text_b, text_a)):
        predicate, denied = _description_predicate(description), _denied_content(denial)
        if predicate and denied and not (predicate & denied):
            return True
    return False


# A description's subject that the other sentence names only as the place or setting of what it
# reports ("Russia advances offensive in Ukraine's Dnipropetrovsk region", "pushed on into
# Dnipropetrovsk") makes the description background to that report: it says what the place is, the
# report says what happened there, and neither supports nor disputes the other. The models read the
# shared place as agreement (six advance claims at 0.59-0.93 in the demo). A report that restates
# most of the predicate ("... is a crucial mining and industrial center") still agrees, and a
# subject the other sentence is about ("Jihadi John identified as British man from West London"
# against "Jihadi John is a Londoner ...") is left to the model.
_PREPOSITIONS = frozenset({"in", "into", "inside", "within", "of", "to", "towards", "toward", "near", "across", "from",
                           "at", "on", "beyond", "through", "throughout", "around", "over"})
_SETTING_WINDOW = 3          # words between a preposition and the subject's word ("into Ukraine's eastern industrial")
RESTATED_SHARE = 0.5         # share of a description's predicate words that a restatement repeats


def _only_as_setting(subject: set[str], text: str) -> bool:
    """Every mention of the subject (a run of its words, "Dnipropetrovsk region") follows a preposition."""
    words = tokens(text)
    starts = [i for i, word in enumerate(words)
              if stem(word) in subject and (i == 0 or stem(words[i - 1]) not in subject)]
    return bool(starts) and all(_PREPOSITIONS & set(words[max(0, i - _SETTING_WINDOW - 1):i]) for i in starts)


def _description_of_setting(text_a: str, text_b: str) -> bool:
    """One sentence describes what something is, and the other names that thing only as where its report
    happens, without restating the description."""
    for description, other in ((text_a, text_b), (text_b, text_a)):
        predicate = _description_predicate(description)
        if not predicate:
            continue
        subject = _content(_DESCRIPTION.match(description).group("subject"))
        restated = len(predicate & _content(other)) / len(predicate)
        if subject and restated < RESTATED_SHARE and _only_as_setting(subject, other):
            return True
    return False


# A sentence that reports the parties' disagreement ("Russia and Ukraine on Sunday gave conflicting
# accounts of why ...", "trade accusations over ...") takes neither side: against one party's account
# it discusses, where the models read agreement. In the training files no pair with such a report on
# one side is labelled agree or contradict (1 Emergent pair; 33 FNC-1 pairs whose headline is one).
_DISPUTE_REPORT = re.compile(r"\b(?:conflicting|contradictory|competing|differing|rival)\s+(?:accounts?|versions?|claims?|"
                             r"reports?|narratives?)\b|\btrad(?:e|es|ed|ing)\s+(?:accusations|blame|charges)\b|"
                             r"\b(?:blame|blamed|blaming|accuse|accused|accusing)\s+each other\b", re.IGNORECASE)


def reports_dispute_beside_an_account(text_a: str, text_b: str) -> bool:
    """Exactly one of the two sentences reports a disagreement between parties."""
    return bool(_DISPUTE_REPORT.search(text_a)) != bool(_DISPUTE_REPORT.search(text_b))


# Accounts that the happening did not go as planned: a no-show, an appearance (a no-show denied), a
# postponement, a happening that did not take place. "Held" is left out: "attended" and "was carried
# out" say too little about which happening ("The presentation is being attended by a classroom").
_SETBACKS = frozenset({NO_SHOW, APPEARED, POSTPONED, NOT_HELD})
# A sentence that supposes the story true ("If confirmed, the advance would mark Russia's first ground
# incursion") weighs what it would mean; it does not say it happened.
_SUPPOSES = re.compile(r"\bif (?:confirmed|true|verified|accurate|correct)\b", re.IGNORECASE)


def _bare_denial(text: str) -> bool:
    """The sentence denies something and asserts nothing of its own after the denied clause
    ("Ukraine's General Staff denied that Russian forces had entered the region", not "... denied that
    Kyiv had failed to appear and said the exchange was postponed")."""
    match = _DENIED_CLAUSE.search(text)
    return bool(match) and not re.match(rf"\s*,?\s*{_THEN_ASSERTS}", text[match.end():], re.IGNORECASE)


def _fate_beside_other_matter(text_a: str, text_b: str) -> bool:
    """One sentence says what became of the happening (a no-show, a postponement, an appearance) and the
    other says nothing of its fate."""
    fates_a = happening_statuses(text_a) & _SETBACKS
    fates_b = happening_statuses(text_b) & _SETBACKS
    return bool(fates_a) != bool(fates_b) and not (happening_statuses(text_a) and happening_statuses(text_b))


def _negates_what_the_fate_presumes(text_a: str, text_b: str) -> bool:
    """The sentence without a fate negates a verb the other one uses: "The exchange was never agreed" denies
    what "Ukraine fails to show up for agreed prisoner and body exchange" takes for granted."""
    for fate, other in ((text_a, text_b), (text_b, text_a)):
        if happening_statuses(fate) & _SETBACKS:
            words = {word for word in tokens(fate) if len(word) > 2}
            if any(_same_verb(verb, word) for verb in _negated_verbs(other) for word in words):
                return True
    return False


def _fate_beside_other_grievance(text_a: str, text_b: str) -> bool:
    """A model contradiction between a fate of the happening and a sentence that says nothing of its fate
    and denies nothing the fate sentence presumes: "Ukraine fails to show up for agreed prisoner and body
    exchange" / "Kyiv said the lists of prisoners presented by Moscow did not match what had been agreed"
    are rival explanations of one setback, not opposite accounts of it; which of the two is true, each
    may be. (The accounts that do conflict, a no-show against a postponement or an appearance, are
    ``status_conflict``'s.)"""
    return _fate_beside_other_matter(text_a, text_b) and not _negates_what_the_fate_presumes(text_a, text_b)


def agreement_overruled(text_a: str, text_b: str, same_proposition: bool | None = None) -> str | None:
    """Why a model agreement does not state one proposition, or ``None`` when it may.

    - ``fate_beside_other_matter``: one sentence says what became of the happening (no-show,
      postponement) and the other says nothing of its fate. In the demo these were rival explanations
      ("Ukraine did not show up" / "Kyiv said the lists ... did not match what had been agreed") and
      side matters ("The Russian side was waiting ... with trucks"), all read as agreement.
    - ``supposition``: one sentence supposes the other's story true and the other asserts it.
    - ``denial_beside_assertion``: one sentence only denies something and the other neither denies nor
      negates anything: a denial agrees with another denial or a negation, never with a plain
      assertion, which it either contradicts ("denied that Russian forces had entered the region" /
      "troops ... pushed on into Dnipropetrovsk") or leaves alone.
    - ``different_denials``: both deny, and the denied clauses share no content word.
    - ``different_negations``: both say something did not happen, and the verbs their negations govern
      differ and recur nowhere in the other ("The dates for the exchange were never finalised" / "No new
      date for the exchange has been officially announced").
    - ``different_quantities``: both give figures, and no figure of one counts what one of the other's
      counts or has its value ("Ukraine lost 12 armored vehicles" / "more than 3,435 troops killed").
    - ``added_point``: one sentence marks its point as added ("Kiev also wanted to avoid paying
      compensation ...") and the other does not restate it ("accused Kyiv of refusing to take back the
      bodies").
    - ``condition_beside_assertion``: what the two share lies only in one sentence's condition ("a
      curse would befall the Ukrainian authorities if they failed to recover their soldiers' bodies"),
      which the other asserts ("accused Kyiv of refusing to take back the bodies").
    - ``different_propositions``: ``same_proposition`` is false (the claim clustering put the two in
      different propositions), neither sentence is mostly restated in the other, and they do not give
      the same fate of a happening. In the demo these were topic-level agreements ("Russia advances
      offensive in Ukraine's Dnipropetrovsk region" / "Russia launched a massive missile and drone
      strike"); a short sentence restated within a long quote is kept ("The ministry described the
      strike as a response to 'terrorist actions of the Kiev regime'" / the ministry's quoted
      statement). On Emergent's held-out headlines, grouped as the app groups an event's claims, it
      turns 7 of the blend's agreements into *discusses*: 5 were 'observing', 1 'against', 1 'for'.
    """
    if _fate_beside_other_matter(text_a, text_b):
        return "fate_beside_other_matter"
    if bool(_SUPPOSES.search(text_a)) != bool(_SUPPOSES.search(text_b)):
        return "supposition"
    for denial, other in ((text_a, text_b), (text_b, text_a)):
        if _bare_denial(denial) and _denied_content(other) is None and not _negated(other):
            return "denial_beside_assertion"
    if _deny_different_things(text_a, text_b):
        return "different_denials"
    if _negate_different_things(text_a, text_b):
        return "different_negations"
    if _different_quantities(text_a, text_b):
        return "different_quantities"
    if _added_point_not_restated(text_a, text_b):
        return "added_point"
    if _shared_only_in_condition(text_a, text_b):
        return "condition_beside_assertion"
    if same_proposition is False and not _restated(text_a, text_b) and not _same_account(text_a, text_b):
        return "different_propositions"
    return None


# What a negated sentence says did not happen: the verb its negation governs, a participle after "be",
# "have" or "never" ("the dates were never finalised" → finalised; "no new date ... has been officially
# announced" → announced) or the verb after "do" ("did not receive"). "Isn't happy", "is not having"
# and "is not real" say what something is or is doing, not that a happening did not take place.
_AUXILIARY = r"(?:is|are|was|were|be|been|being|has|have|had|will|would|can|could)"
_PARTICIPLE = r"[a-z]+(?:ed|en|wn)"
_SKIPPED = rf"(?:(?:{_AUXILIARY}|yet|ever|\w+ly)\s+)*"
_NEGATED_VERB = re.compile(
    rf"(?:(?:\b{_AUXILIARY}(?:\s+\w+ly)?\s+(?:not|never)|\b(?:is|are|was|were|has|have|had|wo|ca)n[’']t|\bnever|"
    rf"\bno\s+(?:(?!(?:that|which|who)\b)[\w'’-]+\s+){{1,5}}?{_AUXILIARY})\s+{_SKIPPED}(?P<participle>{_PARTICIPLE})|"
    rf"\b(?:(?:do|does|did)\s+not|(?:do|does|did)n[’']t)\s+{_SKIPPED}(?P<verb>[a-z]+))\b", re.IGNORECASE)


def _negated_verbs(text: str) -> set[str]:
    return {(match.group("participle") or match.group("verb")).lower() for match in _NEGATED_VERB.finditer(text)}


def _same_verb(a: str, b: str) -> bool:
    """One verb in two forms ("finalised" / "finalized", "cut" / "cutting"): the same first letters."""
    stem_a, stem_b = stem(a), stem(b)
    length = min(len(stem_a), len(stem_b), 4)
    return stem_a[:length] == stem_b[:length]


def _negate_different_things(text_a: str, text_b: str) -> bool:
    """Both sentences say something did not happen, and not the same thing: the verbs their negations
    govern differ and neither recurs in the other sentence ("The dates for the exchange were never
    finalised" / "No new date for the exchange has been officially announced"). Like two denials of
    different claims, they may sit side by side but do not state one proposition."""
    verbs_a, verbs_b = _negated_verbs(text_a), _negated_verbs(text_b)
    if not verbs_a or not verbs_b:
        return False
    words_a, words_b = ({word for word in tokens(text) if len(word) > 2} for text in (text_a, text_b))
    return not any(_same_verb(x, y) for x in verbs_a for y in words_b | verbs_b) and not any(
        _same_verb(y, x) for y in verbs_b for x in words_a)


def _different_quantities(text_a: str, text_b: str) -> bool:
    """Both sentences give figures and none of one's counts what one of the other's counts, nor has
    its value: "Ukraine lost 12 armored vehicles" and "more than 3,435 troops killed" are two
    quantities, not one proposition (a conflict between figures of one quantity is
    ``numeric_mismatch``'s)."""
    figures_a, figures_b = numbers.extract_quantities(text_a), numbers.extract_quantities(text_b)
    if not figures_a or not figures_b:
        return False

    def head(figure):
        return stem(str(figure.get("kind") or figure.get("unit") or "").lower().split(" ")[-1])

    return not any(numbers.same_quantity(a, b) or float(a["value"]) == float(b["value"]) or head(a) == head(b)
                   for a in figures_a for b in figures_b)


# A point the sentence marks as added to another ("Medvedev said Kiev also wanted to avoid paying
# compensation"): what follows the marker, to the end of its clause.
_ADDED_POINT = re.compile(r"\b(?:also|additionally|moreover|furthermore|in addition)\b,?\s+(?P<point>[^.;:]+)",
                          re.IGNORECASE)
# Words that say who speaks and how, not what is said.
_ATTRIBUTION_WORDS = re.compile(r"\b(?:says?|said|saying|told|tells?|stated?|states|announc\w*|claim\w*|add(?:s|ed)|"
                                r"not(?:es|ed)|report\w*|wr(?:ote|ites?)|publish\w*|accus\w*|condemn\w*|"
                                r"critici[sz]\w*|emphasi[sz]\w*|insist\w*)\b", re.IGNORECASE)
_ROLES = frozenset(stem(word) for word in attribution.TITLES)


def _said_words(text: str) -> set[str]:
    """Lower-case content words, without the words for speakers' roles and for saying."""
    return {word for word in _common_words(_ATTRIBUTION_WORDS.sub(" ", text)) if word not in _ROLES}


def _added_point_not_restated(text_a: str, text_b: str) -> bool:
    """One sentence marks its point as an addition ("also wanted to avoid paying compensation to the
    soldiers' families") and fewer than half of that point's words recur in the other: the other says
    what it was added to, or something else, not the added point. Names do not count, so a Title Case
    headline, where every word looks like one, is left to the model."""
    for marked, other in ((text_a, text_b), (text_b, text_a)):
        match = _ADDED_POINT.search(marked)
        if not match or _title_case(marked):
            continue
        point = _said_words(match.group("point"))
        if len(point) >= 2 and len(point & _content(other)) / len(point) < RESTATED_SHARE:
            return True
    return False


# A condition the sentence does not assert: "if they failed to recover their soldiers' bodies",
# "should they fail to recover the bodies", "unless ...", to the end of its clause.
_CONDITION = re.compile(r"\b(?:if|unless|should\s+(?:they|he|she|it|we|you|i))\b[^.;:,]*", re.IGNORECASE)


def _shared_only_in_condition(text_a: str, text_b: str) -> bool:
    """What the two share lies only in one sentence's condition, which the other asserts: "Zakharova
    ... said a generational curse would befall the Ukrainian authorities if they failed to recover their
    soldiers' bodies" does not state "Zakharova ... accused Kyiv of refusing to take back the bodies".
    Names and words for speakers and saying do not count as shared (nor is a Title Case headline read,
    where every word looks like a name)."""
    for conditional, other in ((text_a, text_b), (text_b, text_a)):
        if _CONDITION.search(other) or _title_case(conditional) or _title_case(other):
            continue
        conditions = [match.group(0) for match in _CONDITION.finditer(conditional)]
        if not conditions:
            continue
        said = _said_words(other)
        main = _said_words(_CONDITION.sub(" ", conditional))
        supposed = set().union(*(_said_words(condition) for condition in conditions))
        if supposed & said and not main & said:
            return True
    return False


def _restated(text_a: str, text_b: str) -> bool:
    """Most of the shorter sentence's content words recur in the other."""
    a, b = _content(text_a), _content(text_b)
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= RESTATED_SHARE


# A clause that supposes rather than asserts: a condition ("if", "unless", "whether") or a modal verb
# ("could", "would", "might", "may"; the month "May" is written with a capital). Clauses are cut at
# commas, semicolons, colons and "and"/"but", so "forces entered the region and could push further"
# still asserts the entry.
_SUPPOSING = re.compile(r"\b(?:[Ii]f|[Uu]nless|[Ww]hether|would|could|might|may)\b")
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:and|but)\b")


def _denied_only_as_supposed(text_a: str, text_b: str) -> bool:
    """One sentence denies a happening and the other names it only in a clause that supposes it: "The
    Dnipropetrovsk region is a crucial mining and industrial center for Ukraine, and further Russian
    advances into the area could severely impact Kiev's ... economy" describes the region and weighs
    what an entry would mean; it asserts no entry for "denied that Russian forces had entered the
    Dnipropetrovsk region" to contradict. A sentence that asserts the happening in another clause
    ("Russian forces entered the region and could push further") is left to the model."""
    for denial, other in ((text_a, text_b), (text_b, text_a)):
        clause = _denied_clause(denial)
        if clause is None:
            continue
        names = set() if _title_case(clause) else _names(clause)
        happening = _military_content(clause) - names - _WHO_OR_WHERE
        if not happening:
            continue
        supposed, asserted = set(), set()
        for part in _CLAUSE_BREAK.split(other):
            (supposed if _SUPPOSING.search(part) else asserted).update(_military_content(part))
        if happening & supposed and not happening & asserted:
            return True
    return False


def contradiction_overruled(text_a: str, text_b: str, similarity: float, probability: float) -> bool:
    """A model contradiction that is not kept: not the more likely reading outright, a paraphrase,
    the same account of a happening, two denials of different things, a denial beside a sentence
    that only supposes what is denied, or a fate of the happening beside a sentence that says nothing
    of its fate nor negates what the fate sentence presumes."""
    return (probability < MIN_CONTRADICT_SCORE or _paraphrase(text_a, text_b, similarity)
            or _same_account(text_a, text_b) or _deny_different_things(text_a, text_b)
            or _denied_only_as_supposed(text_a, text_b) or _fate_beside_other_grievance(text_a, text_b))


def _speakers_conflict(claim_a: Claim, claim_b: Claim) -> bool:
    a, b = claim_a.speaker_normalized, claim_b.speaker_normalized
    return bool(a and b) and not attribution.same_actor(a, b)


def _contradiction_reason(claim_a: Claim, claim_b: Claim) -> tuple[str, dict]:
    """The most specific cue for a contradiction the model found."""
    negation = _negated(claim_a.text) != _negated(claim_b.text)
    a, b = _content(claim_a.text), _content(claim_b.text)
    overlap = len(a & b) / len(a | b) if a and b else 0.0
    if antonym_present(claim_a.text.lower(), claim_b.text.lower()):
        return ClaimRelation.Reason.ANTONYM, {}
    if negation and overlap >= 0.3:
        return ClaimRelation.Reason.NEGATION, {}
    if _speakers_conflict(claim_a, claim_b):
        return ClaimRelation.Reason.ATTRIBUTION_CONFLICT, {
            "speakers": [claim_a.speaker_normalized, claim_b.speaker_normalized]}
    if negation:
        return ClaimRelation.Reason.NEGATION, {}
    return ClaimRelation.Reason.MODEL, {}


def rule_judgement(claim_a: Claim, claim_b: Claim, similarity: float) -> Judgement | None:
    """The contradiction a confident rule finds before any model is asked, or ``None``."""
    mismatch = numeric_mismatch(claim_a.numbers or [], claim_b.numbers or [])
    if mismatch and similarity >= NUMERIC_SIMILARITY:
        mismatch["a"]["outlet"], mismatch["b"]["outlet"] = _outlet(claim_a), _outlet(claim_b)
        return Judgement("contradict", min(0.99, 0.6 + similarity / 3), ClaimRelation.Reason.NUMERIC_MISMATCH,
                         mismatch)
    if _plain_negation(claim_a.text, claim_b.text, similarity):
        return Judgement("contradict", min(0.95, similarity), ClaimRelation.Reason.NEGATION)
    accounts = status_conflict(claim_a.text, claim_b.text, similarity)
    if accounts:
        score = min(0.9, 0.3 + similarity)
        if _speakers_conflict(claim_a, claim_b):
            return Judgement("contradict", score, ClaimRelation.Reason.ATTRIBUTION_CONFLICT, accounts | {
                "speakers": [claim_a.speaker_normalized, claim_b.speaker_normalized]})
        return Judgement("contradict", score, ClaimRelation.Reason.ANTONYM, accounts)
    if denial_of_assertion(claim_a.text, claim_b.text):
        score = min(0.9, 0.3 + similarity)
        if _speakers_conflict(claim_a, claim_b):
            return Judgement("contradict", score, ClaimRelation.Reason.ATTRIBUTION_CONFLICT, {
                "speakers": [claim_a.speaker_normalized, claim_b.speaker_normalized], "denial": True})
        return Judgement("contradict", score, ClaimRelation.Reason.NEGATION, {"denial": True})
    return None


def judge(claim_a: Claim, claim_b: Claim, similarity: float, proba: np.ndarray | None = None) -> Judgement:
    """The relation between two claims; ``proba`` is the model's output in ``LABELS`` order, if any."""
    if similarity < MIN_SIMILARITY:
        return Judgement("unrelated", 1 - similarity, ClaimRelation.Reason.MODEL)
    verdict = rule_judgement(claim_a, claim_b, similarity)
    if verdict is not None:
        return verdict
    if _description_beside_denial(claim_a.text, claim_b.text):
        return Judgement("unrelated", 1 - similarity, ClaimRelation.Reason.MODEL, {"description_beside_denial": True})
    if _description_of_setting(claim_a.text, claim_b.text):
        return Judgement("unrelated", 1 - similarity, ClaimRelation.Reason.MODEL, {"description_of_setting": True})
    if proba is not None:
        label = LABELS[int(np.argmax(proba))]
        score = float(proba[LABELS.index(label)])
        details = {"probabilities": {name: round(float(p), 3) for name, p in zip(LABELS, proba)}}
        if label == "contradict" and contradiction_overruled(claim_a.text, claim_b.text, similarity, score):
            # What follows reads the model's probabilities once a contradiction is ruled out: an
            # agreement's own 0.29 beside an overruled 0.65 read as a weak agreement on the page.
            proba = _without_contradiction(proba)
            label = LABELS[int(np.argmax(proba))]
            score = float(proba[LABELS.index(label)])
            details["contradiction_overruled"] = True
        # An overruled reading's weight goes to *discusses*, as ``apply_rules`` scores it, so the
        # stored score says how sure the models are that the pair is related.
        if label in ("agree", "contradict") and reports_dispute_beside_an_account(claim_a.text, claim_b.text):
            label, score = "discusses", float(proba[LABELS.index("discusses")]) + score
            details["dispute_reported"] = True
        same = (None if claim_a.cluster_id is None or claim_b.cluster_id is None
                else claim_a.cluster_id == claim_b.cluster_id)
        if label == "agree" and (why := agreement_overruled(claim_a.text, claim_b.text, same)):
            label, score = "discusses", float(proba[LABELS.index("discusses")] + proba[LABELS.index("agree")])
            details["agreement_overruled"] = why
        # An overruled contradiction or agreement still says the pair is related; the reading it
        # is given stands.
        if label == "unrelated" or (score < MIN_MODEL_SCORE and not details.get("contradiction_overruled")
                                    and not details.get("dispute_reported") and not details.get("agreement_overruled")):
            return Judgement("unrelated", score, ClaimRelation.Reason.MODEL, details)
        if label == "contradict":
            reason, extra = _contradiction_reason(claim_a, claim_b)
            return Judgement(label, score, reason, details | extra)
        return Judgement(label, score, ClaimRelation.Reason.MODEL, details)
    return rule_based_judge(claim_a, claim_b, similarity)


def _without_contradiction(proba: np.ndarray) -> np.ndarray:
    """The probabilities given that the pair is no contradiction (renormalised without it)."""
    rest = np.array(proba, dtype=np.float64, copy=True)
    rest[LABELS.index("contradict")] = 0.0
    total = rest.sum()
    return rest / total if total > 0 else rest


def apply_rules(texts_a: list[str], texts_b: list[str], vectors_a: np.ndarray, vectors_b: np.ndarray,
                proba: np.ndarray, groups_a: Sequence[int] | None = None,
                groups_b: Sequence[int] | None = None) -> tuple[np.ndarray, list[str | None]]:
    """``judge``'s rules applied to a model's probabilities for sentence pairs (the evaluation's path).

    A pair a rule decides becomes a certain contradiction, with the rule's reason; a description
    beside a denial it says nothing about becomes certainly unrelated; a contradiction ``judge``
    would overrule (a paraphrase, or not the more likely reading) gets probability 0 and the others
    are renormalised, so the next reading stands, scored as ``judge`` stores it; an agreement or
    contradiction with a report of the parties' dispute becomes certainly *discusses*; an agreement ``judge`` would overrule (``agreement_overruled``) gives its
    probability to *discusses*, and a description of the other's setting becomes certainly unrelated.
    ``groups_a``/``groups_b`` give each side's proposition group (as claim clusters do in the app),
    when known. Returns (probabilities, reason per pair or ``None``). The thresholds
    that only decide whether the app stores a relation (``MIN_SIMILARITY``, ``MIN_MODEL_SCORE``) are
    left out: a benchmark scores every pair's label.
    """
    def unit(vectors):
        vectors = np.asarray(vectors, dtype=np.float32)
        return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)

    similarities = np.einsum("ij,ij->i", unit(vectors_a), unit(vectors_b)) if len(proba) else np.zeros(0)
    claims: dict[str, Claim] = {}

    def claim(text: str) -> Claim:
        if text not in claims:
            claims[text] = Claim(text=text, numbers=numbers.extract_quantities(text))
        return claims[text]

    adjusted = np.array(proba, dtype=np.float64, copy=True)
    reasons: list[str | None] = []
    contradict, unrelated, agree = LABELS.index("contradict"), LABELS.index("unrelated"), LABELS.index("agree")
    for i, (text_a, text_b) in enumerate(zip(texts_a, texts_b)):
        similarity = float(similarities[i])
        verdict = rule_judgement(claim(text_a), claim(text_b), similarity)
        if verdict is not None:
            adjusted[i] = 0.0
            adjusted[i, contradict] = 1.0
            reasons.append(str(verdict.reason))
            continue
        if _description_beside_denial(text_a, text_b) or _description_of_setting(text_a, text_b):
            adjusted[i] = 0.0
            adjusted[i, unrelated] = 1.0
            reasons.append(None)
            continue
        if contradiction_overruled(text_a, text_b, similarity, float(adjusted[i, contradict])):
            adjusted[i] = _without_contradiction(adjusted[i])
        if (LABELS[int(np.argmax(adjusted[i]))] in ("agree", "contradict")
                and reports_dispute_beside_an_account(text_a, text_b)):
            adjusted[i] = 0.0
            adjusted[i, LABELS.index("discusses")] = 1.0
        elif LABELS[int(np.argmax(adjusted[i]))] == "agree" and agreement_overruled(
                text_a, text_b, None if groups_a is None or groups_b is None else groups_a[i] == groups_b[i]):
            # The agreement's weight goes to *discusses*; a benchmark without that class takes its
            # next reading.
            adjusted[i, LABELS.index("discusses")] += adjusted[i, agree]
            adjusted[i, agree] = 0.0
        reasons.append(None)
    return adjusted, reasons


def rule_based_judge(claim_a: Claim, claim_b: Claim, similarity: float) -> Judgement:
    """The fallback when the model artefact is missing: negation, antonyms, similarity, hedges."""
    if _negated(claim_a.text) != _negated(claim_b.text) and similarity >= 0.6:
        return Judgement("contradict", min(0.95, similarity), ClaimRelation.Reason.NEGATION)
    if antonym_present(claim_a.text.lower(), claim_b.text.lower()) and similarity >= 0.55:
        return Judgement("contradict", min(0.9, similarity), ClaimRelation.Reason.ANTONYM)
    if similarity >= AGREE_SIMILARITY:
        if HEDGES.search(claim_a.text) or HEDGES.search(claim_b.text):
            return Judgement("discusses", similarity, ClaimRelation.Reason.MODEL)
        return Judgement("agree", similarity, ClaimRelation.Reason.MODEL)
    return Judgement("unrelated", 1 - similarity, ClaimRelation.Reason.MODEL)


def _copies(claim_a: Claim, claim_b: Claim) -> bool:
    a, b = claim_a.article, claim_b.article
    return a.syndicated_copy_of_id == b.id or b.syndicated_copy_of_id == a.id or (
        a.syndicated_copy_of_id is not None and a.syndicated_copy_of_id == b.syndicated_copy_of_id)


def candidate_pairs(claims: list[Claim], similarities: np.ndarray, only_claim_ids: set[int] | None,
                    locked: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Index pairs worth judging: different outlets, not copies, not curated, similar enough.

    Filtering is done on arrays first, so a new article with k claims in an event of n claims
    costs k×n comparisons in numpy and a Python loop over the few similar pairs only.
    """
    count = len(claims)
    outlets = np.array([claim.article.outlet_id for claim in claims])
    mask = np.triu(similarities >= MIN_SIMILARITY, k=1) & (outlets[:, None] != outlets[None, :])
    # A syndicated copy's sentence that its original also has is the original's claim, repeated:
    # judged once, through the original, so a copy is not counted as a second agreement or
    # contradiction. Sentences the copy added are judged as its own.
    sentences = {(claim.article_id, claim.text_hash) for claim in claims}
    repeated = np.array([claim.article.syndicated_copy_of_id is not None
                         and (claim.article.syndicated_copy_of_id, claim.text_hash) in sentences for claim in claims],
                        dtype=bool)
    mask &= ~repeated[:, None] & ~repeated[None, :]
    if only_claim_ids is not None:
        is_new = np.array([claim.id in only_claim_ids for claim in claims], dtype=bool)
        mask &= is_new[:, None] | is_new[None, :]
    pairs = []
    for i, j in zip(*np.nonzero(mask[:count, :count])):
        claim_a, claim_b = claims[i], claims[j]
        key = (claim_a.id, claim_b.id) if claim_a.id < claim_b.id else (claim_b.id, claim_a.id)
        if key in locked or _copies(claim_a, claim_b):
            continue
        pairs.append((int(i), int(j)))
    return pairs


def relate_event(event: Event, only_claim_ids: set[int] | None = None) -> int:
    """Judge every cross-outlet pair in the event that involves a new claim. Returns rows written."""
    from comparer.relations_model import load_model

    from comparer.pipeline import embed

    # Vectors in binary; the articles' texts are not read (only their outlet and copy links are).
    claims = embed.with_vectors(Claim.objects.filter(event=event, embedding__isnull=False, is_checkworthy=True)
                                .select_related("article", "article__outlet")
                                .defer("article__text", "article__standfirst", "article__metadata"))
    if len(claims) < 2:
        return 0
    matrix = np.stack([np.asarray(c.embedding, dtype=np.float32) for c in claims])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9
    similarities = matrix @ matrix.T
    locked = set(ClaimRelation.objects.filter(locked=True, claim_a__in=claims)
                 .values_list("claim_a_id", "claim_b_id"))
    pairs = candidate_pairs(claims, similarities, only_claim_ids, locked)
    model = load_model()
    probabilities = None
    if model is not None and pairs:
        probabilities = model.predict_sentence_pairs(
            [claims[i].text for i, _ in pairs], matrix[[i for i, _ in pairs]],
            [claims[j].text for _, j in pairs], matrix[[j for _, j in pairs]])
    decided: list[ClaimRelation] = []
    for index, (i, j) in enumerate(pairs):
        first, second = (claims[i], claims[j]) if claims[i].id < claims[j].id else (claims[j], claims[i])
        verdict = judge(first, second, float(similarities[i, j]),
                        probabilities[index] if probabilities is not None else None)
        if verdict.label == "unrelated":
            continue
        decided.append(ClaimRelation(event=event, claim_a=first, claim_b=second, label=verdict.label,
                                     score=round(verdict.score, 4), reason=verdict.reason,
                                     details=verdict.details, set_by=ClaimRelation.SetBy.MODEL))
    ClaimRelation.objects.bulk_create(
        decided, batch_size=500, update_conflicts=True, unique_fields=["claim_a", "claim_b"],
        update_fields=["event", "label", "score", "reason", "details"],
    )
    return len(decided)
