import json

import pytest

from comparer.models import Article, Outlet
from comparer.pipeline.ingest import ingest_paths, split_stories
from tests.conftest import FIXTURES, SEED


def test_seed_page_splits_into_its_three_stories():
    stories = split_stories(SEED.read_text())
    assert [s.title for s in stories] == [
        "Russia advances offensive in Ukraine's Dnipropetrovsk region",
        "Russia unleashes fury: Ukraine reels under crushing blows",
        "Ukraine fails to show up at prisoner, body exchange",
    ]
    assert "(AP)" not in stories[0].body  # the photo caption is not article text
    assert stories[2].body.startswith("Ukraine did not show up")


@pytest.mark.django_db
def test_seed_ingest_creates_three_articles_with_outlet_and_date():
    report = ingest_paths([SEED])
    assert not report.errors
    articles = Article.objects.order_by("page_position")
    assert articles.count() == 3
    assert {a.outlet.name for a in articles} == {"Al Mayadeen English"}
    assert all(a.published_at and a.published_at.date().isoformat() == "2025-06-08" for a in articles)
    assert articles[2].url.endswith("#story-3")


@pytest.mark.django_db
def test_ingest_is_idempotent():
    first = ingest_paths([FIXTURES])
    second = ingest_paths([FIXTURES])
    assert len(first.created) == Article.objects.count() > 3
    assert not second.created and len(second.existing) == len(first.created)


@pytest.mark.django_db
def test_a_wire_story_run_word_for_word_by_two_outlets_is_two_reports():
    from comparer.pipeline.ingest import ArticleInput, OutletInput, ingest_article

    text = ("Russia and Ukraine on Sunday gave conflicting accounts of why a planned exchange of prisoners "
            "did not take place as scheduled.")
    wire, republished = (ArticleInput(outlet=OutletInput(name=name), title="Exchange in doubt", text=text)
                         for name in ("Wire Service", "Regional Daily"))
    first, created_first = ingest_article(wire)
    second, created_second = ingest_article(republished)
    assert created_first and created_second and first.id != second.id
    again, created_again = ingest_article(ArticleInput(outlet=OutletInput(name="Regional Daily"),
                                                       title="Exchange  in doubt", text=text + "\n"))
    assert not created_again and again.id == second.id      # the same outlet's copy again: the stored one


@pytest.mark.django_db
def test_bad_inputs_get_one_line_errors_and_the_batch_goes_on(tmp_path, settings):
    settings.COMPARER = {**settings.COMPARER, "MAX_ARTICLE_BYTES": 1024 * 1024}
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x89PNG" * 100)
    (tmp_path / "huge.txt").write_text("Word " * (5 * 1024 * 1024))
    (tmp_path / "bad.json").write_text('{"title": "x", "text": ')
    (tmp_path / "rows.json").write_text(json.dumps({"outlet": {"name": "Row Outlet"}, "articles": [
        {"title": "Good row", "text": "A good article body that is long enough to keep."},
        {"title": "No text"},
        {"title": "Bad date", "text": "Another article body, long enough to keep.", "published_at": "yesterday-ish"},
    ]}))
    (tmp_path / "nobody.html").write_text("<html><head><title>x</title></head><body></body></html>")
    (tmp_path / "rows.csv").write_text('title,text\n"Fine","A csv article body that is long enough"\n"Extra","x","y"\n')
    report = ingest_paths([tmp_path])
    messages = sorted(str(e) for e in report.errors)
    assert len(report.created) == 2  # the good JSON row and the good CSV row
    assert all("\n" not in m for m in messages)
    joined = "\n".join(messages)
    for fragment in ["empty.txt: file is empty", "binary.txt: looks like a binary file",
                     "huge.txt: file is", "bad.json: malformed JSON", "rows.json row 2: missing or empty 'text'",
                     "rows.json row 3: invalid date", "nobody.html: HTML has no article body", "rows.csv row 3"]:
        assert fragment in joined
    assert Outlet.objects.filter(name="Row Outlet").exists()


@pytest.mark.django_db
def test_html_ingest_extracts_body_and_metadata(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("""<html><head><title>Exchange postponed</title>
      <meta property="og:site_name" content="Example Wire"><meta name="date" content="2025-06-08"></head>
      <body><nav>Home | World</nav><article><h1>Exchange postponed</h1>
      <p>The prisoner exchange was postponed until next week, officials said on Sunday.</p>
      <p>Both sides blamed each other for the delay, according to the wire service.</p>
      <p><script>alert(1)</script>More talks are planned in Istanbul next month, the ministry said.</p>
      </article></body></html>""")
    report = ingest_paths([page])
    assert not report.errors, report.errors
    article = report.created[0]
    assert "postponed until next week" in article.text
    assert "alert(1)" not in article.text
    assert article.outlet.name == "Example Wire"
