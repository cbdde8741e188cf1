"""``{{ value|http_url }}``: a stored URL when it is safe in an ``href``, else "" (no link).

Ingest refuses non-http(s) URLs, but rows written before that check, by hand or by SQL may still
hold a ``javascript:`` URL; templates link a URL only through this filter.
"""
from django import template

from comparer.safe_urls import safe_http_url

register = template.Library()
register.filter("http_url", safe_http_url)
