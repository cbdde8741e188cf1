"""A malformed CSV row is reported with its row number and not stored; the good rows go in (issue 17)."""
import pytest

from comparer.models import Article
from comparer.pipeline.ingest import ingest_paths

GOOD_1 = "Officials said on Monday that the exchange of prisoners was postponed again."
GOOD_2 = "The regional governor said twelve people were wounded in the overnight shelling."
GOOD_3 = "A spokesperson said the talks would resume on Thursday in Istanbul, not before."


@pytest.mark.django_db
def test_unclosed_quote_row_is_refused_with_its_row_and_the_rest_is_stored(tmp_path):
    (tmp_path / "rows.csv").write_text(
        "title,text\n"
        f'"Good one","{GOOD_1}"\n'
        f'"Broken title,{GOOD_2}\n'                 # the quote is never closed
        f'"Good two","{GOOD_3}"\n')
    report = ingest_paths([tmp_path])
    messages = [str(e) for e in report.errors]
    assert len(messages) == 1 and "rows.csv row 3: line 3: unclosed quote" in messages[0], messages
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Good one", "Good two"]
    assert not Article.objects.filter(title__contains="Broken").exists()


@pytest.mark.django_db
def test_text_after_a_closing_quote_is_a_malformed_row(tmp_path):
    (tmp_path / "rows.csv").write_text(
        "title,text\n"
        f'"Broken,"{GOOD_2}\n'                      # quote closed mid-cell, then more text
        f'"Good one","{GOOD_1}"\n')
    report = ingest_paths([tmp_path])
    messages = [str(e) for e in report.errors]
    assert len(messages) == 1 and "rows.csv row 2: line 2: malformed CSV" in messages[0], messages
    assert list(Article.objects.values_list("title", flat=True)) == ["Good one"]


@pytest.mark.django_db
def test_quoted_multiline_bodies_keep_their_rows(tmp_path):
    (tmp_path / "rows.csv").write_text(
        "title,text\n"
        f'"Two paragraphs","{GOOD_1}\n\n{GOOD_2}"\n'
        f'"Quoted ""word""","{GOOD_3}"\n'
        f'"Unclosed,{GOOD_2} Again.\n')
    report = ingest_paths([tmp_path])
    assert [str(e) for e in report.errors] == [f"{tmp_path / 'rows.csv'} row 4: line 6: unclosed quote "
                                               '(a " that is never closed); row skipped']
    assert Article.objects.get(title="Two paragraphs").text == f"{GOOD_1}\n\n{GOOD_2}"
    assert Article.objects.filter(title='Quoted "word"').exists()
