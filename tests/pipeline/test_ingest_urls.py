"""Only http(s) URLs are stored, and a stored URL is linked only when it is http(s) (issue 17)."""
import json

import pytest
from django.urls import reverse

from comparer.models import Article, Outlet
from comparer.pipeline.ingest import ingest_paths
from comparer.safe_urls import is_http_url, safe_http_url

BODY = "Officials said on Monday that the exchange of prisoners was postponed again."
UNSAFE = ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
          "JavaScript:alert(1)", "vbscript:msgbox(1)", "/relative/path", "ftp://example.org/a", " https://x.org/a"]


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_urls_are_not_http_urls(url):
    assert not is_http_url(url) and safe_http_url(url) == ""


def test_http_urls_pass():
    for url in ("https://example.org/a?b=1#story-2", "http://news.example:8080/x"):
        assert safe_http_url(url) == url


@pytest.mark.django_db
def test_json_file_with_javascript_or_data_url_is_refused_with_its_row(tmp_path):
    (tmp_path / "rows.json").write_text(json.dumps({"outlet": {"name": "Row Outlet"}, "articles": [
        {"title": "Script link", "text": BODY, "url": "javascript:alert(document.cookie)"},
        {"title": "Data link", "text": BODY + " Again.", "url": "data:text/html,<script>alert(1)</script>"},
        {"title": "Good link", "text": BODY + " Once more.", "url": "https://example.org/good"},
    ]}))
    report = ingest_paths([tmp_path])
    messages = "\n".join(str(e) for e in report.errors)
    assert "rows.json row 1: url 'javascript:alert(document.cookie)' refused: URL scheme 'javascript'" in messages
    assert "rows.json row 2: url 'data:text/html" in messages and "scheme 'data'" in messages
    assert list(Article.objects.values_list("url", flat=True)) == ["https://example.org/good"]


@pytest.mark.django_db
def test_text_sidecar_csv_and_html_paths_refuse_unsafe_urls(tmp_path):
    (tmp_path / "story.txt").write_text(BODY)
    (tmp_path / "story.meta.json").write_text(json.dumps({"url": "javascript:alert(1)", "outlet": "Side Outlet"}))
    (tmp_path / "rows.csv").write_text(f'title,text,url\n"Bad","{BODY} CSV.","javascript:alert(1)"\n'
                                       f'"Good","{BODY} CSV good.","https://example.org/csv"\n')
    (tmp_path / "page.html").write_text(
        '<html><head><title>Exchange postponed</title><link rel="canonical" href="javascript:alert(1)"></head>'
        f'<body><article><h1>Exchange postponed</h1><p>{BODY} HTML page body, long enough.</p></article></body></html>')
    report = ingest_paths([tmp_path])
    messages = "\n".join(str(e) for e in report.errors)
    assert "story.txt: url 'javascript:alert(1)' refused" in messages
    assert "rows.csv row 2: url 'javascript:alert(1)' refused" in messages
    urls = set(Article.objects.values_list("url", flat=True))
    # The page's own canonical link is a guess, so an unsafe one is dropped and the page kept.
    assert urls == {"https://example.org/csv", None}
    assert not Article.objects.filter(url__istartswith="javascript").exists()


@pytest.mark.django_db
def test_outlet_domain_that_is_not_a_host_name_is_left_blank(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"outlet": {"name": "Odd Outlet", "domain": "javascript:alert(1)"},
                                                 "articles": [{"title": "T", "text": BODY}]}))
    ingest_paths([tmp_path])
    assert Outlet.objects.get(name="Odd Outlet").domain == ""


@pytest.mark.django_db
def test_unsafe_url_already_stored_is_shown_but_never_linked(researcher_client):
    outlet = Outlet.objects.create(name="Old Outlet", slug="old-outlet")
    article = Article.objects.create(outlet=outlet, title="Old row", text=BODY, content_hash="x" * 64,
                                     url="javascript:alert(document.cookie)")
    html = researcher_client.get(reverse("web:article_detail", args=[article.id])).content.decode()
    assert 'href="javascript' not in html.lower()
    assert "not linked" in html
    article.url = "https://example.org/fine"
    article.save()
    html = researcher_client.get(reverse("web:article_detail", args=[article.id])).content.decode()
    assert 'href="https://example.org/fine"' in html
