"""Read queries shared by the web UI, the API, the exports and the admin preview.

``event_comparison`` is the one place the side-by-side matrix is computed. Every selector
here returns rows ready to present with a bounded number of queries (no lazy loads per row):
large columns nobody displays (embeddings, full article text) are deferred.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import timezone as dt_timezone
from itertools import groupby
from operator import itemgetter

from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from comparer.models import Article, Claim, ClaimRelation, Event, Outlet

ROW_MERGE_MIN_SCORE = 0.6   # contradictions this confident can pair two claims' clusters into one row
ROW_STATUS_ORDER = {"contradict": 0, "agree": 1, "discusses": 2, "related": 3, "single": 4}
COLUMN_ORDERS = ("first_report", "name", "claims")
EVENT_ORDERS = ("contested", "newest")

# Columns of a claim row (and its article) that pages never display; loading them for thousands
# of claims would cost more than the rest of the page.
CLAIM_HEAVY_FIELDS = ("embedding", "xvector", "article__text", "article__standfirst", "article__metadata",
                      "article__outlet__notes")


@dataclass
class OutletColumn:
    outlet: Outlet
    first_report_at: datetime | None
    article_ids: list[int]
    is_first_reporter: bool = False
    articles: list[Article] = field(default_factory=list)
    claim_count: int = 0
    copies_from: list[str] = field(default_factory=list)   # outlets whose articles this one syndicates


def _evidence(relation) -> tuple:
    """What a contradiction's reason line shows: its reason, the two figures, the two words."""
    details = relation.details or {}
    a, b = details.get("a"), details.get("b")
    figures = ((a.get("text", a.get("value")), b.get("text", b.get("value")))
               if isinstance(a, dict) and isinstance(b, dict) else ())
    words = details.get("words")
    return relation.reason, repr(figures), repr(words if isinstance(words, list) else ())


@dataclass
class ComparisonRow:
    key: str
    label: str
    cluster_ids: list[int]
    cells: list[list]                   # per outlet column (same order as ``outlets``): Claim or ComparisonClaim
    relations: list = field(default_factory=list)   # ClaimRelation or ComparisonRelation
    status: str = "single"              # contradict | agree | discusses | related | single
    outlet_count: int = 0               # columns with at least one claim in this row
    independent_outlet_count: int = 0   # the same, counting a syndicated copy as its original's outlet
    figures: dict[int, list[str]] = field(default_factory=dict)  # claim id -> mismatching figures to highlight
    columns: list[OutletColumn] = field(default_factory=list, repr=False)  # the comparison's outlets, shared

    @property
    def copy_outlet_count(self) -> int:
        """Columns here only because they republish another column's article."""
        return max(0, self.outlet_count - self.independent_outlet_count)

    @property
    def labelled_cells(self):
        """(column, claims) pairs, for templates that label each cell with its outlet."""
        return zip(self.columns, self.cells)

    @property
    def contradictions(self) -> list[ClaimRelation]:
        return [r for r in self.relations if r.label == ClaimRelation.Label.CONTRADICT]

    @property
    def distinct_contradictions(self) -> list[ClaimRelation]:
        """One contradiction per distinct reason and evidence (the figures or words a reader is
        shown, not the model's probabilities), most confident first."""
        seen, distinct = set(), []
        for relation in self.contradictions:
            key = _evidence(relation)
            if key not in seen:
                seen.add(key)
                distinct.append(relation)
        return distinct

    @property
    def agreements(self) -> list[ClaimRelation]:
        return [r for r in self.relations if r.label == ClaimRelation.Label.AGREE]


@dataclass(eq=False, slots=True)
class ComparisonClaim:
    """What a page of the comparison shows of a claim: its display fields and its (shared) article.

    ``event_comparison`` with a ``row_limit`` (the web page) fills cells with these instead of
    ``Claim`` instances: a page holds hundreds of claims, and building ORM instances for them
    cost more than the rest of the page. The attribute names are the model's, so templates and
    exports read either kind."""
    id: int
    article_id: int
    cluster_id: int | None
    position: int
    char_start: int
    char_end: int
    text: str
    speaker: str
    channel: str
    is_headline: bool
    is_checkworthy: bool
    is_quote: bool
    language: str = ""
    article: Article | None = None


@dataclass(eq=False, slots=True)
class ComparisonRelation:
    """A relation as a page of the comparison shows it (see ``ComparisonClaim``)."""
    id: int
    claim_a_id: int
    claim_b_id: int
    label: str
    score: float
    reason: str
    details: dict
    set_by: str
    claim_a: ComparisonClaim | None = None
    claim_b: ComparisonClaim | None = None

    @classmethod
    def from_row(cls, values) -> ComparisonRelation:
        relation = cls(*values)
        if isinstance(relation.details, str):  # jsonb arrives as text from a plain cursor
            relation.details = json.loads(relation.details)
        return relation

    def get_reason_display(self) -> str:
        return _REASON_LABELS.get(self.reason, self.reason)


@dataclass
class EventComparison:
    event: Event
    outlets: list[OutletColumn]
    rows: list[ComparisonRow]
    relations: list[ClaimRelation]
    syndicated: dict[int, int]          # copy article id -> original article id
    column_order: str = "first_report"
    total_rows: int = 0                 # rows before the "only disagreements" filter
    row_count: int = 0                  # rows after it, before ``row_offset``/``row_limit``
    row_offset: int = 0
    article_claim_counts: dict[int, int] = field(default_factory=dict)   # shown claims per article
    contradicted_article_ids: set[int] = field(default_factory=set)     # articles with a claim in a contradict row

    @property
    def contradict_row_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "contradict")


def _pair_groups(evidence: dict[tuple[int, int], list[float]]) -> dict[int, int]:
    """Which claim group shares its row with which: each group with at most one other, the
    counterpart it contradicts most strongly that is still free (a greedy maximum-weight matching).

    ``evidence`` maps a pair of groups (smaller key first) to the scores of the confident
    contradictions between their claims; a pair's strength is their sum (more claim pairs judged
    contradictory, by more outlets, is stronger evidence than one confident pair), then its best
    score. Pairing, not joining connected groups, keeps a row to one proposition and its
    contradiction: a cluster contradicted by several others no longer pulls all of them, and
    theirs, into one row. Returns group -> partner, both ways.
    """
    strongest = sorted(evidence.items(), key=lambda item: (-sum(item[1]), -max(item[1]), item[0]))
    partner: dict[int, int] = {}
    for (group_a, group_b), _ in strongest:
        if group_a not in partner and group_b not in partner:
            partner[group_a], partner[group_b] = group_b, group_a
    return partner


def _fetch_sql(sql: str, params) -> list[tuple]:
    """Rows as the driver returns them: plain tuples, no per-row ORM work."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _mismatch_figures(relation) -> tuple[str | None, str | None]:
    """The two figure texts of a numeric-mismatch relation, in (claim_a, claim_b) order."""
    details = relation.details or {}
    a, b = details.get("a"), details.get("b")
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return None, None
    return a.get("text"), b.get("text")


# What a comparison shows of a claim; the rest (vectors, parsed figures, hashes) stays in the database
# until a caller asks for it.
CLAIM_DISPLAY_FIELDS = ("id", "article_id", "event_id", "cluster_id", "cluster_locked", "position", "char_start",
                        "char_end", "text", "is_headline", "is_checkworthy", "speaker", "channel", "is_quote",
                        "language")
ARTICLE_COLUMNS = ("id", "outlet_id", "title", "url", "published_at", "syndicated_copy_of_id", "event_id",
                   "outlet__id", "outlet__name", "outlet__slug", "outlet__country", "outlet__domain",
                   "outlet__language", "outlet__is_sample")

_CLAIM = Claim._meta.db_table
_ARTICLE = Article._meta.db_table
_RELATION = ClaimRelation._meta.db_table
_SHOWN = "(c.is_checkworthy OR c.is_headline OR NOT %(checkworthy_only)s)"

# The layout's input in one round trip: the event's shown claims as (id, article, cluster, position),
# then its judged relations as (claim_a, claim_b, label, score, id). Sorting happens in Python, where
# the articles' order is known (a sort here, on 12,000 mixed rows, costs more).
_LAYOUT_SQL = f"""
SELECT 0, c.id, c.article_id, c.cluster_id, c.position, NULL, NULL::float8
  FROM {_CLAIM} c
 WHERE c.event_id = %(event)s AND {_SHOWN}
UNION ALL
SELECT 1, r.claim_a_id, r.claim_b_id, r.id, NULL, r.label, r.score
  FROM {_RELATION} r
 WHERE r.event_id = %(event)s AND r.label <> 'unrelated'
"""

# One page of rows: the claims of the page's groups (clusters, or single unclustered claims), and
# the page's relations by id (the layout already knows which they are).
_PAGE_CLAIMS_SQL = f"""
SELECT c.id, c.article_id, c.cluster_id, c.position, c.char_start, c.char_end, c.text, c.speaker, c.channel,
       c.is_headline, c.is_checkworthy, c.is_quote, c.language
  FROM {_CLAIM} c
 WHERE c.event_id = %(event)s AND {_SHOWN} AND (c.cluster_id = ANY(%(clusters)s) OR c.id = ANY(%(singles)s))
"""
_PAGE_RELATIONS_SQL = f"""
SELECT r.id, r.claim_a_id, r.claim_b_id, r.label, r.score, r.reason, r.details, r.set_by
  FROM {_RELATION} r
 WHERE r.id = ANY(%(relations)s::bigint[])
"""
# Agreements across languages (the same figure in one quantity frame), which the page shows even
# when it loads only contradictions: without them a Russian cell could only say "not judged".
_PAGE_CROSS_LANGUAGE_SQL = f"""
SELECT r.id, r.claim_a_id, r.claim_b_id, r.label, r.score, r.reason, r.details, r.set_by
  FROM {_RELATION} r
 WHERE r.event_id = %(event)s AND r.label = 'agree' AND r.details ? 'cross_language'
   AND r.claim_a_id = ANY(%(claims)s::bigint[]) AND r.claim_b_id = ANY(%(claims)s::bigint[])
"""
_REASON_LABELS = dict(ClaimRelation.Reason.choices)


def event_comparison(*, event_id: int, only_disagreements: bool = False, checkworthy_only: bool = True,
                     column_order: str = "first_report", row_offset: int = 0, row_limit: int | None = None,
                     contradictions_only: bool = False) -> EventComparison:
    """The side-by-side matrix: outlet columns (by first report), one row per proposition.

    Rows are claim clusters; a cluster confidently contradicted by another shares one row with
    its strongest such counterpart (``_pair_groups``: at most two clusters a row, never a chain),
    so the conflicting claims sit side by side. Contradict rows come first, then agree,
    discusses, related (several outlets, no judgement) and single-source rows. ``column_order`` is
    ``first_report`` (default), ``name`` or ``claims`` (most claims first).

    The layout is computed from ids and flags only; full claim and relation rows are loaded just
    for the rows returned, so ``row_offset``/``row_limit`` (one page of rows) keep a 6,000-claim
    event cheap. Without a limit every row is returned, cells hold ``Claim`` instances and
    ``relations`` holds all the event's relations as ``ClaimRelation`` instances (three queries:
    event, claims, relations). With a limit (the web page) cells hold ``ComparisonClaim`` and
    rows ``ComparisonRelation`` objects, plain rows with the models' attribute names, and
    ``relations`` holds the returned rows' relations (five queries: event, the layout's ids,
    articles, the page's claims, their relations). ``contradictions_only`` loads just the
    contradict relations into rows (what the web page shows; statuses are unaffected).
    """
    if column_order not in COLUMN_ORDERS:
        raise ValueError(f"unknown column order {column_order!r}; use one of {', '.join(COLUMN_ORDERS)}")
    event = get_object_or_404(Event.objects.defer("centroid", "xcentroid"), id=event_id)
    far = datetime.max.replace(tzinfo=dt_timezone.utc)
    full_load = row_limit is None
    if full_load:  # every row wanted: load each claim and relation once and derive the layout from them
        all_claims = list(Claim.objects.filter(event_id=event_id).select_related("article", "article__outlet")
                          .only(*CLAIM_DISPLAY_FIELDS, *(f"article__{name}" for name in ARTICLE_COLUMNS)))
        articles: dict[int, Article] = {}
        for claim in all_claims:  # one Article object per article, shared by its claims
            claim.article = articles.setdefault(claim.article_id, claim.article)
        all_claims.sort(key=lambda c: (articles[c.article_id].published_at or far, c.article_id, c.position, c.id))
        # (id, article_id, cluster_id) of the claims shown, in reading order
        shown = [(c.id, c.article_id, c.cluster_id) for c in all_claims
                 if c.is_checkworthy or c.is_headline or not checkworthy_only]
        all_relations = list(ClaimRelation.objects.filter(event_id=event_id)
                             .exclude(label=ClaimRelation.Label.UNRELATED).order_by("-score", "id"))
        relation_skeleton = [(r.claim_a_id, r.claim_b_id, r.label, r.score, r.id) for r in all_relations]
        original_outlets = {}
        originals_elsewhere = {a.syndicated_copy_of_id for a in articles.values()
                               if a.syndicated_copy_of_id and a.syndicated_copy_of_id not in articles}
        if originals_elsewhere:
            original_outlets = dict(Article.objects.filter(id__in=originals_elsewhere).values_list("id", "outlet_id"))
    else:
        articles = {a.id: a for a in Article.objects.filter(id__in=Claim.objects.filter(event_id=event_id)
                                                            .values("article_id"))
                    .select_related("outlet").only(*ARTICLE_COLUMNS)
                    .annotate(original_outlet_id=F("syndicated_copy_of__outlet_id"))}
        original_outlets = {a.syndicated_copy_of_id: a.original_outlet_id for a in articles.values()
                            if a.syndicated_copy_of_id}
        # Plain tuples straight from the cursor (this holds every claim and relation of the event).
        claim_rows, relation_skeleton = [], []
        for kind, x, y, z, position, label, score in _fetch_sql(
                _LAYOUT_SQL, {"event": event_id, "checkworthy_only": checkworthy_only}):
            if kind == 0:
                claim_rows.append((y, position, x, z))
            else:
                relation_skeleton.append((x, y, label, score, z))
        # Reading order: by article (first report first), then sentence; a C-level sort and one
        # pass over the runs of each article rather than a Python key per claim.
        claim_rows.sort()
        runs = {article_id: list(run) for article_id, run in groupby(claim_rows, key=itemgetter(0))}
        shown = [(claim_id, article_id, cluster_id)
                 for article in sorted(articles.values(), key=lambda a: (a.published_at or far, a.id))
                 for article_id, _, claim_id, cluster_id in runs.get(article.id, ())]

    columns: dict[int, OutletColumn] = {}
    syndicated: dict[int, int] = {}
    for article in sorted(articles.values(), key=lambda a: (a.published_at or far, a.id)):
        column = columns.get(article.outlet_id)
        if column is None:
            columns[article.outlet_id] = column = OutletColumn(article.outlet, article.published_at, [])
        column.article_ids.append(article.id)
        column.articles.append(article)
        if article.syndicated_copy_of_id:
            syndicated[article.id] = article.syndicated_copy_of_id
        if article.published_at and (column.first_report_at is None or article.published_at < column.first_report_at):
            column.first_report_at = article.published_at
    outlet_of_article = {article_id: article.outlet_id for article_id, article in articles.items()}
    for original_id, outlet_id in original_outlets.items():
        outlet_of_article.setdefault(original_id, outlet_id)
    for copy_id, original_id in syndicated.items():
        original_column = columns.get(outlet_of_article.get(original_id))
        copy_column = columns[outlet_of_article[copy_id]]
        name = original_column.outlet.name if original_column else "another outlet"
        if name not in copy_column.copies_from:
            copy_column.copies_from.append(name)

    article_claim_counts = Counter(c[1] for c in shown)
    for article_id, count in article_claim_counts.items():
        columns[outlet_of_article[article_id]].claim_count += count
    by_first_report = sorted(columns.values(),
                             key=lambda c: (c.first_report_at is None, c.first_report_at or far, c.outlet.name))
    if by_first_report and by_first_report[0].first_report_at:
        by_first_report[0].is_first_reporter = True
    if column_order == "name":
        outlets = sorted(columns.values(), key=lambda c: c.outlet.name.lower())
    elif column_order == "claims":
        outlets = sorted(columns.values(), key=lambda c: (-c.claim_count, c.outlet.name.lower()))
    else:
        outlets = by_first_report
    if checkworthy_only:
        outlets = [c for c in outlets if c.claim_count]
    column_index = {column.outlet.id: index for index, column in enumerate(outlets)}

    # Claim groups: the claim's cluster, or the claim itself (negative id) when unclustered.
    group_of = {claim_id: (cluster_id if cluster_id else -claim_id) for claim_id, _, cluster_id in shown}
    # Relations summarised per pair of claim groups: the layout needs only which labels link which
    # groups, and how confidently.
    group_pairs: dict[tuple, float] = {}
    contradictions: dict[tuple[int, int], list[float]] = {}   # confident ones between two groups
    for claim_a_id, claim_b_id, label, score, _ in relation_skeleton:
        group_a, group_b = group_of.get(claim_a_id), group_of.get(claim_b_id)
        if group_a is not None and group_b is not None:
            key = (group_a, group_b, label)
            if score > group_pairs.get(key, -1.0):
                group_pairs[key] = score
            if label == ClaimRelation.Label.CONTRADICT and score >= ROW_MERGE_MIN_SCORE and group_a != group_b:
                contradictions.setdefault((min(group_a, group_b), max(group_a, group_b)), []).append(score)
    partner = _pair_groups(contradictions)

    # Layout pass on ids: which claims each row holds, the labels judged inside it, its status.
    layout: dict[int, dict] = {}
    source_of_article = {article_id: outlet_of_article.get(syndicated[article_id], outlet)
                         if article_id in syndicated else outlet for article_id, outlet in outlet_of_article.items()}
    row_of_group = {}
    for claim_id, article_id, _ in shown:
        group = group_of[claim_id]
        root = row_of_group.get(group)
        if root is None:
            row_of_group[group] = root = min(group, partner.get(group, group))
        entry = layout.get(root)
        if entry is None:
            layout[root] = entry = {"claims": [], "groups": {}, "labels": set(), "outlets": set(), "sources": set()}
        entry["groups"][group] = None
        entry["claims"].append(claim_id)
        entry["outlets"].add(outlet_of_article[article_id])
        entry["sources"].add(source_of_article[article_id])
    for group_a, group_b, label in group_pairs:
        root = row_of_group[group_a]
        if root == row_of_group[group_b]:
            layout[root]["labels"].add(label)
    ordered = []
    for root, entry in layout.items():
        labels = entry["labels"]
        status = next((s for s in ("contradict", "agree", "discusses") if s in labels),
                      "related" if len(entry["sources"]) > 1 else "single")
        ordered.append((ROW_STATUS_ORDER[status], -len(entry["sources"]), -len(entry["outlets"]), root, status))
    total_rows = len(ordered)
    if only_disagreements:
        ordered = [item for item in ordered if item[4] == "contradict"]
    # Ties keep first-appearance order (dicts keep insertion order; the sort is stable).
    ordered.sort(key=lambda item: item[:3])
    row_count = len(ordered)
    page = ordered[row_offset:row_offset + row_limit] if row_limit is not None else ordered[row_offset:]

    # Full rows for what is returned.
    if full_load:
        claim_by_id = {c.id: c for c in all_claims}
        relations = [r for r in all_relations
                     if not contradictions_only or r.label == ClaimRelation.Label.CONTRADICT]
        missing = {cid for r in relations for cid in (r.claim_a_id, r.claim_b_id) if cid not in claim_by_id}
        if missing:  # a relation whose claim has since moved to another event
            claim_by_id.update({c.id: c for c in Claim.objects.filter(id__in=missing)
                                .select_related("article", "article__outlet").defer(*CLAIM_HEAVY_FIELDS)})
    else:
        page_roots = {root for *_, root, _ in page}
        page_groups = [group for root in page_roots for group in layout[root]["groups"]]
        wanted = {ClaimRelation.Label.CONTRADICT} if contradictions_only else set(ClaimRelation.Label.values)
        page_relations = [relation_id for claim_a_id, claim_b_id, label, _, relation_id in relation_skeleton
                          if label in wanted and (root := row_of_group.get(group_of.get(claim_a_id))) in page_roots
                          and root == row_of_group.get(group_of.get(claim_b_id))]
        params = {"event": event_id, "checkworthy_only": checkworthy_only,
                  "clusters": [g for g in page_groups if g > 0], "singles": [-g for g in page_groups if g < 0],
                  # a literal: binding a list makes the driver dump every id on its own
                  "relations": "{" + ",".join(map(str, page_relations)) + "}"}
        claim_by_id = {}
        for values in _fetch_sql(_PAGE_CLAIMS_SQL, params):
            claim = ComparisonClaim(*values)
            claim.article = articles[claim.article_id]
            claim_by_id[claim.id] = claim
        # Both filters only matter when a write lands between these queries (each sees the latest commit).
        relations = [relation for relation in map(ComparisonRelation.from_row, _fetch_sql(_PAGE_RELATIONS_SQL, params))
                     if relation.claim_a_id in claim_by_id and relation.claim_b_id in claim_by_id]
        if contradictions_only and len({claim.language for claim in claim_by_id.values()}) > 1:
            claim_ids = "{" + ",".join(map(str, claim_by_id)) + "}"
            relations += list(map(ComparisonRelation.from_row,
                                  _fetch_sql(_PAGE_CROSS_LANGUAGE_SQL, {"event": event_id, "claims": claim_ids})))
        relations.sort(key=lambda r: (-r.score, r.id))
        for root in page_roots:
            layout[root]["claims"] = [cid for cid in layout[root]["claims"] if cid in claim_by_id]
    for relation in relations:  # attach the loaded claims so callers reading relation.claim_a cost no query
        relation.claim_a = claim_by_id[relation.claim_a_id]
        relation.claim_b = claim_by_id[relation.claim_b_id]
    relations_of_row: dict[int, list] = {}
    for relation in relations:
        root = row_of_group.get(group_of.get(relation.claim_a_id))
        if root is not None and root == row_of_group.get(group_of.get(relation.claim_b_id)):
            relations_of_row.setdefault(root, []).append(relation)
    if row_limit is not None:  # claims of two different rows may both be on this page
        relations = [r for rows_relations in relations_of_row.values() for r in rows_relations]

    rows = []
    for _, _, _, root, status in page:
        entry = layout[root]
        row = ComparisonRow(key=f"row-{root}" if root > 0 else f"row-claim-{-root}", label="", cluster_ids=[],
                            cells=[[] for _ in outlets], status=status, outlet_count=len(entry["outlets"]),
                            independent_outlet_count=len(entry["sources"]), columns=outlets)
        for claim_id in entry["claims"]:
            claim = claim_by_id[claim_id]
            if not row.label:
                row.label = claim.text
            if claim.cluster_id and claim.cluster_id not in row.cluster_ids:
                row.cluster_ids.append(claim.cluster_id)
            row.cells[column_index[outlet_of_article[claim.article_id]]].append(claim)
        row.relations = relations_of_row.get(root, [])
        row.relations.sort(key=lambda r: (r.label != ClaimRelation.Label.CONTRADICT, -r.score))
        for relation in row.contradictions:
            figure_a, figure_b = _mismatch_figures(relation)
            for claim_id, figure in ((relation.claim_a_id, figure_a), (relation.claim_b_id, figure_b)):
                if figure and figure not in row.figures.setdefault(claim_id, []):
                    row.figures[claim_id].append(figure)
        rows.append(row)
    article_of = {claim_id: article_id for claim_id, article_id, _ in shown}
    contradicted_articles = {article_of[cid] for *_, root, status in ordered if status == "contradict"
                             for cid in layout[root]["claims"]}
    return EventComparison(event=event, outlets=outlets, rows=rows, relations=relations, syndicated=syndicated,
                           column_order=column_order, total_rows=total_rows, row_count=row_count,
                           row_offset=row_offset, article_claim_counts=dict(article_claim_counts),
                           contradicted_article_ids=contradicted_articles)


_EVENT = Event._meta.db_table
_OUTLET = Outlet._meta.db_table
# Fingerprint of a set of row versions. PostgreSQL gives every row version a new (xmin, ctid) pair,
# whatever wrote it (ORM save, queryset update, bulk_update, raw SQL; a rolled-back writer leaves
# none), and a row updated twice in one transaction still moves to a new ctid. An order-independent
# sum of a 64-bit hash of each pair, with the count, changes when a row is inserted, updated or
# deleted, and costs little more than reading the rows' headers.
_VERSIONS_OF = "count(*) || '.' || coalesce(sum(hashtextextended(v, 0)), 0)"
_VERSION_SQL = f"""
WITH claims AS (
    SELECT article_id, count(*) AS n, sum(hashtextextended(xmin::text || ctid::text, 0)) AS h
      FROM {_CLAIM} WHERE event_id = %(event)s GROUP BY article_id),
articles AS (
    SELECT outlet_id, syndicated_copy_of_id, xmin::text || ctid::text AS v
      FROM {_ARTICLE} WHERE id IN (SELECT article_id FROM claims)),
originals AS (
    SELECT outlet_id, xmin::text || ctid::text AS v
      FROM {_ARTICLE} WHERE id IN (SELECT syndicated_copy_of_id FROM articles)),
outlets AS (
    SELECT xmin::text || ctid::text AS v
      FROM {_OUTLET} WHERE id IN (SELECT outlet_id FROM articles UNION SELECT outlet_id FROM originals)),
relations AS (
    SELECT xmin::text || ctid::text AS v FROM {_RELATION} WHERE event_id = %(event)s),
story_root AS (
    SELECT coalesce(story_id, id) AS id FROM {_EVENT} WHERE id = %(event)s),
story AS (
    SELECT xmin::text || ctid::text AS v FROM {_EVENT}
     WHERE id = (SELECT id FROM story_root) OR story_id = (SELECT id FROM story_root))
SELECT (SELECT xmin::text || ctid::text FROM {_EVENT} WHERE id = %(event)s),
       (SELECT coalesce(sum(n), 0) || '.' || coalesce(sum(h), 0) FROM claims),
       (SELECT {_VERSIONS_OF} FROM articles),
       (SELECT {_VERSIONS_OF} FROM originals),
       (SELECT {_VERSIONS_OF} FROM outlets),
       (SELECT {_VERSIONS_OF} FROM relations),
       (SELECT {_VERSIONS_OF} FROM story)
"""


def event_comparison_version(*, event_id: int) -> str | None:
    """A fingerprint of every row ``event_comparison`` reads for this event, or None if there is no
    such event (one query).

    It changes whenever any of those rows is inserted, updated or deleted, by whatever means: the
    event, its claims, the claims' articles and the originals they syndicate, those articles'
    outlets, the event's relations, and the other parts of its running story (listed on the page). Caches of a comparison key on it, so a curator's edit or
    a pipeline run is seen by the very next request. Read it before the comparison itself: each
    statement sees the latest commit, so the comparison is then never older than its key.
    """
    row = _fetch_sql(_VERSION_SQL, {"event": event_id})[0]
    if row[0] is None:
        return None
    return ":".join(row)


# --- events list ---------------------------------------------------------------------------------

@dataclass
class CoverageSlice:
    outlet_id: int
    outlet_name: str
    outlet_slug: str
    claims: int
    share: float    # 0..1 of the event's claims


def event_list(*, outlet_id: int | None = None, has_contradictions: bool = False, country: str = "",
               date_from: date | None = None, date_to: date | None = None, order: str = "contested",
               language: str = "", story_id: int | None = None) -> QuerySet[Event]:
    """Events for the list page and the API. ``order``: ``contested`` (most contradictions, then
    newest) or ``newest`` (latest report first, then most contradictions). Dates filter on overlap:
    an event reported from 6 to 9 June is in the range 8-10 June. ``story_id``: the parts of the
    running story whose first event that is (``pipeline.stories``). Each event carries
    ``later_parts``: how many parts continue it (0 unless it is a story's first event)."""
    if order not in EVENT_ORDERS:
        raise ValueError(f"unknown event order {order!r}; use one of {', '.join(EVENT_ORDERS)}")
    later_parts = (Event.objects.filter(story_id=OuterRef("pk")).order_by().values("story_id")
                   .annotate(n=Count("id")).values("n"))
    events = Event.objects.defer("centroid", "xcentroid").annotate(later_parts=Coalesce(Subquery(later_parts), 0))
    if story_id:
        events = events.filter(Q(id=story_id) | Q(story_id=story_id))
    if outlet_id:
        events = events.filter(id__in=Article.objects.filter(outlet_id=outlet_id).values("event_id"))
    if country:
        events = events.filter(id__in=Article.objects.filter(outlet__country__iexact=country).values("event_id"))
    if language:  # events with an article in this language
        events = events.filter(id__in=Article.objects.filter(language__iexact=language).values("event_id"))
    if has_contradictions:
        events = events.filter(contradict_count__gt=0)
    if date_from:
        events = events.filter(Q(last_seen__date__gte=date_from) | Q(last_seen__isnull=True, first_seen__date__gte=date_from))
    if date_to:
        events = events.filter(first_seen__date__lte=date_to)
    if order == "newest":
        return events.order_by(F("last_seen").desc(nulls_last=True), "-contradict_count", "-id")
    return events.order_by("-contradict_count", F("last_seen").desc(nulls_last=True), "-id")


def event_coverage(*, event_ids: list[int]) -> dict[int, list[CoverageSlice]]:
    """Claims per outlet for each event, largest first: the coverage bars on the events list (one query)."""
    counts = (Claim.objects.filter(event_id__in=event_ids)
              .values("event_id", "article__outlet_id", "article__outlet__name", "article__outlet__slug")
              .annotate(n=Count("id")).order_by("event_id", "-n", "article__outlet__name"))
    coverage: dict[int, list[CoverageSlice]] = {event_id: [] for event_id in event_ids}
    for item in counts:
        coverage[item["event_id"]].append(CoverageSlice(item["article__outlet_id"], item["article__outlet__name"],
                                                        item["article__outlet__slug"], item["n"], 0.0))
    for slices in coverage.values():
        total = sum(s.claims for s in slices) or 1
        for s in slices:
            s.share = s.claims / total
    return coverage


def story_parts(event: Event) -> list[Event]:
    """The parts of the running story the event belongs to, first report first; [] when it stands alone."""
    from comparer.pipeline import stories

    parts = stories.parts(event)
    return parts if len(parts) > 1 else []


def outlet_choices() -> list[Outlet]:
    return list(Outlet.objects.only("id", "name", "slug", "country").order_by("name"))


def language_choices() -> list[str]:
    """The language codes of stored articles, for the language filters."""
    return list(Article.objects.exclude(language="").order_by("language").values_list("language", flat=True).distinct())


def country_choices() -> list[str]:
    return list(Outlet.objects.exclude(country="").order_by("country").values_list("country", flat=True).distinct())


# --- claims and articles -------------------------------------------------------------------------

def claim_relations(*, claim_id: int) -> QuerySet[ClaimRelation]:
    return (ClaimRelation.objects.filter(Q(claim_a_id=claim_id) | Q(claim_b_id=claim_id))
            .select_related("claim_a__article__outlet", "claim_b__article__outlet")
            .defer("claim_a__embedding", "claim_b__embedding", "claim_a__xvector", "claim_b__xvector", "claim_a__article__text", "claim_b__article__text",
                   "claim_a__article__metadata", "claim_b__article__metadata"))


@dataclass
class RelatedClaim:
    relation: ClaimRelation
    other: Claim


@dataclass
class ClaimDetail:
    claim: Claim
    context_before: str
    context_after: str
    cluster_claims: list[Claim]          # the same proposition, other articles
    relations: list[RelatedClaim]        # contradictions first
    similar: list[Claim]                 # nearest claims elsewhere (pgvector)


CONTEXT_CHARS = 400


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to CONTEXT_CHARS of article text on each side of a claim, cut at a paragraph or word."""
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS:
        cut = before.find("\n")
        before = "… " + (before[cut + 1:] if cut != -1 else before.split(" ", 1)[-1])
    if end + CONTEXT_CHARS < len(text):
        cut = after.rfind("\n")
        after = (after[:cut] if cut > 0 else after.rsplit(" ", 1)[0]) + " …"
    return before, after


def claim_detail(*, claim_id: int, similar_limit: int = 8) -> ClaimDetail:
    from comparer.search import similar_claims

    claim = get_object_or_404(Claim.objects.select_related("article", "article__outlet", "event", "cluster")
                              .defer("article__metadata", "event__centroid", "event__xcentroid", "cluster__centroid"), id=claim_id)
    article = claim.article
    if claim.is_headline:
        before, after = "", ""
    else:
        before, after = _context(article.text, claim.char_start, claim.char_end)
    cluster_claims = []
    if claim.cluster_id:
        cluster_claims = list(Claim.objects.filter(cluster_id=claim.cluster_id).exclude(id=claim.id)
                              .select_related("article", "article__outlet").defer(*CLAIM_HEAVY_FIELDS)
                              .order_by("article__published_at", "id"))
    related = []
    for relation in claim_relations(claim_id=claim.id).exclude(label=ClaimRelation.Label.UNRELATED):
        other = relation.claim_b if relation.claim_a_id == claim.id else relation.claim_a
        related.append(RelatedClaim(relation, other))
    related.sort(key=lambda r: (r.relation.label != ClaimRelation.Label.CONTRADICT,
                                r.relation.label != ClaimRelation.Label.AGREE, -r.relation.score))
    similar = similar_claims(claim, limit=similar_limit)
    return ClaimDetail(claim, before, after, cluster_claims, related, similar)


@dataclass
class TextSegment:
    text: str
    claim: Claim | None = None
    contradictions: int = 0


@dataclass
class ArticleDetail:
    article: Article
    headline_claim: Claim | None
    segments: list[TextSegment]
    claims: list[Claim]
    copies: list[Article]


def article_detail(*, article_id: int) -> ArticleDetail:
    """The article text cut into plain and claim segments, so the page can highlight and link
    each claim while escaping every character of the (untrusted) text."""
    article = get_object_or_404(Article.objects.select_related("outlet", "event", "syndicated_copy_of__outlet")
                                .defer("event__centroid", "event__xcentroid", "syndicated_copy_of__text"), id=article_id)
    claims = list(Claim.objects.filter(article_id=article.id).defer("embedding", "xvector").order_by("position"))
    contradictions = dict(
        Claim.objects.filter(article_id=article.id)
        .annotate(n=Count("relations_as_a", filter=Q(relations_as_a__label="contradict"), distinct=True)
                  + Count("relations_as_b", filter=Q(relations_as_b__label="contradict"), distinct=True))
        .values_list("id", "n"))
    headline = next((c for c in claims if c.is_headline), None)
    segments, cursor, text = [], 0, article.text
    for claim in sorted((c for c in claims if not c.is_headline), key=lambda c: c.char_start):
        if claim.char_start < cursor or claim.char_end > len(text):
            continue  # overlapping or stale offsets: show the text plainly rather than garble it
        if claim.char_start > cursor:
            segments.append(TextSegment(text[cursor:claim.char_start]))
        segments.append(TextSegment(text[claim.char_start:claim.char_end], claim, contradictions.get(claim.id, 0)))
        cursor = claim.char_end
    if cursor < len(text):
        segments.append(TextSegment(text[cursor:]))
    copies = list(Article.objects.filter(syndicated_copy_of_id=article.id).select_related("outlet")
                  .only("id", "title", "published_at", "outlet__name", "outlet__slug"))
    return ArticleDetail(article, headline, segments, claims, copies)


# --- outlets -------------------------------------------------------------------------------------

@dataclass
class OutletAgreement:
    other: Outlet
    agree: int = 0
    contradict: int = 0
    discusses: int = 0

    @property
    def total(self) -> int:
        return self.agree + self.contradict + self.discusses

    @property
    def contradict_share(self) -> float:
        judged = self.agree + self.contradict
        return self.contradict / judged if judged else 0.0


@dataclass
class OutletDetail:
    outlet: Outlet
    article_count: int
    claim_count: int
    events: list[Event]
    recent_articles: list[Article]
    agreements: list[OutletAgreement]
    copies_from: list[tuple[str, str, int]]   # (outlet name, slug, articles copied)


def _label_counts():
    return {label: Count("id", filter=Q(label=label)) for label in ("agree", "contradict", "discusses")}


def outlet_agreements(*, outlet_id: int) -> list[OutletAgreement]:
    """How often this outlet's claims agree with / contradict each other outlet's (two queries + names)."""
    by_other: dict[int, OutletAgreement] = {}
    for mine, theirs in (("claim_a", "claim_b"), ("claim_b", "claim_a")):
        counts = (ClaimRelation.objects.filter(**{f"{mine}__article__outlet_id": outlet_id})
                  .exclude(**{f"{theirs}__article__outlet_id": outlet_id})
                  .values(other=F(f"{theirs}__article__outlet_id")).annotate(**_label_counts()).order_by())
        for item in counts:
            entry = by_other.setdefault(item["other"], OutletAgreement(other=None))
            entry.agree += item["agree"]
            entry.contradict += item["contradict"]
            entry.discusses += item["discusses"]
    outlets = Outlet.objects.in_bulk(list(by_other))
    for other_id, entry in by_other.items():
        entry.other = outlets[other_id]
    result = [entry for entry in by_other.values() if entry.total]
    result.sort(key=lambda e: (-e.contradict, -e.total, e.other.name))
    return result


def outlet_detail(*, slug: str, recent_limit: int = 30) -> OutletDetail:
    outlet = get_object_or_404(Outlet, slug=slug)
    totals = Article.objects.filter(outlet=outlet).aggregate(articles=Count("id", distinct=True),
                                                             claims=Count("claims"))
    events = list(Event.objects.filter(id__in=Article.objects.filter(outlet=outlet).values("event_id"))
                  .defer("centroid", "xcentroid").order_by(F("last_seen").desc(nulls_last=True), "-id")[:50])
    recent = list(Article.objects.filter(outlet=outlet).select_related("event")
                  .only("id", "title", "url", "published_at", "event_id", "event__title", "syndicated_copy_of_id")
                  .annotate(n_claims=Count("claims")).order_by(F("published_at").desc(nulls_last=True), "-id")
                  [:recent_limit])
    copies_from = [(row["syndicated_copy_of__outlet__name"], row["syndicated_copy_of__outlet__slug"], row["n"])
                   for row in Article.objects.filter(outlet=outlet, syndicated_copy_of__isnull=False)
                   .values("syndicated_copy_of__outlet__name", "syndicated_copy_of__outlet__slug")
                   .annotate(n=Count("id")).order_by("-n")]
    return OutletDetail(outlet, totals["articles"], totals["claims"], events, recent, outlet_agreements(outlet_id=outlet.id),
                        copies_from)


def outlet_list() -> QuerySet[Outlet]:
    return (Outlet.objects.annotate(article_count=Count("articles", distinct=True),
                                    event_count=Count("articles__event", distinct=True),
                                    last_published=Max("articles__published_at"))
            .order_by("name"))


# --- two outlets side by side --------------------------------------------------------------------

@dataclass
class PairRelation:
    relation: ClaimRelation
    claim_a: Claim       # from outlet A (as chosen by the user, not the stored pair order)
    claim_b: Claim       # from outlet B


@dataclass
class OutletPairComparison:
    outlet_a: Outlet
    outlet_b: Outlet
    event: Event | None
    counts: dict[str, int]
    relations: list[PairRelation]
    truncated: bool
    shared_events: int


def outlet_pair_comparison(*, outlet_a_id: int, outlet_b_id: int, event_id: int | None = None,
                           limit: int = 200) -> OutletPairComparison:
    """Every agreement / contradiction / discussion between two outlets' claims, on one event or
    all of them; contradictions first. ``limit`` caps the listed pairs, never the counts."""
    if outlet_a_id == outlet_b_id:
        raise ValueError("pick two different outlets to compare")
    outlets = Outlet.objects.in_bulk([outlet_a_id, outlet_b_id])
    if len(outlets) != 2:
        raise Http404("no such outlet")
    event = get_object_or_404(Event.objects.defer("centroid", "xcentroid"), id=event_id) if event_id else None
    pair = (Q(claim_a__article__outlet_id=outlet_a_id, claim_b__article__outlet_id=outlet_b_id)
            | Q(claim_a__article__outlet_id=outlet_b_id, claim_b__article__outlet_id=outlet_a_id))
    relations = ClaimRelation.objects.filter(pair).exclude(label=ClaimRelation.Label.UNRELATED)
    if event:
        relations = relations.filter(event_id=event.id)
    counts = {"agree": 0, "contradict": 0, "discusses": 0}
    counts.update(dict(relations.values_list("label").annotate(n=Count("id")).order_by()))
    listed = list(relations.select_related("claim_a__article", "claim_b__article", "event")
                  .defer("claim_a__embedding", "claim_b__embedding", "claim_a__xvector", "claim_b__xvector", "claim_a__article__text",
                         "claim_b__article__text", "claim_a__article__metadata", "claim_b__article__metadata",
                         "event__centroid", "event__xcentroid")
                  .order_by(F("label").asc(), "-score", "id")[:limit + 1])
    # "agree" < "contradict" < "discusses" alphabetically; contradictions are what a researcher wants first.
    listed.sort(key=lambda r: (r.label != ClaimRelation.Label.CONTRADICT, r.label != ClaimRelation.Label.AGREE,
                               -r.score))
    truncated = len(listed) > limit
    pairs = []
    for relation in listed[:limit]:
        if relation.claim_a.article.outlet_id == outlet_a_id:
            pairs.append(PairRelation(relation, relation.claim_a, relation.claim_b))
        else:
            pairs.append(PairRelation(relation, relation.claim_b, relation.claim_a))
    shared_events = (Event.objects.filter(articles__outlet_id=outlet_a_id).filter(articles__outlet_id=outlet_b_id)
                     .distinct().count()) if not event else 1
    return OutletPairComparison(outlets[outlet_a_id], outlets[outlet_b_id], event, counts, pairs, truncated,
                                shared_events)
