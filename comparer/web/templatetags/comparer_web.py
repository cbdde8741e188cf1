"""Template helpers for the researcher pages. Every helper escapes the (untrusted) article text
itself before adding markup, so nothing from an article ever reaches the page as HTML."""
from __future__ import annotations

import html
import re
from urllib.parse import quote

from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Colour-blind-safe palette (Okabe-Ito plus darker companions), all readable behind white text.
OUTLET_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a5195", "#3d6b00",
                  "#b03a2e", "#1f4e79", "#8c564b", "#5b5b5b"]
STATUS_TEXT = {"contradict": "contradicts", "agree": "agrees", "discusses": "discusses", "related": "related",
               "single": "single source"}


@register.filter
def outlet_colour(outlet_id) -> str:
    return OUTLET_COLOURS[int(outlet_id or 0) % len(OUTLET_COLOURS)]


@register.filter
def status_text(status: str) -> str:
    return STATUS_TEXT.get(status, status)


@register.simple_tag
def marked_text(text: str, figures=None):
    """``text`` escaped, with each of ``figures`` (exact substrings) wrapped in <mark class="figure">."""
    figures = [f for f in (figures or []) if f]
    if not figures:
        return mark_safe(html.escape(text))
    pattern = re.compile("|".join(re.escape(f) for f in sorted(set(figures), key=len, reverse=True)))
    parts, cursor = [], 0
    for match in pattern.finditer(text):
        parts.append(html.escape(text[cursor:match.start()]))
        parts.append(f'<mark class="figure">{html.escape(match.group(0))}</mark>')
        cursor = match.end()
    parts.append(html.escape(text[cursor:]))
    return mark_safe("".join(parts))


@register.simple_tag
def row_claim_text(row, claim):
    """A comparison cell's sentence with the figures its row's numeric mismatches disagree on marked."""
    return marked_text(claim.text, row.figures.get(claim.id))


@register.filter
def relation_reason(relation):
    """"numeric mismatch: <mark>3,435</mark> vs <mark>fewer than 600</mark>", "negation", ..."""
    details = relation.details or {}
    label = relation.get_reason_display()
    a, b = details.get("a"), details.get("b")
    if isinstance(a, dict) and isinstance(b, dict):
        return format_html('{}: <mark class="figure">{}</mark> vs <mark class="figure">{}</mark>', label,
                           a.get("text", a.get("value", "")), b.get("text", b.get("value", "")))
    words = details.get("words")
    if isinstance(words, list) and len(words) == 2:
        return format_html("{}: “{}” vs “{}”", label, words[0], words[1])
    return conditional_escape(label)


@register.filter
def sentence_link(article, claim=None) -> str:
    """The source article's URL, pointing at the claim's sentence with a text fragment where the
    browser supports it (``#:~:text=``); empty when the article has no URL."""
    url = getattr(article, "url", None) or ""
    if not url or claim is None or getattr(claim, "is_headline", False):
        return url
    words = claim.text.split()
    if not words:
        return url
    def encode(part: str) -> str:  # "-" and "," are syntax inside a text fragment
        return quote(part, safe="").replace("-", "%2D")

    if len(words) <= 8:
        fragment = encode(" ".join(words))
    else:  # start and end of the sentence: robust to small differences in the middle
        fragment = f"{encode(' '.join(words[:4]))},{encode(' '.join(words[-3:]))}"
    return f"{url.split('#', 1)[0]}#:~:text={fragment}"


@register.filter
def percent(value, digits: int = 0) -> str:
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def similarity(distance) -> str:
    """Cosine distance shown as similarity, 0..1."""
    try:
        return f"{1 - float(distance):.2f}"
    except (TypeError, ValueError):
        return ""


COPY_BADGE = '<span class="badge sample">syndicated copy, not independent</span> '


def _claim_cell_html(row, claim, home: str) -> str:
    """One claim of a comparison cell. Built in Python rather than a template loop because an
    event page can hold thousands of cells; every piece of article data goes through html.escape
    (quote=True, so it is safe inside attributes too)."""
    article = claim.article
    copy = article.syndicated_copy_of_id is not None
    said = ""
    if claim.speaker:
        said = html.escape(claim.speaker) + (f", via {html.escape(claim.channel)}" if claim.channel else "") + " · "
    elif claim.channel:
        said = f"via {html.escape(claim.channel)} · "
    source = ""
    if article.url:
        source = (f' · <a href="{html.escape(sentence_link(article, claim))}" rel="noopener noreferrer nofollow" '
                  'target="_blank">source<span class="visually-hidden"> (opens the outlet&#x27;s page)</span></a>')
    figures = row.figures.get(claim.id)
    text = marked_text(claim.text, figures) if figures else html.escape(claim.text)
    return (
        f'<div class="claim{" copy" if copy else ""}" id="claim-{claim.id}" data-claim-id="{claim.id}">'
        f'{COPY_BADGE if copy else ""}'
        f'<a class="claim-text" href="{home}claims/{claim.id}/">{text}</a>'
        f'<div class="meta">{said}<a href="{home}articles/{claim.article_id}/#claim-{claim.id}">in article</a>'
        f"{source}</div></div>"
    )


@register.simple_tag
def comparison_cells(row, home: str = "/"):
    """The <td> cells of one comparison row, labelled with their outlet for the phone layout."""
    home = html.escape(home)
    parts = []
    for column, cell in row.labelled_cells:
        name = html.escape(column.outlet.name)
        if cell:
            parts.append(f'<td data-label="{name}">' + "".join(_claim_cell_html(row, c, home) for c in cell) + "</td>")
        else:
            parts.append(f'<td class="empty" aria-label="{name}: nothing"></td>')
    return mark_safe("".join(parts))
