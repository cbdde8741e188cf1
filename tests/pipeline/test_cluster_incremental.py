"""Claim clusters grow incrementally (new claims attach to existing clusters) and syndicated copies
are found from a few candidates; curator-pinned clusters, claims, events and links never change."""
from datetime import datetime, timedelta, timezone

import pytest

from comparer.models import Article, Claim, ClaimCluster, Event, Outlet
from comparer.pipeline import cluster
from comparer.pipeline.claims import text_hash
from comparer.pipeline.embed import encode

WHEN = datetime(2025, 6, 8, 9, 0, tzinfo=timezone.utc)
NO_SHOW = [
    "Ukraine did not show up for the agreed exchange of prisoners of war and bodies on Saturday.",
    "Ukraine fails to show up for agreed prisoner and body exchange.",
    "Russia says Ukraine failed to appear at the prisoner and body exchange.",
]
VEHICLES = [
    "Russian forces destroyed 39 armored vehicles, the ministry said.",
    "The ministry said 39 Ukrainian armoured vehicles were destroyed.",
]


def outlet(name: str) -> Outlet:
    return Outlet.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def article(name: str, title: str, text: str, when=WHEN, event=None) -> Article:
    return Article.objects.create(outlet=outlet(name), title=title, text=text, published_at=when,
                                  content_hash=text_hash(name + title + text), event=event)


def add_claims(item: Article, sentences: list[str], event: Event) -> list[Claim]:
    vectors = encode(sentences)
    claims = [Claim(article=item, event=event, position=i, char_start=0, char_end=len(s), text=s,
                    text_hash=text_hash(s), is_headline=i == 0, embedding=v)
              for i, (s, v) in enumerate(zip(sentences, vectors))]
    return Claim.objects.bulk_create(claims)


@pytest.fixture
def event_with_clusters(db):
    event = Event.objects.create(title="POW exchange")
    first = article("Outlet A", "Exchange", "...", event=event)
    add_claims(first, NO_SHOW[:2] + VEHICLES[:1], event)
    assert cluster.cluster_claims(event) == 3
    return event


def cluster_of(text: str) -> ClaimCluster | None:
    return Claim.objects.select_related("cluster").get(text=text).cluster


@pytest.mark.django_db
def test_new_claims_attach_to_the_nearest_cluster_without_regrouping(event_with_clusters, monkeypatch):
    event = event_with_clusters
    monkeypatch.setattr(cluster, "REGROUP_UP_TO", 0)     # force the incremental path on a small event
    monkeypatch.setattr(cluster, "REGROUP_SHARE", 10.0)
    before = dict(Claim.objects.filter(event=event).values_list("id", "cluster_id"))
    no_show, vehicles = cluster_of(NO_SHOW[0]), cluster_of(VEHICLES[0])
    assert no_show.id != vehicles.id

    later = article("Outlet B", "Exchange", "...", when=WHEN + timedelta(hours=3), event=event)
    add_claims(later, [NO_SHOW[2], VEHICLES[1], "Talks in Istanbul have produced no ceasefire."], event)
    moved = cluster.cluster_claims(event)

    assert moved == 3
    assert cluster_of(NO_SHOW[2]).id == no_show.id
    assert cluster_of(VEHICLES[1]).id == vehicles.id
    talks = cluster_of("Talks in Istanbul have produced no ceasefire.")
    assert talks is not None and talks.id not in (no_show.id, vehicles.id)
    assert talks.position > max(no_show.position, vehicles.position)
    # Claims already placed keep their cluster.
    after = dict(Claim.objects.filter(id__in=before).values_list("id", "cluster_id"))
    assert after == before
    # Nothing new: nothing to do.
    assert cluster.cluster_claims(event) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("incremental", [True, False])
def test_curator_pinned_clusters_and_claims_are_never_changed(event_with_clusters, monkeypatch, incremental):
    event = event_with_clusters
    if incremental:
        monkeypatch.setattr(cluster, "REGROUP_UP_TO", 0)
        monkeypatch.setattr(cluster, "REGROUP_SHARE", 10.0)
    # A curator locked the no-show cluster, and pinned the vehicles claim into a cluster of its own.
    locked = cluster_of(NO_SHOW[0])
    ClaimCluster.objects.filter(id=locked.id).update(locked=True)
    locked_members = set(locked.claims.values_list("id", flat=True))
    own = ClaimCluster.objects.create(event=event, label="curator's", position=9)
    Claim.objects.filter(text=VEHICLES[0]).update(cluster=own, cluster_locked=True)

    later = article("Outlet B", "Exchange", "...", when=WHEN + timedelta(hours=3), event=event)
    add_claims(later, [NO_SHOW[2], VEHICLES[1]], event)
    cluster.cluster_claims(event)
    cluster.cluster_claims(event, regroup=True)

    locked.refresh_from_db()
    assert locked.locked
    assert set(locked.claims.values_list("id", flat=True)) == locked_members   # nothing added or removed
    pinned = Claim.objects.get(text=VEHICLES[0])
    assert pinned.cluster_id == own.id and pinned.cluster_locked
    assert cluster_of(NO_SHOW[2]).id != locked.id
    assert ClaimCluster.objects.filter(id=own.id).exists()


@pytest.mark.django_db
def test_regroup_when_new_claims_are_a_large_share(event_with_clusters, monkeypatch):
    event = event_with_clusters
    monkeypatch.setattr(cluster, "REGROUP_UP_TO", 0)
    calls = []
    monkeypatch.setattr(cluster, "_regroup_claims", lambda e, free: calls.append(len(free)) or 0)
    later = article("Outlet B", "Exchange", "...", when=WHEN + timedelta(hours=3), event=event)
    add_claims(later, [NO_SHOW[2], VEHICLES[1]], event)     # 2 new of 5 free claims: >= 25%
    cluster.cluster_claims(event)
    assert calls == [5]


BODY = ("Regional officials said on Monday that 12 people were wounded when shells hit a market in the "
        "centre of the town. Emergency services were still working at the scene in the afternoon, the "
        "regional governor wrote on Telegram, adding that two of the wounded were children. ")


def analysed(item: Article) -> list[Claim]:
    from comparer.pipeline.claims import extract_claims

    drafts = extract_claims(title=item.title, text=item.text, published_at=item.published_at)
    vectors = encode([d.text for d in drafts])
    return Claim.objects.bulk_create([
        Claim(article=item, position=d.position, char_start=d.char_start, char_end=d.char_end, text=d.text,
              text_hash=d.text_hash, is_headline=d.is_headline, embedding=v) for d, v in zip(drafts, vectors)])


@pytest.mark.django_db
def test_syndicated_copy_is_found_among_many_articles_of_the_same_size_and_window():
    source = article("Wire", "Shelling hits market", BODY * 3, when=WHEN)
    analysed(source)
    # 600 earlier articles of about the same size in the window: the old check read the 500 oldest
    # (these) and never reached the source.
    filler = [Article(outlet=outlet(f"Other {i % 5}"), title=f"Filler {i}", published_at=WHEN - timedelta(days=4),
                      text=(f"Unrelated report number {i} about the harvest and the weather. " * 30)[:len(BODY) * 3],
                      content_hash=text_hash(f"filler {i}")) for i in range(600)]
    Article.objects.bulk_create(filler)
    copy = article("Reprinter", "Shelling hits market", BODY * 3 + "(Wire)", when=WHEN + timedelta(hours=2))
    claims = analysed(copy)

    assert cluster.find_syndication_source(copy, claims) == source
    candidates = cluster.syndication_candidates(copy, claims)
    assert source.id in candidates and len(candidates) <= 2 * cluster.SYNDICATION_CANDIDATES
    # Without claims, the pool closest in size is compared (still a bounded number of texts).
    assert len(cluster.syndication_candidates(copy)) <= cluster.SYNDICATION_CANDIDATES


SIGN_OFF = "Reporting by the regional desk; editing by the night team."


@pytest.mark.django_db
def test_exact_sentences_find_the_source_when_a_shared_line_has_many_other_holders(monkeypatch):
    """Each sentence is looked up for at most SYNDICATION_NEIGHBOURS holders: a sign-off that 60
    earlier articles also carry uses up its lookup, and the source is found by its other sentences."""
    monkeypatch.setattr(cluster, "SYNDICATION_SEEDS", 0)   # no vector neighbours: the sentences alone
    # Stored first, so the sign-off's first holders in index order are these short notes (outside
    # the size window), not the source.
    for i in range(60):
        note = article(f"Desk {i % 6}", f"Note {i}", f"Brief note {i}. " + SIGN_OFF, when=WHEN - timedelta(days=1))
        Claim.objects.create(article=note, position=1, char_start=0, char_end=len(SIGN_OFF), text=SIGN_OFF,
                             text_hash=text_hash(SIGN_OFF))
    text = SIGN_OFF + " " + BODY * 3
    source = article("Wire", "Shelling hits market", text, when=WHEN)
    analysed(source)
    # Retitled, as copies often are: the headline matches nothing.
    copy = article("Reprinter", "Twelve wounded as market is shelled", text + "(Wire)", when=WHEN + timedelta(hours=2))
    # Articles of exactly the copy's size in the window: without the sentence lookup, the
    # closest-in-size fallback would take these, not the source.
    Article.objects.bulk_create([
        Article(outlet=outlet(f"Other {i % 5}"), title=f"Filler {i}", published_at=WHEN,
                text=(f"Unrelated report {i:02d} about the harvest. " * 40)[:len(copy.text)],
                content_hash=text_hash(f"filler {i}")) for i in range(2 * cluster.SYNDICATION_CANDIDATES)])
    claims = analysed(copy)
    assert SIGN_OFF in [c.text for c in claims]

    assert source.id in cluster.syndication_candidates(copy, claims)
    assert cluster.find_syndication_source(copy, claims) == source


@pytest.mark.django_db
def test_syndication_ignores_later_same_outlet_and_different_size_articles():
    original = article("Wire", "Shelling hits market", BODY * 3, when=WHEN)
    analysed(original)
    same_outlet = article("Reprinter", "Shelling hits market again", BODY * 3 + ".", when=WHEN - timedelta(hours=1))
    analysed(same_outlet)
    later = article("Late", "Shelling hits market", BODY * 3 + " ", when=WHEN + timedelta(days=1))
    analysed(later)
    short = article("Brief", "Shelling", BODY, when=WHEN - timedelta(hours=2))
    analysed(short)
    copy = article("Reprinter", "Shelling hits market", BODY * 3 + "(Wire)", when=WHEN + timedelta(hours=2))
    assert cluster.find_syndication_source(copy, analysed(copy)) == original
    # The short one is earlier than everything, but no other text is within 20% of its size.
    assert cluster.find_syndication_source(short, list(short.claims.all())) is None


@pytest.mark.django_db
def test_assign_event_keeps_curator_pinned_event_and_syndication_link():
    pinned_event = Event.objects.create(title="Pinned by a curator", locked=True)
    other_source = article("Elsewhere", "Another story", "Something else entirely. " * 40, when=WHEN)
    source = article("Wire", "Shelling hits market", BODY * 3, when=WHEN)
    analysed(source)
    cluster.assign_event(source, list(source.claims.all()))
    copy = article("Reprinter", "Shelling hits market", BODY * 3 + "(Wire)", when=WHEN + timedelta(hours=2),
                   event=pinned_event)
    Article.objects.filter(id=copy.id).update(event_locked=True, syndication_locked=True,
                                              syndicated_copy_of=other_source)
    copy.refresh_from_db()
    event = cluster.assign_event(copy, analysed(copy))
    copy.refresh_from_db()
    assert event.id == pinned_event.id and copy.event_id == pinned_event.id
    assert copy.syndicated_copy_of_id == other_source.id    # the curator's link, not the machine's


@pytest.mark.django_db
def test_refresh_keeps_the_events_languages_and_most_frequent_entities(monkeypatch):
    monkeypatch.setattr(cluster, "EVENT_ENTITY_LIMIT", 2)
    event = Event.objects.create(title="POW exchange")
    english = article("Outlet A", "Exchange", "...", event=event)
    russian = article("Outlet R", "Обмен", "...", event=event)
    Article.objects.filter(id=russian.id).update(language="ru")
    first, second = add_claims(english, NO_SHOW[:2], event)
    (third,) = add_claims(russian, NO_SHOW[2:], event)
    Claim.objects.filter(id=first.id).update(places=["Kyiv", "Istanbul"], speaker_normalized="Vladimir Medinsky")
    Claim.objects.filter(id=second.id).update(places=["Kyiv"])
    Claim.objects.filter(id=third.id).update(places=["Kyiv", "Istanbul"], speaker_normalized="")

    cluster.refresh_event(event)

    assert sorted(event.languages) == ["", "ru"]
    assert event.entities == ["Kyiv", "Istanbul"]          # 3 and 2 mentions; the speaker's 1 is past the limit
    stored = Event.objects.get(id=event.id)
    assert (sorted(stored.languages), stored.entities) == (["", "ru"], ["Kyiv", "Istanbul"])

    Article.objects.filter(id=russian.id).delete()       # what a curator's move leaves behind, then refreshed
    cluster.refresh_event(event)
    assert (event.languages, event.entities) == ([""], ["Kyiv", "Istanbul"])


@pytest.mark.django_db
def test_a_large_event_is_refreshed_in_full_only_after_it_has_grown_by_the_set_share(monkeypatch):
    monkeypatch.setattr(cluster, "REFRESH_IN_FULL_UNDER", 3)
    monkeypatch.setattr(cluster, "REFRESH_GROWTH", 0.5)
    event = Event.objects.create(title="POW exchange")
    add_claims(article("Outlet A", "Exchange", "...", event=event), NO_SHOW[:2], event)
    sizes: dict[int, int] = {}
    assert cluster.refresh_event_while_placing(event, sizes)      # first time: in full
    assert sizes == {event.id: 2}
    add_claims(article("Outlet B", "Exchange", "...", event=event), NO_SHOW[2:], event)
    assert cluster.refresh_event_while_placing(event, sizes)      # 2 claims: under the size for light refreshes
    assert sizes == {event.id: 3}
    centroid = Event.objects.get(id=event.id).centroid

    later = article("Outlet R", "Обмен", "...", when=WHEN + timedelta(hours=5), event=event)
    Article.objects.filter(id=later.id).update(language="ru")
    (vehicles,) = add_claims(later, VEHICLES[:1], event)
    Claim.objects.filter(id=vehicles.id).update(places=["Donetsk"])
    assert not cluster.refresh_event_while_placing(event, sizes)  # 4 < 3 * 1.5: from the articles only
    stored = Event.objects.get(id=event.id)
    assert (stored.claim_count, stored.outlet_count, stored.last_seen) == (4, 3, WHEN + timedelta(hours=5))
    assert sorted(stored.languages) == ["", "ru"] and (event.claim_count, event.last_seen) == (4, stored.last_seen)
    assert list(stored.centroid) == list(centroid) and "Donetsk" not in stored.entities  # read at 3 claims

    add_claims(article("Outlet C", "Vehicles", "...", event=event), VEHICLES[1:], event)
    assert cluster.refresh_event_while_placing(event, sizes)      # 5 >= 4.5: in full again
    stored = Event.objects.get(id=event.id)
    assert stored.claim_count == 5 and "Donetsk" in stored.entities
    assert list(stored.centroid) != list(centroid)


def test_shared_places_and_speakers_decide_between_equally_near_events():
    # Neither event needs the database: the languages and entities travel on the event rows.
    plain = Event(id=1, title="Exchange", languages=["en"], entities=["Geneva"])
    named = Event(id=2, title="Exchange", languages=["en"], entities=["Istanbul", "Vladimir Medinsky"])
    for candidate in (plain, named):
        candidate.distance, candidate.xdistance = 1 - (cluster.EVENT_SIMILARITY + 0.01), None
    new = Article(title="Exchange", text="...", language="en")
    claims = [Claim(text=NO_SHOW[0], places=["istanbul"], speaker_normalized="Vladimir Medinsky")]

    assert cluster._score_candidates(new, claims, [plain, named], []) is named
    assert cluster._score_candidates(new, claims, [plain], []) is plain
    far = Event(id=3, title="Other", languages=["en"], entities=["Istanbul"])
    far.distance, far.xdistance = 1 - (cluster.EVENT_SIMILARITY - 4 * cluster.PLACE_BONUS), None
    assert cluster._score_candidates(new, claims, [far], []) is None   # the bonus is capped at 3
