"""Template helpers for the researcher pages. Every helper escapes the (untrusted) article text
itself before adding markup, so nothing from an article ever reaches the page as HTML."""
from __future__ import annotations

import html
import re
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import Truncator
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

from comparer.safe_urls import safe_http_url

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
    if len(figures) == 1:  # the common case, without a regular expression: same leftmost, non-overlapping matches
        mark = f'<mark class="figure">{html.escape(figures[0])}</mark>'
        return mark_safe(mark.join([html.escape(part) for part in text.split(figures[0])]))
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
    if details.get("cross_language"):
        label = f"{label}, different languages ({' / '.join(str(x) for x in details.get('languages') or [])})"
    a, b = details.get("a"), details.get("b")
    if isinstance(a, dict) and isinstance(b, dict):
        return format_html('{}: <mark class="figure">{}</mark> vs <mark class="figure">{}</mark>', label,
                           a.get("text", a.get("value", "")), b.get("text", b.get("value", "")))
    words = details.get("words")
    if isinstance(words, list) and len(words) == 2:
        return format_html("{}: “{}” vs “{}”", label, words[0], words[1])
    nli = details.get("nli")
    if relation.reason == "model" and isinstance(nli, dict):
        if relation.label == "contradict":
            return format_html("incompatible accounts (NLI model, contradiction {})", nli.get("contradiction"))
        if relation.label == "agree":
            return format_html("same fact (NLI model, entailment both ways {})",
                               min(nli.get("entails_ab", 0), nli.get("entails_ba", 0)))
    return conditional_escape(label)


# Text-fragment encoding: what ``quote(part, safe="")`` gives, with "-" (fragment syntax) encoded
# too. A translation table does it in one C call for ASCII text (nearly every sentence).
_FRAGMENT_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~")
_FRAGMENT_TABLE = {code: chr(code) if chr(code) in _FRAGMENT_SAFE else f"%{code:02X}" for code in range(128)}


def _fragment_part(part: str) -> str:
    if part.isascii():
        return part.translate(_FRAGMENT_TABLE)
    return quote(part, safe="").replace("-", "%2D")


@register.filter
def sentence_link(article, claim=None) -> str:
    """The source article's URL, pointing at the claim's sentence with a text fragment where the
    browser supports it (``#:~:text=``); empty when the article has no URL."""
    url = safe_http_url(getattr(article, "url", None))
    if not url or claim is None or getattr(claim, "is_headline", False):
        return url
    words = claim.text.split()
    if not words:
        return url
    if len(words) <= 8:
        fragment = _fragment_part(" ".join(words))
    else:  # start and end of the sentence: robust to small differences in the middle
        fragment = f"{_fragment_part(' '.join(words[:4]))},{_fragment_part(' '.join(words[-3:]))}"
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
_escape = html.escape


LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "de": "German", "fr": "French",
                  "es": "Spanish", "it": "Italian", "pl": "Polish", "tr": "Turkish", "ar": "Arabic", "zh": "Chinese",
                  "pt": "Portuguese", "nl": "Dutch", "be": "Belarusian", "kk": "Kazakh", "ro": "Romanian"}


@register.filter
def language_name(code) -> str:
    """"ru" → "Russian"; an unknown code as it is; "" → "language not known"."""
    code = (code or "").strip()
    return LANGUAGE_NAMES.get(code.lower(), code) if code else "language not known"


def _language_tag(language: str) -> str:
    if not language:
        return ""
    return (f'<span class="lang" title="{_escape(language_name(language))}">'
            f'<span class="visually-hidden">in </span>{_escape(language.upper())}</span> · ')


def _claim_cell_html(claim, figures, home: str, contradicts=(), agrees=(), not_judged: bool = False) -> str:
    """One claim of a comparison cell. Built in Python rather than a template loop because an
    event page can hold thousands of cells; every piece of article data goes through html.escape
    (quote=True, so it is safe inside attributes too)."""
    article = claim.article
    copy = article.syndicated_copy_of_id is not None
    speaker, channel = claim.speaker, claim.channel
    if speaker:
        said = f"{_escape(speaker)}, via {_escape(channel)} · " if channel else f"{_escape(speaker)} · "
    elif channel:
        said = f"via {_escape(channel)} · "
    else:
        said = ""
    source = ""
    if safe_http_url(article.url):
        source = (f' · <a href="{_escape(sentence_link(article, claim))}" rel="noopener noreferrer nofollow" '
                  'target="_blank">source<span class="visually-hidden"> (opens the outlet&#x27;s page)</span></a>')
    text = marked_text(claim.text, figures) if figures else _escape(claim.text)
    claim_id = claim.id
    against = ""
    if contradicts:
        links = ", ".join(f'<a href="#claim-{other.id}">{_escape(other.article.outlet.name)}</a>'
                          for other in list({o.id: o for o in contradicts}.values())[:3])
        against = f'<div class="meta contradicts"><span class="badge contradict">contradicts</span> {links}</div>'
    if agrees:
        links = ", ".join(f'<a href="#claim-{other.id}">{_escape(other.article.outlet.name)}</a>'
                          for other in list({o.id: o for o in agrees}.values())[:3])
        against += (f'<div class="meta agrees"><span class="badge agree">same figure, different language: agree'
                    f'</span> {links}</div>')
    elif not_judged:
        against += ('<div class="meta not-judged" title="The relation model reads English only: across languages '
                    'only figures are compared.">aligned across languages, not judged</div>')
    language = getattr(claim, "language", "") or ""
    lang_attribute = f' lang="{_escape(language)}"' if language else ""

    return (
        f'<div class="claim{" copy" if copy else ""}" id="claim-{claim_id}" data-claim-id="{claim_id}">'
        f'{COPY_BADGE if copy else ""}'
        f'<a class="claim-text" href="{home}claims/{claim_id}/"{lang_attribute}>{text}</a>'
        f'<div class="meta">{_language_tag(language)}{said}'
        f'<a href="{home}articles/{claim.article_id}/#claim-{claim_id}">in article</a>'
        f"{source}</div>{against}</div>"
    )


def _quoted(claim, limit: int = 110) -> str:
    return f"“{_escape(Truncator(claim.text).chars(limit))}”"


def _contradiction_line(relation) -> str:
    """Which claim contradicts which: both outlets, both sentences (cut), linked to their cells."""
    a, b = relation.claim_a, relation.claim_b
    return (f'<div class="reason">{relation_reason(relation)}<div class="meta pair">'
            f'<a href="#claim-{relation.claim_a_id}">{_escape(a.article.outlet.name)}</a>: {_quoted(a)} '
            f'<strong class="versus" aria-label="contradicts">✕</strong> '
            f'<a href="#claim-{relation.claim_b_id}">{_escape(b.article.outlet.name)}</a>: {_quoted(b)}</div></div>')


def _contradicted_by(row) -> dict[int, list]:
    """claim id -> the claims of this row it contradicts (the other side of each contradiction)."""
    found: dict[int, list] = {}
    for relation in row.contradictions:
        found.setdefault(relation.claim_a_id, []).append(relation.claim_b)
        found.setdefault(relation.claim_b_id, []).append(relation.claim_a)
    return found


@register.simple_tag
def comparison_row(row, home: str = "/"):
    """One comparison <tr>: its status, outlet count and up to three distinct contradiction reasons
    (with the two outlets, linked to their claims), then one cell per outlet column."""
    home = _escape(home)
    independent, copies = row.independent_outlet_count, row.copy_outlet_count
    count = f'{independent} outlet{"" if independent == 1 else "s"}'
    if copies:
        count += f' + {copies} syndicated cop{"y" if copies == 1 else "ies"}'
    reasons = "".join(_contradiction_line(relation) for relation in row.distinct_contradictions[:3])
    status = _escape(row.status)
    return mark_safe(
        f'<tr class="row-{status}" id="{_escape(row.key)}">\n'
        f'      <th scope="row" class="status-col"><span class="badge {status}">{_escape(status_text(row.status))}</span>\n'
        f'        <span class="meta">{count}</span>\n'
        f"        {reasons}\n"
        f"      </th>\n      {_cells(row, home)}\n    </tr>")


@register.simple_tag
def comparison_cells(row, home: str = "/"):
    """The <td> cells of one comparison row, labelled with their outlet for the phone layout."""
    return mark_safe(_cells(row, _escape(home)))


def _cross_language(row) -> tuple[dict[int, list], set[int]]:
    """(claim id -> the claims of other languages it agrees with on a figure, ids of claims in a row
    of several languages that no relation across languages judges). Only claims the English relation
    model cannot read (not English) are marked "not judged"."""
    languages = {getattr(c, "language", "") or "" for cell in row.cells for c in cell}
    if len(languages) < 2:
        return {}, set()
    agrees: dict[int, list] = {}
    judged: set[int] = set()
    for relation in row.relations:
        a, b = relation.claim_a, relation.claim_b
        if a is None or b is None or (a.language or "") == (b.language or ""):
            continue
        judged.update((a.id, b.id))
        if relation.label == "agree":
            agrees.setdefault(a.id, []).append(b)
            agrees.setdefault(b.id, []).append(a)
    not_judged = {c.id for cell in row.cells for c in cell
                  if (getattr(c, "language", "") or "en") != "en" and c.id not in judged}
    return agrees, not_judged


def _cells(row, home: str) -> str:
    figures = row.figures
    contradicted = _contradicted_by(row)
    agrees, not_judged = _cross_language(row)
    parts = []
    for column, cell in zip(row.columns, row.cells):
        name = _escape(column.outlet.name)
        if cell:
            parts.append(f'<td data-label="{name}">'
                         + "".join([_claim_cell_html(c, figures.get(c.id), home, contradicted.get(c.id, ()),
                                                     agrees.get(c.id, ()), c.id in not_judged)
                                    for c in cell]) + "</td>")
        else:
            parts.append(f'<td class="empty" aria-label="{name}: nothing"></td>')
    return "".join(parts)


def _when(moment, format_string: str) -> str:
    """A datetime as the template ``date`` filter shows it (current time zone)."""
    return dateformat.format(timezone.localtime(moment), format_string)


@register.simple_tag
def timeline_svg(timeline):
    """The event timeline's <svg> (geometry from ``comparer.web.charts``). Built in Python for the
    same reason as the cells; outlet names and article titles go through html.escape."""
    parts = [f'<svg viewBox="0 0 {timeline.width} {timeline.height}" style="width: 100%; min-width: 40rem; '
             f'max-width: {timeline.width}px; height: auto" role="img" aria-labelledby="timeline-title timeline-desc" '
             'class="timeline-svg">', '<desc id="timeline-desc">']
    for dot in timeline.dots:
        parts.append(f'{_escape(dot.outlet)} at {_when(dot.published_at, "j M H:i")}'
                     f'{" (first report)" if dot.is_first_report else ""}; ')
    parts.append("</desc>")
    for tick in timeline.ticks:
        parts.append(f'<line x1="{tick.x}" x2="{tick.x}" y1="16" y2="{timeline.height}" stroke="#e1e4e8"/>'
                     f'<text x="{tick.x}" y="12" text-anchor="middle" font-size="11" fill="#4f5661">'
                     f"{_escape(tick.label)}</text>")
    for lane in timeline.lanes:
        parts.append(f'<line x1="{timeline.plot_left}" x2="{timeline.plot_right}" y1="{lane.y}" y2="{lane.y}" '
                     f'stroke="#c9ced6" stroke-dasharray="2 3"/><text x="{timeline.plot_left - 8}" y="{lane.y}" '
                     f'dy="4" text-anchor="end" font-size="12" fill="#14171c">'
                     f"{_escape(Truncator(lane.name).chars(28))}</text>")
    home = _escape(reverse("web:event_list"))
    for dot in timeline.dots:
        claims = f'{dot.claims} claim{"" if dot.claims == 1 else "s"}'
        title = (f'{_escape(dot.outlet)}, {_when(dot.published_at, "j M Y H:i")}: {_escape(dot.title)} ({claims})'
                 f'{", syndicated copy" if dot.is_copy else ""}')
        star = (f'<text x="{dot.x}" y="{dot.y}" dy="-8" text-anchor="middle" font-size="13" fill="#b07d00">★</text>'
                if dot.is_first_report else "")
        ring, width = ("#a4161a", 3) if dot.in_contradiction else ("#13294b", 1.5)
        parts.append(f'<a href="{home}articles/{dot.article_id}/"><title>{title}</title>{star}'
                     f'<circle cx="{dot.x}" cy="{dot.y}" r="6" fill="{"#fff" if dot.is_copy else "#13294b"}" '
                     f'stroke="{ring}" stroke-width="{width}"/></a>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
