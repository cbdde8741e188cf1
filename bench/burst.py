"""A running story at volume: a burst of articles on one war, analysed as ``manage.py analyze`` runs it.

    .venv/bin/python bench/burst.py [--quick] [--articles N] [--outlets N] [--days N] [--max-rss-gb G]
                                    [--database NAME] [--seed S]

The corpus is generated from templates (no real outlet, no real text): one war between two
fictional states, reported by ``--outlets`` fictional outlets (200) over ``--days`` days (3). Each
day has its own happenings (missile and drone strikes, shelling, a captured village, a prisoner
exchange, talks held or postponed, power cuts, evacuations, aid convoys, casualty claims), each
with its place, time and figures. Articles report one happening (sometimes a second one briefly)
through several sources that disagree (the two defence ministries, a governor, the UN) and whose
figures are revised as the day goes on, in varied wordings, with background paragraphs that
every outlet repeats; a quarter of the articles are wire copies (a wire agency's article carried
by another outlet with its credit line), so the story has repeated, syndicated and conflicting
reports, as a real one does. The same ``--seed`` gives the same corpus.

Steps, timed separately: ingest through the pipeline's own path (``ingest.ingest_items``, as
``manage.py ingest`` stores items) into the database ``comparer_bench_burst`` (or ``--database``;
emptied first); then ``run.analyze()`` over every pending article, as ``manage.py analyze`` runs it,
with the embedding cache empty (sentence encoder and NLI model loaded and warmed first, as in a
worker); then the bare encoder (``embed.encode``) on the distinct claim sentences the analysis
stored, fresh, i.e. what the analysis could not avoid encoding.

Memory: the process's resident set (and its children's, if any) is sampled every 50 ms during
the analysis, with the stage running at the time; the kernel's own peak (VmHWM, reset just before
the analysis) is read at the end, and the larger is reported. With more than ``--max-rss-gb``
(default 6) resident, the run stops itself (printing where it was) so a shared machine never
swaps; its SUMMARY line then says ``stopped``.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from common import Timer, log, machine, setup_django

DB_NAME = "comparer_bench_burst"

# --- corpus --------------------------------------------------------------------------------

SIDE_A, SIDE_B = "Varnia", "Ostrel"
A_ADJ, B_ADJ = "Varnian", "Ostrelian"
CITIES = ["Kalmor", "Drevsk", "Polvana", "Urzhin", "Belotsk", "Marvich", "Sarnau", "Tolvik", "Zherin",
          "Hadrovo", "Lystar", "Vrenna"]
VILLAGES = ["Ostrivka", "Malyn Dol", "Kerevo", "Pishchana", "Zoryane", "Hlybok", "Ternivka", "Solonets",
            "Dubrava", "Krasne Pole", "Yasenove", "Berizky"]
REGIONS = {city: region for city, region in zip(CITIES, ["Kalmor region", "Drevsk region", "the Polvana region",
                                                          "Urzhin province", "Belotsk province", "Marvich region",
                                                          "Sarnau region", "Tolvik province", "Zherin region",
                                                          "Hadrovo region", "Lystar province", "Vrenna region"])}
GOVERNORS = {city: name for city, name in zip(CITIES, ["Oleh Marchuk", "Iryna Sadova", "Petro Halych", "Dana Koval",
                                                        "Mykola Ruban", "Alina Tereshko", "Vasyl Dorosh",
                                                        "Svitlana Bilyk", "Roman Yatsenko", "Olena Kravets",
                                                        "Taras Melnyk", "Hanna Lysenko"])}
A_MINISTRY = [f"{A_ADJ} Defence Ministry", f"the {A_ADJ} defence ministry", f"{SIDE_A}'s defence ministry"]
B_MINISTRY = [f"{B_ADJ} Defence Ministry", f"the {B_ADJ} defence ministry", f"{SIDE_B}'s ministry of defence"]
A_GENERAL_STAFF = [f"the {A_ADJ} General Staff", f"{SIDE_A}'s General Staff"]
B_AIR_FORCE = [f"the {B_ADJ} air force", f"{SIDE_B}'s air force", f"{B_ADJ} air force spokesman Ivan Sorel"]
UN = ["the UN human rights monitoring mission", "the United Nations", "UN humanitarian coordinator Maria Lindqvist"]
RED_CROSS = ["the International Committee of the Red Cross", "the Red Cross"]
SPOKES_A = ["Kremen spokesman Artem Volny", f"{A_ADJ} presidential aide Lev Danko"]
SPOKES_B = [f"{B_ADJ} President Taras Horvat", f"{B_ADJ} Foreign Minister Nadia Ilchenko"]
SAY = ["said", "said on {weekday}", "told reporters", "said in a statement", "wrote on Telegram",
       "said in a televised address", "said in its daily update", "said at a briefing", "told state television",
       "said on {weekday} evening", "posted on social media", "told reporters in the capital", "announced"]
# Outlets word the same fact differently: a time phrase in front, a clause after, the outlet's own
# attribution. ``restyle`` applies some of these to each fact sentence.
PREFIXES = ["On {weekday}, ", "Early on {weekday}, ", "Overnight, ", "Late on {weekday}, ", "In the early hours of "
            "{weekday}, ", "Earlier on {weekday}, ", "Meanwhile, ", "Separately, ", "According to officials, ",
            "In the latest attack, ", "As the war entered another week, "]
TAILS = [", the latest in a wave of attacks this week", ", officials said", ", according to local media",
         ", in what officials called one of the heaviest attacks of the war", ", the ministry added",
         ", according to a statement", ", witnesses said", ", a spokesperson told {outlet}",
         ", local authorities told {outlet}", ", the report said", ", a claim that could not be verified",
         ", days after a similar attack", ", according to preliminary data", ", sources told {outlet}"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
BACKGROUND = [
    f"{SIDE_A} launched its full-scale invasion of {SIDE_B} in February 2024.",
    f"The war between {SIDE_A} and {SIDE_B} is now in its third year.",
    f"{SIDE_A} has denied targeting civilians since the start of the war.",
    f"Peace talks between {SIDE_A} and {SIDE_B} have stalled repeatedly since last spring.",
    f"{B_ADJ} officials have repeatedly asked Western allies for more air defence systems.",
    f"The front line runs for more than 1,000 kilometres through the east and south of {SIDE_B}.",
    f"{SIDE_A} and {SIDE_B} have each accused the other of deliberately striking energy facilities.",
    "The claims could not be independently verified.",
    "Neither side's battlefield claims could be independently confirmed.",
    f"{SIDE_A} says it strikes only military targets.",
    f"Millions of {B_ADJ} civilians have fled their homes since the war began.",
    f"The UN says more than 12,000 civilians have been killed in {SIDE_B} since the invasion.",
]
OUTLET_WORDS_A = ["Northern", "Eastern", "Coastal", "Capital", "Valley", "Metro", "National", "Evening",
                  "Morning", "Daily", "Weekly", "Independent", "Free", "Central", "Western", "Harbour",
                  "Highland", "Lakeside", "Riverside", "Union"]
OUTLET_WORDS_B = ["Herald", "Times", "Post", "Observer", "Tribune", "Gazette", "Courier", "Chronicle", "Ledger",
                  "Record"]
WIRES = ["Continental Press Agency", "Global Wire Service", "Meridian News Agency", "Atlas Press", "Northstar Wire"]


def outlet_names(count: int) -> list[str]:
    names = list(WIRES)
    for first in OUTLET_WORDS_A:
        for second in OUTLET_WORDS_B:
            names.append(f"The {first} {second}")
    if count > len(names):
        names += [f"Bench Outlet {i:03d}" for i in range(count - len(names))]
    return names[:count]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


COMMON_STARTS = {"The", "A", "An", "Air", "Artillery", "Authorities", "Debris", "Delegations", "Drones", "Strikes",
                 "More", "About", "Another", "Buses", "Ceasefire", "Explosions", "Residents", "Rescue", "Repair"}


def elsewhere(sentence: str) -> str:
    first = sentence.split(" ", 1)[0]
    return "Elsewhere, " + (sentence[0].lower() + sentence[1:] if first in COMMON_STARTS else sentence)


def _n(rng, low, high):
    return rng.randint(low, high)


def _fmt(number: int) -> str:
    return f"{number:,}"


def make_happenings(rng: random.Random, days: int, start: datetime) -> list[dict]:
    """Each day's happenings with the figures each source gives (revised during the day)."""
    kinds = ["missile", "drone", "shelling", "capture", "exchange", "talks", "power", "evacuation", "aid",
             "losses"]
    happenings = []
    for day in range(days):
        date = start + timedelta(days=day)
        cities = rng.sample(CITIES, len(CITIES))
        villages = rng.sample(VILLAGES, len(VILLAGES))
        todays = ["missile", "drone", "shelling", "shelling", "capture", "losses", "power", "evacuation"]
        todays += rng.sample([k for k in kinds if k not in todays], 3)
        for number, kind in enumerate(todays):
            city = cities[number % len(cities)]
            hour = _n(rng, 0, 20)
            killed = _n(rng, 2, 40)
            h = {"kind": kind, "day": day, "date": date, "at": date + timedelta(hours=hour, minutes=_n(rng, 0, 59)),
                 "city": city, "region": REGIONS[city], "governor": GOVERNORS[city],
                 "village": villages[number % len(villages)], "weekday": WEEKDAYS[date.weekday()],
                 # Early reports give fewer dead and injured; later ones revise them upward.
                 "killed": [killed, killed + _n(rng, 1, 9), killed + _n(rng, 10, 20)],
                 "injured": [_n(rng, 10, 60), _n(rng, 61, 140)],
                 "missiles": _n(rng, 20, 90), "drones": _n(rng, 50, 300),
                 "houses": _n(rng, 10, 200), "homes_out": _n(rng, 20, 900) * 1000,
                 "prisoners_a": _n(rng, 50, 200), "evacuated": _n(rng, 300, 5000), "trucks": _n(rng, 8, 60),
                 "losses": _n(rng, 900, 1600), "troops": _n(rng, 100, 600)}
            h["downed_missiles"] = h["missiles"] - _n(rng, 3, 15)
            h["downed_drones"] = h["drones"] - _n(rng, 5, 40)
            h["prisoners_b"] = h["prisoners_a"] + rng.choice([0, 0, -5, 5, 10])
            h["talks_fate"] = rng.choice(["held", "postponed", "called off"])
            happenings.append(h)
    return happenings


def restyle(sentence: str, rng: random.Random, h: dict, outlet: str) -> str:
    """One outlet's wording of a fact sentence: sometimes a time phrase before it, a clause after it."""
    if rng.random() < 0.4:
        first = sentence.split(" ", 1)[0]
        prefix = rng.choice(PREFIXES).format(weekday=h["weekday"])
        start = sentence[0].lower() + sentence[1:] if first in COMMON_STARTS else sentence
        sentence = prefix + start
    if rng.random() < 0.5 and sentence.endswith("."):
        sentence = sentence[:-1] + rng.choice(TAILS).format(outlet=outlet) + "."
    return sentence


def fact_sentences(h: dict, rng: random.Random, stage: int) -> tuple[str, list[str]]:
    """A headline and the sentences one report gives on happening ``h``; ``stage`` 0-2 is how late
    in the day it is (later reports carry revised figures)."""
    pick = rng.choice
    time_of_day = h["at"].strftime("%H:%M")
    say = pick(SAY).format(weekday=h["weekday"])
    city, region, gov, village = h["city"], h["region"], h["governor"], h["village"]
    killed = h["killed"][min(stage, 2)]
    injured = h["injured"][min(stage, 1)]
    kind = h["kind"]
    if kind == "missile":
        title = pick([f"{A_ADJ} missile strike on {city} kills {killed}",
                      f"At least {killed} dead after missiles hit {city}",
                      f"{city} hit by massive {A_ADJ} missile attack"])
        facts = [
            pick([f"At least {killed} people were killed when {A_ADJ} missiles struck {city} on {h['weekday']}, "
                  f"{gov}, the governor of {region}, {say}.",
                  f"{A_ADJ} missiles hit residential buildings in {city} early on {h['weekday']}, killing {killed} "
                  f"people, according to {gov}.",
                  f"The death toll from the missile strike on {city} rose to {killed}, regional officials said."]),
            pick([f"{_fmt(injured)} people were injured, {gov} said.", f"Another {injured} were wounded.",
                  f"More than {injured} people were taken to hospital with injuries."]),
            pick([f"{SIDE_A} fired {h['missiles']} missiles overnight, {pick(B_AIR_FORCE)} said, and "
                  f"{h['downed_missiles']} of them were shot down.",
                  f"Air defences destroyed {h['downed_missiles']} of the {h['missiles']} missiles launched, "
                  f"according to {pick(B_AIR_FORCE)}.",
                  f"{cap(pick(A_MINISTRY))} said its forces carried out a massive strike with "
                  "high-precision weapons on military facilities in " + city + "."]),
            pick([f"The attack began at about {time_of_day}, residents said.",
                  f"Explosions were heard across {city} from {time_of_day}.",
                  f"Air raid sirens sounded in {region} shortly before {time_of_day}."]),
            pick([f"{cap(pick(A_MINISTRY))} denied hitting residential areas and said all its "
                  "targets had been struck.",
                  f"{pick(SPOKES_A)} said the strike targeted military infrastructure only.",
                  f"{pick(UN)} said it was verifying reports of {killed} civilian deaths in {city}."]),
        ]
    elif kind == "drone":
        title = pick([f"{SIDE_A} launches {h['drones']} drones at {SIDE_B} overnight",
                      f"Drone attack on {city} damages energy sites",
                      f"Overnight drone barrage targets {region}"])
        facts = [
            pick([f"{SIDE_A} launched {h['drones']} attack drones at {SIDE_B} overnight, {pick(B_AIR_FORCE)} {say}.",
                  f"{cap(pick(B_AIR_FORCE))} said {h['downed_drones']} of {h['drones']} drones were shot down "
                  f"or jammed overnight.",
                  f"Air defences downed {h['downed_drones']} drones over {region} and neighbouring regions."]),
            pick([f"Debris from downed drones set fire to houses in {city}, {gov} said.",
                  f"{killed // 4 + 1} people were killed in {city} when a drone hit an apartment block.",
                  f"Drones damaged an energy facility near {city}, cutting power to parts of the city."]),
            pick([f"{cap(pick(A_MINISTRY))} said it had hit military-industrial sites in {region}.",
                  f"{pick(SPOKES_A)} said the drones targeted fuel depots used by the army.",
                  f"Residents reported explosions in {city} from about {time_of_day}."]),
        ]
    elif kind == "shelling":
        title = pick([f"Shelling of {city} kills {killed}", f"{killed} killed in {A_ADJ} shelling of {city}",
                      f"{city} under heavy artillery fire"])
        facts = [
            pick([f"{A_ADJ} shelling killed {killed} civilians in {city} on {h['weekday']}, {gov} {say}.",
                  f"Artillery fire on the centre of {city} killed {killed} people and wounded {injured}, "
                  "local officials said.",
                  f"{cap(pick(UN))} said {killed} civilians were killed by shelling in {city}."]),
            pick([f"{h['houses']} houses were damaged, {gov} said.",
                  f"The shelling damaged {h['houses']} homes and a school in {city}.",
                  f"Rescue workers were searching the rubble of {h['houses'] // 10 + 1} apartment buildings."]),
            pick([f"{cap(pick(A_MINISTRY))} said it had struck {B_ADJ} army positions near {city}.",
                  f"{SIDE_A} denied shelling civilian areas of {city}.",
                  f"{cap(pick(B_MINISTRY))} accused {SIDE_A} of deliberately targeting civilians."]),
        ]
    elif kind == "capture":
        title = pick([f"{SIDE_A} claims capture of {village}", f"{SIDE_B} denies losing {village}",
                      f"Fighting rages for village of {village}"])
        facts = [
            pick([f"{cap(pick(A_MINISTRY))} {say} its forces had taken control of the village of {village} "
                  f"in {region}.",
                  f"{SIDE_A} said it had captured {village}, a village about 20 kilometres from {city}.",
                  f"{A_ADJ} troops have liberated the settlement of {village}, {pick(A_MINISTRY)} said."]),
            pick([f"{cap(pick(B_MINISTRY))} denied that {village} had fallen and said fighting was "
                  "continuing.",
                  f"{B_ADJ} forces repelled {_n(rng, 8, 30)} attacks near {village}, {pick(B_MINISTRY)} said.",
                  f"{pick(SPOKES_B)} said {B_ADJ} troops still held {village}."]),
            pick([f"The village had a pre-war population of about {_n(rng, 300, 3000)} people.",
                  f"{village} lies on a road that supplies {B_ADJ} troops around {city}.",
                  f"{SIDE_A} said {h['troops']} {B_ADJ} soldiers were killed in the fighting for {village}."]),
        ]
    elif kind == "exchange":
        title = pick(["Prisoner swap frees hundreds", f"{SIDE_A} and {SIDE_B} exchange prisoners of war",
                      "POW exchange brokered by mediators"])
        a, b = h["prisoners_a"], h["prisoners_b"]
        facts = [
            pick([f"{SIDE_A} and {SIDE_B} exchanged {a} prisoners of war each on {h['weekday']}, "
                  f"{pick(A_MINISTRY)} said.",
                  f"{SIDE_B} brought home {b} soldiers in the exchange, {pick(SPOKES_B)} said.",
                  f"{cap(pick(A_MINISTRY))} said {a} {A_ADJ} servicemen had been returned."]),
            pick([f"The exchange was mediated by {pick(RED_CROSS)}.",
                  f"It was the {rng.choice(['52nd', '53rd', '54th'])} exchange since the start of the war.",
                  f"{pick(SPOKES_B)} said {SIDE_A} still holds thousands of {B_ADJ} prisoners."]),
        ]
    elif kind == "talks":
        fate = h["talks_fate"]
        title = pick([f"Talks in {city} {fate}", f"Ceasefire talks {fate}", f"Negotiators' meeting {fate}"])
        others = [f for f in ("held", "postponed", "called off") if f != fate]
        reported = fate if rng.random() < 0.75 else pick(others)
        sentence = {"held": f"Delegations from {SIDE_A} and {SIDE_B} met in {city} for ceasefire talks on "
                            f"{h['weekday']}, {pick(SPOKES_A)} said.",
                    "postponed": f"Ceasefire talks between {SIDE_A} and {SIDE_B} planned in {city} were postponed, "
                                 f"{pick(SPOKES_B)} said.",
                    "called off": f"The talks in {city} were called off after the {B_ADJ} delegation did not "
                                  f"arrive, {pick(SPOKES_A)} said."}[reported]
        facts = [sentence,
                 pick(["The talks were to focus on a 30-day ceasefire and prisoner exchanges.",
                       f"{pick(SPOKES_B)} said {SIDE_B} would not accept any loss of territory.",
                       f"{cap(pick(UN))} urged both sides to return to the negotiating table."])]
    elif kind == "power":
        title = pick([f"Power cuts hit {_fmt(h['homes_out'])} homes", f"Blackouts in {region} after strikes",
                      f"Energy grid damaged in {city}"])
        facts = [
            pick([f"{_fmt(h['homes_out'])} homes in {region} were left without electricity, the grid operator said.",
                  f"Strikes on energy infrastructure cut power to {_fmt(h['homes_out'])} households in {city}.",
                  f"About {_fmt(h['homes_out'] // 1000)},000 consumers in {region} lost power, {gov} said."]),
            pick([f"Repair crews restored power to part of {city} by the evening.",
                  f"The grid operator said scheduled outages would continue in {region}.",
                  f"{SIDE_B}'s energy minister said {_n(rng, 2, 9)} power facilities had been hit."]),
        ]
    elif kind == "evacuation":
        title = pick([f"Evacuation ordered near {city}", f"{_fmt(h['evacuated'])} civilians evacuated from "
                      f"{region}", f"Families flee front-line towns near {city}"])
        facts = [
            pick([f"{_fmt(h['evacuated'])} civilians were evacuated from front-line towns near {city}, {gov} {say}.",
                  f"Authorities ordered the mandatory evacuation of families with children from {_n(rng, 5, 20)} "
                  f"villages in {region}.",
                  f"More than {_fmt(h['evacuated'])} people have left the area around {city} this week, "
                  f"{pick(UN)} said."]),
            pick([f"{gov} said the shelling of {city} had made it impossible to stay.",
                  "Buses and trains were taking evacuees to safer regions in the west.",
                  f"About {_n(rng, 2, 12)},000 people are still living in {city}, officials said."]),
        ]
    elif kind == "aid":
        title = pick([f"Aid convoy reaches {city}", f"UN convoy brings supplies to {city}",
                      f"Humanitarian convoy enters {region}"])
        facts = [
            pick([f"A convoy of {h['trucks']} trucks carrying food and medicine reached {city}, {pick(UN)} said.",
                  f"{cap(pick(RED_CROSS))} said {h['trucks']} lorries of aid had arrived in {city}.",
                  f"The aid convoy to {city} was delayed by shelling but arrived on {h['weekday']}."]),
            pick([f"{cap(pick(UN))} said more convoys were needed for {region}.",
                  f"The convoy carried supplies for about {_n(rng, 10, 80)},000 people."])]
    else:  # losses
        title = pick([f"{SIDE_B} says {SIDE_A} lost {_fmt(h['losses'])} troops in a day",
                      "General Staff publishes daily losses", "Heavy losses claimed on the eastern front"])
        facts = [
            pick([f"{cap(pick(A_GENERAL_STAFF))} said {SIDE_B} had lost {_fmt(h['losses'])} soldiers "
                  "in the past 24 hours.",
                  f"{B_ADJ} forces lost up to {_fmt(h['losses'])} troops over the last day, "
                  f"{pick(A_MINISTRY)} said.",
                  f"{cap(pick(B_MINISTRY))} said fewer than {_fmt(h['losses'] // 3)} of its soldiers had "
                  "been killed or wounded, rejecting the figure."]),
            pick([f"{cap(pick(B_MINISTRY))} said {SIDE_A} had lost {_fmt(h['losses'] + 150)} soldiers "
                  f"near {city}.",
                  f"The heaviest fighting was around {city} and {village}, both sides said.",
                  "Neither side publishes its own casualty figures."])]
    return title, facts


def build_corpus(count: int, outlets: int, days: int, seed: int) -> list[dict]:
    """``count`` articles (dicts for ``ArticleInput``), in publication order."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, tzinfo=timezone.utc)
    happenings = make_happenings(rng, days, start)
    names = outlet_names(outlets)
    wires = [n for n in names if n in WIRES]
    # Publication times spread over the days, more during the day than at night.
    times = sorted(start + timedelta(days=rng.randrange(days), hours=min(23.9, max(0, rng.gauss(13, 5))))
                   for _ in range(count))
    articles, wire_copies = [], []
    for index, when in enumerate(times):
        outlet = names[index % len(names)] if index < len(names) else rng.choice(names)
        if wire_copies and outlet not in wires and rng.random() < 0.25:
            original = rng.choice(wire_copies[-200:])
            credit = rng.choice([f"This story was provided by {original['outlet']}.",
                                 f"({original['outlet']})", f"Reporting by {original['outlet']}.",
                                 f"{outlet} carried this report from {original['outlet']}.",
                                 f"Copyright {original['outlet']}. Republished by {outlet}."])
            articles.append({"outlet": outlet, "title": rng.choice([original["title"], original["title"] + " - report"]),
                             "text": original["text"] + "\n\n" + credit, "published_at": when + timedelta(minutes=5),
                             "kind": "wire copy"})
            continue
        known = [h for h in happenings if h["at"] <= when] or happenings[:1]
        recent = [h for h in known if when - h["at"] < timedelta(hours=30)] or known[-3:]
        main = rng.choice(recent)
        hours_since = (when - main["at"]).total_seconds() / 3600
        stage = 0 if hours_since < 3 else 1 if hours_since < 9 else 2
        title, facts = fact_sentences(main, rng, stage)
        paragraphs = [restyle(f, rng, main, outlet) for f in facts]
        if rng.random() < 0.5:   # a second report from the same happening, another wording and source
            _, more = fact_sentences(main, rng, stage)
            paragraphs += [restyle(f, rng, main, outlet) for f in more[1:] if f not in facts]
        if rng.random() < 0.45 and len(recent) > 1:  # "Elsewhere, ..." a line on another happening
            other = rng.choice([h for h in recent if h is not main])
            _, extra = fact_sentences(other, rng, stage)
            paragraphs.append(elsewhere(extra[0]))
        paragraphs += rng.sample(BACKGROUND, rng.randint(1, 3))
        text = "\n\n".join(paragraphs)
        item = {"outlet": outlet, "title": title, "text": text, "published_at": when, "kind": "report"}
        articles.append(item)
        if outlet in wires:
            wire_copies.append(item)
    return articles


# --- measurement ------------------------------------------------------------------------

def rss_bytes() -> tuple[int, int]:
    """(resident bytes of this process and its children, kernel's peak for this process)."""
    rss = hwm = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024
    try:
        import psutil

        rss += sum(child.memory_info().rss for child in psutil.Process().children(recursive=True))
    except Exception:  # psutil missing or a child gone meanwhile
        pass
    return rss, hwm


def reset_peak() -> bool:
    """Reset the kernel's VmHWM for this process (Linux: write 5 to clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Stages:
    """Wall time and the most memory seen in each pipeline stage while it runs. Every function is
    patched where it is defined and wherever it was imported by name; nested stages are also
    counted on their own line (``inner``), the outer stage's time includes them."""

    PATCH = [("comparer.pipeline.run", "prepare_claims"), ("comparer.pipeline.embed", "encode"),
             ("comparer.pipeline.multilingual", "fill_xvectors"), ("comparer.pipeline.multilingual", "encode"),
             ("comparer.pipeline.cluster", "find_syndication_source"),
             ("comparer.pipeline.cluster", "choose_event"), ("comparer.pipeline.cluster", "_score_candidates"),
             ("comparer.pipeline.cluster", "syndication_candidates"),
             ("comparer.pipeline.cluster", "give_xcentroids"), ("comparer.pipeline.stories", "place"),
             ("comparer.pipeline.run", "store_claims"),
             ("comparer.pipeline.cluster", "refresh_event_while_placing"),
             ("comparer.pipeline.cluster", "refresh_event"), ("comparer.pipeline.cluster", "cluster_claims"),
             ("comparer.pipeline.cluster", "_attach_claims"), ("comparer.pipeline.cluster", "_regroup_claims"),
             ("comparer.pipeline.propositions", "group_propositions"),
             ("comparer.pipeline.propositions", "candidate_pairs"),
             ("comparer.pipeline.propositions", "average_linkage"),
             ("comparer.pipeline.relate", "relate_event"), ("comparer.pipeline.relate", "aligned_pairs"),
             ("comparer.pipeline.relate.align", "nearest_pairs"),
             ("comparer.relations_model.nli", "pair_readings"), ("comparer.relations_model.nli", "predict")]
    # Stages whose first argument is the list of items they handle (counted as "items").
    COUNTED = ("nli.pair_readings", "nli.predict", "embed.encode", "multilingual.encode")
    # Stages whose result is the list of items they found (counted as "found").
    FOUND = ("relate.aligned_pairs", "propositions.candidate_pairs")

    def __init__(self):
        self.time: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)
        self.items: dict[str, int] = defaultdict(int)
        self.found: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []
        self.starts: list[float] = []
        self.undo = []

    def current(self) -> str:
        return " > ".join(self.stack) or "(between stages)"

    def __enter__(self):
        import importlib

        for module_name, name in self.PATCH:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            owner, attr = module, name
            if "." in name:
                class_name, attr = name.split(".")
                owner = getattr(module, class_name, None)
            original = getattr(owner, attr, None) if owner is not None else None
            if original is None or not callable(original):
                continue
            label = f"{module_name.rsplit('.', 1)[-1]}.{name}"
            wrapped = self._wrap(original, label)
            places = [owner] if owner is not module else [m for m in list(sys.modules.values())
                                                          if getattr(m, "__name__", "").startswith("comparer")
                                                          and getattr(m, attr, None) is original]
            for place in places:
                setattr(place, attr, wrapped)
                self.undo.append((place, attr, original))
        return self

    def _wrap(self, original, label):
        stages = self

        def timed(*args, **kwargs):
            stages.stack.append(label)
            started = time.perf_counter()
            stages.starts.append(started)
            if label in stages.COUNTED and args:
                try:
                    stages.items[label] += len(args[0])
                except TypeError:
                    pass
            try:
                result = original(*args, **kwargs)
                if label in stages.FOUND:
                    stages.found[label] += _length(result)
                return result
            finally:
                stages.time[label] += time.perf_counter() - started
                stages.calls[label] += 1
                stages.stack.pop()
                stages.starts.pop()
        timed.__wrapped__ = original
        return timed

    def __exit__(self, *exc):
        for place, attr, original in reversed(self.undo):
            setattr(place, attr, original)


def _length(result) -> int:
    """Items in a list, or in a dataclass of parallel arrays (``propositions.CandidatePairs``)."""
    import dataclasses

    try:
        return len(result)
    except TypeError:
        if dataclasses.is_dataclass(result):
            return len(getattr(result, dataclasses.fields(result)[0].name))
        return 0


class MemoryWatch(threading.Thread):
    """Samples RSS every ``interval`` s; above ``limit`` bytes it stops the whole process."""

    def __init__(self, stages: Stages, limit: int, on_limit, interval: float = 0.05, deadline: float | None = None):
        super().__init__(daemon=True)
        self.stages, self.limit, self.on_limit, self.interval = stages, limit, on_limit, interval
        self.deadline = deadline
        self.peak, self.peak_stage = 0, ""
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            rss, _ = rss_bytes()
            where = self.stages.current()
            if rss > self.peak:
                self.peak, self.peak_stage = rss, where
            for label in self.stages.stack:
                self.stages.peak[label] = max(self.stages.peak[label], rss)
            if rss > self.limit:
                self.on_limit(rss, where, "memory")
            if self.deadline is not None and time.perf_counter() > self.deadline:
                self.on_limit(max(self.peak, rss_bytes()[1]), where, "time")
            self.stop.wait(self.interval)


def gb(value: int) -> str:
    return f"{value / 1e9:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles instead of 10,000")
    parser.add_argument("--articles", type=int, default=0, help="articles in the burst (default 10000)")
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--max-rss-gb", type=float, default=6.0,
                        help="stop the run when this process holds more than this (default 6 GB)")
    parser.add_argument("--max-minutes", type=float, default=0,
                        help="stop the analysis after this many minutes, printing how far it got (default: no limit)")
    parser.add_argument("--database", default=DB_NAME,
                        help=f"database on the embedded server (default {DB_NAME}); it is emptied")
    args = parser.parse_args()
    count = args.articles or (1000 if args.quick else 10000)

    corpus = build_corpus(count, args.outlets, args.days, args.seed)
    setup_django(args.database)
    from django.core.management import call_command

    from comparer.models import Article, Claim, ClaimCluster, ClaimRelation, Event
    from comparer.pipeline import embed
    from comparer.pipeline.ingest import ArticleInput, OutletInput, ingest_items
    from comparer.pipeline.run import analyze

    log(f"emptying {args.database}")
    call_command("flush", interactive=False, verbosity=0)
    embed._memory.clear()
    items = [ArticleInput(outlet=OutletInput(name=a["outlet"], is_sample=True), title=a["title"], text=a["text"],
                          published_at=a["published_at"], source_format="json", source_name="bench/burst.py",
                          metadata={"burst": a["kind"]}) for a in corpus]
    log(f"ingesting {len(items)} articles ({sum(a['kind'] == 'wire copy' for a in corpus)} wire copies) "
        f"from {len({a['outlet'] for a in corpus})} outlets")
    with Timer() as ingest_timer:
        report = ingest_items(items)
    assert not report.errors, report.errors[:3]
    log(f"ingested {len(report.created)} new articles in {ingest_timer.seconds:.1f} s")

    log("loading and warming the sentence encoder and the NLI model (as a worker has them)")
    embed.encode(["Warm-up sentence about nothing in particular."] * 64)
    try:
        from comparer.relations_model import nli

        model = nli.load_nli()
        if model is not None:
            model.predict_proba([(corpus[0]["title"], corpus[1]["title"])])
    except ImportError:
        model = None
    embed._memory.clear()
    baseline_rss, _ = rss_bytes()

    stopped = {}

    def on_limit(rss, where, why):
        stopped.update(rss=rss, where=where)
        elapsed = time.perf_counter() - analysis_started
        limit = f"over {args.max_rss_gb} GB" if why == "memory" else f"time limit {args.max_minutes:g} min"
        print(f"machine: {machine()}")
        print(f"corpus: {len(corpus)} templated articles, {len(report.created)} stored")
        print(f"STOPPED ({limit}): {gb(rss)} GB resident after {elapsed:.1f} s of analysis, in {where}; "
              f"{stages.calls.get('cluster.choose_event', 0)} of {len(report.created)} articles placed in events, "
              f"{stages.calls.get('relate.relate_event', 0)} events related so far")
        now = time.perf_counter()
        print("  running when stopped: " + "; ".join(f"{label} for {now - started:.1f} s" for label, started
                                                     in zip(list(stages.stack), list(stages.starts))))
        print_stages(stages, elapsed)
        print(f"SUMMARY burst: articles {len(report.created)} claims ? events ? "
              f"analyse stopped at {elapsed:.1f}s ({limit} in {where.split(' > ')[-1]}) "
              f"encode ?s analyse/encode ?x peak-rss {gb(rss)} GB", flush=True)
        sys.stdout.flush()
        os._exit(3)

    stages = Stages()
    reset_peak()
    analysis_started = time.perf_counter()
    watch = MemoryWatch(stages, int(args.max_rss_gb * 1e9), on_limit,
                        deadline=analysis_started + args.max_minutes * 60 if args.max_minutes else None)
    with stages:
        watch.start()
        with Timer() as analysis_timer:
            result = analyze(progress=True)
        watch.stop.set()
        watch.join()
    _, hwm = rss_bytes()
    peak = max(watch.peak, hwm)
    log(f"analysis: {result} in {analysis_timer.seconds:.1f} s")

    texts = list(Claim.objects.order_by("id").values_list("text", flat=True))
    distinct = list(dict.fromkeys(texts))
    log(f"bare encoder on the {len(distinct)} distinct claim sentences (of {len(texts)})")
    with Timer() as encode_timer:
        embed.encode(distinct)

    from django.db.models import Count

    events = Event.objects.count()
    claim_sizes = sorted(Event.objects.values_list("claim_count", flat=True), reverse=True)
    article_sizes = sorted(Article.objects.exclude(event=None).values("event_id").order_by()
                           .annotate(n=Count("id")).values_list("n", flat=True), reverse=True)
    relations = dict(ClaimRelation.objects.values_list("label").order_by().annotate(n=Count("id")))
    syndicated = Article.objects.filter(syndicated_copy_of__isnull=False).count()
    ratio = analysis_timer.seconds / encode_timer.seconds
    print(f"machine: {machine()}")
    print(f"corpus: {len(corpus)} templated articles on one war from {len({a['outlet'] for a in corpus})} outlets "
          f"over {args.days} days ({sum(a['kind'] == 'wire copy' for a in corpus)} wire copies), seed {args.seed}")
    print(f"ingest (ingest.ingest_items): {len(report.created)} articles in {ingest_timer.seconds:.1f} s")
    print(f"analyse (run.analyze, as manage.py analyze): {analysis_timer.seconds:.1f} s; {result}")
    print(f"  claims {len(texts)} ({len(distinct)} distinct), events {events} (largest by claims: "
          f"{', '.join(map(str, claim_sizes[:5]))}; by articles: {', '.join(map(str, article_sizes[:5]))}), "
          f"claim clusters {ClaimCluster.objects.count()}, relations {relations}, syndicated copies found {syndicated} of "
          f"{sum(a['kind'] == 'wire copy' for a in corpus)}")
    print(f"bare encoder (embed.encode on the {len(distinct)} distinct claim sentences, fresh): "
          f"{encode_timer.seconds:.1f} s ({len(distinct) / encode_timer.seconds:.0f} sentences/s)")
    print(f"peak RSS during analysis: {gb(peak)} GB (sampled max {gb(watch.peak)} GB in {watch.peak_stage}; kernel "
          f"VmHWM {gb(hwm)} GB; {gb(baseline_rss)} GB before the analysis, models loaded)")
    print_stages(stages, analysis_timer.seconds)
    print_nli_memo()
    print(f"SUMMARY burst: articles {len(report.created)} claims {len(texts)} events {events} analyse "
          f"{analysis_timer.seconds:.1f}s encode {encode_timer.seconds:.1f}s analyse/encode {ratio:.1f}x "
          f"peak-rss {gb(peak)} GB")


def print_nli_memo() -> None:
    """How many distinct (premise, hypothesis) pairs the NLI model actually read: its memo's size
    (``nli.predict``'s items above include memo hits)."""
    try:
        from comparer.relations_model import nli

        model = nli.load_nli()
    except ImportError:
        return
    memo = getattr(model, "_memo", None)
    if memo is not None:
        print(f"  NLI model: {len(memo)} distinct directed text pairs in its memo after the run "
              f"(limit {getattr(model, 'MEMO_LIMIT', '?')}; the memo is emptied when it would pass it)")


def print_stages(stages: Stages, total: float) -> None:
    print("  where the analysis went (a stage's time includes the stages it calls; peak RSS while it ran, "
          "where sampled):")
    for label, seconds in sorted(stages.time.items(), key=lambda item: -item[1]):
        items = f", {stages.items[label]} items" if stages.items.get(label) else ""
        items += f", {stages.found[label]} found" if stages.found.get(label) else ""
        peak = f", peak {gb(stages.peak[label])} GB" if stages.peak.get(label) else ""
        print(f"    {label}: {seconds:.1f} s ({seconds / total:.0%}), {stages.calls[label]} calls{items}{peak}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    log(f"done in {time.perf_counter() - started:.0f} s")
