"""Server-side SVG geometry for the event timeline: who reported what, when.

The view computes positions here; ``templates/events/_timeline.html`` draws them, so the chart
needs no JavaScript and its labels are escaped like any other template text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from comparer.selectors import EventComparison

LANE_HEIGHT = 24
LABEL_WIDTH = 190
PLOT_WIDTH = 720
TOP = 28
RIGHT_PAD = 16
TICKS = 5


@dataclass
class TimelineLane:
    y: float
    name: str
    slug: str
    copies_from: list[str]


@dataclass
class TimelineDot:
    x: float
    y: float
    article_id: int
    title: str
    outlet: str
    published_at: datetime
    claims: int
    is_copy: bool
    is_first_report: bool
    in_contradiction: bool


@dataclass
class TimelineTick:
    x: float
    label: str


@dataclass
class Timeline:
    width: int
    height: int
    plot_left: int
    plot_right: int
    lanes: list[TimelineLane]
    dots: list[TimelineDot]
    ticks: list[TimelineTick]
    undated: list[str]                  # outlets whose articles carry no date


def _tick_label(moment: datetime, span_seconds: float) -> str:
    return moment.strftime("%d %b %H:%M") if span_seconds < 4 * 86400 else moment.strftime("%d %b %Y")


def event_timeline(comparison: EventComparison) -> Timeline | None:
    """Dots per article on one lane per outlet (first reporter first); None without dated articles."""
    contradicting_articles = comparison.contradicted_article_ids
    claims_per_article = comparison.article_claim_counts
    columns = sorted(comparison.outlets, key=lambda c: (c.first_report_at is None, c.first_report_at, c.outlet.name))
    moments = [a.published_at for c in columns for a in c.articles if a.published_at]
    if not moments:
        return None
    start, end = min(moments), max(moments)
    span = (end - start).total_seconds()
    plot_left, plot_right = LABEL_WIDTH, LABEL_WIDTH + PLOT_WIDTH

    def x_of(moment: datetime) -> float:
        if span == 0:
            return (plot_left + plot_right) / 2
        return round(plot_left + (moment - start).total_seconds() / span * (plot_right - plot_left), 1)

    lanes, dots, undated = [], [], []
    first_article = min((a for c in columns for a in c.articles if a.published_at), key=lambda a: a.published_at)
    for index, column in enumerate(columns):
        y = TOP + index * LANE_HEIGHT + LANE_HEIGHT / 2
        lanes.append(TimelineLane(y, column.outlet.name, column.outlet.slug, column.copies_from))
        dated = [a for a in column.articles if a.published_at]
        if not dated:
            undated.append(column.outlet.name)
        for article in dated:
            dots.append(TimelineDot(x_of(article.published_at), y, article.id, article.title, column.outlet.name,
                                    article.published_at, claims_per_article.get(article.id, 0),
                                    bool(article.syndicated_copy_of_id), article.id == first_article.id,
                                    article.id in contradicting_articles))
    ticks = []
    if span == 0:
        ticks.append(TimelineTick(x_of(start), _tick_label(start, span)))
    else:
        for step in range(TICKS):
            moment = start + (end - start) * step / (TICKS - 1)
            ticks.append(TimelineTick(x_of(moment), _tick_label(moment, span)))
    height = TOP + len(columns) * LANE_HEIGHT + 8
    return Timeline(plot_right + RIGHT_PAD, height, plot_left, plot_right, lanes, dots, ticks, undated)
