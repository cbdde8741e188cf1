"""Exports of an event comparison (CSV and JSON), built from ``selectors.event_comparison``.

The web UI and the API both serve these, so a researcher gets the same rows whichever door
they use. One CSV line per claim cell: a row with three outlets' claims gives three lines that
share ``row_key``, ``row_status`` and the row's contradiction reasons.
"""
from __future__ import annotations

import csv
import io

from comparer.selectors import ComparisonRow, EventComparison

CSV_COLUMNS = [
    "event_id", "event_title", "row_key", "row_status", "row_label", "outlet", "outlet_country",
    "first_report_at", "claim_id", "claim_text", "speaker", "channel", "article_id", "article_title",
    "article_url", "published_at", "char_start", "char_end", "syndicated_copy_of", "row_reasons", "claim_language",
]


def _claim_json(claim) -> dict:
    article = claim.article
    return {
        "claim_id": claim.id,
        "text": claim.text,
        "language": getattr(claim, "language", "") or "",
        "speaker": claim.speaker,
        "channel": claim.channel,
        "is_quote": claim.is_quote,
        "char_start": claim.char_start,
        "char_end": claim.char_end,
        "article_id": article.id,
        "article_title": article.title,
        "article_url": article.url or "",
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "syndicated_copy_of": article.syndicated_copy_of_id,
    }


def _relation_json(relation) -> dict:
    return {
        "relation_id": relation.id,
        "claim_a_id": relation.claim_a_id,
        "claim_b_id": relation.claim_b_id,
        "label": relation.label,
        "score": round(float(relation.score), 4),
        "reason": relation.reason,
        "reason_display": relation.get_reason_display(),
        "details": relation.details or {},
        "set_by": relation.set_by,
    }


def relation_reason_text(relation) -> str:
    """A one-line human reason, e.g. ``numeric mismatch: 3,435 vs fewer than 600``."""
    text = relation.get_reason_display()
    details = relation.details or {}
    if isinstance(details.get("a"), dict) and isinstance(details.get("b"), dict):
        text += f": {details['a'].get('text', details['a'].get('value'))} vs {details['b'].get('text', details['b'].get('value'))}"
    return text


def _row_reasons(row: ComparisonRow) -> str:
    return "; ".join(dict.fromkeys(relation_reason_text(r) for r in row.distinct_contradictions))


def comparison_rows_for_export(comparison: EventComparison) -> list[dict]:
    """Flat records, one per (row, outlet, claim), in the page's row and column order."""
    event = comparison.event
    records = []
    for row in comparison.rows:
        reasons = _row_reasons(row)
        for column, cell in zip(comparison.outlets, row.cells):
            for claim in cell:
                article = claim.article
                records.append({
                    "event_id": event.id,
                    "event_title": event.title,
                    "row_key": row.key,
                    "row_status": row.status,
                    "row_label": row.label,
                    "outlet": column.outlet.name,
                    "outlet_country": column.outlet.country,
                    "first_report_at": column.first_report_at.isoformat() if column.first_report_at else "",
                    "claim_id": claim.id,
                    "claim_text": claim.text,
                    "speaker": claim.speaker,
                    "channel": claim.channel,
                    "article_id": article.id,
                    "article_title": article.title,
                    "article_url": article.url or "",
                    "published_at": article.published_at.isoformat() if article.published_at else "",
                    "char_start": claim.char_start,
                    "char_end": claim.char_end,
                    "syndicated_copy_of": article.syndicated_copy_of_id or "",
                    "row_reasons": reasons,
                    "claim_language": getattr(claim, "language", "") or "",
                })
    return records


def _spreadsheet_safe(value):
    """Prefix text a spreadsheet would run as a formula (=, +, -, @): article text is untrusted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def comparison_csv(comparison: EventComparison) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in comparison_rows_for_export(comparison):
        writer.writerow({key: _spreadsheet_safe(value) for key, value in record.items()})
    return buffer.getvalue()


def comparison_json(comparison: EventComparison) -> dict:
    """The matrix as nested JSON: outlets (columns), rows with cells aligned to outlets, relations."""
    event = comparison.event
    return {
        "event": {
            "id": event.id,
            "title": event.title,
            "first_seen": event.first_seen.isoformat() if event.first_seen else None,
            "last_seen": event.last_seen.isoformat() if event.last_seen else None,
            "outlet_count": event.outlet_count,
            "claim_count": event.claim_count,
            "agree_count": event.agree_count,
            "contradict_count": event.contradict_count,
        },
        "outlets": [
            {
                "id": column.outlet.id,
                "name": column.outlet.name,
                "slug": column.outlet.slug,
                "country": column.outlet.country,
                "language": column.outlet.language,
                "is_sample": column.outlet.is_sample,
                "first_report_at": column.first_report_at.isoformat() if column.first_report_at else None,
                "is_first_reporter": column.is_first_reporter,
                "article_ids": list(column.article_ids),
            }
            for column in comparison.outlets
        ],
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "status": row.status,
                "outlet_count": row.outlet_count,
                "cluster_ids": list(row.cluster_ids),
                "reasons": [relation_reason_text(r) for r in row.distinct_contradictions],
                "cells": [
                    {"outlet_id": column.outlet.id, "claims": [_claim_json(claim) for claim in cell]}
                    for column, cell in zip(comparison.outlets, row.cells)
                ],
                "relations": [_relation_json(relation) for relation in row.relations],
            }
            for row in comparison.rows
        ],
        "syndicated": {str(copy_id): original_id for copy_id, original_id in comparison.syndicated.items()},
    }
