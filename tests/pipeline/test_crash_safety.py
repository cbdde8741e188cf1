"""``kill -9`` in the middle of ``manage.py ingest`` or ``manage.py analyze`` leaves no partial article
and nothing "done" that is not fully analysed; running the command again completes the work (issue 17).

The commands run as subprocesses on this test session's database (``COMPARER_DB_NAME``).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count, F, Q

from comparer.models import Article, Claim
from comparer.pipeline.ingest import article_hash

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PLACES = ["Pokrovsk", "Kharkiv", "Sumy", "Zaporizhzhia", "Kherson", "Odesa", "Dnipro", "Kramatorsk"]


def _env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "comparer.settings",
            "COMPARER_DB_NAME": connection.settings_dict["NAME"], "COMPARER_TASK_BACKEND": "sync",
            "COMPARER_CROSS_ENCODER": "0", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def _manage(*args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(),
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def _kill_when(process: subprocess.Popen, reached, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not reached():
        assert process.poll() is None, f"finished before it could be killed:\n{log.read_text()[-2000:]}"
        assert time.monotonic() < deadline, f"never got far enough:\n{log.read_text()[-2000:]}"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    connection.close()  # the killed process's transaction is gone; read afresh


def _write_articles(folder: Path, count: int) -> None:
    folder.mkdir()
    for n in range(count):
        place = PLACES[n % len(PLACES)]
        (folder / f"{n:04d}.json").write_text(
            '{"outlet": {"name": "Sample Outlet %d"}, "title": "Shelling reported near %s, report %d", '
            '"published_at": "2025-06-%02dT08:00:00Z", "text": "Regional officials said on Monday that %d people '
            'were wounded in overnight shelling near %s. The governor said %d homes were damaged. Emergency crews '
            'worked through the night, the regional administration said."}'
            % (n % 5, place, n, 1 + n % 20, 2 + n % 17, place, 10 + n))


def _assert_no_partial_article() -> None:
    for article in Article.objects.annotate(n_claims=Count("claims")):
        assert article.text and article.content_hash == article_hash(article.outlet_id, article.title, article.text)
        if article.analysis_status == Article.AnalysisStatus.DONE:
            assert article.n_claims > 0, f"article {article.id} is done without its claims"


def _assert_done_means_analysed() -> None:
    """A done article has its claims, sits in an event, and each of its encoded claims belongs to one of
    that event's claim clusters (set when the event is clustered, with its relations)."""
    done = Article.objects.filter(analysis_status=Article.AnalysisStatus.DONE)
    assert not done.filter(claims__isnull=True).exists(), "an article is done without claims"
    assert not done.filter(event__isnull=True).exists(), "an article is done without an event"
    unclustered = Claim.objects.filter(article__in=done, embedding__isnull=False).filter(
        Q(cluster__isnull=True) | ~Q(cluster__event=F("article__event")))
    assert not unclustered.exists(), f"{unclustered.count()} claims of done articles were never clustered"




def test_sigkill_mid_ingest_leaves_no_partial_article_and_a_rerun_completes(tmp_path):
    folder, total = tmp_path / "batch", 600
    _write_articles(folder, total)
    process = _manage("ingest", str(folder), log=tmp_path / "ingest.log")
    _kill_when(process, lambda: Article.objects.count() >= 40, timeout=120, log=tmp_path / "ingest.log")
    stored = Article.objects.count()
    assert 0 < stored < total, "the kill came after the batch had finished"
    _assert_no_partial_article()
    assert not Claim.objects.exists()

    rerun = _manage("ingest", str(folder), log=tmp_path / "rerun.log")
    assert rerun.wait(300) == 0, (tmp_path / "rerun.log").read_text()[-2000:]
    connection.close()
    assert Article.objects.count() == total
    assert Article.objects.filter(analysis_status=Article.AnalysisStatus.PENDING).count() == total
    _assert_no_partial_article()


def test_sigkill_mid_analysis_leaves_nothing_half_done_and_a_rerun_completes(tmp_path):
    folder, total = tmp_path / "batch", 120
    _write_articles(folder, total)
    ingest = _manage("ingest", str(folder), log=tmp_path / "ingest.log")
    assert ingest.wait(300) == 0, (tmp_path / "ingest.log").read_text()[-2000:]
    connection.close()
    assert Article.objects.count() == total

    process = _manage("analyze", log=tmp_path / "analyze.log")
    # Killed while articles' claims are being stored, a third of the way through.
    _kill_when(process, lambda: Article.objects.filter(claims__isnull=False).distinct().count() >= total // 3,
               timeout=400, log=tmp_path / "analyze.log")
    assert Article.objects.exclude(analysis_status=Article.AnalysisStatus.DONE).exists(), "killed too late"
    _assert_no_partial_article()
    _assert_done_means_analysed()

    rerun = _manage("analyze", log=tmp_path / "rerun.log")
    assert rerun.wait(500) == 0, (tmp_path / "rerun.log").read_text()[-2000:]
    connection.close()
    assert Article.objects.filter(analysis_status=Article.AnalysisStatus.DONE).count() == total
    _assert_no_partial_article()
    _assert_done_means_analysed()
    # Stored claims were reused, not stored twice.
    assert not Claim.objects.values("article", "position").annotate(n=Count("id")).filter(n__gt=1).exists()
