"""Article identity now includes the outlet (``ingest.article_hash``): recompute every stored hash,
so that re-ingesting a stored article is still recognised."""
from django.db import migrations

CHUNK = 2000


def rehash(apps, schema_editor):
    from comparer.pipeline.ingest import article_hash

    Article = apps.get_model("comparer", "Article")
    batch = []
    for article in Article.objects.only("id", "outlet_id", "title", "text").iterator(chunk_size=CHUNK):
        article.content_hash = article_hash(article.outlet_id, article.title, article.text)
        batch.append(article)
        if len(batch) >= CHUNK:
            Article.objects.bulk_update(batch, ["content_hash"])
            batch = []
    Article.objects.bulk_update(batch, ["content_hash"])


class Migration(migrations.Migration):
    dependencies = [("comparer", "0005_event_story")]
    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
