"""Read queries shared by the web UI, the API, the exports and the admin preview.

``event_comparison`` is the one place the side-by-side matrix is computed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404

from comparer.models import Claim, ClaimRelation, Event, Outlet

ROW_MERGE_MIN_SCORE = 0.6   # a contradiction this confident pulls both claims' clusters into one row


@dataclass
class OutletColumn:
    outlet: Outlet
    first_report_at: datetime | None
    article_ids: list[int]
    is_first_reporter: bool = False


@dataclass
class ComparisonRow:
    key: str
    label: str
    cluster_ids: list[int]
    cells: list[list[Claim]]            # one list of claims per outlet column, same order as ``outlets``
    relations: list[ClaimRelation] = field(default_factory=list)
    status: str = "single"              # contradict | agree | discusses | single
    outlet_count: int = 0

    @property
    def contradictions(self) -> list[ClaimRelation]:
        return [r for r in self.relations if r.label == ClaimRelation.Label.CONTRADICT]


@dataclass
class EventComparison:
    event: Event
    outlets: list[OutletColumn]
    rows: list[ComparisonRow]
    relations: list[ClaimRelation]
    syndicated: dict[int, int]          # copy article id -> original article id


def _union_find(ids):
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    return find, union


def event_comparison(*, event_id: int, only_disagreements: bool = False, checkworthy_only: bool = True
                     ) -> EventComparison:
    """The side-by-side matrix: outlet columns (by first report), one row per proposition."""
    event = get_object_or_404(Event, id=event_id)
    claims = list(Claim.objects.filter(event_id=event_id).select_related("article", "article__outlet")
                  .order_by("article__published_at", "article_id", "position"))
    if checkworthy_only:
        claims = [c for c in claims if c.is_checkworthy or c.is_headline]
    relations = list(ClaimRelation.objects.filter(event_id=event_id).exclude(label="unrelated")
                     .select_related("claim_a__article__outlet", "claim_b__article__outlet"))

    columns: dict[int, OutletColumn] = {}
    syndicated: dict[int, int] = {}
    for claim in claims:
        article = claim.article
        if article.syndicated_copy_of_id:
            syndicated[article.id] = article.syndicated_copy_of_id
        column = columns.get(article.outlet_id)
        if column is None:
            columns[article.outlet_id] = column = OutletColumn(article.outlet, article.published_at, [])
        if article.id not in column.article_ids:
            column.article_ids.append(article.id)
        if article.published_at and (column.first_report_at is None or article.published_at < column.first_report_at):
            column.first_report_at = article.published_at
    outlets = sorted(columns.values(), key=lambda c: (c.first_report_at is None, c.first_report_at, c.outlet.name))
    if outlets and outlets[0].first_report_at:
        outlets[0].is_first_reporter = True
    column_index = {column.outlet.id: index for index, column in enumerate(outlets)}

    group_of = {c.id: (c.cluster_id if c.cluster_id else -c.id) for c in claims}
    find, union = _union_find(set(group_of.values()))
    for relation in relations:
        if (relation.label == ClaimRelation.Label.CONTRADICT and relation.score >= ROW_MERGE_MIN_SCORE
                and relation.claim_a_id in group_of and relation.claim_b_id in group_of):
            union(group_of[relation.claim_a_id], group_of[relation.claim_b_id])

    rows: dict[int, ComparisonRow] = {}
    row_of_claim: dict[int, ComparisonRow] = {}
    for claim in claims:
        root = find(group_of[claim.id])
        row = rows.get(root)
        if row is None:
            rows[root] = row = ComparisonRow(key=f"row-{abs(root)}", label=claim.text, cluster_ids=[],
                                             cells=[[] for _ in outlets])
        if claim.cluster_id and claim.cluster_id not in row.cluster_ids:
            row.cluster_ids.append(claim.cluster_id)
        row.cells[column_index[claim.article.outlet_id]].append(claim)
        row_of_claim[claim.id] = row
    for relation in relations:
        row_a, row_b = row_of_claim.get(relation.claim_a_id), row_of_claim.get(relation.claim_b_id)
        if row_a is not None and row_a is row_b:
            row_a.relations.append(relation)
    result_rows = []
    for row in rows.values():
        row.outlet_count = sum(1 for cell in row.cells if cell)
        labels = {r.label for r in row.relations}
        if "contradict" in labels:
            row.status = "contradict"
        elif "agree" in labels:
            row.status = "agree"
        elif "discusses" in labels:
            row.status = "discusses"
        elif row.outlet_count > 1:
            row.status = "related"
        else:
            row.status = "single"
        row.relations.sort(key=lambda r: (r.label != "contradict", -r.score))
        if only_disagreements and row.status != "contradict":
            continue
        result_rows.append(row)
    order = {"contradict": 0, "agree": 1, "discusses": 2, "related": 3, "single": 4}
    result_rows.sort(key=lambda r: (order[r.status], -r.outlet_count))
    return EventComparison(event=event, outlets=outlets, rows=result_rows, relations=relations,
                           syndicated=syndicated)


def event_list(*, outlet_id: int | None = None, has_contradictions: bool = False):
    events = Event.objects.all()
    if outlet_id:
        events = events.filter(articles__outlet_id=outlet_id).distinct()
    if has_contradictions:
        events = events.filter(contradict_count__gt=0)
    return events.order_by("-contradict_count", "-first_seen", "-id")


def claim_relations(*, claim_id: int):
    return (ClaimRelation.objects.filter(Q(claim_a_id=claim_id) | Q(claim_b_id=claim_id))
            .select_related("claim_a__article__outlet", "claim_b__article__outlet"))
